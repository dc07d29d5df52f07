//! Jobs (admins): what the scheduler runs, how its last run went, when it runs next,
//! and "Run now".

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use vocab::{Job, JobStatus};

use crate::api::jobs::{list_jobs, RunJobNow};
use crate::components::{page_result, Clipped, FormError, Moment, StatusBadge, Tone};
use crate::dto::JobDto;

/// How many times the list is read again, two seconds apart, after "Run now".
const POLLS_AFTER_RUN: u32 = 10;

#[component]
pub fn JobsPage() -> impl IntoView {
    let run = ServerAction::<RunJobNow>::new();
    let tick = RwSignal::new(0_u32);
    let jobs = Resource::new(move || (run.version().get(), tick.get()), |_| list_jobs());
    // The run starts on the next look of an instance's scheduler: follow it for a while.
    let polls_left = StoredValue::new(0_u32);
    Effect::watch(
        move || run.version().get(),
        move |_, _, _| polls_left.set_value(POLLS_AFTER_RUN),
        false,
    );
    Effect::new(move |_| {
        tick.track();
        run.version().track();
        if polls_left.get_value() > 0 {
            polls_left.update_value(|n| *n -= 1);
            set_timeout(move || tick.update(|t| *t += 1), Duration::from_secs(2));
        }
    });
    let error = Signal::derive(move || run.value().get().and_then(Result::err));
    view! {
        <Title text="Jobs"/>
        <h1>"Jobs"</h1>
        <p class="subtitle">"What the scheduler runs in the background. One instance runs each job at a time; "
            "\"Run now\" makes it due, and the next instance to look runs it within a few seconds."</p>
        <FormError error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(jobs.await, |rows| view! { <JobTable rows run/> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn JobTable(rows: Vec<JobDto>, run: ServerAction<RunJobNow>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="jobs">
            <thead><tr>
                <th>"Job"</th><th>"Runs"</th><th>"Status"</th><th>"Last run"</th><th>"Took"</th>
                <th>"Next run"</th><th>"Count"</th><th>"Instance"</th><th>"Actions"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|job| {
                    let name = job.name;
                    let running = job.status == JobStatus::Running;
                    view! {
                        <tr data-job=name.as_str()>
                            <td>{job_label(name)}</td>
                            <td>{every(job.interval_seconds)}</td>
                            <td class="status"><StatusBadge tone=tone(job.status) text=job.status.as_str()/></td>
                            <td><Moment at=job.last_started_at missing="–"/>
                                {job.last_error.map(|e| view! { <Clipped text=e/> })}
                            </td>
                            <td class="num">{job.last_duration_ms.map(|ms| format!("{ms} ms")).unwrap_or_default()}</td>
                            <td><Moment at=job.next_run_at missing="–"/></td>
                            <td class="num runs">{job.runs}</td>
                            <td>{job.held_by.unwrap_or_default()}</td>
                            <td class="actions">
                                <button type="button" class="secondary" disabled=move || running || run.pending().get()
                                    on:click=move |_| { run.dispatch(RunJobNow { job: name }); }>"Run now"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

fn job_label(job: Job) -> &'static str {
    match job {
        Job::ScheduledChecks => "Scheduled checks",
        Job::LogPruning => "Log pruning",
        Job::Backups => "Backups",
    }
}

fn tone(status: JobStatus) -> Tone {
    match status {
        JobStatus::Ok => Tone::Good,
        JobStatus::Running => Tone::Warning,
        JobStatus::Failed | JobStatus::Interrupted => Tone::Bad,
        JobStatus::Scheduled => Tone::Off,
    }
}

/// "every 30 s", "every 5 min", "every 6 h", "every 1 day".
fn every(seconds: i64) -> String {
    match seconds {
        s if s >= 86_400 && s % 86_400 == 0 => format!("every {} day(s)", s / 86_400),
        s if s >= 3_600 && s % 3_600 == 0 => format!("every {} h", s / 3_600),
        s if s >= 60 && s % 60 == 0 => format!("every {} min", s / 60),
        s => format!("every {s} s"),
    }
}
