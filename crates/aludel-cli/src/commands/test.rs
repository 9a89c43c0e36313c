//! `aludel test`: the stairway test on a scratch database of the project's own dialect: the
//! database of `--url` (which must be empty), else a SQLite file in a temporary folder for a
//! SQLite project, else a temporary database on the project's server (or `dev_url`'s), created
//! and dropped as autogenerate's scratch database is.

use std::path::PathBuf;
use std::process::ExitCode;

use aludel::config::{Config, DatabaseUrl};
use aludel::dialect::{ScratchDatabase, dialect_for, scratch_server};
use aludel::script::ScriptDirectory;
use aludel::stairway::{DownCheck, ModelsCheck, StairwayEvent, StairwayReport};
use anyhow::{Context, Result};

use super::{connect, load_options};
use crate::cli::Global;

/// Where the stairway runs, and what to remove afterwards.
enum Scratch {
    /// The database of `--url`, kept.
    Given,
    /// A SQLite file in this folder.
    Folder(PathBuf),
    /// A database created on the server.
    Server(Box<ScratchDatabase>),
}

pub async fn stairway(g: &Global) -> Result<ExitCode> {
    let mut config = Config::load(&load_options(g)?)?;
    let scratch = if g.url.is_some() {
        Scratch::Given
    } else if dialect_for(config.url()?.backend()).memory_url().is_some() {
        // An embedded database: a file of its own in a temporary folder.
        let dir = scratch_dir()?;
        let file = dir.join("stairway.db");
        config.set_url(DatabaseUrl::parse(
            &format!("sqlite:///{}", file.display()),
            &dir,
        )?);
        Scratch::Folder(dir)
    } else {
        let server = scratch_server(&config, config.url()?)?;
        let db = ScratchDatabase::create(&server, config.connect_timeout).await?;
        config.set_url(db.url().clone());
        Scratch::Server(Box::new(db))
    };
    if !g.quiet {
        eprintln!("Stairway test on {}", config.url()?);
    }
    let result = async {
        let scripts = ScriptDirectory::load(&config)?;
        let mut db = connect(&config).await?;
        let quiet = g.quiet;
        let mut on_event = |event| show_event(event, quiet);
        let report = aludel::stairway::run(&config, &scripts, &mut db, &mut on_event).await;
        db.close().await;
        Ok::<_, anyhow::Error>(report?)
    }
    .await;
    match scratch {
        Scratch::Given => {}
        Scratch::Folder(dir) => {
            let _ = std::fs::remove_dir_all(dir);
        }
        Scratch::Server(db) => {
            if let Err(e) = db.remove().await {
                eprintln!("warning: the scratch database was not dropped: {e}");
            }
        }
    }
    Ok(summarise(g, &result?))
}

/// A fresh folder under the system's temporary directory for the scratch SQLite file.
fn scratch_dir() -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("aludel-test-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// One line per revision checked; when quiet, only the failures.
fn show_event(event: StairwayEvent, quiet: bool) {
    match event {
        StairwayEvent::Checked(outcome) if !quiet || !outcome.passed() => {
            let steps = match (&outcome.down, outcome.passed()) {
                (DownCheck::Verified, _) => "up/down/up",
                (DownCheck::Irreversible, true) => "up (irreversible: down skipped)",
                (DownCheck::NotAlone, true) => "up (no single-step downgrade: down skipped)",
                _ => "",
            };
            let status = if outcome.passed() { "ok  " } else { "FAIL" };
            if steps.is_empty() {
                outln!("{status} {} {}", outcome.revision, outcome.message);
            } else {
                outln!("{status} {} {steps}, {}", outcome.revision, outcome.message);
            }
        }
        StairwayEvent::ModelsChecked(ModelsCheck::Match) if !quiet => {
            outln!("ok   models match the database at head");
        }
        StairwayEvent::ModelsChecked(ModelsCheck::NoModelFiles(hint)) if !quiet => {
            outln!("note: models not compared: {hint}");
        }
        StairwayEvent::ModelsChecked(ModelsCheck::Differs(_)) => {
            outln!("FAIL models differ from the database at head");
        }
        _ => {}
    }
}

/// The closing line, and the failures on stderr; the exit code says whether it passed.
fn summarise(g: &Global, report: &StairwayReport) -> ExitCode {
    let failures = report.failures();
    if failures.is_empty() {
        if !g.quiet {
            outln!(
                "Stairway test passed: {} revision(s) up to {}.",
                report.total,
                report.head
            );
        }
        return ExitCode::SUCCESS;
    }
    for failure in &failures {
        eprintln!("error: {failure}");
    }
    eprintln!(
        "Stairway test failed: {} of {} revision(s) checked.",
        report.revisions.len(),
        report.total
    );
    ExitCode::FAILURE
}
