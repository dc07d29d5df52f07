//! The official `openai` Python SDK against the gateway (server/tests/sdk/gateway_sdk.py):
//! what a real client parses, not what our own tests expect. `scripts/test` prepares the
//! SDK in `tools/venv`.

use std::process::Command;

use serde_json::json;

use super::Scene;
use crate::helpers::{Db, TestApp};
use crate::python::{python, workspace};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_python_sdk_works_through_the_gateway() {
    let python = python();
    assert!(
        python.exists(),
        "no Python with the openai SDK at {}: run scripts/test once (it creates tools/venv), or \
         `python3 -m venv tools/venv && tools/venv/bin/pip install openai==3.57.0`, or point \
         SWITCHYARD_TEST_PYTHON at a Python that has it",
        python.display()
    );
    let scene = Scene::new(TestApp::spawn(Db::Sqlite).await.unwrap()).await;
    scene.route("main", "ok", 10, json!({})).await;
    scene
        .provider("picky", "openai-compatible", &["picky-chat"])
        .await;
    scene
        .route("picky key", "reject", 10, json!({"provider": "picky"}))
        .await;
    let token = scene.token(json!({})).await;

    let mut script = Command::new(&python);
    script
        .arg(workspace().join("server/tests/sdk/gateway_sdk.py"))
        .env("SWITCHYARD_BASE_URL", scene.app.url("/v1"))
        .env("SWITCHYARD_TOKEN", &token);
    // The app answers on this runtime while the script runs.
    let output = tokio::task::spawn_blocking(move || script.output())
        .await
        .unwrap()
        .unwrap();

    assert!(
        output.status.success(),
        "the SDK script failed ({})\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
