//! `aludel lint`: findings, levels, exit codes, ranges, suppression and JSON.

mod support;

use support::Project;

/// Runs `aludel ARGS` and returns (exit code, stdout, stderr).
fn run(project: &Project, args: &[&str]) -> (i32, String, String) {
    let out = project.cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn sqlite_project() -> (tempfile::TempDir, Project) {
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", db.path().join("t.db").display());
    (db, Project::new(&url, ""))
}

#[test]
fn warnings_only_exit_zero_and_downgrades_are_ignored() {
    let (_db, p) = sqlite_project();
    p.revision(
        "a1",
        &[],
        "CREATE TABLE users (id INT, name TEXT);",
        Some("DROP TABLE users;"),
    );
    p.revision(
        "b2",
        &["a1"],
        "SELECT 1;\nALTER TABLE users DROP COLUMN name;",
        Some("ALTER TABLE users ADD COLUMN name TEXT;"),
    );
    let (code, stdout, stderr) = run(&p, &["lint"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("b2.sql:7: warning[drop-column]: drops column name of table users"),
        "{stdout}"
    );
    assert!(stdout.contains("  hint: "), "{stdout}");
    assert!(!stdout.contains("drop-table"), "{stdout}");
    assert!(stderr.contains("0 error(s), 1 warning(s)"), "{stderr}");
}

#[test]
fn an_error_exits_one_unless_suppressed() {
    let (_db, p) = sqlite_project();
    p.revision("a1", &[], "CREATE TABLE users (id INT);", None);
    p.revision(
        "b2",
        &["a1"],
        "ALTER TABLE users ADD COLUMN email TEXT NOT NULL;",
        None,
    );
    let (code, stdout, _) = run(&p, &["lint"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("b2.sql:6: error[add-not-null-column]"),
        "{stdout}"
    );
    p.revision(
        "b2",
        &["a1"],
        "-- aludel:lint-ignore add-not-null-column\nALTER TABLE users ADD COLUMN email TEXT NOT NULL;",
        None,
    );
    let stdout = p.ok(&["lint"]);
    assert!(stdout.is_empty(), "{stdout}");
}

#[test]
fn range_limits_the_revisions_linted() {
    let (_db, p) = sqlite_project();
    p.revision("a1", &[], "CREATE TABLE users (id INT);", None);
    p.revision("b2", &["a1"], "DROP TABLE users;", None);
    p.revision("c3", &["b2"], "CREATE TABLE posts (id INT);", None);
    p.revision("d4", &["c3"], "ALTER TABLE posts RENAME TO articles;", None);
    let all = p.ok(&["lint"]);
    assert!(
        all.contains("drop-table") && all.contains("rename-table"),
        "{all}"
    );
    let tail = p.ok(&["lint", "d4:head"]);
    assert!(!tail.contains("drop-table"), "{tail}");
    assert!(tail.contains("d4.sql:6: warning[rename-table]"), "{tail}");
    // c3:head is one run: posts, created by c3 in it, is still empty when d4 renames it.
    let run = p.ok(&["lint", "c3:head"]);
    assert!(run.is_empty(), "{run}");
    let head = p.ok(&["lint", ":b2"]);
    assert!(
        head.contains("drop-table") && !head.contains("rename-table"),
        "{head}"
    );
    p.fails(&["lint", "nonsense"], 1);
}

#[test]
fn postgres_index_rule_follows_the_project_dialect() {
    // No server needed: lint reads files only; the URL names the dialect.
    let p = Project::new("postgresql://nobody@127.0.0.1:1/none", "");
    p.revision(
        "a1",
        &[],
        "CREATE TABLE t (x INT);\nCREATE INDEX t_x ON t (x);",
        None,
    );
    p.revision("b2", &["a1"], "CREATE INDEX t_x2 ON t (x);", None);
    let (code, stdout, _) = run(&p, &["lint"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("b2.sql:6: error[create-index-non-concurrent]"),
        "{stdout}"
    );
    assert!(!stdout.contains("a1.sql"), "{stdout}");
}

#[test]
fn json_output() {
    let (_db, p) = sqlite_project();
    p.revision(
        "a1",
        &[],
        "CREATE TABLE users (id INT, name VARCHAR(100));",
        None,
    );
    p.revision(
        "b2",
        &["a1"],
        "ALTER TABLE users RENAME COLUMN name TO full_name;",
        None,
    );
    let (code, stdout, _) = run(&p, &["lint", "--json"]);
    assert_eq!(code, 0, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["errors"], 0);
    assert_eq!(value["warnings"], 1);
    let finding = &value["findings"][0];
    assert_eq!(finding["rule"], "rename-column");
    assert_eq!(finding["level"], "warning");
    assert_eq!(finding["revision"], "b2");
    assert_eq!(finding["line"], 6);
    assert!(finding["path"].as_str().unwrap().ends_with("b2.sql"));
}

/// A PostgreSQL project whose URL cannot be read (its variable is unset): lint needs
/// `--dialect`.
fn postgres_project_without_url(extra: &str) -> Project {
    let p = Project::new("${ALUDEL_LINT_TEST_UNSET_URL}", extra);
    p.revision("a1", &[], "CREATE TABLE t (x INT);", None);
    p
}

#[test]
fn dialect_flag_lints_without_a_url() {
    let p = postgres_project_without_url("");
    p.revision("b2", &["a1"], "CREATE INDEX t_x ON t (x);", None);
    let (code, _, stderr) = run(&p, &["lint"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--dialect"), "{stderr}");
    let (code, stdout, stderr) = run(&p, &["lint", "--dialect", "postgresql"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("b2.sql:6: error[create-index-non-concurrent]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  lock: SHARE on the table: blocks INSERT, UPDATE and DELETE"),
        "{stdout}"
    );
    // The same file on SQLite: no concurrent builds there, so nothing to flag.
    let (code, stdout, _) = run(&p, &["lint", "--dialect", "sqlite"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    let (code, _, stderr) = run(&p, &["lint", "--dialect", "oracle"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("'oracle' is not a dialect"), "{stderr}");
}

#[test]
fn github_format_annotates_file_and_line() {
    let p = postgres_project_without_url("");
    p.revision(
        "b2",
        &["a1"],
        "SET lock_timeout = '2s';\nALTER TABLE t ADD CONSTRAINT t_pos CHECK (x > 0);",
        None,
    );
    let (code, stdout, _) = run(&p, &["lint", "--dialect", "postgres", "--format", "github"]);
    assert_eq!(code, 1, "{stdout}");
    let line = stdout.lines().next().unwrap();
    assert!(
        line.starts_with("::error file=migrations/versions/b2.sql,line=7,title=aludel lint add-check-constraint::adds a check constraint"),
        "{line}"
    );
    assert!(line.contains("%0Alock: ACCESS EXCLUSIVE"), "{line}");
    assert!(line.contains("%0Ahint: ADD CONSTRAINT"), "{line}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

#[test]
fn lint_settings_change_levels_and_disable_rules() {
    let p = postgres_project_without_url(
        "[lint]\ndisable = [\"missing-lock-timeout\"]\nenable = [\"prefer-bigint\"]\n\n[lint.levels]\ncreate-index-non-concurrent = \"warning\"\n",
    );
    p.revision("b2", &["a1"], "CREATE INDEX t_x ON t (x);", None);
    let (code, stdout, stderr) = run(&p, &["lint", "--dialect", "postgresql"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("warning[create-index-non-concurrent]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("a1.sql:6: warning[prefer-bigint]"),
        "{stdout}"
    );
    assert!(!stdout.contains("missing-lock-timeout"), "{stdout}");

    let bad = postgres_project_without_url("[lint]\ndisable = [\"no-such-rule\"]\n");
    let (code, _, stderr) = run(&bad, &["lint", "--dialect", "postgresql"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("aludel.toml: [lint] disable names unknown rule 'no-such-rule'"),
        "{stderr}"
    );
}

#[test]
fn transaction_context_and_objects_created_in_the_revision() {
    let p = postgres_project_without_url("[lint]\ndisable = [\"missing-lock-timeout\"]\n");
    // A materialized view and its index in the same revision: nothing runs against it yet.
    p.revision(
        "b2",
        &["a1"],
        "CREATE MATERIALIZED VIEW mv AS SELECT x FROM t;\nCREATE INDEX mv_x ON mv (x);",
        None,
    );
    // CONCURRENTLY in a transactional revision fails; in a non-transactional one it is the
    // safe form.
    p.revision(
        "c3",
        &["b2"],
        "CREATE INDEX CONCURRENTLY t_x ON t (x);",
        None,
    );
    let (code, stdout, _) = run(&p, &["lint", "--dialect", "postgresql"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(!stdout.contains("b2.sql"), "{stdout}");
    assert!(
        stdout.contains("c3.sql:6: error[concurrent-in-transaction]"),
        "{stdout}"
    );
    p.revision_with(
        "c3",
        &["b2"],
        "-- transactional = false",
        "CREATE INDEX CONCURRENTLY t_x ON t (x);",
        None,
    );
    let (code, stdout, _) = run(&p, &["lint", "--dialect", "postgresql"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}
