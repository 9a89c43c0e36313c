//! `aludel show REV`: the revisions an argument names, in Alembic's verbose block.

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::{Result, bail};

use super::Project;
use super::history::Revisions;
use crate::cli::{Global, ShowArgs};
use crate::format;
use crate::output::print_json;

pub fn show(g: &Global, args: &ShowArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let ids = p.scripts.graph.resolve(&args.revision)?;
    if ids.is_empty() {
        bail!("no revision files indicated by symbol '{}'", args.revision);
    }
    let entries = format::entries(&p.scripts, &ids, &BTreeSet::new());
    if args.json {
        print_json(&Revisions {
            revisions: entries.iter().map(|e| e.summary()).collect(),
        })?;
    } else {
        for entry in &entries {
            outln!("{}", entry.log_entry());
        }
    }
    Ok(ExitCode::SUCCESS)
}
