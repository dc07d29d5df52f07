//! Server-rendered pages and server functions, over plain HTTP (the browser suite
//! covers the same pages in Chromium).

use app::api::setup::CompleteSetup;
use app::api::users::ListUsers;
use app::AppError;
use leptos::server_fn::ServerFn;
use reqwest::{Method, StatusCode};

use crate::helpers::{json_of, page_of, TestApp, ADMIN_EMAIL};
use crate::on_both_databases;

on_both_databases!(
    the_set_up_form_creates_the_admin_and_signs_in,
    visitors_are_sent_to_the_sign_in_page,
    users_get_a_403_page_and_a_refusal_from_admin_server_functions,
    the_overview_shows_real_figures,
    a_provider_page_shows_its_settings_template_and_models,
    template_pages_preview_the_credential_form,
    credential_pages_show_hints_and_never_a_secret,
);

async fn the_set_up_form_creates_the_admin_and_signs_in(app: TestApp) {
    let client = app.client();
    let bad = client
        .get(app.url("/setup?token=wrong"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(bad.contains("not valid"), "{bad}");
    let token = app.setup_token();
    let page = client
        .get(app.url(&format!("/setup?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Create the first admin") && page.contains("name=\"password\""));

    let response = client
        .post(app.url(CompleteSetup::PATH))
        .header("origin", app.base.clone())
        .form(&[
            ("token", token.as_str()),
            ("email", ADMIN_EMAIL),
            ("display_name", "First Admin"),
            ("password", "a long admin password"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly"));

    let overview = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(overview.status(), StatusCode::OK);
    let html = overview.text().await.unwrap();
    assert!(html.contains("First Admin"), "the nav shows the signed-in admin");
}

async fn visitors_are_sent_to_the_sign_in_page(app: TestApp) {
    for path in [
        "/",
        "/users",
        "/account",
        "/templates",
        "/providers/0195f1a0-0000-7000-8000-000000000000",
        "/credentials",
        "/connections",
        "/tokens",
        "/audit",
        "/audit?page=2&action=user.create",
    ] {
        let response = app.client().get(app.url(path)).send().await.unwrap();
        assert!(
            response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
        // The sign-in page is told where to come back to (the overview needs no word).
        let back = path
            .replace('/', "%2F")
            .replace('?', "%3F")
            .replace('=', "%3D")
            .replace('&', "%26");
        let expected = match path {
            "/" => "/login".to_owned(),
            _ => format!("/login?next={back}"),
        };
        assert_eq!(response.headers()["location"], expected.as_str(), "{path}");
    }
}

async fn users_get_a_403_page_and_a_refusal_from_admin_server_functions(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;

    let page = user.get(app.url("/users")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let html = page.text().await.unwrap();
    assert!(html.contains("403") && !html.contains("admin@example.com"));
    assert!(
        !html.contains("href=\"/users\""),
        "the nav hides admin pages from users"
    );

    let refused = user.get(app.url(ListUsers::PATH)).send().await.unwrap();
    assert_ne!(refused.status(), StatusCode::OK);
    let error: AppError = serde_json::from_str(&refused.text().await.unwrap()).unwrap();
    assert_eq!(error, AppError::Forbidden);

    let allowed = admin.get(app.url("/users")).send().await.unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    let html = allowed.text().await.unwrap();
    assert!(html.contains("user@example.com") && html.contains("href=\"/users\""));
}

async fn the_overview_shows_real_figures(app: TestApp) {
    let admin = app.admin().await;
    let _ = app.user(&admin, "user@example.com").await;
    let html = admin
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let figure = |name: &str| {
        let start = html.find(&format!("data-figure=\"{name}\"")).unwrap();
        let rest = &html[start..];
        let value = rest.split("figure-value\">").nth(1).unwrap();
        value[..value.find('<').unwrap()].to_owned()
    };
    assert_eq!(figure("providers"), "8");
    assert_eq!(figure("users"), "2");
    assert_eq!(figure("credentials"), "0");
}

async fn a_provider_page_shows_its_settings_template_and_models(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let id = app.provider_id("groq").await;
    let added = app
        .post_json(
            &admin,
            &format!("/api/admin/providers/{id}/models"),
            serde_json::json!({"modelId": "llama-3.3-70b"}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);

    let (status, html) = page_of(&admin, app.url(&format!("/providers/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Groq</h1>"), "{html}");
    assert!(
        html.contains("value=\"20\""),
        "the default priority is in the form"
    );
    assert!(html.contains("data-model=\"llama-3.3-70b\""));
    assert!(
        html.contains("name=\"fields[api_key]\"") && html.contains("type=\"password\""),
        "the sync form is drawn from the template's fields"
    );

    let (status, html) = page_of(&user, app.url(&format!("/providers/{id}"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!html.contains("llama-3.3-70b"));
    for missing in [
        "/providers/0195f1a0-0000-7000-8000-000000000000",
        "/providers/not-an-id",
    ] {
        let (status, _) = page_of(&admin, app.url(missing)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}

async fn template_pages_preview_the_credential_form(app: TestApp) {
    let admin = app.admin().await;
    let (status, html) = page_of(&admin, app.url("/templates")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-key=\"azure-openai\"") && html.contains("data-key=\"generic-http\""));

    let (_, templates) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/provider-templates"),
        None,
    )
    .await;
    let azure = templates["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "azure-openai")
        .unwrap();
    let azure_page = app.url(&format!("/templates/{}", azure["id"].as_str().unwrap()));
    let (_, html) = page_of(&admin, azure_page).await;
    assert!(html.contains("Built-in template"));
    for field in ["api_key", "endpoint", "deployment", "api_version"] {
        assert!(
            html.contains(&format!("name=\"fields[{field}]\"")),
            "preview lacks {field}"
        );
    }
    assert!(!html.contains("id=\"edit-template\""), "built-ins have no editor");
    let (status, _) = page_of(&admin, app.url("/templates/not-an-id")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn credential_pages_show_hints_and_never_a_secret(app: TestApp) {
    let canary = "sk-page-canary-7a6b5c4d3e2f1a0b";
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let created = app
        .post_json(
            &admin,
            "/api/admin/credentials",
            serde_json::json!({"name": "Team OpenAI", "provider": "openai", "fields": {"api_key": canary}}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let mine = app
        .post_json(
            &user,
            "/api/connections",
            serde_json::json!({"name": "My Groq", "provider": "groq", "fields": {"api_key": "gsk-user-canary-9988qzqz"}}),
        )
        .await;
    assert_eq!(mine.status(), StatusCode::CREATED);

    let (status, html) = page_of(&admin, app.url("/credentials")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Team OpenAI") && html.contains("••••1a0b"),
        "{html}"
    );
    assert!(!html.contains("7a6b5c4d3e2f"), "the secret never reaches a page");
    assert_eq!(
        html.matches(r#"\"name\":\"Team OpenAI\""#).count(),
        1,
        "the list's data is loaded and handed to hydration once, not once per Suspense pass"
    );
    let (global, everyones) = html.split_once("id=\"everyones-connections\"").unwrap();
    assert!(
        !global.contains("My Groq"),
        "connections are not global credentials"
    );
    assert!(
        everyones.contains("My Groq") && everyones.contains("user@example.com"),
        "admins see that a user's connection exists, and whose it is"
    );
    assert!(!html.contains("qzqz"), "but not even the hint of its key");

    let (status, html) = page_of(&user, app.url("/credentials")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!html.contains("Team OpenAI"));
    let (status, html) = page_of(&user, app.url("/connections")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("My Groq") && html.contains("••••qzqz") && !html.contains("canary"));
    let (_, html) = page_of(&admin, app.url("/connections")).await;
    assert!(
        !html.contains("My Groq"),
        "an admin's own list holds only their connections"
    );
}
