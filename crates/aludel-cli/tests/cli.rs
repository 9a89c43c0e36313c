//! The command line on SQLite: init, revision writing, configuration, and every bad input the
//! design names.

mod support;

use support::{Kind, Project, TestDb};

fn sqlite_project() -> (TestDb, Project) {
    let db = TestDb::new(Kind::Sqlite, "cli").unwrap();
    let p = Project::new(&db.url, "");
    (db, p)
}

#[test]
fn init_then_revisions_then_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("aludel")
            .unwrap()
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(run(&["init", "migrations"]).0, Some(0));
    assert!(dir.path().join("aludel.toml").is_file());
    let (code, _, err) = run(&["init", "migrations"]);
    assert_eq!(code, Some(1), "{err}");
    let (code, first, err) = run(&["revision", "-m", "Add user table"]);
    assert_eq!(code, Some(0), "{err}");
    let first = first.trim().to_string();
    assert!(first.ends_with("_add_user_table.sql"), "{first}");
    let text = std::fs::read_to_string(&first).unwrap();
    assert!(
        text.contains("-- message = \"Add user table\"") && text.contains("-- migrate:upgrade"),
        "{text}"
    );
    std::fs::write(
        &first,
        text.replace(
            "-- migrate:upgrade\n",
            "-- migrate:upgrade\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n",
        ),
    )
    .unwrap();
    let (code, second, _) = run(&["revision", "-m", "second", "--rev-id", "abc123"]);
    assert_eq!(code, Some(0));
    assert!(
        std::fs::read_to_string(second.trim())
            .unwrap()
            .contains("-- down_revision = \""),
        "second revision has a parent"
    );
    let (code, _, err) = run(&["upgrade", "head"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("Running upgrade  -> ")
            && err.contains("Running upgrade ")
            && err.contains("-> abc123, second"),
        "{err}"
    );
    assert!(
        dir.path().join("app.db").is_file(),
        "the default URL is sqlite:///./app.db beside aludel.toml"
    );
    let sub = dir.path().join("migrations");
    let out = assert_cmd::Command::cargo_bin("aludel")
        .unwrap()
        .current_dir(&sub)
        .args(["current"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "abc123 (head)\n",
        "works from a subdirectory"
    );
}

#[test]
fn revision_head_and_splice_rules() {
    let (_db, p) = sqlite_project();
    p.revision("aaaa00000001", &[], "SELECT 1;", Some(""));
    p.revision("bbbb00000002", &["aaaa00000001"], "SELECT 1;", Some(""));
    let err = p.fails(&["revision", "-m", "x", "--head", "aaaa"], 1);
    assert!(
        err.contains("not a head revision") && err.contains("--splice"),
        "{err}"
    );
    let path = p.ok(&[
        "revision",
        "-m",
        "branch",
        "--head",
        "aaaa",
        "--splice",
        "--branch-label",
        "feature",
    ]);
    let text = std::fs::read_to_string(path.trim()).unwrap();
    assert!(
        text.contains("-- down_revision = \"aaaa00000001\"") && text.contains("feature"),
        "{text}"
    );
    let err = p.fails(&["revision", "-m", "x"], 1);
    assert!(err.to_lowercase().contains("multiple heads"), "{err}");
    p.ok(&["revision", "-m", "new root", "--head", "base"]);
    let err = p.fails(&["revision", "-m", "x", "--rev-id", "bad-id"], 1);
    assert!(err.contains("bad-id"), "{err}");
}

#[test]
fn rev_id_longer_than_an_adopted_alembic_table_allows_is_refused() {
    let (db, p) = sqlite_project();
    std::fs::write(p.path().join("aludel.toml"), format!("[aludel]\nscript_location = \"migrations\"\nurl = \"{}\"\nversion_table = \"alembic_version\"\n", db.url)).unwrap();
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE users (id INTEGER);",
        Some("DROP TABLE users;"),
    );
    p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        "CREATE TABLE orders (id INTEGER);",
        Some("DROP TABLE orders;"),
    );
    // A database that Alembic migrated: its own table layout, at the first revision.
    let path = db.url.trim_start_matches("sqlite:///").to_string();
    let status = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('aaaa00000001'); CREATE TABLE users (id INTEGER);")
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(p.ok(&["current"]), "aaaa00000001\n");
    p.ok(&["upgrade", "head"]);
    assert_eq!(
        db.column("SELECT version_num FROM alembic_version"),
        ["bbbb00000002"]
    );
    let long = "f".repeat(40);
    let err = p.fails(&["revision", "-m", "x", "--rev-id", &long], 1);
    assert!(err.contains("at most 32"), "{err}");
}

