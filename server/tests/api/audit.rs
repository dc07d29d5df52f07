//! The audit log: every change recorded without secrets, the chain checked by
//! `switchyard audit verify`, and a tampered row found.

use std::process::Command;

use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, QueryOrder, Set};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    every_change_is_audited_and_tampering_breaks_the_chain,
    an_altered_ciphertext_fails_loudly_for_its_row_only,
);

const SECRET: &str = "sk-audit-canary-31415926535";

fn verify(app: &TestApp) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    command
        .args(["audit", "verify"])
        .env("SWITCHYARD_DATA_DIR", &app.config.data_dir);
    match &app.config.database_url {
        Some(url) => command.env("SWITCHYARD_DATABASE_URL", url.expose_secret()),
        None => command.env_remove("SWITCHYARD_DATABASE_URL"),
    };
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

async fn every_change_is_audited_and_tampering_breaks_the_chain(app: TestApp) {
    let admin = app.admin().await;
    let created = app
        .post_json(
            &admin,
            "/api/admin/credentials",
            json!({"name": "Audited", "provider": "openai", "fields": {"api_key": SECRET}}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/admin/credentials/{id}");
    json_of(
        &admin,
        Method::PATCH,
        app.url(&path),
        Some(json!({"priority": 3})),
    )
    .await;
    json_of(
        &admin,
        Method::PATCH,
        app.url(&path),
        Some(json!({"fields": {"api_key": format!("{SECRET}-new")}})),
    )
    .await;
    json_of(&admin, Method::DELETE, app.url(&path), None).await;

    let (status, log) = json_of(&admin, Method::GET, app.url("/api/admin/audit"), None).await;
    assert_eq!(status, StatusCode::OK);
    // Signing in and creating users are audited too; these are the credential's events.
    let events: Vec<&Value> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("credential."))
        .collect();
    let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "credential.delete",
            "credential.replace_secret",
            "credential.update",
            "credential.create"
        ],
        "newest first"
    );
    let update = events[2];
    assert_eq!(update["details"]["changed"], json!(["priority"]));
    assert_eq!(update["target"], format!("credential:{id}"));
    assert!(update["ip"].as_str().is_some_and(|ip| ip.starts_with("127.")));
    assert!(update["actorId"].is_string());
    assert!(
        !log.to_string().contains("31415926535"),
        "never a secret in the audit log"
    );
    let (status, _) = json_of(
        &app.user(&admin, "u@example.com").await,
        Method::GET,
        app.url("/api/admin/audit"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (ok, text) = verify(&app);
    let recorded = domain::entities::audit_events::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert!(
        ok && text.contains(&format!("intact: {recorded} event(s)")),
        "{text}"
    );

    // Edit one event by hand: the chain no longer matches from there.
    let events = domain::entities::audit_events::Entity::find()
        .order_by_asc(domain::entities::audit_events::Column::Seq)
        .all(&app.db)
        .await
        .unwrap();
    let mut edited: domain::entities::audit_events::ActiveModel = events[1].clone().into();
    edited.action = Set("credential.reorder".into());
    edited.update(&app.db).await.unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok && text.contains("event 2"), "{text}");
}

async fn an_altered_ciphertext_fails_loudly_for_its_row_only(app: TestApp) {
    let admin = app.admin().await;
    for (name, priority) in [("broken", 1), ("fine", 2)] {
        let created = app
            .post_json(&admin, "/api/admin/credentials", json!({"name": name, "provider": "groq", "priority": priority, "fields": {"api_key": format!("gsk-{name}-0000000000001")}}))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let rows = domain::entities::credentials::Entity::find()
        .order_by_asc(domain::entities::credentials::Column::Priority)
        .all(&app.db)
        .await
        .unwrap();
    // Move the second row's ciphertext into the first: associated data binds it to its row.
    let mut moved: domain::entities::credentials::ActiveModel = rows[0].clone().into();
    moved.secret_fields = Set(rows[1].secret_fields.clone());
    moved.update(&app.db).await.unwrap();

    let client = app.secrets_reader(&admin).await;
    let (status, answer) = json_of(
        &client,
        Method::POST,
        app.url("/api/resolve"),
        Some(json!({"provider": "groq"})),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert!(!answer.to_string().contains("gsk-"));

    // The rest keeps working: take the broken one out of the way and the next one opens.
    json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/credentials/{}", rows[0].id)),
        Some(json!({"active": false})),
    )
    .await;
    let (status, answer) = json_of(
        &client,
        Method::POST,
        app.url("/api/resolve"),
        Some(json!({"provider": "groq"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["secret"]["api_key"], "gsk-fine-0000000000001");
    assert_eq!(answer["excluded"][0]["reason"], "inactive");
}
