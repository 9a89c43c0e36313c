//! A run asked to stop between two migrations says so truthfully: nothing was in flight, the
//! finished migration stays applied, the next one never started.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aludel::Error;
use aludel::config::{Config, LoadOptions};
use aludel::dialect::Database;
use aludel::runtime::{Event, Migrator, RunOptions};
use aludel::script::{Script, ScriptDirectory};

fn revision(root: &std::path::Path, id: &str, down: &str, table: &str) -> Script {
    let path = root.join(format!("migrations/versions/{id}.sql"));
    let text = format!(
        "-- revision = \"{id}\"\n-- down_revision = \"{down}\"\n\n-- migrate:upgrade\nCREATE TABLE {table} (x INTEGER);\n\n-- migrate:downgrade\nDROP TABLE {table};\n"
    );
    Script::parse(&path, &text).unwrap()
}

#[tokio::test]
async fn a_run_stopped_between_migrations_says_none_was_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let options = LoadOptions {
        cwd: root.to_path_buf(),
        ..LoadOptions::default()
    };
    let config = Config::from_text(
        &root.join("aludel.toml"),
        "[aludel]\nurl = \"sqlite:///app.db\"\n",
        &options,
        &|_| None,
    )
    .unwrap();
    let scripts = ScriptDirectory::from_scripts(
        root.join("migrations"),
        vec![
            revision(root, "a1", "", "first"),
            revision(root, "b2", "a1", "second"),
        ],
    )
    .unwrap();
    let migrator = Migrator::new(&config, &scripts);
    let mut db = Database::connect(config.url().unwrap(), Duration::from_secs(5))
        .await
        .unwrap();
    let flag = Arc::new(AtomicBool::new(false));
    let run = RunOptions {
        cancelled: Some(flag.clone()),
        ..RunOptions::default()
    };
    // Ctrl-C arrives just as the first migration is recorded.
    let mut on_event = |event: Event| {
        if let Event::StepFinished { .. } = event {
            flag.store(true, Ordering::SeqCst);
        }
    };
    let outcome = migrator
        .upgrade(&mut db, "heads", &run, &mut on_event)
        .await;
    match outcome {
        Err(error @ Error::Interrupted { .. }) => {
            let text = error.to_string();
            assert!(
                text.contains("stopped before revision b2, between migrations: none was in flight"),
                "{text}"
            );
            assert!(!text.contains("rolled back"), "{text}");
        }
        other => panic!("expected an interruption, got {other:?}"),
    }
    let current: Vec<String> = migrator
        .current(&mut db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.to_string())
        .collect();
    assert_eq!(current, ["a1"]);
    db.close().await;
}
