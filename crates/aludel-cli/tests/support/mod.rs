//! Test support: temporary projects, the real `aludel` binary, and per-dialect databases that
//! each test creates and drops.
#![allow(dead_code)]

pub mod corpus;
pub mod dump;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aludel::config::DatabaseUrl;
use aludel::dialect::Database;
use assert_cmd::Command;

/// Which database a scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    MySql,
}

pub const POSTGRES_SERVER: &str = "postgresql://postgres@127.0.0.1:5432/postgres";
pub const MYSQL_SERVER: &str = "mysql://root@127.0.0.1:3306/mysql";

/// A database of a test's own, dropped when the value is dropped.
pub struct TestDb {
    pub kind: Kind,
    pub url: String,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name(test: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let clean: String = clean.chars().take(30).collect();
    format!("aludel_t_{}_{}_{n}", clean, std::process::id())
}

fn require_servers() -> bool {
    std::env::var("ALUDEL_REQUIRE_SERVERS").is_ok_and(|v| v == "1")
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

async fn admin(kind: Kind) -> Result<Database, String> {
    let server = match kind {
        Kind::Postgres => POSTGRES_SERVER,
        Kind::MySql => MYSQL_SERVER,
        Kind::Sqlite => unreachable!(),
    };
    let url = DatabaseUrl::parse(server, Path::new("/")).map_err(|e| e.to_string())?;
    Database::connect(&url, Duration::from_secs(5))
        .await
        .map_err(|e| e.to_string())
}

impl TestDb {
    /// A fresh database for `test`, or `None` (with a notice) when the server is unreachable
    /// and servers are not required. With `ALUDEL_REQUIRE_SERVERS=1` an unreachable server
    /// fails the test.
    pub fn new(kind: Kind, test: &str) -> Option<TestDb> {
        let name = unique_name(test);
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite:///{}", dir.path().join("test.db").display());
                Some(TestDb {
                    kind,
                    url,
                    name,
                    _dir: Some(dir),
                })
            }
            Kind::Postgres | Kind::MySql => {
                let created = block_on(async {
                    let mut db = admin(kind).await?;
                    db.execute(&format!("CREATE DATABASE {name}")).await?;
                    db.close().await;
                    Ok::<(), String>(())
                });
                if let Err(e) = created {
                    if require_servers() {
                        panic!("{kind:?} server unreachable and ALUDEL_REQUIRE_SERVERS=1: {e}");
                    }
                    eprintln!("notice: skipping {test} on {kind:?}: server unreachable ({e})");
                    return None;
                }
                let url = match kind {
                    Kind::Postgres => format!("postgresql://postgres@127.0.0.1:5432/{name}"),
                    _ => format!("mysql://root@127.0.0.1:3306/{name}"),
                };
                Some(TestDb {
                    kind,
                    url,
                    name,
                    _dir: None,
                })
            }
        }
    }

    /// Runs a query on this database and returns the rows as text.
    pub fn query(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        block_on(async {
            let url = DatabaseUrl::parse(&self.url, Path::new("/")).unwrap();
            let mut db = Database::connect(&url, Duration::from_secs(5))
                .await
                .unwrap();
            let rows = db.fetch(sql).await.unwrap();
            db.close().await;
            rows
        })
    }

    /// The first column of every row.
    pub fn column(&self, sql: &str) -> Vec<String> {
        self.query(sql)
            .into_iter()
            .map(|r| r.into_iter().next().flatten().unwrap_or_default())
            .collect()
    }

    /// The version table's rows, sorted.
    pub fn versions(&self) -> Vec<String> {
        let mut v = self.column("SELECT version_num FROM aludel_version");
        v.sort();
        v
    }

    /// The version table's rows, sorted; empty while the table does not exist or is locked.
    pub fn versions_if_any(&self) -> Vec<String> {
        if !self.has_table("aludel_version") {
            return Vec::new();
        }
        let url = self.url.clone();
        let rows = block_on(async move {
            let url = DatabaseUrl::parse(&url, Path::new("/")).ok()?;
            let mut db = Database::connect(&url, Duration::from_secs(5)).await.ok()?;
            let rows = db
                .fetch("SELECT version_num FROM aludel_version")
                .await
                .ok();
            db.close().await;
            rows
        });
        let mut v: Vec<String> = rows
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
        v.sort();
        v
    }

