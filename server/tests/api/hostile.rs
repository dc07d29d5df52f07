//! Hostile values in every field of every REST route that takes a JSON body: each is
//! refused with a 4xx whose error names the field, and nothing is stored; or, where a
//! field holds text as text (markup and SQL in a name), it is stored exactly as sent and
//! shown escaped. The table is checked against the OpenAPI document, so a new route with
//! a body cannot go unattacked.

use std::collections::BTreeSet;

use reqwest::{Client, Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use crate::fake_provider::{register, FakeProvider};
use crate::helpers::{json_of, page_of, TestApp};
use crate::on_both_databases;

/// What a field holds, and so which hostile values it must refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// A name or label shown as text: markup and SQL are stored as sent (and escaped
    /// wherever shown); control and invisible characters are refused, as is 100 KB.
    Name,
    /// Free text over several lines (a description): as `Name`.
    Text,
    /// A word of a closed set, an identifier, an email address or a time: only those
    /// parse, so every hostile string is refused.
    Word,
    /// A URL: as `Word`, and a well-formed URL hiding a control or invisible character
    /// is refused too (it would be stored as typed, and shown).
    Url,
    /// An identifier from outside (a provider's model id): visible characters without
    /// spaces, so markup is only text in it; SQL (it has spaces), control and invisible
    /// characters are refused.
    Id,
    /// An API key: opaque, so markup, SQL and invisible characters are its owner's
    /// business; 100 KB and control characters (which would break the header it travels
    /// in) are refused.
    Key,
    /// A password or a webhook's signing secret: only hashed, or used as an HMAC key, so
    /// any character is its owner's business; 100 KB is refused.
    Opaque,
    Number,
    Flag,
    /// A list of words (scopes, events).
    Words,
    /// A list of identifiers from outside (model ids): each as `Id`.
    Ids,
    /// A JSON object (a credential's fields, a template's definition).
    Object,
}

/// Each hostile value for a field of this kind, and whether the field stores it as sent.
/// `{n}` makes each stored value new, so that names which must be unique stay so.
#[rustfmt::skip]
fn attacks(field: Field) -> Vec<(&'static str, Value, bool)> {
    use Field::*;
    let text = matches!(field, Name | Text);
    let opaque = matches!(field, Key | Opaque);
    match field {
        Url => [attacks(Word), vec![
            ("a URL with a NUL", json!("http://127.0.0.1:9/nul\u{0}-{n}"), false),
            ("a URL with U+202E", json!("http://127.0.0.1:9/\u{202E}gpj.exe-{n}"), false),
        ]].concat(),
        Name | Text | Word | Id | Key | Opaque => vec![
            ("100 KB", json!("x".repeat(100_000)), false),
            ("a control character", json!("bell\u{7}ring-ring-{n}"), field == Opaque),
            ("a NUL character", json!("nul\u{0}terminated-{n}"), field == Opaque),
            ("U+202E", json!("moc.\u{202E}live-account-{n}"), opaque),
            ("U+200B", json!("payments\u{200B}account-{n}"), opaque),
            ("U+FEFF", json!("\u{FEFF}billing-account-{n}"), opaque),
            ("markup", json!("<script>alert({n})</script>"), text || opaque || field == Id),
            ("SQL", json!("'; DROP TABLE users; -- {n}"), text || opaque),
            ("a number for a string", json!(12345), false),
        ],
        Number => vec![
            ("an object for a number", json!({"n": 1}), false),
            ("1e30", json!(1e30), false),
            ("-1", json!(-1), false),
            ("2^64 - 1", json!(u64::MAX), false),
            ("i64::MIN", json!(i64::MIN), false),
        ],
        Flag => vec![("a string for a flag", json!("yes"), false)],
        Words => vec![
            ("an object for a list", json!({"resolve": true}), false),
            ("markup in a list", json!(["<script>alert(1)</script>"]), false),
            ("SQL in a list", json!(["'; DROP TABLE users; --"]), false),
            ("an invisible character in a list", json!(["resolve\u{200B}"]), false),
        ],
        Ids => vec![
            ("an object for a list", json!({"gpt-4o": true}), false),
            ("markup in a list", json!(["<script>alert({n})</script>"]), true),
            ("SQL in a list", json!(["'; DROP TABLE users; -- {n}"]), false),
            ("an invisible character in a list", json!(["gpt\u{200B}4o"]), false),
            ("an empty list", json!([]), false),
        ],
        Object => vec![
            ("an array for an object", json!([1]), false),
            ("a string for an object", json!("{}"), false),
        ],
    }
}

