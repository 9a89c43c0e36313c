//! `aludel test`, the stairway test, through the real binary: every revision goes up, down and
//! up again on a scratch database, and the models are compared at the end.

mod support;

use support::{Project, each_dialect};

const FIRST: &str = "aaaa00000001";
const SECOND: &str = "bbbb00000002";
const THIRD: &str = "cccc00000003";

/// Three revisions: a table, an index, and an irreversible data change.
fn passing_project(url: &str, extra: &str) -> Project {
    let p = Project::new(url, extra);
    p.revision(
        FIRST,
        &[],
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);",
        Some("DROP TABLE users;"),
    );
    p.revision(
        SECOND,
        &[FIRST],
        "CREATE INDEX ix_users_name ON users (name);",
        Some("DROP INDEX ix_users_name ON users;"),
    );
    p.revision(
        THIRD,
        &[SECOND],
        "INSERT INTO users (id, name) VALUES (1, 'ann');",
        None,
    );
    p
}

fn run(p: &Project, args: &[&str]) -> (Option<i32>, String, String) {
    let out = p.cmd().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_sound_project_passes_on_a_temporary_sqlite_file() {
    // The configured URL points nowhere usable: `aludel test` must not touch it.
    let p = passing_project("sqlite:///nonexistent-folder/never.db", "");
    // SQLite spells DROP INDEX without ON.
    p.revision(
        SECOND,
        &[FIRST],
        "CREATE INDEX ix_users_name ON users (name);",
        Some("DROP INDEX ix_users_name;"),
    );
    let (code, stdout, stderr) = run(&p, &["test"]);
    assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains(&format!("ok   {FIRST} up/down/up, rev {FIRST}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("ok   {SECOND} up/down/up, rev {SECOND}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "ok   {THIRD} up (irreversible: down skipped), rev {THIRD}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("Stairway test passed: 3 revision(s)"),
        "{stdout}"
    );
    assert!(!p.path().join("never.db").exists());
}

#[test]
fn a_downgrade_that_forgets_an_index_fails_naming_revision_and_index() {
    let p = Project::new("sqlite:///unused.db", "");
    p.revision(
        FIRST,
        &[],
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);",
        Some("DROP TABLE users;"),
    );
    p.revision(
        SECOND,
        &[FIRST],
        "CREATE INDEX ix_users_name ON users (name);",
        Some("SELECT 1;"),
    );
    p.revision(THIRD, &[SECOND], "SELECT 1;", Some("SELECT 1;"));
    let (code, stdout, stderr) = run(&p, &["test"]);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains(&format!("ok   {FIRST} up/down/up")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("FAIL {SECOND} rev {SECOND}\n")),
        "{stdout}"
    );
    assert!(
        !stdout.contains(THIRD),
        "the walk stops at the failure: {stdout}"
    );
    let error = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_default();
    assert!(error.contains(&format!("revision {SECOND}")), "{stderr}");
    assert!(error.contains("ix_users_name"), "{stderr}");
    assert!(stderr.contains("2 of 3 revision(s) checked"), "{stderr}");
}

#[test]
fn several_heads_are_refused_with_a_merge_hint() {
    let p = Project::new("sqlite:///unused.db", "");
    p.revision(FIRST, &[], "SELECT 1;", Some("SELECT 1;"));
    p.revision(SECOND, &[FIRST], "SELECT 1;", Some("SELECT 1;"));
    p.revision(THIRD, &[FIRST], "SELECT 1;", Some("SELECT 1;"));
    let (code, stdout, stderr) = run(&p, &["test"]);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stderr.contains("exactly one head"), "{stderr}");
    assert!(
        stderr.contains(SECOND) && stderr.contains(THIRD),
        "{stderr}"
    );
    assert!(stderr.contains("aludel merge heads"), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
}

#[test]
fn a_merged_diamond_passes() {
    let p = Project::new("sqlite:///unused.db", "");
    const MERGE: &str = "dddd00000004";
    p.revision(
        FIRST,
        &[],
        "CREATE TABLE a (id INTEGER PRIMARY KEY);",
        Some("DROP TABLE a;"),
    );
    p.revision(
        SECOND,
        &[FIRST],
        "CREATE TABLE b (id INTEGER PRIMARY KEY);",
        Some("DROP TABLE b;"),
    );
    p.revision(
        THIRD,
        &[FIRST],
        "CREATE TABLE c (id INTEGER PRIMARY KEY);",
        Some("DROP TABLE c;"),
    );
    p.revision(
        MERGE,
        &[SECOND, THIRD],
        "CREATE TABLE d (id INTEGER PRIMARY KEY);",
        Some("DROP TABLE d;"),
    );
    let (code, stdout, stderr) = run(&p, &["test"]);
    assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
    for id in [FIRST, SECOND, THIRD, MERGE] {
        assert!(
            stdout.contains(&format!("ok   {id} up/down/up")),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("Stairway test passed: 4 revision(s)"),
        "{stdout}"
    );
}

#[test]
fn models_that_differ_from_the_migrations_fail_the_test() {
    let p = Project::new("sqlite:///unused.db", "models = [\"schema/*.sql\"]");
    std::fs::create_dir_all(p.path().join("schema")).unwrap();
    std::fs::write(
        p.path().join("schema/users.sql"),
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL, phone VARCHAR(20));\n",
    )
    .unwrap();
    p.revision(
        FIRST,
        &[],
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);",
        Some("DROP TABLE users;"),
    );
    let (code, stdout, stderr) = run(&p, &["test"]);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains(&format!("ok   {FIRST} up/down/up")),
        "{stdout}"
    );
    assert!(stdout.contains("FAIL models differ"), "{stdout}");
    assert!(stderr.contains("users.phone"), "{stderr}");

    // Once a migration adds the column, the models match.
    p.revision(
        SECOND,
        &[FIRST],
        "ALTER TABLE users ADD COLUMN phone VARCHAR(20);",
        Some("ALTER TABLE users DROP COLUMN phone;"),
    );
    let stdout = p.ok(&["test"]);
    assert!(
        stdout.contains("ok   models match the database at head"),
        "{stdout}"
    );
}

#[test]
fn test_url_runs_on_every_dialect_and_refuses_a_used_database() {
    each_dialect("stairway_url", |db| {
        let p = passing_project("sqlite:///unused.db", "");
        if db.kind == support::Kind::Sqlite || db.kind == support::Kind::Postgres {
            p.revision(
                SECOND,
                &[FIRST],
                "CREATE INDEX ix_users_name ON users (name);",
                Some("DROP INDEX ix_users_name;"),
            );
        }
        let (code, stdout, stderr) = run(&p, &["test", "--url", &db.url]);
        assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
        assert!(
            stdout.contains(&format!("ok   {SECOND} up/down/up")),
            "{stdout}"
        );
        assert!(
            stdout.contains("Stairway test passed: 3 revision(s)"),
            "{stdout}"
        );
        // The test leaves the database at head, with its rows.
        assert_eq!(db.versions(), [THIRD]);
        assert_eq!(db.column("SELECT name FROM users"), ["ann"]);

        // A database with a revision applied is not a scratch database: refused untouched.
        let (code, _, stderr) = run(&p, &["test", "--url", &db.url]);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains("empty scratch database"), "{stderr}");
        assert_eq!(db.versions(), [THIRD]);
    });
}
