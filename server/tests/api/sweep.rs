//! Every route the router serves (the OpenAPI document's paths and the registered server
//! functions), called by every kind of caller, each answer checked against the route's
//! rule in `rules()` and searched for other people's data. A route the table lacks fails
//! the sweep by name, so a new route cannot go unchecked.

use std::collections::BTreeSet;
use std::time::Instant;

use app::api::audit::ListAudit;
use app::api::auth::{ChangePassword, CurrentUser, SignIn, SignOut};
use app::api::backups::{BackUpNow, ListBackups, VerifyBackup};
use app::api::credentials::{
    CancelTestAll, CreateCredential, CredentialFormFields, DeleteCredential, ImportCredentials,
    ListAllConnections, ListCredentials, MoveCredential, SetCredentialActive, StartTestAll, TestAllProgress,
    TestCredential, TestCredentialForm, UpdateCredential,
};
use app::api::gateway::{GetGatewayGuide, SendTestPrompt};
use app::api::jobs::{ListJobs, RunJobNow};
use app::api::logs::ListRequestLogs;
use app::api::models::{AddModel, SetModelEnabled, SyncModels};
use app::api::overview::{GetFigures, GetMyUsage, GetOverview};
use app::api::providers::{
    CreateProvider, DeleteProvider, GetProvider, ListEnabledProviders, ListProviders, SetProviderEnabled,
    UpdateProvider,
};
use app::api::settings::{PersonalFirst, SetPersonalFirst};
use app::api::setup::{CheckSetupToken, CompleteSetup};
use app::api::templates::{CloneTemplate, DeleteTemplate, GetTemplate, ListTemplates, UpdateTemplate};
use app::api::tokens::{CreateToken, ListTokens, RevokeToken};
use app::api::users::{
    CompletePasswordReset, CreateUser, DeleteUser, IssuePasswordReset, ListUsers, UpdateUser,
};
use app::api::webhooks::{
    CreateWebhook, DeleteWebhook, ListDeliveries, ListWebhooks, SendTestEvent, SetWebhookEnabled,
    UpdateWebhook,
};
use leptos::server_fn::ServerFn;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use vocab::TokenScope;

use crate::fake_provider::{register, FakeProvider};
use crate::helpers::{json_of, TestApp, ADMIN_EMAIL};
use crate::on_both_databases;

on_both_databases!(every_route_answers_each_caller_by_its_rule_and_shows_nobody_elses_data);

/// Who may call a route.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user's session.
    SignedIn,
    /// An admin's session; a user gets 403.
    Admin,
    /// A user's own object: the sweep always names someone else's, so every session gets 404.
    Owned,
    /// As `Owned`, but an admin may act on anyone's.
    OwnedOrAdmin,
    /// A session, or an API token with this scope (403 without it).
    Scope(TokenScope),
    /// An admin's session, or a token with this (admin-only) scope.
    AdminOrScope(TokenScope),
    /// A session, or any API token (each reads only its own).
    AnyCaller,
}

/// What a route is called with. In paths and arguments, `{connection}` and the like are
/// replaced by the id of a fixture (see `Fixtures::id`); `{…!}` is a fresh one made for an
/// admin's call, which may destroy it.
#[derive(Clone, Debug)]
enum Input {
    Nothing,
    Json(Value),
    /// A server function's arguments: a form body, or the query string of a GET.
    Args(&'static str),
}

struct Route {
    /// `METHOD path` as the router lists it.
    key: String,
    rule: Rule,
    /// Fills the path's `{…}` parameters, left to right.
    ids: &'static [&'static str],
    input: Input,
}

fn rest(key: &str, rule: Rule, ids: &'static [&'static str], input: Input) -> Route {
    Route {
        key: key.to_owned(),
        rule,
        ids,
        input,
    }
}

fn rpc<F: ServerFn>(method: &str, rule: Rule, args: &'static str) -> Route {
    Route {
        key: format!("{method} {}", F::PATH),
        rule,
        ids: &[],
        input: Input::Args(args),
    }
}

