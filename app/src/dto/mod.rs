//! What the browser and REST clients see. Rows never leave `domain`; these do.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod alerts;
mod health;

pub use alerts::*;
pub use health::*;

/// The signed-in user, as the UI needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A provider as the registry shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderDto {
    pub id: Uuid,
    pub identifier: String,
    pub name: String,
    pub template_id: Uuid,
    pub base_url: String,
    pub is_system: bool,
    pub enabled: bool,
    pub default_priority: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A credential field a template asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateFieldDto {
    pub name: String,
    pub label: String,
    pub help: Option<String>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub required: bool,
    pub placeholder: Option<String>,
    pub pattern: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateDto {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub description: String,
    pub builtin: bool,
    pub auth_scheme: String,
    pub default_base_url: Option<String>,
    pub fields: Vec<TemplateFieldDto>,
    /// The whole definition: auth scheme, extra headers, fields, test and model requests.
    pub definition: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModelDto {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub model_id: String,
    pub display_name: String,
    pub enabled: bool,
    pub source: String,
    pub last_synced_at: Option<DateTime<Utc>>,
}

/// An enabled provider with the models a user may use, for `GET /api/providers`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AvailableProviderDto {
    #[serde(flatten)]
    pub provider: ProviderDto,
    pub models: Vec<ModelDto>,
}

/// A provider's page: the provider, the template it speaks and its models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderDetailDto {
    pub provider: ProviderDto,
    pub template: TemplateDto,
    pub models: Vec<ModelDto>,
}

/// What a model sync would change, or changed once applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncDiffDto {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    pub applied: bool,
}

impl SyncDiffDto {
    /// Whether applying it would change anything.
    pub fn changes(&self) -> bool {
        !self.added.is_empty() || !self.removed.is_empty()
    }
}

/// Which credential list a page or server function is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialScope {
    /// The admins' credentials, shared by everyone.
    Global,
    /// The caller's own connections.
    Personal,
}

/// The settings part of a credential form (`settings[priority]`, …), numbers as typed;
/// empty means the default, or none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialSettingsForm {
    pub priority: String,
    pub weight: String,
    pub rate_limit_per_minute: String,
    pub monthly_quota: String,
    pub auto_disable_after: String,
    pub endpoint: String,
}

/// Another user's connection as an admin sees it: that it exists, whose, its state;
/// no hint, no field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSummaryDto {
    pub id: Uuid,
    pub name: String,
    pub provider: String,
    pub provider_name: String,
    pub owner_id: Option<Uuid>,
    pub owner_email: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_test_status: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One page of audit events and how many match in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditEventDto>,
    pub total: u64,
}

/// Which scopes a token form asked for (`scopes[resolve]=true`, …).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScopeChoice {
    pub resolve: bool,
    pub gateway: bool,
    pub secrets_read: bool,
}

impl ScopeChoice {
    pub fn names(self) -> Vec<String> {
        [
            ("resolve", self.resolve),
            ("gateway", self.gateway),
            ("secrets:read", self.secrets_read),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| name.to_owned())
        .collect()
    }
}

impl CredentialScope {
    /// How a form posts it.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialScope::Global => "global",
            CredentialScope::Personal => "personal",
        }
    }
}

/// One page of credentials and how many there are in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialPage {
    pub rows: Vec<CredentialDto>,
    pub total: u64,
}

