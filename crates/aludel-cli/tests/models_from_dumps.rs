//! Issue 8: model files as the databases' own dump tools write them. Their session settings
//! (`set_config('search_path', '', false)`, `SET NAMES`, `SET FOREIGN_KEY_CHECKS = 0`,
//! pragmas) must not change what autogenerate and `check` see; a model file whose `CREATE`
//! statements produce nothing is never clean; a model the database rejects names its file and
//! line.

mod support;

use std::process::Command as Process;

use support::{Kind, Project, TestDb, each_dialect, each_server};

/// Tables of a small shop, in each database's own spelling of a numbered key.
fn shop(kind: Kind) -> String {
    let id = match kind {
        Kind::Postgres => "id SERIAL PRIMARY KEY",
        Kind::MySql => "id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY",
        Kind::Sqlite => "id INTEGER PRIMARY KEY AUTOINCREMENT",
    };
    format!(
        "CREATE TABLE customers ({id}, email VARCHAR(100) NOT NULL UNIQUE, name VARCHAR(50));
         CREATE TABLE orders ({id}, customer_id INTEGER NOT NULL,
             total NUMERIC(10, 2) DEFAULT 0,
             CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE);
         CREATE INDEX ix_orders_customer ON orders (customer_id);"
    )
}

/// Runs a database client; its standard output.
fn client(program: &str, args: &[&str], input: Option<&str>) -> String {
    use std::io::Write;
    let mut child = Process::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} could not start: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.unwrap_or("").as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The schema of `db` as the database's dump tool writes it, after loading `ddl` with the
/// database's client.
fn dump_of(db: &TestDb, ddl: &str) -> String {
    match db.kind {
        Kind::Postgres => {
            let base = ["-h", "127.0.0.1", "-U", "postgres"];
            let psql: Vec<&str> = base
                .iter()
                .copied()
                .chain(["-q", "-v", "ON_ERROR_STOP=1", "-d", db.name()])
                .collect();
            client("psql", &psql, Some(ddl));
            let dump: Vec<&str> = base
                .iter()
                .copied()
                .chain(["--schema-only", db.name()])
                .collect();
            client("pg_dump", &dump, None)
        }
        Kind::MySql => {
            let base = ["-h", "127.0.0.1", "-P", "3306", "-u", "root"];
            let mut load: Vec<&str> = base.to_vec();
            load.push(db.name());
            client("mariadb", &load, Some(ddl));
            let mut dump: Vec<&str> = base.to_vec();
            dump.extend(["--no-data", "--routines", "--triggers", db.name()]);
            client("mariadb-dump", &dump, None)
        }
        Kind::Sqlite => unreachable!("SQLite models are written below"),
    }
}

fn project_with_models(db: &TestDb, models: &str) -> Project {
    let p = Project::new(&db.url, "models = [\"models/*.sql\"]");
    std::fs::create_dir_all(p.path().join("models")).unwrap();
    std::fs::write(p.path().join("models/schema.sql"), models).unwrap();
    p
}

