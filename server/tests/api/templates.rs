//! Provider templates: the built-ins, and custom ones cloned or written by admins.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_refused, json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(built_in_templates_describe_their_credential_fields);

async fn built_in_templates_describe_their_credential_fields(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let (status, _) = json_of(&user, Method::GET, app.url("/api/admin/provider-templates"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/provider-templates"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let templates = list["data"].as_array().unwrap();
    let keys: Vec<&str> = templates.iter().map(|t| t["key"].as_str().unwrap()).collect();
    for key in [
        "openai",
        "openai-compatible",
        "anthropic",
        "gemini",
        "groq",
        "openrouter",
        "mistral",
        "azure-openai",
        "ollama",
        "generic-http",
    ] {
        assert!(keys.contains(&key), "{key} is built in");
    }
    for template in templates {
        assert_eq!(template["builtin"], true);
        let fields = template["fields"].as_array().unwrap();
        if template["key"] != "ollama" {
            let key_field = fields
                .iter()
                .find(|f| f["name"] == "api_key")
                .expect("every key-taking template names it api_key");
            assert_eq!(key_field["secret"], true);
        }
    }
    let azure = templates.iter().find(|t| t["key"] == "azure-openai").unwrap();
    let names: Vec<&str> = azure["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"deployment") && names.contains(&"api_version"));
    let id = azure["id"].as_str().unwrap();
    let (status, one) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/provider-templates/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&one, azure);
}

on_both_databases!(
    an_admin_clones_and_writes_templates_that_round_trip,
    template_definitions_are_validated_field_by_field,
    built_in_and_used_templates_are_protected,
);

fn acme_definition() -> Value {
    json!({
        "auth": {"type": "header", "name": "X-Acme-Key"},
        "extraHeaders": [{"name": "X-Acme-Client", "value": "switchyard"}],
        "fields": [
            {"name": "api_key", "label": "API key", "secret": true, "required": true},
            {"name": "api_version", "label": "API version", "secret": false, "required": true, "placeholder": "2024-10-01", "pattern": "\\d{4}-\\d{2}-\\d{2}"}
        ],
        "testRequest": {"method": "GET", "path": "/v2/models"},
        "modelsRequest": {"path": "/v2/models", "itemsPointer": "/items", "idField": "slug"}
    })
}

async fn create_template(app: &TestApp, admin: &Client, body: Value) -> (StatusCode, Value) {
    json_of(
        admin,
        Method::POST,
        app.url("/api/admin/provider-templates"),
        Some(body),
    )
    .await
}

async fn an_admin_clones_and_writes_templates_that_round_trip(app: TestApp) {
    let admin = app.admin().await;
    let (status, clone) = create_template(
        &app,
        &admin,
        json!({"key": "gemini-eu", "name": "Gemini (EU proxy)", "cloneFrom": "gemini"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(clone["builtin"], false);
    assert_eq!(clone["authScheme"], "query");
    assert_eq!(
        clone["defaultBaseUrl"],
        "https://generativelanguage.googleapis.com/v1beta"
    );
    assert_eq!(clone["fields"][0]["name"], "api_key");

    let (status, acme) = create_template(
        &app,
        &admin,
        json!({"key": "acme", "name": "Acme", "description": "Acme's own API", "defaultBaseUrl": "https://api.acme.example", "definition": acme_definition()}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(acme["definition"], acme_definition());
    assert_eq!(acme["fields"][1]["pattern"], "\\d{4}-\\d{2}-\\d{2}");
    let id = acme["id"].as_str().unwrap();
    let (_, fetched) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/provider-templates/{id}")),
        None,
    )
    .await;
    assert_eq!(fetched, acme);

    let (status, edited) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/provider-templates/{id}")),
        Some(json!({"name": "Acme v2", "defaultBaseUrl": null})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edited["name"], "Acme v2");
    assert!(edited["defaultBaseUrl"].is_null());

    // A provider made from the custom template.
    let (status, _) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/providers"),
        Some(json!({"identifier": "acme", "name": "Acme", "templateId": id, "baseUrl": "https://api.acme.example"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn template_definitions_are_validated_field_by_field(app: TestApp) {
    let admin = app.admin().await;
    let with = |patch: &dyn Fn(&mut Value)| {
        let mut definition = acme_definition();
        patch(&mut definition);
        json!({"key": "bad", "name": "Bad", "definition": definition})
    };
    let cases = [
        (
            with(&|d| d["fields"][1]["name"] = json!("api_key")),
            StatusCode::BAD_REQUEST,
            "fields[1].name",
        ),
        (
            with(&|d| d["fields"][1]["pattern"] = json!("([0-9")),
            StatusCode::BAD_REQUEST,
            "fields[1].pattern",
        ),
        (
            with(&|d| d["fields"][0]["secret"] = json!(false)),
            StatusCode::BAD_REQUEST,
            "fields",
        ),
        (
            with(&|d| d["testRequest"]["path"] = json!("https://evil.example/x")),
            StatusCode::BAD_REQUEST,
            "testRequest.path",
        ),
        (
            with(&|d| d["modelsRequest"]["path"] = json!("/../admin")),
            StatusCode::BAD_REQUEST,
            "modelsRequest.path",
        ),
        (
            with(&|d| d["auth"] = json!({"type": "header", "name": "bad header"})),
            StatusCode::BAD_REQUEST,
            "auth.name",
        ),
        (
            with(&|d| d["surprise"] = json!(1)),
            StatusCode::BAD_REQUEST,
            "definition",
        ),
        (
            json!({"key": "Not A Key", "name": "X", "cloneFrom": "openai"}),
            StatusCode::BAD_REQUEST,
            "key",
        ),
        (
            json!({"key": "openai", "name": "X", "cloneFrom": "openai"}),
            StatusCode::CONFLICT,
            "key",
        ),
        (
            json!({"key": "nothing", "name": "X"}),
            StatusCode::BAD_REQUEST,
            "definition",
        ),
        (
            json!({"key": "x-y", "name": "X", "cloneFrom": "no-such"}),
            StatusCode::BAD_REQUEST,
            "cloneFrom",
        ),
    ];
    assert_refused(&app, &admin, "/api/admin/provider-templates", &cases).await;
    let (_, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/provider-templates"),
        None,
    )
    .await;
    assert_eq!(list["total"], 10, "nothing was created");
}

async fn built_in_and_used_templates_are_protected(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let (status, _) = create_template(
        &app,
        &user,
        json!({"key": "mine", "name": "Mine", "cloneFrom": "openai"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/provider-templates"),
        None,
    )
    .await;
    let openai = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "openai")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/provider-templates/{openai}")),
        Some(json!({"name": "Mine now"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = json_of(
        &admin,
        Method::DELETE,
        app.url(&format!("/api/admin/provider-templates/{openai}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, custom) = create_template(
        &app,
        &admin,
        json!({"key": "custom", "name": "Custom", "cloneFrom": "openai"}),
    )
    .await;
    let custom_id = custom["id"].as_str().unwrap().to_owned();
    let (_, provider) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/providers"),
        Some(json!({"identifier": "uses-custom", "name": "Uses custom", "templateId": "custom"})),
    )
    .await;
    let (status, error) = json_of(
        &admin,
        Method::DELETE,
        app.url(&format!("/api/admin/provider-templates/{custom_id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["error"]["message"].as_str().unwrap().contains("1 provider"));

    let provider_id = provider["id"].as_str().unwrap();
    let deleted = admin
        .delete(app.url(&format!("/api/admin/providers/{provider_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (status, _) = json_of(
        &admin,
        Method::DELETE,
        app.url(&format!("/api/admin/provider-templates/{custom_id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}