/// Where a refused request must have left no trace.
#[derive(Clone, Copy, Debug)]
enum Witness {
    /// A listing or the object itself, read by the same caller.
    Read(&'static str),
    /// The number of rows in a table.
    Rows(&'static str),
}

struct WriteRoute {
    /// `METHOD path` as the OpenAPI document lists it.
    key: &'static str,
    /// The path called, `{…}` naming a fixture (see `Fixtures::path`).
    path: &'static str,
    /// A regular user calls it (else the admin).
    as_user: bool,
    /// A valid body; `{n}` in its strings becomes a number unique to each request.
    body: Value,
    fields: &'static [(&'static str, Field)],
    witness: Witness,
    /// The field a second identical create conflicts on.
    duplicate: Option<&'static str>,
    /// It sends a request to a provider: an accepted value may end in 502 (the provider's answer).
    probes: bool,
    /// Its body is the provider's (the gateway): fields it does not read pass on untouched.
    forwards: bool,
}

fn route(
    key: &'static str,
    path: &'static str,
    as_user: bool,
    body: Value,
    fields: &'static [(&'static str, Field)],
    witness: Witness,
    duplicate: Option<&'static str>,
) -> WriteRoute {
    let probes = key.ends_with("/test") || key.ends_with("/sync-models");
    WriteRoute {
        key,
        path,
        as_user,
        body,
        fields,
        witness,
        duplicate,
        probes,
        forwards: key.starts_with("POST /v1/"),
    }
}

impl WriteRoute {
    /// Sign-in refuses every wrong value alike (401, then 429), never saying which was
    /// wrong; so does a password reset for its link (a new password is checked first).
    fn secretive(&self) -> bool {
        matches!(
            self.key,
            "POST /api/auth/signin" | "POST /api/auth/password-reset"
        )
    }
}

const USER: bool = true;
const ADMIN: bool = false;

/// The fields of a credential's create and update bodies.
const CREDENTIAL: &[(&str, Field)] = &[
    ("name", Field::Name),
    ("provider", Field::Word),
    ("fields", Field::Object),
    ("fields.api_key", Field::Key),
    ("priority", Field::Number),
    ("weight", Field::Number),
    ("active", Field::Flag),
    ("rateLimitPerMinute", Field::Number),
    ("monthlyQuota", Field::Number),
    ("autoDisableAfter", Field::Number),
    ("endpoint", Field::Url),
];
/// The fields a connection test uses (it ignores the rest, as long as they parse).
const PROBED: &[(&str, Field)] = &[
    ("provider", Field::Word),
    ("fields", Field::Object),
    ("fields.api_key", Field::Key),
    ("endpoint", Field::Url),
];
const TOKEN: &[(&str, Field)] = &[
    ("name", Field::Name),
    ("scopes", Field::Words),
    ("expiresAt", Field::Word),
    ("allowedModels", Field::Ids),
    ("allowedProviders", Field::Words),
    ("rateLimitPerMinute", Field::Number),
];

fn template_definition() -> Value {
    json!({"auth": {"type": "bearer"}, "testRequest": {"path": "/models"},
        "fields": [{"name": "api_key", "label": "API key", "secret": true, "required": true}]})
}

