//! Issue 10: the rough edges a new user hit following the Alembic guide and adopting an existing
//! database: closed pipes, flags after `stamp`'s revisions, revisions no file has, a database
//! with only Alembic's table, `current` as Alembic lists it, `--help` examples, and `graph`
//! marks rendered by Graphviz.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};

use support::{Kind, Project, TestDb};

fn sqlite_project() -> (TestDb, Project) {
    let db = TestDb::new(Kind::Sqlite, "everyday").unwrap();
    let p = Project::new(&db.url, "");
    (db, p)
}

/// Two revisions on one branch: a1 -> b2.
fn two_revisions(p: &Project) {
    p.revision(
        "a1",
        &[],
        "CREATE TABLE t1 (x INTEGER);",
        Some("DROP TABLE t1;"),
    );
    p.revision(
        "b2",
        &["a1"],
        "CREATE TABLE t2 (x INTEGER);",
        Some("DROP TABLE t2;"),
    );
}

/// Runs `aludel ARGS | head -c BYTES` and returns aludel's exit status and stderr.
fn into_closed_pipe(p: &Project, args: &[&str], bytes: usize) -> (Option<i32>, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("aludel"))
        .current_dir(p.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0u8; bytes];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn output_into_a_pipe_closed_early_ends_quietly() {
    let (_db, p) = sqlite_project();
    // Enough revisions that the output outgrows the pipe's buffer.
    let mut down: Vec<String> = Vec::new();
    for i in 0..400 {
        let id = format!("r{i:04}");
        let parents: Vec<&str> = down.iter().map(String::as_str).collect();
        p.revision(&id, &parents, "SELECT 1;", Some("SELECT 1;"));
        down = vec![id];
    }
    p.ok(&["upgrade", "r0100"]);
    for args in [
        &["upgrade", "head", "--sql"][..],
        &["status"],
        &["history", "--json"],
        &["history", "-v"],
    ] {
        let (code, stderr) = into_closed_pipe(&p, args, 10);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(code, Some(101), "{args:?}: {stderr}");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn stamp_takes_its_flags_after_the_revisions() {
    let (db, p) = sqlite_project();
    two_revisions(&p);
    let sql = p.ok(&["stamp", "head", "--sql"]);
    assert!(sql.contains("b2"), "{sql}");
    assert!(db.versions_if_any().is_empty(), "--sql wrote nothing");
    p.ok(&["stamp", "a1", "-q"]);
    assert_eq!(db.versions(), ["a1"]);
    p.ok(&["stamp", "heads", "--purge"]);
    assert_eq!(db.versions(), ["b2"]);
    p.ok(&["stamp", "base", "-q"]);
    assert!(db.versions().is_empty());
}

#[test]
fn a_revision_no_file_has_is_named_by_reads_and_stamp_purge_gets_out() {
    let (db, p) = sqlite_project();
    two_revisions(&p);
    p.ok(&["upgrade", "head"]);
    db.query("UPDATE aludel_version SET version_num = 'gone99'");
    let current = p.cmd().arg("current").output().unwrap();
    assert!(current.status.success());
    assert!(String::from_utf8_lossy(&current.stdout).contains("gone99"));
    assert!(String::from_utf8_lossy(&current.stderr).contains("no migration file has"));
    let history = p.ok(&["history", "-i"]);
    assert!(history.contains("b2"), "{history}");
    let status = p.ok(&["status"]);
    assert!(status.contains("Unknown: gone99"), "{status}");
    assert!(status.contains("stamp --purge"), "{status}");
    p.fails(&["status", "--exit-code"], 1);
    let refused = p.fails(&["upgrade", "head"], 1);
    assert!(
        refused.contains("gone99") && refused.contains("stamp --purge"),
        "{refused}"
    );
    // Without --purge a stamp cannot move a row it cannot place, as in Alembic.
    p.fails(&["stamp", "a1"], 1);
    p.ok(&["stamp", "--purge", "b2"]);
    assert_eq!(db.versions(), ["b2"]);
    p.ok(&["downgrade", "base"]);
    assert!(db.versions().is_empty() && !db.has_table("t1"));
}

#[test]
fn reads_work_on_a_database_that_has_only_alembics_table() {
    let db = TestDb::new(Kind::Sqlite, "alembic_only").unwrap();
    let p = Project::new(&db.url, "version_table = \"alembic_version\"");
    two_revisions(&p);
    db.query("CREATE TABLE t1 (x INTEGER)");
    db.query("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)");
    db.query("INSERT INTO alembic_version VALUES ('a1')");
    let status = p.ok(&["status"]);
    assert!(
        status.contains("Current: a1") && status.contains("b2"),
        "{status}"
    );
    p.ok(&["status", "--json"]);
    assert_eq!(p.ok(&["current"]).trim(), "a1");
    p.ok(&["history", "-i"]);
    assert!(!db.has_table("aludel_history"), "reads write nothing");
    p.ok(&["upgrade", "head"]);
    assert!(
        db.has_table("aludel_history"),
        "the first write adds aludel's own table"
    );
    assert_eq!(p.ok(&["current"]).trim(), "b2 (head)");
}

#[test]
fn current_lists_what_was_applied_as_a_dependency_and_verbose_names_the_database() {
    let (_db, p) = sqlite_project();
    // b1 depends on x1, another root: upgrading to b1 applies x1 only as its dependency.
    p.revision("a1", &[], "SELECT 1;", Some("SELECT 1;"));
    p.revision("x1", &[], "SELECT 1;", Some("SELECT 1;"));
    p.revision_with(
        "b1",
        &["a1"],
        "-- depends_on = [\"x1\"]",
        "SELECT 1;",
        Some("SELECT 1;"),
    );
    p.ok(&["upgrade", "b1"]);
    let mut current: Vec<String> = p.ok(&["current"]).lines().map(String::from).collect();
    current.sort();
    assert_eq!(current, ["b1 (head)", "x1 (effective head)"]);
    let heads = p.ok(&["heads"]);
    assert!(heads.contains("x1 (effective head)"), "{heads}");
    let verbose = p.ok(&["current", "-v"]);
    let first = verbose.lines().next().unwrap();
    assert!(
        first.starts_with("Current revision(s) for sqlite:///") && first.ends_with(':'),
        "{verbose}"
    );
}

#[test]
fn every_help_ends_with_examples() {
    let (_db, p) = sqlite_project();
    let commands = [
        "init",
        "revision",
        "upgrade",
        "downgrade",
        "current",
        "history",
        "heads",
        "branches",
        "show",
        "stamp",
        "merge",
        "check",
        "edit",
        "ensure_version",
        "status",
        "repair",
        "test",
        "lint",
        "graph",
        "import",
    ];
    for command in commands {
        let help = p.ok(&[command, "--help"]);
        let (_, examples) = help
            .rsplit_once("Examples:\n")
            .unwrap_or_else(|| panic!("{command} --help has no examples:\n{help}"));
        let lines: Vec<&str> = examples.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!((1..=3).contains(&lines.len()), "{command}: {examples}");
        for line in lines {
            assert!(line.contains("aludel "), "{command}: {line}");
        }
    }
}

/// Runs `program ARGS` with `input` on its stdin; `Err` when the program cannot be started.
fn pipe_into(program: &str, args: &[&str], input: &str) -> std::io::Result<std::process::Output> {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child.stdin.take().unwrap().write_all(input.as_bytes())?;
    child.wait_with_output()
}

/// `dot -Tsvg` of the graph's output, or `None` (with a notice) without Graphviz; CI installs it.
fn render_svg(dot_source: &str) -> Option<String> {
    let out = match pipe_into("dot", &["-Tsvg"], dot_source) {
        Ok(out) => out,
        Err(e) => {
            let required = std::env::var("ALUDEL_REQUIRE_SERVERS").is_ok_and(|v| v == "1");
            assert!(!required, "Graphviz's dot is needed: {e}");
            eprintln!("skipped: no Graphviz dot ({e})");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "dot refused the graph: {}\n{dot_source}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn graph_marks_heads_labels_and_where_the_database_is() {
    let (db, p) = sqlite_project();
    p.revision("a1", &[], "SELECT 1;", Some("SELECT 1;"));
    p.revision_with(
        "b1",
        &["a1"],
        "-- branch_labels = [\"billing\"]",
        "SELECT 1;",
        Some("SELECT 1;"),
    );
    p.revision("c1", &["a1"], "SELECT 1;", Some("SELECT \"quoted\";"));
    // Before the database exists: no current mark, and no empty database file created.
    let before = p.ok(&["graph"]);
    assert!(!before.contains("current"), "{before}");
    assert!(db.versions_if_any().is_empty());
    p.ok(&["upgrade", "b1"]);
    let dot = p.ok(&["graph"]);
    let Some(svg) = render_svg(&dot) else { return };
    // Graphviz puts each line of a label in its own <text> element.
    for text in ["b1", "(head, @billing, current)", "c1", "(head)", "a1"] {
        assert!(
            svg.contains(&format!(">{text}</text>")),
            "{text} in\n{svg}\n{dot}"
        );
    }
    let mermaid = p.ok(&["graph", "--format", "mermaid"]);
    assert!(mermaid.contains("(head, @billing, current)"), "{mermaid}");
}

#[test]
fn a_url_that_names_a_sqlite_file_without_three_slashes_is_an_error() {
    let (_db, p) = sqlite_project();
    two_revisions(&p);
    for url in ["sqlite:/x.db", "sqlite://x.db", "sqlite:x.db"] {
        let out = p
            .cmd()
            .env("DATABASE_URL", url)
            .args(["--url", url, "upgrade", "head"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("sqlite:///relative/path.db"), "{stderr}");
        assert!(!p.path().join("x.db").exists(), "{url} created ./x.db");
    }
}

#[test]
fn init_makes_the_schema_folder_and_test_skips_models_without_files() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(assert_cmd::cargo::cargo_bin("aludel"))
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["init", "migrations"]).status.success());
    assert!(dir.path().join("schema").is_dir());
    assert!(run(&["revision", "-m", "first"]).status.success());
    let test = run(&["test"]);
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(
        test.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&test.stderr)
    );
    assert!(
        stdout.contains("models not compared") && stdout.contains("schema/**/*.sql"),
        "{stdout}"
    );
    assert!(run(&["upgrade", "head"]).status.success());
    let check = run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("hint: write the desired schema") && stderr.contains("schema/"),
        "{stderr}"
    );
}

