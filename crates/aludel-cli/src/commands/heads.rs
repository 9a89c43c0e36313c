//! `aludel heads`: the revisions nothing descends from.

use std::collections::BTreeSet;
use std::process::ExitCode;

use aludel::script::RevisionSummary;
use anyhow::Result;
use serde::Serialize;

use super::Project;
use crate::cli::{Global, HeadsArgs};
use crate::format::{self, LineStyle};
use crate::output::print_json;

/// `heads --json`.
#[derive(Serialize)]
struct Heads {
    heads: Vec<RevisionSummary>,
}

pub fn heads(g: &Global, args: &HeadsArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let ids = if args.resolve_dependencies {
        p.scripts.graph.heads_resolving_dependencies()
    } else {
        p.scripts.graph.heads()
    };
    let entries = format::entries(&p.scripts, &ids, &BTreeSet::new());
    if args.json {
        print_json(&Heads {
            heads: entries.iter().map(|e| e.summary()).collect(),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let style = LineStyle {
        branches: true,
        ..LineStyle::default()
    };
    format::print_entries(&entries, style, g.verbose);
    Ok(ExitCode::SUCCESS)
}
