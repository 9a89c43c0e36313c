//! A migration is applied once or not at all, whatever happens to other sessions: the
//! version table's changes are checked row by row, and a run that loses its lock stops.

mod support;

use std::process::Output;
use std::time::{Duration, Instant};

use support::{Kind, Project, TestDb, each_dialect, each_server};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits for a spawned run, failing the test if it takes longer than `within`.
fn wait_bounded(mut child: std::process::Child, within: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > within {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the run did not finish in time\nstderr: {}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A project with an `audit` table (a1) and two revisions that each log themselves there; a2
/// then runs `a2_tail`.
fn audited(db: &TestDb, a2_tail: &str) -> Project {
    let p = Project::new(&db.url, "lock_timeout = 10");
    p.revision("a1", &[], "CREATE TABLE audit (rev VARCHAR(40));", None);
    p.revision(
        "a2",
        &["a1"],
        &format!("INSERT INTO audit VALUES ('a2');\n{a2_tail}"),
        None,
    );
    p.revision("a3", &["a2"], "INSERT INTO audit VALUES ('a3');", None);
    p
}

/// A pause of 1.5 s in a2, long enough to act on the run while it waits.
fn pause_sql(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => "SELECT pg_sleep(1.5);",
        _ => "SELECT SLEEP(1.5);",
    }
}

/// Waits until a2's sleep runs on the server.
fn wait_for_sleep(db: &TestDb) {
    let sql = match db.kind {
        Kind::Postgres => format!(
            "SELECT 1 FROM pg_stat_activity WHERE datname = '{}' AND query LIKE '%pg_sleep(1.5)%' AND pid <> pg_backend_pid()",
            db.name()
        ),
        _ => format!(
            "SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = '{}' AND INFO LIKE '%SLEEP(1.5)%' AND ID <> CONNECTION_ID()",
            db.name()
        ),
    };
    assert!(
        db.wait_for_row(&sql, Duration::from_secs(10)),
        "a2 never started"
    );
}

/// Ends the session that holds the run's migration lock, as an operator or a server timeout
/// would, while the run goes on on its own connection.
fn kill_lock_session(db: &TestDb) {
    match db.kind {
        Kind::Postgres => {
            // The session lock's holder: an advisory lock in this database held by a session
            // that is not the one running the migration.
            let killed = db.column(&format!(
                "SELECT pg_terminate_backend(l.pid)::text FROM pg_locks l \
                 JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'advisory' AND a.datname = '{}' AND a.query NOT LIKE '%pg_sleep%'",
                db.name()
            ));
            assert_eq!(killed, ["true"], "one lock session ended");
        }
        _ => {
            let id = db.column(&format!(
                "SELECT CAST(IS_USED_LOCK('aludel:{}.aludel_version') AS CHAR)",
                db.name()
            ));
            db.query(&format!("KILL {}", id[0]));
        }
    }
}

fn audit(db: &TestDb) -> Vec<String> {
    db.column("SELECT rev FROM audit ORDER BY rev")
}

fn history(db: &TestDb) -> Vec<String> {
    db.column("SELECT revision FROM aludel_history ORDER BY id")
}

#[test]
fn a_version_row_removed_under_a_run_fails_the_migration() {
    each_dialect("version_row_removed", |db| {
        let p = audited(db, "DELETE FROM aludel_version;");
        p.ok(&["upgrade", "a1"]);
        let err = p.fails(&["upgrade", "head"], 1);
        assert!(
            err.contains(
                "the version table changed under this run: expected revision a1 to be recorded while recording a2, found no revision"
            ),
            "{err}"
        );
        assert!(err.contains("another run may have applied it"), "{err}");
        // The bookkeeping's transaction was rolled back: no history row for a2.
        assert_eq!(history(db), ["a1"]);
        if db.kind == Kind::MySql {
            // Outside a transaction a2's statements stay, and the error says so.
            assert!(err.contains("stay applied"), "{err}");
            assert_eq!(audit(db), ["a2"]);
            assert!(db.versions().is_empty());
        } else {
            // The migration's transaction was rolled back with it.
            assert!(audit(db).is_empty());
            assert_eq!(db.versions(), ["a1"]);
        }
    });
}

#[test]
fn a_version_row_changed_under_a_run_fails_the_migration() {
    let Some(db) = TestDb::new(Kind::Sqlite, "version_row_changed") else {
        return;
    };
    let p = audited(&db, "UPDATE aludel_version SET version_num = 'a2';");
    p.ok(&["upgrade", "a1"]);
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(
        err.contains("expected revision a1 to be recorded while recording a2, found a2"),
        "{err}"
    );
    assert_eq!(db.versions(), ["a1"]);
    assert!(audit(&db).is_empty());
}

#[test]
fn a_version_row_inserted_under_a_run_fails_the_migration() {
    each_dialect("version_row_inserted", |db| {
        let p = Project::new(&db.url, "");
        p.revision(
            "a1",
            &[],
            "CREATE TABLE t1 (id INT);\nINSERT INTO aludel_version (version_num) VALUES ('a1');",
            None,
        );
        let err = p.fails(&["upgrade", "head"], 1);
        assert!(
            err.contains("the version table changed under this run: could not record revision a1, which may be recorded already"),
            "{err}"
        );
        assert!(db.column("SELECT revision FROM aludel_history").is_empty());
        if db.kind != Kind::MySql {
            assert!(db.versions().is_empty());
            assert!(!db.has_table("t1"));
        }
    });
}

#[test]
fn a_lost_lock_stops_the_run_and_a_rerun_applies_each_migration_once() {
    each_server("lost_lock", |db| {
        let p = audited(db, pause_sql(db.kind));
        p.ok(&["upgrade", "a1"]);
        let child = p.spawn(&["upgrade", "head"]);
        wait_for_sleep(db);
        kill_lock_session(db);
        let out = wait_bounded(child, Duration::from_secs(15));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("the migration lock was lost"), "{err}");
        if db.kind == Kind::Postgres {
            // a2's transaction is rolled back rather than committed without the lock.
            assert!(err.contains("which was rolled back"), "{err}");
            assert!(err.contains("this run applied no revision"), "{err}");
            assert_eq!(db.versions(), ["a1"]);
            assert!(audit(db).is_empty());
        } else {
            // a2 had run outside a transaction: it is recorded, and the run stops before a3.
            assert!(
                err.contains("stopped before revision a3; this run applied a2"),
                "{err}"
            );
            assert_eq!(db.versions(), ["a2"]);
        }
        // The rerun applies what is left: each migration exactly once.
        p.ok(&["upgrade", "head"]);
        assert_eq!(db.versions(), ["a3"]);
        assert_eq!(audit(db), ["a2", "a3"]);
        assert_eq!(history(db), ["a1", "a2", "a3"]);
    });
}

