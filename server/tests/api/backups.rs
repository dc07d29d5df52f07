//! Backups on both databases: made while writes run, restored into a fresh database
//! row for row; damaged archives refused without a change; a dry run changes nothing;
//! SQLite → PostgreSQL → SQLite loses nothing; a kill -9 during create or restore
//! leaves no half-made backup and no half-restored database.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use domain::backups::{Backups, Manifest};
use domain::vault::MasterKey;
use sea_orm::EntityTrait;
use secrecy::ExposeSecret;
use tempfile::TempDir;

use crate::helpers::{Db, TestApp};
use crate::keys::seed_credentials;
use crate::on_both_databases;

on_both_databases!(
    a_backup_made_while_writing_restores_into_a_fresh_database_row_for_row,
    damaged_archives_are_refused_and_change_nothing,
    a_dry_run_changes_nothing_and_says_what_would,
    a_kill_during_create_leaves_no_backup_that_lists_as_good,
    a_kill_during_restore_leaves_the_database_as_it_was,
);

fn master_of(app: &TestApp) -> MasterKey {
    MasterKey::read_file(&app.config.master_key_path()).unwrap()
}

fn backups_of(app: &TestApp, dir: &Path) -> Backups {
    Backups::new(app.db.clone(), dir.to_path_buf(), "test")
}

/// Each table's name, rows and checksum.
fn checksums(manifest: &Manifest) -> Vec<(String, u64, String)> {
    manifest
        .tables
        .iter()
        .map(|t| (t.name.clone(), t.rows, t.sha256.clone()))
        .collect()
}

/// The database's every row, fingerprinted: a backup of it, made aside.
async fn fingerprint(app: &TestApp) -> Vec<(String, u64, String)> {
    let aside = TempDir::new().unwrap();
    let backup = backups_of(app, aside.path()).create().await.unwrap();
    checksums(backup.manifest.as_ref().unwrap())
}

/// A second app of the same kind, whose scheduler writes nothing meanwhile.
async fn fresh(kind: Db) -> TestApp {
    TestApp::spawn_with(kind, |config| config.scheduler = false)
        .await
        .unwrap()
}

fn cli(app: &TestApp, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    command
        .arg("backup")
        .args(args)
        .env("SWITCHYARD_DATA_DIR", &app.config.data_dir)
        .env("SWITCHYARD_BACKUP_DIR", dir)
        .env("SWITCHYARD_MASTER_KEY_FILE", app.config.master_key_path())
        .stdin(Stdio::null());
    match &app.config.database_url {
        Some(url) => command.env("SWITCHYARD_DATABASE_URL", url.expose_secret()),
        None => command.env_remove("SWITCHYARD_DATABASE_URL"),
    };
    command
}

