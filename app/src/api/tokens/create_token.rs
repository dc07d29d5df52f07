use leptos::prelude::*;

use crate::dto::{CreatedTokenDto, ScopeChoice};
use crate::AppError;

/// A token from the form. `expires_on` is a date (the token works through that day,
/// UTC) or empty; `kind` is `service` for an admin's service token, personal when left out.
#[server(prefix = "/rpc")]
pub async fn create_token(
    name: String,
    #[server(default)] scopes: ScopeChoice,
    #[server(default)] expires_on: String,
    #[server(default)] kind: Option<vocab::TokenKind>,
    #[server(default)] allowed_models: String,
    #[server(default)] allowed_providers: String,
    #[server(default)] rate_limit: String,
) -> Result<CreatedTokenDto, AppError> {
    use domain::tokens::NewToken;
    use secrecy::ExposeSecret;
    let user = crate::ssr::require_user().await?;
    let expires_at = match expires_on.trim() {
        "" => None,
        day => Some(
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(23, 59, 59))
                .map(|t| t.and_utc())
                .ok_or_else(|| AppError::Validation {
                    field: "expiresAt".into(),
                    message: "enter a date like 2026-12-31".into(),
                })?,
        ),
    };
    let list = |text: &str| {
        let items: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        (!items.is_empty()).then_some(items)
    };
    let rate_limit_per_minute = match rate_limit.trim() {
        "" => None,
        text => Some(text.parse::<i64>().map_err(|_| AppError::Validation {
            field: "rateLimitPerMinute".into(),
            message: "enter a whole number of requests".into(),
        })?),
    };
    let new = NewToken {
        name,
        scopes: Some(scopes.names()),
        expires_at,
        allowed_models: list(&allowed_models),
        allowed_providers: list(&allowed_providers),
        rate_limit_per_minute,
    };
    let (row, token) = crate::ssr::services()?.tokens.create(&user, kind, new).await?;
    Ok(CreatedTokenDto {
        token: token.expose_secret().to_owned(),
        details: row.into(),
    })
}
