//! One attempt at one credential, from the moment it is sent to its end: what it did to
//! the credential's health (in memory at once, in the database soon after) and the log
//! row, usage and counters it is written as.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use uuid::Uuid;
use vocab::{LogKind, Outcome, TokenId, UserId};

use super::caller::GatewayCaller;
use super::inspect::{Endpoint, Tokens};
use super::recorder::{AttemptRecord, HealthNote, Used};
use super::table::Route;
use super::upstream::Failed;
use super::Gateway;
use crate::credentials::month_of;
use crate::entities::request_logs;
use crate::health::Verdict;

pub(super) struct Attempt {
    gateway: Gateway,
    pub route: Arc<Route>,
    request_id: String,
    endpoint: Endpoint,
    model: String,
    user: UserId,
    token: Option<TokenId>,
    started: Instant,
    first_byte: Option<Instant>,
}

impl Attempt {
    pub fn new(
        gateway: &Gateway,
        route: Arc<Route>,
        caller: &GatewayCaller,
        request_id: &str,
        endpoint: Endpoint,
        model: &str,
    ) -> Self {
        Self {
            gateway: gateway.clone(),
            route,
            request_id: request_id.to_owned(),
            endpoint,
            model: model.to_owned(),
            user: caller.user(),
            token: caller.token_id(),
            started: Instant::now(),
            first_byte: None,
        }
    }

    /// The answer's head arrived.
    pub fn first_byte(&mut self) {
        self.first_byte = Some(Instant::now());
    }

    /// It served the caller: a use, its tokens, and a pass for the health rule.
    pub fn succeeded(self, http_status: u16, tokens: Tokens) {
        self.observe(Outcome::Ok, None, "ok");
        let used = self.used(tokens);
        let log = self.row(Outcome::Ok, Some(http_status), None, tokens);
        self.gateway.0.recorder.attempt(AttemptRecord {
            log,
            used: Some(used),
        });
    }

    /// It failed in a way the next credential may not: the key or the provider's fault.
    pub fn failed(self, failed: &Failed) {
        self.observe(failed.outcome, failed.retry_after_secs, &failed.message);
        let log = self.row(
            failed.outcome,
            failed.http_status,
            Some(failed.message.clone()),
            Tokens::default(),
        );
        self.gateway.0.recorder.attempt(AttemptRecord { log, used: None });
    }

    /// The provider refused the request itself (a 400): the caller's problem, not the
    /// key's, so the credential's health is left alone.
    pub fn refused(self, http_status: u16, message: String) {
        let log = self.row(
            Outcome::Rejected,
            Some(http_status),
            Some(message),
            Tokens::default(),
        );
        self.gateway.0.recorder.attempt(AttemptRecord { log, used: None });
    }

    /// The caller went away before a stream ended: the key worked, and the request
    /// counts as a use.
    pub fn abandoned(self, http_status: u16, tokens: Tokens) {
        let used = self.used(tokens);
        let log = self.row(
            Outcome::Ok,
            Some(http_status),
            Some("the caller closed the stream before it ended".to_owned()),
            tokens,
        );
        self.gateway.0.recorder.attempt(AttemptRecord {
            log,
            used: Some(used),
        });
    }

    /// A use of the credential: counted against its quota in memory now (the database
    /// hears of it with the log row, a moment later).
    fn used(&self, tokens: Tokens) -> Used {
        let at = Utc::now();
        {
            let mut live = self.route.live();
            let month = month_of(at);
            if live.month != month {
                live.month = month;
                live.used_this_month = 0;
            }
            live.used_this_month += 1;
        }
        Used {
            credential: self.route.id,
            provider: self.route.provider_identifier.clone(),
            token: self.token,
            user: self.user,
            tokens,
            at,
        }
    }

    /// Applies the health rule in memory now, and queues the same outcome for the
    /// database when it changed something.
    fn observe(&self, outcome: Outcome, retry_after_secs: Option<u64>, message: &str) {
        let now = Utc::now();
        let changed = {
            let mut live = self.route.live();
            let (after, _) = live.health.after_check(
                outcome,
                retry_after_secs,
                now,
                &self.gateway.0.policy,
                self.route.auto_disable_after,
            );
            let changed = after != live.health;
            live.health = after;
            changed
        };
        if changed {
            self.gateway.0.recorder.health(HealthNote {
                credential: self.route.id,
                provider: self.route.provider_identifier.clone(),
                verdict: Verdict {
                    outcome,
                    retry_after_secs,
                    message: message.to_owned(),
                    at: now,
                },
            });
        }
    }

    fn row(
        &self,
        outcome: Outcome,
        http_status: Option<u16>,
        error: Option<String>,
        tokens: Tokens,
    ) -> request_logs::Model {
        // Every way an attempt ends makes its row here, once: it is counted here too.
        crate::metrics::upstream_request(
            LogKind::Gateway,
            &self.route.provider_identifier,
            outcome,
            self.started.elapsed(),
            (tokens.prompt, tokens.completion),
        );
        let millis = |d: std::time::Duration| i32::try_from(d.as_millis()).unwrap_or(i32::MAX);
        let counted = |n: i64| (n > 0).then(|| i32::try_from(n).unwrap_or(i32::MAX));
        request_logs::Model {
            id: Uuid::now_v7(),
            credential_id: Some(self.route.id.uuid()),
            provider_id: Some(self.route.provider),
            user_id: Some(self.user.uuid()),
            token_id: self.token.map(TokenId::uuid),
            kind: LogKind::Gateway.as_str().to_owned(),
            status: outcome.as_str().to_owned(),
            http_status: http_status.map(i32::from),
            latency_ms: millis(self.started.elapsed()),
            model: Some(self.model.chars().take(200).collect()),
            error,
            created_at: Utc::now(),
            request_id: Some(self.request_id.clone()),
            ttfb_ms: self.first_byte.map(|at| millis(at - self.started)),
            prompt_tokens: counted(tokens.prompt),
            completion_tokens: counted(tokens.completion),
            endpoint: Some(self.endpoint.word().to_owned()),
        }
    }
}
