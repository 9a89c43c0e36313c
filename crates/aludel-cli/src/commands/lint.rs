//! `aludel lint [START:END]`: risky statements in upgrade sections, as text or JSON.

use std::process::ExitCode;

use aludel::lint::Report;
use aludel::revision::{Range, RevisionId};
use anyhow::{Result, anyhow};

use super::Project;
use crate::cli::{Global, LintArgs};
use crate::output::print_json;

pub async fn lint(g: &Global, args: &LintArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let range: Range = match &args.range {
        Some(text) => text.parse().map_err(|e| anyhow!("lint {e}"))?,
        None => Range::default(),
    };
    let current = if range.needs_current() {
        p.current_heads().await?
    } else {
        Vec::new()
    };
    let mut ids: Vec<RevisionId> = range.revisions(&p.scripts.graph, &current)?;
    // Newest first from the graph; the linter wants parents before children.
    ids.reverse();
    let scripts: Vec<_> = ids
        .iter()
        .filter_map(|id| p.scripts.scripts.get(id))
        .collect();
    let findings = aludel::lint::lint(&scripts, p.config.url()?.backend())?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let report = Report::new(findings).relative_to(&cwd);
    let errors = report.errors;
    if args.json {
        print_json(&report)?;
    } else {
        let mut out = String::new();
        for f in &report.findings {
            out += &format!(
                "{}:{}: {}[{}]: {}\n  hint: {}\n",
                f.path.display(),
                f.line,
                f.level,
                f.rule,
                f.message,
                f.hint
            );
        }
        out!("{out}");
        if !g.quiet {
            eprintln!(
                "{} revision(s) linted: {errors} error(s), {} warning(s)",
                scripts.len(),
                report.warnings
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
