//! `aludel graph`: the revision graph as Graphviz dot or a Mermaid flowchart.

use std::process::ExitCode;

use anyhow::Result;

use super::Project;
use crate::cli::{Global, GraphArgs, GraphFormat};
use crate::format;

pub fn graph(g: &Global, args: &GraphArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let text = match args.format {
        GraphFormat::Dot => format::dot(&p.scripts),
        GraphFormat::Mermaid => format::mermaid(&p.scripts),
    };
    out!("{text}");
    Ok(ExitCode::SUCCESS)
}
