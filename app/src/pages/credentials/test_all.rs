use std::time::Duration;

use leptos::prelude::*;
use vocab::{RunId, RunStatus};

use crate::api::credentials::{test_all_progress, CancelTestAll, StartTestAll};
use crate::dto::TestRunDto;
use crate::AppError;

/// A run's actions and progress, made by the page outside its `Suspense` (see `ListState`).
#[derive(Clone, Copy)]
pub struct TestAllState {
    start: ServerAction<StartTestAll>,
    cancel: ServerAction<CancelTestAll>,
    tick: RwSignal<u32>,
    progress: Resource<Result<Option<TestRunDto>, AppError>>,
    /// The list to load again once a run has finished, and the run it was loaded for.
    list_reload: RwSignal<u32>,
    reloaded_for: StoredValue<Option<RunId>>,
}

impl TestAllState {
    pub fn new(list_reload: RwSignal<u32>) -> Self {
        let start = ServerAction::<StartTestAll>::new();
        let cancel = ServerAction::<CancelTestAll>::new();
        let job = Signal::derive(move || start.value().get().and_then(Result::ok));
        let tick = RwSignal::new(0_u32);
        let progress = Resource::new(
            move || (job.get(), tick.get(), cancel.version().get()),
            |(job, ..)| async move {
                match job {
                    Some(job) => test_all_progress(job).await.map(Some),
                    None => Ok(None),
                }
            },
        );
        Self {
            start,
            cancel,
            tick,
            progress,
            list_reload,
            reloaded_for: StoredValue::new(None),
        }
    }
}

/// "Test all": a progress bar that fills as results arrive, then a summary and the
/// results. Progress is polled twice a second while the run goes on.
#[component]
pub fn TestAllPanel(state: TestAllState) -> impl IntoView {
    let TestAllState {
        start,
        cancel,
        tick,
        progress,
        list_reload,
        reloaded_for,
    } = state;
    Effect::new(move |_| {
        if let Some(Ok(Some(run))) = progress.get() {
            if !run.finished {
                set_timeout(move || tick.update(|t| *t += 1), Duration::from_millis(500));
            } else if reloaded_for.get_value() != Some(run.job_id) {
                // Each row's "last test" changed: the list shows it without a reload.
                reloaded_for.set_value(Some(run.job_id));
                list_reload.update(|n| *n += 1);
            }
        }
    });
    view! {
        <section class="card" id="test-all">
            <div class="row">
                <ActionForm action=start>
                    <button type="submit" class="secondary" disabled=move || start.pending().get()>"Test all"</button>
                </ActionForm>
                <span class="subtitle">"Sends each global credential's probe, a few at a time."</span>
            </div>
            {move || start.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            <Transition>
                {move || Suspend::new(async move {
                    match progress.await {
                        Ok(Some(run)) => view! { <RunProgress run cancel/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RunProgress(run: TestRunDto, cancel: ServerAction<CancelTestAll>) -> impl IntoView {
    let summary = format!(
        "{} ok, {} failed, {} rate limited",
        run.ok, run.failed, run.rate_limited
    );
    let state = match run.status {
        RunStatus::Running => format!("Testing: {} of {}", run.done, run.total),
        RunStatus::Cancelled => format!("Cancelled after {} of {}: {summary}", run.done, run.total),
        RunStatus::Finished => format!("Done: {summary}"),
    };
    let job = run.job_id.to_string();
    view! {
        <div class="test-run" data-status=run.status.as_str()>
            <progress max=run.total.max(1) value=run.done></progress>
            <p class="summary" role="status">{state}</p>
            {(!run.finished).then(|| view! {
                <ActionForm action=cancel>
                    <input type="hidden" name="job" value=job/>
                    <button type="submit" class="secondary">"Cancel"</button>
                </ActionForm>
            })}
            <div class="table-scroll" tabindex="0"><table class="list results">
                <thead><tr><th>"Name"</th><th>"Provider"</th><th>"Outcome"</th><th>"Latency"</th><th>"Models"</th><th>"Message"</th></tr></thead>
                <tbody>
                    {run.results.into_iter().map(|r| {
                        let name = r.name.clone();
                        view! {
                        <tr data-name=name class=if r.ok { "ok" } else { "failed" }>
                            <td>{r.name}</td>
                            <td>{r.provider}</td>
                            <td class="outcome">{r.outcome.replace('_', " ")}</td>
                            <td>{format!("{} ms", r.latency_ms)}</td>
                            <td>{r.model_count.map(|n| n.to_string()).unwrap_or_default()}</td>
                            <td>{r.message}</td>
                        </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        </div>
    }
}
