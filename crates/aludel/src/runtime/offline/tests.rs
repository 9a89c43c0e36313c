//! The offline script pinned byte for byte: the text a DBA reviews must not drift when the
//! code that draws it changes.

use std::path::Path;

use super::super::units::tests::scripts;
use super::*;
use crate::config::{Config, LoadOptions};
use crate::script::ScriptDirectory;

fn config(extra: &str) -> Config {
    let text =
        format!("[aludel]\nscript_location = \"migrations\"\nurl = \"sqlite:///x.db\"\n{extra}\n");
    let options = LoadOptions {
        cwd: std::env::temp_dir(),
        ..LoadOptions::default()
    };
    Config::from_text(Path::new("aludel.toml"), &text, &options, &|_| None).unwrap()
}

/// The script with its timestamp and checksums replaced by stable names.
fn normalised(script: &OfflineScript, dir: &ScriptDirectory) -> String {
    let now = script
        .sql
        .split("generated ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string();
    let mut sql = script.sql.replace(&now, "NOW");
    for (id, file) in &dir.scripts {
        for (side, section) in [("up", &file.upgrade), ("down", &file.downgrade)] {
            if let Some(section) = section {
                sql = sql.replace(&section.checksum().0, &format!("<{side} {id}>"));
            }
        }
    }
    sql
}

const TABLES: &str = r#"-- aludel offline script for sqlite, generated NOW; review before running

CREATE TABLE IF NOT EXISTS "aludel_version" (
    version_num VARCHAR(255) NOT NULL,
    CONSTRAINT "aludel_version_pkc" PRIMARY KEY (version_num)
);

CREATE TABLE IF NOT EXISTS "aludel_history" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    revision VARCHAR(255) NOT NULL,
    direction VARCHAR(16) NOT NULL,
    checksum VARCHAR(64),
    started_at VARCHAR(40) NOT NULL,
    duration_ms BIGINT NOT NULL,
    applied_by VARCHAR(255)
);

"#;

#[test]
fn a_non_transactional_migration_interrupts_the_runs_transaction() {
    let dir = scripts("a!; b <- a; c! <- b");
    let config = config("transaction_per_migration = false");
    let m = Migrator::new(&config, &dir);
    let script = m.upgrade_sql(Backend::Sqlite, "heads").unwrap();
    let history = |id: &str, prev: Option<&str>| {
        let version = match prev {
            None => format!("INSERT INTO \"aludel_version\" (version_num) VALUES ('{id}')"),
            Some(prev) => format!(
                "UPDATE \"aludel_version\" SET version_num = '{id}' WHERE version_num = '{prev}'"
            ),
        };
        format!(
            "{version};\n\nINSERT INTO \"aludel_history\" (revision, direction, checksum, started_at, duration_ms, applied_by) VALUES ('{id}', 'upgrade', '<up {id}>', 'NOW', 0, 'offline');\n\n"
        )
    };
    let expected = format!(
        "{TABLES}BEGIN;\n\n\
         -- Running upgrade  -> a, rev a\n\n\
         -- transactional = false: runs outside a transaction\n\n\
         COMMIT;\n\n\
         CREATE TABLE a (x INT);\n\n\
         {}BEGIN;\n\n\
         -- Running upgrade a -> b, rev b\n\n\
         CREATE TABLE b (x INT);\n\n\
         {}-- Running upgrade b -> c, rev c\n\n\
         -- transactional = false: runs outside a transaction\n\n\
         COMMIT;\n\n\
         CREATE TABLE c (x INT);\n\n\
         {}BEGIN;\n\n\
         COMMIT;\n\n",
        history("a", None),
        history("b", Some("a")),
        history("c", Some("b")),
    );
    assert_eq!(normalised(&script, &dir), expected);
}

#[test]
fn a_transaction_per_migration_wraps_each_transactional_one() {
    let dir = scripts("a; b! <- a");
    let config = config("");
    let m = Migrator::new(&config, &dir);
    let script = m.downgrade_sql(Backend::Sqlite, "heads:base").unwrap();
    let expected = format!(
        "{TABLES}-- Running downgrade b -> a, rev b\n\n\
         -- transactional = false: runs outside a transaction\n\n\
         DROP TABLE b;\n\n\
         UPDATE \"aludel_version\" SET version_num = 'a' WHERE version_num = 'b';\n\n\
         INSERT INTO \"aludel_history\" (revision, direction, checksum, started_at, duration_ms, applied_by) VALUES ('b', 'downgrade', '<down b>', 'NOW', 0, 'offline');\n\n\
         -- Running downgrade a -> , rev a\n\n\
         BEGIN;\n\n\
         DROP TABLE a;\n\n\
         DELETE FROM \"aludel_version\" WHERE version_num = 'a';\n\n\
         INSERT INTO \"aludel_history\" (revision, direction, checksum, started_at, duration_ms, applied_by) VALUES ('a', 'downgrade', '<down a>', 'NOW', 0, 'offline');\n\n\
         COMMIT;\n\n"
    );
    assert_eq!(normalised(&script, &dir), expected);
}