#[test]
fn broken_files_are_errors_naming_file_and_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "-- message = \"x\"\n-- revision = \"aaaa\"\n-- down_revision = [oops\n-- migrate:upgrade\nSELECT 1;\n",
            ":3",
            "header",
        ),
        (
            "-- message = \"no id\"\n-- migrate:upgrade\nSELECT 1;\n",
            "",
            "revision",
        ),
        (
            "-- revision = \"aaaa\"\n-- down_revision = \"zzzz\"\n-- migrate:upgrade\nSELECT 1;\n",
            "",
            "zzzz",
        ),
    ];
    for (text, line, word) in cases {
        let (_db, p) = sqlite_project();
        let file = p.versions_dir().join("broken.sql");
        std::fs::write(&file, text).unwrap();
        let err = p.fails(&["history"], 1);
        assert!(err.contains(word), "{word}: {err}");
        if !line.is_empty() {
            assert!(err.contains(&format!("{}{line}", file.display())), "{err}");
        }
    }
}

#[test]
fn graph_errors() {
    let (_db, p) = sqlite_project();
    p.revision("aaaa00000001", &[], "SELECT 1;", Some(""));
    std::fs::write(
        p.versions_dir().join("copy.sql"),
        std::fs::read_to_string(p.versions_dir().join("aaaa00000001.sql")).unwrap(),
    )
    .unwrap();
    let err = p.fails(&["heads"], 1);
    assert!(err.contains("aaaa00000001"), "duplicate id: {err}");
    std::fs::remove_file(p.versions_dir().join("copy.sql")).unwrap();
    p.revision("aaaa00000002", &["aaaa00000001"], "SELECT 1;", Some(""));
    let err = p.fails(&["show", "aaaa"], 1);
    assert!(
        err.contains("aaaa00000001") && err.contains("aaaa00000002"),
        "ambiguous prefix lists candidates: {err}"
    );
    let err = p.fails(&["show", "ffff"], 1);
    assert!(err.contains("ffff"), "{err}");
    p.revision("cyc100000001", &["cyc200000002"], "SELECT 1;", Some(""));
    p.revision("cyc200000002", &["cyc100000001"], "SELECT 1;", Some(""));
    let err = p.fails(&["heads"], 1);
    assert!(err.to_lowercase().contains("cycle"), "{err}");
}

