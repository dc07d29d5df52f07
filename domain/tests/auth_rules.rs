//! The auth and user rules against a real SQLite database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::time::Duration;

use domain::access::ClientInfo;
use domain::auth::AuthPolicy;
use domain::db;
use domain::error::DomainError;
use domain::services::{ServiceConfig, Services};
use domain::users::NewUser;
use domain::vault::{MasterKey, Vault};
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};
use tempfile::TempDir;
use vocab::Role;

async fn services(policy: AuthPolicy) -> (Services, DatabaseConnection, TempDir) {
    let dir = TempDir::new().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let conn = db::connect(&url).await.unwrap();
    db::migrate_up(&conn).await.unwrap();
    let vault = Vault::open(&conn, &MasterKey::generate()).await.unwrap();
    let config = ServiceConfig {
        auth: policy,
        ..ServiceConfig::default()
    };
    (Services::new(conn.clone(), vault, config).unwrap(), conn, dir)
}

fn secret(value: &str) -> SecretString {
    SecretString::from(value.to_owned())
}

async fn add_user(services: &Services, email: &str, role: Role) {
    services
        .users
        .create_by_operator(NewUser {
            email: email.to_owned(),
            display_name: "Someone".to_owned(),
            password: secret("a good password"),
            role,
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_but_not_this_one() {
    let (services, _db, _dir) = services(AuthPolicy::default()).await;
    add_user(&services, "ada@example.com", Role::User).await;
    let client = ClientInfo::default();
    let laptop = services
        .auth
        .sign_in("ada@example.com", &secret("a good password"), &client)
        .await
        .unwrap();
    let phone = services
        .auth
        .sign_in("ada@example.com", &secret("a good password"), &client)
        .await
        .unwrap();
    let current = services
        .auth
        .authenticate(laptop.token.expose_secret())
        .await
        .unwrap();

    let wrong = services
        .auth
        .change_password(&current, &secret("not my password"), &secret("a newer password"))
        .await;
    assert!(matches!(wrong, Err(DomainError::Validation { ref field, .. }) if field == "current_password"));
    let weak = services
        .auth
        .change_password(&current, &secret("a good password"), &secret("short"))
        .await;
    assert!(matches!(weak, Err(DomainError::Validation { ref field, .. }) if field == "new_password"));

    services
        .auth
        .change_password(&current, &secret("a good password"), &secret("a newer password"))
        .await
        .unwrap();

    assert!(services
        .auth
        .authenticate(laptop.token.expose_secret())
        .await
        .is_ok());
    assert!(services
        .auth
        .authenticate(phone.token.expose_secret())
        .await
        .is_err());
    assert!(services
        .auth
        .sign_in("ada@example.com", &secret("a good password"), &client)
        .await
        .is_err());
    assert!(services
        .auth
        .sign_in("ada@example.com", &secret("a newer password"), &client)
        .await
        .is_ok());
}

#[tokio::test]
async fn an_idle_session_expires() {
    let policy = AuthPolicy {
        session_idle: Duration::from_millis(300),
        session_absolute: Duration::from_secs(60),
        ..AuthPolicy::default()
    };
    let (services, _db, _dir) = services(policy).await;
    add_user(&services, "ada@example.com", Role::User).await;
    let signed_in = services
        .auth
        .sign_in(
            "ada@example.com",
            &secret("a good password"),
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert!(services
        .auth
        .authenticate(signed_in.token.expose_secret())
        .await
        .is_ok());
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = services.auth.authenticate(signed_in.token.expose_secret()).await;
    assert!(matches!(expired, Err(DomainError::Unauthorized(_))));
}

#[tokio::test]
async fn the_ip_throttle_covers_many_accounts() {
    let (services, _db, _dir) = services(AuthPolicy::default()).await;
    let attacker = ClientInfo {
        ip: Some("203.0.113.9".into()),
        user_agent: None,
    };
    for n in 0..20 {
        let email = format!("victim{n}@example.com");
        let err = services
            .auth
            .sign_in(&email, &secret("guess guess guess"), &attacker)
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Unauthorized(_)), "{err:?}");
    }
    let locked = services
        .auth
        .sign_in("fresh@example.com", &secret("guess guess guess"), &attacker)
        .await;
    assert!(
        matches!(locked, Err(DomainError::RateLimited { .. })),
        "{locked:?}"
    );
    let elsewhere = ClientInfo {
        ip: Some("198.51.100.1".into()),
        user_agent: None,
    };
    let other = services
        .auth
        .sign_in("fresh@example.com", &secret("guess guess guess"), &elsewhere)
        .await;
    assert!(
        matches!(other, Err(DomainError::Unauthorized(_))),
        "another address is not locked"
    );
}

#[tokio::test]
async fn only_admins_become_admin_guards() {
    let (services, _db, _dir) = services(AuthPolicy::default()).await;
    add_user(&services, "user@example.com", Role::User).await;
    add_user(&services, "admin@example.com", Role::Admin).await;
    let client = ClientInfo::default();
    let user = services
        .auth
        .sign_in("user@example.com", &secret("a good password"), &client)
        .await
        .unwrap();
    let admin = services
        .auth
        .sign_in("admin@example.com", &secret("a good password"), &client)
        .await
        .unwrap();
    assert!(matches!(user.user.require_admin(), Err(DomainError::Forbidden)));
    assert!(admin.user.require_admin().is_ok());
}

#[tokio::test]
async fn migrations_run_twice_and_revert() {
    let (_services, db, _dir) = services(AuthPolicy::default()).await;
    db::migrate_up(&db).await.unwrap();
    let (applied, _) = db::migration_status(&db).await.unwrap();
    let all = applied.len();
    assert!(all >= 2);
    db::migrate_down(&db, all as u32).await.unwrap();
    let (applied, pending) = db::migration_status(&db).await.unwrap();
    assert!(applied.is_empty() && pending.len() == all);
    db::migrate_up(&db).await.unwrap();
}

#[tokio::test]
async fn seeding_is_idempotent_and_keeps_admin_edits() {
    use domain::entities::providers;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let (_services, db, _dir) = services(AuthPolicy::default()).await;
    let first = domain::seed::seed(&db).await.unwrap();
    assert_eq!(first.providers_added.len(), 8);
    let gemini = providers::Entity::find()
        .filter(providers::Column::Identifier.eq("gemini"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gemini.default_priority, 10);
    let mut edit: providers::ActiveModel = gemini.into();
    edit.default_priority = Set(99);
    edit.update(&db).await.unwrap();

    let second = domain::seed::seed(&db).await.unwrap();
    assert!(second.providers_added.is_empty() && second.templates_added.is_empty());
    let gemini = providers::Entity::find()
        .filter(providers::Column::Identifier.eq("gemini"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gemini.default_priority, 99,
        "seeding never overwrites an admin's edit"
    );
}

#[tokio::test]
async fn sqlite_runs_with_wal_full_sync_foreign_keys_and_a_busy_timeout() {
    use sea_orm::{ConnectionTrait, Statement};
    let (_services, db, _dir) = services(AuthPolicy::default()).await;
    let pragma = |name: &str| {
        let db = db.clone();
        let sql = format!("PRAGMA {name}");
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .unwrap()
        }
    };
    assert_eq!(pragma("journal_mode").await, "wal");
    assert_eq!(pragma("foreign_keys").await, "1");
    assert_eq!(pragma("busy_timeout").await, "5000");
    // FULL (2): a commit is on disk before it is acknowledged, even across a power loss.
    assert_eq!(pragma("synchronous").await, "2");
}
