//! Backups: the archives with their size, time and verification, "Back up now" and
//! "Verify". Restoring is done with `switchyard backup restore` (it replaces every row).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::backups::{list_backups, BackUpNow, VerifyBackup};
use crate::components::{page_result, FormError};
use crate::dto::{human_size, BackupDto, BackupsDto};

#[component]
pub fn BackupsPage() -> impl IntoView {
    let back_up = ServerAction::<BackUpNow>::new();
    let verify = ServerAction::<VerifyBackup>::new();
    let backups = Resource::new(
        move || (back_up.version().get(), verify.version().get()),
        |_| list_backups(),
    );
    let error = Signal::derive(move || {
        back_up
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| verify.value().get().and_then(Result::err))
    });
    let made = move || {
        back_up
            .value()
            .get()
            .and_then(Result::ok)
            .map(|b| view! { <p class="ok" role="status">"Made " <code>{b.name}</code> "."</p> })
    };
    view! {
        <Title text="Backups"/>
        <h1>"Backups"</h1>
        <p class="subtitle">
            "Each backup holds every table; stored keys stay encrypted, and the master key is never in it: keep it apart. "
            "Restore with " <code>"switchyard backup restore NAME --dry-run"</code> ", then without " <code>"--dry-run"</code> "."
        </p>
        <ActionForm action=back_up attr:id="back-up-now">
            <button type="submit" disabled=move || back_up.pending().get() aria-busy=move || back_up.pending().get().to_string()>
                {move || if back_up.pending().get() { "Backing up…" } else { "Back up now" }}
            </button>
        </ActionForm>
        {made}
        <FormError error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(backups.await, |page| view! { <BackupList page verify/> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn BackupList(page: BackupsDto, verify: ServerAction<VerifyBackup>) -> impl IntoView {
    let schedule = match page.next_scheduled {
        Some(at) => format!("Next scheduled backup: {} UTC.", at.format("%Y-%m-%d %H:%M")),
        None => "Scheduled backups are off (set SWITCHYARD_BACKUP_SCHEDULE, e.g. \"0 2 * * *\").".to_owned(),
    };
    let rows = if page.data.is_empty() {
        view! { <p class="empty">"No backups yet."</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll" tabindex="0">
                <table class="list" id="backups">
                    <thead><tr><th>"Backup"</th><th>"Made"</th><th>"Size"</th><th>"Rows"</th><th>"Schema"</th><th>"Verification"</th><th>"Actions"</th></tr></thead>
                    <tbody>
                        {page.data.into_iter().map(|b| view! { <BackupRow backup=b verify/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <p>{schedule} " Archives are kept in " <code>{page.dir}</code> "."</p>
        {rows}
    }
}

#[component]
fn BackupRow(backup: BackupDto, verify: ServerAction<VerifyBackup>) -> impl IntoView {
    let (state, text) = match (&backup.problem, &backup.verification) {
        (Some(problem), _) => ("failed", format!("unreadable: {problem}")),
        (None, Some(v)) if v.ok => ("ok", format!("verified {}", v.at.format("%Y-%m-%d %H:%M"))),
        (None, Some(v)) => ("failed", format!("failed: {}", v.message)),
        (None, None) => ("none", "not verified".to_owned()),
    };
    let detail = backup
        .verification
        .as_ref()
        .map(|v| v.message.clone())
        .unwrap_or_default();
    let BackupDto {
        name,
        size_bytes,
        created_at,
        rows,
        schema_version,
        ..
    } = backup;
    let made = created_at
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default();
    let (row_name, shown_name, field_name) = (name.clone(), name.clone(), name.clone());
    let running = Signal::derive(move || {
        verify.pending().get()
            && verify
                .input()
                .with(|input| input.as_ref().is_some_and(|i| i.name == name))
    });
    view! {
        <tr data-name=row_name data-verified=state>
            <td><code>{shown_name}</code></td>
            <td>{made}</td>
            <td>{human_size(size_bytes)}</td>
            <td>{rows.map(|r| r.to_string()).unwrap_or_default()}</td>
            <td>{schema_version.unwrap_or_default()}</td>
            <td><span class=format!("badge {state}") title=detail>{text}</span></td>
            <td>
                <ActionForm action=verify>
                    <input type="hidden" name="name" value=field_name/>
                    <button type="submit" class="secondary" disabled=running aria-busy=move || running.get().to_string()>
                        {move || if running.get() { "Verifying…" } else { "Verify" }}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}
