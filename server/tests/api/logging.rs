//! The log as an operator reads it: plain text when written to a pipe or a file, one
//! JSON object per line with `SWITCHYARD_LOG_FORMAT=json`, and a clear refusal of an
//! unknown format.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The lines `serve` writes to a pipe until it says it is ready; then it is stopped.
fn lines_until_ready(format: Option<&str>) -> Vec<String> {
    let data = TempDir::new().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    command
        .arg("serve")
        .env("SWITCHYARD_DATA_DIR", data.path())
        .env("SWITCHYARD_ADDR", "127.0.0.1:0")
        .env_remove("SWITCHYARD_DATABASE_URL")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    match format {
        Some(format) => command.env("SWITCHYARD_LOG_FORMAT", format),
        None => command.env_remove("SWITCHYARD_LOG_FORMAT"),
    };
    let mut child = command.spawn().unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let started = Instant::now();
    let mut lines = Vec::new();
    for line in stderr.lines().map_while(Result::ok) {
        let ready = line.contains("Switchyard is ready");
        lines.push(line);
        if ready || started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        lines.iter().any(|l| l.contains("Switchyard is ready")),
        "{lines:#?}"
    );
    lines
}

#[test]
fn a_piped_log_is_plain_text() {
    let lines = lines_until_ready(None);
    assert!(
        lines.iter().all(|line| !line.contains('\u{1b}')),
        "terminal colour codes in a piped log: {lines:#?}"
    );
    assert!(lines.iter().any(|line| line.contains(" INFO ")), "{lines:#?}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let lines = lines_until_ready(Some("json"));
    for line in &lines {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
        assert!(event["level"].is_string(), "{line}");
        assert!(event["timestamp"].is_string(), "{line}");
        assert!(event["message"].is_string(), "{line}");
    }
    let ready = lines.iter().find(|l| l.contains("Switchyard is ready")).unwrap();
    let ready: serde_json::Value = serde_json::from_str(ready).unwrap();
    assert!(ready["port"].is_number() || ready["port"].is_string(), "{ready}");
}

#[test]
fn an_unknown_log_format_stops_start_up_and_says_which_exist() {
    let data = TempDir::new().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .arg("check")
        .env("SWITCHYARD_DATA_DIR", data.path())
        .env("SWITCHYARD_LOG_FORMAT", "yaml")
        .env_remove("SWITCHYARD_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SWITCHYARD_LOG_FORMAT=\"yaml\" is not a log format; use text or json"),
        "{stderr}"
    );
}
