//! Autogenerate's safe form on PostgreSQL through the real binary: the generated revision
//! passes `aludel lint`, runs with `upgrade` (outside a transaction where it must), leaves
//! `check` clean and the index valid, and downgrades; `--unsafe` writes the plain form, which
//! lint rejects.

mod support;

use support::{Kind, Project, TestDb};

const A: &str = "CREATE TABLE teams (id INTEGER NOT NULL PRIMARY KEY);\n\
    CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, team INTEGER, email VARCHAR(100), age INTEGER);\n";

const B: &str = "CREATE TABLE teams (id INTEGER NOT NULL PRIMARY KEY);\n\
    CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, team INTEGER REFERENCES teams (id), \
    email VARCHAR(100) NOT NULL, age INTEGER CONSTRAINT users_age_positive CHECK (age > 0));\n\
    CREATE INDEX ix_users_email ON users (email);\n\
    CREATE UNIQUE INDEX ux_users_team_email ON users (team, email);\n";

/// A project at schema A (applied by a first revision), with models B.
fn project(db: &TestDb) -> Project {
    let p = Project::new(&db.url, "models = [\"schema/*.sql\"]");
    std::fs::create_dir_all(p.path().join("schema")).unwrap();
    p.revision(
        "aaaa00000001",
        &[],
        A,
        Some("DROP TABLE users;\nDROP TABLE teams;"),
    );
    p.ok(&["upgrade", "head"]);
    db_seed(db);
    std::fs::write(p.path().join("schema/models.sql"), B).unwrap();
    p
}

fn db_seed(db: &TestDb) {
    db.query("INSERT INTO teams VALUES (1)");
    db.query("INSERT INTO users VALUES (1, 1, 'a@x', 30)");
}

fn generate(p: &Project, extra: &[&str]) -> String {
    let mut args = vec!["revision", "--autogenerate", "-m", "safe"];
    args.extend(extra);
    let path = p.ok(&args).trim().to_string();
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn safe_form_passes_lint_and_runs() {
    let Some(db) = TestDb::new(Kind::Postgres, "safe_autogen") else {
        return;
    };
    let p = project(&db);
    let file = generate(&p, &[]);
    for expected in [
        "-- transactional = false",
        "SET lock_timeout = '5s';",
        "BEGIN;",
        "COMMIT;",
        "CREATE INDEX CONCURRENTLY",
        "CREATE UNIQUE INDEX CONCURRENTLY",
        "NOT VALID;",
        "VALIDATE CONSTRAINT",
        "CHECK (\"email\" IS NOT NULL) NOT VALID;",
        "ALTER COLUMN \"email\" SET NOT NULL;",
        "RESET lock_timeout;",
    ] {
        assert!(file.contains(expected), "missing {expected}:\n{file}");
    }
    let lint = p.cmd().args(["lint"]).output().unwrap();
    assert!(
        lint.status.success(),
        "{}\n{file}",
        String::from_utf8_lossy(&lint.stdout)
    );
    p.ok(&["upgrade", "head"]);
    assert_eq!(p.ok(&["check"]), "No new upgrade operations detected.\n");
    assert_eq!(
        db.column(
            "SELECT string_agg(indisvalid::text, ',') FROM pg_index WHERE indrelid = 'users'::regclass"
        ),
        ["true,true,true"]
    );
    assert_eq!(
        db.column("SELECT string_agg(convalidated::text, ',') FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype IN ('f', 'c')"),
        ["true,true"]
    );
    p.ok(&["downgrade", "-1"]);
    assert_eq!(db.versions(), ["aaaa00000001"]);
    assert_eq!(
        db.column("SELECT is_nullable::text FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'"),
        ["YES"]
    );
    assert_eq!(
        db.column("SELECT count(*)::text FROM pg_index WHERE indrelid = 'users'::regclass"),
        ["1"]
    );
    assert_eq!(db.column("SELECT count(*)::text FROM users"), ["1"]);
}

#[test]
fn unsafe_writes_the_plain_form_which_lint_rejects() {
    let Some(db) = TestDb::new(Kind::Postgres, "unsafe_autogen") else {
        return;
    };
    let p = project(&db);
    let file = generate(&p, &["--unsafe"]);
    assert!(!file.contains("transactional = false"), "{file}");
    assert!(!file.contains("CONCURRENTLY"), "{file}");
    assert!(file.contains("CREATE INDEX \"ix_users_email\""), "{file}");
    let lint = p.cmd().args(["lint"]).output().unwrap();
    assert_eq!(lint.status.code(), Some(1));
    let out = String::from_utf8_lossy(&lint.stdout);
    assert!(out.contains("error[create-index-non-concurrent]"), "{out}");
    assert!(out.contains("error[add-foreign-key]"), "{out}");
    p.ok(&["upgrade", "head"]);
    assert_eq!(p.ok(&["check"]), "No new upgrade operations detected.\n");
}
