//! `aludel import alembic`: an Alembic project's history as aludel revision files.

use std::process::ExitCode;

use aludel::import::{AlembicImport, Overwrite, import_alembic};
use anyhow::{Context, Result};

use crate::cli::{Global, ImportArgs, ImportTool};
use crate::output::print_json;

pub fn import(g: &Global, args: &ImportArgs) -> Result<ExitCode> {
    let ImportTool::Alembic = args.tool;
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let from = match &args.from {
        Some(dir) => cwd.join(dir),
        None => cwd,
    };
    if !g.quiet && !args.json {
        eprintln!(
            "Rendering each Alembic revision offline in {} …",
            from.display()
        );
    }
    let report = import_alembic(&AlembicImport {
        from,
        python: args.python.clone(),
        dialect: args.dialect.clone(),
        overwrite: if args.force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        },
    })?;
    if args.json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    for revision in &report.revisions {
        println!("{}", revision.path.display());
    }
    if !g.quiet {
        eprintln!(
            "Imported {} revisions for {} into {}.",
            report.revisions.len(),
            report.dialect,
            report.config.display()
        );
    }
    if !report.reviews.is_empty() {
        eprintln!(
            "warning: {} places need review: offline rendering cannot see the database or the deployment",
            report.reviews.len()
        );
        for review in &report.reviews {
            eprintln!("  {}", review.describe());
        }
        eprintln!(
            "hint: compare each flagged revision's SQL with what it did on your databases; \
             `template = true` sections give has_table/has_column/has_index and env"
        );
    }
    Ok(ExitCode::SUCCESS)
}
