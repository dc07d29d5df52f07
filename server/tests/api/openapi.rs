//! `/api/openapi.json`: generated from the router, so it lists every REST route.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{json_of, Db, TestApp};
use crate::on_both_databases;

on_both_databases!(the_openapi_document_lists_every_rest_route,);

/// The wire spellings of every word set, as `(schema name, words)`.
fn word_sets() -> Vec<(&'static str, Vec<&'static str>)> {
    use vocab::*;
    fn spelled<W: Copy>(all: &[W], as_str: fn(W) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|w| as_str(*w)).collect()
    }
    vec![
        ("Role", spelled(Role::ALL, Role::as_str)),
        ("Scope", spelled(Scope::ALL, Scope::as_str)),
        ("TokenScope", spelled(TokenScope::ALL, TokenScope::as_str)),
        ("TokenKind", spelled(TokenKind::ALL, TokenKind::as_str)),
        ("Outcome", spelled(Outcome::ALL, Outcome::as_str)),
        ("LogKind", spelled(LogKind::ALL, LogKind::as_str)),
        (
            "DisabledReason",
            spelled(DisabledReason::ALL, DisabledReason::as_str),
        ),
        ("AlertEvent", spelled(AlertEvent::ALL, AlertEvent::as_str)),
        ("WebhookKind", spelled(WebhookKind::ALL, WebhookKind::as_str)),
        (
            "DeliveryStatus",
            spelled(DeliveryStatus::ALL, DeliveryStatus::as_str),
        ),
        ("Job", spelled(Job::ALL, Job::as_str)),
        ("JobStatus", spelled(JobStatus::ALL, JobStatus::as_str)),
        ("RunStatus", spelled(RunStatus::ALL, RunStatus::as_str)),
        ("ModelSource", spelled(ModelSource::ALL, ModelSource::as_str)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_are_documented_as_the_wire_spells_them_and_bodies_may_be_refused_as_not_json() {
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();

    let (_, doc) = json_of(&app.client(), Method::GET, app.url("/api/openapi.json"), None).await;

    // The schema listed `Admin`, `ConnectFailed`, … while answers say `admin`, `connect_failed`.
    for (name, words) in word_sets() {
        let documented = &doc["components"]["schemas"][name]["enum"];
        assert_eq!(documented, &serde_json::json!(words), "{name}");
    }
    // The JSON extractor answers 415 without `Content-Type: application/json`.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation.get("requestBody").is_some() {
                let responses = &operation["responses"];
                assert!(responses["415"].is_object(), "{method} {path} lacks its 415");
            }
        }
    }
}

/// Every REST route the issues fix, as `METHOD path`.
const ROUTES: &[&str] = &[
    "GET /health",
    "GET /health/live",
    "GET /health/ready",
    "GET /health/db",
    "GET /api/test",
    "GET /api/openapi.json",
    "POST /api/auth/signin",
    "POST /api/auth/signout",
    "GET /api/admin/users",
    "POST /api/admin/users",
    "PATCH /api/admin/users/{id}",
    "GET /api/system/status",
    "GET /api/admin/providers",
    "POST /api/admin/providers",
    "GET /api/admin/providers/{id}",
    "PATCH /api/admin/providers/{id}",
    "DELETE /api/admin/providers/{id}",
    "GET /api/admin/providers/registry-status",
    "POST /api/admin/providers/refresh-registry",
    "POST /api/admin/providers/{id}/sync-models",
    "GET /api/admin/providers/{id}/models",
    "POST /api/admin/providers/{id}/models",
    "PATCH /api/admin/providers/{id}/models/{model}",
    "GET /api/providers",
    "GET /api/admin/provider-templates",
    "POST /api/admin/provider-templates",
    "GET /api/admin/provider-templates/{id}",
    "PATCH /api/admin/provider-templates/{id}",
    "DELETE /api/admin/provider-templates/{id}",
    "GET /api/admin/credentials",
    "POST /api/admin/credentials",
    "GET /api/admin/credentials/{id}",
    "PATCH /api/admin/credentials/{id}",
    "DELETE /api/admin/credentials/{id}",
    "GET /api/connections",
    "GET /api/admin/connections",
    "POST /api/connections",
    "GET /api/connections/{id}",
    "PATCH /api/connections/{id}",
    "DELETE /api/connections/{id}",
    "POST /api/admin/credentials/{id}/test",
    "POST /api/admin/credentials/test",
    "POST /api/connections/{id}/test",
    "POST /api/connections/test",
    "POST /api/admin/credentials/test-all",
    "GET /api/admin/credentials/test-all/{jobId}",
    "POST /api/admin/credentials/test-all/{jobId}/cancel",
    "POST /api/resolve",
    "GET /api/scheduler/jobs",
    "GET /api/admin/logs",
    "GET /api/admin/overview",
    "GET /api/admin/webhooks",
    "POST /api/admin/webhooks",
    "PATCH /api/admin/webhooks/{id}",
    "DELETE /api/admin/webhooks/{id}",
    "POST /api/admin/webhooks/{id}/test",
    "GET /api/admin/webhooks/{id}/deliveries",
    "GET /api/tokens",
    "POST /api/tokens",
    "DELETE /api/tokens/{id}",
    "GET /api/admin/tokens",
    "POST /api/admin/tokens",
    "GET /api/admin/audit",
    "GET /api/admin/settings",
    "PATCH /api/admin/settings",
];

async fn the_openapi_document_lists_every_rest_route(app: TestApp) {
    // No sign-in: the document describes the API, it holds no data.
    let (status, doc) = json_of(&app.client(), Method::GET, app.url("/api/openapi.json"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );

    let mut listed: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "patch", "put", "delete"].contains(&method.as_str()) {
                listed.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    for route in ROUTES {
        assert!(
            listed.iter().any(|l| l == route),
            "{route} is missing from the document"
        );
    }
    // Nothing is documented that the router does not serve: each listed route answers
    // something other than the API's unknown-route 404.
    for route in &listed {
        let (method, path) = route.split_once(' ').unwrap();
        let path = path
            .replace("{id}", "0195f1a0-0000-7000-8000-000000000000")
            .replace("{model}", "0195f1a0-0000-7000-8000-000000000001");
        let (_, body) = json_of(&app.client(), method.parse().unwrap(), app.url(&path), None).await;
        assert_ne!(
            body["error"]["message"], "There is no such API route.",
            "{route} is documented but not served"
        );
    }

    // The shapes scripts depend on are described with their camelCase names.
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    let provider = schema("ProviderDto");
    for field in [
        "id",
        "identifier",
        "name",
        "templateId",
        "baseUrl",
        "isSystem",
        "enabled",
        "defaultPriority",
    ] {
        assert!(provider["properties"][field].is_object(), "ProviderDto.{field}");
    }
    for field in ["id", "providerId", "modelId", "displayName", "enabled", "source"] {
        assert!(
            schema("ModelDto")["properties"][field].is_object(),
            "ModelDto.{field}"
        );
    }
    let admin_route = &doc["paths"]["/api/admin/providers"]["get"];
    assert!(admin_route["responses"]["403"].is_object());
    assert_eq!(admin_route["security"][0]["session"], Value::Array(vec![]));
    assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
}
