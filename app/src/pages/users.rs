use leptos::prelude::*;
use leptos_meta::Title;
use vocab::Role;

use crate::api::auth::current_user;
use crate::api::users::{list_users, CreateUser, DeleteUser, IssuePasswordReset, UpdateUser};
use crate::components::{
    after_save, page_result, page_size, ConfirmButton, CopyButton, EmptyList, FieldError, FormError,
    ListView, Moment, PageSizeChoice, Pager, RowMenu, SavedNotice, SearchBox, SortHeader, StatusBadge, Tone,
};
use crate::dto::UserDto;
use vocab::{UserId, UserOrder};

/// Admin only: the accounts (searchable, ordered by a column, in pages), and a form to
/// add one.
#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let reset = ServerAction::<IssuePasswordReset>::new();
    let list = ListView::new(UserOrder::Email);
    let users = Resource::new(
        move || {
            (
                (list.search.get(), list.order.get(), list.page.get(), list.size()),
                create.version().get(),
                update.version().get(),
                delete.version().get(),
            )
        },
        |((search, order, page, per_page), ..)| list_users(search, order, page, per_page),
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
        <div class="filters">
            <SearchBox search=list.search page=list.page label="Search users"/>
            <PageSizeChoice list/>
        </div>
        <FormError error=update_error/>
        {move || deleted.get().map(|email| view! {
            <p class="ok" role="status">{format!("Deleted {email} with their connections and tokens.")}</p>
        })}
        <ResetLink reset/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten().map(|user| user.id);
                page_result(users.await, |found| view! {
                    <UserTable rows=found.rows list update delete reset me/>
                    <Pager page=list.page total=found.total per_page=page_size(list.per_page.get_untracked()) noun="user(s)"/>
                }.into_any())
            })}
        </Transition>
        <CreateUserForm create/>
    }
}

#[component]
fn UserTable(
    rows: Vec<UserDto>,
    list: ListView<UserOrder>,
    update: ServerAction<UpdateUser>,
    delete: ServerAction<DeleteUser>,
    reset: ServerAction<IssuePasswordReset>,
    me: Option<UserId>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyList filtered=list.searching() nothing_yet="No users yet."/> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0"><table class="list" id="users">
            <thead><tr>
                <SortHeader list by=UserOrder::Email label="Email"/>
                <SortHeader list by=UserOrder::Name label="Name"/>
                <SortHeader list by=UserOrder::Role label="Role"/>
                <th>"Status"</th>
                <SortHeader list by=UserOrder::Newest label="Added" descending=true/>
                <th>"Actions"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|user| {
                    let id = user.id.to_string();
                    let id_for_role = id.clone();
                    let email = user.email.clone();
                    let menu_label = format!("More actions for {}", user.email);
                    let email_for_copy = user.email.clone();
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
                            <td><Moment at=Some(user.created_at)/></td>
                            <td class="actions">
                                {yours.then(|| view! { <span class="muted">"(you)"</span> })}
                                {(!yours).then(|| view! {
                                <ActionForm action=update>
                                    <input type="hidden" name="id" value=id/>
                                    <input type="hidden" name="active" value=(!user.active).to_string()/>
                                    <button type="submit" class="secondary">{if user.active { "Disable" } else { "Enable" }}</button>
                                </ActionForm>
                                <RowMenu label=menu_label>
                                    <ActionForm action=update>
                                        <input type="hidden" name="id" value=id_for_role/>
                                        <input type="hidden" name="role" value=other_role/>
                                        <button type="submit" class="secondary">{format!("Make {other_role}")}</button>
                                    </ActionForm>
                                    <button type="button" class="secondary"
                                        on:click=move |_| { reset.dispatch(IssuePasswordReset { id: user.id }); }>
                                        "Reset password"
                                    </button>
                                    <CopyButton text=user.id.to_string() label="Copy id" about=format!("of {email_for_copy}")/>
                                    <ConfirmButton label="Delete" confirm="Delete for good"
                                        question="Delete this user? Their connections and API tokens go too."
                                        on_confirm=move || { delete.dispatch(DeleteUser { id: user.id }); }/>
                                </RowMenu>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
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
