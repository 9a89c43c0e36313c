//! Checks against the database before `revision` writes a file: autogenerate compares the
//! models with a database that must already be at head (as Alembic insists), and an explicit
//! `--rev-id` must fit the existing version table's column.

use super::{ChangedFile, Migrator};
use crate::config::Config;
use crate::dialect::Database;
use crate::revision::RevisionId;
use crate::script::ScriptDirectory;
use crate::{Error, Result};

impl Migrator<'_> {
    /// Refuses unless every revision is applied: a comparison with the models from anywhere
    /// below head would write again what the pending migrations already do. Returns the
    /// applied revisions whose files changed since, which the caller should warn about.
    pub async fn require_at_head(&self, db: &mut Database) -> Result<Vec<ChangedFile>> {
        let status = self.status(db).await?;
        if !status.pending.is_empty() {
            return Err(Error::refused(format!(
                "target database is not up to date: {} revision(s) pending",
                status.pending.len()
            ))
            .with_hint(
                "run `aludel upgrade heads` first, so the comparison starts from what the migrations already do",
            ));
        }
        Ok(status.changed)
    }
}

/// Refuses a new revision id longer than the existing version table's `version_num` column
/// holds, so that `revision --rev-id` fails at once rather than the upgrade later.
///
/// Where there is no database to ask (no usable URL, a SQLite file not created yet, a server
/// out of reach from where revisions are written, no version table yet), there is nothing to
/// compare with, and the id is accepted.
pub async fn check_rev_id_fits(
    config: &Config,
    scripts: &ScriptDirectory,
    id: &RevisionId,
) -> Result<()> {
    let Ok(url) = config.url() else {
        return Ok(());
    };
    if url.sqlite_path().is_some_and(|path| !path.exists()) {
        return Ok(());
    }
    let Ok(mut db) = Database::connect(url, config.connect_timeout).await else {
        return Ok(());
    };
    let length = Migrator::new(config, scripts)
        .version_column_length(&mut db)
        .await;
    db.close().await;
    match length {
        Ok(Some(max)) if id.as_str().len() > max => Err(Error::refused(format!(
            "revision id '{id}' is {} characters long, but the version table's version_num column holds at most {max}",
            id.as_str().len()
        ))
        .with_hint(
            "choose a shorter --rev-id, or widen the column (ALTER TABLE … version_num VARCHAR(255))",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
