//! The gateway: services send their model calls through Switchyard, which picks the
//! credential, keeps the key inside, fails over, meters and logs.
//!
//! Requests are answered from an in-memory copy of the routing data ([`table`]): no
//! database read per request in the steady state. The copy is rebuilt when anyone, on
//! any instance, announces a change ([`crate::changes`]). Rate limits live in the
//! [`Limiter`](crate::limits::Limiter); what each attempt did is written off the request
//! path, in batches ([`recorder`]).

mod attempt;
mod caller;
mod forward;
mod inspect;
mod recorder;
mod report;
mod route;
mod stream;
mod table;
mod upstream;

use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;

pub use caller::GatewayCaller;
pub use forward::{Failure, Reply, ReplyBody};
pub use inspect::Endpoint;
pub use recorder::RecorderStats;
pub use report::{ModelEntry, UsageDay, UsageReport};

use crate::alerts::Dispatcher;
use crate::credentials::CredentialService;
use crate::egress::Egress;
use crate::error::{DomainError, DomainResult};
use crate::health::HealthPolicy;
use crate::limits::Limiter;
use recorder::Recorder;
use table::Table;

/// How the gateway treats upstreams.
#[derive(Clone, Copy, Debug)]
pub struct GatewaySettings {
    /// An attempt whose upstream says nothing for this long fails over; also the longest
    /// silence allowed between two chunks of a stream.
    pub first_byte_timeout: Duration,
    /// Attempts per request, over different credentials.
    pub max_attempts: u32,
    /// All attempts of one request together, until a first byte reaches the caller.
    pub deadline: Duration,
    /// How often the change counter is read.
    pub poll_interval: Duration,
    /// The copy is rebuilt at least this often (quotas move without announcements).
    pub full_refresh: Duration,
    /// Log rows waiting to be written before new ones are dropped.
    pub log_queue: usize,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            first_byte_timeout: Duration::from_secs(30),
            max_attempts: 3,
            deadline: Duration::from_secs(60),
            poll_interval: Duration::from_millis(250),
            full_refresh: Duration::from_secs(15),
            log_queue: 20_000,
        }
    }
}

#[derive(Clone)]
pub struct Gateway(Arc<Inner>);

struct Inner {
    db: DatabaseConnection,
    credentials: CredentialService,
    egress: Egress,
    client: reqwest::Client,
    limiter: Limiter,
    policy: HealthPolicy,
    settings: GatewaySettings,
    table: ArcSwap<Table>,
    reloading: Mutex<()>,
    recorder: Recorder,
}

impl Gateway {
    /// # Errors
    /// `Internal` when the HTTP client cannot be built.
    pub fn new(
        db: DatabaseConnection,
        credentials: CredentialService,
        egress: Egress,
        alerts: Dispatcher,
        limiter: Limiter,
        policy: HealthPolicy,
        settings: GatewaySettings,
    ) -> DomainResult<Self> {
        // One pool for every upstream: connections are kept alive per host.
        let client = egress
            .client(
                reqwest::Client::builder()
                    .tcp_nodelay(true)
                    .pool_idle_timeout(Duration::from_secs(90))
                    .connect_timeout(settings.first_byte_timeout),
            )
            .map_err(DomainError::internal)?;
        let recorder = Recorder::new(db.clone(), alerts, policy, settings.log_queue);
        Ok(Self(Arc::new(Inner {
            db,
            credentials,
            egress,
            client,
            limiter,
            policy,
            settings,
            table: ArcSwap::from_pointee(Table::empty()),
            reloading: Mutex::new(()),
            recorder,
        })))
    }

    pub fn settings(&self) -> &GatewaySettings {
        &self.0.settings
    }

    /// What the background writer has written and dropped.
    pub fn recorder_stats(&self) -> RecorderStats {
        self.0.recorder.stats()
    }

    /// Loads the routing data, then keeps it fresh and writes what the requests did; the
    /// task that keeps it fresh is returned, for the caller to stop ([`Self::flush`]
    /// stops the writers).
    ///
    /// # Errors
    /// As the first load.
    pub async fn start(&self) -> DomainResult<tokio::task::JoinHandle<()>> {
        self.reload(Instant::now()).await?;
        self.0.recorder.start();
        let this = self.clone();
        Ok(tokio::spawn(async move { this.watch().await }))
    }

    /// On a clean stop, after the last request: writes the log rows and counters still
    /// queued, then stops the writers.
    pub async fn flush(&self) {
        self.0.recorder.close().await;
    }

    /// The copy to answer from: rebuilt first when this process announced a change a
    /// moment ago that the copy does not show (so a caller sees their own change at once).
    async fn table(&self) -> Arc<Table> {
        let asked = Instant::now();
        let table = self.0.table.load_full();
        if !crate::changes::announced_recently() {
            return table;
        }
        match crate::changes::generation(&self.0.db).await {
            Ok(generation) if generation == table.generation => return table,
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(%err, "the gateway could not read the change counter; using the last copy");
                return table;
            }
        }
        match self.reload(asked).await {
            Ok(fresh) => fresh,
            Err(err) => {
                tracing::warn!(%err, "the gateway could not reload its routing data; using the last copy");
                table
            }
        }
    }

    /// Rebuilds the copy; one rebuild at a time, and none when one that started reading
    /// after `asked` finished meanwhile (it is as fresh as this one would be).
    async fn reload(&self, asked: Instant) -> DomainResult<Arc<Table>> {
        let _one = self.0.reloading.lock().await;
        let current = self.0.table.load_full();
        if current.is_loaded() && current.loaded_at >= asked {
            return Ok(current);
        }
        let fresh = Arc::new(Table::load(&self.0, &current).await?);
        self.0.table.store(fresh.clone());
        Ok(fresh)
    }

    /// Reads the change counter every poll interval (and at once when this process
    /// announces), rebuilding the copy when it moved or the copy is old.
    async fn watch(&self) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(self.0.settings.poll_interval) => {}
                () = crate::changes::next_announcement() => {
                    // The announcing transaction commits a moment later.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            let table = self.0.table.load_full();
            let stale = table.loaded_at.elapsed() >= self.0.settings.full_refresh;
            let moved = match crate::changes::generation(&self.0.db).await {
                Ok(generation) => generation != table.generation,
                Err(err) => {
                    tracing::warn!(%err, "the gateway could not read the change counter");
                    false
                }
            };
            if moved || stale {
                if let Err(err) = self.force_reload().await {
                    tracing::warn!(%err, "the gateway could not reload its routing data");
                }
            }
        }
    }

    async fn force_reload(&self) -> DomainResult<()> {
        let _one = self.0.reloading.lock().await;
        let current = self.0.table.load_full();
        let fresh = Table::load(&self.0, &current).await?;
        self.0.table.store(Arc::new(fresh));
        Ok(())
    }
}
