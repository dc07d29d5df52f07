//! A change and its audit event commit together or not at all: with the audit table
//! refusing inserts, every audited write is refused and leaves nothing behind; with
//! eight writers at once, every write succeeds and has its event, the chain intact.

use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{json_of, Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_change_is_rolled_back_when_its_audit_event_cannot_be_written,
    eight_concurrent_writers_all_succeed_and_each_write_has_its_event,
);

/// Makes every insert into `audit_events` fail, as a full disk or a broken table would.
async fn refuse_audit_inserts(app: &TestApp) {
    let statements: &[&str] = match app.kind {
        Db::Sqlite => &["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END"],
        Db::Postgres => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
    };
    for statement in statements {
        app.db.execute_unprepared(statement).await.unwrap();
    }
}

async fn allow_audit_inserts(app: &TestApp) {
    let drop = match app.db.get_database_backend() {
        DbBackend::Postgres => "DROP TRIGGER refuse_audit ON audit_events",
        _ => "DROP TRIGGER refuse_audit",
    };
    app.db.execute_unprepared(drop).await.unwrap();
}

/// Rows of each table an audited write changes, to compare before and after.
async fn counts(app: &TestApp) -> Vec<u64> {
    use domain::entities::{api_tokens, app_settings, audit_events, credentials, webhooks};
    vec![
        credentials::Entity::find().count(&app.db).await.unwrap(),
        api_tokens::Entity::find().count(&app.db).await.unwrap(),
        webhooks::Entity::find().count(&app.db).await.unwrap(),
        app_settings::Entity::find().count(&app.db).await.unwrap(),
        audit_events::Entity::find().count(&app.db).await.unwrap(),
    ]
}

async fn a_change_is_rolled_back_when_its_audit_event_cannot_be_written(app: TestApp) {
    let admin = app.admin().await;
    let (status, existing) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/credentials"),
        Some(json!({"name": "Kept", "provider": "openai", "fields": {"api_key": "sk-kept-0000000000"}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let kept = existing["id"].as_str().unwrap().to_owned();
    let writes: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "/api/admin/credentials".into(),
            json!({"name": "Lost", "provider": "openai", "fields": {"api_key": "sk-lost-0000000000"}}),
        ),
        (
            Method::PATCH,
            format!("/api/admin/credentials/{kept}"),
            json!({"priority": 7}),
        ),
        (
            Method::DELETE,
            format!("/api/admin/credentials/{kept}"),
            Value::Null,
        ),
        (
            Method::POST,
            "/api/tokens".into(),
            json!({"name": "lost", "scopes": ["resolve"]}),
        ),
        (
            Method::POST,
            "/api/admin/webhooks".into(),
            json!({"url": "http://127.0.0.1:9/hook"}),
        ),
        (
            Method::PATCH,
            "/api/admin/settings".into(),
            json!({"resolvePersonalFirst": false}),
        ),
    ];
    let before = counts(&app).await;
    refuse_audit_inserts(&app).await;
    for (method, path, body) in &writes {
        let body = (!body.is_null()).then(|| body.clone());
        let (status, answer) = json_of(&admin, method.clone(), app.url(path), body).await;
        assert_eq!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{method} {path}: {answer}"
        );
    }
    assert_eq!(counts(&app).await, before, "a refused write left rows behind");
    let (_, still) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/credentials/{kept}")),
        None,
    )
    .await;
    assert_eq!(
        still["priority"], existing["priority"],
        "the update was rolled back"
    );

    allow_audit_inserts(&app).await;
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/credentials/{kept}")),
        Some(json!({"priority": 7})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = counts(&app).await;
    assert_eq!(after[4], before[4] + 1, "the allowed write has its one event");
}

async fn eight_concurrent_writers_all_succeed_and_each_write_has_its_event(app: TestApp) {
    use domain::audit::ChainReport;
    use domain::entities::{audit_events, credentials};
    use sea_orm::{ColumnTrait, QueryFilter};
    const WRITERS: usize = 8;
    const EACH: usize = 6;
    let admin = app.admin().await;
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let (admin, url) = (admin.clone(), app.url("/api/admin/credentials"));
        tasks.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for n in 0..EACH {
                let body = json!({
                    "name": format!("writer {writer} key {n}"),
                    "provider": "groq",
                    "fields": {"api_key": format!("gsk-concurrent-{writer}-{n}-000000")},
                });
                let response = admin.post(&url).json(&body).send().await.unwrap();
                statuses.push(response.status());
            }
            statuses
        }));
    }
    for task in tasks {
        for status in task.await.unwrap() {
            assert_eq!(status, StatusCode::CREATED);
        }
    }
    let rows = credentials::Entity::find().count(&app.db).await.unwrap();
    let events = audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq("credential.create"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!((rows, events), ((WRITERS * EACH) as u64, (WRITERS * EACH) as u64));
    let chain = app.services.audit.verify().await.unwrap();
    assert!(matches!(chain, ChainReport::Intact { .. }), "{chain:?}");
}
