//! Switchyard's benchmark: boots the release binary on a fresh database and drives it
//! over loopback, printing figures. Build the release binary first
//! (`bash -c 'source scripts/tools.sh; build_release'`), then
//! `cargo run --release -p bench [-- [--only basics|credentials|test-all|overview|rotation] [--hold] [path/to/switchyard]]`.
//!
//! The load generator shares the machine with the server, so figures are conservative.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::Mutex;

mod credentials;
mod overview;
mod rotation;
mod test_all;

const ADMIN_EMAIL: &str = "bench@example.com";
const ADMIN_PASSWORD: &str = "bench password 123";
const PORT: u16 = 3977;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let options = Options::from_args(std::env::args().skip(1))?;
    let binary = options.binary.clone();
    if !binary.exists() {
        return Err(format!(
            "{} not found: build the release binary first (build_release in scripts/tools.sh)",
            binary.display()
        )
        .into());
    }
    let data = tempfile::TempDir::new()?;
    let base = format!("http://127.0.0.1:{PORT}");

    // The first command migrates and creates the key; the timed start is on a migrated database.
    let instance = Instance::new(&binary, data.path(), None);
    instance.create_admin()?;
    let started = Instant::now();
    let mut server = instance.serve(PORT)?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    wait_ready(&client, &base).await?;
    let ready_after = started.elapsed();
    println!(
        "start-up to ready (migrated database): {:.0} ms",
        ready_after.as_secs_f64() * 1000.0
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("idle RSS: {:.1} MB", rss_mb(server.pid())?);
    let cookie = sign_in(&client, &base).await?;

    if options.runs("basics") {
        basic_figures(&client, &base, &cookie).await?;
        println!("loaded RSS: {:.1} MB", rss_mb(server.pid())?);
    }
    if options.runs("credentials") {
        credential_figures(&client, &base, &data, &cookie).await?;
        println!(
            "RSS after the credentials workload: {:.1} MB",
            rss_mb(server.pid())?
        );
    }
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        data.path().join("switchyard.db").display()
    );
    if options.runs("test-all") {
        test_all::test_all_figures(&client, &base, &db_url, &cookie).await?;
    }
    if options.runs("overview") {
        overview::overview_figures(&client, &base, &db_url, &cookie, "SQLite").await?;
    }
    if options.hold {
        // For profiling by hand: the seeded server stays up until Ctrl-C.
        println!("holding {base} (cookie {cookie}); Ctrl-C ends");
        tokio::signal::ctrl_c().await?;
    }
    server.stop();
    if options.runs("overview") {
        overview::on_postgres(&binary, &client).await?;
    }
    // Rotation runs with every instance stopped, as the README says.
    if options.runs("rotation") {
        rotation::rotation_figures(&binary, data.path()).await?;
    }
    Ok(())
}

/// What to run: every workload, or the one `--only` names; and which binary.
struct Options {
    binary: PathBuf,
    only: Option<String>,
    /// Keep the server up after the workloads, for profiling.
    hold: bool,
}

impl Options {
    const WORKLOADS: [&'static str; 5] = ["basics", "credentials", "test-all", "overview", "rotation"];

    fn from_args(mut args: impl Iterator<Item = String>) -> Result<Self> {
        let mut options = Options {
            binary: PathBuf::from("target/release/switchyard"),
            only: None,
            hold: false,
        };
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--only" => {
                    let name = args.next().ok_or("--only needs a workload name")?;
                    if !Self::WORKLOADS.contains(&name.as_str()) {
                        return Err(format!("unknown workload {name}: one of {:?}", Self::WORKLOADS).into());
                    }
                    options.only = Some(name);
                }
                "--hold" => options.hold = true,
                path => options.binary = PathBuf::from(path),
            }
        }
        Ok(options)
    }

    fn runs(&self, workload: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == workload)
    }
}

/// Health probes, the overview page, and probes while passwords are hashed.
async fn basic_figures(client: &reqwest::Client, base: &str, cookie: &str) -> Result<()> {
    let live = load(
        client,
        format!("{base}/health/live"),
        None,
        50,
        Duration::from_secs(5),
    )
    .await?;
    live.print("/health/live, 50 concurrent");
    let page = load(
        client,
        format!("{base}/"),
        Some(cookie.to_owned()),
        50,
        Duration::from_secs(5),
    )
    .await?;
    page.print("overview page (signed in), 50 concurrent");
    let during = live_during_sign_ins(client, base).await?;
    during.print("/health/live while 20 sign-ins/s hash passwords");
    Ok(())
}

