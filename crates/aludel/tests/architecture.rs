//! The invariants of ARCHITECTURE.md that a reading of the source can check: which module may
//! name a concrete database, which may import which, where SQL text for transactions comes from,
//! that the library never prints, and that files stay small enough to read in one sitting.
//!
//! These tests read `src/` as text. They are crude on purpose: a rule that a grep can check
//! should not depend on anyone remembering it during review.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under the library's `src/`, with its path relative to `src/` (always `/`).
fn sources() -> Vec<(String, String)> {
    sources_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

/// Every `.rs` file under the `aludel` binary's `src/`.
fn cli_sources() -> Vec<(String, String)> {
    sources_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../aludel-cli/src"))
}

fn sources_of(root: &Path) -> Vec<(String, String)> {
    let root = root.to_path_buf();
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut out: Vec<(String, String)> = files
        .into_iter()
        .map(|path| {
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read_to_string(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Test modules (`tests.rs`, `*/tests/*`) may name databases and build SQL freely.
fn is_test_file(rel: &str) -> bool {
    rel.ends_with("tests.rs") || rel.contains("/tests/")
}

/// The code of a file without its trailing `#[cfg(test)] mod tests { ... }` block and without
/// comment lines, so doc examples and test fixtures do not count as uses.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

/// Lines of non-test files outside `allowed` (path prefixes) that contain `needle`.
fn offenders(needle: &str, allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (rel, text) in sources() {
        if is_test_file(&rel) || allowed.iter().any(|a| rel.starts_with(a)) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            if line.contains(needle) {
                found.push(format!("{rel}:{n}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_dialect_names_a_concrete_database() {
    // `config/url.rs` defines `Backend` from the URL's scheme; everything else asks the
    // backend's `Dialect`.
    let found = offenders("Backend::", &["dialect/", "config/url.rs"]);
    assert!(
        found.is_empty(),
        "backend named outside dialect/:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_dialect_uses_the_database_drivers() {
    let mut found = offenders("sqlx::", &["dialect/"]);
    found.extend(offenders("libsqlite3_sys", &["dialect/"]));
    assert!(
        found.is_empty(),
        "driver used outside dialect/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_neutral_schema_model_is_a_pure_leaf() {
    // schema/ may use the leaves below it (the scanner, errors, the config's table filters),
    // never a database, a driver or I/O.
    let allowed = [
        "crate::schema",
        "crate::scan",
        "crate::Error",
        "crate::Result",
        "crate::config::Config",
    ];
    for (rel, text) in sources() {
        if !rel.starts_with("schema/") || is_test_file(&rel) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            // The one exception is a re-export that keeps the public path
            // `aludel::schema::introspect`; the reading itself is the dialect's.
            if line.trim() == "pub use crate::dialect::introspect;" {
                continue;
            }
            let imports_other = line
                .match_indices("crate::")
                .any(|(i, _)| !allowed.iter().any(|a| line[i..].starts_with(a)));
            let io = ["tokio", "std::fs", "std::io", "std::process", "Backend"]
                .iter()
                .any(|f| line.contains(f));
            assert!(
                !imports_other && !io,
                "schema/ must stay a pure leaf: {rel}:{n}: {}",
                line.trim()
            );
        }
    }
}

#[test]
fn modules_import_only_downward() {
    // Each module may import only the modules below it; `dialect` sits under `sql`, which
    // builds its text with a dialect's quoting.
    let layers: &[(&str, &[&str])] = &[
        ("revision/", &["revision", "error"]),
        ("config/", &["config", "error"]),
        ("scan", &["scan", "error"]),
        (
            "dialect/",
            &[
                "dialect", "config", "schema", "scan", "error", "Error", "Result",
            ],
        ),
        ("sql/", &["sql", "dialect", "revision", "config", "error"]),
    ];
    for (rel, text) in sources() {
        let Some((_, allowed)) = layers.iter().find(|(prefix, _)| rel.starts_with(prefix)) else {
            continue;
        };
        if is_test_file(&rel) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let module: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let ok = module.is_empty()
                    || allowed.contains(&module.as_str())
                    || rest.starts_with('{');
                assert!(ok, "{rel}:{n} imports crate::{module}: {}", line.trim());
            }
        }
    }
}

#[test]
fn transaction_sql_comes_from_sql_module() {
    let mut found = Vec::new();
    for needle in [
        "\"SAVEPOINT",
        "\"RELEASE SAVEPOINT",
        "\"ROLLBACK TO",
        "format!(\"SAVEPOINT",
    ] {
        found.extend(offenders(needle, &["sql/", "dialect/"]));
    }
    assert!(
        found.is_empty(),
        "transaction SQL built outside sql/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_library_never_prints() {
    let mut found = Vec::new();
    for needle in ["println!(", "eprintln!(", "print!(", "eprint!(", "dbg!("] {
        // `build` runs from an application's build script, where cargo reads stdout.
        found.extend(offenders(needle, &["embed"]));
    }
    assert!(
        found.is_empty(),
        "the library printed:\n{}",
        found.join("\n")
    );
}

#[test]
fn files_stay_readable_in_one_sitting() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(rel, _)| !is_test_file(rel))
        .filter_map(|(rel, text)| {
            let lines = text.lines().count();
            (lines > 650).then(|| format!("{rel}: {lines} lines"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by concept:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_cli_holds_no_database_knowledge_and_builds_no_json_by_hand() {
    let mut found = Vec::new();
    for (rel, text) in cli_sources() {
        if is_test_file(&rel) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            // JSON shapes are `Serialize` types; databases are the library's business.
            for needle in ["json!(", "Backend::", "sqlx::"] {
                if line.contains(needle) {
                    found.push(format!("aludel-cli/src/{rel}:{n}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the CLI should only parse, call and render:\n{}",
        found.join("\n")
    );
}

#[test]
fn hints_are_data_not_text_glued_to_messages() {
    // `Error::with_hint` and `Event::Warning { hints }` carry them; the CLI prints `hint:`.
    let found = offenders("\\nhint:", &[]);
    assert!(
        found.is_empty(),
        "a hint glued into a message:\n{}",
        found.join("\n")
    );
}