/// Every route and its rule. Server functions that serve both lists take `scope`, and
/// appear once per scope.
#[rustfmt::skip]
fn rules() -> Vec<Route> {
    use Input::{Json, Nothing as Empty};
    use Rule::*;
    let empty = || Json(json!({}));
    let resolve = Json(json!({"provider": "fake"}));
    let enable = Json(json!({"enabled": true}));
    vec![
        rest("GET /health", Public, &[], Empty),
        rest("GET /health/live", Public, &[], Empty),
        rest("GET /health/ready", Public, &[], Empty),
        rest("GET /health/db", Public, &[], Empty),
        rest("GET /api/test", Public, &[], Empty),
        rest("GET /api/openapi.json", Public, &[], Empty),
        rest("POST /api/auth/signin", Public, &[], empty()),
        rest("POST /api/auth/signout", Public, &[], Empty),
        rest("POST /api/auth/password-reset", Public, &[], empty()),
        rest("GET /api/admin/users", Admin, &[], Empty),
        rest("POST /api/admin/users", Admin, &[], empty()),
        rest("PATCH /api/admin/users/{id}", Admin, &["user"], empty()),
        rest("DELETE /api/admin/users/{id}", Admin, &["user!"], Empty),
        rest("POST /api/admin/users/{id}/password-reset", Admin, &["user"], Empty),
        rest("GET /api/system/status", Admin, &[], Empty),
        rest("GET /api/admin/providers", Admin, &[], Empty),
        rest("POST /api/admin/providers", Admin, &[], empty()),
        rest("GET /api/admin/providers/{id}", Admin, &["provider"], Empty),
        rest("PATCH /api/admin/providers/{id}", Admin, &["provider"], empty()),
        rest("DELETE /api/admin/providers/{id}", Admin, &["provider!"], Empty),
        rest("GET /api/admin/providers/registry-status", Admin, &[], Empty),
        rest("POST /api/admin/providers/refresh-registry", Admin, &[], Empty),
        rest("GET /api/admin/providers/{id}/models", Admin, &["provider"], Empty),
        rest("POST /api/admin/providers/{id}/models", Admin, &["provider"], empty()),
        rest("PATCH /api/admin/providers/{id}/models/{model}", Admin, &["provider", "model"], enable),
        rest("POST /api/admin/providers/{id}/sync-models", Admin, &["provider"], empty()),
        rest("GET /api/providers", SignedIn, &[], Empty),
        rest("GET /api/admin/provider-templates", Admin, &[], Empty),
        rest("POST /api/admin/provider-templates", Admin, &[], empty()),
        rest("GET /api/admin/provider-templates/{id}", Admin, &["template"], Empty),
        rest("PATCH /api/admin/provider-templates/{id}", Admin, &["template"], empty()),
        rest("DELETE /api/admin/provider-templates/{id}", Admin, &["template!"], Empty),
        rest("GET /api/admin/credentials", Admin, &[], Empty),
        rest("POST /api/admin/credentials", Admin, &[], empty()),
        rest("GET /api/admin/credentials/{id}", Admin, &["credential"], Empty),
        rest("PATCH /api/admin/credentials/{id}", Admin, &["credential"], empty()),
        rest("DELETE /api/admin/credentials/{id}", Admin, &["credential!"], Empty),
        rest("GET /api/admin/credentials/export.csv", Admin, &[], Empty),
        rest("POST /api/admin/credentials/import", Admin, &[], empty()),
        rest("GET /api/admin/connections", Admin, &[], Empty),
        rest("GET /api/connections", SignedIn, &[], Empty),
        rest("POST /api/connections", SignedIn, &[], empty()),
        rest("GET /api/connections/{id}", Owned, &["connection"], Empty),
        rest("PATCH /api/connections/{id}", Owned, &["connection"], empty()),
        rest("DELETE /api/connections/{id}", Owned, &["connection"], Empty),
        rest("POST /api/admin/credentials/{id}/test", Admin, &["credential"], Empty),
        rest("POST /api/admin/credentials/test", Admin, &[], empty()),
        rest("POST /api/connections/{id}/test", Owned, &["connection"], Empty),
        rest("POST /api/connections/test", SignedIn, &[], empty()),
        rest("POST /api/admin/credentials/test-all", Admin, &[], Empty),
        rest("GET /api/admin/credentials/test-all/{jobId}", Admin, &["run"], Empty),
        rest("POST /api/admin/credentials/test-all/{jobId}/cancel", Admin, &["run"], Empty),
        rest("POST /api/resolve", Scope(TokenScope::Resolve), &[], resolve),
        rest("POST /v1/chat/completions", Scope(TokenScope::Gateway), &[], empty()),
        rest("POST /v1/embeddings", Scope(TokenScope::Gateway), &[], empty()),
        rest("POST /v1/messages", Scope(TokenScope::Gateway), &[], empty()),
        rest("GET /v1/models", Scope(TokenScope::Gateway), &[], Empty),
        rest("GET /api/usage", AnyCaller, &[], Empty),
        rest("GET /api/scheduler/jobs", Admin, &[], Empty),
        rest("POST /api/scheduler/jobs/{name}/run", Admin, &["job"], Empty),
        rest("GET /metrics", AdminOrScope(TokenScope::Metrics), &[], Empty),
        rest("GET /api/admin/backups", Admin, &[], Empty),
        rest("POST /api/admin/backups", Admin, &[], Empty),
        rest("POST /api/admin/backups/{name}/verify", Admin, &["backup"], Empty),
        rest("GET /api/admin/logs", Admin, &[], Empty),
        rest("GET /api/admin/overview", Admin, &[], Empty),
        rest("GET /api/admin/webhooks", Admin, &[], Empty),
        rest("POST /api/admin/webhooks", Admin, &[], empty()),
        rest("PATCH /api/admin/webhooks/{id}", Admin, &["webhook"], empty()),
        rest("DELETE /api/admin/webhooks/{id}", Admin, &["webhook!"], Empty),
        rest("POST /api/admin/webhooks/{id}/test", Admin, &["webhook"], Empty),
        rest("GET /api/admin/webhooks/{id}/deliveries", Admin, &["webhook"], Empty),
        rest("GET /api/tokens", SignedIn, &[], Empty),
        rest("POST /api/tokens", SignedIn, &[], empty()),
        rest("DELETE /api/tokens/{id}", OwnedOrAdmin, &["token"], Empty),
        rest("GET /api/admin/tokens", Admin, &[], Empty),
        rest("POST /api/admin/tokens", Admin, &[], empty()),
        rest("GET /api/admin/audit", Admin, &[], Empty),
        rest("GET /api/admin/settings", Admin, &[], Empty),
        rest("PATCH /api/admin/settings", Admin, &[], empty()),
        // Server functions, the UI's RPC.
        rpc::<ListAudit>("GET", Admin, "page=1"),
        rpc::<ListBackups>("GET", Admin, ""),
        rpc::<ListJobs>("GET", Admin, ""),
        rpc::<RunJobNow>("POST", Admin, "job=log_pruning"),
        rpc::<BackUpNow>("POST", Admin, ""),
        rpc::<VerifyBackup>("POST", Admin, "name={backup}"),
        rpc::<GetGatewayGuide>("GET", SignedIn, ""),
        rpc::<SendTestPrompt>("POST", SignedIn, "model=nothing-offers-this&prompt=hi"),
        rpc::<CurrentUser>("GET", Public, ""),
        rpc::<SignIn>("POST", Public, "email=nobody%40example.com&password=not+a+password"),
        rpc::<SignOut>("POST", Public, ""),
        rpc::<ChangePassword>("POST", SignedIn, "current_password=wrong+one&new_password=a+new+password+1"),
        rpc::<CredentialFormFields>("GET", SignedIn, "provider={provider}"),
        rpc::<ListAllConnections>("GET", Admin, ""),
        rpc::<ListCredentials>("GET", SignedIn, "scope=personal&provider=&page=1"),
        rpc::<ListCredentials>("GET", Admin, "scope=global&provider=&page=1"),
        rpc::<CreateCredential>("POST", SignedIn,
            "scope=personal&name=swept&provider={provider}&fields[api_key]=sk-swept-0123456789"),
        rpc::<CreateCredential>("POST", Admin,
            "scope=global&name=swept&provider={provider}&fields[api_key]=sk-swept-0123456789"),
        rpc::<ImportCredentials>("POST", Admin, "provider={provider}&keys=sk-swept-import-0123456789"),
        rpc::<DeleteCredential>("POST", Owned, "scope=personal&id={connection}"),
        rpc::<DeleteCredential>("POST", Admin, "scope=global&id={credential!}"),
        rpc::<MoveCredential>("POST", Owned, "scope=personal&id={connection}&direction=up"),
        rpc::<MoveCredential>("POST", Admin, "scope=global&id={credential}&direction=up"),
        rpc::<SetCredentialActive>("POST", Owned, "scope=personal&id={connection}&active=true"),
        rpc::<SetCredentialActive>("POST", Admin, "scope=global&id={credential}&active=true"),
        rpc::<TestCredential>("POST", Owned, "scope=personal&id={connection}"),
        rpc::<TestCredential>("POST", Admin, "scope=global&id={credential}"),
        rpc::<TestCredentialForm>("POST", Owned, "scope=personal&id={connection}"),
        rpc::<TestCredentialForm>("POST", Admin, "scope=global&id={credential}"),
        rpc::<UpdateCredential>("POST", Owned,
            "scope=personal&id={connection}&name=x&settings[priority]=1&settings[weight]=1"),
        rpc::<UpdateCredential>("POST", Admin,
            "scope=global&id={credential}&name=global-cred-a7c1&settings[priority]=1&settings[weight]=1"),
        rpc::<StartTestAll>("POST", Admin, ""),
        rpc::<TestAllProgress>("POST", Admin, "job={run}"),
        rpc::<CancelTestAll>("POST", Admin, "job={run}"),
        rpc::<ListRequestLogs>("GET", Admin, "provider=&page=1"),
        rpc::<AddModel>("POST", Admin, "provider_id={provider}&model_id=sweep-added&display_name="),
        rpc::<SetModelEnabled>("POST", Admin, "provider_id={provider}&id={model}&enabled=true"),
        rpc::<SyncModels>("POST", Admin, "provider_id={provider}&apply=false"),
        rpc::<GetFigures>("GET", Admin, "window=24h"),
        rpc::<GetMyUsage>("GET", SignedIn, ""),
        rpc::<GetOverview>("GET", Admin, ""),
        rpc::<CreateProvider>("POST", Admin,
            "identifier=sweep-made&name=Sweep&template_id=openai-compatible&base_url=&default_priority="),
        rpc::<DeleteProvider>("POST", Admin, "id={provider!}"),
        rpc::<GetProvider>("GET", Admin, "id={provider}"),
        rpc::<ListEnabledProviders>("GET", SignedIn, ""),
        rpc::<ListProviders>("GET", Admin, "kind=&status=&search="),
        rpc::<SetProviderEnabled>("POST", Admin, "id={provider}&enabled=true"),
        rpc::<UpdateProvider>("POST", Admin, "id={provider}&name=Fake&base_url=&default_priority=50"),
        rpc::<PersonalFirst>("GET", Admin, ""),
        rpc::<SetPersonalFirst>("POST", Admin, "on=true"),
        rpc::<CheckSetupToken>("GET", Public, "token=not-the-token"),
        rpc::<CompleteSetup>("POST", Public,
            "token=not-the-token&email=late%40example.com&display_name=Late&password=a+long+password+1"),
        rpc::<CloneTemplate>("POST", Admin, "source=openai-compatible&key=sweep-clone&name=Sweep+clone"),
        rpc::<DeleteTemplate>("POST", Admin, "id={template!}"),
        rpc::<GetTemplate>("GET", Admin, "id={template}"),
        rpc::<ListTemplates>("GET", Admin, ""),
        rpc::<UpdateTemplate>("POST", Admin,
            "id={template}&name=Sweep&description=&default_base_url=&definition=%7B%7D"),
        rpc::<CreateToken>("POST", SignedIn, "name=made+by+the+sweep"),
        rpc::<ListTokens>("GET", SignedIn, ""),
        rpc::<RevokeToken>("POST", OwnedOrAdmin, "id={token}"),
        rpc::<CreateUser>("POST", Admin,
            "email=made-by-sweep%40example.com&display_name=Made&password=a+long+password+1&role=user"),
        rpc::<ListUsers>("GET", Admin, ""),
        rpc::<UpdateUser>("POST", Admin, "id={user}"),
        rpc::<DeleteUser>("POST", Admin, "id={user!}"),
        rpc::<IssuePasswordReset>("POST", Admin, "id={user}"),
        rpc::<CompletePasswordReset>("POST", Public, "token=x&new_password=y"),
        rpc::<CreateWebhook>("POST", Admin, "url=http%3A%2F%2F127.0.0.1%3A9%2Fmade&kind=json&secret="),
        rpc::<DeleteWebhook>("POST", Admin, "id={webhook!}"),
        rpc::<ListDeliveries>("GET", Admin, "id={webhook}"),
        rpc::<ListWebhooks>("GET", Admin, ""),
        rpc::<SendTestEvent>("POST", Admin, "id={webhook}"),
        rpc::<SetWebhookEnabled>("POST", Admin, "id={webhook}&enabled=true"),
        rpc::<UpdateWebhook>("POST", Admin, "id={webhook}&url=http%3A%2F%2F127.0.0.1%3A9%2Fedited&kind=json&secret="),
    ]
}

