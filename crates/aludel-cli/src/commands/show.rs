//! `aludel show REV`: the revisions an argument names, in Alembic's verbose block.

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::Result;

use super::Project;
use super::history::Revisions;
use crate::cli::{Global, ShowArgs};
use crate::format;
use crate::output::print_json;

pub async fn show(g: &Global, args: &ShowArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    // As Alembic's `show`: `current` is the version table's rows, anything else is read as
    // `get_revisions` reads it; `base` names no revision and shows nothing.
    let ids = if args.revision == "current" {
        let rows = p.current_rows().await?;
        super::warn_unknown(&p.scripts, &rows);
        rows.into_iter()
            .filter(|r| p.scripts.graph.get(r.as_str()).is_some())
            .collect()
    } else {
        p.scripts.graph.revisions_named(&args.revision)?
    };
    if ids.is_empty() && !g.quiet {
        eprintln!("'{}' names no revision file", args.revision);
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
