//! `Idempotency-Key` on creates: a retry gets the first answer again (one row), a key
//! reused for another request or still in flight is refused by name, a new token is
//! kept sealed, and keys belong to their caller.

use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(a_retried_create_makes_one_row_and_gets_the_first_answer);

async fn post(
    client: &Client,
    app: &TestApp,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Option<String>, Value) {
    let answer = client
        .post(app.url(path))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let replayed = answer
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        answer.status(),
        replayed,
        answer.json().await.unwrap_or(Value::Null),
    )
}

async fn a_retried_create_makes_one_row_and_gets_the_first_answer(app: TestApp) {
    let admin = app.admin().await;
    let body =
        json!({"name": "once only", "provider": "openai", "fields": {"api_key": "sk-once-only-0123456789"}});
    let path = "/api/admin/credentials";
    let (status, replayed, first) = post(&admin, &app, path, "create-1", &body).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, None), "{first}");
    let (status, replayed, again) = post(&admin, &app, path, "create-1", &body).await;
    assert_eq!((status, replayed.as_deref()), (StatusCode::CREATED, Some("true")));
    assert_eq!(again, first, "the retry gets the first answer");
    let rows = domain::entities::credentials::Entity::find()
        .filter(domain::entities::credentials::Column::Name.eq("once only"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one row for two sends");

    let other =
        json!({"name": "another", "provider": "openai", "fields": {"api_key": "sk-another-0123456789"}});
    let (status, _, refused) = post(&admin, &app, path, "create-1", &other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["field"], "Idempotency-Key");

    let (status, _, refused) = post(&admin, &app, path, &"k".repeat(256), &other).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["field"], "Idempotency-Key");

    // A new token is shown once; its retry shows it again, and it is kept sealed.
    let token_body = json!({"name": "retried token", "scopes": ["gateway"]});
    let (status, _, created) = post(&admin, &app, "/api/tokens", "token-1", &token_body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, replayed, again) = post(&admin, &app, "/api/tokens", "token-1", &token_body).await;
    assert_eq!((replayed.as_deref(), &again), (Some("true"), &created));
    let token = created["token"].as_str().unwrap();
    let kept = domain::entities::idempotency_keys::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(!kept.is_empty());
    for row in &kept {
        let stored = format!("{row:?}");
        assert!(
            !stored.contains(token),
            "a kept answer holds the token in the clear"
        );
    }

    // Sent at once with one key: one runs, the others get its answer or "in flight".
    let user_body =
        json!({"email": "once@example.com", "displayName": "Once", "password": "a long password 1"});
    let sends = (0..5).map(|_| post(&admin, &app, "/api/admin/users", "user-1", &user_body));
    let answers = futures_util::future::join_all(sends).await;
    for (status, _, answer) in &answers {
        assert!(
            *status == StatusCode::CREATED || *status == StatusCode::CONFLICT,
            "{status}: {answer}"
        );
    }
    let users = domain::entities::users::Entity::find()
        .filter(domain::entities::users::Column::Email.eq("once@example.com"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(users.len(), 1, "five sends at once, one user");

    // Keys are per caller: another caller's "create-1" is its own.
    let user = app.user(&admin, "caller-b@example.com").await;
    let own = json!({"name": "b's own", "provider": "openai", "fields": {"api_key": "sk-bs-own-0123456789"}});
    let (status, replayed, _) = post(&user, &app, "/api/connections", "create-1", &own).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, None));
}
