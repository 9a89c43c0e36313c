//! `aludel branches`: every branch point with the revisions it branches into.

use std::collections::BTreeSet;
use std::process::ExitCode;

use aludel::revision::RevisionId;
use aludel::script::RevisionSummary;
use anyhow::Result;
use serde::Serialize;

use super::Project;
use crate::cli::{BranchesArgs, Global};
use crate::format::{self, Entry, LineStyle};
use crate::output::print_json;

/// `branches --json`.
#[derive(Serialize)]
struct Branches {
    branchpoints: Vec<BranchPoint>,
}

/// One branch point in `branches --json`.
#[derive(Serialize)]
struct BranchPoint {
    branches_into: Vec<RevisionId>,
    revision: RevisionSummary,
}

pub fn branches(g: &Global, args: &BranchesArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let graph = &p.scripts.graph;
    let ids: Vec<RevisionId> = graph
        .revisions()
        .into_iter()
        .map(|r| r.id.clone())
        .collect();
    let points: Vec<Entry<'_>> = format::entries(&p.scripts, &ids, &BTreeSet::new())
        .into_iter()
        .filter(|e| e.is_branch_point())
        .collect();
    if args.json {
        print_json(&Branches {
            branchpoints: points
                .iter()
                .map(|e| BranchPoint {
                    branches_into: graph.children(e.id()),
                    revision: e.summary(),
                })
                .collect(),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    for point in &points {
        outln!("{}", branch_point(g, &p, point));
    }
    Ok(ExitCode::SUCCESS)
}

/// A branch point's line (or verbose block), then one `-> child` line per child, then a blank
/// line, as Alembic prints them.
fn branch_point(g: &Global, p: &Project, point: &Entry<'_>) -> String {
    let head = if g.verbose {
        point.log_entry()
    } else {
        point.line(LineStyle {
            branches: true,
            tree: true,
            ..LineStyle::default()
        })
    };
    let pad = " ".repeat(point.id().as_str().len());
    let children = p.scripts.graph.children(point.id());
    let child_style = LineStyle {
        branches: true,
        doc: g.verbose,
        tree: true,
        ..LineStyle::default()
    };
    let lines: Vec<String> = format::entries(&p.scripts, &children, &BTreeSet::new())
        .iter()
        .map(|c| format!("{pad} -> {}", c.line(child_style)))
        .collect();
    format!("{head}\n{}\n", lines.join("\n"))
}
