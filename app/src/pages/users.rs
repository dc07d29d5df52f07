use leptos::prelude::*;
use leptos_meta::Title;
use vocab::Role;

use crate::api::auth::current_user;
use crate::api::users::{list_users, CreateUser, UpdateUser};
use crate::components::{after_save, page_result, FieldError, FormError, SavedNotice};
use crate::dto::UserDto;
use vocab::UserId;

/// Admin only: every account, and a form to add one.
#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let users = Resource::new(
        move || (create.version().get(), update.version().get()),
        |_| list_users(),
    );
    let me = Resource::new(|| (), |_| current_user());
    let update_error = Signal::derive(move || update.value().get().and_then(Result::err));
    view! {
        <Title text="Users"/>
        <h1>"Users"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten().map(|user| user.id);
                page_result(users.await, |rows| view! {
                    <FormError error=update_error/>
                    <UserTable rows update me/>
                    <CreateUserForm create/>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn UserTable(rows: Vec<UserDto>, update: ServerAction<UpdateUser>, me: Option<UserId>) -> impl IntoView {
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
                            <td class="status">{if user.active { "active" } else { "disabled" }}</td>
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
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
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
