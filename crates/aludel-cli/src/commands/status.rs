//! `aludel status`: current revisions against heads, what is pending, which applied files
//! changed.

use std::process::ExitCode;

use aludel::revision::RevisionId;
use anyhow::Result;

use super::Project;
use crate::cli::{Global, StatusArgs};
use crate::output::print_json;

pub async fn status(g: &Global, args: &StatusArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let mut db = p.connect().await?;
    let status = p.migrator().status(&mut db).await;
    db.close().await;
    let status = status?;
    if args.json {
        print_json(&status)?;
    } else {
        outln!("Database: {}", p.config.url()?);
        outln!("Current: {}", list(&status.current));
        outln!("Heads: {}", list(&status.heads));
        if status.pending.is_empty() {
            outln!("Pending: none, the database is up to date");
        } else {
            outln!("Pending ({}):", status.pending.len());
            for id in &status.pending {
                outln!("  {}, {}", id, p.scripts.script(id).message);
            }
        }
        for id in &status.unknown {
            outln!("Unknown: {id}, which no migration file has");
            outln!(
                "hint: restore its file, or `aludel stamp --purge REV` to set the version table to revisions that exist"
            );
        }
        for changed in &status.changed {
            outln!("Changed: {}\nhint: {}", changed.describe(), changed.hint());
        }
    }
    Ok(if args.exit_code && !status.is_clean() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Ids joined by commas, `<base>` for none.
fn list(ids: &[RevisionId]) -> String {
    if ids.is_empty() {
        "<base>".to_string()
    } else {
        ids.iter()
            .map(RevisionId::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
