//! Shared machinery of the autogenerate round-trip tests: a fresh database per test on each
//! dialect, a project folder with the models, and the round trip itself.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use aludel::autogen::{self, Change};
use aludel::config::{Backend, Config, DatabaseUrl, LoadOptions};
use aludel::dialect::Database;
use aludel::lint::{Level, lint};
use aludel::schema::{self, Schema, TableFilter};
use aludel::script::{Script, split_statements};

/// The dialects a scenario runs on (lowercase: they name the generated test functions).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    sqlite,
    postgres,
    mysql,
}

const PG_URL: &str = "postgresql://postgres@127.0.0.1:5432/postgres";
const MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/";
const TIMEOUT: Duration = Duration::from_secs(10);

/// One round trip: schema A in the database, models B, the expected detections and warnings.
#[derive(Debug, Default)]
pub struct Scenario {
    /// DDL of the starting schema.
    pub a: &'static str,
    /// DDL of the models (one file).
    pub b: &'static str,
    /// The models as several files, loaded in order (instead of `b`).
    pub b_files: &'static [&'static str],
    /// Rows inserted after A, which must survive the upgrade and the downgrade.
    pub seed: &'static str,
    /// `--rename` hints.
    pub renames: &'static [&'static str],
    /// Each must be part of some detected line.
    pub expect: &'static [&'static str],
    /// Each must be part of some warning.
    pub warn: &'static [&'static str],
    /// Generated A, B and seed (when set, they replace the static ones).
    pub a_owned: Option<String>,
    /// Generated models.
    pub b_owned: Option<String>,
    /// Generated seed rows.
    pub seed_owned: Option<String>,
}

/// A database made for one test, dropped at the end.
struct Target {
    url: DatabaseUrl,
    url_text: String,
    admin: Option<(DatabaseUrl, String)>,
    _dir: tempfile::TempDir,
}

fn required() -> bool {
    std::env::var("ALUDEL_REQUIRE_SERVERS").is_ok_and(|v| v == "1")
}

