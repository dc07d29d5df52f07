use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_refused, error_of, json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_fresh_registry_has_the_system_providers_in_priority_order,
    every_provider_route_checks_the_role,
    an_admin_creates_edits_and_deletes_a_custom_provider,
    bad_provider_input_gets_a_clear_error_and_changes_nothing,
    system_providers_are_never_deleted_and_edits_survive_a_restart,
    users_see_only_enabled_providers,
);

async fn provider_id(app: &TestApp, admin: &Client, identifier: &str) -> String {
    let (_, list) = json_of(admin, Method::GET, app.url("/api/admin/providers"), None).await;
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["identifier"] == identifier)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn a_fresh_registry_has_the_system_providers_in_priority_order(app: TestApp) {
    let admin = app.admin().await;
    let (status, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?isSystem=true"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 8);
    let order: Vec<(String, i64)> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["identifier"].as_str().unwrap().to_owned(),
                p["defaultPriority"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        &order[..5],
        &[
            ("gemini".to_owned(), 10),
            ("groq".to_owned(), 20),
            ("openrouter".to_owned(), 30),
            ("openai".to_owned(), 40),
            ("anthropic".to_owned(), 50)
        ]
    );
    let rest: Vec<&str> = order[5..].iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(rest, ["mistral", "azure-openai", "ollama"]);
    let first = &list["data"][0];
    for field in [
        "id",
        "identifier",
        "name",
        "templateId",
        "baseUrl",
        "isSystem",
        "enabled",
        "defaultPriority",
        "createdAt",
        "updatedAt",
    ] {
        assert!(first.get(field).is_some(), "a provider has {field}");
    }
    let (_, custom) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?isSystem=false"),
        None,
    )
    .await;
    assert_eq!(custom["total"], 0);
}