/// Whose data a canary string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Alice,
    Bob,
    Admin,
    /// A global credential: every signed-in user may see that it exists.
    Global,
}

/// How far a canary may travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A stored key: only a resolve answer to a token with `secrets:read` carries one.
    Secret,
    /// A key's last four characters: its owner's own lists (anyone's, for global ones).
    Hint,
    /// A name, an email address, a token's prefix: its owner, and admins' own pages.
    Label,
}

struct Canary {
    text: String,
    owner: Who,
    kind: Kind,
}

fn canary(text: impl Into<String>, owner: Who, kind: Kind) -> Canary {
    let text = text.into();
    Canary { text, owner, kind }
}

/// Who is calling: a session, an API token, or nobody.
struct Caller {
    name: &'static str,
    client: Client,
    /// Whose data this caller acts for (`None`: anonymous, or a service token).
    acts_for: Option<Who>,
    session: bool,
    admin: bool,
    scopes: &'static [TokenScope],
}

impl Caller {
    /// Every token has a scope; sessions and anonymous callers have none.
    fn is_token(&self) -> bool {
        !self.scopes.is_empty()
    }

    fn may_see(&self, canary: &Canary, key: &str) -> bool {
        let own = self.acts_for == Some(canary.owner);
        match canary.kind {
            Kind::Secret => {
                let reader = self.scopes.contains(&TokenScope::SecretsRead) && key == "POST /api/resolve";
                reader && (canary.owner == Who::Global || own)
            }
            Kind::Hint => own || canary.owner == Who::Global,
            Kind::Label => own || canary.owner == Who::Global || (self.session && self.admin),
        }
    }
}

