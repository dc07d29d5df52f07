//! The operator's commands, run as the real binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use server::{Application, Config};
use tempfile::TempDir;

fn switchyard(data: &TempDir, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(args)
        .env("SWITCHYARD_DATA_DIR", data.path())
        .env_remove("SWITCHYARD_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn admin_create_refuses_a_second_admin_with_the_same_email() {
    let data = TempDir::new().unwrap();
    let first = switchyard(
        &data,
        &["admin", "create", "--email", "ops@example.com"],
        "operator password 1\n",
    );
    assert!(first.status.success(), "{}", text(&first));
    assert!(text(&first).contains("created admin ops@example.com"));
    let second = switchyard(
        &data,
        &["admin", "create", "--email", "OPS@example.com"],
        "operator password 2\n",
    );
    assert!(!second.status.success());
    assert!(text(&second).contains("already exists"), "{}", text(&second));
    let weak = switchyard(
        &data,
        &["admin", "create", "--email", "weak@example.com"],
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(text(&weak).contains("at least 12 characters"), "{}", text(&weak));
}

#[test]
fn migrations_run_twice_and_go_down_and_up() {
    let data = TempDir::new().unwrap();
    let up = switchyard(&data, &["migrate", "up"], "");
    assert!(up.status.success(), "{}", text(&up));
    let again = switchyard(&data, &["migrate", "up"], "");
    assert!(
        again.status.success() && text(&again).contains("applied 0 migration(s)"),
        "{}",
        text(&again)
    );
    // The newest two migrations, whatever they are now.
    let listed = text(&switchyard(&data, &["migrate", "status"], ""));
    let names: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.strip_prefix("applied  "))
        .collect();
    let [.., second_newest, newest] = names[..] else {
        panic!("at least two migrations: {listed}");
    };
    let down = switchyard(&data, &["migrate", "down"], "");
    assert!(down.status.success(), "{}", text(&down));
    let status = switchyard(&data, &["migrate", "status"], "");
    assert!(
        text(&status).contains(&format!("applied  {second_newest}"))
            && text(&status).contains(&format!("pending  {newest}")),
        "one step down by default: {}",
        text(&status)
    );
    let all = switchyard(&data, &["migrate", "down", "--steps", "100"], "");
    assert!(all.status.success(), "{}", text(&all));
    let status = switchyard(&data, &["migrate", "status"], "");
    assert!(text(&status).contains("pending  m20261122_000001_initial_schema"));
    let pending = text(&status)
        .lines()
        .filter(|l| l.starts_with("pending "))
        .count();
    assert!(!text(&status).contains("applied "), "{}", text(&status));
    let up = switchyard(&data, &["migrate", "up"], "");
    assert!(
        text(&up).contains(&format!("applied {pending} migration(s)")),
        "{}",
        text(&up)
    );
}

#[test]
fn check_prints_settings_without_secrets_and_bad_settings_stop_start_up() {
    let data = TempDir::new().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    let output = command
        .arg("check")
        .env(
            "SWITCHYARD_MASTER_KEY",
            "c2VjcmV0LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE=",
        )
        .env("SWITCHYARD_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("SWITCHYARD_MASTER_KEY=[redacted]"));
    assert!(!text(&output).contains("c2VjcmV0"));

    let bad = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .arg("serve")
        .env("SWITCHYARD_ADRR", "127.0.0.1:1")
        .env("SWITCHYARD_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(text(&bad).contains("SWITCHYARD_ADRR"), "{}", text(&bad));
}

#[tokio::test]
async fn a_wrong_master_key_stops_start_up() {
    let data = TempDir::new().unwrap();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data.path().to_path_buf(),
        ..Config::default()
    };
    let first = Application::build(config.clone()).await.unwrap();
    drop(first);
    let key_file = data.path().join("master.key");
    assert!(key_file.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let wrong = Config {
        master_key: Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned().into()),
        ..config
    };
    let err = Application::build(wrong)
        .await
        .err()
        .expect("start-up refuses a wrong key");
    let message = format!("{err:#}");
    assert!(message.contains("master key does not match"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_lists_each_active_global_credential_by_provider_and_priority() {
    use std::io::{BufRead, BufReader};
    let data = TempDir::new().unwrap();
    let created = switchyard(
        &data,
        &["admin", "create", "--email", "ops@example.com"],
        "operator password 1\n",
    );
    assert!(created.status.success(), "{}", text(&created));

    // Add credentials through the running app, then stop it.
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data.path().to_path_buf(),
        ..Config::default()
    };
    let app = Application::build(config).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signed_in = client
        .post(format!("{base}/api/auth/signin"))
        .json(&serde_json::json!({"email": "ops@example.com", "password": "operator password 1"}))
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success());
    for (name, provider, priority, active) in [
        ("a", "groq", 7, true),
        ("b", "gemini", 10, true),
        ("c", "openai", 1, false),
    ] {
        let response = client
            .post(format!("{base}/api/admin/credentials"))
            .json(&serde_json::json!({"name": name, "provider": provider, "priority": priority, "active": active,
                "fields": {"api_key": "sk-startup-log-canary-q7q7"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    }
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .arg("serve")
        .env("SWITCHYARD_DATA_DIR", data.path())
        .env("SWITCHYARD_ADDR", "127.0.0.1:0")
        .env_remove("SWITCHYARD_DATABASE_URL")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let ready = line.contains("Switchyard is ready");
        lines.push(line);
        if ready {
            break;
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    let log = lines.join("\n");
    let listed: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.find("Provider: ").map(|at| &l[at..]))
        .collect();
    assert_eq!(
        listed,
        ["Provider: groq | Priority: 7", "Provider: gemini | Priority: 10"],
        "{log}"
    );
    assert!(
        !log.contains("canary") && !log.contains("q7q7"),
        "no secret and no hint: {log}"
    );
}
