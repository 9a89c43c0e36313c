//! `aludel graph`: the revision graph as Graphviz dot or a Mermaid flowchart, with heads,
//! branch labels and, when the database is reachable, its current revisions marked.

use std::collections::BTreeSet;
use std::process::ExitCode;

use aludel::revision::RevisionId;
use anyhow::Result;

use super::Project;
use crate::cli::{Global, GraphArgs, GraphFormat};
use crate::format;

pub async fn graph(g: &Global, args: &GraphArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let current = current_if_reachable(g, &p).await;
    let text = match args.format {
        GraphFormat::Dot => format::dot(&p.scripts, &current),
        GraphFormat::Mermaid => format::mermaid(&p.scripts, &current),
    };
    out!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// The database's current revisions, or none (with a note) when it cannot be read: the
/// picture of the files is worth printing without it. A SQLite file that does not exist is
/// not created for this.
async fn current_if_reachable(g: &Global, p: &Project) -> BTreeSet<RevisionId> {
    let missing_file = p
        .config
        .url()
        .ok()
        .and_then(|url| url.sqlite_path().map(|path| !path.exists()))
        .unwrap_or(false);
    if missing_file {
        return BTreeSet::new();
    }
    match p.current_rows().await {
        Ok(rows) => rows.into_iter().collect(),
        Err(e) => {
            if !g.quiet {
                eprintln!("note: current revisions not marked: {e}");
            }
            BTreeSet::new()
        }
    }
}
