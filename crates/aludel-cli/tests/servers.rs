//! PostgreSQL and MariaDB end to end through the real binary: every URL form, connection
//! failures, dialect-specific SQL, offline scripts through the servers' own clients, the lock,
//! faults (kill, Ctrl-C, a lost connection) and backups.

mod support;

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{Kind, Project, TestDb, each_server};

const PG_SOCKET_DIR: &str = "/var/run/postgresql";
const MYSQL_SOCKET: &str = "/run/mysqld/mysqld.sock";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits for a spawned run, failing the test if it takes longer than `within`.
fn wait_bounded(mut child: std::process::Child, within: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > within {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the run did not finish within {within:?}\nstderr: {}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A query that returns a row while a statement containing `needle` runs in `db` on another
/// session.
fn in_flight_query(db: &TestDb, needle: &str) -> String {
    match db.kind {
        Kind::Postgres => format!(
            "SELECT pid::text FROM pg_stat_activity WHERE datname = '{}' AND query LIKE '%{needle}%' AND pid <> pg_backend_pid()",
            db.name()
        ),
        _ => format!(
            "SELECT CAST(ID AS CHAR) FROM information_schema.PROCESSLIST WHERE DB = '{}' AND INFO LIKE '%{needle}%' AND ID <> CONNECTION_ID()",
            db.name()
        ),
    }
}

fn sleep_sql(kind: Kind, seconds: u32) -> String {
    match kind {
        Kind::Postgres => format!("SELECT pg_sleep({seconds});"),
        _ => format!("SELECT SLEEP({seconds});"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Connections
// ---------------------------------------------------------------------------------------------

#[test]
fn every_url_form_connects_and_migrates() {
    each_server("url_forms", |db| {
        let n = db.name();
        let forms: Vec<String> = match db.kind {
            Kind::Postgres => vec![
                format!("postgresql://postgres@127.0.0.1:5432/{n}"),
                format!("postgres://postgres@127.0.0.1/{n}"),
                format!("postgresql+psycopg2://postgres@127.0.0.1/{n}"),
                format!("postgres+asyncpg://postgres@127.0.0.1/{n}"),
                format!("postgresql://postgres@127.0.0.1/{n}?sslmode=disable"),
                format!("postgresql://postgres@127.0.0.1/{n}?sslmode=prefer"),
                format!("postgresql:///{n}?host={PG_SOCKET_DIR}&user=postgres"),
                format!("postgresql://postgres@/{n}?host={PG_SOCKET_DIR}"),
            ],
            _ => vec![
                format!("mysql://root@127.0.0.1:3306/{n}"),
                format!("mariadb://root@127.0.0.1/{n}"),
                format!("mysql+pymysql://root@127.0.0.1/{n}"),
                format!("mariadb+mariadbconnector://root@127.0.0.1/{n}"),
                format!("mysql://root@127.0.0.1/{n}?sslmode=disable"),
                format!("mysql://root@127.0.0.1/{n}?sslmode=prefer"),
                format!("mysql://root@127.0.0.1/{n}?ssl-mode=DISABLED"),
                format!("mysql://root@localhost/{n}?socket={MYSQL_SOCKET}"),
                format!("mysql+pymysql://root@localhost/{n}?unix_socket={MYSQL_SOCKET}"),
            ],
        };
        for url in forms {
            let p = Project::new(&url, "");
            p.revision(
                "aaaa00000001",
                &[],
                "CREATE TABLE forms (id INTEGER PRIMARY KEY);",
                Some("DROP TABLE forms;"),
            );
            p.ok(&["upgrade", "head"]);
            assert_eq!(db.versions(), ["aaaa00000001"], "{url}");
            assert_eq!(p.ok(&["current"]), "aaaa00000001 (head)\n", "{url}");
            p.ok(&["downgrade", "base"]);
            assert!(!db.has_table("forms"), "{url}");
        }
    });
}

#[test]
fn sslmode_require_uses_tls_or_fails_clearly() {
    let Some(db) = TestDb::new(Kind::Postgres, "tls_pg") else {
        return;
    };
    let n = db.name();
    let server_tls = db.column("SHOW ssl") == ["on"];
    let require = format!("postgresql://postgres:pw-s3cret@127.0.0.1/{n}?sslmode=require");
    let p = Project::new(&require, "");
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE tls_t (id INTEGER);",
        None,
    );
    if server_tls {
        p.ok(&["upgrade", "head"]);
        assert_eq!(db.versions(), ["aaaa00000001"]);
        // The session really is encrypted (rustls), and a plain one is not.
        let ssl_of = |url: &str| {
            let p = Project::new(url, "");
            p.revision(
                "aaaa00000001",
                &[],
                "CREATE TABLE IF NOT EXISTS tls_seen AS SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();",
                None,
            );
            p.ok(&["stamp", "--purge", "base"]);
            db.query("DROP TABLE IF EXISTS tls_seen");
            p.ok(&["upgrade", "head"]);
            db.column("SELECT ssl::text FROM tls_seen")
        };
        assert_eq!(ssl_of(&require), ["true"]);
        assert_eq!(
            ssl_of(&format!(
                "postgresql://postgres@127.0.0.1/{n}?sslmode=disable"
            )),
            ["false"]
        );
        // The server's certificate is self-signed: verification fails, clearly.
        let verify = Project::new(
            &format!("postgresql://postgres:pw-s3cret@127.0.0.1/{n}?sslmode=verify-full"),
            "",
        );
        let err = verify.fails(&["current"], 1);
        assert!(
            err.contains("could not connect") && err.contains("certificate"),
            "{err}"
        );
        assert!(!err.contains("pw-s3cret") && err.contains("***"), "{err}");
    } else {
        let err = p.fails(&["upgrade", "head"], 1);
        assert!(
            err.contains("could not connect") && err.contains("TLS"),
            "{err}"
        );
        assert!(db.versions().is_empty());
    }
    drop(db);

    let Some(db) = TestDb::new(Kind::MySql, "tls_my") else {
        return;
    };
    let tls = db.column("SELECT @@have_ssl") == ["YES"];
    let url = format!("mysql://root@127.0.0.1/{}?sslmode=require", db.name());
    let p = Project::new(&url, "");
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE tls_t (id INTEGER);",
        None,
    );
    if tls {
        p.ok(&["upgrade", "head"]);
    } else {
        let err = p.fails(&["upgrade", "head"], 1);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.contains("could not connect") && err.contains("TLS"),
            "{err}"
        );
        assert!(!db.has_table("aludel_version"), "nothing ran");
    }
}

/// Runs `aludel current` against `url` and returns its stderr, checking the common shape of a
/// connection failure: exit 1, one error line naming the URL with the password masked, then
/// at most one `hint:` line (where the server was looked for).
fn connect_failure(url: &str, extra: &str, within: Duration) -> String {
    let p = Project::new(url, extra);
    let start = Instant::now();
    let err = p.fails(&["current"], 1);
    assert!(
        start.elapsed() < within,
        "{url}: took {:?}",
        start.elapsed()
    );
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("hint: ")),
        "one line and a hint at most: {err}"
    );
    assert!(err.starts_with("error: could not connect to "), "{err}");
    assert!(!err.contains("pw-s3cret"), "password leaked: {err}");
    err
}

