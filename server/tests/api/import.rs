//! Importing many keys at once: each tested against a fake provider on 127.0.0.1 before
//! it is saved, one result per key, nothing secret in the answer or the audit log.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fake_provider::{register, FakeProvider, GOOD_KEY};
use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(pasted_keys_are_tested_before_they_are_saved);
on_both_databases!(a_long_import_goes_in_batches_that_agree);

const WRONG_KEY: &str = "sk-wrong-import-key-aaaa1111";
const ANOTHER_WRONG_KEY: &str = "sk-wrong-import-key-bbbb2222";

fn summary(rows: &Value) -> Vec<(u64, String, bool, bool)> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["name"].as_str().unwrap().to_owned(),
                r["passed"].as_bool().unwrap(),
                r["id"].is_string(),
            )
        })
        .collect()
}

async fn pasted_keys_are_tested_before_they_are_saved(app: TestApp) {
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    register(&app, &admin, &fake.url("ok")).await;
    let url = app.url("/api/admin/credentials/import");
    let keys = format!("name,key\nmain,{GOOD_KEY}\n\n{WRONG_KEY}\n{GOOD_KEY}\n");

    let user = app.user(&admin, "user@example.com").await;
    let body = json!({"provider": "fake", "keys": keys});
    let (status, _) = json_of(&user, Method::POST, url.clone(), Some(body.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, result) = json_of(&admin, Method::POST, url.clone(), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(
        summary(&result["rows"]),
        [
            (2, "main".to_owned(), true, true),
            (4, "Fake key 1111".to_owned(), false, false),
            (5, "Fake key 6789".to_owned(), false, false),
        ]
    );
    assert_eq!(
        (result["saved"].clone(), result["notSaved"].clone()),
        (json!(1), json!(2))
    );
    assert!(
        result["rows"][1]["message"]
            .as_str()
            .unwrap()
            .ends_with("not saved"),
        "{result}"
    );
    assert_eq!(result["rows"][2]["message"], "the same key as line 2: skipped");
    assert_eq!(result["rows"][0]["hint"], "6789");
    let text = result.to_string();
    assert!(
        !text.contains("sk-wrong") && !text.contains(GOOD_KEY),
        "a key leaked into {text}"
    );

    // The saved one carries the import's test; the failing key was not saved.
    let (_, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/credentials?provider=fake"),
        None,
    )
    .await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(
        (
            list["data"][0]["name"].clone(),
            list["data"][0]["lastTestStatus"].clone()
        ),
        (json!("main"), json!("ok"))
    );

    // Asked to, a failing key is saved too, inactive.
    let body = json!({"provider": "fake", "keys": ANOTHER_WRONG_KEY, "saveFailed": true});
    let (status, result) = json_of(&admin, Method::POST, url.clone(), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(
        summary(&result["rows"]),
        [(1, "Fake key 2222".to_owned(), false, true)]
    );
    let id = result["rows"][0]["id"].as_str().unwrap();
    let saved = app.credential(&admin, id).await;
    assert_eq!(
        (saved["active"].clone(), saved["lastTestStatus"].is_string()),
        (json!(false), true),
        "{saved}"
    );

    // One creation event per saved key, without a key.
    let (_, audit) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/audit?action=credential.create"),
        None,
    )
    .await;
    assert_eq!(audit["total"], 2, "{audit}");
    assert!(!audit.to_string().contains("sk-"), "{audit}");

    // Bad input: said by field, nothing saved.
    for (body, field, says) in [
        (
            json!({"provider": "fake", "keys": " \n "}),
            "keys",
            "paste at least one key",
        ),
        (
            json!({"provider": "fake", "keys": "a,b,c"}),
            "keys",
            "line 1 has more than a name and a key",
        ),
        (json!({"provider": "nowhere", "keys": GOOD_KEY}), "provider", ""),
        (
            json!({"provider": "azure-openai", "keys": GOOD_KEY}),
            "provider",
            "more than a key",
        ),
    ] {
        let (status, error) = json_of(&admin, Method::POST, url.clone(), Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {error}");
        assert_eq!(error["error"]["field"], field, "{body}: {error}");
        assert!(
            error["error"]["message"].as_str().unwrap().contains(says),
            "{error}"
        );
    }
    let (_, list) = json_of(&admin, Method::GET, app.url("/api/admin/credentials"), None).await;
    assert_eq!(list["total"], 2, "{list}");
}

/// Each request tries one batch and says where the next starts; the same text sent again
/// names its keys the same way, so a name saved by an earlier run is not tried again.
async fn a_long_import_goes_in_batches_that_agree(app: TestApp) {
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    register(&app, &admin, &fake.url("ok")).await;
    let url = app.url("/api/admin/credentials/import");
    let keys: String = (1..=20).map(|i| format!("sk-batch-key-{i:04}\n")).collect();
    let body = |from: u64| json!({"provider": "fake", "keys": keys, "saveFailed": true, "from": from});

    let mut lines = Vec::new();
    let mut from = Some(0);
    let mut requests = 0;
    while let Some(start) = from {
        let (status, batch) = json_of(&admin, Method::POST, url.clone(), Some(body(start))).await;
        assert_eq!(status, StatusCode::OK, "{batch}");
        assert_eq!(batch["total"], 20, "{batch}");
        lines.extend(summary(&batch["rows"]).into_iter().map(|(line, ..)| line));
        from = batch["next"].as_u64();
        requests += 1;
    }
    // The test server probes with a 2 s timeout: four rounds of four keys per batch.
    assert_eq!(requests, 2);
    assert_eq!(lines, (1..=20).collect::<Vec<u64>>());
    let (_, list) = json_of(&admin, Method::GET, app.url("/api/admin/credentials"), None).await;
    assert_eq!(list["total"], 20, "{list}");

    let (status, again) = json_of(&admin, Method::POST, url.clone(), Some(body(0))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        again["rows"][0]["message"],
        "a global credential with this name already exists: not tried"
    );
    assert_eq!(again["saved"], 0, "{again}");

    let (status, error) = json_of(&admin, Method::POST, url.clone(), Some(body(21))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["error"]["field"], "from", "{error}");
}