/// A global credential or a personal connection. Secret values never leave the
/// server: `hint` is at most the key's last four characters, `secretFields` only names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialDto {
    pub id: Uuid,
    pub name: String,
    /// The provider's identifier.
    pub provider: String,
    pub provider_id: Uuid,
    pub provider_name: String,
    /// `global` or `personal`.
    pub scope: String,
    pub owner_id: Option<Uuid>,
    pub priority: i32,
    pub weight: i32,
    pub active: bool,
    /// Why it is inactive: `manual` or `health`.
    pub disabled_reason: Option<String>,
    /// When it was turned off (by an admin or by the health checks).
    pub disabled_at: Option<DateTime<Utc>>,
    pub hint: Option<String>,
    pub endpoint: Option<String>,
    /// Values of the template's non-secret fields.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Which secret fields are set.
    pub secret_fields: Vec<String>,
    pub rate_limit_per_minute: Option<i32>,
    pub monthly_quota: Option<i64>,
    /// Failed health checks in a row before it is disabled; the instance setting when null.
    pub auto_disable_after: Option<i32>,
    pub usage_count: i64,
    pub current_month_usage: i64,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_test_status: Option<String>,
    pub last_test_latency_ms: Option<i32>,
    pub last_test_at: Option<DateTime<Utc>>,
    pub last_test_error: Option<String>,
    pub cooldown_until: Option<DateTime<Utc>>,
    /// Failed scheduled checks in a row.
    pub consecutive_failures: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One connection test: how it ended and a sentence a person understands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProbeResultDto {
    pub ok: bool,
    /// `ok`, `auth_rejected`, `forbidden`, `not_found`, `rate_limited`, `upstream_error`,
    /// `timeout`, `connect_failed` or `bad_response`.
    pub outcome: String,
    pub http_status: Option<u16>,
    pub latency_ms: u32,
    /// How many models the key can see, when the probe lists them.
    pub model_count: Option<u32>,
    pub message: String,
    pub tested_at: DateTime<Utc>,
}

/// A "test all" run: progress counters and the results so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TestRunDto {
    pub job_id: Uuid,
    /// `running`, `finished` or `cancelled`.
    pub status: String,
    pub total: i32,
    pub done: i32,
    pub ok: i32,
    /// Failed for any reason but a rate limit.
    pub failed: i32,
    pub rate_limited: i32,
    /// True once nothing more will arrive (finished or cancelled).
    pub finished: bool,
    pub results: Vec<TestRunResultDto>,
}

/// One credential's result in a run. `outcome` is a test's outcome, or `not_tested`
/// when the stored secret could not be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TestRunResultDto {
    pub credential_id: Uuid,
    pub name: String,
    pub provider: String,
    pub ok: bool,
    pub outcome: String,
    pub http_status: Option<i32>,
    pub latency_ms: i32,
    pub model_count: Option<i32>,
    pub message: String,
    pub tested_at: DateTime<Utc>,
}

/// A saved credential's test, with the credential it was for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestedCredentialDto {
    pub id: Uuid,
    pub result: ProbeResultDto,
}

impl CredentialDto {
    /// `••••abcd`, or `••••` when the key is too short to show any of it.
    pub fn masked(&self) -> String {
        format!("••••{}", self.hint.as_deref().unwrap_or_default())
    }
}

/// A credential in a resolve answer: enough to name and order it, nothing secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResolvedCredentialDto {
    pub id: Uuid,
    pub name: String,
    /// The provider's identifier.
    pub provider: String,
    /// `global` or `personal`.
    pub scope: String,
    pub priority: i32,
    pub weight: i32,
    pub hint: Option<String>,
    /// Why it was left out (excluded ones only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /api/resolve`: the candidates in the order to use them, and the rest with why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResolutionDto {
    pub candidates: Vec<ResolvedCredentialDto>,
    pub excluded: Vec<ResolvedCredentialDto>,
}

/// An API token as lists show it: never the token itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, to recognise it.
    pub prefix: String,
    /// `personal` or `service`.
    pub kind: String,
    pub scopes: Vec<String>,
    pub owner_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The answer to creating a token: the only time `token` is ever shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedTokenDto {
    /// `sy_…`: store it now, it cannot be shown again.
    pub token: String,
    #[serde(flatten)]
    pub details: ApiTokenDto,
}

/// One audit event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEventDto {
    pub id: Uuid,
    pub seq: i64,
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    /// SHA-256 linking this event to the previous one.
    pub hash: String,
}