/// Every REST route that writes a JSON body, a valid body, and the fields to attack.
/// Token names and webhook URLs may repeat (each token shows its own prefix; two
/// webhooks may post to one receiver), so their creates have no duplicate to refuse.
#[rustfmt::skip]
fn write_routes() -> Vec<WriteRoute> {
    use Field::*;
    use Witness::{Read, Rows};
    let key = json!({"api_key": "sk-hostile-{n}-0123456789"});
    let credential = json!({"name": "hostile-{n}", "provider": "fake", "fields": key});
    let probe = json!({"provider": "fake", "fields": key});
    let token = json!({"name": "hostile-{n}", "scopes": ["resolve"]});
    vec![
        route("POST /api/admin/users", "/api/admin/users", ADMIN,
            json!({"email": "hostile-{n}@example.com", "displayName": "Hostile {n}", "password": "a password {n}!"}),
            &[("email", Word), ("displayName", Name), ("password", Opaque), ("role", Word)],
            Read("/api/admin/users"), Some("email")),
        route("PATCH /api/admin/users/{id}", "/api/admin/users/{user}", ADMIN, json!({"displayName": "Patched"}),
            &[("displayName", Name), ("role", Word), ("active", Flag)], Read("/api/admin/users"), None),
        route("POST /api/admin/providers", "/api/admin/providers", ADMIN,
            json!({"identifier": "hostile-{n}", "name": "Hostile {n}", "templateId": "openai-compatible",
                "baseUrl": "http://127.0.0.1:9/v1"}),
            &[("identifier", Word), ("name", Name), ("templateId", Word), ("baseUrl", Url),
                ("defaultPriority", Number), ("enabled", Flag), ("allowEndpointOverride", Flag)],
            Read("/api/admin/providers"), Some("identifier")),
        route("PATCH /api/admin/providers/{id}", "/api/admin/providers/{provider}", ADMIN, json!({"name": "Patched"}),
            &[("name", Name), ("baseUrl", Url), ("defaultPriority", Number), ("enabled", Flag),
                ("allowEndpointOverride", Flag)],
            Read("/api/admin/providers/{provider}"), None),
        route("POST /api/admin/providers/{id}/models", "/api/admin/providers/{provider}/models", ADMIN,
            json!({"modelId": "hostile-{n}", "displayName": "Hostile {n}"}),
            &[("modelId", Id), ("displayName", Name)],
            Read("/api/admin/providers/{provider}/models"), Some("modelId")),
        route("PATCH /api/admin/providers/{id}/models/{model}", "/api/admin/providers/{provider}/models/{model}",
            ADMIN, json!({"enabled": false}), &[("enabled", Flag)],
            Read("/api/admin/providers/{provider}/models"), None),
        route("POST /api/admin/providers/{id}/sync-models", "/api/admin/providers/{provider}/sync-models", ADMIN,
            json!({"fields": key}), &[("fields", Object), ("fields.api_key", Key)],
            Read("/api/admin/providers/{provider}/models"), None),
        route("POST /api/admin/provider-templates", "/api/admin/provider-templates", ADMIN,
            json!({"key": "hostile-{n}", "name": "Hostile {n}", "definition": template_definition()}),
            &[("key", Word), ("name", Name), ("description", Text), ("defaultBaseUrl", Url),
                ("definition", Object), ("definition.fields.0.label", Name), ("definition.fields.0.help", Text)],
            Read("/api/admin/provider-templates"), Some("key")),
        route("PATCH /api/admin/provider-templates/{id}", "/api/admin/provider-templates/{template}", ADMIN,
            json!({"name": "Patched"}),
            &[("name", Name), ("description", Text), ("defaultBaseUrl", Url), ("definition", Object)],
            Read("/api/admin/provider-templates/{template}"), None),
        route("POST /api/admin/credentials", "/api/admin/credentials", ADMIN, credential.clone(), CREDENTIAL,
            Read("/api/admin/credentials"), Some("name")),
        route("PATCH /api/admin/credentials/{id}", "/api/admin/credentials/{credential}", ADMIN,
            json!({"name": "patched"}), CREDENTIAL, Read("/api/admin/credentials/{credential}"), None),
        route("POST /api/connections", "/api/connections", USER, credential, CREDENTIAL,
            Read("/api/connections"), Some("name")),
        route("PATCH /api/connections/{id}", "/api/connections/{connection}", USER, json!({"name": "patched"}),
            CREDENTIAL, Read("/api/connections/{connection}"), None),
        route("POST /api/admin/credentials/test", "/api/admin/credentials/test", ADMIN, probe.clone(), PROBED,
            Rows("credentials"), None),
        route("POST /api/connections/test", "/api/connections/test", USER, probe, PROBED,
            Rows("credentials"), None),
        // Each key is tried and its own refusal is a row of the answer (200); what is not
        // a key at all (too long, a control character) refuses the whole paste.
        route("POST /api/admin/credentials/import", "/api/admin/credentials/import", ADMIN,
            json!({"provider": "fake", "keys": "sk-hostile-{n}-0123456789"}),
            &[("provider", Word), ("keys", Key), ("saveFailed", Flag), ("from", Number)], Rows("credentials"), None),
        route("POST /api/resolve", "/api/resolve", USER, json!({"provider": "fake"}), &[("provider", Word)],
            Rows("audit_events"), None),
        // The gateway reads `model` and `stream` only; a model nothing offers is never sent.
        route("POST /v1/chat/completions", "/v1/chat/completions", USER,
            json!({"model": "hostile-{n}", "messages": [{"role": "user", "content": "hi"}]}),
            &[("model", Word), ("stream", Flag)], Rows("request_logs"), None),
        route("POST /v1/embeddings", "/v1/embeddings", USER, json!({"model": "hostile-{n}", "input": "hi"}),
            &[("model", Word)], Rows("request_logs"), None),
        route("POST /v1/messages", "/v1/messages", USER,
            json!({"model": "hostile-{n}", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}),
            &[("model", Word), ("stream", Flag)], Rows("request_logs"), None),
        route("POST /api/resolve", "/api/resolve", USER, json!({"model": "hostile-model"}), &[("model", Word)],
            Rows("audit_events"), None),
        route("POST /api/admin/webhooks", "/api/admin/webhooks", ADMIN, json!({"url": "http://127.0.0.1:9/{n}"}),
            &[("url", Url), ("kind", Word), ("enabled", Flag), ("events", Words), ("secret", Opaque)],
            Read("/api/admin/webhooks"), None),
        route("PATCH /api/admin/webhooks/{id}", "/api/admin/webhooks/{webhook}", ADMIN, json!({"enabled": true}),
            &[("url", Url), ("kind", Word), ("enabled", Flag), ("events", Words), ("secret", Opaque),
                ("removeSecret", Flag)],
            Read("/api/admin/webhooks"), None),
        route("POST /api/tokens", "/api/tokens", USER, token.clone(), TOKEN, Read("/api/tokens"), None),
        route("POST /api/admin/tokens", "/api/admin/tokens", ADMIN, token, TOKEN, Read("/api/admin/tokens"), None),
        route("PATCH /api/admin/settings", "/api/admin/settings", ADMIN, json!({"resolvePersonalFirst": true}),
            &[("resolvePersonalFirst", Flag)], Read("/api/admin/settings"), None),
        route("POST /api/auth/password-reset", "/api/auth/password-reset", ADMIN,
            json!({"token": "0195f1a000007000800000000000000.not-a-link-{n}", "newPassword": "a long new password {n}"}),
            &[("token", Opaque), ("newPassword", Opaque)], Rows("audit_events"), None),
        // Last: its failures count against the address, and sign-ins before it would wait.
        route("POST /api/auth/signin", "/api/auth/signin", ADMIN,
            json!({"email": "nobody-{n}@example.com", "password": "not a password {n}"}),
            &[("email", Word), ("password", Opaque)], Rows("sessions"), None),
    ]
}