#[test]
fn a_run_that_lost_its_lock_stops_before_the_next_one_migrates() {
    each_server("lost_lock_race", |db| {
        let p = audited(db, pause_sql(db.kind));
        p.ok(&["upgrade", "a1"]);
        let first = p.spawn(&["upgrade", "head"]);
        wait_for_sleep(db);
        kill_lock_session(db);
        // The second run takes the free lock at once, then waits for the first run to stop
        // (PostgreSQL: its migration's transaction to end) before it reads the version table.
        let second = p.spawn(&["upgrade", "head"]);
        let first = wait_bounded(first, Duration::from_secs(15));
        let second = wait_bounded(second, Duration::from_secs(15));
        let (first_err, second_err) = (text(&first.stderr), text(&second.stderr));
        assert_eq!(first.status.code(), Some(1), "{first_err}");
        assert!(
            first_err.contains("the migration lock was lost"),
            "{first_err}"
        );
        assert_eq!(second.status.code(), Some(0), "{second_err}");
        assert_eq!(db.versions(), ["a3"]);
        assert_eq!(audit(db), ["a2", "a3"]);
        assert_eq!(history(db), ["a1", "a2", "a3"]);
    });
}

#[test]
fn postgres_the_lock_session_outlives_an_idle_session_timeout() {
    let Some(db) = TestDb::new(Kind::Postgres, "idle_timeout") else {
        return;
    };
    // Every new session of this database ends after half a second idle: the lock session
    // idles through a2's sleep and must turn the timeout off to keep the lock.
    db.query(&format!(
        "ALTER DATABASE {} SET idle_session_timeout = '500ms'",
        db.name()
    ));
    let p = audited(&db, pause_sql(Kind::Postgres));
    p.ok(&["upgrade", "head"]);
    assert_eq!(db.versions(), ["a3"]);
    assert_eq!(audit(&db), ["a2", "a3"]);
}
