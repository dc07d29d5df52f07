//! `switchyard serve` as a real process: started with its own settings, its log kept,
//! killed (-9) or stopped (SIGTERM) as an operator or a crash would.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Client, StatusCode};

use crate::helpers::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

pub struct ServerProcess {
    child: Child,
    pub base: String,
    log: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// Starts `serve` on a free port with `env` and waits until it is ready.
    pub fn start(env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
        command
            .arg("serve")
            .env("SWITCHYARD_ADDR", "127.0.0.1:0")
            .env_remove("SWITCHYARD_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the server starts");
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let streams: [Box<dyn Read + Send>; 2] = [
            Box::new(child.stderr.take().unwrap()),
            Box::new(child.stdout.take().unwrap()),
        ];
        for stream in streams {
            let (log, port_tx) = (log.clone(), port_tx.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let plain = strip_ansi(&line);
                    if let Some(port) = plain
                        .split("port=")
                        .nth(1)
                        .filter(|_| plain.contains("Switchyard is ready"))
                    {
                        let _ = port_tx.send(port.trim().to_owned());
                    }
                    let mut log = log.lock().unwrap();
                    log.push_str(&plain);
                    log.push('\n');
                }
            });
        }
        let port = port_rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the server did not become ready:\n{}", log.lock().unwrap()));
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything it logged so far, without colour codes.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// A crash: SIGKILL, nothing runs after it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A clean stop: SIGTERM, then waits for the process to exit; how it exited.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        self.ask_to_stop();
        self.child.wait().expect("the server exits")
    }

    /// Sends SIGTERM and returns at once, as an orchestrator does.
    pub fn ask_to_stop(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Another instance on `app`'s database and master key, its own files in `data`, with
/// outbound calls to loopback allowed (the fakes) and `env` on top.
pub fn instance(app: &TestApp, data: &tempfile::TempDir, env: &[(&str, String)]) -> ServerProcess {
    let database = app.config.database_url();
    let key_file = app.config.master_key_path();
    let mut all: Vec<(&str, &str)> = vec![
        ("SWITCHYARD_DATABASE_URL", database.as_str()),
        ("SWITCHYARD_MASTER_KEY_FILE", key_file.to_str().unwrap()),
        ("SWITCHYARD_DATA_DIR", data.path().to_str().unwrap()),
        ("SWITCHYARD_EGRESS_ALLOW", "127.0.0.0/8"),
    ];
    all.extend(env.iter().map(|(name, value)| (*name, value.as_str())));
    ServerProcess::start(&all)
}

/// A client signed in on `process` as the first admin the test app made (sessions live in
/// the shared database, but each client keeps its own cookie).
pub async fn signed_in(process: &ServerProcess) -> Client {
    sign_in_as(process, ADMIN_EMAIL, ADMIN_PASSWORD).await
}

/// A client with its own cookie, signed in to `process` as `email`.
pub async fn sign_in_as(process: &ServerProcess, email: &str, password: &str) -> Client {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let answer = client
        .post(process.url("/api/auth/signin"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    client
}

/// `switchyard admin create` on the embedded SQLite in `data_dir`, the password typed in.
pub fn create_admin(data_dir: &std::path::Path, email: &str, password: &str) {
    let created = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(["admin", "create", "--email", email])
        .env("SWITCHYARD_DATA_DIR", data_dir)
        .env_remove("SWITCHYARD_DATABASE_URL")
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{password}\n").as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(created.success());
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
