//! `aludel history`: revisions newest first, over the whole graph or a `-r START:END` range.

use std::collections::BTreeSet;
use std::process::ExitCode;

use aludel::revision::{Range, RevisionId};
use aludel::script::RevisionSummary;
use anyhow::{Result, anyhow};
use serde::Serialize;

use super::Project;
use crate::cli::{Global, HistoryArgs};
use crate::format::{self, LineStyle};
use crate::output::print_json;

/// `history --json` and `show --json`.
#[derive(Serialize)]
pub(super) struct Revisions {
    pub revisions: Vec<RevisionSummary>,
}

pub async fn history(g: &Global, args: &HistoryArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let range: Range = match &args.rev_range {
        Some(text) => text.parse().map_err(|e| anyhow!("history {e}"))?,
        None => Range::default(),
    };
    let current = if range.needs_current() {
        p.current_heads().await?
    } else if args.indicate_current {
        let rows = p.current_rows().await?;
        super::warn_unknown(&p.scripts, &rows);
        rows
    } else {
        Vec::new()
    };
    let ids = range.revisions(&p.scripts.graph, &current)?;
    let marked: BTreeSet<RevisionId> = if args.indicate_current {
        current.into_iter().collect()
    } else {
        BTreeSet::new()
    };
    let entries = format::entries(&p.scripts, &ids, &marked);
    if args.json {
        print_json(&Revisions {
            revisions: entries.iter().map(|e| e.summary()).collect(),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let style = LineStyle {
        branches: true,
        doc: true,
        parents: true,
        tree: true,
    };
    format::print_entries(&entries, style, g.verbose);
    Ok(ExitCode::SUCCESS)
}