fn stderr_of(p: &Project, args: &[&str]) -> (Option<i32>, String, String) {
    let out = p.cmd().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The unedited dump of a database, as models on an empty database: every table is found,
/// `check` fails until the generated migration ran, then it is clean. Before the fix, the
/// dump's `set_config('search_path', '', false)` hid every table from the scratch database's
/// introspection: "No changes detected", and `check` clean on an empty database.
///
/// PostgreSQL here; MariaDB's dump (`/*!40101 SET NAMES utf8mb4 */` and the sandbox line) needs
/// the statement lexer to keep MySQL's executable comments, which is issue 8's MySQL part.
#[test]
fn an_unedited_dump_as_models_finds_every_table() {
    let Some(target) = TestDb::new(Kind::Postgres, "dump_as_models") else {
        return;
    };
    {
        let target = &target;
        let source = TestDb::new(target.kind, "dump_as_models_src").unwrap();
        let dump = dump_of(&source, &shop(target.kind));
        match target.kind {
            Kind::Postgres => assert!(dump.contains("set_config('search_path', '', false)")),
            _ => assert!(dump.contains("SET NAMES") && dump.contains("FOREIGN_KEY_CHECKS=0")),
        }
        let p = project_with_models(target, &dump);
        let (code, stdout, stderr) = stderr_of(&p, &["check"]);
        assert_eq!(
            code,
            Some(1),
            "check on an empty database:\n{stdout}{stderr}"
        );
        for table in ["customers", "orders"] {
            assert!(
                stdout.contains(&format!("Detected added table '{table}'")),
                "{stdout}{stderr}"
            );
        }
        let (code, _, stderr) = stderr_of(&p, &["revision", "--autogenerate", "-m", "init"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stderr.contains("Detected added table 'customers'"),
            "{stderr}"
        );
        assert!(stderr.contains("Detected added table 'orders'"), "{stderr}");
        p.ok(&["upgrade", "head"]);
        let clean = p.ok(&["check"]);
        assert!(
            clean.contains("No new upgrade operations detected."),
            "{clean}"
        );
        p.ok(&["downgrade", "base"]);
        assert!(!target.has_table("orders") && !target.has_table("customers"));
    }
}

/// Session settings at the top of a model file, in each database's words, change nothing:
/// the same models without them give the same (clean) result.
#[test]
fn session_settings_in_models_do_not_reach_introspection() {
    each_dialect("session_settings", |db| {
        let settings = match db.kind {
            Kind::Postgres => {
                "SET search_path = '';\nSET statement_timeout = 0;\n\
                 SELECT pg_catalog.set_config('search_path', '', false);\n\
                 CREATE TABLE public.kept (id INTEGER PRIMARY KEY);\n"
            }
            Kind::MySql => {
                "SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT;\n\
                 SET NAMES latin1;\n\
                 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0;\n\
                 SET sql_mode = 'ANSI_QUOTES,NO_AUTO_VALUE_ON_ZERO';\n\
                 CREATE TABLE kept (id INTEGER PRIMARY KEY);\n"
            }
            Kind::Sqlite => {
                "PRAGMA foreign_keys = OFF;\nPRAGMA legacy_alter_table = ON;\n\
                 PRAGMA case_sensitive_like = ON;\n\
                 CREATE TABLE kept (id INTEGER PRIMARY KEY);\n"
            }
        };
        // `public.kept` in the models and `kept` in the database are the same table.
        // After `search_path = ''` PostgreSQL's own client needs every name qualified, as
        // pg_dump writes them.
        let shop = match db.kind {
            Kind::Postgres => shop(db.kind)
                .replace("CREATE TABLE ", "CREATE TABLE public.")
                .replace("REFERENCES ", "REFERENCES public.")
                .replace(" ON orders", " ON public.orders"),
            _ => shop(db.kind),
        };
        let models = format!("{settings}{shop}");
        let p = project_with_models(db, &models);
        let (code, stdout, stderr) = stderr_of(&p, &["check"]);
        assert_eq!(code, Some(1), "{stdout}{stderr}");
        for table in ["kept", "customers", "orders"] {
            assert!(
                stdout.contains(&format!("Detected added table '{table}'")),
                "{table} missing on {:?}:\n{stdout}{stderr}",
                db.kind
            );
        }
        p.ok(&["revision", "--autogenerate", "-m", "init"]);
        p.ok(&["upgrade", "head"]);
        let clean = p.ok(&["check"]);
        assert!(
            clean.contains("No new upgrade operations detected."),
            "{clean}"
        );
    });
}

/// A model file whose tables land where introspection does not look (another schema) is
/// never clean, and autogenerate refuses rather than write a migration that drops them.
#[test]
fn a_model_file_that_produces_nothing_is_never_clean() {
    each_server("produces_nothing", |db| {
        let elsewhere = match db.kind {
            Kind::Postgres => {
                "CREATE SCHEMA elsewhere;\nCREATE TABLE elsewhere.lost (id INTEGER PRIMARY KEY);\n"
            }
            _ => "CREATE TEMPORARY TABLE lost (id INTEGER PRIMARY KEY);\n",
        };
        let p = project_with_models(db, elsewhere);
        let out = p.cmd().args(["check"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains("error: model file"), "{stdout}");
        assert!(stdout.contains("produced none of them"), "{stdout}");
        let json = p.cmd().args(["check", "--json"]).output().unwrap();
        assert_eq!(json.status.code(), Some(1));
        let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(value["clean"], false);
        assert_eq!(value["unproduced"].as_array().map(Vec::len), Some(1));
        let refused = p.fails(&["revision", "--autogenerate", "-m", "x"], 1);
        assert!(refused.contains("cannot autogenerate"), "{refused}");
        assert!(
            std::fs::read_dir(p.versions_dir())
                .unwrap()
                .next()
                .is_none()
        );
    });
}

/// A statement the database rejects names its model file and line; one that needs what the
/// server lacks (an extension that is not installed) says so before anything is written.
#[test]
fn a_rejected_model_names_its_file_and_line() {
    each_dialect("rejected_model", |db| {
        let p = project_with_models(
            db,
            "CREATE TABLE a (id INTEGER PRIMARY KEY);\n\n-- the next one is wrong\nCREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES nowhere (id) ON DELETE CASCADE, CHECK (no_such_column > 0));\n",
        );
        let err = p.fails(&["check"], 1);
        assert!(err.contains("schema.sql"), "{err}");
        assert!(err.contains(":4") || err.contains("line 4"), "{err}");
        if db.kind == Kind::Postgres {
            let p = project_with_models(
                db,
                "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE EXTENSION aludel_no_such_extension;\n",
            );
            let err = p.fails(&["revision", "--autogenerate", "-m", "x"], 1);
            assert!(err.contains("aludel_no_such_extension"), "{err}");
            assert!(err.contains("is not available"), "{err}");
            assert!(err.contains(":2") || err.contains("line 2"), "{err}");
            assert!(
                std::fs::read_dir(p.versions_dir())
                    .unwrap()
                    .next()
                    .is_none()
            );
        }
    });
}
