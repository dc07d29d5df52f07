//! Finding the built site (so `switchyard serve` works from any directory) and naming
//! the database without leaking its credentials.

use std::path::{Path, PathBuf};

use anyhow::bail;
use leptos::config::LeptosOptions;

use crate::config::Config;

const OUTPUT_NAME: &str = "switchyard";

fn has_site(dir: &Path) -> bool {
    dir.join("pkg").join(format!("{OUTPUT_NAME}.js")).exists()
}

/// The configured site directory, else `site/` next to the binary, else the build's
/// `target/site` (the binary lives in `target/<profile>/`), else `./target/site`.
pub fn find_site_dir(configured: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = configured {
        if !has_site(dir) {
            bail!(
                "SWITCHYARD_SITE_DIR {} does not hold pkg/{OUTPUT_NAME}.js",
                dir.display()
            );
        }
        return Ok(dir.to_path_buf());
    }
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = exe_dir {
        candidates.push(dir.join("site"));
        if let Some(parent) = dir.parent() {
            candidates.push(parent.join("site"));
            if let Some(grand) = parent.parent() {
                candidates.push(grand.join("site"));
            }
        }
    }
    candidates.push(PathBuf::from("target/site"));
    // Tests and API-only use still work without a built front end: pages then
    // render without interactivity, and the log says why.
    Ok(candidates.iter().find(|dir| has_site(dir)).cloned().unwrap_or_else(|| {
        tracing::warn!("no built site found next to the binary; pages will not be interactive (run the README's build)");
        PathBuf::from("target/site")
    }))
}

pub fn leptos_options(config: &Config) -> anyhow::Result<LeptosOptions> {
    let site_root = find_site_dir(config.site_dir.as_deref())?;
    Ok(LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build())
}

/// The last path segment of the URL, without query: the file or database name.
pub fn database_name(url: &str) -> String {
    let without_query = url.split('?').next().unwrap_or(url);
    let path = without_query
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(without_query);
    let path = path.rsplit_once('@').map(|(_, rest)| rest).unwrap_or(path);
    path.rsplit('/').next().unwrap_or_default().to_owned()
}

pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_carry_no_credentials() {
        assert_eq!(
            database_name("postgres://admin:hunter2@db.internal:5432/switchyard"),
            "switchyard"
        );
        assert_eq!(
            database_name("sqlite://./data/switchyard.db?mode=rwc"),
            "switchyard.db"
        );
    }

    #[test]
    fn sqlite_files_are_found_in_urls() {
        assert_eq!(
            sqlite_file("sqlite://./data/x.db?mode=rwc"),
            Some(PathBuf::from("./data/x.db"))
        );
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }
}
