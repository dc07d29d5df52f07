//! The deployment files (Dockerfile, compose.yaml, deploy/kubernetes) agree with the
//! binary: the probe paths are ones the router answers, the port is the one it listens
//! on, every variable is a setting it reads, and secrets come from a Secret.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use serde_yaml_ng::Value;
use server::Config;

use crate::helpers::{Db, TestApp};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// Every `SWITCHYARD_*` variable the server reads (what `switchyard check` prints).
fn settings() -> BTreeSet<String> {
    server::cli::describe(&Config::default())
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.to_owned())
        .collect()
}

fn documents(text: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|doc| {
            let mut value = <Value as serde::Deserialize>::deserialize(doc).unwrap();
            value.apply_merge().unwrap();
            value
        })
        .collect()
}

fn port_of(addr: &str) -> u16 {
    addr.rsplit_once(':').unwrap().1.parse().unwrap()
}

/// Each path answers 200 on a running instance.
async fn answered(paths: &BTreeSet<String>) {
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    for path in paths {
        let status = reqwest::get(app.url(path)).await.unwrap().status();
        assert_eq!(status, 200, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kubernetes_manifests_match_the_binary() {
    let docs = documents(&read("deploy/kubernetes/switchyard.yaml"));
    let of_kind = |kind: &str| {
        docs.iter()
            .find(|d| d["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let deployment = of_kind("Deployment");
    assert!(deployment["spec"]["replicas"].as_u64().unwrap() >= 2);
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    let env: Vec<&Value> = container["env"].as_sequence().unwrap().iter().collect();
    let known = settings();
    let value_of = |name: &str| env.iter().find(|e| e["name"] == name).map(|e| &e["value"]);
    for variable in &env {
        let name = variable["name"].as_str().unwrap();
        assert!(known.contains(name), "{name} is not a setting the server reads");
    }
    for secret in ["SWITCHYARD_DATABASE_URL", "SWITCHYARD_MASTER_KEY"] {
        let from = env.iter().find(|e| e["name"] == secret).unwrap();
        assert!(
            from["valueFrom"]["secretKeyRef"]["name"].is_string(),
            "{secret} comes from a Secret"
        );
        assert!(
            from.get("value").is_none(),
            "{secret} is never written in the manifest"
        );
    }
    let port = port_of(value_of("SWITCHYARD_ADDR").unwrap().as_str().unwrap());
    let http = container["ports"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "http")
        .unwrap();
    assert_eq!(http["containerPort"].as_u64(), Some(u64::from(port)));
    let metrics = container["ports"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "metrics")
        .unwrap();
    assert_eq!(
        metrics["containerPort"].as_u64(),
        Some(u64::from(port_of(
            value_of("SWITCHYARD_METRICS_ADDR").unwrap().as_str().unwrap()
        )))
    );
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/health/live");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/health/ready");
    let mut probes = BTreeSet::new();
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        assert_eq!(container[probe]["httpGet"]["port"], "http");
        probes.insert(container[probe]["httpGet"]["path"].as_str().unwrap().to_owned());
    }
    answered(&probes).await;
    assert!(container["resources"]["requests"]["memory"].is_string());
    assert!(container["resources"]["limits"]["memory"].is_string());
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let grace: u64 = value_of("SWITCHYARD_SHUTDOWN_GRACE")
        .unwrap()
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        pod["terminationGracePeriodSeconds"].as_u64().unwrap() > grace,
        "Kubernetes waits out the grace period"
    );
    let selector = &deployment["spec"]["selector"]["matchLabels"];
    assert_eq!(
        &of_kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        selector
    );
    assert_eq!(&of_kind("Service")["spec"]["selector"], selector);
    assert!(
        env.iter().any(|e| e["name"] == "SWITCHYARD_BACKUP_SCHEDULE"),
        "backups come from the built-in schedule"
    );
    assert!(!docs.iter().any(|d| d["kind"] == "CronJob"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_and_the_dockerfile_match_the_binary() {
    let known = settings();
    let compose = &documents(&read("compose.yaml"))[0];
    let services = compose["services"].as_mapping().unwrap();
    let mut checked = 0;
    for (name, service) in services {
        let Some(environment) = service["environment"].as_mapping() else {
            continue;
        };
        if service["image"] != "switchyard:latest" {
            continue;
        }
        checked += 1;
        for (variable, _) in environment {
            let variable = variable.as_str().unwrap();
            assert!(known.contains(variable), "{name:?}: {variable} is not a setting");
        }
        let port = port_of(environment.get("SWITCHYARD_ADDR").unwrap().as_str().unwrap());
        let test = service["healthcheck"]["test"].as_sequence().unwrap();
        let url = test.last().unwrap().as_str().unwrap();
        assert_eq!(url, format!("http://127.0.0.1:{port}/health/live"), "{name:?}");
        assert_eq!(service["read_only"], true, "{name:?}");
    }
    assert_eq!(checked, 3, "the single instance and the two replicas");
    let caddyfile = compose["configs"]["caddyfile"]["content"].as_str().unwrap();
    assert!(caddyfile.contains("health_uri /health/ready"), "{caddyfile}");

    let dockerfile = read("Dockerfile");
    let runtime = dockerfile.rsplit("\nFROM ").next().unwrap();
    let mut env = Vec::new();
    let mut continued = false;
    for line in runtime.lines() {
        let line = line.trim();
        if line.starts_with("ENV ") || continued {
            env.extend(
                line.trim_start_matches("ENV ")
                    .split_whitespace()
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned())),
            );
        }
        continued = (line.starts_with("ENV ") || continued) && line.ends_with('\\');
    }
    for (name, _) in &env {
        assert!(known.contains(name), "Dockerfile: {name} is not a setting");
    }
    let addr = &env.iter().find(|(k, _)| k == "SWITCHYARD_ADDR").unwrap().1;
    let port = port_of(addr);
    assert!(runtime.contains(&format!("\nEXPOSE {port}\n")), "EXPOSE {port}");
    assert!(
        runtime.contains(&format!("\"http://127.0.0.1:{port}/health/live\"")),
        "HEALTHCHECK asks /health/live"
    );
    let user = runtime.lines().find(|l| l.starts_with("USER ")).unwrap();
    assert!(!user.contains("root") && !user.contains(" 0"), "{user}");

    // The health check the image runs: 0 for a live instance, not 0 when nothing answers.
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    let health = |url: String| {
        Command::new(env!("CARGO_BIN_EXE_switchyard"))
            .args(["health", "--url", &url])
            .env("SWITCHYARD_DATA_DIR", &app.config.data_dir)
            .output()
            .unwrap()
    };
    let live = health(app.url("/health/live"));
    assert!(live.status.success(), "{}", String::from_utf8_lossy(&live.stderr));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dead = health(format!("http://127.0.0.1:{port}/health/live"));
    assert!(!dead.status.success());
}