/// The objects the routes' paths name, and the callers.
struct Fixtures {
    admin: Client,
    /// The user whose connections and tokens the user routes change.
    owner: Client,
    /// Who calls the user routes (the owner, or someone new on a rate-limited route).
    user: Client,
    /// Requests the user sent to a rate-limited route since signing in.
    user_probes: usize,
    ids: Vec<(&'static str, String)>,
}

impl Fixtures {
    async fn arrange(app: &TestApp, fake: &FakeProvider) -> Self {
        let admin = app.admin().await;
        register(app, &admin, &fake.url("ok")).await;
        let user = app.user(&admin, "target@example.com").await;
        let provider = app.provider_id("fake").await.to_string();
        let made = [
            (
                "user",
                &admin,
                "/api/admin/users".to_owned(),
                json!({"email": "patched@example.com", "displayName": "Patched", "password": "a password 1234"}),
            ),
            (
                "model",
                &admin,
                format!("/api/admin/providers/{provider}/models"),
                json!({"modelId": "hostile-model"}),
            ),
            (
                "template",
                &admin,
                "/api/admin/provider-templates".to_owned(),
                json!({"key": "patched", "name": "Patched", "definition": template_definition()}),
            ),
            (
                "credential",
                &admin,
                "/api/admin/credentials".to_owned(),
                json!({"name": "patched", "provider": "fake", "fields": {"api_key": "sk-patched-0123456789"}}),
            ),
            (
                "connection",
                &user,
                "/api/connections".to_owned(),
                json!({"name": "patched", "provider": "fake", "fields": {"api_key": "sk-patched-0123456789"}}),
            ),
            (
                "webhook",
                &admin,
                "/api/admin/webhooks".to_owned(),
                json!({"url": "http://127.0.0.1:9/patched"}),
            ),
        ];
        let mut ids = vec![("provider", provider)];
        for (name, client, path, body) in made {
            let (status, answer) = json_of(client, Method::POST, app.url(&path), Some(body)).await;
            assert!(status.is_success(), "{path}: {answer}");
            ids.push((name, answer["id"].as_str().unwrap().to_owned()));
        }
        let owner = user.clone();
        Self {
            admin,
            owner,
            user,
            user_probes: 0,
            ids,
        }
    }

