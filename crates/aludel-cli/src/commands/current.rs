//! `aludel current`: the database's current revisions, as Alembic lists them.

use std::collections::BTreeSet;
use std::process::ExitCode;

use aludel::revision::RevisionId;
use aludel::script::RevisionSummary;
use anyhow::Result;
use serde::Serialize;

use super::{project_and_current, warn_unknown};
use crate::cli::{CurrentArgs, Global};
use crate::format::{self, LineStyle};
use crate::output::{print_error, print_json};

/// `current --json`.
#[derive(Serialize)]
struct Current {
    at_heads: bool,
    current: Vec<RevisionSummary>,
    /// Version-table rows that no migration file has.
    unknown: Vec<RevisionId>,
}

pub async fn current(g: &Global, args: &CurrentArgs) -> Result<ExitCode> {
    let (p, rows) = project_and_current(g).await?;
    let graph = &p.scripts.graph;
    let at_heads = graph.is_at_heads(&rows);
    // Alembic's `current` lists the branch heads of everything applied, what was applied only
    // as a `depends_on` target included (`RevisionMap._get_all_current`).
    let listed = graph.current_heads(&rows);
    let unknown: Vec<RevisionId> = rows
        .iter()
        .filter(|r| graph.get(r.as_str()).is_none())
        .cloned()
        .collect();
    warn_unknown(&p.scripts, &rows);
    let entries = format::entries(&p.scripts, &listed, &BTreeSet::new());
    if args.json {
        print_json(&Current {
            at_heads,
            current: entries.iter().map(|e| e.summary()).collect(),
            unknown,
        })?;
    } else {
        if g.verbose {
            outln!("Current revision(s) for {}:", p.config.url()?);
        }
        let style = LineStyle {
            tree: true,
            ..LineStyle::default()
        };
        format::print_entries(&entries, style, g.verbose);
        for id in &unknown {
            outln!("{id} (no migration file)");
        }
    }
    if args.check_heads && !at_heads {
        if !args.json {
            print_error(
                &aludel::Error::refused("the database is not at every head")
                    .with_hint("aludel upgrade heads")
                    .into(),
            );
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
