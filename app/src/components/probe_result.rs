use leptos::prelude::*;

use crate::dto::ProbeResultDto;

/// A connection test's result: passed or failed, the sentence, and the figures.
#[component]
pub fn ProbeResult(result: ProbeResultDto) -> impl IntoView {
    let figures: Vec<String> = [
        Some(result.outcome.as_str().replace('_', " ")),
        result.http_status.map(|s| format!("HTTP {s}")),
        Some(format!("{} ms", result.latency_ms)),
        result.model_count.map(|n| format!("{n} models")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (class, verdict) = match result.ok {
        true => ("probe ok", "Test passed"),
        false => ("probe failed", "Test failed"),
    };
    view! {
        <p class=class role="status" data-outcome=result.outcome.as_str()>
            <strong>{verdict}</strong>" — "{result.message}
            <span class="figures">{figures.join(" · ")}</span>
        </p>
    }
}
