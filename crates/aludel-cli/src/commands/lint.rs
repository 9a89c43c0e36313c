//! `aludel lint [START:END]`: risky statements in upgrade sections, as text or JSON.

use std::path::Path;
use std::process::ExitCode;

use aludel::lint::{Finding, Level};
use aludel::revision::{Range, RevisionId};
use anyhow::{Result, anyhow};
use serde_json::json;

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
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let warnings = findings.len() - errors;
    if args.json {
        print_findings_json(&findings, errors, warnings)?;
    } else {
        let mut out = String::new();
        for f in &findings {
            out += &format!(
                "{}:{}: {}[{}]: {}\n  hint: {}\n",
                shown(&f.path),
                f.line,
                f.level,
                f.rule,
                f.message,
                f.hint
            );
        }
        print!("{out}");
        if !g.quiet {
            eprintln!(
                "{} revision(s) linted: {errors} error(s), {warnings} warning(s)",
                scripts.len()
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A path relative to the working directory when it lies below it.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `lint --json`. Its shape belongs to the linter, which is being given a `Serialize` report
/// of its own; until then it is assembled here.
fn print_findings_json(findings: &[Finding], errors: usize, warnings: usize) -> Result<()> {
    let items: Vec<_> = findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule.id(),
                "level": f.level.as_str(),
                "revision": f.revision.as_str(),
                "path": shown(&f.path),
                "line": f.line,
                "message": f.message,
                "hint": f.hint,
            })
        })
        .collect();
    print_json(&json!({ "findings": items, "errors": errors, "warnings": warnings }))
}