    /// Whether a table exists.
    pub fn has_table(&self, table: &str) -> bool {
        let sql = match self.kind {
            Kind::Sqlite => {
                format!("SELECT name FROM sqlite_schema WHERE type='table' AND name='{table}'")
            }
            Kind::Postgres => format!(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            Kind::MySql => format!(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"
            ),
        };
        !self.column(&sql).is_empty()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if matches!(self.kind, Kind::Postgres | Kind::MySql) {
            let name = self.name.clone();
            let kind = self.kind;
            let _ = block_on(async move {
                let mut db = admin(kind).await?;
                let sql = match kind {
                    Kind::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    _ => format!("DROP DATABASE IF EXISTS {name}"),
                };
                db.execute(&sql).await?;
                db.close().await;
                Ok::<(), String>(())
            });
        }
    }
}

/// A temporary project: aludel.toml, migrations/versions, and helpers to write revisions and
/// run the binary in it.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl Project {
    /// A project whose aludel.toml points at `url`, with `extra` appended to `[aludel]`.
    pub fn new(url: &str, extra: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("migrations/versions")).unwrap();
        std::fs::write(
            dir.path().join("aludel.toml"),
            format!("[aludel]\nscript_location = \"migrations\"\nurl = \"{url}\"\n{extra}\n"),
        )
        .unwrap();
        Project {
            dir,
            url: url.to_string(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn versions_dir(&self) -> PathBuf {
        self.path().join("migrations/versions")
    }

    /// Writes a revision file with an upgrade and (unless `None`) a downgrade section.
    pub fn revision(
        &self,
        id: &str,
        down: &[&str],
        upgrade: &str,
        downgrade: Option<&str>,
    ) -> PathBuf {
        self.revision_with(id, down, "", upgrade, downgrade)
    }

    /// As [`revision`](Self::revision) with extra header lines (e.g. `-- branch_labels = ["x"]`).
    pub fn revision_with(
        &self,
        id: &str,
        down: &[&str],
        header: &str,
        upgrade: &str,
        downgrade: Option<&str>,
    ) -> PathBuf {
        let down = match down {
            [] => "\"\"".to_string(),
            [one] => format!("\"{one}\""),
            many => format!(
                "[{}]",
                many.iter()
                    .map(|d| format!("\"{d}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut text = format!(
            "-- message = \"rev {id}\"\n-- revision = \"{id}\"\n-- down_revision = {down}\n{header}\n-- migrate:upgrade\n{upgrade}\n"
        );
        if let Some(downgrade) = downgrade {
            text += &format!("\n-- migrate:downgrade\n{downgrade}\n");
        }
        let path = self.versions_dir().join(format!("{id}.sql"));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The binary, run in the project folder, with a clean environment for aludel's variables.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("aludel").unwrap();
        cmd.current_dir(self.path())
            .env_remove("DATABASE_URL")
            .env_remove("ALUDEL_ENV")
            .env_remove("ENVIRONMENT")
            .env_remove("ALUDEL_CONFIG")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Starts `aludel ARGS` without waiting, its output captured.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("aludel"))
            .current_dir(self.path())
            .env_remove("DATABASE_URL")
            .env_remove("ALUDEL_ENV")
            .env_remove("ENVIRONMENT")
            .env_remove("ALUDEL_CONFIG")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs `aludel ARGS` and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "aludel {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `aludel ARGS`, asserts exit code `code`; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "aludel {args:?}: expected exit {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }
}

/// The dialects a scenario runs on: SQLite always, the servers when reachable.
pub fn each_dialect(test: &str, scenario: impl Fn(&TestDb)) {
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::MySql] {
        if let Some(db) = TestDb::new(kind, test) {
            eprintln!("-- {test} on {kind:?}");
            scenario(&db);
        }
    }
}

impl TestDb {
    /// The database's name on its server (PostgreSQL, MySQL).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Polls `sql` until it returns a row or `within` passes; returns whether it did.
    pub fn wait_for_row(&self, sql: &str, within: Duration) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < within {
            if !self.query(sql).is_empty() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

/// The server databases only: PostgreSQL and MariaDB, for scenarios SQLite has no part in.
pub fn each_server(test: &str, scenario: impl Fn(&TestDb)) {
    for kind in [Kind::Postgres, Kind::MySql] {
        if let Some(db) = TestDb::new(kind, test) {
            eprintln!("-- {test} on {kind:?}");
            scenario(&db);
        }
    }
}
