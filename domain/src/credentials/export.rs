//! The global credentials' metadata as CSV, for a spreadsheet or an audit: what they are,
//! how they are used and how their last test went. Never a secret, nor the key's hint.

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, QueryFilter};

use super::listing::ordered;
use super::ownership::owned_by;
use super::service::CredentialService;
use super::view::CredentialDetails;
use crate::access::{Admin, Owner};
use crate::entities::credentials;
use crate::error::{DomainError, DomainResult};

const HEADER: [&str; 18] = [
    "id",
    "name",
    "provider",
    "priority",
    "weight",
    "active",
    "disabled_reason",
    "endpoint_host",
    "requests_per_minute",
    "monthly_quota",
    "usage_this_month",
    "usage_total",
    "last_used_at",
    "last_test_status",
    "last_test_at",
    "last_test_latency_ms",
    "last_test_error",
    "created_at",
];

impl CredentialService {
    /// Every global credential, in the order they are used, as CSV with a header row.
    pub async fn export_csv(&self, admin: &Admin) -> DomainResult<String> {
        let owner = Owner::Admins(admin.clone());
        let views = self
            .views(ordered(credentials::Entity::find().filter(owned_by(&owner))))
            .await?;
        let now = Utc::now();
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(HEADER).map_err(csv_error)?;
        for view in views {
            out.write_record(record(&view.provider_identifier, &view.details(now)))
                .map_err(csv_error)?;
        }
        let bytes = out.into_inner().map_err(DomainError::internal)?;
        String::from_utf8(bytes).map_err(DomainError::internal)
    }
}

fn record(provider: &str, c: &CredentialDetails) -> Vec<String> {
    let time = |at: Option<DateTime<Utc>>| at.map(|t| t.to_rfc3339()).unwrap_or_default();
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    [
        c.id.to_string(),
        c.name.clone(),
        provider.to_owned(),
        c.priority.to_string(),
        c.weight.to_string(),
        c.active.to_string(),
        c.disabled_reason
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
        c.endpoint_host.clone().unwrap_or_default(),
        number(c.rate_limit_per_minute.map(i64::from)),
        number(c.monthly_quota),
        c.current_month_usage.to_string(),
        c.usage_count.to_string(),
        time(c.last_used_at),
        c.last_test_status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        time(c.last_test_at),
        number(c.last_test_latency_ms.map(i64::from)),
        c.last_test_error.clone().unwrap_or_default(),
        time(Some(c.created_at)),
    ]
    .into_iter()
    .map(|cell| safe_cell(&cell))
    .collect()
}

/// A cell a spreadsheet will not run: text it would read as a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return first) gets a leading apostrophe. Names and error
/// messages come from users and providers.
fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn csv_error(err: csv::Error) -> DomainError {
    DomainError::internal(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_text() {
        for formula in [
            "=1+1",
            "+1",
            "-2",
            "@SUM(A1)",
            "\t=x",
            "\r=x",
            "=HYPERLINK(\"http://x\")",
        ] {
            assert_eq!(safe_cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["Team key", "", "1", "2026-12-06T10:00:00+00:00", "a=b", "o'brien"] {
            assert_eq!(safe_cell(plain), plain);
        }
    }
}
