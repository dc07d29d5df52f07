use leptos::prelude::*;

use super::snippets::ModelPicker;
use crate::api::gateway::{SendTestPrompt, MAX_PROMPT_CHARS};
use crate::components::{FieldError, FormError};
use crate::dto::PromptResultDto;
use crate::pages::logs::request_link;

const FIELDS: &[&str] = &["model", "prompt"];

/// "Send a test prompt": a chat completion through the gateway as the signed-in user.
#[component]
pub fn TestPrompt(model: RwSignal<String>, models: Vec<String>, admin: bool) -> impl IntoView {
    let send = ServerAction::<SendTestPrompt>::new();
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    view! {
        <section class="card" id="test-prompt">
            <h2>"Send a test prompt"</h2>
            <p class="subtitle">"Goes through the gateway as you, like a service's request: your own connections and the global credentials, by priority, with failover. It is logged and counted like any other."</p>
            <ActionForm action=send attr:id="test-prompt-form">
                <ModelPicker model models/>
                <FieldError error field="model"/>
                <label>"Prompt"
                    <textarea name="prompt" rows="3" required maxlength=MAX_PROMPT_CHARS.to_string() placeholder="Say hello in five words."></textarea>
                </label>
                <FieldError error field="prompt"/>
                <FormError error fields=FIELDS/>
                <button type="submit" disabled=move || send.pending().get()>
                    {move || if send.pending().get() { "Sending…" } else { "Send" }}
                </button>
            </ActionForm>
            {move || send.value().get().and_then(Result::ok).map(|result| view! { <PromptResult result admin/> })}
        </section>
    }
}

/// The answer and who served it, or why nothing did; the figures either way.
#[component]
fn PromptResult(result: PromptResultDto, admin: bool) -> impl IntoView {
    let ok = result.error.is_none();
    let attempts = match result.attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    };
    let tokens = match (result.prompt_tokens, result.completion_tokens) {
        (None, None) => None,
        (prompt, completion) => Some(format!(
            "{} + {} tokens",
            prompt.unwrap_or(0),
            completion.unwrap_or(0)
        )),
    };
    let request = if admin {
        view! { <a href=request_link(&result.request_id)>{result.request_id.clone()}</a> }.into_any()
    } else {
        view! { <code>{result.request_id.clone()}</code> }.into_any()
    };
    view! {
        <div class=if ok { "prompt-result ok" } else { "prompt-result failed" } id="prompt-result" role="status" data-ok=ok.to_string()>
            {match (result.answer, result.error) {
                (Some(answer), None) => view! { <blockquote class="answer">{answer}</blockquote> }.into_any(),
                (_, error) => view! { <p class="error">{error.unwrap_or_default()}</p> }.into_any(),
            }}
            <p class="figures">
                {result.credential.map(|name| view! { "Served by " <strong class="credential">{name}</strong> " · " })}
                <span data-figure="model">{result.model}</span> " · "
                <span data-figure="attempts">{attempts}</span> " · "
                <span data-figure="latency">{format!("{} ms", result.latency_ms)}</span>
                {result.http_status.map(|s| view! { " · " <span data-figure="http">{format!("HTTP {s}")}</span> })}
                {tokens.map(|t| view! { " · " <span data-figure="tokens">{t}</span> })}
                " · request " {request}
            </p>
        </div>
    }
}
