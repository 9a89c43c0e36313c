//! `aludel current`: the revisions the database's version table holds.

use std::collections::BTreeSet;
use std::process::ExitCode;

use aludel::script::RevisionSummary;
use anyhow::Result;
use serde::Serialize;

use super::project_and_current;
use crate::cli::{CurrentArgs, Global};
use crate::format::{self, LineStyle};
use crate::output::{print_error, print_json};

/// `current --json`.
#[derive(Serialize)]
struct Current {
    at_heads: bool,
    current: Vec<RevisionSummary>,
}

pub async fn current(g: &Global, args: &CurrentArgs) -> Result<ExitCode> {
    let (p, heads) = project_and_current(g).await?;
    let at_heads = p.scripts.graph.is_at_heads(&heads);
    let entries = format::entries(&p.scripts, &heads, &BTreeSet::new());
    if args.json {
        print_json(&Current {
            at_heads,
            current: entries.iter().map(|e| e.summary()).collect(),
        })?;
    } else {
        let style = LineStyle {
            tree: true,
            ..LineStyle::default()
        };
        format::print_entries(&entries, style, g.verbose);
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
