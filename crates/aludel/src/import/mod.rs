//! `aludel import alembic`: an Alembic project's history as aludel revision files.
//!
//! The SQL of each revision comes from Alembic itself: a small helper
//! (`alembic_helper.py`) runs in the project's own Python, reads the revisions from Alembic's
//! `ScriptDirectory` (ids, parents, branch labels, `depends_on`, message, create date) and
//! renders each one offline, as `alembic upgrade PARENTS:REV --sql` and
//! `alembic downgrade REV:REV@-1 --sql` print it, checking that each range covers exactly that
//! revision. What Alembic would run is what aludel runs: the rendered SQL is kept as printed,
//! minus Alembic's own bookkeeping (its version-table statements and `BEGIN`/`COMMIT`, which
//! aludel does itself). Revisions are written through the project's [`ScriptDirectory`]
//! writer, so the files look like any other revision.
//!
//! Offline rendering cannot see the database or the deployment: a revision whose Python
//! inspects the database, reads the environment or `-x` arguments, or branches on the
//! migration context is written as rendered and reported for review ([`Review`]), by id,
//! file and line. A revision whose upgrade Alembic cannot render at all gets an upgrade that
//! refuses to run until it is written by hand; one whose downgrade cannot be rendered gets no
//! downgrade section (irreversible).

mod alembic;
mod review;

pub use review::{ReviewReason, clean_offline_sql};

use std::path::{Path, PathBuf};

use crate::config::{Config, LoadOptions};
use crate::dialect::dialect_named;
use crate::revision::RevisionId;
use crate::script::{NewRevision, ScriptDirectory, default_config};
use crate::{Error, Result};

/// What `aludel import alembic` is asked to do.
#[derive(Debug, Clone)]
pub struct AlembicImport {
    /// The folder holding `alembic.ini`; `aludel.toml` and `migrations/` are written there.
    pub from: PathBuf,
    /// The Python that can import the project's Alembic and models.
    pub python: PathBuf,
    /// The dialect to render for (`sqlite`, `postgresql`, `mysql`); default: the URL's.
    pub dialect: Option<String>,
    /// Replace an existing `aludel.toml` and the `.sql` files of `migrations/versions`.
    pub overwrite: Overwrite,
}

/// Whether an existing aludel project may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse when `aludel.toml` or `migrations/` exists.
    Refuse,
    /// Replace `aludel.toml` and the revision files (`--force`).
    Replace,
}

/// What an import wrote and what needs a person's eyes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    /// The `aludel.toml` written.
    pub config: PathBuf,
    /// The dialect the SQL was rendered for.
    pub dialect: String,
    /// The revision files written, in Alembic's order (base first).
    pub revisions: Vec<ImportedRevision>,
    /// What to review before trusting the imported history.
    pub reviews: Vec<Review>,
}

/// One revision file written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportedRevision {
    /// The revision id (Alembic's).
    pub revision: RevisionId,
    /// The Alembic file it came from.
    pub source: PathBuf,
    /// The aludel file written.
    pub path: PathBuf,
    /// Whether a downgrade section was written.
    pub reversible: bool,
}

/// A place in an Alembic revision that offline rendering may have got wrong.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Review {
    /// The revision.
    pub revision: RevisionId,
    /// The Alembic file.
    pub file: PathBuf,
    /// The 1-based line in that file (0 when unknown).
    pub line: usize,
    /// Why it needs review.
    pub reason: ReviewReason,
    /// The line's text, or Alembic's error.
    pub detail: String,
}

impl Review {
    /// One line for people: `file:line: revision ID: reason: detail`.
    pub fn describe(&self) -> String {
        format!(
            "{}:{}: revision {}: {}: {}",
            self.file.display(),
            self.line,
            self.revision,
            self.reason.describe(),
            self.detail
        )
    }
}

/// The folder (relative to `aludel.toml`) the imported revisions go to.
pub const SCRIPT_LOCATION: &str = "migrations";