/// The figures on the overview page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub providers: u64,
    pub enabled_providers: u64,
    pub credentials: u64,
    pub active_credentials: u64,
    pub users: u64,
    pub templates: u64,
}

/// A scheduled job: how often it runs, when it ran and will run, how it went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JobDto {
    pub name: String,
    pub interval_seconds: i64,
    /// `running` while an instance holds its lease, else the last run's `ok` or `failed`.
    pub status: String,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub last_duration_ms: Option<i32>,
    pub last_error: Option<String>,
    pub next_run_at: Option<DateTime<Utc>>,
    pub runs: i32,
}

/// One request Switchyard sent to a provider: a test, a scheduled check, a gateway call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RequestLogDto {
    pub id: Uuid,
    /// `probe` (a test), `health` (a scheduled check) or `gateway`.
    pub kind: String,
    /// The outcome: `ok`, `auth_rejected`, `timeout`, …
    pub status: String,
    pub http_status: Option<i32>,
    pub latency_ms: i32,
    /// The provider's identifier.
    pub provider: Option<String>,
    pub credential_id: Option<Uuid>,
    pub credential_name: Option<String>,
    pub user_id: Option<Uuid>,
    pub model: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A page of request logs and how many match in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestLogPage {
    pub rows: Vec<RequestLogDto>,
    pub total: u64,
}

/// A list as REST returns it: `{"data": [...], "total": n}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub total: u64,
}

impl<T> ListResponse<T> {
    /// Converts each row into its wire type.
    pub fn of<R: Into<T>>(rows: Vec<R>) -> Self {
        let total = rows.len() as u64;
        Self::page(rows, total)
    }

    /// One page of rows, with the total across all pages.
    pub fn page<R: Into<T>>(rows: Vec<R>, total: u64) -> Self {
        Self {
            data: rows.into_iter().map(Into::into).collect(),
            total,
        }
    }
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::audit::AuditRecord;
    use domain::auth::CurrentUser;
    use domain::credentials::CredentialView;
    use domain::entities::{
        api_tokens, models, provider_templates, providers, test_run_results, test_runs, users,
    };
    use domain::models::SyncDiff;
    use domain::routing::Resolution;
    use domain::status::Counts;
    use domain::templates::FieldSpec;

    impl From<&CurrentUser> for SessionUser {
        fn from(user: &CurrentUser) -> Self {
            Self {
                id: user.id(),
                email: user.email().to_owned(),
                display_name: user.display_name().to_owned(),
                role: user.role().as_str().to_owned(),
            }
        }
    }

    impl From<users::Model> for UserDto {
        fn from(row: users::Model) -> Self {
            Self {
                id: row.id,
                email: row.email,
                display_name: row.display_name,
                role: row.role,
                active: row.active,
                last_login_at: row.last_login_at,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        }
    }

    impl From<providers::Model> for ProviderDto {
        fn from(row: providers::Model) -> Self {
            Self {
                id: row.id,
                identifier: row.identifier,
                name: row.name,
                template_id: row.template_id,
                base_url: row.base_url,
                is_system: row.is_system,
                enabled: row.enabled,
                default_priority: row.default_priority,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        }
    }

    impl From<FieldSpec> for TemplateFieldDto {
        fn from(f: FieldSpec) -> Self {
            Self {
                name: f.name,
                label: f.label,
                help: f.help,
                secret: f.secret,
                required: f.required,
                placeholder: f.placeholder,
                pattern: f.pattern,
            }
        }
    }

    impl From<provider_templates::Model> for TemplateDto {
        fn from(row: provider_templates::Model) -> Self {
            let fields = domain::templates::fields_of(&row)
                .into_iter()
                .map(TemplateFieldDto::from)
                .collect();
            Self {
                id: row.id,
                key: row.key,
                name: row.name,
                description: row.description,
                builtin: row.builtin,
                auth_scheme: row.auth_scheme,
                default_base_url: row.default_base_url,
                fields,
                definition: row.definition,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        }
    }

