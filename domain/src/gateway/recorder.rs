//! Writing what gateway requests did, off the request path: log rows, daily usage and the
//! credentials' and tokens' counters in batches, and health outcomes one by one (each
//! through the rule scheduled checks use). When the writer falls behind, rows are
//! dropped and counted; a request never waits for it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;
use vocab::{CredentialId, TokenId, UserId};

use super::inspect::Tokens;
use crate::alerts::Dispatcher;
use crate::entities::{api_tokens, credentials, request_logs, usage_daily};
use crate::error::DomainResult;
use crate::health::{HealthPolicy, Source, Verdict};

/// Rows written in one transaction at most.
const MAX_BATCH: usize = 5_000;
/// How long the first row of a batch waits for company.
const GATHER: Duration = Duration::from_millis(50);

/// A successful request, counted as a use.
pub(super) struct Used {
    pub credential: CredentialId,
    pub provider: String,
    pub token: Option<TokenId>,
    pub user: UserId,
    pub tokens: Tokens,
    pub at: DateTime<Utc>,
}

pub(super) struct AttemptRecord {
    pub log: request_logs::Model,
    pub used: Option<Used>,
}

pub(super) struct HealthNote {
    pub credential: CredentialId,
    pub provider: String,
    pub verdict: Verdict,
}

/// What the writer has done since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecorderStats {
    pub written: u64,
    pub dropped: u64,
}

#[derive(Default)]
struct Counters {
    written: AtomicU64,
    dropped: AtomicU64,
}

pub(super) struct Recorder {
    attempts: mpsc::Sender<AttemptRecord>,
    health: mpsc::Sender<HealthNote>,
    receivers: Mutex<Option<(mpsc::Receiver<AttemptRecord>, mpsc::Receiver<HealthNote>)>>,
    /// Raised on a clean stop: the writers take what is queued, write it and end.
    closing: watch::Sender<bool>,
    writers: Mutex<Vec<JoinHandle<()>>>,
    db: DatabaseConnection,
    alerts: Dispatcher,
    policy: HealthPolicy,
    counters: Arc<Counters>,
}

impl Recorder {
    pub fn new(db: DatabaseConnection, alerts: Dispatcher, policy: HealthPolicy, capacity: usize) -> Self {
        let (attempts, attempts_rx) = mpsc::channel(capacity.max(1));
        let (health, health_rx) = mpsc::channel(capacity.clamp(1, 10_000));
        Self {
            attempts,
            health,
            receivers: Mutex::new(Some((attempts_rx, health_rx))),
            closing: watch::Sender::new(false),
            writers: Mutex::default(),
            db,
            alerts,
            policy,
            counters: Arc::default(),
        }
    }

    pub fn stats(&self) -> RecorderStats {
        RecorderStats {
            written: self.counters.written.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
        }
    }

