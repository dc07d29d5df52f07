//! The Python that `scripts/test` prepares in `tools/venv` (the `openai` SDK, the
//! Prometheus client), for tests that check Switchyard with the clients users have.

use std::path::PathBuf;

/// `SWITCHYARD_TEST_PYTHON`, else the workspace's venv.
pub fn python() -> PathBuf {
    match std::env::var_os("SWITCHYARD_TEST_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => workspace().join("tools/venv/bin/python"),
    }
}

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}
