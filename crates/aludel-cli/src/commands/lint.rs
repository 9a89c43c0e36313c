//! `aludel lint [START:END]`: risky statements in upgrade sections, as text, JSON or GitHub
//! workflow annotations. No database is needed unless the range names the current revision.

use std::process::ExitCode;

use aludel::config::Backend;
use aludel::lint::{Finding, Report, Settings};
use aludel::revision::{Range, RevisionId};
use anyhow::{Result, anyhow, bail};

use super::Project;
use crate::cli::{Global, LintArgs, LintFormat};
use crate::output::print_json;

pub async fn lint(g: &Global, args: &LintArgs) -> Result<ExitCode> {
    let p = Project::load(g)?;
    let range: Range = match &args.range {
        Some(text) => text.parse().map_err(|e| anyhow!("lint {e}"))?,
        None => Range::default(),
    };
    let backend = match &args.dialect {
        Some(name) => match name.parse::<Backend>() {
            Ok(backend) => backend,
            Err(e) => bail!("lint --dialect: {e}"),
        },
        None => p.config.url().map(|url| url.backend()).map_err(|e| {
            anyhow!("{e}\nhint: pass --dialect postgresql|mysql|sqlite to lint without a URL")
        })?,
    };
    let settings = Settings::from_config(&p.config.lint, &p.config.path.display().to_string())?;
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
    // With a START, the range is one run deployed together: what an earlier revision of it
    // created is still empty; the revisions below START exist, and give column types.
    let findings = if range.start.is_some() {
        let below = Range {
            start: None,
            end: range.end.clone(),
        };
        let mut before: Vec<RevisionId> = below.revisions(&p.scripts.graph, &current)?;
        before.retain(|id| !ids.contains(id));
        before.reverse();
        let before: Vec<_> = before
            .iter()
            .filter_map(|id| p.scripts.scripts.get(id))
            .collect();
        aludel::lint::lint_run(&before, &scripts, backend, &settings)?
    } else {
        aludel::lint::lint_with(&scripts, backend, &settings)?
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let report = Report::new(findings).relative_to(&cwd);
    let errors = report.errors;
    let format = if args.json {
        LintFormat::Json
    } else {
        args.format
    };
    match format {
        LintFormat::Json => print_json(&report)?,
        LintFormat::Github => out!("{}", github(&report.findings)),
        LintFormat::Human => {
            out!("{}", human(&report.findings));
            if !g.quiet {
                eprintln!(
                    "{} revision(s) linted: {errors} error(s), {} warning(s)",
                    scripts.len(),
                    report.warnings
                );
            }
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `path:line: level[rule]: message`, then the lock and the hint, indented.
fn human(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out += &format!(
            "{}:{}: {}[{}]: {}\n",
            f.path.display(),
            f.line,
            f.level,
            f.rule,
            f.message
        );
        if let Some(lock) = &f.lock {
            out += &format!("  lock: {lock}\n");
        }
        out += &format!("  hint: {}\n", f.hint);
    }
    out
}

/// One GitHub Actions workflow command per finding, which the runner shows as an annotation
/// on the file's line.
fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let mut message = f.message.clone();
        if let Some(lock) = &f.lock {
            message += &format!("\nlock: {lock}");
        }
        message += &format!("\nhint: {}", f.hint);
        out += &format!(
            "::{} file={},line={},title={}::{}\n",
            f.level,
            property(&f.path.display().to_string()),
            f.line,
            property(&format!("aludel lint {}", f.rule)),
            data(&message)
        );
    }
    out
}

/// A workflow command's message, escaped as the runner expects.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped as the runner expects.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