/// `backup restore NAME --yes` into `target` under `source`'s master key (the backup's).
fn restore_under_key_of(source: &TestApp, target: &TestApp, dir: &Path, name: &str) -> Output {
    cli(target, dir, &["restore", name, "--yes"])
        .env("SWITCHYARD_MASTER_KEY_FILE", source.config.master_key_path())
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn a_backup_made_while_writing_restores_into_a_fresh_database_row_for_row(app: TestApp) {
    seed_credentials(&app, 20).await;
    let dir = TempDir::new().unwrap();
    let count = || async {
        domain::entities::credentials::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .len()
    };
    let before = count().await;
    // A writer adds rows for as long as the backup runs.
    let writer = {
        let db = app.db.clone();
        tokio::spawn(async move {
            for i in 0.. {
                add_logs(&db, i, 50).await;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let backup = backups_of(&app, dir.path()).create().await.unwrap();
    let manifest = backup.manifest.clone().unwrap();
    let logs_in_archive = manifest
        .tables
        .iter()
        .find(|t| t.name == "request_logs")
        .unwrap()
        .rows;
    let logs = || async {
        use sea_orm::PaginatorTrait;
        domain::entities::request_logs::Entity::find()
            .count(&app.db)
            .await
            .unwrap()
    };
    // The writer goes on after the backup: waited for (not a fixed pause, which a busy
    // machine can outlast) until it has added rows the archive does not hold.
    let mut logs_now = logs().await;
    for _ in 0..200 {
        if logs_now > logs_in_archive {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        logs_now = logs().await;
    }
    writer.abort();
    assert!(
        logs_in_archive > 0 && logs_in_archive < logs_now,
        "the backup ran while rows were added: {logs_in_archive} in it, {logs_now} now"
    );
    assert_eq!(count().await, before);

    let verified = cli(&app, dir.path(), &["verify", &backup.name]).output().unwrap();
    assert!(verified.status.success(), "{}", text(&verified));
    assert!(
        text(&verified).contains("every secret decrypts"),
        "{}",
        text(&verified)
    );
    let listed = cli(&app, dir.path(), &["list"]).output().unwrap();
    assert!(
        text(&listed).contains(&backup.name) && text(&listed).contains("verified "),
        "{}",
        text(&listed)
    );

    let target = fresh(app.kind).await;
    let restored = restore_under_key_of(&app, &target, dir.path(), &backup.name);
    assert!(restored.status.success(), "{}", text(&restored));
    assert_eq!(
        fingerprint(&target).await,
        checksums(&manifest),
        "every table, row for row"
    );
    // Every secret decrypts under the source's master key in the restored database.
    let keys = domain::keys::KeyService::open(target.db.clone(), master_of(&app))
        .await
        .unwrap();
    assert!(keys.status().await.unwrap().unreadable.is_empty());
    let rows: u64 = keys.status().await.unwrap().versions.iter().map(|(_, n)| n).sum();
    assert_eq!(rows as usize, before);
}

/// `rows` request log rows, the `batch`-th lot.
async fn add_logs(db: &sea_orm::DatabaseConnection, batch: usize, rows: usize) {
    use domain::entities::request_logs;
    use sea_orm::Set;
    let now = chrono::Utc::now();
    let models = (0..rows).map(|i| request_logs::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        kind: Set("gateway".into()),
        status: Set("ok".into()),
        latency_ms: Set(i32::try_from(i).unwrap()),
        model: Set(Some(format!("model-{batch}"))),
        error: Set(Some(
            "upstream said something long enough to make the row a realistic size".into(),
        )),
        created_at: Set(now),
        ..Default::default()
    });
    request_logs::Entity::insert_many(models).exec(db).await.unwrap();
}

/// The archive's entries with `change` applied to each (`None` leaves one out).
fn rewrite(path: &Path, out: &Path, change: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()));
    let file = std::fs::File::create(out).unwrap();
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()));
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if let Some(bytes) = change(&name, bytes) {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o600);
            header.set_cksum();
            builder.append_data(&mut header, &name, bytes.as_slice()).unwrap();
        }
    }
    builder.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

async fn damaged_archives_are_refused_and_change_nothing(app: TestApp) {
    seed_credentials(&app, 5).await;
    add_logs(&app.db, 0, 500).await;
    let dir = TempDir::new().unwrap();
    let good = backups_of(&app, dir.path()).create().await.unwrap();
    let good_path = dir.path().join(&good.name);
    let bytes = std::fs::read(&good_path).unwrap();
    let damaged = |suffix: &str, content: Vec<u8>| {
        let name = good.name.replace(".tar.gz", &format!("-{suffix}.tar.gz"));
        std::fs::write(dir.path().join(&name), content).unwrap();
        name
    };
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x01;
    let flipped = damaged("flipped", flipped);
    let truncated = damaged("truncated", bytes[..bytes.len() * 2 / 3].to_vec());
    let missing = good.name.replace(".tar.gz", "-missing.tar.gz");
    rewrite(&good_path, &dir.path().join(&missing), |name, bytes| {
        (name != "tables/credentials.jsonl").then_some(bytes)
    });
    let altered = good.name.replace(".tar.gz", "-altered.tar.gz");
    rewrite(&good_path, &dir.path().join(&altered), |name, bytes| match name {
        "tables/credentials.jsonl" => Some(
            String::from_utf8(bytes)
                .unwrap()
                .replacen("key 0000", "key 9999", 1)
                .into_bytes(),
        ),
        _ => Some(bytes),
    });
    // Rows change after the backup, so a restore that went through would show.
    seed_more(&app).await;
    let state = fingerprint(&app).await;
    for (name, says) in [
        (&flipped, "damaged"),
        (&truncated, "cut short"),
        (&missing, "lacks table(s) its manifest lists: credentials"),
        (
            &altered,
            "table credentials: 5 row(s) whose checksum does not match",
        ),
    ] {
        for args in [
            vec!["verify", name.as_str()],
            vec!["restore", name.as_str(), "--yes"],
        ] {
            let output = cli(&app, dir.path(), &args).output().unwrap();
            let out = text(&output);
            assert!(!output.status.success(), "{args:?} succeeded: {out}");
            assert!(
                out.contains(says) || (says == "damaged" && out.contains("cut short")),
                "{args:?}: {out}"
            );
        }
        assert_eq!(fingerprint(&app).await, state, "{name} changed the database");
    }
    let listed = text(&cli(&app, dir.path(), &["list"]).output().unwrap());
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&flipped) && l.contains("FAILED verification")),
        "{listed}"
    );
    // A newer schema than this release knows is refused, naming it.
    let future = good.name.replace(".tar.gz", "-future.tar.gz");
    rewrite(&good_path, &dir.path().join(&future), |name, bytes| match name {
        "manifest.json" => {
            let mut manifest: Manifest = serde_json::from_slice(&bytes).unwrap();
            manifest.schema_version = "m20991231_000001_from_the_future".into();
            Some(serde_json::to_vec(&manifest.seal().unwrap()).unwrap())
        }
        _ => Some(bytes),
    });
    let refused = text(
        &cli(&app, dir.path(), &["restore", &future, "--yes"])
            .output()
            .unwrap(),
    );
    assert!(refused.contains("newer than this release knows"), "{refused}");
    assert_eq!(fingerprint(&app).await, state);
}

