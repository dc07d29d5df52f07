//! A change reaches the gateway with the caller's next request, even when a request
//! reloaded the routing data after the change was announced but before it committed.

use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::Scene;
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(a_change_committed_after_a_reload_is_used_at_once);

async fn served_by(scene: &Scene, token: &str) -> String {
    let response = scene.chat(token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.headers()["x-switchyard-credential"]
        .to_str()
        .unwrap()
        .to_owned()
}

async fn a_change_committed_after_a_reload_is_used_at_once(app: TestApp) {
    let scene = Scene::new(app).await;
    let first = scene.route("first", "ok", 10, json!({})).await;
    scene.route("second", "ok", 20, json!({})).await;
    let token = scene.token(json!({})).await;
    assert_eq!(served_by(&scene, &token).await, "first");

    // A change as every use case makes one: written and announced in its transaction,
    // then committed; a request comes in between.
    use domain::entities::credentials;
    let txn = domain::db::write_transaction(&scene.app.db).await.unwrap();
    credentials::Entity::update_many()
        .col_expr(credentials::Column::Active, Expr::value(false))
        .filter(credentials::Column::Id.eq(first.parse::<uuid::Uuid>().unwrap()))
        .exec(&txn)
        .await
        .unwrap();
    domain::changes::announce(&txn).await.unwrap();
    assert_eq!(served_by(&scene, &token).await, "first", "not committed yet");
    txn.commit().await.unwrap();

    assert_eq!(
        served_by(&scene, &token).await,
        "second",
        "committed, so used at once"
    );
}