    /// `path` with each `{name}` replaced by that fixture's id.
    fn path(&self, path: &str) -> String {
        self.ids.iter().fold(path.to_owned(), |path, (name, id)| {
            path.replace(&format!("{{{name}}}"), id)
        })
    }

    /// The route's caller. Users' tests are limited to 10 a minute, so a rate-limited
    /// route gets a newly signed-in user before each tenth request.
    async fn caller(&mut self, app: &TestApp, route: &WriteRoute) -> Client {
        if !route.as_user {
            return self.admin.clone();
        }
        if route.key != "POST /api/connections/test" {
            return self.owner.clone();
        }
        self.user_probes += 1;
        if self.user_probes % 9 == 1 {
            let email = format!("prober-{}@example.com", self.user_probes);
            self.user = app.user(&self.admin, &email).await;
        }
        self.user.clone()
    }

    async fn witness(&self, app: &TestApp, route: &WriteRoute, caller: &Client) -> Value {
        match route.witness {
            Witness::Read(path) => {
                json_of(caller, Method::GET, app.url(&self.path(path)), None)
                    .await
                    .1
            }
            Witness::Rows(table) => {
                let sql = format!("SELECT COUNT(*) AS n FROM {table}");
                let row = app
                    .db
                    .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
                    .await
                    .unwrap()
                    .unwrap();
                json!(row.try_get::<i64>("", "n").unwrap())
            }
        }
    }
}

/// `body` with `{n}` in its strings replaced by `n`.
fn numbered(body: &Value, n: usize) -> Value {
    match body {
        Value::String(s) => json!(s.replace("{n}", &n.to_string())),
        Value::Array(items) => items.iter().map(|v| numbered(v, n)).collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), numbered(v, n))).collect(),
        other => other.clone(),
    }
}

/// Sets `path` (`fields.api_key`, `definition.fields.0.label`) in `body`.
fn set(body: &mut Value, path: &str, value: Value) {
    let mut at = body;
    for part in path.split('.') {
        at = match part.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[part],
        };
    }
    *at = value;
}

/// Whether an error names the field: its `field` (or message) is about the attacked key
/// or the part of it that was wrong (`fields[0].label` for `definition.fields.0.label`).
fn names(error: &Value, path: &str) -> bool {
    let first = path.split('.').next().unwrap_or(path);
    let last = path.rsplit('.').next().unwrap_or(path);
    // REST errors say `field`; the gateway's, in OpenAI's shape, `param`.
    let field = error["field"]
        .as_str()
        .or(error["param"].as_str())
        .unwrap_or_default();
    let message = error["message"].as_str().unwrap_or_default();
    field == path || field.starts_with(first) || field.contains(last) || message.contains(last)
}