#[test]
fn test_runs_on_the_projects_own_server_dialect() {
    support::each_server("stairway_dialect", |db| {
        let p = Project::new(&db.url, "");
        // Statements SQLite cannot run: the stairway must run on the project's own dialect.
        let (up, down) = match db.kind {
            Kind::Postgres => (
                "CREATE TABLE t (id serial PRIMARY KEY, doc jsonb NOT NULL DEFAULT '{}'::jsonb);",
                "DROP TABLE t;",
            ),
            _ => (
                "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;",
                "DROP TABLE t;",
            ),
        };
        p.revision("a1", &[], up, Some(down));
        let out = p.cmd().arg("test").output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}{stderr}");
        assert!(stdout.contains("ok   a1 up/down/up"), "{stdout}");
        let scheme = match db.kind {
            Kind::Postgres => "Stairway test on postgresql://",
            _ => "Stairway test on mysql://",
        };
        assert!(stderr.contains(scheme), "{stderr}");
        // The project's own database is not the scratch database.
        assert!(!db.has_table("aludel_version") && !db.has_table("t"));
    });
}

#[test]
fn a_failed_downgrade_says_the_revision_is_still_applied() {
    let (db, p) = sqlite_project();
    two_revisions(&p);
    // b2's downgrade fails on its second statement.
    let b2 = p.versions_dir().join("b2.sql");
    let text = std::fs::read_to_string(&b2).unwrap();
    std::fs::write(&b2, text + "DROP TABLE no_such_table;\n").unwrap();
    p.revision_with(
        "c3",
        &["b2"],
        "-- transactional = false",
        "CREATE TABLE t3 (x INTEGER);",
        Some("DROP TABLE t3;\nDROP TABLE no_such_table;"),
    );
    p.ok(&["upgrade", "head"]);
    // Outside a transaction: the first statement stays done, the revision stays recorded.
    let err = p.fails(&["downgrade", "-1"], 1);
    assert!(
        err.contains("revision c3 is still recorded as applied") && err.contains("DROP TABLE t3"),
        "{err}"
    );
    assert!(!err.contains("not recorded as applied"), "{err}");
    assert_eq!(db.versions(), ["c3"]);
    p.ok(&["stamp", "b2"]);
    // In a transaction: rolled back, still at b2.
    let err = p.fails(&["downgrade", "-1"], 1);
    assert!(
        err.contains("the downgrade was rolled back: the database and the version table are still at revision b2"),
        "{err}"
    );
    assert!(!err.contains("as before revision"), "{err}");
    assert_eq!(db.versions(), ["b2"]);
    assert!(db.has_table("t2"));
}