async fn every_provider_route_checks_the_role(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let anonymous = app.client();
    let id = provider_id(&app, &admin, "gemini").await;
    let routes = [
        (Method::GET, "/api/admin/providers".to_owned(), None),
        (
            Method::POST,
            "/api/admin/providers".to_owned(),
            Some(json!({"identifier": "x-y", "name": "X", "templateId": "openai"})),
        ),
        (Method::GET, format!("/api/admin/providers/{id}"), None),
        (
            Method::PATCH,
            format!("/api/admin/providers/{id}"),
            Some(json!({"enabled": false})),
        ),
        (Method::DELETE, format!("/api/admin/providers/{id}"), None),
    ];
    for (method, path, body) in routes {
        let (status, error) = json_of(&anonymous, method.clone(), app.url(&path), body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(error["error"]["code"], "unauthorized");
        let (status, error) = json_of(&user, method.clone(), app.url(&path), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(error["error"]["code"], "forbidden");
    }
    let (status, _) = json_of(&anonymous, Method::GET, app.url("/api/providers"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, gemini) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(gemini["enabled"], true, "refused requests changed nothing");
}

async fn an_admin_creates_edits_and_deletes_a_custom_provider(app: TestApp) {
    let admin = app.admin().await;
    let body = json!({
        "identifier": "acme-llm",
        "name": "Acme internal LLM",
        "templateId": "openai-compatible",
        "baseUrl": "https://llm.acme.internal/v1/",
        "defaultPriority": 15
    });
    let (status, created) = json_of(&admin, Method::POST, app.url("/api/admin/providers"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["identifier"], "acme-llm");
    assert_eq!(created["baseUrl"], "https://llm.acme.internal/v1");
    assert_eq!(created["isSystem"], false);
    assert_eq!(created["enabled"], true);
    let id = created["id"].as_str().unwrap();

    let (status, fetched) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created, "GET returns the object itself");

    let (status, edited) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}")),
        Some(json!({"name": "Acme LLM", "defaultPriority": 5, "enabled": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            edited["name"].as_str(),
            edited["defaultPriority"].as_i64(),
            edited["enabled"].as_bool()
        ),
        (Some("Acme LLM"), Some(5), Some(false))
    );

    let (_, search) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?search=ACME"),
        None,
    )
    .await;
    assert_eq!(search["total"], 1);
    let (_, disabled) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?enabled=false"),
        None,
    )
    .await;
    assert_eq!(disabled["total"], 1);

    let deleted = admin
        .delete(app.url(&format!("/api/admin/providers/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (status, _) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_provider_input_gets_a_clear_error_and_changes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let cases = [
        (
            json!({"identifier": "gemini", "name": "Dup", "templateId": "openai"}),
            StatusCode::CONFLICT,
            "identifier",
        ),
        (
            json!({"identifier": "Bad Slug", "name": "X", "templateId": "openai"}),
            StatusCode::BAD_REQUEST,
            "identifier",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "no-such-template"}),
            StatusCode::BAD_REQUEST,
            "templateId",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai-compatible"}),
            StatusCode::BAD_REQUEST,
            "baseUrl",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai", "baseUrl": "ftp://x.example"}),
            StatusCode::BAD_REQUEST,
            "baseUrl",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai", "baseUrl": "https://u:p@x.example"}),
            StatusCode::BAD_REQUEST,
            "baseUrl",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai", "defaultPriority": 10001}),
            StatusCode::BAD_REQUEST,
            "defaultPriority",
        ),
        (
            json!({"identifier": "x-one", "name": "", "templateId": "openai"}),
            StatusCode::BAD_REQUEST,
            "name",
        ),
    ];
    assert_refused(&app, &admin, "/api/admin/providers", &cases).await;
    let (status, error) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?isSystem=maybe"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "bad_request");
    for path in [
        "/api/admin/providers/not-a-uuid",
        &format!("/api/admin/providers/{}", uuid::Uuid::now_v7()),
    ] {
        let (status, _) = json_of(&admin, Method::GET, app.url(path), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, list) = json_of(&admin, Method::GET, app.url("/api/admin/providers"), None).await;
    assert_eq!(list["total"], 8, "nothing was created");
}

async fn system_providers_are_never_deleted_and_edits_survive_a_restart(app: TestApp) {
    let admin = app.admin().await;
    let id = provider_id(&app, &admin, "gemini").await;
    let refused = admin
        .delete(app.url(&format!("/api/admin/providers/{id}")))
        .send()
        .await
        .unwrap();
    let (status, _, message) = error_of(refused).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("disable"), "{message}");

    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}")),
        Some(json!({"defaultPriority": 99, "baseUrl": "https://gemini-proxy.example/v1beta", "enabled": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // A second start on the same database seeds again, and must keep the edit.
    let again = server::Application::build(app.settings.clone()).await.unwrap();
    drop(again);
    let (_, gemini) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(gemini["defaultPriority"], 99);
    assert_eq!(gemini["baseUrl"], "https://gemini-proxy.example/v1beta");
    assert_eq!(gemini["enabled"], false);
}

async fn users_see_only_enabled_providers(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let id = provider_id(&app, &admin, "groq").await;
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}")),
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, list) = json_of(&user, Method::GET, app.url("/api/providers"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 7);
    assert!(list["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["identifier"] != "groq"));
}

mod templates {
    use super::*;

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
}

mod registry {
    use super::*;

    on_both_databases!(registry_status_counts_match_and_a_refresh_keeps_edits);

    async fn registry_status_counts_match_and_a_refresh_keeps_edits(app: TestApp) {
        let admin = app.admin().await;
        let user = app.user(&admin, "user@example.com").await;
        for (method, path) in [
            (Method::GET, "/api/admin/providers/registry-status"),
            (Method::POST, "/api/admin/providers/refresh-registry"),
        ] {
            let (status, _) = json_of(&user, method, app.url(path), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let body = json!({"identifier": "acme-llm", "name": "Acme", "templateId": "openai-compatible", "baseUrl": "https://acme.example/v1", "enabled": false});
        let (status, _) = json_of(&admin, Method::POST, app.url("/api/admin/providers"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, before) = json_of(
            &admin,
            Method::GET,
            app.url("/api/admin/providers/registry-status"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(before["templates"], 10);
        assert_eq!(before["builtinTemplates"], 10);
        assert_eq!(before["systemProviders"], 8);
        assert_eq!(before["customProviders"], 1);
        assert_eq!(before["enabledProviders"], 8);
        assert_eq!(before["models"], 0);
        assert!(before["lastSeededAt"].is_string());

        let id = provider_id(&app, &admin, "openai").await;
        let (status, _) = json_of(
            &admin,
            Method::PATCH,
            app.url(&format!("/api/admin/providers/{id}")),
            Some(json!({"name": "OpenAI (EU)"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, refresh) = json_of(
            &admin,
            Method::POST,
            app.url("/api/admin/providers/refresh-registry"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(refresh["changed"], false);
        assert_eq!(refresh["providersAdded"], json!([]));
        let (_, openai) = json_of(
            &admin,
            Method::GET,
            app.url(&format!("/api/admin/providers/{id}")),
            None,
        )
        .await;
        assert_eq!(openai["name"], "OpenAI (EU)");
        let (_, after) = json_of(
            &admin,
            Method::GET,
            app.url("/api/admin/providers/registry-status"),
            None,
        )
        .await;
        assert_eq!(after["customProviders"], 1);
    }
}

mod custom_templates {
    use super::*;

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
}
