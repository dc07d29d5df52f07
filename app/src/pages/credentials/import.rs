//! Many keys for one provider: pasted, each tested before it is saved, with a result
//! per key.

use leptos::prelude::*;

use crate::api::credentials::ImportCredentials;
use crate::components::{after_save, page_result, FieldError, FormError, SavedNotice, StatusBadge, Tone};
use crate::dto::{ImportResultDto, ImportRowDto};

use super::state::ListState;

#[component]
pub fn ImportKeys(state: ListState) -> impl IntoView {
    let import = ServerAction::<ImportCredentials>::new();
    let error = Signal::derive(move || import.value().get().and_then(Result::err));
    let result = move || import.value().get().and_then(Result::ok);
    let reload = state.reload;
    // The keys leave the form once tried; the list shows the ones saved.
    let (form, notice) = after_save(
        import.value(),
        |r: &ImportResultDto| {
            format!(
                "{} saved, {} not saved: each key's result is below.",
                r.saved, r.not_saved
            )
        },
        move || reload.update(|n| *n += 1),
    );
    let providers = state.providers;
    view! {
        <section class="card" id="import-keys">
            <h2>"Import keys"</h2>
            <p class="subtitle">
                "One key per line, or " <code>"name,key"</code> " per line as a spreadsheet exports them. "
                "Each key is tested against the provider before it is saved."
            </p>
            <ActionForm action=import node_ref=form>
                <label>"Provider"
                    <select name="provider" required>
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
                    <textarea name="keys" rows="6" required class="code" spellcheck="false" autocomplete="off"
                        placeholder="sk-…\nbackup,sk-…"></textarea>
                </label>
                <FieldError error field="keys"/>
                <label class="inline">
                    <input type="checkbox" name="save_failed" value="true"/>
                    "Also save keys that fail their test (inactive, so routing skips them)"
                </label>
                <FormError error fields=&["provider", "keys"]/>
                <button type="submit" disabled=move || import.pending().get()
                    aria-busy=move || import.pending().get().then_some("true")>
                    {move || if import.pending().get() { "Testing keys…" } else { "Test and import" }}
                </button>
            </ActionForm>
            <SavedNotice notice/>
            {move || result().map(|r| view! { <ImportResults rows=r.rows/> })}
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
