//! The bundle of domain services an adapter needs, built once at start-up.

use std::ops::Deref;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::alerts::{AlertSettings, Dispatcher, WebhookService};
use crate::audit::AuditService;
use crate::auth::password::PasswordHasher;
use crate::auth::AuthService;
use crate::credentials::CredentialService;
use crate::health::{HealthChecks, TestAll};
use crate::logs::RequestLogs;
use crate::models::ModelService;
use crate::overview::OverviewService;
use crate::probe::Prober;
use crate::providers::ProviderService;
use crate::routing::ResolveService;
use crate::scheduler::{Leases, Scheduler};
use crate::settings::{AuthPolicy, HealthSettings};
use crate::setup::SetupService;
use crate::templates::TemplateService;
use crate::tokens::TokenService;
use crate::users::UserService;
use crate::vault::Vault;
use crate::DomainResult;

/// A handle on the services: cloning it is one reference count, where cloning the set
/// itself would touch every service's pool handle (adapters clone it per request).
#[derive(Clone)]
pub struct Services(Arc<ServiceSet>);

impl Deref for Services {
    type Target = ServiceSet;

    fn deref(&self) -> &ServiceSet {
        &self.0
    }
}

pub struct ServiceSet {
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
    pub logs: RequestLogs,
    pub scheduler: Scheduler,
    pub test_all: TestAll,
    pub overview: OverviewService,
    pub webhooks: WebhookService,
    pub alerts: Dispatcher,
}

impl Services {
    pub fn new(
        db: DatabaseConnection,
        policy: AuthPolicy,
        vault: Vault,
        health: HealthSettings,
        alert_settings: AlertSettings,
    ) -> DomainResult<Self> {
        let hasher = PasswordHasher::new()?;
        let auth = AuthService::new(db.clone(), policy, hasher.clone());
        let users = UserService::new(db.clone(), hasher);
        let setup = SetupService::new(db.clone(), users.clone(), auth.clone());
        let providers = ProviderService::new(db.clone());
        let templates = TemplateService::new(db.clone());
        let prober = Prober::new(health.probe_timeout);
        let models = ModelService::new(db.clone(), prober.clone());
        let vault = Arc::new(vault);
        let audit = AuditService::new(db.clone());
        let credentials = CredentialService::new(db.clone(), vault.clone(), audit.clone(), prober);
        let tokens = TokenService::new(db.clone(), audit.clone());
        let logs = RequestLogs::new(db.clone());
        let test_all = TestAll::new(db.clone(), credentials.clone(), health.probe_concurrency);
        let checks = HealthChecks::new(
            db.clone(),
            credentials.clone(),
            health.policy,
            health.probe_concurrency,
        );
        let webhooks = WebhookService::new(db.clone(), vault.clone(), audit.clone());
        let alerts = Dispatcher::new(db.clone(), webhooks.clone(), alert_settings)?;
        let overview = OverviewService::new(db.clone());
        let resolve = ResolveService::new(db.clone(), credentials.clone(), audit.clone(), alerts.clone());
        // Names this process in the scheduler's lease rows.
        let instance = Uuid::now_v7().to_string();
        let scheduler = Scheduler::new(
            Leases::new(db.clone(), instance),
            checks,
            logs.clone(),
            alerts.clone(),
            health.schedule,
        );
        Ok(Self(Arc::new(ServiceSet {
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
            logs,
            scheduler,
            test_all,
            overview,
            webhooks,
            alerts,
        })))
    }
}
