//! Many keys for one provider: pasted or read from a CSV file, each tested before it is
//! saved, with a result per key. The keys go in batches (the server says where the next
//! starts), so the page shows how far it is and can stop between two.

use leptos::html::{Input, Select, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;
use vocab::ProviderId;

use crate::api::credentials::import_credentials;
use crate::components::{
    after_save, page_result, read_chosen_file, FieldError, FormError, SavedNotice, StatusBadge, Tone,
};
use crate::dto::ImportRowDto;
use crate::AppError;

use super::state::ListState;

/// What a finished (or stopped) import did.
#[derive(Clone, Copy)]
struct Finished {
    saved: usize,
    not_saved: usize,
    /// Keys left untried because the admin stopped the import.
    left: usize,
}

/// One import's progress: keys with a result so far, of how many.
#[derive(Clone, Copy, Default)]
struct Progress {
    done: usize,
    keys: usize,
}

#[component]
pub fn ImportKeys(state: ListState) -> impl IntoView {
    let (provider, keys, save_failed) = (
        NodeRef::<Select>::new(),
        NodeRef::<Textarea>::new(),
        NodeRef::<Input>::new(),
    );
    let outcome = RwSignal::new(None::<Result<Finished, AppError>>);
    let rows = RwSignal::new(Vec::<ImportRowDto>::new());
    let progress = RwSignal::new(None::<Progress>);
    let stop = RwSignal::new(false);
    let running = Signal::derive(move || progress.get().is_some());
    let error = Signal::derive(move || outcome.get().and_then(Result::err));
    let reload = state.reload;
    // What a stopped import puts back in the box (its saved keys are skipped next time:
    // their names are taken).
    let kept = StoredValue::new(None::<String>);
    // The keys leave the form once tried; the list shows the ones saved.
    let (form, notice) = after_save(
        outcome,
        |f: &Finished| match f.left {
            0 => format!(
                "{} saved, {} not saved: each key's result is below.",
                f.saved, f.not_saved
            ),
            left => format!(
                "Stopped: {} saved, {} not saved, {left} not tried.",
                f.saved, f.not_saved
            ),
        },
        move || {
            let text = kept.try_update_value(Option::take).flatten();
            if let (Some(text), Some(keys)) = (text, keys.get_untracked()) {
                keys.set_value(&text);
            }
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(provider), Some(keys), Some(save_failed)) = (provider.get(), keys.get(), save_failed.get())
        else {
            return;
        };
        let Ok(provider) = provider.value().parse::<ProviderId>() else {
            return;
        };
        let (text, save_failed) = (keys.value(), save_failed.checked());
        rows.set(Vec::new());
        outcome.set(None);
        stop.set(false);
        progress.set(Some(Progress::default()));
        // The loop outlives a page left mid-import: a signal found disposed ends it.
        spawn_local(async move {
            let (mut saved, mut not_saved, mut from) = (0, 0, Some(0));
            let mut ended = Ok(0);
            while let Some(start) = from {
                if stop.try_get_untracked().unwrap_or(true) {
                    ended = Ok(progress
                        .try_get_untracked()
                        .flatten()
                        .map_or(0, |p| p.keys - p.done));
                    break;
                }
                match import_credentials(provider, text.clone(), save_failed, start).await {
                    Ok(batch) => {
                        saved += batch.saved;
                        not_saved += batch.not_saved;
                        from = batch.next;
                        let done = batch.next.unwrap_or(batch.total);
                        rows.try_update(|all| all.extend(batch.rows));
                        progress.try_set(Some(Progress {
                            done,
                            keys: batch.total,
                        }));
                        if batch.saved > 0 {
                            reload.try_update(|n| *n += 1);
                        }
                    }
                    Err(refused) => {
                        ended = Err(refused);
                        break;
                    }
                }
            }
            if matches!(ended, Ok(left) if left > 0) {
                kept.try_set_value(Some(text));
            }
            progress.try_set(None);
            outcome.try_set(Some(ended.map(|left| Finished {
                saved,
                not_saved,
                left,
            })));
        });
    };
    let providers = state.providers;
    view! {
        <section class="card" id="import-keys">
            <h2>"Import keys"</h2>
            <p class="subtitle">
                "One key per line, or " <code>"name,key"</code> " per line as a spreadsheet exports them "
                "(a " <code>"key,name"</code> " header puts the key first). "
                "Each key is tested against the provider before it is saved."
            </p>
            // No field has a name and the method is POST: pressed before the page is live,
            // the form sends nothing (a GET would put the keys in the address).
            <form node_ref=form method="post" on:submit=submit>
                <label>"Provider"
                    <select required node_ref=provider>
                        <Suspense>
                            {move || Suspend::new(async move {
                                page_result(providers.await, |providers| providers.into_iter().map(|p| view! {
                                    <option value=p.provider.id.to_string()>{p.provider.name}</option>
                                }).collect_view().into_any())
                            })}
                        </Suspense>
                    </select>
                </label>
                <FieldError error field="provider"/>
                <label>"Keys"
                    <textarea rows="6" required class="code" spellcheck="false" autocomplete="off"
                        node_ref=keys placeholder="sk-…\nbackup,sk-…"></textarea>
                </label>
                <label>"Or read them from a CSV or text file"
                    <input type="file" accept=".csv,.txt,text/csv,text/plain"
                        on:change=move |ev| {
                            let Some(input) = ev.target() else { return };
                            read_chosen_file(&input, move |text| {
                                if let (Some(text), Some(keys)) = (text, keys.get_untracked()) {
                                    keys.set_value(&text);
                                }
                            });
                        }/>
                </label>
                <FieldError error field="keys"/>
                <label class="inline">
                    <input type="checkbox" node_ref=save_failed/>
                    "Also save keys that fail their test (inactive, so routing skips them)"
                </label>
                <FormError error fields=&["provider", "keys"]/>
                <div class="buttons">
                    <button type="submit" disabled=running aria-busy=move || running.get().then_some("true")>
                        {move || if running.get() { "Testing keys…" } else { "Test and import" }}
                    </button>
                    {move || running.get().then(|| view! {
                        <button type="button" class="secondary" disabled=move || stop.get()
                            on:click=move |_| stop.set(true)>"Stop"</button>
                    })}
                </div>
            </form>
            <p role="status" class="import-progress">
                {move || progress.get().filter(|p| p.keys > 0).map(|p| view! {
                    <progress max=p.keys.to_string() value=p.done.to_string()></progress>
                    {format!(" {} of {} keys tested", p.done, p.keys)}
                })}
            </p>
            <SavedNotice notice/>
            {move || rows.with(|r| !r.is_empty()).then(|| view! { <ImportResults rows=rows.get()/> })}
        </section>
    }
}

#[component]
fn ImportResults(rows: Vec<ImportRowDto>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|r| {
            let (tone, word) = match (r.id.is_some(), r.passed) {
                (true, true) => (Tone::Good, "saved"),
                (true, false) => (Tone::Warning, "saved inactive"),
                (false, _) => (Tone::Bad, "not saved"),
            };
            let hint = r.hint.map(|h| format!("••••{h}")).unwrap_or_default();
            view! {
                <tr data-line=r.line.to_string()>
                    <td class="num">{r.line}</td>
                    <td>{r.name}</td>
                    <td class="hint"><code>{hint}</code></td>
                    <td class="status"><StatusBadge tone text=word/></td>
                    <td>{r.message}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="import-results">
            <thead><tr><th>"Line"</th><th>"Name"</th><th>"Key"</th><th>"Result"</th><th>"Test"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
}
