//! A transactional revision's own transaction control, and failing migrations that must not
//! run a statement twice (issue 9, items 2 and 4), through the real binary on SQLite and
//! PostgreSQL (MySQL runs migrations outside a transaction, statement by statement).

mod support;

use support::{Kind, Project, TestDb};

/// The databases whose migrations run inside a transaction.
fn each_transactional(test: &str, scenario: impl Fn(&TestDb)) {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        if let Some(db) = TestDb::new(kind, test) {
            eprintln!("-- {test} on {kind:?}");
            scenario(&db);
        }
    }
}

#[test]
fn a_commit_in_a_transactional_revision_is_refused_before_anything_runs() {
    each_transactional("tx_control", |db| {
        let p = Project::new(&db.url, "");
        p.revision("r1", &[], "CREATE TABLE t1 (x INT);", None);
        // Upgrade lines start at 6: `COMMIT` is on line 7, `END` on line 8.
        let r2 = p.revision(
            "r2",
            &["r1"],
            "CREATE TABLE t2 (x INT);\ncommit work;\nEND;",
            None,
        );
        for args in [&["upgrade", "head"][..], &["upgrade", "head", "--sql"][..]] {
            let err = p.fails(args, 1);
            assert!(
                err.contains(&format!("{}:7:", r2.display())) && err.contains("COMMIT"),
                "{args:?}: {err}"
            );
            assert!(
                err.contains("hint:") && err.contains("transactional = false"),
                "{args:?}: {err}"
            );
        }
        assert!(!db.has_table("t1"), "the revision before it did not run");
        assert!(!db.has_table("t2"));
        assert!(db.versions_if_any().is_empty());
    });
}

#[test]
fn blocks_that_begin_and_end_are_not_transaction_control() {
    each_transactional("tx_blocks", |db| {
        let p = Project::new(&db.url, "");
        let body = match db.kind {
            Kind::Sqlite => {
                "CREATE TABLE t (x INT);\nCREATE TABLE log (x INT);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 1 END);\nEND;\nINSERT INTO t VALUES (1);"
            }
            _ => {
                "CREATE TABLE t (x INT);\nCREATE TABLE log (x INT);\nDO $$ BEGIN\n  INSERT INTO log VALUES (CASE WHEN true THEN 1 END);\nEND $$;\nINSERT INTO t VALUES (1);"
            }
        };
        p.revision("r1", &[], body, None);
        p.ok(&["upgrade", "head"]);
        assert_eq!(db.column("SELECT count(*) FROM log"), ["1"]);
        assert_eq!(db.versions(), ["r1"]);
    });
}

#[test]
fn a_failing_sqlite_migration_names_its_line_without_replay() {
    let Some(db) = TestDb::new(Kind::Sqlite, "no_replay_sqlite") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision("r1", &[], "CREATE TABLE t (x INT UNIQUE);", None);
    // A trigger body's `;` and a comment come before the failing statement on line 10.
    let r2 = p.revision(
        "r2",
        &["r1"],
        "CREATE TABLE log (x INT);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (1); END;\nINSERT INTO t VALUES (1); -- first\n\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);",
        None,
    );
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(
        err.contains(&format!(
            "{}:10: statement failed in revision r2: UNIQUE constraint failed: t.x",
            r2.display()
        )),
        "{err}"
    );
    assert!(err.contains("rolled back"), "{err}");
    assert_eq!(db.versions(), ["r1"]);
    assert!(!db.has_table("log"));
    // A statement SQLite cannot prepare.
    let r2 = p.revision(
        "r2",
        &["r1"],
        "CREATE TABLE log (x INT);\nINSERT INTO nowhere VALUES (1);",
        None,
    );
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(
        err.contains(&format!(
            "{}:7: statement failed in revision r2: no such table: nowhere",
            r2.display()
        )),
        "{err}"
    );
}

#[test]
fn a_failing_postgres_migration_advances_a_sequence_once() {
    let Some(db) = TestDb::new(Kind::Postgres, "no_replay_pg") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision("r1", &[], "CREATE SEQUENCE s;", None);
    // Three kinds of failure on line 8: an error with a position (analysis), one without (at
    // execution) and a syntax error, which stops the whole script before anything runs.
    let cases = [
        (
            "INSERT INTO nowhere VALUES (1);",
            "relation \"nowhere\" does not exist",
            1,
        ),
        ("SELECT 1 / 0;", "division by zero", 2),
        ("SELEC 1;", "syntax error", 2),
    ];
    for (failing, message, after) in cases {
        let r2 = p.revision(
            "r2",
            &["r1"],
            &format!(
                "SELECT nextval('s');\nCREATE TABLE t (x INT);\n{failing}\nSELECT nextval('s');"
            ),
            None,
        );
        let err = p.fails(&["upgrade", "head"], 1);
        assert!(
            err.contains(&format!(
                "{}:8: statement failed in revision r2:",
                r2.display()
            )) && err.contains(message),
            "{failing}: {err}"
        );
        assert_eq!(
            db.column("SELECT last_value::text FROM s"),
            [after.to_string()],
            "{failing}: the sequence advanced once per run that reached it"
        );
        assert!(!db.has_table("t"));
        assert_eq!(db.versions(), ["r1"]);
    }
}

/// A template's statements exist only once rendered, so its check comes at its own step: the
/// revisions before it are applied, its own statements are not.
#[test]
fn a_commit_in_a_template_is_refused_at_its_step() {
    let Some(db) = TestDb::new(Kind::Sqlite, "tx_control_template") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision("r1", &[], "CREATE TABLE t1 (x INT);", None);
    let r2 = p.revision_with(
        "r2",
        &["r1"],
        "-- template = true",
        "CREATE TABLE t2 (x INT);\n{{ 'COMMIT' }};",
        None,
    );
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(
        err.contains(&format!("{}:7:", r2.display())) && err.contains("COMMIT"),
        "{err}"
    );
    assert!(err.contains("transactional = false"), "{err}");
    assert_eq!(db.versions(), ["r1"]);
    assert!(!db.has_table("t2"));
}