#[test]
fn connection_failures_are_one_clear_line_within_the_timeout() {
    let refused_port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    // A listener that accepts connections into its backlog and never says a word: the
    // handshake hangs like a firewall that swallows packets.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    for scheme in ["postgresql", "mysql"] {
        let err = connect_failure(
            &format!("{scheme}://u:pw-s3cret@127.0.0.1:{refused_port}/db"),
            "",
            Duration::from_secs(10),
        );
        assert!(err.contains("u:***@127.0.0.1"), "{err}");
        assert!(err.to_lowercase().contains("refused"), "{err}");

        let err = connect_failure(
            &format!("{scheme}://u:pw-s3cret@127.0.0.1:{silent_port}/db"),
            "connect_timeout = 1",
            Duration::from_secs(5),
        );
        assert!(err.contains("connect_timeout"), "{err}");

        let err = connect_failure(
            &format!("{scheme}://u:pw-s3cret@no-such-host.invalid/db"),
            "connect_timeout = 3",
            Duration::from_secs(6),
        );
        assert!(err.contains("no-such-host.invalid"), "{err}");
    }
    drop(silent);

    if let Some(db) = TestDb::new(Kind::Postgres, "refused_pg") {
        let err = connect_failure(
            &format!("postgresql://nobody:pw-s3cret@127.0.0.1/{}", db.name()),
            "",
            Duration::from_secs(10),
        );
        assert!(err.contains("role \"nobody\" does not exist"), "{err}");
        let err = connect_failure(
            "postgresql://postgres:pw-s3cret@127.0.0.1/aludel_no_such_db",
            "",
            Duration::from_secs(10),
        );
        assert!(
            err.contains("database \"aludel_no_such_db\" does not exist"),
            "{err}"
        );
    }
    if let Some(db) = TestDb::new(Kind::MySql, "refused_my") {
        let err = connect_failure(
            &format!("mysql://root:pw-s3cret@127.0.0.1/{}", db.name()),
            "",
            Duration::from_secs(10),
        );
        assert!(err.contains("Access denied"), "{err}");
        let err = connect_failure(
            "mysql://root@127.0.0.1/aludel_no_such_db",
            "",
            Duration::from_secs(10),
        );
        assert!(
            err.contains("Unknown database 'aludel_no_such_db'"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. PostgreSQL
// ---------------------------------------------------------------------------------------------

const PG_BODIES: &str = r#"CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE FUNCTION one() RETURNS integer AS $$ SELECT 1; $$ LANGUAGE sql;
CREATE FUNCTION bump(x integer) RETURNS integer LANGUAGE plpgsql AS $body$
BEGIN
    -- a semicolon; and a 'quote' inside the body
    RETURN x + one();
END;
$body$;
DO $$
BEGIN
    INSERT INTO items VALUES (1, 'first');
    IF (SELECT count(*) FROM items) <> 1 THEN
        RAISE EXCEPTION 'unexpected';
    END IF;
END
$$;"#;

const PG_BODIES_DOWN: &str =
    "DROP FUNCTION bump(integer);\nDROP FUNCTION one();\nDROP TABLE items;";

fn pg_project(db: &TestDb, extra: &str) -> Project {
    let p = Project::new(&db.url, extra);
    p.revision("aaaa00000001", &[], PG_BODIES, Some(PG_BODIES_DOWN));
    p.revision_with(
        "bbbb00000002",
        &["aaaa00000001"],
        "-- transactional = false",
        "CREATE INDEX CONCURRENTLY ix_items_name ON items (name);",
        Some("DROP INDEX CONCURRENTLY ix_items_name;"),
    );
    p.revision(
        "cccc00000003",
        &["bbbb00000002"],
        "INSERT INTO items VALUES (2, 'second');",
        Some("DELETE FROM items WHERE id = 2;"),
    );
    p
}

#[test]
fn postgres_function_bodies_and_concurrent_index_outside_a_transaction() {
    for per_migration in [true, false] {
        let Some(db) = TestDb::new(Kind::Postgres, "pg_bodies") else {
            return;
        };
        let p = pg_project(&db, &format!("transaction_per_migration = {per_migration}"));
        let out = p.cmd().args(["upgrade", "head"]).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        let line_of = |rev: &str| {
            err.lines()
                .find(|l| l.contains(&format!("-> {rev}")))
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            line_of("bbbb00000002").contains("outside a transaction"),
            "{err}"
        );
        assert!(
            !line_of("aaaa00000001").contains("outside a transaction"),
            "{err}"
        );
        assert_eq!(db.versions(), ["cccc00000003"]);
        assert_eq!(db.column("SELECT bump(41)::text"), ["42"]);
        assert_eq!(
            db.column(
                "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'ix_items_name'::regclass"
            ),
            ["true"]
        );
        assert_eq!(db.column("SELECT count(*)::text FROM items"), ["2"]);
        p.ok(&["downgrade", "base"]);
        assert!(!db.has_table("items"));
        assert!(
            db.column("SELECT proname::text FROM pg_proc WHERE proname IN ('one', 'bump')")
                .is_empty()
        );
    }
}

#[test]
fn postgres_non_transactional_failure_reports_what_already_ran() {
    let Some(db) = TestDb::new(Kind::Postgres, "pg_nontx_fail") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);",
        Some("DROP TABLE items;"),
    );
    let bad = p.revision_with(
        "bbbb00000002",
        &["aaaa00000001"],
        "-- transactional = false",
        "CREATE INDEX CONCURRENTLY ix_items_name ON items (name);\nINSERT INTO no_such_table VALUES (1);",
        Some("DROP INDEX CONCURRENTLY ix_items_name;"),
    );
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(err.contains(&format!("{}:7:", bad.display())), "{err}");
    assert!(err.contains("outside a transaction"), "{err}");
    assert!(
        err.contains("line 6: CREATE INDEX CONCURRENTLY ix_items_name ON items (name)"),
        "{err}"
    );
    assert_eq!(db.versions(), ["aaaa00000001"]);
    assert_eq!(
        db.column("SELECT indexname::text FROM pg_indexes WHERE indexname = 'ix_items_name'"),
        ["ix_items_name"],
        "the statement that ran outside a transaction stays, as reported"
    );
}

#[test]
fn postgres_version_table_in_another_schema() {
    let Some(db) = TestDb::new(Kind::Postgres, "pg_schema") else {
        return;
    };
    let p = Project::new(&db.url, "version_table_schema = \"ops\"");
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE app_t (id INTEGER);",
        Some("DROP TABLE app_t;"),
    );
    // As with Alembic, the schema must exist: aludel says so and runs nothing.
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(err.contains("schema \"ops\" does not exist"), "{err}");
    assert!(!db.has_table("app_t"));

    db.query("CREATE SCHEMA ops");
    p.ok(&["upgrade", "head"]);
    assert_eq!(
        db.column("SELECT version_num FROM ops.aludel_version"),
        ["aaaa00000001"]
    );
    assert_eq!(
        db.column("SELECT revision FROM ops.aludel_history"),
        ["aaaa00000001"]
    );
    assert!(!db.has_table("aludel_version"), "nothing in public");
    assert!(
        db.has_table("app_t"),
        "migrations still run in the search path"
    );
    assert_eq!(p.ok(&["current"]), "aaaa00000001 (head)\n");
    p.ok(&["status", "--exit-code"]);
    p.ok(&["downgrade", "base"]);
    assert!(
        db.column("SELECT version_num FROM ops.aludel_version")
            .is_empty()
    );
}