async fn seed_more(app: &TestApp) {
    add_logs(&app.db, 99, 7).await;
}

async fn a_dry_run_changes_nothing_and_says_what_would(app: TestApp) {
    seed_credentials(&app, 3).await;
    let dir = TempDir::new().unwrap();
    let backup = backups_of(&app, dir.path()).create().await.unwrap();
    seed_more(&app).await;
    let state = fingerprint(&app).await;
    let output = cli(&app, dir.path(), &["restore", &backup.name, "--dry-run"])
        .output()
        .unwrap();
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    let logs_line = out.lines().find(|l| l.starts_with("request_logs ")).unwrap();
    assert_eq!(
        logs_line.split_whitespace().collect::<Vec<_>>(),
        ["request_logs", "7", "0"],
        "{out}"
    );
    assert!(
        out.contains("opens the backup's data keys; every secret decrypts"),
        "{out}"
    );
    assert!(out.contains("dry run: nothing was changed"), "{out}");
    assert_eq!(fingerprint(&app).await, state);

    // Without --yes and without a terminal, restore refuses and changes nothing.
    let output = cli(&app, dir.path(), &["restore", &backup.name])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(text(&output).contains("confirm with --yes"), "{}", text(&output));
    assert_eq!(fingerprint(&app).await, state);

    // Another master key does not open it: refused, nothing changed.
    let other = TempDir::new().unwrap();
    let other_key = other.path().join("other.key");
    MasterKey::create_file(&other_key).unwrap();
    let output = cli(&app, dir.path(), &["restore", &backup.name, "--yes"])
        .env("SWITCHYARD_MASTER_KEY_FILE", &other_key)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(text(&output).contains("does NOT open"), "{}", text(&output));
    assert_eq!(fingerprint(&app).await, state);
}

/// Enough rows that copying them takes a moment a test can act in.
const MANY: usize = 60_000;

async fn many_rows(app: &TestApp) {
    for batch in 0..MANY / 500 {
        add_logs(&app.db, batch, 500).await;
    }
}

async fn a_kill_during_create_leaves_no_backup_that_lists_as_good(app: TestApp) {
    many_rows(&app).await;
    let dir = TempDir::new().unwrap();
    let mut child = cli(&app, dir.path(), &["create"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it while the archive is being written.
    crate::polling::until(
        "the archive is being written",
        Duration::from_secs(60),
        Duration::from_millis(5),
        || async { partial_in(dir.path()) },
        Option::is_some,
    )
    .await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "create finished before it could be killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let listed = text(&cli(&app, dir.path(), &["list"]).output().unwrap());
    assert!(listed.starts_with("no backups in"), "{listed}");
    // The next one is whole, and verifies.
    let made = cli(&app, dir.path(), &["create"]).output().unwrap();
    assert!(made.status.success(), "{}", text(&made));
    let listed = text(&cli(&app, dir.path(), &["list"]).output().unwrap());
    assert_eq!(listed.lines().count(), 1, "{listed}");
    let name = listed.split_whitespace().next().unwrap().to_owned();
    let verified = cli(&app, dir.path(), &["verify", &name]).output().unwrap();
    assert!(verified.status.success(), "{}", text(&verified));
}

fn partial_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".partial"))
}