/// 10,000 credentials and 1,000 users; resolve at 1,000 requests/s; the credentials page.
async fn credential_figures(
    client: &reqwest::Client,
    base: &str,
    data: &tempfile::TempDir,
    admin_cookie: &str,
) -> Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        data.path().join("switchyard.db").display()
    );
    // Every load user shares the bench admin's password hash, so any of them can sign in.
    let db = sea_orm::Database::connect(&db_url).await?;
    let admin = domain::entities::users::Entity::find()
        .filter(domain::entities::users::Column::Email.eq(ADMIN_EMAIL))
        .one(&db)
        .await?
        .ok_or("no bench admin")?;
    let seeded = Instant::now();
    credentials::seed(&db_url, &admin.password_hash).await?;
    println!(
        "seeded {} users and {} credentials in {:.1} s",
        credentials::USERS,
        credentials::CREDENTIALS,
        seeded.elapsed().as_secs_f64()
    );

    let user_cookie = sign_in_as(client, base, "load-user-0@example.com").await?;
    let created: serde_json::Value = client
        .post(format!("{base}/api/tokens"))
        .header("cookie", user_cookie)
        .json(&json!({"name": "bench", "scopes": ["resolve"]}))
        .send()
        .await?
        .json()
        .await?;
    let token = created["token"].as_str().ok_or("no token")?.to_owned();
    let url = format!("{base}/api/resolve");
    let body = json!({"provider": "gemini"});
    let sample: serde_json::Value = client
        .post(&url)
        .header("x-api-key", &token)
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    println!(
        "resolve for gemini answers {} candidates, {} excluded",
        sample["candidates"].as_array().map_or(0, Vec::len),
        sample["excluded"].as_array().map_or(0, Vec::len)
    );
    let resolve = || client.post(&url).header("x-api-key", &token).json(&body);
    credentials::fixed_rate(500, Duration::from_secs(2), resolve).await?;
    let figures = credentials::fixed_rate(1000, Duration::from_secs(5), resolve).await?;
    figures.print("POST /api/resolve (token), fixed 1,000 req/s");

    let page = format!("{base}/credentials");
    let cookie = Some(admin_cookie.to_owned());
    let busy = load(client, page.clone(), cookie.clone(), 50, Duration::from_secs(5)).await?;
    busy.print("credentials page (50 a page), 50 connections back to back");
    let think = Duration::from_secs(1);
    let people = users(
        client,
        page.clone(),
        cookie.clone(),
        50,
        Duration::from_secs(10),
        think,
    )
    .await?;
    people.print("credentials page (50 a page), 50 users pausing about 1 s between pages");
    let admin_page = || client.get(&page).header("cookie", admin_cookie);
    for rate in [100, 300, 450] {
        let steady = credentials::fixed_rate(rate, Duration::from_secs(5), admin_page).await?;
        steady.print(&format!("credentials page (50 a page), fixed {rate} pages/s"));
    }
    let rest = format!("{base}/api/admin/credentials?perPage=50");
    let data = load(client, rest, cookie, 50, Duration::from_secs(5)).await?;
    data.print("GET /api/admin/credentials?perPage=50 (the list's data), 50 connections back to back");
    Ok(())
}

/// How to run the binary against one database: SQLite in `data`, or `database_url`.
struct Instance<'a> {
    binary: &'a std::path::Path,
    data: &'a std::path::Path,
    database_url: Option<String>,
}