#[test]
fn bad_urls_are_reported_with_the_password_masked() {
    let (_db, p) = sqlite_project();
    p.revision("aaaa00000001", &[], "SELECT 1;", Some(""));
    let err = p.fails(
        &["--url", "postgresql://bob:s3cret@127.0.0.1:1/db", "current"],
        1,
    );
    assert!(err.contains("***") && !err.contains("s3cret"), "{err}");
    let err = p.fails(&["current", "--url", "oracle://bob:s3cret@host/db"], 1);
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn usage_errors_exit_2_and_global_flags_go_anywhere() {
    let (_db, p) = sqlite_project();
    p.revision("aaaa00000001", &[], "SELECT 1;", Some(""));
    p.fails(&["upgrade"], 2);
    p.fails(&["no-such-command"], 2);
    p.ok(&["heads", "-q"]);
    p.ok(&["-q", "heads"]);
    let out = p.ok(&["upgrade", "head", "-q"]);
    assert!(out.is_empty());
}

#[test]
fn config_environments_and_dotenv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("migrations/versions")).unwrap();
    std::fs::write(
        dir.path().join("aludel.toml"),
        "[aludel]\nscript_location = \"migrations\"\nurl = \"${DATABASE_URL:-sqlite:///./dev.db}\"\n\n[environments.production]\nurl = \"${PROD_URL}\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), "PROD_URL=sqlite:///./prod.db\n").unwrap();
    std::fs::write(
        dir.path().join("migrations/versions/a.sql"),
        "-- revision = \"aaaa00000001\"\n-- migrate:upgrade\nCREATE TABLE x (id INTEGER);\n",
    )
    .unwrap();
    let aludel = || {
        let mut c = assert_cmd::Command::cargo_bin("aludel").unwrap();
        c.current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("ALUDEL_ENV")
            .env_remove("ENVIRONMENT")
            .env_remove("PROD_URL");
        c
    };
    assert!(
        aludel()
            .args(["upgrade", "head"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(dir.path().join("dev.db").is_file());
    assert!(
        aludel()
            .args(["--env", "production", "upgrade", "head"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(dir.path().join("prod.db").is_file(), ".env fills PROD_URL");
    let out = aludel()
        .env("PROD_URL", "sqlite:///./override.db")
        .env("ALUDEL_ENV", "production")
        .args(["upgrade", "head"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        dir.path().join("override.db").is_file(),
        ".env never overrides the environment"
    );
    let out = aludel()
        .env("ALUDEL_ENV", "prod")
        .args(["current"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a typo in the environment name is an error"
    );
}

#[test]
fn backup_copies_the_sqlite_file() {
    let (db, p) = sqlite_project();
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE x (id INTEGER);\nINSERT INTO x VALUES (42);",
        Some("DROP TABLE x;"),
    );
    p.ok(&["upgrade", "head"]);
    p.revision("bbbb00000002", &["aaaa00000001"], "DROP TABLE x;", None);
    p.ok(&["upgrade", "head", "--backup"]);
    let path = db.url.trim_start_matches("sqlite:///").to_string();
    let dir = std::path::Path::new(&path).parent().unwrap();
    let backup = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".bak"))
        .expect("a backup file");
    let out = std::process::Command::new("sqlite3")
        .arg(&backup)
        .arg("SELECT id FROM x")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "42");
}

#[test]
fn graph_prints_dot_and_mermaid() {
    let (_db, p) = sqlite_project();
    p.revision("aaaa00000001", &[], "SELECT 1;", Some(""));
    p.revision("bbbb00000002", &["aaaa00000001"], "SELECT 1;", Some(""));
    assert!(
        p.ok(&["graph"])
            .contains("\"bbbb00000002\" -> \"aaaa00000001\"")
    );
    assert!(
        p.ok(&["graph", "--format", "mermaid"])
            .contains("rbbbb00000002 --> raaaa00000001")
    );
}

#[test]
fn ensure_version_creates_the_tables() {
    let (db, p) = sqlite_project();
    assert!(
        p.ok(&["ensure_version", "--sql"])
            .contains("CREATE TABLE IF NOT EXISTS \"aludel_version\"")
    );
    p.ok(&["ensure_version"]);
    assert!(db.has_table("aludel_version") && db.has_table("aludel_history"));
}

#[test]
fn read_commands_print_json() {
    let (_db, p) = sqlite_project();
    p.revision("aaaa00000001", &[], "SELECT 1;", Some(""));
    p.revision_with(
        "b1b1b1b1b1b1",
        &["aaaa00000001"],
        "-- branch_labels = [\"left\"]",
        "SELECT 1;",
        Some(""),
    );
    p.revision_with(
        "b2b2b2b2b2b2",
        &["aaaa00000001"],
        "-- depends_on = [\"b1b1\"]",
        "SELECT 1;",
        Some(""),
    );
    p.ok(&["upgrade", "b1b1b1b1b1b1"]);
    let parse = |args: &[&str]| -> serde_json::Value { serde_json::from_str(&p.ok(args)).unwrap() };
    let heads = parse(&["heads", "--json"]);
    assert_eq!(heads["heads"].as_array().unwrap().len(), 2);
    let history = parse(&["history", "--json", "-i"]);
    let revs = history["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 3);
    assert!(revs.iter().any(|r| r["revision"] == "b1b1b1b1b1b1"
        && r["is_current"] == true
        && r["branch_labels"][0] == "left"));
    let branches = parse(&["branches", "--json"]);
    assert_eq!(
        branches["branchpoints"][0]["revision"]["revision"],
        "aaaa00000001"
    );
    let show = parse(&["show", "left@head", "--json"]);
    assert_eq!(show["revisions"][0]["revision"], "b1b1b1b1b1b1");
    let status = parse(&["status", "--json"]);
    assert_eq!(status["pending"], serde_json::json!(["b2b2b2b2b2b2"]));
    assert_eq!(status["current"], serde_json::json!(["b1b1b1b1b1b1"]));
    let show = p.ok(&["show", "b2b2"]);
    assert!(
        show.contains("Also depends on: b1b1\n"),
        "as written, like Alembic: {show}"
    );
    let deps = p.ok(&["heads", "--resolve-dependencies"]);
    assert!(deps.contains("b2b2b2b2b2b2"), "{deps}");
}

#[test]
fn edit_opens_the_revision_in_the_editor() {
    let (_db, p) = sqlite_project();
    let file = p.revision("aaaa00000001", &[], "SELECT 1;", Some(""));
    let out = p
        .cmd()
        .env("EDITOR", "sh -c 'echo -- edited >> \"$0\"'")
        .env_remove("VISUAL")
        .args(["edit", "aaaa"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .ends_with("-- edited\n")
    );
    let out = p
        .cmd()
        .env("EDITOR", "false")
        .env_remove("VISUAL")
        .args(["edit", "aaaa"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn several_version_locations() {
    let db = TestDb::new(Kind::Sqlite, "locations").unwrap();
    let p = Project::new(
        &db.url,
        "version_locations = [\"migrations/versions\", \"plugins/billing\"]",
    );
    std::fs::create_dir_all(p.path().join("plugins/billing")).unwrap();
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE core (id INTEGER);",
        Some("DROP TABLE core;"),
    );
    let billing = p.path().join("plugins/billing");
    let path = p.ok(&[
        "revision",
        "-m",
        "billing root",
        "--head",
        "base",
        "--branch-label",
        "billing",
        "--version-path",
        billing.to_str().unwrap(),
    ]);
    assert!(path.trim().starts_with(billing.to_str().unwrap()), "{path}");
    let second = p.ok(&["revision", "-m", "more billing", "--head", "billing@head"]);
    assert!(
        second.trim().starts_with(billing.to_str().unwrap()),
        "a child goes beside its parent: {second}"
    );
    p.ok(&["upgrade", "heads"]);
    assert_eq!(p.ok(&["heads"]).lines().count(), 2);
    p.ok(&["downgrade", "billing@base"]);
    assert_eq!(db.versions(), ["aaaa00000001"]);
}

#[test]
fn ctrl_c_on_sqlite_rolls_back_the_migration_in_flight() {
    let (db, p) = sqlite_project();
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE before_t (id INTEGER);",
        Some("DROP TABLE before_t;"),
    );
    let long = "CREATE TABLE during_t (id INTEGER);\nINSERT INTO during_t VALUES (1);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) FROM c;";
    p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        long,
        Some("DROP TABLE during_t;"),
    );
    let child = p.spawn(&["upgrade", "head"]);
    // Wait until the first migration is recorded, so the long one is in flight.
    let started = std::time::Instant::now();
    while db.versions_if_any() != ["aaaa00000001"] {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the first migration never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted") && err.contains("rolled back"),
        "{err}"
    );
    assert_eq!(db.versions(), ["aaaa00000001"]);
    assert!(
        !db.has_table("during_t"),
        "no trace of the interrupted migration"
    );
    p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        "CREATE TABLE during_t (id INTEGER);",
        Some("DROP TABLE during_t;"),
    );
    p.ok(&["upgrade", "head"]);
    assert_eq!(db.versions(), ["bbbb00000002"]);
}
