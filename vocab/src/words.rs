//! The closed sets of words, each with its wire spelling.

words! {
    /// What a user may do: admins manage everything, users their own connections.
    pub enum Role {
        Admin = "admin",
        User = "user",
    }
}

words! {
    /// Whose a credential is: the admins' (global) or one user's (a connection).
    pub enum Scope {
        Global = "global",
        Personal = "personal",
    }
}

words! {
    /// What a request made with an API token may do.
    pub enum TokenScope {
        /// `POST /api/resolve`.
        Resolve = "resolve",
        /// The decrypted fields of the first candidate in a resolve answer (audited).
        SecretsRead = "secrets:read",
        /// The OpenAI-compatible gateway.
        Gateway = "gateway",
        /// `GET /metrics` on the main listener (Prometheus' text format).
        Metrics = "metrics",
    }
}

impl TokenScope {
    /// Scopes only an admin may grant, and a token keeps only while its owner is one.
    pub fn admin_only(self) -> bool {
        matches!(self, TokenScope::SecretsRead | TokenScope::Metrics)
    }
}

words! {
    /// Personal tokens act as their owner; service tokens for a service, on global
    /// credentials only.
    pub enum TokenKind {
        Personal = "personal",
        Service = "service",
    }
}

words! {
    /// How a request to a provider ended (a probe or a gateway attempt).
    pub enum Outcome {
        Ok = "ok",
        AuthRejected = "auth_rejected",
        Forbidden = "forbidden",
        NotFound = "not_found",
        RateLimited = "rate_limited",
        UpstreamError = "upstream_error",
        Timeout = "timeout",
        ConnectFailed = "connect_failed",
        BadResponse = "bad_response",
        /// The provider refused the request itself (a 4xx other than 401, 403 and 429):
        /// the caller's problem, not the key's.
        Rejected = "rejected",
    }
}

words! {
    /// Why a request-log row exists.
    pub enum LogKind {
        /// A connection test someone started.
        Test = "probe",
        /// A scheduled check.
        ScheduledCheck = "health",
        /// A gateway attempt.
        Gateway = "gateway",
    }
}

words! {
    /// Why a credential is off.
    pub enum DisabledReason {
        /// An admin (or the owner) turned it off; only they turn it on.
        Manual = "manual",
        /// The scheduled checks turned it off; a passing check turns it on.
        Health = "health",
    }
}

words! {
    /// The events a webhook receives.
    pub enum AlertEvent {
        AutoDisabled = "credential.auto_disabled",
        Recovered = "credential.recovered",
        QuotaExhausted = "credential.quota_exhausted",
        TestFailed = "credential.test_failed",
        /// A scheduled backup could not be made or did not verify.
        BackupFailed = "backup.failed",
        /// Sent by "send test event" only; a webhook needs no subscription for it.
        Test = "webhook.test",
    }
}

impl AlertEvent {
    /// Every event a webhook may subscribe to (all of them when it names none).
    pub const SUBSCRIBABLE: [AlertEvent; 5] = [
        AlertEvent::AutoDisabled,
        AlertEvent::Recovered,
        AlertEvent::QuotaExhausted,
        AlertEvent::TestFailed,
        AlertEvent::BackupFailed,
    ];

    /// A subscribable event by name (the test event is not one).
    pub fn subscribable(name: &str) -> Option<Self> {
        Self::SUBSCRIBABLE.into_iter().find(|e| e.as_str() == name)
    }
}

words! {
    /// The body a webhook receives.
    pub enum WebhookKind {
        Json = "json",
        Slack = "slack",
    }
}

words! {
    /// Where a webhook delivery stands.
    pub enum DeliveryStatus {
        Pending = "pending",
        Delivered = "delivered",
        Failed = "failed",
    }
}

words! {
    /// The scheduler's jobs.
    pub enum Job {
        ScheduledChecks = "health_checks",
        LogPruning = "log_pruning",
        Backups = "backups",
    }
}

words! {
    /// A job as admins see it: running while an instance holds its lease, else how its
    /// last run ended, or scheduled before the first.
    pub enum JobStatus {
        Scheduled = "scheduled",
        Running = "running",
        Ok = "ok",
        Failed = "failed",
        /// Its instance stopped (a clean stop, or it stopped renewing its lease).
        Interrupted = "interrupted",
    }
}

words! {
    /// Where a "test all" run stands.
    pub enum RunStatus {
        Running = "running",
        Finished = "finished",
        Cancelled = "cancelled",
    }
}

words! {
    /// A data key's state: `active` encrypts; `previous` only decrypts rows not yet
    /// rotated; `retired` is unused and kept for the record.
    pub enum KeyState {
        Active = "active",
        Previous = "previous",
        Retired = "retired",
    }
}