    /// Queues an attempt's row; dropped (and counted) when the queue is full.
    pub fn attempt(&self, record: AttemptRecord) {
        if self.attempts.try_send(record).is_err() {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Queues a health outcome; dropped (and counted) when the queue is full: the
    /// in-memory state already holds it, and the next failure writes it again.
    pub fn health(&self, note: HealthNote) {
        if self.health.try_send(note).is_err() {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Starts the two writers (once; later calls start nothing).
    pub fn start(&self) {
        let taken = self
            .receivers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let Some((mut attempts, mut health)) = taken else {
            return;
        };
        let (db, counters) = (self.db.clone(), self.counters.clone());
        let alerts = self.alerts.clone();
        let mut closing = self.closing.subscribe();
        let batches = tokio::spawn(async move {
            while let Some(first) = next(&mut attempts, &mut closing).await {
                tokio::time::sleep(GATHER).await;
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match attempts.try_recv() {
                        Ok(record) => batch.push(record),
                        Err(_) => break,
                    }
                }
                let size = batch.len() as u64;
                match write_attempts(&db, &alerts, batch).await {
                    Ok(()) => counters.written.fetch_add(size, Ordering::Relaxed),
                    Err(err) => {
                        tracing::warn!(%err, rows = size, "gateway log rows could not be written");
                        counters.dropped.fetch_add(size, Ordering::Relaxed)
                    }
                };
            }
        });
        let (db, alerts, policy) = (self.db.clone(), self.alerts.clone(), self.policy);
        let mut closing = self.closing.subscribe();
        let outcomes = tokio::spawn(async move {
            while let Some(note) = next(&mut health, &mut closing).await {
                if let Err(err) = write_health(&db, &alerts, &policy, &note).await {
                    tracing::warn!(%err, credential = %note.credential, "a gateway health outcome could not be written");
                }
            }
        });
        *self
            .writers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = vec![batches, outcomes];
    }

    /// Writes what is queued and stops the writers; what arrives later is dropped and
    /// counted. Returns when both have written their last row.
    pub async fn close(&self) {
        self.closing.send_replace(true);
        let writers = std::mem::take(
            &mut *self
                .writers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        for writer in writers {
            let _ = writer.await;
        }
    }
}

/// The next queued item; once closing is raised, the queue takes nothing new and this
/// returns what it still holds, then `None`.
async fn next<T>(queue: &mut mpsc::Receiver<T>, closing: &mut watch::Receiver<bool>) -> Option<T> {
    if !*closing.borrow() {
        tokio::select! {
            got = queue.recv() => return got,
            _ = closing.wait_for(|closed| *closed) => queue.close(),
        }
    }
    queue.recv().await
}

/// One batch: the log rows (with their hourly figures), daily usage, the credentials'
/// use counters (which may raise a quota alert) and the tokens' last use.
async fn write_attempts(
    db: &DatabaseConnection,
    alerts: &Dispatcher,
    batch: Vec<AttemptRecord>,
) -> DomainResult<()> {
    let mut rows = Vec::with_capacity(batch.len());
    // (day, credential, token, user) -> (requests, prompt tokens, completion tokens)
    type Day = (String, Uuid, Uuid, Uuid);
    let mut daily: HashMap<Day, (i64, i64, i64)> = HashMap::new();
    let mut uses: HashMap<CredentialId, (String, i64, DateTime<Utc>)> = HashMap::new();
    let mut tokens: HashMap<TokenId, DateTime<Utc>> = HashMap::new();
    for record in batch {
        rows.push(record.log);
        let Some(used) = record.used else { continue };
        let day = used.at.format("%Y-%m-%d").to_string();
        let token = used.token.map_or(Uuid::nil(), TokenId::uuid);
        let entry = daily
            .entry((day, used.credential.uuid(), token, used.user.uuid()))
            .or_default();
        entry.0 += 1;
        entry.1 += used.tokens.prompt;
        entry.2 += used.tokens.completion;
        let counted = uses.entry(used.credential).or_insert((used.provider, 0, used.at));
        counted.1 += 1;
        counted.2 = std::cmp::max(counted.2, used.at);
        if let Some(token) = used.token {
            let last = tokens.entry(token).or_insert(used.at);
            *last = std::cmp::max(*last, used.at);
        }
    }
    let txn = crate::db::write_transaction(db).await?;
    crate::logs::record(&txn, rows).await?;
    let added = |column: usage_daily::Column| {
        Expr::col((usage_daily::Entity, column)).add(Expr::col((Alias::new("excluded"), column)))
    };
    let daily_rows: Vec<usage_daily::ActiveModel> = daily
        .into_iter()
        .map(
            |((day, credential, token, user), (requests, prompt, completion))| usage_daily::ActiveModel {
                day: Set(day),
                credential_id: Set(credential),
                token_id: Set(token),
                user_id: Set(user),
                requests: Set(requests),
                prompt_tokens: Set(prompt),
                completion_tokens: Set(completion),
            },
        )
        .collect();
    for chunk in daily_rows.chunks(1_000) {
        usage_daily::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    usage_daily::Column::Day,
                    usage_daily::Column::CredentialId,
                    usage_daily::Column::TokenId,
                    usage_daily::Column::UserId,
                ])
                .value(
                    usage_daily::Column::Requests,
                    added(usage_daily::Column::Requests),
                )
                .value(
                    usage_daily::Column::PromptTokens,
                    added(usage_daily::Column::PromptTokens),
                )
                .value(
                    usage_daily::Column::CompletionTokens,
                    added(usage_daily::Column::CompletionTokens),
                )
                .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    let mut raised = Vec::new();
    for (credential, (provider, count, at)) in uses {
        let exists = credentials::Entity::find_by_id(credential.uuid())
            .one(&txn)
            .await?
            .is_some();
        if exists {
            raised.extend(
                crate::credentials::usage::record_uses(&txn, credential, &provider, count, at).await?,
            );
        }
    }
    for (token, at) in tokens {
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::LastUsedAt, Expr::value(at))
            .filter(api_tokens::Column::Id.eq(token.uuid()))
            .exec(&txn)
            .await?;
    }
    let queued = alerts.queue(&txn, &raised).await?;
    txn.commit().await?;
    if queued > 0 {
        alerts.wake();
    }
    Ok(())
}

async fn write_health(
    db: &DatabaseConnection,
    alerts: &Dispatcher,
    policy: &HealthPolicy,
    note: &HealthNote,
) -> DomainResult<()> {
    let txn = crate::db::write_transaction(db).await?;
    let Some(row) = credentials::Entity::find_by_id(note.credential.uuid())
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    let owner = crate::credentials::owner_email(&txn, &row).await?;
    let raised = crate::health::apply(
        &txn,
        &row,
        &note.provider,
        owner,
        &note.verdict,
        policy,
        Source::Gateway,
        alerts,
    )
    .await?;
    txn.commit().await?;
    if !raised.is_empty() {
        alerts.wake();
    }
    Ok(())
}
