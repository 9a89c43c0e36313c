//! Checks made before anything is written: before `revision` writes a file, autogenerate
//! compares the models with a database that must already be at head (as Alembic insists), and
//! an explicit `--rev-id` must fit the existing version table's column; before a run (online
//! or `--sql`) executes its first statement, no transactional revision of the plan may control
//! the transaction itself.

use super::units::Schedule;
use super::{ChangedFile, Migrator};
use crate::config::{Backend, Config};
use crate::dialect::Database;
use crate::revision::RevisionId;
use crate::script::{Script, ScriptDirectory, Statement, transaction_control};
use crate::{Error, Result};

/// The statements of each unit of a schedule, split once by [`check_schedule`] and handed to
/// the sink, so a long run lexes its files once; `None` where the sink splits them itself.
pub(super) type Prepared = Vec<Option<Vec<Statement>>>;

/// Refuses the run when a transactional unit of `schedule` has a statement that controls the
/// transaction (`COMMIT`, `BEGIN`, `SAVEPOINT`, …): it would end or change aludel's
/// transaction, leaving the migration applied and its bookkeeping behind. Checked for the
/// whole plan before anything runs, so an upgrade over several revisions applies none.
/// Returns the statements it split, for the sink to run.
///
/// A template's statements exist only once rendered; they are checked by the sink when it
/// renders them ([`refuse_transaction_control`]). A file that does not lex is left to fail at
/// its own step, as it always has.
pub(super) fn check_schedule(schedule: &Schedule<'_>, backend: Backend) -> Result<Prepared> {
    let mut prepared = Vec::with_capacity(schedule.units.len());
    for unit in &schedule.units {
        let statements = match unit.section {
            Some(section) if unit.transactional() && !unit.script.template => {
                section.statements(&unit.script.path, backend).ok()
            }
            _ => None,
        };
        if let Some(statements) = &statements {
            refuse_transaction_control(unit.script, statements, backend)?;
        }
        prepared.push(statements);
    }
    Ok(prepared)
}

/// Refuses the first statement of `statements` (of a transactional revision in `script`) that
/// controls the transaction, naming its file and line.
pub(super) fn refuse_transaction_control(
    script: &Script,
    statements: &[Statement],
    backend: Backend,
) -> Result<()> {
    for statement in statements {
        if let Some(words) = transaction_control(statement, backend) {
            return Err(Error::refused(format!(
                "{}:{}: revision {} runs inside aludel's transaction, but its statement {words} would end or change that transaction; nothing was run",
                script.path.display(),
                statement.line,
                script.revision.id,
            ))
            .with_hint(
                "remove the statement (aludel begins and commits each migration itself), or add `-- transactional = false` to the revision's header to run it outside a transaction",
            ));
        }
    }
    Ok(())
}

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
