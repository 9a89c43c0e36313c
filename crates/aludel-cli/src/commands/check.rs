//! `aludel check`: exits 1 and lists the differences when the models and a database at head
//! differ, or when a model file's `CREATE` statements produced nothing; lists what it did not
//! compare either way.

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
    /// `kind name` of every object aludel does not manage.
    not_compared: Vec<String>,
    /// Model files whose `CREATE` statements produced nothing.
    unproduced: Vec<String>,
}

pub async fn check(g: &Global, args: &CheckArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let mut db = p.connect_at_head().await?;
    let checked = aludel::autogen::check(&p.config, &mut db).await;
    db.close().await;
    let checked = checked?;
    let lines: Vec<String> = checked.changes.iter().flat_map(|c| c.describe()).collect();
    let unproduced: Vec<String> = checked.unproduced.iter().map(|u| u.to_string()).collect();
    if args.json {
        print_json(&Check {
            clean: checked.is_clean(),
            differences: lines,
            not_compared: crate::format::not_compared_names(&checked.not_compared),
            unproduced,
        })?;
    } else {
        for problem in &unproduced {
            outln!("error: {problem}");
        }
        if checked.changes.is_empty() {
            outln!("No new upgrade operations detected.");
        } else {
            outln!("New upgrade operations detected:");
            for line in &lines {
                outln!("  {line}");
            }
        }
        if let Some(line) = crate::format::not_compared_line(&checked.not_compared) {
            outln!("{line}");
        }
    }
    Ok(if checked.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