/// One request; what went wrong with its answer, if anything.
async fn check(
    app: &TestApp,
    fixtures: &mut Fixtures,
    route: &WriteRoute,
    case: (&str, &str, Value, bool),
) -> Option<String> {
    let (path, label, body, stored) = case;
    let caller = fixtures.caller(app, route).await;
    let method: Method = route.key.split_once(' ').unwrap().0.parse().unwrap();
    let url = app.url(&fixtures.path(route.path));
    let before = fixtures.witness(app, route, &caller).await;
    let (status, answer) = json_of(&caller, method, url, Some(body.clone())).await;
    let after = fixtures.witness(app, route, &caller).await;
    let what = format!("{} `{path}` = {label}: {status} {answer:.300}", route.key);
    if status.is_server_error() && !(stored && route.probes && status == StatusCode::BAD_GATEWAY) {
        return Some(format!("{what} (a server error)"));
    }
    if stored {
        let value = path.split('.').try_fold(&body, |v, part| v.get(part));
        let shown = answer.get(path).filter(|_| !path.contains('.'));
        let accepted = status.is_success() || (route.probes && status == StatusCode::BAD_GATEWAY);
        return match (accepted, value, shown) {
            (false, _, _) => Some(format!("{what} (refused, though it is only text)")),
            (true, Some(sent), Some(shown)) if sent != shown => Some(format!("{what} (stored otherwise)")),
            _ => None,
        };
    }
    let error = &answer["error"];
    // REST and OpenAI errors carry a `code`, Anthropic's (`/v1/messages`) a `type`.
    let shaped = (error["code"].is_string() || error["type"].is_string()) && error["message"].is_string();
    let secretive = route.secretive() && [401, 429].contains(&status.as_u16());
    if !status.is_client_error() || !shaped {
        Some(format!("{what} (not a 4xx with an error body)"))
    } else if !secretive && !names(error, path) {
        Some(format!("{what} (the error does not name `{path}`)"))
    } else if before != after {
        Some(format!(
            "{what} (something was stored: {before:.200} -> {after:.200})"
        ))
    } else {
        None
    }
}

/// `METHOD path` of every operation the document gives a request body.
async fn routes_with_bodies(app: &TestApp) -> BTreeSet<String> {
    let (_, doc) = json_of(&app.client(), Method::GET, app.url("/api/openapi.json"), None).await;
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation.get("requestBody").is_some() {
                found.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    found
}

on_both_databases!(hostile_values_are_refused_by_name_and_store_nothing_unless_they_are_only_text);

async fn hostile_values_are_refused_by_name_and_store_nothing_unless_they_are_only_text(app: TestApp) {
    // Arrange: the table attacks exactly the routes that take a body.
    let fake = FakeProvider::start().await;
    let routes = write_routes();
    let listed: BTreeSet<String> = routes.iter().map(|r| r.key.to_owned()).collect();
    assert_eq!(
        listed,
        routes_with_bodies(&app).await,
        "the table and the document differ"
    );
    let mut fixtures = Fixtures::arrange(&app, &fake).await;

    // Act and assert: each field with each hostile value, an unknown field, a duplicate.
    let (mut n, mut wrong) = (0, Vec::new());
    for route in &routes {
        for (path, field) in route.fields {
            for (label, value, stored) in attacks(*field) {
                let stored = stored && !route.secretive();
                n += 1;
                let mut body = route.body.clone();
                set(&mut body, path, value);
                let body = numbered(&body, n);
                wrong.extend(check(&app, &mut fixtures, route, (path, label, body, stored)).await);
            }
        }
        if !route.forwards {
            n += 1;
            let mut body = numbered(&route.body, n);
            body["hostileExtra"] = json!(1);
            let case = ("hostileExtra", "an unknown field", body, false);
            wrong.extend(check(&app, &mut fixtures, route, case).await);
        }
        if let Some(field) = route.duplicate {
            n += 1;
            let body = numbered(&route.body, n);
            let caller = fixtures.caller(&app, route).await;
            let (status, first) = json_of(
                &caller,
                Method::POST,
                app.url(&fixtures.path(route.path)),
                Some(body.clone()),
            )
            .await;
            assert!(status.is_success(), "{}: {first}", route.key);
            let case = (field, "the same thing twice", body, false);
            wrong.extend(check(&app, &mut fixtures, route, case).await);
        }
    }
    eprintln!("hostile: {n} requests over {} routes", routes.len());
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // Markup that was stored as a name is shown as text.
    for page in [
        "/users",
        "/providers",
        "/credentials",
        "/connections",
        "/templates",
        "/tokens",
    ] {
        let client = if page == "/connections" {
            &fixtures.owner
        } else {
            &fixtures.admin
        };
        let (status, html) = page_of(client, app.url(page)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            !html.contains("<script>alert("),
            "{page} renders markup from a name"
        );
    }
}
