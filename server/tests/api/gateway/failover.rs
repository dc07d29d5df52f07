//! Failover: whatever way the first credential fails, the second serves the same request,
//! and the request's two attempts are logged under its id.

use reqwest::{Method, StatusCode};
use serde_json::json;
use server::Config;

use super::Scene;
use crate::helpers::TestApp;
use crate::on_both_databases_with;

on_both_databases_with!(silence_fails_over_after_a_second: a_failing_first_credential_hands_the_request_to_the_second);

fn silence_fails_over_after_a_second(config: &mut Config) {
    config.gateway_first_byte_timeout = 1;
}

/// How the first credential fails, and its attempt's row: outcome, HTTP status, and
/// words its error holds.
const FAILURES: &[(&str, &str, Option<i64>, &str)] = &[
    ("fail500", "upstream_error", Some(500), "upstream exploded"),
    ("limited", "rate_limited", Some(429), "retry after 7 s"),
    ("badkey", "auth_rejected", Some(401), "rejected the key"),
    ("broke", "forbidden", Some(402), "no credit left"),
    ("refused", "connect_failed", None, "connection refused"),
    ("silent", "timeout", None, "no answer within 1 s"),
];

async fn a_failing_first_credential_hands_the_request_to_the_second(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("second", "ok", 20, json!({})).await;
    let token = scene.token(json!({})).await;
    for (behaviour, outcome, http_status, says) in FAILURES {
        let first_name = format!("first {behaviour}");
        let first = scene.route(&first_name, behaviour, 10, json!({})).await;

        let response = scene.chat(&token).await;

        assert_eq!(response.status(), StatusCode::OK, "{behaviour}");
        let headers = response.headers();
        assert_eq!(headers["x-switchyard-credential"], "second", "{behaviour}");
        assert_eq!(headers["x-switchyard-attempts"], "2", "{behaviour}");
        let request_id = headers["x-request-id"].to_str().unwrap();
        let rows = scene.attempts(request_id, 2).await;
        assert_eq!(rows.len(), 2, "{behaviour}: {rows:?}");
        let failed = rows
            .iter()
            .find(|r| r["credentialName"] == first_name.as_str())
            .unwrap();
        assert_eq!(failed["status"], *outcome, "{failed}");
        assert_eq!(failed["httpStatus"].as_i64(), *http_status, "{failed}");
        assert!(failed["error"].as_str().unwrap().contains(says), "{failed}");
        let served = rows.iter().find(|r| r["credentialName"] == "second").unwrap();
        assert_eq!(served["status"], "ok", "{served}");

        // The next case starts from the working credential alone.
        let (status, _) = scene
            .send(Method::DELETE, &format!("/api/admin/credentials/{first}"), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
}