async fn a_kill_during_restore_leaves_the_database_as_it_was(app: TestApp) {
    many_rows(&app).await;
    let dir = TempDir::new().unwrap();
    let backup = backups_of(&app, dir.path()).create().await.unwrap();
    let target = fresh(app.kind).await;
    seed_credentials(&target, 2).await;
    let before = fingerprint(&target).await;
    let mut child = cli(&target, dir.path(), &["restore", &backup.name, "--yes"])
        .env("SWITCHYARD_MASTER_KEY_FILE", app.config.master_key_path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let writing = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.starts_with("writing request_logs"));
    assert!(writing.is_some(), "the restore never reached the big table");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        fingerprint(&target).await,
        before,
        "killed mid-restore: as it was"
    );

    let restored = restore_under_key_of(&app, &target, dir.path(), &backup.name);
    assert!(restored.status.success(), "{}", text(&restored));
    assert_eq!(
        fingerprint(&target).await,
        checksums(backup.manifest.as_ref().unwrap()),
        "restored again: as the archive says"
    );
}

/// SQLite → archive → PostgreSQL → archive → SQLite: every table the same each time; and
/// an archive from an older schema is migrated forward on restore.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_to_postgres_and_back_is_lossless() {
    let sqlite = TestApp::spawn(Db::Sqlite).await.unwrap();
    seed_credentials(&sqlite, 10).await;
    add_logs(&sqlite.db, 0, 300).await;
    let dir = TempDir::new().unwrap();
    let first = backups_of(&sqlite, dir.path()).create().await.unwrap();
    let expected = checksums(first.manifest.as_ref().unwrap());
    let Some(postgres) = TestApp::spawn_with(Db::Postgres, |c| c.scheduler = false).await else {
        return;
    };
    backups_of(&postgres, dir.path())
        .restore(&first.name, &master_of(&sqlite), |_| {})
        .await
        .unwrap();
    let second = backups_of(&postgres, dir.path()).create().await.unwrap();
    assert_eq!(second.manifest.as_ref().unwrap().made_on, "postgres");
    assert_eq!(checksums(second.manifest.as_ref().unwrap()), expected);
    let back = fresh(Db::Sqlite).await;
    backups_of(&back, dir.path())
        .restore(&second.name, &master_of(&sqlite), |_| {})
        .await
        .unwrap();
    assert_eq!(fingerprint(&back).await, expected);
}

/// An archive made before the newest migration (no idempotency table yet) restores, and
/// is migrated forward; the plan says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_from_an_older_schema_is_migrated_forward() {
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    seed_credentials(&app, 3).await;
    let dir = TempDir::new().unwrap();
    let current = backups_of(&app, dir.path()).create().await.unwrap();
    let known = domain::db::known_migrations();
    let older = current.name.replace(".tar.gz", "-older.tar.gz");
    let previous = known[known.len() - 2].clone();
    assert!(
        known.last().unwrap().ends_with("_idempotency"),
        "update this test to the newest migration"
    );
    rewrite(
        &dir.path().join(&current.name),
        &dir.path().join(&older),
        |name, bytes| match name {
            "manifest.json" => {
                let mut manifest: Manifest = serde_json::from_slice(&bytes).unwrap();
                manifest.schema_version = previous.clone();
                manifest.tables.retain(|t| t.name != "idempotency_keys");
                Some(serde_json::to_vec(&manifest.seal().unwrap()).unwrap())
            }
            "tables/idempotency_keys.jsonl" => None,
            _ => Some(bytes),
        },
    );
    let target = fresh(Db::Sqlite).await;
    let plan = backups_of(&target, dir.path())
        .restore(&older, &master_of(&app), |_| {})
        .await
        .unwrap();
    assert_eq!(plan.migrated_forward, 1);
    let restored = fingerprint(&target).await;
    let expected: Vec<_> = checksums(current.manifest.as_ref().unwrap());
    assert_eq!(restored, expected, "the same rows, at this release's schema");
}

crate::on_both_databases_with!(scheduled_every_two_seconds:
    two_instances_make_one_backup_per_slot_and_keep_by_retention,
);
crate::on_both_databases_with!(scheduled_into_an_unwritable_directory:
    a_failed_scheduled_backup_raises_backup_failed_to_the_webhooks,
);
on_both_databases!(admins_back_up_and_verify_over_rest);

fn scheduled_every_two_seconds(config: &mut server::Config) {
    config.backup_schedule = Some("*/2 * * * * *".into());
    // Both instances share it (a sibling keeps this setting, not the data directory).
    config.backup_dir = Some(config.data_dir.join("backups"));
}

