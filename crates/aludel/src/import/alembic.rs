//! Running the Alembic helper in the project's Python and reading what it reports.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Review;
use super::review::{ReviewReason, clean_offline_sql, python_function, review_source};
use crate::config::{Backend, DatabaseUrl};
use crate::revision::RevisionId;
use crate::{Error, Result};

/// The helper run with `python -c`: see its docstring.
const HELPER: &str = include_str!("alembic_helper.py");

/// An Alembic project as the helper reports it.
#[derive(Debug, Deserialize)]
pub(super) struct Project {
    /// `sqlalchemy.url` in alembic.ini, as written.
    ini_url: Option<String>,
    /// The URL env.py passed to `context.configure` offline.
    url: String,
    /// The version table env.py configured (`alembic_version` by default).
    pub version_table: String,
    /// Its schema, when env.py set one.
    pub version_table_schema: Option<String>,
    /// Every revision, newest first (as Alembic walks them).
    pub revisions: Vec<AlembicRevision>,
}

/// One Alembic revision with its offline renderings.
#[derive(Debug, Deserialize)]
pub(super) struct AlembicRevision {
    pub revision: String,
    pub down_revision: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    create_date: Option<String>,
    pub path: PathBuf,
    upgrade: Rendering,
    downgrade: Rendering,
}

/// What Alembic printed for one direction, or why it could not.
#[derive(Debug, Deserialize)]
struct Rendering {
    sql: Option<String>,
    error: Option<String>,
    line: Option<usize>,
    /// `revision` (its own code failed), `range` (no offline range names exactly its step)
    /// or `environment` (env.py, the driver: every revision would fail alike).
    kind: Option<String>,
}

/// A revision's sections as they go into the aludel file, and what needs review.
pub(super) struct Rendered {
    pub upgrade: String,
    pub downgrade: Option<String>,
    pub reviews: Vec<Review>,
}

