//! `domain`'s top-level modules form a DAG: this reads every `crate::<module>` a file of
//! `domain/src` names and fails on a cycle, naming it. A new import that closes a loop
//! fails here before anyone has to untie it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`credentials/service.rs` -> `credentials`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (name != "lib").then(|| name.to_owned())
}

/// Every `crate::name` and every name inside `crate::{a, b::c}`.
fn references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(inner.split(',').map(|part| ident(part.trim())));
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(&src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        let targets = edges.entry(from.clone()).or_default();
        for to in references(&text) {
            assert!(
                modules.contains(&to),
                "{} names crate::{to}, which is not a top-level module (lib.rs re-exports nothing)",
                file.display()
            );
            if to != from {
                targets.insert(to);
            }
        }
    }
    edges
}

/// A cycle through `edges`, if there is one, as the path that closes it.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(node.to_owned(), 1);
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut state, &mut Vec::new()))
}

#[test]
fn domain_modules_form_a_dag() {
    let edges = graph();
    if let Some(cycle) = find_cycle(&edges) {
        panic!(
            "domain modules import each other in a cycle: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn lib_rs_lists_each_module_after_those_it_imports() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let order: Vec<String> = lib
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|name| name.trim_end_matches(';').to_owned())
        .collect();
    let position = |name: &str| order.iter().position(|n| n == name);
    for (from, targets) in graph() {
        for to in targets {
            let (Some(a), Some(b)) = (position(&from), position(&to)) else {
                panic!("lib.rs does not list {from} or {to}");
            };
            assert!(
                b < a,
                "lib.rs lists {from} before {to}, which it imports: move {to} to a lower floor"
            );
        }
    }
}

#[test]
fn lib_rs_re_exports_nothing() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(
        !lib.lines().any(|line| line.trim_start().starts_with("pub use")),
        "lib.rs re-exports something: every import should name the module it comes from"
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let edge = |from: &str, to: &[&str]| (from.to_owned(), to.iter().map(|t| (*t).to_owned()).collect());
    let looped: BTreeMap<String, BTreeSet<String>> =
        [edge("a", &["b"]), edge("b", &["c"]), edge("c", &["a"])].into();
    assert_eq!(find_cycle(&looped).unwrap(), ["a", "b", "c", "a"]);
    let dag: BTreeMap<String, BTreeSet<String>> = [edge("a", &["b", "c"]), edge("b", &["c"])].into();
    assert_eq!(find_cycle(&dag), None);
    assert_eq!(
        references("use crate::{error::X, values};\nlet x = crate::db::connect();"),
        ["db", "error", "values"].map(str::to_owned).into()
    );
}