fn scheduled_into_an_unwritable_directory(config: &mut server::Config) {
    let file = config.data_dir.join("not-a-directory");
    std::fs::write(&file, b"").unwrap();
    config.backup_schedule = Some("* * * * * *".into());
    config.backup_dir = Some(file.join("backups"));
}

async fn two_instances_make_one_backup_per_slot_and_keep_by_retention(app: TestApp) {
    let sibling = app.sibling().await;
    let dir = app.config.backup_dir();
    let mut seen = std::collections::BTreeSet::new();
    // Three slots' backups, or the time for many more on a loaded machine (a backup and
    // its verification can outlast a slot there; the next due slot then runs).
    let until = std::time::Instant::now() + Duration::from_secs(30);
    while seen.len() < 3 && std::time::Instant::now() < until {
        for backup in backups_of(&app, &dir).list().await.unwrap() {
            seen.insert((backup.manifest.unwrap().created_at, backup.name));
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert!(seen.len() >= 3, "a backup every two seconds: {seen:?}");
    let times: Vec<_> = seen.iter().map(|(at, _)| *at).collect();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] > chrono::Duration::milliseconds(1_500),
            "two backups in one slot (two instances ran it): {seen:?}"
        );
    }
    // Every one but the newest of the day goes (grandfather-father-son), each verified.
    let kept = crate::polling::until(
        "only the newest backup is kept",
        Duration::from_secs(10),
        Duration::from_millis(20),
        || async { backups_of(&app, &dir).list().await.unwrap() },
        |listed| listed.len() == 1 && listed[0].verification.is_some(),
    )
    .await;
    let verification = kept[0].verification.clone().unwrap();
    assert!(verification.ok && verification.with_key, "{verification:?}");
    drop(sibling);
}

async fn a_failed_scheduled_backup_raises_backup_failed_to_the_webhooks(app: TestApp) {
    let admin = app.admin().await;
    let receiver = crate::receiver::Receiver::start(&[]).await;
    let (status, hook) = crate::helpers::json_of(
        &admin,
        reqwest::Method::POST,
        app.url("/api/admin/webhooks"),
        Some(serde_json::json!({"url": receiver.url, "events": ["backup.failed"]})),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{hook}");
    let received = receiver
        .wait_for(Duration::from_secs(20), "a backup.failed event", |got| {
            got.iter().any(|r| r.body["event"] == "backup.failed")
        })
        .await;
    let event = &received
        .iter()
        .find(|r| r.body["event"] == "backup.failed")
        .unwrap()
        .body;
    assert!(event["backup"]["name"].is_null(), "{event}");
    assert!(
        event["reason"]
            .as_str()
            .unwrap()
            .contains("cannot create the backup directory"),
        "{event}"
    );
    let (_, jobs) =
        crate::helpers::json_of(&admin, reqwest::Method::GET, app.url("/api/scheduler/jobs"), None).await;
    let job = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "backups")
        .unwrap()
        .clone();
    assert!(
        job["lastError"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot create"),
        "{job}"
    );
}

async fn admins_back_up_and_verify_over_rest(app: TestApp) {
    use crate::helpers::json_of;
    use reqwest::{Method, StatusCode};
    let admin = app.admin().await;
    let (status, empty) = json_of(&admin, Method::GET, app.url("/api/admin/backups"), None).await;
    assert_eq!(status, StatusCode::OK, "{empty}");
    assert_eq!(empty["data"], serde_json::json!([]));
    assert!(
        empty["nextScheduled"].is_null(),
        "not scheduled by default: {empty}"
    );
    let (status, made) = json_of(&admin, Method::POST, app.url("/api/admin/backups"), None).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let name = made["name"].as_str().unwrap().to_owned();
    assert!(made["rows"].as_u64().unwrap() > 0, "{made}");
    let (status, verified) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/backups/{name}/verify")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(
        (verified["ok"].as_bool(), verified["withKey"].as_bool()),
        (Some(true), Some(true))
    );
    let (_, listed) = json_of(&admin, Method::GET, app.url("/api/admin/backups"), None).await;
    assert_eq!(listed["data"][0]["name"], name.as_str());
    assert_eq!(listed["data"][0]["verification"]["ok"], true);
    let (status, _) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/backups/switchyard-nope.tar.gz/verify"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, refused) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/backups/..%2Fmaster.key/verify"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let user = app.user(&admin, "user@example.com").await;
    let (status, _) = json_of(&user, Method::POST, app.url("/api/admin/backups"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