/// Runs the helper with `python` in `root` and parses its report. `dialect` (a dialect name)
/// replaces the URL's dialect for the offline rendering.
pub(super) fn read_project(python: &Path, root: &Path, dialect: Option<&str>) -> Result<Project> {
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(HELPER)
        .arg("alembic.ini")
        .arg(dialect.unwrap_or(""))
        .current_dir(root)
        .output()
        .map_err(|e| {
            Error::refused(format!("cannot run {}: {e}", python.display())).with_hint(
                "pass --python PATH: the Python of the project's virtualenv, with alembic installed",
            )
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.trim().lines().collect();
        let last = lines.last().copied().unwrap_or("");
        // The end of a traceback says what went wrong; its start is Alembic's machinery.
        let tail = lines[lines.len().saturating_sub(12)..].join("\n");
        let hint = if last.contains("No module named 'alembic'") {
            "pass --python PATH: the Python of the project's virtualenv, with alembic installed"
        } else {
            "run `alembic upgrade head --sql` in the project to see Alembic's own error"
        };
        return Err(Error::refused(format!(
            "reading the Alembic project in {} failed ({}): {}",
            root.display(),
            output.status,
            tail
        ))
        .with_hint(hint));
    }
    let mut project: Project = serde_json::from_slice(&output.stdout)
        .map_err(|e| Error::refused(format!("the Alembic helper's report is not readable: {e}")))?;
    // Alembic walks from the heads down; files are written base first.
    project.revisions.reverse();
    // A failure outside the revisions' own code (env.py, a missing driver) says nothing about
    // a revision: nothing is written and the error is Alembic's.
    for revision in &project.revisions {
        for rendering in [&revision.upgrade, &revision.downgrade] {
            if rendering.kind.as_deref() == Some("environment") {
                return Err(Error::refused(format!(
                    "Alembic failed to render revision {} offline, outside the revision's code: {}",
                    revision.revision,
                    rendering.error.as_deref().unwrap_or("no error given")
                ))
                .with_hint(
                    "check env.py's offline path with `alembic upgrade head --sql`; a missing \
                     driver can be avoided with --dialect, which renders without one",
                ));
            }
        }
    }
    Ok(project)
}

impl Project {
    /// The URL for `aludel.toml`: alembic.ini's, else the one env.py configured.
    pub fn url(&self) -> &str {
        match self.ini_url.as_deref() {
            Some(url) if !url.trim().is_empty() => url,
            _ => &self.url,
        }
    }

    /// The database kind of the project's URL.
    pub fn backend(&self) -> Result<Backend> {
        let url = if self.url.is_empty() {
            self.url()
        } else {
            &self.url
        };
        Ok(DatabaseUrl::parse(url, Path::new("."))
            .map_err(|e| e.with_hint("pass --dialect sqlite|postgresql|mysql"))?
            .backend())
    }
}

impl AlembicRevision {
    /// The create date from the revision's docstring, read as UTC (Alembic writes local time
    /// without a zone unless configured otherwise).
    pub fn create_date(&self) -> Option<jiff::Timestamp> {
        let text = self.create_date.as_deref()?.trim();
        if let Ok(at) = text.parse::<jiff::Timestamp>() {
            return Some(at);
        }
        let civil: jiff::civil::DateTime = text.parse().ok()?;
        civil
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp())
    }

    /// The sections of the aludel file, for `backend`, and the review items of this revision.
    pub fn render(&self, backend: Backend, version_table: &str) -> Result<Rendered> {
        let id = RevisionId::new(&self.revision)?;
        let source = std::fs::read_to_string(&self.path).unwrap_or_default();
        let mut reviews: Vec<Review> = review_source(&source)
            .into_iter()
            .map(|(line, reason, text)| Review {
                revision: id.clone(),
                file: self.path.clone(),
                line,
                reason,
                detail: text,
            })
            .collect();
        let mut failed = |rendering: &Rendering, reason: ReviewReason| {
            reviews.push(Review {
                revision: id.clone(),
                file: self.path.clone(),
                line: rendering.line.unwrap_or(0),
                reason,
                detail: rendering.error.clone().unwrap_or_default(),
            })
        };
        let upgrade = match &self.upgrade.sql {
            Some(sql) => clean_offline_sql(sql, backend, version_table)?,
            None => {
                failed(&self.upgrade, ReviewReason::UpgradeNotRendered);
                unrendered_upgrade(&self.upgrade, python_function(&source, "upgrade"))
            }
        };
        let downgrade = match &self.downgrade.sql {
            Some(sql) => Some(clean_offline_sql(sql, backend, version_table)?),
            None => {
                failed(&self.downgrade, ReviewReason::DowngradeNotRendered);
                None
            }
        };
        let note = notes(&reviews);
        let upgrade = match (upgrade.is_empty(), note.is_empty()) {
            (true, _) => format!("{note}-- Alembic's upgrade() runs no SQL here."),
            (false, _) => format!("{note}{upgrade}"),
        };
        Ok(Rendered {
            upgrade,
            downgrade: downgrade.map(|sql| {
                if sql.is_empty() {
                    "-- Alembic's downgrade() runs no SQL here.".to_string()
                } else {
                    sql
                }
            }),
            reviews,
        })
    }
}

/// Comment lines heading the upgrade section that say what a reader must check.
fn notes(reviews: &[Review]) -> String {
    let mut text = String::new();
    for review in reviews {
        text.push_str(&format!(
            "-- aludel import: review: {} line {}: {}: {}\n",
            review
                .file
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            review.line,
            review.reason.describe(),
            review.detail.replace('\n', " ")
        ));
    }
    text
}

/// An upgrade Alembic could not render: a statement that fails with a clear message, so no
/// database is ever recorded at this revision without its SQL having been written by hand.
fn unrendered_upgrade(rendering: &Rendering, python: Option<String>) -> String {
    let mut text = format!(
        "-- Alembic could not render this upgrade offline ({}).\n\
         -- Write its SQL here (a `template = true` header gives has_table/has_column/has_index),\n\
         -- then delete the statement below, which stops any upgrade through this revision.\n",
        rendering
            .error
            .as_deref()
            .unwrap_or("no error given")
            .replace('\n', " ")
    );
    if let Some(python) = python {
        text.push_str("--\n-- The revision's Python:\n");
        for line in python.lines() {
            text.push_str(format!("--   {line}").trim_end());
            text.push('\n');
        }
    }
    text.push_str("SELECT 1 FROM aludel_import_revision_needs_hand_written_sql");
    text
}