/// Imports the Alembic project in `options.from`: writes `aludel.toml` (the project's URL,
/// `version_table = "alembic_version"`) and one revision file per Alembic revision, then
/// reads the result back as a [`ScriptDirectory`] to check the graph.
pub fn import_alembic(options: &AlembicImport) -> Result<ImportReport> {
    let root = &options.from;
    let ini = root.join("alembic.ini");
    if !ini.is_file() {
        return Err(Error::refused(format!(
            "{}: no alembic.ini here; import reads an Alembic project",
            root.display()
        ))
        .with_hint("run it in the folder holding alembic.ini, or pass --from DIR"));
    }
    let config_path = root.join("aludel.toml");
    let location = root.join(SCRIPT_LOCATION);
    if options.overwrite == Overwrite::Refuse {
        for path in [&config_path, &location] {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(Error::refused(format!(
                    "{} already exists; import writes nothing over an aludel project",
                    path.display()
                ))
                .with_hint("pass --force to replace aludel.toml and migrations/versions/*.sql"));
            }
        }
    }
    let dialect = match &options.dialect {
        Some(name) => Some(dialect_named(name).ok_or_else(|| {
            Error::refused(format!("unknown dialect '{name}'"))
                .with_hint("use sqlite, postgresql or mysql")
        })?),
        None => None,
    };

    let project = alembic::read_project(&options.python, root, dialect.map(|d| d.name()))?;
    let backend = match dialect {
        Some(dialect) => dialect.backend(),
        None => project.backend()?,
    };

    // Every revision is rendered (and its ids checked) before anything is written, so a
    // revision aludel cannot read leaves no half-imported project behind.
    let rendered: Vec<alembic::Rendered> = project
        .revisions
        .iter()
        .map(|revision| revision.render(backend, &project.version_table))
        .collect::<Result<_>>()?;

    write_config(&config_path, &project)?;
    let config = Config::load(&LoadOptions {
        config_path: Some(config_path.clone()),
        env: None,
        url: None,
        x: Default::default(),
        cwd: root.clone(),
    })?;
    let versions = location.join("versions");
    std::fs::create_dir_all(&versions).map_err(|e| Error::io(&versions, e))?;
    if options.overwrite == Overwrite::Replace {
        remove_revision_files(&config.version_locations)?;
    }

    let writer = ScriptDirectory::from_scripts(location.clone(), Vec::new())?;
    let writer = ScriptDirectory {
        version_locations: config.version_locations.clone(),
        ..writer
    };
    let mut report = ImportReport {
        config: config_path,
        dialect: backend.name().to_string(),
        revisions: Vec::new(),
        reviews: Vec::new(),
    };
    for (revision, rendered) in project.revisions.iter().zip(rendered) {
        let new = NewRevision {
            message: revision.message.clone(),
            rev_id: Some(RevisionId::new(&revision.revision)?),
            down_revisions: revision
                .down_revision
                .iter()
                .map(|id| RevisionId::new(id.as_str()))
                .collect::<std::result::Result<_, _>>()?,
            branch_labels: revision.branch_labels.clone(),
            depends_on: revision.depends_on.clone(),
            create_date: revision.create_date(),
            upgrade_sql: Some(rendered.upgrade),
            downgrade_sql: rendered.downgrade.clone(),
            irreversible: rendered.downgrade.is_none(),
            ..NewRevision::default()
        };
        let path = writer.write_revision(&config, &new)?;
        report.revisions.push(ImportedRevision {
            revision: RevisionId::new(&revision.revision)?,
            source: revision.path.clone(),
            path,
            reversible: rendered.downgrade.is_some(),
        });
        report.reviews.extend(rendered.reviews);
    }
    // The files must form the graph Alembic's did: read them back as any command would.
    ScriptDirectory::load(&config)?;
    Ok(report)
}

/// `aludel.toml` for the imported project: `init`'s, with the Alembic URL as the default of
/// `${DATABASE_URL}` and Alembic's version table.
fn write_config(path: &Path, project: &alembic::Project) -> Result<()> {
    let mut text = default_config(SCRIPT_LOCATION);
    let url = format!("${{DATABASE_URL:-{}}}", project.url());
    text = text.replace(
        "url = \"${DATABASE_URL:-sqlite:///./app.db}\"",
        &format!("url = {}", toml::Value::String(url)),
    );
    let mut table = format!(
        "version_table = {}",
        toml::Value::String(project.version_table.clone())
    );
    if let Some(schema) = &project.version_table_schema {
        table.push_str(&format!(
            "\nversion_table_schema = {}",
            toml::Value::String(schema.clone())
        ));
    }
    text = text.replace("version_table = \"aludel_version\"", &table);
    text = text.replace(
        "# \"alembic_version\" takes over a database that Alembic managed.",
        "# Imported from Alembic (`aludel import alembic`): the database's alembic_version\n\
         # table goes on recording the revisions.",
    );
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// Removes the `.sql` files of the version folders (`--force`), nothing else.
fn remove_revision_files(folders: &[PathBuf]) -> Result<()> {
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.map_err(|e| Error::io(folder, e))?.path();
            if path.extension().is_some_and(|e| e == "sql") && path.is_file() {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
