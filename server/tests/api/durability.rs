//! SQLite on a disk that fills up under concurrent reads and writes: every write the
//! server acknowledged is there after a restart, readiness says the database cannot
//! take writes meanwhile, and writes work again when space returns, without a restart.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::helpers::{json_of, Db, TestApp};
use crate::on_both_databases;
use crate::process::{create_admin, sign_in_as, ServerProcess};

on_both_databases!(a_write_held_behind_a_lock_is_refused_and_not_applied);

const EMAIL: &str = "ops@example.com";
const PASSWORD: &str = "operator password 1";

/// A small tmpfs mounted for the test, unmounted after it.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// `None` (with a message) where this process may not mount.
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|out| out.status.success());
        if !mounted {
            eprintln!("skipped: a tmpfs cannot be mounted here (needs root), so the full disk is not tested");
            return None;
        }
        Some(Self(dir.to_path_buf()))
    }

    /// Writes a filler file until the disk refuses more.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.0.join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let block = vec![0_u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        // Then byte by byte, so not even a page is left.
        while file.write_all(&[0]).is_ok() {}
        let _ = file.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

async fn signed_in(server: &ServerProcess) -> Client {
    sign_in_as(server, EMAIL, PASSWORD).await
}

fn serve(data: &Path) -> ServerProcess {
    ServerProcess::start(&[("SWITCHYARD_DATA_DIR", data.to_str().unwrap())])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_no_acknowledged_write_and_writes_resume_without_a_restart() {
    let dir = tempfile::TempDir::new().unwrap();
    let Some(disk) = SmallDisk::mount(dir.path(), "24m") else {
        return;
    };
    let data = dir.path().join("data");
    create_admin(&data, EMAIL, PASSWORD);
    let mut server = serve(&data);
    let base = server.base.clone();

    // Four writers create tokens with names of their own; two readers list them.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let refused = Arc::new(Mutex::new(Vec::<StatusCode>::new()));
    let mut tasks = Vec::new();
    for writer in 0..4 {
        let (client, stop, acknowledged, refused) = (
            signed_in(&server).await,
            stop.clone(),
            acknowledged.clone(),
            refused.clone(),
        );
        let url = format!("{base}/api/tokens");
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let name = format!("writer {writer} token {n}");
                let body = json!({"name": name, "scopes": ["gateway"]});
                match client.post(&url).json(&body).send().await {
                    Ok(answer) if answer.status() == StatusCode::CREATED => {
                        acknowledged.lock().unwrap().push(name)
                    }
                    Ok(answer) => refused.lock().unwrap().push(answer.status()),
                    Err(_) => {}
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    for _ in 0..2 {
        let (client, stop) = (signed_in(&server).await, stop.clone());
        let url = format!("{base}/api/tokens");
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let _ = client.get(&url).send().await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    let filler = disk.fill();
    let probe = Client::new();
    let full_since = Instant::now();
    let mut ready_while_full = Vec::new();
    while full_since.elapsed() < Duration::from_secs(4) {
        let answer = probe.get(format!("{base}/health/ready")).send().await.unwrap();
        ready_while_full.push(answer.status());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let during = refused.lock().unwrap().clone();
    assert!(!during.is_empty(), "the full disk refused some writes");
    assert!(
        during
            .iter()
            .all(|status| *status == StatusCode::SERVICE_UNAVAILABLE),
        "a full disk is a 503 (retry later), not a 500: {during:?}"
    );
    assert!(
        ready_while_full.contains(&StatusCode::SERVICE_UNAVAILABLE),
        "readiness said the database took writes while the disk was full: {ready_while_full:?}"
    );

    std::fs::remove_file(filler).unwrap();
    let acked_before = acknowledged.lock().unwrap().len();
    let freed = Instant::now();
    while acknowledged.lock().unwrap().len() < acked_before + 10 {
        assert!(
            freed.elapsed() < Duration::from_secs(15),
            "writes did not resume once space returned: {:?}",
            refused.lock().unwrap().iter().rev().take(5).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready = probe.get(format!("{base}/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK, "ready again once space returned");

    stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }
    server.kill();

    let restarted = serve(&data);
    let client = signed_in(&restarted).await;
    let (_, listed) = json_of(&client, Method::GET, restarted.url("/api/tokens"), None).await;
    let stored: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let acknowledged = acknowledged.lock().unwrap();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|name| !stored.contains(&name.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
}

/// Five kill -9s in about half a minute under four concurrent writers of secrets: every
/// credential the server acknowledged is there after each restart, and every stored
/// secret still decrypts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_concurrent_writers_loses_no_acknowledged_secret() {
    let dir = tempfile::TempDir::new().unwrap();
    let data = dir.path().join("data");
    create_admin(&data, EMAIL, PASSWORD);
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut server = serve(&data);
    for round in 0..5 {
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for writer in 0..4 {
            let (client, stop, acknowledged) = (signed_in(&server).await, stop.clone(), acknowledged.clone());
            let url = server.url("/api/admin/credentials");
            writers.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let body = json!({"name": format!("round {round} writer {writer} key {n}"), "provider": "groq",
                        "fields": {"api_key": format!("gsk-soak-{round}-{writer}-{n:05}-abcdefgh")}});
                    if let Ok(answer) = client.post(&url).json(&body).send().await {
                        if answer.status() == StatusCode::CREATED {
                            let created: serde_json::Value = answer.json().await.unwrap_or_default();
                            if let Some(id) = created["id"].as_str() {
                                acknowledged.lock().unwrap().push(id.to_owned());
                            }
                        }
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(2500 + 700 * round)).await;
        // The crash lands while requests are in flight.
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for writer in writers {
            writer.await.unwrap();
        }
        server = serve(&data);
        let client = signed_in(&server).await;
        let stored = stored_credential_ids(&server, &client).await;
        for id in acknowledged.lock().unwrap().iter() {
            assert!(
                stored.contains(id),
                "round {round}: acknowledged credential {id} lost"
            );
        }
    }
    let written = acknowledged.lock().unwrap().len();
    assert!(written > 50, "the writers wrote ({written})");
    server.kill();
    let status = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(["keys", "status"])
        .env("SWITCHYARD_DATA_DIR", &data)
        .env_remove("SWITCHYARD_DATABASE_URL")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(status.status.success(), "{report}");
    assert!(
        report.contains("\n0 credential(s) cannot be decrypted"),
        "every stored secret decrypts: {report}"
    );
}

/// The ids of every global credential the server lists, read a page of 200 at a time (a
/// request per acknowledged write would take longer than the writing).
async fn stored_credential_ids(server: &ServerProcess, client: &Client) -> std::collections::HashSet<String> {
    let mut ids = std::collections::HashSet::new();
    for page in 1.. {
        let url = server.url(&format!("/api/admin/credentials?perPage=200&page={page}"));
        let (status, list) = json_of(client, Method::GET, url, None).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let rows = list["data"].as_array().unwrap();
        ids.extend(rows.iter().map(|row| row["id"].as_str().unwrap().to_owned()));
        if rows.len() < 200 {
            break;
        }
    }
    ids
}

/// Another transaction holds the tokens table: a create waits for the lock only so long
/// (SQLite's busy timeout, PostgreSQL's lock timeout, both 5 s, well inside the HTTP
/// timeout), answers 503, and the database holds nothing of it afterwards.
async fn a_write_held_behind_a_lock_is_refused_and_not_applied(app: TestApp) {
    use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, TransactionTrait};
    let admin = app.admin().await;
    let holder = domain::db::connect(&app.config.database_url()).await.unwrap();
    let txn = match app.kind {
        Db::Sqlite => domain::db::write_transaction(&holder).await.unwrap(),
        Db::Postgres => {
            let txn = holder.begin().await.unwrap();
            let lock = sea_orm::Statement::from_string(
                DbBackend::Postgres,
                "LOCK TABLE api_tokens IN ACCESS EXCLUSIVE MODE",
            );
            txn.execute_raw(lock).await.unwrap();
            txn
        }
    };
    let asked = Instant::now();
    let body = json!({"name": "held behind a lock", "scopes": ["gateway"]});
    let (status, answer) = json_of(&admin, Method::POST, app.url("/api/tokens"), Some(body)).await;
    let waited = asked.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert!(waited < Duration::from_secs(15), "answered after {waited:?}");
    txn.rollback().await.unwrap();
    // Nothing was applied, not even once the lock is gone.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tokens = domain::entities::api_tokens::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        tokens.iter().all(|t| t.name != "held behind a lock"),
        "the refused write was applied"
    );
}
