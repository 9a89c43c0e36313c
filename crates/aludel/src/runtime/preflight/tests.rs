use std::path::Path;
use std::time::Duration;

use crate::Error;
use crate::config::{Config, LoadOptions};
use crate::dialect::Database;
use crate::revision::RevisionId;
use crate::runtime::{Migrator, RunOptions, check_rev_id_fits};
use crate::script::{Script, ScriptDirectory};

/// A project on an in-memory SQLite database with one revision, `a1`.
fn project(root: &Path) -> (Config, ScriptDirectory) {
    let options = LoadOptions {
        cwd: root.to_path_buf(),
        ..LoadOptions::default()
    };
    let config = Config::from_text(
        &root.join("aludel.toml"),
        "[aludel]\nurl = \"sqlite://\"\n",
        &options,
        &|_| None,
    )
    .unwrap();
    let path = root.join("migrations/versions/a1.sql");
    let text = "-- revision = \"a1\"\n-- down_revision = \"\"\n\n-- migrate:upgrade\nCREATE TABLE t (x INTEGER);\n";
    let scripts = ScriptDirectory::from_scripts(
        root.join("migrations"),
        vec![Script::parse(&path, text).unwrap()],
    )
    .unwrap();
    (config, scripts)
}

#[tokio::test]
async fn autogenerate_needs_the_database_at_head() {
    let dir = tempfile::tempdir().unwrap();
    let (config, scripts) = project(dir.path());
    let migrator = Migrator::new(&config, &scripts);
    let mut db = Database::connect(config.url().unwrap(), Duration::from_secs(5))
        .await
        .unwrap();
    match migrator.require_at_head(&mut db).await {
        Err(error @ Error::Refused { .. }) => {
            assert_eq!(
                error.to_string(),
                "target database is not up to date: 1 revision(s) pending"
            );
            assert!(error.hints()[0].contains("aludel upgrade heads"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    migrator
        .upgrade(&mut db, "heads", &RunOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(migrator.require_at_head(&mut db).await.unwrap().is_empty());
    db.close().await;
}

#[tokio::test]
async fn any_id_fits_where_there_is_no_version_table() {
    let dir = tempfile::tempdir().unwrap();
    let (config, scripts) = project(dir.path());
    let id = RevisionId::new("x".repeat(RevisionId::MAX_ID_LENGTH)).unwrap();
    check_rev_id_fits(&config, &scripts, &id).await.unwrap();
}
