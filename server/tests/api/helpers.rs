//! Boots the real application on port 0 with a fresh database per test.

use std::sync::Once;

use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use server::{Application, Config};
use tempfile::TempDir;
use uuid::Uuid;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin password 123";

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs an async scenario once per database kind.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::TestApp::spawn($crate::helpers::Db::Sqlite).await.unwrap()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Db::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}

/// As `on_both_databases!`, on apps whose settings `$change` (a `fn(&mut Config)`
/// beside the scenarios) changed first.
#[macro_export]
macro_rules! on_both_databases_with {
    ($change:ident: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::TestApp::spawn_with($crate::helpers::Db::Sqlite, super::$change).await;
                    super::$name(app.unwrap()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::TestApp::spawn_with($crate::helpers::Db::Postgres, super::$change).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}

pub struct TestApp {
    pub base: String,
    pub setup_url: Option<String>,
    pub services: domain::services::Services,
    /// The instance's database, for tests that arrange or inspect rows directly.
    pub db: sea_orm::DatabaseConnection,
    pub config: Config,
    pub kind: Db,
    _data: TempDir,
    postgres: Option<PgDatabase>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

static SKIP_NOTICE: Once = Once::new();

pub fn postgres_base_url() -> Option<String> {
    std::env::var("SWITCHYARD_TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

impl TestApp {
    /// `None` only for PostgreSQL when no server is configured.
    pub async fn spawn(kind: Db) -> Option<Self> {
        Self::spawn_with(kind, |_| {}).await
    }

    /// As `spawn`, with settings changed first (a short health-check interval, say).
    pub async fn spawn_with(kind: Db, change: impl FnOnce(&mut Config)) -> Option<Self> {
        let data = TempDir::new().unwrap();
        let postgres = match kind {
            Db::Sqlite => None,
            Db::Postgres => match postgres_base_url() {
                Some(base) => Some(PgDatabase::create(&base).await),
                None => {
                    SKIP_NOTICE.call_once(|| {
                        eprintln!("PostgreSQL tests skipped: SWITCHYARD_TEST_POSTGRES_URL is not set");
                    });
                    return None;
                }
            },
        };
        let mut config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: data.path().to_path_buf(),
            database_url: postgres.as_ref().map(|pg| pg.url.clone().into()),
            probe_timeout: 2,
            // The fake providers and webhook receivers listen on loopback.
            egress_allow: "127.0.0.0/8".into(),
            ..Config::default()
        };
        change(&mut config);
        Some(Self::start(config, kind, data, postgres).await)
    }

    /// A second instance on this one's database and master key (the database stays
    /// this instance's to drop).
    pub async fn sibling(&self) -> Self {
        let data = TempDir::new().unwrap();
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: data.path().to_path_buf(),
            database_url: Some(self.config.database_url().into()),
            master_key_file: Some(self.config.master_key_path()),
            ..self.config.clone()
        };
        Self::start(config, self.kind, data, None).await
    }

    async fn start(config: Config, kind: Db, data: TempDir, postgres: Option<PgDatabase>) -> Self {
        let app = Application::build(config.clone()).await.expect("the app starts");
        let port = app.port();
        let services = app.services.clone();
        let setup_url = app.setup_url.clone();
        let db = domain::db::connect(&config.database_url())
            .await
            .expect("the test opens the database");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        Self {
            base: format!("http://127.0.0.1:{port}"),

            setup_url,
            services,
            db,
            config,
            kind,
            _data: data,
            postgres,
            shutdown: Some(tx),
        }
    }

    /// The id of the provider with this identifier.
    pub async fn provider_id(&self, identifier: &str) -> Uuid {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        domain::entities::providers::Entity::find()
            .filter(domain::entities::providers::Column::Identifier.eq(identifier))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no provider {identifier}"))
            .id
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that keeps cookies, does not follow redirects, and accepts HTML as a
    /// browser does (Leptos answers form posts and page redirects with 302 only then).
    pub fn client(&self) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("accept", "text/html,application/json;q=0.9".parse().unwrap());
        Client::builder()
            .default_headers(headers)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub async fn post_json(&self, client: &Client, path: &str, body: Value) -> Response {
        client.post(self.url(path)).json(&body).send().await.unwrap()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Client {
        let client = self.client();
        let response = self
            .post_json(
                &client,
                "/api/auth/signin",
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "sign-in of {email} failed");
        client
    }

    /// A global credential as `GET /api/admin/credentials/{id}` answers it (200 asserted).
    pub async fn credential(&self, admin: &Client, id: &str) -> Value {
        let url = self.url(&format!("/api/admin/credentials/{id}"));
        let (status, credential) = json_of(admin, reqwest::Method::GET, url, None).await;
        assert_eq!(status, StatusCode::OK, "{credential}");
        credential
    }

    /// The id of the user with `email`, as the admin's user list gives it.
    pub async fn user_id(&self, admin: &Client, email: &str) -> String {
        let (_, users) = json_of(admin, reqwest::Method::GET, self.url("/api/admin/users"), None).await;
        users["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates the first admin through the set-up link (as a person would) and signs in.
    pub async fn admin(&self) -> Client {
        let token = self.setup_token();
        self.services
            .setup
            .complete(
                &token.into(),
                ADMIN_EMAIL,
                "First Admin",
                ADMIN_PASSWORD.to_owned().into(),
                &Default::default(),
            )
            .await
            .expect("set-up completes");
        self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    pub fn setup_token(&self) -> String {
        let url = self
            .setup_url
            .as_deref()
            .expect("a fresh app prints a set-up link");
        url.split("token=").nth(1).unwrap().to_owned()
    }

    /// Creates a regular user as the admin and signs them in.
    /// A client that sends a new service token with `resolve` and `secrets:read`.
    pub async fn secrets_reader(&self, admin: &Client) -> Client {
        let (_, service) = json_of(
            admin,
            reqwest::Method::POST,
            self.url("/api/admin/tokens"),
            Some(json!({"name": "svc", "scopes": ["resolve", "secrets:read"]})),
        )
        .await;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-api-key", service["token"].as_str().unwrap().parse().unwrap());
        Client::builder().default_headers(headers).build().unwrap()
    }

    pub async fn user(&self, admin: &Client, email: &str) -> Client {
        let password = "user password 123";
        let response = self
            .post_json(
                admin,
                "/api/admin/users",
                json!({"email": email, "displayName": "Regular User", "password": password}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        self.sign_in(email, password).await
    }

    /// Makes the database unreachable: the SQLite file disappears, or PostgreSQL drops it.
    pub async fn lose_database(&self) {
        match &self.postgres {
            Some(pg) => pg.drop_now().await,
            None => {
                let file = self.config.data_dir.join("switchyard.db");
                std::fs::remove_file(file).unwrap();
            }
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Sends only the head of a POST announcing a `length`-byte JSON body with
/// `Expect: 100-continue` (as curl does for large bodies) and returns the status line.
pub async fn announce_body(app: &TestApp, path: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buffer = vec![0u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&buffer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Sends a request with an optional JSON body; returns the status and the JSON answer
/// (`null` when the answer is empty or not JSON).
pub async fn json_of(
    client: &Client,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Fetches a page: its status and its HTML.
pub async fn page_of(client: &Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Posts each body and asserts the status and the field the error names.
pub async fn assert_refused(app: &TestApp, client: &Client, path: &str, cases: &[(Value, StatusCode, &str)]) {
    for (body, status, field) in cases {
        let response = app.post_json(client, path, body.clone()).await;
        assert_eq!(response.status(), *status, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["field"], *field, "{body}");
    }
}

/// Reads `{"error": {"code", "message"}}`, asserting the shape.
pub async fn error_of(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("an error body is JSON");
    let code = body["error"]["code"].as_str().expect("error.code").to_owned();
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_owned();
    (status, code, message)
}

/// A PostgreSQL database with a unique name, dropped when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn create(base: &str) -> Self {
        use sea_orm::ConnectionTrait;
        let name = format!("switchyard_test_{}", Uuid::new_v4().simple());
        let admin_url = base.to_owned();
        let conn = sea_orm::Database::connect(&admin_url)
            .await
            .expect("PostgreSQL is reachable");
        conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        conn.close().await.ok();
        let root = base.rsplit_once('/').map(|(root, _)| root).unwrap_or(base);
        Self {
            url: format!("{root}/{name}"),
            admin_url,
            name,
        }
    }

    async fn drop_now(&self) {
        use sea_orm::ConnectionTrait;
        let conn = sea_orm::Database::connect(&self.admin_url).await.unwrap();
        conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
            .await
            .unwrap();
        conn.close().await.ok();
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside async; a short-lived runtime on its own thread does the work.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async move {
                use sea_orm::ConnectionTrait;
                if let Ok(conn) = sea_orm::Database::connect(&admin_url).await {
                    let _ = conn
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// One provider's entry in the overview's figures (`GET /api/admin/overview`).
pub fn provider_figures(overview: &Value, identifier: &str) -> Value {
    overview["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == identifier)
        .cloned()
        .unwrap_or_else(|| panic!("{identifier} missing: {overview}"))
}