/// What the sweep calls routes about: ids of each kind of object, the canaries planted in
/// them, and the admin session that makes fresh objects to destroy.
struct Fixtures {
    admin: Client,
    alice: Planted,
    bob: Planted,
    provider: String,
    credential: String,
    template: String,
    webhook: String,
    model: String,
    run: String,
    backup: String,
    canaries: Vec<Canary>,
    /// How many fresh objects were made for destructive calls.
    made: usize,
}

/// A signed-in user and the ids of what they own.
struct Planted {
    client: Client,
    user: String,
    connection: String,
    token: String,
}

async fn created(client: &Client, app: &TestApp, path: &str, body: Value) -> Value {
    let (status, answer) = json_of(client, Method::POST, app.url(path), Some(body)).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

fn id_of(answer: &Value) -> String {
    let id = answer["id"].as_str().or(answer["jobId"].as_str());
    id.unwrap().to_owned()
}

/// A user whose email, display name, connection (name, key, hint) and token (name,
/// prefix) each carry a canary; for `Who::Admin`, the signed-in admin plants them.
async fn plant(app: &TestApp, admin: &Client, who: Who, tag: &str, canaries: &mut Vec<Canary>) -> Planted {
    let (client, user) = match who {
        Who::Admin => (admin.clone(), String::new()),
        _ => {
            let (email, name) = (
                format!("{tag}-canary@example.com"),
                format!("{tag} Display Canary"),
            );
            let body = json!({"email": email, "displayName": name, "password": "user password 123"});
            let user = id_of(&created(admin, app, "/api/admin/users", body).await);
            canaries.extend([canary(&email, who, Kind::Label), canary(name, who, Kind::Label)]);
            (app.sign_in(&email, "user password 123").await, user)
        }
    };
    let hint = format!("Zq{}", tag[..2].to_uppercase());
    let key = format!("sk-{tag}-secret-canary-{hint}");
    let name = format!("{tag}-connection-canary");
    let body = json!({"name": name, "provider": "fake", "fields": {"api_key": key}});
    let connection = id_of(&created(&client, app, "/api/connections", body).await);
    let body = json!({"name": format!("{tag}-token-canary"), "scopes": ["resolve"]});
    let token = created(&client, app, "/api/tokens", body).await;
    canaries.extend([
        canary(key, who, Kind::Secret),
        canary(hint, who, Kind::Hint),
        canary(name, who, Kind::Label),
        canary(token["name"].as_str().unwrap(), who, Kind::Label),
        canary(token["prefix"].as_str().unwrap(), who, Kind::Label),
    ]);
    let token = id_of(&token);
    Planted {
        client,
        user,
        connection,
        token,
    }
}

/// A caller that sends a new API token (and no cookie) in `header`.
async fn token_caller(
    app: &TestApp,
    name: &'static str,
    (owner, path, acts_for): (&Client, &str, Option<Who>),
    header: &'static str,
    scopes: &'static [TokenScope],
) -> Caller {
    let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let created = created(owner, app, path, json!({"name": name, "scopes": names})).await;
    let raw = created["token"].as_str().unwrap();
    let value = if header == "authorization" {
        format!("Bearer {raw}")
    } else {
        raw.to_owned()
    };
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(header, value.parse().unwrap());
    let client = Client::builder().default_headers(headers).build().unwrap();
    Caller {
        name,
        client,
        acts_for,
        session: false,
        admin: false,
        scopes,
    }
}

/// A caller that sends `client`'s cookie: a session, or nobody's when `acts_for` is `None`.
fn session(name: &'static str, client: &Client, acts_for: Option<Who>, admin: bool) -> Caller {
    let (client, session) = (client.clone(), acts_for.is_some());
    Caller {
        name,
        client,
        acts_for,
        session,
        admin,
        scopes: &[],
    }
}

async fn arrange(app: &TestApp, fake: &FakeProvider) -> (Vec<Caller>, Fixtures) {
    let admin = app.admin().await;
    register(app, &admin, &fake.url("ok")).await;
    let provider = app.provider_id("fake").await.to_string();
    let global_key = "sk-global-secret-canary-ZqGL";
    let mut canaries = vec![
        canary(global_key, Who::Global, Kind::Secret),
        canary(ADMIN_EMAIL, Who::Admin, Kind::Label),
    ];
    let post = |path: String, body: Value| {
        let admin = admin.clone();
        async move { id_of(&created(&admin, app, &path, body).await) }
    };
    let body = json!({"name": "global-cred-a7c1", "provider": "fake", "fields": {"api_key": global_key}});
    let credential = post("/api/admin/credentials".into(), body).await;
    let body = json!({"key": "sweep-template", "name": "Sweep", "cloneFrom": "openai-compatible"});
    let template = post("/api/admin/provider-templates".into(), body).await;
    let hook = json!({"url": "http://127.0.0.1:9/hook"});
    let webhook = post("/api/admin/webhooks".into(), hook).await;
    let models = format!("/api/admin/providers/{provider}/models");
    let model = post(models, json!({"modelId": "sweep-model"})).await;
    let run = post("/api/admin/credentials/test-all".into(), json!({})).await;
    let (_, made) = json_of(&admin, Method::POST, app.url("/api/admin/backups"), None).await;
    let backup = made["name"].as_str().expect("a backup fixture").to_owned();
    let alice = plant(app, &admin, Who::Alice, "alice", &mut canaries).await;
    let bob = plant(app, &admin, Who::Bob, "bob", &mut canaries).await;
    plant(app, &admin, Who::Admin, "root", &mut canaries).await;
    // The owner reads their own connection: the 404s others get are about whose it is.
    let own = app.url(&format!("/api/connections/{}", bob.connection));
    assert_eq!(
        json_of(&bob.client, Method::GET, own, None).await.0,
        StatusCode::OK
    );

    // Tokens first and the admin last: nobody before them may spoil what they are checked on.
    use TokenScope::{Gateway, Resolve, SecretsRead};
    let alices = (&alice.client, "/api/tokens", Some(Who::Alice));
    let admins = (&admin, "/api/tokens", Some(Who::Admin));
    let service = (&admin, "/api/admin/tokens", None);
    let reader = &[Resolve, SecretsRead];
    let callers = vec![
        token_caller(app, "alice's resolve token", alices, "authorization", &[Resolve]).await,
        token_caller(app, "alice's gateway token", alices, "x-api-key", &[Gateway]).await,
        token_caller(
            app,
            "the admin's secrets:read token",
            admins,
            "authorization",
            reader,
        )
        .await,
        token_caller(app, "a service token", service, "x-api-key", reader).await,
        session("anonymous", &app.client(), None, false),
        session("alice", &alice.client, Some(Who::Alice), false),
        session("bob", &bob.client, Some(Who::Bob), false),
        session("the admin", &admin, Some(Who::Admin), true),
    ];
    let fixtures = Fixtures {
        admin,
        alice,
        bob,
        provider,
        credential,
        template,
        webhook,
        model,
        run,
        backup,
        canaries,
        made: 0,
    };
    (callers, fixtures)
}

impl Fixtures {
    /// The id a placeholder stands for, for this caller: someone else's object.
    async fn id(&mut self, app: &TestApp, name: &str, caller: &Caller) -> String {
        let fresh = name.ends_with('!') && caller.admin;
        let name = name.trim_end_matches('!');
        if fresh {
            self.made += 1;
            return self.fresh(app, name).await;
        }
        let bob_is_calling = caller.acts_for == Some(Who::Bob);
        match name {
            "connection" if bob_is_calling => self.alice.connection.clone(),
            "connection" => self.bob.connection.clone(),
            "token" if bob_is_calling => self.alice.token.clone(),
            "token" => self.bob.token.clone(),
            "user" => self.bob.user.clone(),
            "provider" => self.provider.clone(),
            "credential" => self.credential.clone(),
            "template" => self.template.clone(),
            "webhook" => self.webhook.clone(),
            "model" => self.model.clone(),
            "run" => self.run.clone(),
            "backup" => self.backup.clone(),
            "job" => "log_pruning".to_owned(),
            other => panic!("no fixture named {other}"),
        }
    }

    /// A new object of this kind, for an admin's call to destroy.
    async fn fresh(&self, app: &TestApp, name: &str) -> String {
        let doomed = format!("doomed-{}", self.made);
        let (path, body) = match name {
            "provider" => (
                "/api/admin/providers",
                json!({"identifier": doomed, "name": "Doomed", "templateId": "openai-compatible",
                    "baseUrl": "http://127.0.0.1:9/v1"}),
            ),
            "credential" => (
                "/api/admin/credentials",
                json!({"name": doomed, "provider": "fake", "fields": {"api_key": "sk-doomed-0123456789"}}),
            ),
            "template" => (
                "/api/admin/provider-templates",
                json!({"key": doomed, "name": "Doomed", "cloneFrom": "openai-compatible"}),
            ),
            "webhook" => ("/api/admin/webhooks", json!({"url": "http://127.0.0.1:9/doomed"})),
            "user" => (
                "/api/admin/users",
                json!({"email": format!("{doomed}@example.com"), "displayName": "Doomed",
                    "password": "doomed password 123"}),
            ),
            other => panic!("nothing makes a fresh {other}"),
        };
        id_of(&created(&self.admin, app, path, body).await)
    }

    /// `text` with every `{name}` replaced by an id for this caller.
    async fn fill(&mut self, app: &TestApp, text: &str, caller: &Caller) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let end = start + rest[start..].find('}').unwrap();
            out.push_str(&rest[..start]);
            out.push_str(&self.id(app, &rest[start + 1..end], caller).await);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// The `METHOD path` of every route the router serves.
async fn served_routes(app: &TestApp) -> BTreeSet<String> {
    let (_, doc) = json_of(&app.client(), Method::GET, app.url("/api/openapi.json"), None).await;
    let mut served = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                served.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    served
        .extend(leptos::server_fn::axum::server_fn_paths().map(|(path, method)| format!("{method} {path}")));
    served
}

/// The path with its `{…}` parameters replaced by the route's fixtures.
async fn concrete_path(app: &TestApp, fixtures: &mut Fixtures, route: &Route, caller: &Caller) -> String {
    let (_, template) = route.key.split_once(' ').unwrap();
    let mut ids = route.ids.iter();
    let mut path = String::new();
    for segment in template.split('/').skip(1) {
        path.push('/');
        if segment.starts_with('{') {
            let name = ids
                .next()
                .unwrap_or_else(|| panic!("{}: more parameters than ids", route.key));
            path.push_str(&fixtures.id(app, name, caller).await);
        } else {
            path.push_str(segment);
        }
    }
    path
}

/// Sends one route as one caller; the status and the body's text.
async fn call(
    app: &TestApp,
    fixtures: &mut Fixtures,
    route: &Route,
    caller: &Caller,
) -> (StatusCode, String) {
    let method: Method = route.key.split_once(' ').unwrap().0.parse().unwrap();
    let path = concrete_path(app, fixtures, route, caller).await;
    let request = match &route.input {
        Input::Nothing => caller.client.request(method, app.url(&path)),
        Input::Json(body) => caller.client.request(method, app.url(&path)).json(body),
        Input::Args(args) => {
            let args = fixtures.fill(app, args, caller).await;
            let request = if method == Method::GET {
                caller.client.get(app.url(&format!("{path}?{args}")))
            } else {
                let form = "application/x-www-form-urlencoded";
                caller
                    .client
                    .post(app.url(&path))
                    .header("content-type", form)
                    .body(args)
            };
            request.header("accept", "application/json")
        }
    };
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The statuses a caller may get from a route with this rule.
fn allowed(rule: Rule, caller: &Caller) -> &'static [u16] {
    const REFUSED: &[u16] = &[401];
    const TOKEN_REFUSED: &[u16] = &[401, 403];
    const FORBIDDEN: &[u16] = &[403];
    const HIDDEN: &[u16] = &[404];
    // Past the guard: the route's own answers (a bad `{}` body, a conflict, …).
    const PASSED: &[u16] = &[200, 201, 202, 204, 400, 404, 409, 429, 502];
    const ANY: &[u16] = &[200, 201, 202, 204, 302, 400, 401, 403, 404, 409, 429];
    match rule {
        Rule::Public => ANY,
        _ if !caller.session && !caller.is_token() => REFUSED,
        Rule::Scope(scope) | Rule::AdminOrScope(scope)
            if caller.is_token() && !caller.scopes.contains(&scope) =>
        {
            FORBIDDEN
        }
        Rule::AdminOrScope(_) if caller.is_token() || caller.admin => PASSED,
        Rule::AdminOrScope(_) => FORBIDDEN,
        Rule::Scope(_) | Rule::AnyCaller => PASSED,
        _ if caller.is_token() => TOKEN_REFUSED,
        Rule::SignedIn => PASSED,
        Rule::Admin if caller.admin => PASSED,
        Rule::Admin => FORBIDDEN,
        Rule::OwnedOrAdmin if caller.admin => PASSED,
        Rule::Owned | Rule::OwnedOrAdmin => HIDDEN,
    }
}

/// Reads first, then changes, then deletions and signing out: a caller's own calls
/// must not take away what its later calls are checked on.
fn order(route: &Route) -> u8 {
    let (method, path) = route.key.split_once(' ').unwrap();
    let signs_out = path.contains("signout") || route.key.ends_with(SignOut::PATH);
    let deletes = method == "DELETE" || ["delete", "revoke"].iter().any(|word| path.contains(word));
    match (signs_out, deletes, method) {
        (true, _, _) => 4,
        (_, true, _) => 3,
        (_, _, "GET") => 0,
        (_, _, "POST") => 1,
        _ => 2,
    }
}

async fn every_route_answers_each_caller_by_its_rule_and_shows_nobody_elses_data(app: TestApp) {
    // Arrange: the table covers exactly what the router serves.
    let fake = FakeProvider::start().await;
    let mut routes = rules();
    let listed: BTreeSet<String> = routes.iter().map(|r| r.key.clone()).collect();
    let served = served_routes(&app).await;
    let unlisted: Vec<_> = served.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "routes without a rule in the sweep's table: {unlisted:#?}"
    );
    let gone: Vec<_> = listed.difference(&served).collect();
    assert!(
        gone.is_empty(),
        "the sweep's table names routes the router no longer serves: {gone:#?}"
    );
    routes.sort_by_key(order);
    let (callers, mut fixtures) = arrange(&app, &fake).await;

    // Act and assert: every route, every caller.
    let started = Instant::now();
    let mut calls = 0;
    let mut wrong = Vec::new();
    for caller in &callers {
        for route in &routes {
            let (status, text) = call(&app, &mut fixtures, route, caller).await;
            calls += 1;
            let expected = allowed(route.rule, caller);
            if !expected.contains(&status.as_u16()) {
                wrong.push(format!(
                    "{} as {}: {status}, expected one of {expected:?}: {text:.300}",
                    route.key, caller.name
                ));
            }
            for canary in fixtures
                .canaries
                .iter()
                .filter(|c| !caller.may_see(c, &route.key))
            {
                if text.contains(&canary.text) {
                    wrong.push(format!(
                        "{} as {} shows {:?}'s {:?} {:?}: {text:.500}",
                        route.key, caller.name, canary.owner, canary.kind, canary.text
                    ));
                }
            }
        }
    }
    eprintln!(
        "sweep: {} routes x {} callers = {calls} calls (+{} fresh objects) in {:?}",
        routes.len(),
        callers.len(),
        fixtures.made,
        started.elapsed()
    );
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
