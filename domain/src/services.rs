//! The bundle of domain services an adapter needs, built once at start-up: the top
//! floor, the only module that imports every other.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::alerts::{AlertSettings, Dispatcher, WebhookService};
use crate::audit::AuditService;
use crate::auth::{AuthPolicy, AuthService};
use crate::backups::{Backups, Keep};
use crate::credentials::CredentialService;
use crate::egress::{AllowList, Egress};
use crate::error::DomainResult;
use crate::gateway::{Gateway, GatewaySettings};
use crate::health::{HealthChecks, HealthPolicy};
use crate::idempotency::Idempotency;
use crate::limits::Limiter;
use crate::logs::RequestLogs;
use crate::models::ModelService;
use crate::overview::OverviewService;
use crate::passwords::PasswordHasher;
use crate::probe::Prober;
use crate::providers::ProviderService;
use crate::routing::ResolveService;
use crate::scheduler::{Leases, Retention, Schedule, ScheduledBackups, Scheduler};
use crate::setup::SetupService;
use crate::system::SystemService;
use crate::templates::TemplateService;
use crate::test_all::TestAll;
use crate::tokens::TokenService;
use crate::users::UserService;
use crate::vault::Vault;

/// How probes are sent: the scheduled checks, "test all", tests and model syncs.
#[derive(Clone, Copy, Debug)]
pub struct ProbeSettings {
    /// How long a probe waits for a provider.
    pub timeout: Duration,
    /// Probes in flight at once (scheduled checks, test all).
    pub concurrency: usize,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 8,
        }
    }
}

/// Every knob the services are built with, each section its owner's type (and default).
#[derive(Clone, Debug, Default)]
pub struct ServiceConfig {
    pub auth: AuthPolicy,
    pub probes: ProbeSettings,
    pub health: HealthPolicy,
    pub schedule: Schedule,
    pub alerts: AlertSettings,
    /// The private addresses and names outbound requests may reach.
    pub egress_allow: AllowList,
    pub gateway: GatewaySettings,
    /// The SQLite file, whose disappearance makes the database unhealthy.
    pub sqlite_file: Option<PathBuf>,
    pub backups: BackupSettings,
}

/// Where backups go, when the scheduler makes them, and which it keeps.
#[derive(Clone, Debug)]
pub struct BackupSettings {
    pub dir: PathBuf,
    /// A cron schedule; no scheduled backups when `None`.
    pub schedule: Option<String>,
    pub keep: Keep,
    /// The release, recorded in each archive.
    pub version: String,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("./data/backups"),
            schedule: None,
            keep: Keep::default(),
            version: String::new(),
        }
    }
}

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
    pub idempotency: Idempotency,
    pub overview: OverviewService,
    pub webhooks: WebhookService,
    pub alerts: Dispatcher,
    pub system: SystemService,
    pub gateway: Gateway,
    /// Rate limits' state, shared by resolve and the gateway.
    pub limiter: Limiter,
    pub backups: Backups,
}

impl Services {
    pub fn new(db: DatabaseConnection, vault: Vault, config: ServiceConfig) -> DomainResult<Self> {
        let hasher = PasswordHasher::new()?;
        let auth = AuthService::new(db.clone(), config.auth, hasher.clone());
        let users = UserService::new(db.clone(), hasher);
        let setup = SetupService::new(db.clone(), users.clone(), auth.clone());
        let egress = Egress::new(config.egress_allow.clone(), config.probes.timeout);
        let providers = ProviderService::new(db.clone(), egress.clone());
        let templates = TemplateService::new(db.clone());
        let prober = Prober::new(config.probes.timeout, egress.clone())?;
        let vault = Arc::new(vault);
        let credentials = CredentialService::new(db.clone(), vault.clone(), prober.clone());
        let models = ModelService::new(db.clone(), prober, credentials.clone());
        let tokens = TokenService::new(db.clone());
        let logs = RequestLogs::new(db.clone());
        // Names this process in lease rows (scheduled jobs, "test all" runs).
        let instance = instance_name();
        let test_all = TestAll::new(
            db.clone(),
            credentials.clone(),
            config.probes.concurrency,
            instance.clone(),
        );
        let webhooks = WebhookService::new(db.clone(), vault.clone(), egress.clone());
        let alerts = Dispatcher::new(db.clone(), webhooks.clone(), config.alerts, egress.clone())?;
        let checks = HealthChecks::new(
            db.clone(),
            credentials.clone(),
            alerts.clone(),
            config.health,
            config.probes.concurrency,
        );
        // Instances sharing PostgreSQL share their rate limits; SQLite is one instance.
        let limiter = match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => Limiter::shared(db.clone()),
            _ => Limiter::local(),
        };
        let resolve = ResolveService::new(db.clone(), credentials.clone(), alerts.clone(), limiter.clone());
        let gateway = Gateway::new(
            db.clone(),
            credentials.clone(),
            egress.clone(),
            alerts.clone(),
            limiter.clone(),
            config.health,
            config.gateway,
        )?;
        let idempotency = Idempotency::new(db.clone(), vault.clone());
        let retention = Retention {
            logs: logs.clone(),
            runs: test_all.clone(),
            deliveries: alerts.clone(),
            answers: idempotency.clone(),
        };
        let backups =
            Backups::new(db.clone(), config.backups.dir, config.backups.version).with_vault(vault.clone());
        let scheduled_backups = match &config.backups.schedule {
            Some(schedule) => Some(ScheduledBackups::new(
                backups.clone(),
                schedule,
                config.backups.keep,
                alerts.clone(),
                db.clone(),
            )?),
            None => None,
        };
        let scheduler = Scheduler::new(
            Leases::new(db.clone(), instance),
            checks,
            retention,
            config.schedule,
            scheduled_backups,
        );
        Ok(Self(Arc::new(ServiceSet {
            auth,
            users,
            setup,
            providers,
            templates,
            models,
            credentials,
            resolve,
            tokens,
            audit: AuditService::new(db.clone()),
            vault,
            logs,
            scheduler,
            test_all,
            idempotency,
            overview: OverviewService::new(db.clone()),
            webhooks,
            alerts,
            system: SystemService::new(db, config.sqlite_file),
            gateway,
            limiter,
            backups,
        })))
    }
}

/// This process as operators find it: host, process id, and a short random part (a
/// restarted container keeps its host name and often its process id).
fn instance_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    // A v7 id starts with the time; its tail is random.
    let id = Uuid::now_v7().simple().to_string();
    format!("{host}/{}/{}", std::process::id(), &id[id.len() - 6..])
}