    impl From<models::Model> for ModelDto {
        fn from(row: models::Model) -> Self {
            Self {
                id: row.id,
                provider_id: row.provider_id,
                model_id: row.model_id,
                display_name: row.display_name,
                enabled: row.enabled,
                source: row.source,
                last_synced_at: row.last_synced_at,
            }
        }
    }

    impl From<(providers::Model, Vec<models::Model>)> for AvailableProviderDto {
        fn from((provider, models): (providers::Model, Vec<models::Model>)) -> Self {
            Self {
                provider: provider.into(),
                models: models.into_iter().map(ModelDto::from).collect(),
            }
        }
    }

    impl From<(providers::Model, provider_templates::Model, Vec<models::Model>)> for ProviderDetailDto {
        fn from(
            (provider, template, models): (providers::Model, provider_templates::Model, Vec<models::Model>),
        ) -> Self {
            Self {
                provider: provider.into(),
                template: template.into(),
                models: models.into_iter().map(ModelDto::from).collect(),
            }
        }
    }

    impl From<SyncDiff> for SyncDiffDto {
        fn from(d: SyncDiff) -> Self {
            Self {
                added: d.added,
                removed: d.removed,
                unchanged: d.unchanged,
                applied: d.applied,
            }
        }
    }

    impl From<domain::probe::ProbeReport> for ProbeResultDto {
        fn from(report: domain::probe::ProbeReport) -> Self {
            Self {
                ok: report.ok(),
                outcome: report.outcome.as_str().to_owned(),
                http_status: report.http_status,
                latency_ms: report.latency_ms,
                model_count: report.model_count,
                message: report.message,
                tested_at: report.tested_at,
            }
        }
    }

    impl From<domain::scheduler::JobState> for JobDto {
        fn from(job: domain::scheduler::JobState) -> Self {
            let row = job.row.as_ref();
            Self {
                name: job.name.to_owned(),
                interval_seconds: job.interval.num_seconds(),
                status: job.status,
                last_started_at: row.and_then(|r| r.last_started_at),
                last_finished_at: row.and_then(|r| r.last_finished_at),
                last_duration_ms: row.and_then(|r| r.last_duration_ms),
                last_error: row.and_then(|r| r.last_error.clone()),
                next_run_at: row.map(|r| r.next_run_at),
                runs: row.map_or(0, |r| r.runs),
            }
        }
    }

    impl From<(test_runs::Model, Vec<test_run_results::Model>)> for TestRunDto {
        fn from((run, results): (test_runs::Model, Vec<test_run_results::Model>)) -> Self {
            Self {
                job_id: run.id,
                finished: run.status != domain::health::RUNNING,
                status: run.status,
                total: run.total,
                done: run.done,
                ok: run.ok,
                failed: run.failed,
                rate_limited: run.rate_limited,
                results: results
                    .into_iter()
                    .map(|r| TestRunResultDto {
                        credential_id: r.credential_id,
                        name: r.credential_name,
                        provider: r.provider,
                        ok: r.outcome == "ok",
                        outcome: r.outcome,
                        http_status: r.http_status,
                        latency_ms: r.latency_ms,
                        model_count: r.model_count,
                        message: r.message,
                        tested_at: r.tested_at,
                    })
                    .collect(),
            }
        }
    }

    impl From<domain::logs::LogRecord> for RequestLogDto {
        fn from(record: domain::logs::LogRecord) -> Self {
            let row = record.row;
            Self {
                id: row.id,
                kind: row.kind,
                status: row.status,
                http_status: row.http_status,
                latency_ms: row.latency_ms,
                provider: record.provider,
                credential_id: row.credential_id,
                credential_name: record.credential_name,
                user_id: row.user_id,
                model: row.model,
                error: row.error,
                created_at: row.created_at,
            }
        }
    }

