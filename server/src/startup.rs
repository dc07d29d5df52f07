//! Start-up as a function tests call: open the database, migrate, seed, open the
//! vault, bind, and serve until told to stop.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use domain::scheduler::Scheduler;
use domain::services::Services;
use domain::vault::{MasterKey, Vault};
use domain::{db, seed};
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tracing::Instrument;

use crate::config::Config;
use crate::http::{router, AppState};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    port: u16,
    pub services: Services,
    /// The one-time first-admin link, while no admin exists.
    pub setup_url: Option<String>,
    run_scheduler: bool,
    /// The gateway's watcher, started with its first load (its writers stop by `flush`).
    gateway_watcher: tokio::task::JoinHandle<()>,
    stopping: Arc<AtomicBool>,
    grace: Duration,
    drain: Duration,
    /// `/metrics`, when `SWITCHYARD_METRICS_ADDR` is set.
    metrics_listener: Option<TcpListener>,
}

impl Application {
    /// Everything up to accepting connections. Port 0 picks a free port.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let services = prepare(&config).await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let port = listener.local_addr()?.port();
        let setup_url = services.setup.issue_token_if_needed().await?.map(|token| {
            format!(
                "{}/setup?token={}",
                config.public_url(port),
                token.expose_secret()
            )
        });
        if let Some(url) = &setup_url {
            tracing::warn!("No admin exists yet. Create the first admin here (one-time link): {url}");
        }
        let gateway_watcher = services
            .gateway
            .start()
            .await
            .context("the gateway could not load its routing data")?;
        // Installed before the first request, so nothing goes uncounted; `/metrics` is on
        // the main listener (for admins and metrics tokens) even without its own.
        crate::metrics::handle();
        let metrics_listener = match config.metrics_addr {
            Some(addr) => {
                let listener = TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr} for metrics"))?;
                Some(listener)
            }
            None => None,
        };
        let state = AppState::new(services.clone(), &config)?;
        let stopping = state.stopping.clone();
        Ok(Self {
            listener,
            router: router(state)?,
            port,
            services,
            setup_url,
            run_scheduler: config.scheduler,
            gateway_watcher,
            stopping,
            grace: Duration::from_secs(config.shutdown_grace),
            drain: Duration::from_secs(config.shutdown_drain),
            metrics_listener,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` completes, then stops cleanly: readiness answers 503 at
    /// once, new requests are still answered for the drain period, then the listener
    /// closes and requests in flight finish within the grace period (what is left is cut
    /// off); the gateway's queued log rows are written and the leases released.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let mut jobs = match self.run_scheduler {
            true => spawn_scheduler(&self.services.scheduler),
            false => Vec::new(),
        };
        // Webhook deliveries go out from every instance: a lease keeps each to one sender.
        jobs.push(tokio::spawn(self.services.alerts.clone().run()));
        // A rotation by `keys rotate` reaches this instance within a second.
        jobs.push(tokio::spawn(self.services.vault.clone().watch()));
        // Any instance adopts a "test all" run whose instance died.
        jobs.push(tokio::spawn(self.services.test_all.clone().watch()));
        jobs.push(self.gateway_watcher);
        if let Some(listener) = self.metrics_listener {
            let port = listener.local_addr()?.port();
            let metrics = crate::metrics::router(self.services.clone());
            jobs.push(tokio::spawn(async move {
                if let Err(err) = axum::serve(listener, metrics).await {
                    tracing::error!(%err, "the metrics listener stopped");
                }
            }));
            tracing::info!(port, "metrics are served at /metrics");
        }
        tracing::info!(port = self.port, "Switchyard is ready");
        // Stream chunks are small writes: without TCP_NODELAY, Nagle's algorithm holds
        // each one back until the client's delayed ACK (about 40 ms).
        let listener = axum::serve::ListenerExt::tap_io(self.listener, |tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(%err, "TCP_NODELAY could not be set");
            }
        });
        let asked = Arc::new(Notify::new());
        let (stopping, drain, told) = (self.stopping.clone(), self.drain, asked.clone());
        let stop_accepting = async move {
            shutdown.await;
            stopping.store(true, Ordering::SeqCst);
            told.notify_one();
            if !drain.is_zero() {
                tracing::info!(
                    seconds = drain.as_secs(),
                    "stopping: readiness answers 503; still answering for the drain period"
                );
                tokio::time::sleep(drain).await;
            }
            tracing::info!("stopping: no new connections; finishing requests in flight");
        };
        let serving = axum::serve(
            listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop_accepting);
        let grace = self.grace;
        let served = tokio::select! {
            served = serving.into_future() => served,
            () = async { asked.notified().await; tokio::time::sleep(grace).await } => {
                tracing::warn!(seconds = grace.as_secs(), "the grace period ended with requests in flight; they were cut off");
                Ok(())
            }
        };
        for job in jobs {
            job.abort();
        }
        // The writers get what is left of a short wait: their queue is at most a few
        // batches, and the process must exit.
        if tokio::time::timeout(Duration::from_secs(10), self.services.gateway.flush())
            .await
            .is_err()
        {
            tracing::warn!("the gateway's last log rows could not be written in time");
        }
        // Leave nothing held: another instance (or this one restarted) picks up at once.
        if let Err(err) = self.services.scheduler.release().await {
            tracing::warn!(%err, "the scheduler's leases could not be released");
        }
        if let Err(err) = self.services.test_all.release().await {
            tracing::warn!(%err, "the running test-all run could not be released");
        }
        tracing::info!("stopped");
        served
    }
}

/// One task per scheduled job, each asking for its lease a few times per interval.
fn spawn_scheduler(scheduler: &Scheduler) -> Vec<tokio::task::JoinHandle<()>> {
    scheduler
        .jobs()
        .into_iter()
        .map(|job| {
            let scheduler = scheduler.clone();
            let poll = (scheduler.interval(job) / 4)
                .to_std()
                .unwrap_or_default()
                .clamp(Duration::from_millis(250), Duration::from_secs(5));
            let span = tracing::info_span!("scheduler", job = job.as_str());
            tokio::spawn(
                domain::background::every(poll, "the scheduler could not take its lease", move || {
                    let scheduler = scheduler.clone();
                    async move { scheduler.run_if_due(job).await }
                })
                .instrument(span),
            )
        })
        .collect()
}

/// Opens the database (creating the data directory for the embedded default).
pub async fn open_database(config: &Config) -> anyhow::Result<DatabaseConnection> {
    if config.database_url.is_none() {
        create_private_dir(&config.data_dir)
            .with_context(|| format!("cannot create the data directory {}", config.data_dir.display()))?;
    }
    Ok(db::connect(&config.database_url()).await?)
}

/// The data directory, readable by its owner only (0700) when this creates it.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// The master key from the environment, the key file, or a new key file.
pub fn load_master_key(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(encoded) = &config.master_key {
        return MasterKey::from_encoded(encoded).context("SWITCHYARD_MASTER_KEY is not a valid key");
    }
    let path = config.master_key_path();
    if path.exists() {
        return MasterKey::read_file(&path)
            .with_context(|| format!("the master key file {} is unusable", path.display()));
    }
    if config.master_key_file.is_some() {
        bail!(
            "the master key file {} does not exist (SWITCHYARD_MASTER_KEY_FILE)",
            path.display()
        );
    }
    let key = MasterKey::create_file(&path)?;
    tracing::warn!(
        "Generated a new master key at {}. Back it up apart from the database: without it the stored secrets cannot be read.",
        path.display()
    );
    Ok(key)
}

/// Database, migrations, seeding and vault: what must succeed before serving.
pub async fn prepare(config: &Config) -> anyhow::Result<Services> {
    let db = open_database(config).await?;
    db::migrate_up(&db)
        .await
        .context("start-up stopped: the database migration failed")?;
    let report = seed::seed(&db).await?;
    if !report.templates_added.is_empty() || !report.providers_added.is_empty() {
        tracing::info!(templates = ?report.templates_added, providers = ?report.providers_added, "seeded built-ins");
    }
    let master = load_master_key(config)?;
    let vault = Vault::open(&db, &master).await.context(
        "start-up stopped: set SWITCHYARD_MASTER_KEY or SWITCHYARD_MASTER_KEY_FILE to the key this database was created with",
    )?;
    let services = Services::new(db, vault, config.services())?;
    for (provider, priority) in services.credentials.active_global_order().await? {
        tracing::info!("Provider: {provider} | Priority: {priority}");
    }
    Ok(services)
}