/// Runs `program args…` with `input` on stdin; returns the output.
fn client(program: &str, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} is needed for this test: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn postgres_offline_script_runs_through_psql() {
    for per_migration in [true, false] {
        let Some(db) = TestDb::new(Kind::Postgres, "pg_offline") else {
            return;
        };
        let p = pg_project(&db, &format!("transaction_per_migration = {per_migration}"));
        let psql = |sql: &str| {
            let out = client(
                "psql",
                &[
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    db.name(),
                ],
                sql,
            );
            assert!(
                out.status.success(),
                "psql failed (transaction_per_migration = {per_migration}): {}\n{sql}",
                text(&out.stderr)
            );
        };
        psql(&p.ok(&["upgrade", "head", "--sql"]));
        assert_eq!(db.versions(), ["cccc00000003"]);
        assert_eq!(db.column("SELECT bump(1)::text"), ["2"]);
        assert_eq!(
            db.column("SELECT count(*)::text FROM aludel_history WHERE direction = 'upgrade'"),
            ["3"]
        );
        // The database a DBA migrated by hand is one aludel knows.
        assert_eq!(p.ok(&["current"]), "cccc00000003 (head)\n");
        p.ok(&["status", "--exit-code"]);
        psql(&p.ok(&["downgrade", "head:base", "--sql"]));
        assert!(db.versions().is_empty());
        assert!(!db.has_table("items"));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. MySQL / MariaDB
// ---------------------------------------------------------------------------------------------

const MY_BODIES: &str = r#"CREATE TABLE acc (id INT PRIMARY KEY, balance INT NOT NULL DEFAULT 0, touched INT NOT NULL DEFAULT 0);
CREATE TRIGGER acc_bu BEFORE UPDATE ON acc FOR EACH ROW
BEGIN
    SET NEW.touched = OLD.touched + 1;
    IF NEW.balance < 0 THEN
        SET NEW.balance = 0;
    END IF;
END;
CREATE PROCEDURE deposit(IN p_id INT, IN amount INT, IN times INT)
BEGIN
    DECLARE i INT DEFAULT 0;
    WHILE i < times DO
        UPDATE acc SET balance = balance + amount WHERE id = p_id;
        SET i = i + 1;
    END WHILE;
    CASE WHEN amount < 0 THEN UPDATE acc SET balance = balance WHERE id = p_id;
    ELSE BEGIN END;
    END CASE;
END;
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC
BEGIN
    RETURN x * 2;
END;
INSERT INTO acc (id) VALUES (1);
CALL deposit(1, 5, 3);"#;

#[test]
fn mysql_triggers_procedures_and_functions_split_and_run() {
    let Some(db) = TestDb::new(Kind::MySql, "my_bodies") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision(
        "aaaa00000001",
        &[],
        MY_BODIES,
        Some(
            "DROP FUNCTION twice;\nDROP PROCEDURE deposit;\nDROP TRIGGER acc_bu;\nDROP TABLE acc;",
        ),
    );
    p.ok(&["upgrade", "head"]);
    assert_eq!(
        db.query("SELECT CAST(balance AS CHAR), CAST(touched AS CHAR) FROM acc"),
        [[Some("15".to_string()), Some("3".to_string())]]
    );
    assert_eq!(db.column("SELECT CAST(twice(21) AS CHAR)"), ["42"]);
    p.ok(&["downgrade", "base"]);
    assert!(!db.has_table("acc"));
    assert!(
        db.column(&format!(
            "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '{}'",
            db.name()
        ))
        .is_empty()
    );
}

#[test]
fn mysql_failure_report_names_statement_and_what_already_ran() {
    let Some(db) = TestDb::new(Kind::MySql, "my_failure") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE a1 (id INT);",
        Some("DROP TABLE a1;"),
    );
    let bad = p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        "CREATE TABLE x1 (id INT);\nCREATE TABLE x2 (id INT);\nINSERT INTO x2 VALUES (1);\nINSERT INTO no_such_table VALUES (1);\nCREATE TABLE x3 (id INT);",
        Some("DROP TABLE x3;\nDROP TABLE x2;\nDROP TABLE x1;"),
    );
    let err = p.fails(&["upgrade", "head"], 1);
    assert!(err.contains(&format!("{}:9:", bad.display())), "{err}");
    assert!(err.contains("no_such_table"), "{err}");
    let ran: Vec<&str> = err
        .lines()
        .filter(|l| l.trim_start().starts_with("line "))
        .collect();
    assert_eq!(
        ran,
        [
            "  line 6: CREATE TABLE x1 (id INT)",
            "  line 7: CREATE TABLE x2 (id INT)",
            "  line 8: INSERT INTO x2 VALUES (1)"
        ],
        "{err}"
    );
    assert_eq!(db.versions(), ["aaaa00000001"]);
    assert!(db.has_table("x2") && !db.has_table("x3"));
    assert_eq!(
        db.column("SELECT revision FROM aludel_history"),
        ["aaaa00000001"]
    );
}

