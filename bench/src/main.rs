//! Switchyard's benchmark: boots the release binary on a fresh database and drives it
//! over loopback, printing figures. Build the release binary first
//! (`bash -c 'source scripts/tools.sh; build_release'`), then
//! `cargo run --release -p bench [-- [--only basics|gateway|credentials|test-all|overview|rotation|backups] [--hold] [path/to/switchyard]]`.
//!
//! The load generator shares the machine with the server, so figures are conservative.

use std::path::PathBuf;
use std::time::{Duration, Instant};

// The harness: the server as a process, and loads that drive it.
mod harness;
mod load;

// The workloads, one file each.
mod backups;
mod basics;
mod credentials;
mod gateway;
mod overview;
mod rotation;
mod test_all;
mod upstream;

use harness::{rss_mb, sign_in, wait_ready, Instance};

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
        basics::basic_figures(&client, &base, &cookie).await?;
        println!("loaded RSS: {:.1} MB", rss_mb(server.pid())?);
    }
    if options.runs("gateway") {
        gateway::gateway_figures(&client, &base, &cookie, server.pid()).await?;
    }
    if options.runs("credentials") {
        credentials::credential_figures(&client, &base, &data, &cookie).await?;
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
    if options.runs("backups") {
        backups::backup_figures(&binary, data.path()).await?;
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
    const WORKLOADS: [&'static str; 7] = [
        "basics",
        "gateway",
        "credentials",
        "test-all",
        "overview",
        "rotation",
        "backups",
    ];

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
