//! `aludel check`: exits 1 and lists the differences when the models and a database at head
//! differ.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use super::Project;
use crate::cli::{CheckArgs, Global};
use crate::output::print_json;

/// `check --json`.
#[derive(Serialize)]
struct Check {
    clean: bool,
    differences: Vec<String>,
}

pub async fn check(g: &Global, args: &CheckArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let mut db = p.connect_at_head().await?;
    let changes = aludel::autogen::compare(&p.config, &mut db).await;
    db.close().await;
    let changes = changes?;
    let lines: Vec<String> = changes.iter().flat_map(|c| c.describe()).collect();
    if args.json {
        print_json(&Check {
            clean: changes.is_empty(),
            differences: lines,
        })?;
    } else if changes.is_empty() {
        outln!("No new upgrade operations detected.");
    } else {
        outln!("New upgrade operations detected:");
        for line in &lines {
            outln!("  {line}");
        }
    }
    Ok(if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