#[test]
fn mysql_offline_script_runs_through_the_mariadb_client() {
    let Some(db) = TestDb::new(Kind::MySql, "my_offline") else {
        return;
    };
    let p = Project::new(&db.url, "");
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE `order` (id INT PRIMARY KEY, note VARCHAR(50) DEFAULT 'it''s');\nCREATE INDEX ix_order_note ON `order` (note);",
        Some("DROP TABLE `order`;"),
    );
    p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        "ALTER TABLE `order` ADD COLUMN qty INT NOT NULL DEFAULT 1;\nINSERT INTO `order` (id) VALUES (1);",
        Some("ALTER TABLE `order` DROP COLUMN qty;"),
    );
    let mariadb = |sql: &str| {
        let out = client(
            "mariadb",
            &["-h", "127.0.0.1", "-u", "root", db.name()],
            sql,
        );
        assert!(out.status.success(), "{}\n{sql}", text(&out.stderr));
    };
    mariadb(&p.ok(&["upgrade", "head", "--sql"]));
    assert_eq!(db.versions(), ["bbbb00000002"]);
    assert_eq!(
        db.column("SELECT CONCAT(note, '/', qty) FROM `order`"),
        ["it's/1"]
    );
    assert_eq!(p.ok(&["current"]), "bbbb00000002 (head)\n");
    mariadb(&p.ok(&["downgrade", "head:base", "--sql"]));
    assert!(db.versions().is_empty());
    assert!(!db.has_table("order"));
}