fn unique_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros()
        % 1_000_000_000;
    format!(
        "aludel_test_{}_{t}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

async fn create_target(dialect: Dialect) -> Option<Target> {
    let dir = tempfile::tempdir().unwrap();
    let server = match dialect {
        Dialect::sqlite => {
            let url_text = format!("sqlite:///{}", dir.path().join("target.db").display());
            let url = DatabaseUrl::parse(&url_text, dir.path()).unwrap();
            return Some(Target {
                url,
                url_text,
                admin: None,
                _dir: dir,
            });
        }
        Dialect::postgres => PG_URL,
        Dialect::mysql => MYSQL_URL,
    };
    let server = DatabaseUrl::parse(server, dir.path()).unwrap();
    let mut admin = match Database::connect(&server, TIMEOUT).await {
        Ok(db) => db,
        Err(e) if !required() => {
            eprintln!(
                "notice: skipping, {dialect:?} server unreachable ({e}); set ALUDEL_REQUIRE_SERVERS=1 to fail instead"
            );
            return None;
        }
        Err(e) => panic!("{dialect:?} server required but unreachable: {e}"),
    };
    let name = unique_name();
    admin
        .run(&format!(
            "CREATE DATABASE {}",
            admin.dialect().quote_ident(&name)
        ))
        .await
        .unwrap();
    admin.close().await;
    let url_text = format!(
        "{}{name}",
        if dialect == Dialect::postgres {
            "postgresql://postgres@127.0.0.1:5432/"
        } else {
            MYSQL_URL
        }
    );
    Some(Target {
        url: server.with_database(&name),
        url_text,
        admin: Some((server, name)),
        _dir: dir,
    })
}

async fn drop_target(target: Target) {
    if let Some((server, name)) = &target.admin {
        let mut admin = Database::connect(server, TIMEOUT).await.unwrap();
        let q = admin.dialect().quote_ident(name);
        let sql = match server.backend() {
            Backend::Postgres => format!("DROP DATABASE IF EXISTS {q} WITH (FORCE)"),
            _ => format!("DROP DATABASE IF EXISTS {q}"),
        };
        admin.run(&sql).await.unwrap();
        admin.close().await;
    }
}

/// Runs `sql` statement by statement; statements that fail are retried after the others
/// (foreign keys to tables created later), and a statement that never succeeds panics.
pub async fn apply(db: &mut Database, sql: &str, what: &str) {
    let backend = db.dialect().backend();
    let mut pending: Vec<String> = split_statements(sql, 1, backend)
        .unwrap()
        .into_iter()
        .map(|s| s.sql)
        .collect();
    while !pending.is_empty() {
        let mut failed = Vec::new();
        let mut last = String::new();
        let before = pending.len();
        for s in pending {
            if let Err(e) = db.execute(&s).await {
                last = format!("{e}\n  in: {s}");
                failed.push(s);
            }
        }
        assert!(
            failed.len() < before,
            "{what} failed: {last}\n--- whole script ---\n{sql}"
        );
        pending = failed;
    }
}

async fn counts(db: &mut Database, schema: &Schema) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in schema.tables.keys() {
        let q = db.dialect().quote_ident(name);
        let rows = db
            .fetch(&format!("SELECT CAST(COUNT(*) AS CHAR(20)) FROM {q}"))
            .await;
        let rows = match rows {
            Ok(rows) => rows,
            Err(_) => db
                .fetch(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {q}"))
                .await
                .unwrap(),
        };
        out.push((name.clone(), rows[0][0].clone().unwrap_or_default()));
    }
    out
}

fn write_project(dir: &Path, url: &str, models: &[String]) -> Config {
    std::fs::create_dir_all(dir.join("models")).unwrap();
    for (i, m) in models.iter().enumerate() {
        std::fs::write(dir.join("models").join(format!("{i:02}_model.sql")), m).unwrap();
    }
    let toml = format!(
        "[aludel]\nscript_location = \"migrations\"\nurl = \"{}\"\nmodels = [\"models/*.sql\"]\n",
        url
    );
    std::fs::write(dir.join("aludel.toml"), toml).unwrap();
    Config::load(&LoadOptions {
        config_path: Some(dir.join("aludel.toml")),
        cwd: dir.to_path_buf(),
        ..LoadOptions::default()
    })
    .unwrap()
}

impl Scenario {
    /// Runs the round trip on `dialect`.
    pub async fn run(self, dialect: Dialect) {
        let Some(target) = create_target(dialect).await else {
            return;
        };
        let (url, url_text) = (target.url.clone(), target.url_text.clone());
        // The round trip runs in a task of its own so that a failed assertion still lets the
        // database be dropped before the panic is passed on.
        let task = tokio::spawn(async move {
            tokio::time::timeout(Duration::from_secs(300), self.round_trip(&url, &url_text))
                .await
                .expect("round trip timed out")
        });
        let result = task.await;
        drop_target(target).await;
        if let Err(e) = result {
            std::panic::resume_unwind(e.into_panic());
        }
    }

    async fn round_trip(&self, url: &DatabaseUrl, url_text: &str) {
        let a = self.a_owned.clone().unwrap_or_else(|| self.a.to_string());
        let seed = self
            .seed_owned
            .clone()
            .unwrap_or_else(|| self.seed.to_string());
        let models: Vec<String> = match (&self.b_owned, self.b_files) {
            (Some(b), _) => vec![b.clone()],
            (None, []) => vec![self.b.to_string()],
            (None, files) => files.iter().map(|f| f.to_string()).collect(),
        };
        let project = tempfile::tempdir().unwrap();
        let config = write_project(project.path(), url_text, &models);
        let mut db = Database::connect(url, TIMEOUT).await.unwrap();
        apply(&mut db, &a, "schema A").await;
        apply(&mut db, &seed, "seed").await;
        let filter = TableFilter::from_config(&config).unwrap();
        let before = schema::introspect(&mut db, &filter).await.unwrap();
        let rows_before = counts(&mut db, &before).await;

        let renames: Vec<String> = self.renames.iter().map(|r| r.to_string()).collect();
        // The form `revision --autogenerate` writes by default.
        let generated = autogen::autogenerate(&config, &mut db, &renames)
            .await
            .unwrap()
            .made_safe(url.backend());
        let report = format!(
            "detected:\n{}\nwarnings:\n{}\n--- upgrade ---\n{}\n--- downgrade ---\n{}",
            generated.detected.join("\n"),
            generated.warnings.join("\n"),
            generated.upgrade_sql,
            generated.downgrade_sql
        );
        for e in self.expect {
            assert!(
                generated.detected.iter().any(|d| d.contains(e)),
                "expected detection '{e}'\n{report}"
            );
        }
        for w in self.warn {
            assert!(
                generated.warnings.iter().any(|d| d.contains(w)),
                "expected warning '{w}'\n{report}"
            );
        }
        assert!(
            !generated.changes.is_empty(),
            "no change detected\n{report}"
        );
        assert_lint_clean(&generated, url.backend(), &report);

        apply_exact(&mut db, &generated.upgrade_sql, "upgrade", &report).await;
        let left = autogen::compare(&config, &mut db).await.unwrap();
        assert!(
            left.is_empty(),
            "check is not clean after upgrade: {}\n{report}",
            describe(&left)
        );
        let upgraded = schema::introspect(&mut db, &filter).await.unwrap();
        let models_schema =
            autogen::normalise(&autogen::load_models(&config).unwrap(), url, &config)
                .await
                .unwrap();
        assert_same(
            &upgraded,
            &models_schema,
            "after upgrade vs models",
            &report,
        );
        let rows_up = counts(&mut db, &upgraded).await;
        for (table, n) in &rows_before {
            let renamed = self.renames.iter().find_map(|r| {
                r.split_once(':')
                    .filter(|(o, _)| o == table)
                    .map(|(_, n)| n.to_string())
            });
            let name = renamed.unwrap_or_else(|| table.clone());
            if let Some((_, m)) = rows_up.iter().find(|(t, _)| *t == name) {
                assert_eq!(n, m, "rows of '{table}' changed by the upgrade\n{report}");
            }
        }

        apply_exact(&mut db, &generated.downgrade_sql, "downgrade", &report).await;
        let downgraded = schema::introspect(&mut db, &filter).await.unwrap();
        assert_same(&downgraded, &before, "after downgrade vs A", &report);
        let rows_down = counts(&mut db, &downgraded).await;
        for (table, n) in &rows_before {
            if rows_up.iter().any(|(t, _)| t == table)
                || self
                    .renames
                    .iter()
                    .any(|r| r.starts_with(&format!("{table}:")))
            {
                let m = &rows_down.iter().find(|(t, _)| t == table).unwrap().1;
                assert_eq!(
                    n, m,
                    "rows of '{table}' not kept through upgrade and downgrade\n{report}"
                );
            }
        }
        db.close().await;
    }
}

/// Asserts that the revision file autogenerate writes passes `aludel lint`: no error-level
/// finding in its upgrade.
fn assert_lint_clean(generated: &autogen::Generated, backend: Backend, report: &str) {
    let header = if generated.non_transactional {
        "-- transactional = false\n"
    } else {
        ""
    };
    let text = format!(
        "-- revision = \"gen\"\n-- down_revision = \"\"\n{header}\n-- migrate:upgrade\n{}\n-- migrate:downgrade\n{}\n",
        generated.upgrade_sql, generated.downgrade_sql
    );
    let script = Script::parse(Path::new("gen.sql"), &text).unwrap();
    let errors: Vec<String> = lint(&[&script], backend)
        .unwrap()
        .into_iter()
        .filter(|f| f.level == Level::Error)
        .map(|f| format!("line {}: {}: {}", f.line, f.rule, f.message))
        .collect();
    assert!(
        errors.is_empty(),
        "the generated migration fails aludel lint:\n{}\n{report}",
        errors.join("\n")
    );
}

/// Runs a generated script exactly as written: every statement must succeed, in order.
async fn apply_exact(db: &mut Database, sql: &str, what: &str, report: &str) {
    for s in split_statements(sql, 1, db.dialect().backend()).unwrap() {
        if let Err(e) = db.execute(&s.sql).await {
            panic!(
                "{what} statement at line {} failed: {e}\n  in: {}\n{report}",
                s.line, s.sql
            );
        }
    }
}

fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .flat_map(Change::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Two schemas agree: no change either way, and the same tables with the same column order
/// where the dialect keeps it.
fn assert_same(actual: &Schema, expected: &Schema, what: &str, report: &str) {
    let there = autogen::diff(actual, expected, &[]);
    let back = autogen::diff(expected, actual, &[]);
    assert!(
        there.is_empty() && back.is_empty(),
        "{what}: {}\n{report}",
        describe(&there)
    );
    assert_eq!(
        actual.tables.keys().collect::<Vec<_>>(),
        expected.tables.keys().collect::<Vec<_>>(),
        "{what}"
    );
    assert_eq!(actual.enums, expected.enums, "{what}: enums\n{report}");
}

/// A schema of `n` tables in the shape of a web application: keys, unique and check
/// constraints, defaults, indexes, and foreign keys to earlier tables (with actions) and to
/// themselves.
pub fn realistic_schema(n: usize) -> String {
    (0..n)
        .map(|i| table(i, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`realistic_schema`] with one table fewer and a handful of changes.
pub fn realistic_schema_changed(n: usize) -> String {
    (0..n - 1)
        .map(|i| table(i, true))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One row per table of [`realistic_schema`], parents first.
pub fn realistic_seed(n: usize) -> String {
    (0..n)
        .map(|i| {
            let parent = if i > 0 { "1" } else { "NULL" };
            format!("INSERT INTO table_{i:02} (id, name, code, parent_id) VALUES (1, 'row {i}', 'c{i}', {parent});")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn table(i: usize, changed: bool) -> String {
    let name_len = if changed && i == 5 { 200 } else { 100 };
    let mut cols = vec![
        "id INTEGER NOT NULL PRIMARY KEY".to_string(),
        format!("name VARCHAR({name_len}) NOT NULL"),
        "code VARCHAR(20) NOT NULL".to_string(),
        "amount NUMERIC(12, 2) NOT NULL DEFAULT 0".to_string(),
        "status VARCHAR(10) NOT NULL DEFAULT 'new'".to_string(),
        "active BOOLEAN NOT NULL DEFAULT TRUE".to_string(),
        "born DATE".to_string(),
        "parent_id INTEGER".to_string(),
    ];
    if i.is_multiple_of(3) && i > 0 {
        cols.push("owner_id INTEGER".to_string());
    }
    if changed && i == 3 {
        cols.push("extra VARCHAR(30)".to_string());
    }
    let mut constraints = vec![format!("CONSTRAINT uq_table_{i:02}_code UNIQUE (code)")];
    if !(changed && i == 9) {
        constraints.push(format!(
            "CONSTRAINT ck_table_{i:02}_status CHECK (status IN ('new', 'paid', 'void'))"
        ));
    }
    if i > 0 {
        let action = if i.is_multiple_of(2) {
            " ON DELETE CASCADE"
        } else {
            ""
        };
        constraints.push(format!("CONSTRAINT fk_table_{i:02}_parent FOREIGN KEY (parent_id) REFERENCES table_{:02} (id){action}", i - 1));
    } else {
        constraints.push(
            "CONSTRAINT fk_table_00_parent FOREIGN KEY (parent_id) REFERENCES table_00 (id)"
                .to_string(),
        );
    }
    if i.is_multiple_of(3) && i > 0 && !(changed && i == 12) {
        constraints.push(format!("CONSTRAINT fk_table_{i:02}_owner FOREIGN KEY (owner_id) REFERENCES table_{:02} (id) ON DELETE SET NULL", i / 3));
    }
    let mut sql = format!(
        "CREATE TABLE table_{i:02} (\n    {}\n);\n",
        cols.into_iter()
            .chain(constraints)
            .collect::<Vec<_>>()
            .join(",\n    ")
    );
    sql.push_str(&format!(
        "CREATE INDEX ix_table_{i:02}_name ON table_{i:02} (name);\n"
    ));
    if changed && i == 7 {
        sql.push_str("CREATE INDEX ix_table_07_amount ON table_07 (amount, status);\n");
    }
    sql
}