    impl From<CredentialView> for CredentialDto {
        fn from(view: CredentialView) -> Self {
            let fields = view.plain_fields();
            let secret_fields = view.secret_field_names();
            let current_month_usage = view.current_month_usage(chrono::Utc::now());
            let row = view.row().clone();
            Self {
                id: row.id,
                name: row.name,
                provider: view.provider_identifier,
                provider_id: row.provider_id,
                provider_name: view.provider_name,
                scope: row.scope,
                owner_id: row.owner_id,
                priority: row.priority,
                weight: row.weight,
                active: row.active,
                disabled_reason: row.disabled_reason,
                disabled_at: row.disabled_at,
                hint: Some(row.hint).filter(|h| !h.is_empty()),
                endpoint: row.endpoint_override,
                fields,
                secret_fields,
                rate_limit_per_minute: row.rate_limit_per_minute,
                monthly_quota: row.monthly_quota,
                auto_disable_after: row.auto_disable_after,
                usage_count: row.usage_count,
                current_month_usage,
                last_used_at: row.last_used_at,
                last_test_status: row.last_test_status,
                last_test_latency_ms: row.last_test_latency_ms,
                last_test_at: row.last_test_at,
                last_test_error: row.last_test_error,
                cooldown_until: row.cooldown_until,
                consecutive_failures: row.consecutive_failures,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        }
    }

    fn resolved(view: &CredentialView, reason: Option<String>) -> ResolvedCredentialDto {
        let row = view.row();
        ResolvedCredentialDto {
            id: row.id,
            name: row.name.clone(),
            provider: view.provider_identifier.clone(),
            scope: row.scope.clone(),
            priority: row.priority,
            weight: row.weight,
            hint: Some(row.hint.clone()).filter(|h| !h.is_empty()),
            reason,
        }
    }

    impl From<Resolution> for ResolutionDto {
        fn from(r: Resolution) -> Self {
            Self {
                candidates: r.candidates.iter().map(|v| resolved(v, None)).collect(),
                excluded: r
                    .excluded
                    .iter()
                    .map(|(v, why)| resolved(v, Some(why.to_string())))
                    .collect(),
            }
        }
    }

    impl From<api_tokens::Model> for ApiTokenDto {
        fn from(row: api_tokens::Model) -> Self {
            Self {
                scopes: domain::tokens::scopes_of(&row)
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
                id: row.id,
                name: row.name,
                prefix: row.prefix,
                kind: row.kind,
                owner_id: row.owner_id,
                created_at: row.created_at,
                last_used_at: row.last_used_at,
                expires_at: row.expires_at,
                revoked_at: row.revoked_at,
            }
        }
    }

    impl From<AuditRecord> for AuditEventDto {
        fn from(
            AuditRecord {
                event: row,
                actor_email,
            }: AuditRecord,
        ) -> Self {
            Self {
                actor_email,
                id: row.id,
                seq: row.seq,
                actor_id: row.actor_id,
                action: row.action,
                target: row.target,
                details: row.details,
                ip: row.ip,
                created_at: row.created_at,
                hash: row.hash,
            }
        }
    }

    impl From<(CredentialView, String)> for ConnectionSummaryDto {
        fn from((view, owner_email): (CredentialView, String)) -> Self {
            let row = view.row();
            Self {
                id: row.id,
                name: row.name.clone(),
                provider: view.provider_identifier.clone(),
                provider_name: view.provider_name.clone(),
                owner_id: row.owner_id,
                owner_email,
                active: row.active,
                disabled_reason: row.disabled_reason.clone(),
                last_used_at: row.last_used_at,
                last_test_status: row.last_test_status.clone(),
                created_at: row.created_at,
            }
        }
    }

    impl From<Counts> for Overview {
        fn from(c: Counts) -> Self {
            Self {
                providers: c.providers,
                enabled_providers: c.enabled_providers,
                credentials: c.credentials,
                active_credentials: c.active_credentials,
                users: c.users,
                templates: c.templates,
            }
        }
    }
}