// ---------------------------------------------------------------------------------------------
// 4. The lock
// ---------------------------------------------------------------------------------------------

#[test]
fn the_lock_is_per_version_table() {
    each_server("lock_scope", |db| {
        let slow = Project::new(&db.url, "");
        slow.revision(
            "aaaa00000001",
            &[],
            &format!("CREATE TABLE slow_t (id INT);\n{}", sleep_sql(db.kind, 4)),
            None,
        );
        let running = slow.spawn(&["upgrade", "head"]);
        let needle = match db.kind {
            Kind::Postgres => "pg_sleep(4)",
            _ => "SLEEP(4)",
        };
        assert!(
            db.wait_for_row(&in_flight_query(db, needle), Duration::from_secs(10)),
            "the slow migration never started"
        );
        // Same version table: waits for the lock, and gives up after lock_timeout.
        let same = Project::new(&db.url, "lock_timeout = 1");
        same.revision(
            "aaaa00000001",
            &[],
            &format!("CREATE TABLE slow_t (id INT);\n{}", sleep_sql(db.kind, 4)),
            None,
        );
        let started = Instant::now();
        let err = same.fails(&["upgrade", "head"], 1);
        assert!(err.contains("could not take the migration lock"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(3), "{err}");
        // Another project with its own version table in the same database is not held up.
        let other = Project::new(
            &db.url,
            "version_table = \"other_version\"\nlock_timeout = 1",
        );
        other.revision("ffff00000001", &[], "CREATE TABLE other_t (id INT);", None);
        other.ok(&["upgrade", "head"]);
        assert_eq!(
            db.column("SELECT version_num FROM other_version"),
            ["ffff00000001"]
        );
        let out = wait_bounded(running, Duration::from_secs(20));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(db.versions(), ["aaaa00000001"]);
    });
}

// ---------------------------------------------------------------------------------------------
// 5. Faults
// ---------------------------------------------------------------------------------------------

/// A project whose second revision creates a table, inserts a row, then sleeps for long.
fn long_migration(db: &TestDb, extra: &str) -> Project {
    let p = Project::new(&db.url, extra);
    p.revision(
        "aaaa00000001",
        &[],
        "CREATE TABLE before_t (id INT);",
        Some("DROP TABLE before_t;"),
    );
    long_revision(&p, db.kind, 30);
    p
}

fn long_revision(p: &Project, kind: Kind, seconds: u32) {
    p.revision(
        "bbbb00000002",
        &["aaaa00000001"],
        &format!(
            "CREATE TABLE during_t (id INT);\nINSERT INTO during_t VALUES (1);\n{}",
            sleep_sql(kind, seconds)
        ),
        Some("DROP TABLE during_t;"),
    );
}

fn wait_in_flight(db: &TestDb) {
    let needle = match db.kind {
        Kind::Postgres => "pg_sleep(30)",
        _ => "SLEEP(30)",
    };
    assert!(
        db.wait_for_row(&in_flight_query(db, needle), Duration::from_secs(15)),
        "the long migration never started"
    );
}

/// On PostgreSQL the interrupted migration's session must go away promptly and leave nothing.
fn assert_no_trace(db: &TestDb) {
    assert!(
        db.wait_for_row(
            &format!(
                "SELECT 1 WHERE NOT EXISTS ({})",
                in_flight_query(db, "pg_sleep(30)")
            ),
            Duration::from_secs(5)
        ),
        "the interrupted migration is still running on the server"
    );
    assert_eq!(db.versions(), ["aaaa00000001"]);
    assert!(!db.has_table("during_t"), "no trace of the migration");
    assert_eq!(
        db.column("SELECT revision FROM aludel_history"),
        ["aaaa00000001"]
    );
    assert!(
        db.column(
            // pg_locks is server-wide: only this test's database counts, since other tests
            // hold their own locks at the same time.
            "SELECT objid::text FROM pg_locks WHERE locktype = 'advisory' \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        .is_empty(),
        "the lock is released"
    );
}

#[test]
fn postgres_sigkill_mid_migration_leaves_no_trace_and_a_rerun_completes() {
    let Some(db) = TestDb::new(Kind::Postgres, "pg_kill") else {
        return;
    };
    let p = long_migration(&db, "lock_timeout = 5");
    let mut child = p.spawn(&["upgrade", "head"]);
    wait_in_flight(&db);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_no_trace(&db);
    long_revision(&p, Kind::Postgres, 0);
    let started = Instant::now();
    p.ok(&["upgrade", "head"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(db.versions(), ["bbbb00000002"]);
    assert_eq!(db.column("SELECT count(*)::text FROM during_t"), ["1"]);
}

fn sigint(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn ctrl_c_rolls_back_the_migration_in_flight_and_releases_the_lock() {
    each_server("ctrl_c", |db| {
        let p = long_migration(db, "lock_timeout = 2");
        let child = p.spawn(&["upgrade", "head"]);
        wait_in_flight(db);
        sigint(&child);
        let out = wait_bounded(child, Duration::from_secs(5));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{err}");
        assert!(err.contains("interrupted"), "{err}");
        if db.kind == Kind::MySql {
            // MySQL's DDL had committed: the report says what stays applied.
            assert!(
                err.contains("stays applied") && err.contains("line 6"),
                "{err}"
            );
        } else {
            assert!(err.contains("rolled back"), "{err}");
        }
        assert_eq!(db.versions(), ["aaaa00000001"]);
        if db.kind == Kind::Postgres {
            assert_no_trace(db);
        } else {
            assert!(
                db.wait_for_row(
                    &format!(
                        "SELECT 1 FROM DUAL WHERE NOT EXISTS ({})",
                        in_flight_query(db, "SLEEP(30)")
                    ),
                    Duration::from_secs(5)
                ),
                "the interrupted statement is still running on the server"
            );
        }
        // The lock is free: a second run takes it at once and completes.
        if db.kind == Kind::MySql {
            db.query("DROP TABLE during_t");
        }
        long_revision(&p, db.kind, 0);
        let started = Instant::now();
        p.ok(&["upgrade", "head"]);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(db.versions(), ["bbbb00000002"]);
    });
}

#[test]
fn a_lost_connection_is_reported_and_the_version_table_stays_consistent() {
    let Some(db) = TestDb::new(Kind::Postgres, "pg_lost") else {
        return;
    };
    let p = long_migration(&db, "");
    let child = p.spawn(&["upgrade", "head"]);
    wait_in_flight(&db);
    db.query(&format!(
        "SELECT pg_terminate_backend(pid) FROM ({}) AS running(pid)",
        in_flight_query(&db, "pg_sleep(30)").replace("pid::text", "pid")
    ));
    let out = wait_bounded(child, Duration::from_secs(10));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("bbbb00000002"), "{err}");
    assert!(err.contains("terminating connection"), "{err}");
    assert_no_trace(&db);
}

#[test]
fn mysql_lost_connection_is_reported_and_the_version_table_stays_consistent() {
    let Some(db) = TestDb::new(Kind::MySql, "my_lost") else {
        return;
    };
    let p = long_migration(&db, "");
    let child = p.spawn(&["upgrade", "head"]);
    wait_in_flight(&db);
    let id = db.column(&in_flight_query(&db, "SLEEP(30)"));
    db.query(&format!("KILL {}", id[0]));
    let out = wait_bounded(child, Duration::from_secs(10));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("bbbb00000002"), "{err}");
    assert!(
        err.contains("these statements of it had already run")
            && err.contains("line 6: CREATE TABLE during_t (id INT)"),
        "{err}"
    );
    assert_eq!(db.versions(), ["aaaa00000001"]);
    assert_eq!(
        db.column("SELECT revision FROM aludel_history"),
        ["aaaa00000001"]
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Backups
// ---------------------------------------------------------------------------------------------

#[test]
fn upgrade_backup_dumps_the_schema_or_refuses_without_the_tool() {
    each_server("backup", |db| {
        let p = Project::new(&db.url, "");
        p.revision("aaaa00000001", &[], "CREATE TABLE kept_t (id INT);", None);
        p.revision(
            "bbbb00000002",
            &["aaaa00000001"],
            "CREATE TABLE later_t (id INT);",
            None,
        );
        p.ok(&["upgrade", "aaaa00000001"]);

        // Without the dump tool on PATH: a clear refusal, and nothing migrated.
        let empty = tempfile::tempdir().unwrap();
        let out = p
            .cmd()
            .env("PATH", empty.path())
            .args(["upgrade", "head", "--backup"])
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        let tool = match db.kind {
            Kind::Postgres => "pg_dump",
            _ => "mysqldump",
        };
        assert!(err.contains(&format!("--backup needs `{tool}`")), "{err}");
        assert_eq!(db.versions(), ["aaaa00000001"]);
        assert!(!db.has_table("later_t"));

        let out = p
            .cmd()
            .args(["upgrade", "head", "--backup"])
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert!(out.status.success(), "{err}");
        let line = err
            .lines()
            .find(|l| l.starts_with("Backed up the database to "))
            .unwrap_or_else(|| panic!("{err}"));
        let path = p
            .path()
            .join(line.trim_start_matches("Backed up the database to "));
        let dump = std::fs::read_to_string(&path).unwrap();
        assert!(dump.contains("kept_t"), "{dump}");
        assert!(dump.contains("aludel_version"), "{dump}");
        assert!(
            !dump.contains("later_t"),
            "the dump is taken before the run"
        );
        assert_eq!(db.versions(), ["bbbb00000002"]);
    });
}
