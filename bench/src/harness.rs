//! The server under test as a process: started from the release binary on its own data
//! directory, waited for, signed in to, and measured (RSS from /proc).

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::{Result, ADMIN_EMAIL, ADMIN_PASSWORD};

/// How to run the binary against one database: SQLite in `data`, or `database_url`.
pub struct Instance<'a> {
    binary: &'a std::path::Path,
    data: &'a std::path::Path,
    database_url: Option<String>,
}

impl<'a> Instance<'a> {
    pub fn new(binary: &'a std::path::Path, data: &'a std::path::Path, database_url: Option<String>) -> Self {
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
            // The workloads' fake providers listen on loopback.
            .env("SWITCHYARD_EGRESS_ALLOW", "127.0.0.1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(url) = &self.database_url {
            command.env("SWITCHYARD_DATABASE_URL", url);
        }
        command
    }

    /// `switchyard admin create` for the bench admin (migrating a new database first).
    pub fn create_admin(&self) -> Result<()> {
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

    pub fn serve(&self, port: u16) -> Result<Server> {
        Ok(Server(
            self.command(&["serve"])
                .env("SWITCHYARD_ADDR", format!("127.0.0.1:{port}"))
                .spawn()?,
        ))
    }
}

pub struct Server(Child);

impl Server {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    pub fn stop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

pub async fn wait_ready(client: &reqwest::Client, base: &str) -> Result<()> {
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

pub fn rss_mb(pid: u32) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or("no VmRSS")?;
    Ok(kb / 1024.0)
}

/// CPU time (user + system) the process has used, in seconds, from /proc.
pub fn cpu_seconds(pid: u32) -> Result<f64> {
    stat_seconds(&format!("/proc/{pid}/stat"), 11)
}

/// CPU time (user + system) of this process's children that have ended and been waited
/// for, in seconds: a command's cost once `output()` returns.
pub fn children_cpu_seconds() -> Result<f64> {
    stat_seconds("/proc/self/stat", 13)
}

/// Two tick counts of a /proc stat line, `first` counted after the command's name.
fn stat_seconds(path: &str, first: usize) -> Result<f64> {
    let stat = std::fs::read_to_string(path)?;
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .ok_or("unreadable /proc stat")?
        .1
        .split_whitespace()
        .collect();
    // utime and stime are the 14th and 15th fields (12th and 13th after the name);
    // cutime and cstime the 16th and 17th.
    let ticks: f64 = fields
        .get(first..first + 2)
        .ok_or("short /proc stat")?
        .iter()
        .map(|v| v.parse::<f64>().unwrap_or(0.0))
        .sum();
    Ok(ticks / clock_ticks_per_second())
}

/// `getconf CLK_TCK`, 100 on Linux unless someone changed it.
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

pub async fn sign_in(client: &reqwest::Client, base: &str) -> Result<String> {
    sign_in_as(client, base, ADMIN_EMAIL).await
}

pub async fn sign_in_as(client: &reqwest::Client, base: &str, email: &str) -> Result<String> {
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
