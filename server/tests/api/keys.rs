//! `switchyard keys …`: a rotation killed halfway and run again leaves every secret
//! readable under the new key; a new master key re-wraps the data keys only.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use domain::access::{ClientInfo, Owner};
use domain::credentials::NewCredential;
use domain::values::ProviderRef;
use domain::vault::MasterKey;
use secrecy::{ExposeSecret, SecretString};

use crate::helpers::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    a_rotation_killed_halfway_resumes_and_every_secret_stays_readable,
    a_new_master_key_rewraps_the_data_keys_and_the_old_one_stops_working,
);

const ROWS: usize = 400;

fn keys(app: &TestApp, args: &[&str], master_key_file: Option<&std::path::Path>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    command
        .arg("keys")
        .args(args)
        .env("SWITCHYARD_DATA_DIR", &app.config.data_dir);
    match &app.config.database_url {
        Some(url) => command.env("SWITCHYARD_DATABASE_URL", url.expose_secret()),
        None => command.env_remove("SWITCHYARD_DATABASE_URL"),
    };
    if let Some(file) = master_key_file {
        command.env("SWITCHYARD_MASTER_KEY_FILE", file);
    }
    command
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `version N  state  M credential(s)` lines as (version, state, count).
fn status(app: &TestApp) -> (Vec<(i32, String, u64)>, String) {
    let output = keys(app, &["status"], None).output().unwrap();
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    let versions = out
        .lines()
        .filter(|l| l.starts_with("version "))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            (
                parts[1].parse().unwrap(),
                parts[2].to_owned(),
                parts[3].parse().unwrap(),
            )
        })
        .collect();
    (versions, out)
}

/// `count` global groq credentials, made by the first admin (set up here).
pub(crate) async fn seed_credentials(app: &TestApp, count: usize) {
    app.admin().await;
    let signed_in = app
        .services
        .auth
        .sign_in(
            ADMIN_EMAIL,
            &SecretString::from(ADMIN_PASSWORD),
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    let admin = signed_in.user.require_admin().unwrap();
    for i in 0..count {
        let fields = HashMap::from([(
            "api_key".to_owned(),
            SecretString::from(format!("gsk-rotation-{i:06}-abcdef")),
        )]);
        let new = NewCredential {
            name: format!("key {i:04}"),
            provider: ProviderRef::parse("groq"),
            fields,
            ..Default::default()
        };
        app.services
            .credentials
            .create(&Owner::Admins(admin.clone()), new)
            .await
            .unwrap();
    }
}

async fn a_rotation_killed_halfway_resumes_and_every_secret_stays_readable(app: TestApp) {
    seed_credentials(&app, ROWS).await;

    let mut child = keys(&app, &["rotate", "--batch-size", "1"], None)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = lines.next().unwrap().unwrap();
    assert!(started.starts_with("rotating to key version 2"), "{started}");
    let progress = lines.next().unwrap().unwrap();
    assert!(progress.starts_with("rotated "), "{progress}");
    child.kill().unwrap();
    let _ = child.wait();

    let (versions, out) = status(&app);
    let rows = |v: i32| {
        versions
            .iter()
            .find(|(n, ..)| *n == v)
            .map(|(_, _, c)| *c)
            .unwrap()
    };
    assert!(rows(1) > 0 && rows(2) > 0, "killed halfway: {out}");
    assert_eq!(rows(1) + rows(2), ROWS as u64);
    assert!(out.contains("0 credential(s) cannot be decrypted"), "{out}");
    let refused = keys(&app, &["retire", "--version", "1"], None).output().unwrap();
    assert!(
        !refused.status.success() && text(&refused).contains("still use version 1"),
        "{}",
        text(&refused)
    );

    let resumed = keys(&app, &["rotate"], None).output().unwrap();
    let out = text(&resumed);
    assert!(resumed.status.success(), "{out}");
    assert!(out.contains("resuming the rotation to key version 2"), "{out}");
    let (versions, out) = status(&app);
    assert_eq!(
        versions
            .iter()
            .map(|(v, s, c)| (*v, s.as_str(), *c))
            .collect::<Vec<_>>(),
        [(1, "previous", 0), (2, "active", ROWS as u64)],
        "{out}"
    );
    assert!(
        out.contains("0 credential(s) cannot be decrypted"),
        "every secret opens with the new key: {out}"
    );
    let retired = keys(&app, &["retire", "--version", "1"], None).output().unwrap();
    assert!(retired.status.success(), "{}", text(&retired));
}

async fn a_new_master_key_rewraps_the_data_keys_and_the_old_one_stops_working(app: TestApp) {
    app.admin().await;
    let new_key = app.config.data_dir.join("new-master.key");
    std::fs::write(&new_key, MasterKey::generate().encoded().expose_secret()).unwrap();
    let rewrapped = keys(
        &app,
        &["rewrap", "--new-master-key-file", new_key.to_str().unwrap()],
        None,
    )
    .output()
    .unwrap();
    assert!(rewrapped.status.success(), "{}", text(&rewrapped));
    assert!(text(&rewrapped).contains("re-wrapped 1 data key(s)"));

    let with_new = keys(&app, &["status"], Some(&new_key)).output().unwrap();
    assert!(with_new.status.success(), "{}", text(&with_new));
    let with_old = keys(&app, &["status"], None).output().unwrap();
    assert!(
        !with_old.status.success(),
        "the old master key no longer opens the vault"
    );
    assert!(text(&with_old).contains("master key"), "{}", text(&with_old));
}

/// `keys rotate` beside two running instances on one PostgreSQL: both read the rotated
/// secrets and seal new ones with the new version, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_reaches_running_instances_without_a_restart() {
    use reqwest::Method;
    use sea_orm::EntityTrait;

    use crate::fake_provider::{add_credential, register, FakeProvider, GOOD_KEY};
    use crate::helpers::{json_of, Db};
    use crate::process::{instance, signed_in};

    let Some(app) = TestApp::spawn(Db::Postgres).await else {
        return;
    };
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    register(&app, &admin, &fake.url("ok")).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(add_credential(&app, &admin, &format!("before {n}"), serde_json::json!({})).await);
    }
    let dirs = [
        tempfile::TempDir::new().unwrap(),
        tempfile::TempDir::new().unwrap(),
    ];
    let instances = [instance(&app, &dirs[0], &[]), instance(&app, &dirs[1], &[])];
    let mut clients = Vec::new();
    for process in &instances {
        clients.push(signed_in(process).await);
    }

    let rotated = keys(&app, &["rotate"], None).output().unwrap();
    assert!(rotated.status.success(), "{}", text(&rotated));
    // One key check per second on each instance.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    for (process, client) in instances.iter().zip(&clients) {
        for id in &ids {
            let url = process.url(&format!("/api/admin/credentials/{id}/test"));
            let (status, report) = json_of(client, Method::POST, url, None).await;
            assert_eq!(
                (status, report["outcome"].as_str()),
                (reqwest::StatusCode::OK, Some("ok")),
                "{report}"
            );
        }
        let body = serde_json::json!({"name": format!("after on {}", process.pid()), "provider": "fake",
            "fields": {"api_key": GOOD_KEY}});
        let (status, created) = json_of(
            client,
            Method::POST,
            process.url("/api/admin/credentials"),
            Some(body),
        )
        .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
        let row = domain::entities::credentials::Entity::find_by_id(
            created["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap(),
        )
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            row.key_version, 2,
            "a new secret is sealed with the rotated-in version"
        );
    }
}