words! {
    /// Where a provider's model came from.
    pub enum ModelSource {
        Synced = "synced",
        Manual = "manual",
    }
}

words! {
    /// Where a credential moves in its provider's order.
    pub enum Direction {
        Up = "up",
        Down = "down",
    }
}

words! {
    /// What the audit log records, in the order the audit page offers them as filters.
    pub enum AuditAction {
        CredentialCreate = "credential.create",
        CredentialUpdate = "credential.update",
        CredentialReplaceSecret = "credential.replace_secret",
        CredentialReorder = "credential.reorder",
        CredentialDelete = "credential.delete",
        CredentialReveal = "credential.reveal",
        CredentialAutoDisabled = "credential.auto_disabled",
        CredentialRecovered = "credential.recovered",
        TokenCreate = "token.create",
        TokenRevoke = "token.revoke",
        WebhookCreated = "webhook.created",
        WebhookUpdated = "webhook.updated",
        WebhookDeleted = "webhook.deleted",
        SettingsUpdate = "settings.update",
        VaultRotate = "vault.rotate",
        VaultRewrap = "vault.rewrap",
        VaultRetire = "vault.retire",
        UserCreate = "user.create",
        UserUpdate = "user.update",
        UserDelete = "user.delete",
        UserPasswordReset = "user.password_reset",
        SignIn = "auth.sign_in",
        SignInFailed = "auth.sign_in_failed",
        PasswordChange = "auth.password_change",
        ProviderCreate = "provider.create",
        ProviderUpdate = "provider.update",
        ProviderDelete = "provider.delete",
        RegistryRefresh = "registry.refresh",
        TemplateCreate = "template.create",
        TemplateUpdate = "template.update",
        TemplateDelete = "template.delete",
        ModelAdd = "model.add",
        ModelUpdate = "model.update",
        ModelsSync = "models.sync",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CredentialId;

    #[test]
    fn words_round_trip_through_their_spelling_and_serde() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert_eq!(TokenScope::SecretsRead.to_string(), "secrets:read");
        assert_eq!(LogKind::parse("health"), Some(LogKind::ScheduledCheck));
        assert_eq!(
            serde_json::from_str::<Outcome>("\"rate_limited\"").unwrap(),
            Outcome::RateLimited
        );
    }

    #[test]
    fn an_unknown_word_says_which_are_known() {
        let err = "owner".parse::<Role>().unwrap_err();
        assert_eq!(err.to_string(), "use one of: admin, user");
        assert_eq!(err.set, "Role");
    }

    #[test]
    fn only_credential_events_can_be_subscribed_to() {
        for event in AlertEvent::SUBSCRIBABLE {
            assert_eq!(AlertEvent::subscribable(event.as_str()), Some(event));
        }
        assert_eq!(AlertEvent::subscribable("webhook.test"), None);
        assert_eq!(AlertEvent::subscribable("credential.deleted"), None);
    }

    #[test]
    fn ids_are_bare_uuids_on_the_wire() {
        let id = CredentialId::from_uuid(uuid::Uuid::nil());
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"00000000-0000-0000-0000-000000000000\""
        );
        assert_eq!(id.to_string().parse::<CredentialId>().unwrap(), id);
    }
}

words! {
    /// How far back the overview's figures reach: 24 hourly buckets, or seven days in
    /// 6-hour buckets.
    pub enum Window {
        Day = "24h",
        Week = "7d",
    }
}

words! {
    /// The order a list of credentials is read in.
    #[derive(Default)]
    pub enum CredentialOrder {
        /// By priority (lower first), as routing tries them.
        #[default]
        Priority = "priority",
        Name = "name",
        /// The most recently used first; never used last.
        LastUsed = "last-used",
    }
}

words! {
    /// The order the list of users is read in.
    #[derive(Default)]
    pub enum UserOrder {
        #[default]
        Email = "email",
        Name = "name",
        /// Admins first, then by email.
        Role = "role",
        /// The most recently added first.
        Newest = "newest",
    }
}

words! {
    /// The order a log is read in. Request logs have durations, and may be read
    /// slowest first; the audit log refuses that order.
    #[derive(Default)]
    pub enum LogOrder {
        #[default]
        Newest = "newest",
        Oldest = "oldest",
        Slowest = "slowest",
    }
}

impl LogOrder {
    /// Whether the audit log can be read in this order: its events take no time, so not
    /// slowest first.
    pub fn reads_audit_log(&self) -> bool {
        *self != Self::Slowest
    }
}
