//! `aludel repair [REV…]`: accepts the current checksums of applied files that changed.

use std::process::ExitCode;

use anyhow::Result;

use super::Project;
use crate::cli::{Global, RepairArgs};

pub async fn repair(g: &Global, args: &RepairArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let mut db = p.connect().await?;
    let repaired = p.migrator().repair(&mut db, &args.revisions).await;
    db.close().await;
    let repaired = repaired?;
    if repaired.is_empty() {
        if !g.quiet {
            eprintln!("No applied revision's file changed: nothing to repair.");
        }
    } else {
        for id in repaired {
            outln!("Accepted the current checksum of {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
