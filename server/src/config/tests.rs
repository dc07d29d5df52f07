//! Tests of `config`.

use super::*;
use figment::Jail;

#[test]
fn defaults_are_the_embedded_set_up() {
    let config = Config::from_figment(Figment::new()).unwrap();
    assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
    assert!(config.database_url().starts_with("sqlite://./data/switchyard.db"));
    assert_eq!(config.master_key_path(), PathBuf::from("./data/master.key"));
    assert_eq!(config.session_idle(), Duration::from_secs(1800));
}

#[test]
fn environment_variables_override_the_file() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "switchyard.toml",
            "addr = \"127.0.0.1:4000\"\nsecure_cookies = true\n",
        )?;
        jail.set_env("SWITCHYARD_ADDR", "127.0.0.1:5000");
        jail.set_env("SWITCHYARD_TEST_POSTGRES_URL", "postgres://ignored");
        let config = Config::load(Some(Path::new("switchyard.toml"))).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:5000");
        assert!(config.secure_cookies);
        Ok(())
    });
}

#[test]
fn an_unknown_variable_is_named_in_the_error() {
    Jail::expect_with(|jail| {
        jail.set_env("SWITCHYARD_SESION_IDLE_TIMEOUT", "60");
        let err = Config::load(None).unwrap_err().to_string();
        assert!(err.contains("SWITCHYARD_SESION_IDLE_TIMEOUT"), "{err}");
        Ok(())
    });
}

#[test]
fn an_invalid_value_is_named_in_the_error() {
    Jail::expect_with(|jail| {
        jail.set_env("SWITCHYARD_SESSION_IDLE_TIMEOUT", "half an hour");
        let err = Config::load(None).unwrap_err().to_string();
        assert!(err.contains("SWITCHYARD_SESSION_IDLE_TIMEOUT"), "{err}");
        jail.set_env("SWITCHYARD_SESSION_IDLE_TIMEOUT", "0");
        let err = Config::load(None).unwrap_err().to_string();
        assert!(err.contains("SWITCHYARD_SESSION_IDLE_TIMEOUT"), "{err}");
        Ok(())
    });
}

#[test]
fn a_missing_config_file_is_an_error() {
    let err = Config::load(Some(Path::new("/nonexistent/switchyard.toml"))).unwrap_err();
    assert!(err.to_string().contains("does not exist"));
}
