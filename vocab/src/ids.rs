//! Typed ids: a `CredentialId` cannot be passed where a `ProviderId` is expected.

ids! {
    UserId,
    ProviderId,
    TemplateId,
    ModelId,
    CredentialId,
    TokenId,
    WebhookId,
    DeliveryId,
    /// A "test all" run.
    RunId,
}
