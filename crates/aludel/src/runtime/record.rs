//! Recording a unit so that a migration counts once, whatever happens to other sessions.
//!
//! Every version-table change must touch exactly the row it expects (as Alembic checks):
//! an `UPDATE` or `DELETE` that finds no row, or an `INSERT` that finds one, means another run
//! changed the table under this one, and the migration's transaction fails with it. The
//! changes therefore go out one round trip each, their row counts read before the commit.
//! The migration lock is checked before each migration and before each commit
//! ([`ensure_held`]): a run whose lock vanished stops there and says what it applied.

use super::Migrator;
use super::transaction::{Connection, Transaction};
use super::units::{Boundary, Record, Unit};
use crate::dialect::{Database, LockGuard};
use crate::revision::{RevisionId, VersionOp};
use crate::{Error, Result};

/// Records `unit` after its statements ran: each version-table change in a round trip of
/// its own and checked (`release`, the savepoint's release, travels with the first), then the
/// history row, with the commit when the unit ends its transaction; the lock is checked
/// before that commit. A unit outside a transaction is recorded in a short transaction of its
/// own, rolled back here when a check fails.
pub(super) async fn record(
    m: &Migrator<'_>,
    conn: &mut Connection<'_>,
    lock: &mut LockGuard,
    unit: &Unit<'_>,
    release: Option<String>,
    record: Record<'_>,
    applied: &[RevisionId],
) -> Result<()> {
    if unit.bookkeeping.own_transaction {
        // Its statements ran and stay applied: recording them is right even if the lock went
        // since, as long as the version table is where this run left it, which `write` checks.
        let mut own = Connection::InTransaction(Transaction::deferred(conn.database()));
        let result = write(m, &mut own, None, unit, release, record, applied).await;
        if result.is_err() {
            own.rollback().await;
        }
        return result;
    }
    let commit = unit.after == Some(Boundary::Commit);
    let lock = commit.then_some(lock);
    write(m, conn, lock, unit, release, record, applied).await
}

/// Writes the bookkeeping through `c`; with `lock`, checks it and commits with the history row.
async fn write(
    m: &Migrator<'_>,
    c: &mut Connection<'_>,
    lock: Option<&mut LockGuard>,
    unit: &Unit<'_>,
    release: Option<String>,
    record: Record<'_>,
    applied: &[RevisionId],
) -> Result<()> {
    let d = c.database().dialect();
    let mut pending = release;
    let mut with_pending = |sql: String| match pending.take() {
        Some(first) => format!("{first};\n{sql}"),
        None => sql,
    };
    let revision = &unit.step.revision;
    for op in unit.bookkeeping.version_ops {
        let outcome = c.run(&with_pending(m.version_table.apply(d, op))).await;
        check(m, c.database(), revision, op, outcome, unit.transactional()).await?;
    }
    let history = with_pending(unit.bookkeeping.history_row(d, &m.history_table, record));
    let own = unit.bookkeeping.own_transaction;
    if let Some(lock) = lock {
        let stopped = format!("before committing revision {revision}, which was rolled back");
        ensure_held(lock, &stopped, applied).await?;
    }
    match own || unit.after == Some(Boundary::Commit) {
        true => c.commit_with(&history).await,
        false => c.run(&history).await.map(drop),
    }
}

/// Checks that the version-table change `op`, made while recording `revision`, touched
/// exactly one row; otherwise reads what the table holds for the error. `rolled_back` says
/// whether the migration's statements go with the failing transaction.
pub(super) async fn check(
    m: &Migrator<'_>,
    db: &mut Database,
    revision: &RevisionId,
    op: &VersionOp,
    outcome: Result<u64>,
    rolled_back: bool,
) -> Result<()> {
    let detail = match (outcome, op) {
        (Ok(1), _) => return Ok(()),
        // Most likely a duplicate key: the row is there already. The failed statement may have
        // aborted the transaction, so the table is not read again.
        (Err(Error::Database { message }), VersionOp::Insert(id)) => {
            format!("could not record revision {id}, which may be recorded already ({message})")
        }
        (Err(error), _) => return Err(error),
        (Ok(rows), _) => {
            let expected = match op {
                VersionOp::Insert(id) => format!("revision {id} not to be recorded yet"),
                VersionOp::Delete(id) | VersionOp::Update { from: id, .. } => {
                    format!("revision {id} to be recorded")
                }
            };
            let recorded = db.fetch(&m.version_table.select(db.dialect())).await?;
            let recorded: Vec<String> = recorded.into_iter().flatten().flatten().collect();
            let recorded = match recorded.is_empty() {
                true => "no revision".to_string(),
                false => recorded.join(", "),
            };
            format!(
                "expected {expected} while recording {revision}, found {recorded} ({rows} rows changed instead of 1)"
            )
        }
    };
    Err(Error::VersionTableChanged {
        message: format!("{detail} — another run may have applied it"),
        rolled_back,
    })
}

/// Fails with [`Error::LockLost`] unless the migration lock is still held. `stopped` says
/// where the run stops; `applied` are the revisions this run committed so far.
pub(super) async fn ensure_held(
    lock: &mut LockGuard,
    stopped: &str,
    applied: &[RevisionId],
) -> Result<()> {
    let Err(why) = lock.held().await else {
        return Ok(());
    };
    let applied = match applied {
        [] => "this run applied no revision".to_string(),
        ids => format!(
            "this run applied {} (see `aludel current`)",
            ids.iter()
                .map(|id| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Error::LockLost {
        message: format!(
            "{why}, so another run may be migrating; this run stopped {stopped}; {applied}"
        ),
    })
}
