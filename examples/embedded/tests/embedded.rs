//! Runs the example binary against a SQLite file and reads the version table back.

use std::path::Path;
use std::process::Command;

use aludel::config::{Config, LoadOptions};
use aludel::dialect::Database;

const BINARY: &str = env!("CARGO_BIN_EXE_aludel-embedded-example");

/// The revisions recorded in the version table of the SQLite file `db`.
async fn recorded(db: &Path) -> Vec<String> {
    let options = LoadOptions {
        url: Some(url_of(db)),
        cwd: db.parent().unwrap().to_path_buf(),
        ..LoadOptions::default()
    };
    let config =
        Config::from_text(Path::new("aludel.toml"), "[aludel]\n", &options, &|_| None).unwrap();
    let mut conn = Database::connect(config.url().unwrap(), config.connect_timeout)
        .await
        .unwrap();
    let heads = aludel::runtime::current_revisions(&config, &mut conn)
        .await
        .unwrap();
    conn.close().await;
    heads.iter().map(|id| id.to_string()).collect()
}

fn url_of(db: &Path) -> String {
    format!("sqlite:///{}", db.display())
}

fn run(args: &[&str]) -> String {
    let output = Command::new(BINARY).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn brings_a_file_database_to_the_second_revision() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let url = url_of(&db);

    let first = run(&[&url]);
    assert!(first.contains("applied 2 migration(s)"), "{first}");
    assert!(first.contains("current revision: 6f5e4d3c2b1a"), "{first}");
    assert_eq!(recorded(&db).await, ["6f5e4d3c2b1a"]);

    let second = run(&[&url]);
    assert!(second.contains("applied 0 migration(s)"), "{second}");
    assert_eq!(recorded(&db).await, ["6f5e4d3c2b1a"]);
}

#[test]
fn defaults_to_an_in_memory_database() {
    let out = run(&[]);
    assert!(out.contains("current revision: 6f5e4d3c2b1a"), "{out}");
}

#[test]
fn a_bad_url_fails_with_a_message() {
    let output = Command::new(BINARY).arg("nosuch://x").output().unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("error: "),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
