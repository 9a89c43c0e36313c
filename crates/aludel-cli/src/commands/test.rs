//! `aludel test`: the stairway test, on the database of `--url`, else on a SQLite file in a
//! temporary folder removed afterwards.

use std::path::PathBuf;
use std::process::ExitCode;

use aludel::config::Config;
use aludel::script::ScriptDirectory;
use aludel::stairway::{DownCheck, ModelsCheck, StairwayEvent, StairwayReport};
use anyhow::{Context, Result};

use super::{connect, load_options};
use crate::cli::Global;

pub async fn stairway(g: &Global) -> Result<ExitCode> {
    let mut options = load_options(g)?;
    let scratch = match &g.url {
        Some(_) => None,
        None => {
            let dir = scratch_dir()?;
            options.url = Some(format!("sqlite:///{}", dir.join("stairway.db").display()));
            Some(dir)
        }
    };
    let result = async {
        let config = Config::load(&options)?;
        let scripts = ScriptDirectory::load(&config)?;
        let mut db = connect(&config).await?;
        let quiet = g.quiet;
        let mut on_event = |event| show_event(event, quiet);
        let report = aludel::stairway::run(&config, &scripts, &mut db, &mut on_event).await;
        db.close().await;
        Ok::<_, anyhow::Error>(report?)
    }
    .await;
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
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
                report.total, report.head
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