impl<'a> Instance<'a> {
    fn new(binary: &'a std::path::Path, data: &'a std::path::Path, database_url: Option<String>) -> Self {
        Self {
            binary,
            data,
            database_url,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(self.binary);
        command
            .args(args)
            .env("SWITCHYARD_DATA_DIR", self.data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(url) = &self.database_url {
            command.env("SWITCHYARD_DATABASE_URL", url);
        }
        command
    }

    /// `switchyard admin create` for the bench admin (migrating a new database first).
    fn create_admin(&self) -> Result<()> {
        let mut admin = self
            .command(&["admin", "create", "--email", ADMIN_EMAIL])
            .stdin(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = admin.stdin.take() {
            writeln!(stdin, "{ADMIN_PASSWORD}")?;
        }
        if !admin.wait()?.success() {
            return Err("`switchyard admin create` failed".into());
        }
        Ok(())
    }

    fn serve(&self, port: u16) -> Result<Server> {
        Ok(Server(
            self.command(&["serve"])
                .env("SWITCHYARD_ADDR", format!("127.0.0.1:{port}"))
                .spawn()?,
        ))
    }
}

struct Server(Child);

impl Server {
    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn stop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

async fn wait_ready(client: &reqwest::Client, base: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/health/ready")).send().await {
            if r.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Err("the server did not become ready within 30 s".into())
}

fn rss_mb(pid: u32) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or("no VmRSS")?;
    Ok(kb / 1024.0)
}

async fn sign_in(client: &reqwest::Client, base: &str) -> Result<String> {
    sign_in_as(client, base, ADMIN_EMAIL).await
}

async fn sign_in_as(client: &reqwest::Client, base: &str, email: &str) -> Result<String> {
    let response = client
        .post(format!("{base}/api/auth/signin"))
        .json(&json!({"email": email, "password": ADMIN_PASSWORD}))
        .send()
        .await?;
    let cookie = response
        .headers()
        .get("set-cookie")
        .ok_or("no session cookie")?
        .to_str()?;
    Ok(cookie.split(';').next().unwrap_or_default().to_owned())
}

struct Figures {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Figures {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index].as_secs_f64() * 1000.0
    }

    fn print(&self, label: &str) {
        println!(
            "{label}: {} requests, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, errors {}",
            self.latencies.len(),
            self.latencies.len() as f64 / self.elapsed.as_secs_f64(),
            self.percentile(0.50),
            self.percentile(0.99),
            self.errors
        );
    }
}

/// `concurrency` loops, each sending one request after another, for `duration`.
async fn load(
    client: &reqwest::Client,
    url: String,
    cookie: Option<String>,
    concurrency: usize,
    duration: Duration,
) -> Result<Figures> {
    users(client, url, cookie, concurrency, duration, Duration::ZERO).await
}

/// `concurrency` users, each sending a request, reading the answer, then pausing about
/// `think` (from half to one and a half times it, spread over the users so they do not
/// move in step) before the next, for `duration`.
async fn users(
    client: &reqwest::Client,
    url: String,
    cookie: Option<String>,
    concurrency: usize,
    duration: Duration,
    think: Duration,
) -> Result<Figures> {
    let results: Results = Arc::new(Mutex::new((Vec::new(), 0usize)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for user in 0..concurrency {
        let (client, url, cookie, results) = (client.clone(), url.clone(), cookie.clone(), results.clone());
        let pause = think.mul_f64(0.5 + (user % 10) as f64 / 10.0);
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            let mut errors = 0;
            // Users arrive spread over their first pause, not all at once.
            tokio::time::sleep(pause.mul_f64((user % 7) as f64 / 7.0)).await;
            while started.elapsed() < duration {
                let sent = Instant::now();
                let mut request = client.get(&url);
                if let Some(cookie) = &cookie {
                    request = request.header("cookie", cookie);
                }
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        mine.push(sent.elapsed());
                    }
                    _ => errors += 1,
                }
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
            let mut all = results.lock().await;
            all.0.extend(mine);
            all.1 += errors;
        }));
    }
    gather(tasks, &results, started).await
}

/// Latencies of successful requests and a count of failed ones, shared by the load tasks.
type Results = Arc<Mutex<(Vec<Duration>, usize)>>;

/// Waits for every task and turns what they recorded into sorted figures.
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<()>>,
    results: &Results,
    started: Instant,
) -> Result<Figures> {
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    let (mut latencies, errors) = std::mem::take(&mut *results.lock().await);
    latencies.sort();
    Ok(Figures {
        latencies,
        errors,
        elapsed,
    })
}

async fn live_during_sign_ins(client: &reqwest::Client, base: &str) -> Result<Figures> {
    let duration = Duration::from_secs(5);
    let started = Instant::now();
    let signer = {
        let (client, base) = (client.clone(), base.to_owned());
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(Duration::from_millis(50));
            let mut pending = Vec::new();
            while started.elapsed() < duration {
                ticker.tick().await;
                let (client, base) = (client.clone(), base.clone());
                pending.push(tokio::spawn(async move { sign_in(&client, &base).await.is_ok() }));
            }
            let mut ok = 0;
            for p in pending {
                ok += usize::from(p.await.unwrap_or(false));
            }
            ok
        })
    };
    let figures = load(client, format!("{base}/health/live"), None, 4, duration).await?;
    let sign_ins = signer.await?;
    println!(
        "sign-ins completed during the run: {sign_ins} ({:.1}/s)",
        sign_ins as f64 / duration.as_secs_f64()
    );
    Ok(figures)
}