#[test]
fn hints_where_a_user_is_stuck() {
    let (_db, p) = sqlite_project();
    two_revisions(&p);
    p.ok(&["upgrade", "head"]);
    let err = p.fails(&["upgrade", "+1"], 1);
    assert!(err.contains("hint: no revision is that far above"), "{err}");
    p.revision("c3", &["a1"], "SELECT 1;", Some("SELECT 1;"));
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(
        err.contains("`aludel upgrade heads`") && err.contains("`aludel merge heads"),
        "{err}"
    );
    // Nothing listens on port 1: the hint names the address the URL means.
    let err = p.fails(&["--url", "postgresql://u@127.0.0.1:1/x", "current"], 1);
    assert!(
        err.contains("hint: is the server running at 127.0.0.1:1?"),
        "{err}"
    );
    let err = p.fails(&["--url", "mysql://u@127.0.0.1:1/x", "current"], 1);
    assert!(
        err.contains("hint: is the server running at 127.0.0.1:1?"),
        "{err}"
    );
}

#[test]
fn an_offline_mysql_script_runs_in_the_mariadb_client_as_printed() {
    let Some(db) = TestDb::new(Kind::MySql, "offline_delimiter") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision(
        "a1",
        &[],
        "CREATE TABLE t (x INT, y INT);\n\
         CREATE TRIGGER t_copy BEFORE INSERT ON t FOR EACH ROW\n\
         BEGIN\n    SET NEW.y = NEW.x * 2;\n    SET NEW.x = NEW.x + 0;\nEND;\n\
         INSERT INTO t (x) VALUES (21);",
        Some("DROP TRIGGER t_copy;\nDROP TABLE t;"),
    );
    let script = p.ok(&["upgrade", "head", "--sql"]);
    assert!(script.contains("DELIMITER $$"), "{script}");
    let out = pipe_into(
        "mariadb",
        &["-h", "127.0.0.1", "-P", "3306", "-u", "root", db.name()],
        &script,
    )
    .expect("the mariadb client");
    assert!(
        out.status.success(),
        "mariadb refused the script: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(db.column("SELECT y FROM t"), ["42"]);
    assert_eq!(db.versions(), ["a1"]);
}
