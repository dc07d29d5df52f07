//! The in-memory copy of what the gateway routes by: providers, their enabled models,
//! every credential with its key decrypted and its way to the provider prepared, the
//! API tokens, and the order setting. Rebuilt whole on a change; read without locks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, QueryOrder};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;
use vocab::{CredentialId, DisabledReason, Scope};

use super::upstream::Upstream;
use super::Inner;
use crate::credentials::{destination, month_of, refused_destination, scope_of};
use crate::entities::{api_tokens, credentials, models, provider_templates, providers, users};
use crate::error::DomainResult;
use crate::health::{health_of, Health};
use crate::limits::{credential_key, PerMinute};
use crate::redaction::Redactor;
use crate::routing::{Candidate, RoutingSettings, Standing};
use crate::templates::TemplateDefinition;

pub(super) struct ProviderEntry {
    pub id: Uuid,
    pub identifier: String,
    pub enabled: bool,
}

/// What moves between reloads: the health rule's state and this month's uses.
pub(super) struct Live {
    pub health: Health,
    pub month: String,
    pub used_this_month: i64,
}

/// One credential as the gateway uses it.
pub(super) struct Route {
    pub id: CredentialId,
    pub name: String,
    pub provider: Uuid,
    pub provider_identifier: String,
    pub provider_enabled: bool,
    pub scope: Scope,
    pub owner: Option<Uuid>,
    pub priority: i32,
    pub weight: i32,
    pub rate_limit: Option<(PerMinute, i32)>,
    pub limit_key: String,
    pub monthly_quota: Option<i64>,
    pub auto_disable_after: Option<u32>,
    /// How to reach the provider, or why the gateway cannot.
    pub upstream: Result<Upstream, String>,
    /// Shared with the copies before and after this one (see [`carry_over`]).
    live: Arc<Mutex<Live>>,
    secrets: Vec<SecretString>,
    redactor: OnceLock<Redactor>,
}

impl Route {
    pub fn live(&self) -> MutexGuard<'_, Live> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether it may be used now, apart from its rate limit.
    pub fn standing(&self, now: DateTime<Utc>) -> Standing {
        let live = self.live();
        Standing {
            provider_enabled: self.provider_enabled,
            active: live.health.active,
            disabled_reason: live
                .health
                .disabled_reason
                .as_deref()
                .and_then(DisabledReason::parse),
            cooldown_until: live.health.cooldown_until,
            monthly_quota: self.monthly_quota,
            used_this_month: if live.month == month_of(now) {
                live.used_this_month
            } else {
                0
            },
        }
    }

    /// Cuts this credential's secrets, in every encoding, out of an upstream's text.
    pub fn redact(&self, text: &str) -> String {
        self.redactor
            .get_or_init(|| Redactor::new(self.secrets.iter().map(ExposeSecret::expose_secret)))
            .redact(text)
    }

    /// The provider's own error message in `body`, with this credential's secrets cut out.
    pub fn provider_says(&self, body: &[u8]) -> Option<String> {
        let secrets: Vec<&str> = self.secrets.iter().map(ExposeSecret::expose_secret).collect();
        crate::probe::provider_message(body, &secrets)
    }

    /// Whether `bytes` hold a secret as it is (the cheap check before a full redaction).
    pub fn holds_secret(&self, bytes: &[u8]) -> bool {
        self.secrets
            .iter()
            .map(|s| s.expose_secret().trim().as_bytes())
            .filter(|s| s.len() >= 6)
            .any(|secret| memchr::memmem::find(bytes, secret).is_some())
    }
}

impl Candidate for Arc<Route> {
    fn scope(&self) -> Scope {
        self.scope
    }

    fn priority(&self) -> i32 {
        self.priority
    }

    fn weight(&self) -> i32 {
        self.weight
    }

    fn name(&self) -> &str {
        &self.name
    }
}

pub(super) struct Table {
    /// The change counter when this copy was read.
    pub generation: i64,
    /// When this copy started reading (it shows every change committed before).
    pub loaded_at: Instant,
    loaded: bool,
    pub personal_first: bool,
    pub providers: HashMap<Uuid, ProviderEntry>,
    pub by_identifier: HashMap<String, Uuid>,
    /// Enabled model ids and the providers that offer them.
    pub by_model: HashMap<String, Vec<Uuid>>,
    /// When each enabled model id was first added (seconds since the epoch).
    pub model_created: HashMap<String, i64>,
    pub routes: HashMap<Uuid, Vec<Arc<Route>>>,
    /// Tokens by hash, with their owners.
    pub tokens: HashMap<String, (api_tokens::Model, users::Model)>,
}

