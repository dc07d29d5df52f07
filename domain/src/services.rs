//! The bundle of domain services an adapter needs, built once at start-up.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::audit::AuditService;
use crate::auth::password::PasswordHasher;
use crate::auth::AuthService;
use crate::credentials::CredentialService;
use crate::models::{ModelFetcher, ModelService};
use crate::providers::ProviderService;
use crate::routing::ResolveService;
use crate::settings::AuthPolicy;
use crate::setup::SetupService;
use crate::templates::TemplateService;
use crate::tokens::TokenService;
use crate::users::UserService;
use crate::vault::Vault;
use crate::DomainResult;

#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub auth: AuthService,
    pub users: UserService,
    pub setup: SetupService,
    pub providers: ProviderService,
    pub templates: TemplateService,
    pub models: ModelService,
    pub credentials: CredentialService,
    pub resolve: ResolveService,
    pub tokens: TokenService,
    pub audit: AuditService,
    pub vault: Arc<Vault>,
}

impl Services {
    /// `probe_timeout` bounds every request Switchyard sends to a provider.
    pub fn new(
        db: DatabaseConnection,
        policy: AuthPolicy,
        vault: Vault,
        probe_timeout: std::time::Duration,
    ) -> DomainResult<Self> {
        let hasher = PasswordHasher::new()?;
        let auth = AuthService::new(db.clone(), policy, hasher.clone());
        let users = UserService::new(db.clone(), hasher);
        let setup = SetupService::new(db.clone(), users.clone(), auth.clone());
        let providers = ProviderService::new(db.clone());
        let templates = TemplateService::new(db.clone());
        let models = ModelService::new(db.clone(), ModelFetcher::new(probe_timeout));
        let vault = Arc::new(vault);
        let audit = AuditService::new(db.clone());
        let credentials = CredentialService::new(db.clone(), vault.clone(), audit.clone());
        let resolve = ResolveService::new(db.clone(), credentials.clone(), audit.clone());
        let tokens = TokenService::new(db.clone(), audit.clone());
        Ok(Self {
            db,
            auth,
            users,
            setup,
            providers,
            templates,
            models,
            credentials,
            resolve,
            tokens,
            audit,
            vault,
        })
    }
}
