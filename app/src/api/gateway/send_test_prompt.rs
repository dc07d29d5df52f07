use leptos::prelude::*;

use crate::dto::PromptResultDto;
use crate::AppError;

/// The longest test prompt, in characters.
pub const MAX_PROMPT_CHARS: usize = 20_000;

/// Sends `prompt` to `model` through the gateway as the signed-in user (a chat
/// completion, not streamed) and says what came back, who served it and how long it
/// took. A request that nothing served is a result too, with the reasons.
#[server(prefix = "/rpc")]
pub async fn send_test_prompt(model: String, prompt: String) -> Result<PromptResultDto, AppError> {
    use domain::gateway::{Endpoint, GatewayCaller};
    let user = crate::ssr::require_user().await?;
    if prompt.trim().is_empty() || prompt.chars().count() > MAX_PROMPT_CHARS {
        return Err(AppError::Validation {
            field: "prompt".into(),
            message: format!("type a prompt of at most {MAX_PROMPT_CHARS} characters"),
        });
    }
    let model = model.trim().to_owned();
    let body = serde_json::json!({
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
    });
    let request_id = crate::ssr::request_id().unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let services = crate::ssr::services()?;
    let started = std::time::Instant::now();
    let sent = services
        .gateway
        .forward(
            &GatewayCaller::session(&user),
            Endpoint::Chat,
            body.to_string().into_bytes().into(),
            &request_id,
        )
        .await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(match sent {
        Ok(reply) => PromptResultDto::answered(model, request_id, latency_ms, reply),
        Err(failure) => PromptResultDto::failed(model, request_id, latency_ms, failure),
    })
}
