use leptos::prelude::*;
use leptos_meta::Title;
use vocab::Role;

use crate::api::auth::current_user;
use crate::api::users::{list_users, CreateUser, DeleteUser, IssuePasswordReset, UpdateUser};
use crate::components::{
    after_save, page_result, ConfirmButton, CopyButton, FieldError, FormError, SavedNotice, StatusBadge, Tone,
};
use crate::dto::UserDto;
use vocab::UserId;

/// Admin only: every account, and a form to add one.
#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let reset = ServerAction::<IssuePasswordReset>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                delete.version().get(),
            )
        },
        |_| list_users(),
    );
    let me = Resource::new(|| (), |_| current_user());
    let update_error = Signal::derive(move || {
        update
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
            .or_else(|| reset.value().get().and_then(Result::err))
    });
    let deleted = Signal::derive(move || delete.value().get().and_then(Result::ok));
    view! {
        <Title text="Users"/>
        <h1>"Users"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten().map(|user| user.id);
                page_result(users.await, |rows| view! {
                    <FormError error=update_error/>
                    {move || deleted.get().map(|email| view! {
                        <p class="ok" role="status">{format!("Deleted {email} with their connections and tokens.")}</p>
                    })}
                    <ResetLink reset/>
                    <UserTable rows update delete reset me/>
                    <CreateUserForm create/>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn UserTable(
    rows: Vec<UserDto>,
    update: ServerAction<UpdateUser>,
    delete: ServerAction<DeleteUser>,
    reset: ServerAction<IssuePasswordReset>,
    me: Option<UserId>,
) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="users">
            <thead><tr><th>"Email"</th><th>"Name"</th><th>"Role"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|user| {
                    let id = user.id.to_string();
                    let id_for_role = id.clone();
                    let email = user.email.clone();
                    // Admins cannot disable or demote themselves (the service refuses it):
                    // their own row offers neither.
                    let yours = me == Some(user.id);
                    let other_role = match user.role {
                        Role::Admin => Role::User,
                        Role::User => Role::Admin,
                    }
                    .as_str();
                    view! {
                        <tr data-email=email>
                            <td>{user.email}</td>
                            <td>{user.display_name}</td>
                            <td class="role">{user.role.as_str()}</td>
                            <td class="status"><StatusBadge tone=Tone::on(user.active) text=if user.active { "active" } else { "disabled" }/></td>
                            <td class="actions">
                                {yours.then(|| view! { <span class="muted">"(you)"</span> })}
                                {(!yours).then(|| view! {
                                <ActionForm action=update>
                                    <input type="hidden" name="id" value=id/>
                                    <input type="hidden" name="active" value=(!user.active).to_string()/>
                                    <button type="submit" class="secondary">{if user.active { "Disable" } else { "Enable" }}</button>
                                </ActionForm>
                                <ActionForm action=update>
                                    <input type="hidden" name="id" value=id_for_role/>
                                    <input type="hidden" name="role" value=other_role/>
                                    <button type="submit" class="secondary">{format!("Make {other_role}")}</button>
                                </ActionForm>
                                <button type="button" class="secondary"
                                    on:click=move |_| { reset.dispatch(IssuePasswordReset { id: user.id }); }>
                                    "Reset password"
                                </button>
                                <ConfirmButton label="Delete" confirm="Delete for good"
                                    question="Delete this user? Their connections and API tokens go too."
                                    on_confirm=move || { delete.dispatch(DeleteUser { id: user.id }); }/>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// The reset link just made, to pass on to its user: shown once, with a copy button.
#[component]
fn ResetLink(reset: ServerAction<IssuePasswordReset>) -> impl IntoView {
    move || {
        reset.value().get().and_then(Result::ok).map(|made| {
            let expires = made.expires_at.format("%Y-%m-%d %H:%M UTC").to_string();
            let link = made.link.clone();
            view! {
                <section class="card reveal" id="reset-link" role="status">
                    <p>"Send this link to " <strong>{made.email}</strong> ". It sets a new password once, until "
                        {expires} ", and is not shown again."</p>
                    <div class="copy-row">
                        <code class="token">{made.link}</code>
                        <CopyButton text=link/>
                    </div>
                </section>
            }
        })
    }
}

#[component]
fn CreateUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let (form, notice) = after_save(
        create.value(),
        |u: &UserDto| format!("Created {}", u.email),
        || (),
    );
    view! {
        <section class="card">
            <h2>"Add a user"</h2>
            <ActionForm action=create node_ref=form attr:id="create-user">
                <label>"Email" <input type="email" name="email" required maxlength="254"/></label>
                <FieldError error field="email"/>
                <label>"Name" <input type="text" name="display_name" required maxlength="100"/></label>
                <FieldError error field="display_name"/>
                <label>"Initial password (at least 12 characters)"
                    <input type="password" name="password" autocomplete="new-password" required minlength="12"/>
                </label>
                <FieldError error field="password"/>
                <label>"Role"
                    <select name="role">
                        {Role::ALL.iter().map(|role| view! {
                            <option value=role.as_str() selected=*role == Role::User>{role.as_str()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <FormError error fields=&["email", "display_name", "password"]/>
                <button type="submit" disabled=move || create.pending().get()>"Add user"</button>
            </ActionForm>
            <SavedNotice notice/>
        </section>
    }
}