impl Table {
    pub fn empty() -> Self {
        Self {
            generation: -1,
            loaded_at: Instant::now(),
            loaded: false,
            personal_first: true,
            providers: HashMap::new(),
            by_identifier: HashMap::new(),
            by_model: HashMap::new(),
            model_created: HashMap::new(),
            routes: HashMap::new(),
            tokens: HashMap::new(),
        }
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Reads everything. The counter is read first, so a change that lands while this
    /// runs makes the copy look old at once.
    pub async fn load(inner: &Inner, previous: &Table) -> DomainResult<Self> {
        let loaded_at = Instant::now();
        let generation = crate::changes::generation(&inner.db).await?;
        let db = &inner.db;
        let templates: HashMap<Uuid, TemplateDefinition> = provider_templates::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|t| Some((t.id, TemplateDefinition::from_json(&t.definition).ok()?)))
            .collect();
        let provider_rows = providers::Entity::find().all(db).await?;
        let model_rows = models::Entity::find()
            .order_by_asc(models::Column::ModelId)
            .all(db)
            .await?;
        let credential_rows = credentials::Entity::find().all(db).await?;
        let token_rows = api_tokens::Entity::find()
            .find_also_related(users::Entity)
            .all(db)
            .await?;
        let personal_first = RoutingSettings::new(db.clone()).personal_first().await?;

        let mut table = Self {
            generation,
            loaded_at,
            loaded: true,
            personal_first,
            ..Self::empty()
        };
        let by_id: HashMap<Uuid, &providers::Model> = provider_rows.iter().map(|p| (p.id, p)).collect();
        for provider in &provider_rows {
            table
                .by_identifier
                .insert(provider.identifier.clone(), provider.id);
            table.providers.insert(
                provider.id,
                ProviderEntry {
                    id: provider.id,
                    identifier: provider.identifier.clone(),
                    enabled: provider.enabled,
                },
            );
        }
        let mut provider_order: Vec<&providers::Model> = provider_rows.iter().collect();
        provider_order.sort_by_key(|p| (p.default_priority, p.identifier.clone()));
        let rank: HashMap<Uuid, usize> = provider_order
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        for model in model_rows.into_iter().filter(|m| m.enabled) {
            if !by_id.contains_key(&model.provider_id) {
                continue;
            }
            let created = table
                .model_created
                .entry(model.model_id.clone())
                .or_insert(i64::MAX);
            *created = (*created).min(model.created_at.timestamp());
            table
                .by_model
                .entry(model.model_id)
                .or_default()
                .push(model.provider_id);
        }
        for offered in table.by_model.values_mut() {
            offered.sort_by_key(|p| rank.get(p).copied().unwrap_or(usize::MAX));
        }
        let now = Utc::now();
        for row in credential_rows {
            let Some(provider) = by_id.get(&row.provider_id) else {
                continue;
            };
            let route = prepare(inner, &row, provider, templates.get(&provider.template_id), now);
            let route = carry_over(route, previous, now);
            table.routes.entry(provider.id).or_default().push(Arc::new(route));
        }
        for (token, user) in token_rows {
            if let Some(user) = user {
                table.tokens.insert(token.token_hash.clone(), (token, user));
            }
        }
        Ok(table)
    }
}

fn prepare(
    inner: &Inner,
    row: &credentials::Model,
    provider: &providers::Model,
    definition: Option<&TemplateDefinition>,
    now: DateTime<Utc>,
) -> Route {
    let fields = inner.credentials.stored_fields(row);
    let secrets: Vec<SecretString> = match (&fields, row.secret_fields.as_object()) {
        (Ok(fields), Some(names)) => names
            .keys()
            .filter_map(|name| fields.get(name).cloned())
            .collect(),
        _ => Vec::new(),
    };
    let upstream = match (fields, definition) {
        (Err(err), _) => {
            tracing::error!(credential = %row.id, %err, "a stored secret cannot be decrypted");
            Err("its stored secret cannot be decrypted; replace its key".to_owned())
        }
        (Ok(_), None) => Err("its provider's template cannot be read".to_owned()),
        (Ok(fields), Some(definition)) => {
            let target = destination(provider, row.endpoint_override.as_deref(), &fields);
            match refused_destination(row, &target) {
                Some(why) => Err(why),
                None => match inner.egress.check_url(&target) {
                    Err(refused) => Err(refused.to_string()),
                    Ok(_) => Upstream::prepare(definition, &target, target == provider.base_url, &fields),
                },
            }
        }
    };
    let id = CredentialId::from_uuid(row.id);
    let month = month_of(now);
    let used_this_month = match row.usage_month.as_deref() == Some(month.as_str()) {
        true => row.current_month_usage,
        false => 0,
    };
    Route {
        id,
        name: row.name.clone(),
        provider: provider.id,
        provider_identifier: provider.identifier.clone(),
        provider_enabled: provider.enabled,
        scope: scope_of(row),
        owner: row.owner_id,
        priority: row.priority,
        weight: row.weight,
        rate_limit: row
            .rate_limit_per_minute
            .and_then(|limit| PerMinute::new(limit).map(|per| (per, limit))),
        limit_key: credential_key(id),
        monthly_quota: row.monthly_quota,
        auto_disable_after: row.auto_disable_after.and_then(|n| u32::try_from(n).ok()),
        upstream,
        live: Arc::new(Mutex::new(Live {
            health: health_of(row),
            month,
            used_this_month,
        })),
        secrets,
        redactor: OnceLock::new(),
    }
}

/// The previous copy's live state carries on, updated with what was just read: the
/// health as stored, and this month's uses counted here that the database does not show
/// yet (the writer is a moment behind). It is shared, not copied, so that an attempt
/// begun on the previous copy and ending after the reload still counts.
fn carry_over(mut route: Route, previous: &Table, now: DateTime<Utc>) -> Route {
    let Some(before) = previous
        .routes
        .get(&route.provider)
        .and_then(|routes| routes.iter().find(|r| r.id == route.id))
    else {
        return route;
    };
    {
        let month = month_of(now);
        let read = route.live();
        let mut kept = before.live();
        kept.health = read.health.clone();
        if kept.month == month && read.month == month {
            kept.used_this_month = kept.used_this_month.max(read.used_this_month);
        } else {
            kept.month.clone_from(&read.month);
            kept.used_this_month = read.used_this_month;
        }
    }
    route.live = before.live.clone();
    route
}
