//! SIGINT and SIGTERM against the real binary (issue 9): a run stops at the next safe point,
//! rolls back what is in flight, releases its lock, says where the database stands and exits
//! 130 or 143; a run stopped while waiting for the lock applies nothing.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::{Kind, Project, TestDb, each_server};

/// A spawned run whose stderr is read line by line as it comes.
struct Run {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Run {
    fn start(p: &Project, args: &[&str]) -> Run {
        let mut child = p.spawn(args);
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Run {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (at most `within`) for a stderr line containing `needle`.
    fn wait_for(&mut self, needle: &str, within: Duration) {
        let start = Instant::now();
        while !self.seen.iter().any(|line| line.contains(needle)) {
            let left = within.saturating_sub(start.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no line with {needle:?} within {within:?}: {:?}", self.seen);
                }
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (at most `within`) for the run to end; returns its status and whole stderr.
    fn finish(mut self, within: Duration) -> (Output, String) {
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            if start.elapsed() > within {
                let _ = self.child.kill();
                panic!("the run did not end within {within:?}: {:?}", self.seen);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = self.child.wait_with_output().unwrap();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        (out, self.seen.join("\n"))
    }
}

fn rev(i: usize) -> String {
    format!("r{i:011}")
}

/// `count` fast migrations in a chain, each creating table `t<i>` with one row.
fn fast_chain(p: &Project, count: usize) {
    for i in 1..=count {
        let down = if i == 1 { vec![] } else { vec![rev(i - 1)] };
        let down: Vec<&str> = down.iter().map(String::as_str).collect();
        p.revision(
            &rev(i),
            &down,
            &format!("CREATE TABLE t{i} (id INTEGER);\nINSERT INTO t{i} VALUES ({i});"),
            Some(&format!("DROP TABLE t{i};")),
        );
    }
}

/// The version table and the tables agree: every revision up to the recorded one applied,
/// none after it. Returns how many are applied.
fn applied_count(db: &TestDb, count: usize) -> usize {
    let versions = db.versions_if_any();
    let applied = match versions.as_slice() {
        [] => 0,
        [one] => one[1..].parse::<usize>().unwrap(),
        many => panic!("several heads in a chain: {many:?}"),
    };
    let tables =
        db.column("SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 't[0-9]*'");
    let mut numbers: Vec<usize> = tables.iter().map(|t| t[1..].parse().unwrap()).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=applied).collect::<Vec<_>>(),
        "the tables applied are exactly the revisions recorded ({applied} of {count})"
    );
    applied
}

/// A signal in the middle of a long run of fast SQLite migrations (which used to run to the
/// end and exit 0) stops it at the next safe point, with the signal's exit code.
fn signal_during_fast_sqlite_run(signal: &str, code: i32) {
    let db = TestDb::new(Kind::Sqlite, "signals").unwrap();
    let p = Project::new(&db.url, "");
    let count = 1000;
    fast_chain(&p, count);
    let mut run = Run::start(&p, &["upgrade", "head"]);
    run.wait_for(&format!("-> {}", rev(3)), Duration::from_secs(20));
    run.signal(signal);
    let (out, err) = run.finish(Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains("error: interrupted"), "{err}");
    let applied = applied_count(&db, count);
    assert!((3..count).contains(&applied), "{applied} applied: {err}");
    assert!(
        err.contains(&format!("the database is now at {}", rev(applied))),
        "the report names the revision the version table records: {err}"
    );
    // A second run finishes the rest.
    p.ok(&["upgrade", "head"]);
    assert_eq!(applied_count(&db, count), count);
}

#[test]
fn sigint_stops_a_long_run_of_fast_sqlite_migrations_with_exit_130() {
    signal_during_fast_sqlite_run("INT", 130);
}

#[test]
fn sigterm_stops_a_long_run_of_fast_sqlite_migrations_with_exit_143() {
    signal_during_fast_sqlite_run("TERM", 143);
}

/// A run that waits for the SQLite file's lock (held here, as another run would) and gets
/// SIGINT stops at once and applies nothing (it used to apply everything once the lock came).
#[test]
fn sigint_while_waiting_for_the_sqlite_lock_applies_nothing() {
    let db = TestDb::new(Kind::Sqlite, "signals_lock").unwrap();
    let p = Project::new(&db.url, "lock_timeout = 30");
    fast_chain(&p, 3);
    let path = db.url.strip_prefix("sqlite://").unwrap();
    std::fs::write(path, b"").unwrap();
    let held = std::fs::File::open(path).unwrap();
    held.try_lock().unwrap();
    let mut run = Run::start(&p, &["upgrade", "head"]);
    run.wait_for("Waiting for the migration lock", Duration::from_secs(10));
    run.signal("INT");
    let (out, err) = run.finish(Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("waiting for the migration lock; nothing was applied"),
        "{err}"
    );
    assert_eq!(applied_count(&db, 3), 0);
    drop(held);
    p.ok(&["upgrade", "head"]);
    assert_eq!(applied_count(&db, 3), 3);
}

/// SIGINT between two runs of a batched statement stops it there: the runs that committed
/// stay, the version table stays at the revision before, and a rerun finishes the batch.
#[test]
fn sigint_stops_a_batched_statement_between_two_runs() {
    let db = TestDb::new(Kind::Sqlite, "signals_batch").unwrap();
    let p = Project::new(&db.url, "");
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE items (id INTEGER PRIMARY KEY, done INTEGER NOT NULL DEFAULT 0);\n\
         INSERT INTO items (id) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x FROM c;",
        Some("DROP TABLE items;"),
    );
    p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        "-- migrate:batch\nUPDATE items SET done = 1 WHERE id IN (SELECT id FROM items WHERE done = 0 LIMIT 5);",
        None,
    );
    let done = || {
        db.column("SELECT count(*) FROM items WHERE done = 1")[0]
            .parse::<usize>()
            .unwrap()
    };
    let mut run = Run::start(&p, &["upgrade", "head"]);
    run.wait_for(": run 5,", Duration::from_secs(20));
    run.signal("INT");
    let (out, err) = run.finish(Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("stopped in its batched statement"), "{err}");
    assert!(err.contains("the database is now at aaaa00000001"), "{err}");
    assert_eq!(db.versions(), ["aaaa00000001"]);
    let stopped_at = done();
    assert!(
        (25..5000).contains(&stopped_at) && stopped_at % 5 == 0,
        "whole runs stay committed: {stopped_at} rows done"
    );
    p.ok(&["upgrade", "head"]);
    assert_eq!(db.versions(), ["bbbb00000002"]);
    assert_eq!(done(), 5000);
}

fn sleep_sql(kind: Kind, seconds: u32) -> String {
    match kind {
        Kind::Postgres => format!("SELECT pg_sleep({seconds});"),
        _ => format!("DO SLEEP({seconds});"),
    }
}

/// On a server, a second run waiting for the lock that a first, slow run holds is stopped by
/// SIGINT with exit 130 and applies nothing; the first run, stopped by SIGTERM, rolls back
/// (MariaDB: reports what its DDL left applied) and exits 143; the lock is then free.
#[test]
fn signals_on_a_server_stop_a_lock_wait_and_a_run_in_flight() {
    each_server("signals", |db| {
        let p = Project::new(&db.url, "lock_timeout = 30");
        p.revision(
            "aaaa00000001",
            &[],
            "CREATE TABLE before_t (id INT);",
            Some("DROP TABLE before_t;"),
        );
        let slow = format!(
            "CREATE TABLE during_t (id INT);\n{}",
            sleep_sql(db.kind, 30)
        );
        p.revision(
            "bbbb00000002",
            &["aaaa00000001"],
            &slow,
            Some("DROP TABLE during_t;"),
        );
        let mut first = Run::start(&p, &["upgrade", "head"]);
        first.wait_for("-> aaaa00000001", Duration::from_secs(15));
        let mut second = Run::start(&p, &["upgrade", "head"]);
        second.wait_for("Waiting for the migration lock", Duration::from_secs(15));
        second.signal("INT");
        let (out, err) = second.finish(Duration::from_secs(5));
        assert_eq!(out.status.code(), Some(130), "{err}");
        assert!(
            err.contains("waiting for the migration lock; nothing was applied"),
            "{err}"
        );
        assert!(
            !err.contains("Running upgrade"),
            "the waiting run ran nothing: {err}"
        );
        first.signal("TERM");
        let (out, err) = first.finish(Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(143), "{err}");
        assert!(err.contains("the database is now at aaaa00000001"), "{err}");
        if db.kind == Kind::MySql {
            assert!(err.contains("stays applied"), "{err}");
            db.query("DROP TABLE during_t");
        } else {
            assert!(err.contains("rolled back"), "{err}");
            assert!(!db.has_table("during_t"), "no trace of the migration");
        }
        assert_eq!(db.versions(), ["aaaa00000001"]);
        // The lock is free: a run with a fast migration takes it at once.
        p.revision(
            "bbbb00000002",
            &["aaaa00000001"],
            "CREATE TABLE during_t (id INT);",
            Some("DROP TABLE during_t;"),
        );
        let started = Instant::now();
        p.ok(&["upgrade", "head"]);
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(db.versions(), ["bbbb00000002"]);
    });
}
