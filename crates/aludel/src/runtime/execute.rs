//! Online execution: the plan's units (see [`units`](super::units)) run against a live
//! connection. The units say where transactions begin and end; this sink carries that out
//! through the [`Transaction`] guard, sends a migration's statements in one round trip under a
//! savepoint, and reports a failure with the file line of the statement that failed.

use std::time::Instant;

use super::preflight::Prepared;
use super::record;
use super::transaction::{Connection, Transaction};
use super::units::{self, Boundary, Mode, Record, Schedule, Settings, Unit, Work};
use super::{
    Event, Migrator, Operation, RunOptions, RunReport, check_known_heads, current_user, preflight,
    state, template,
};
use crate::dialect::{Database, FailedAt, LockGuard};
use crate::revision::RevisionId;
use crate::script::{Section, Statement};
use crate::sql::transaction::Savepoint;
use crate::{Error, Result};

/// Runs `operation` with the migration lock already held: the heads are read under the lock,
/// so concurrent runs never apply a migration twice.
pub(super) async fn run_locked(
    m: &Migrator<'_>,
    db: &mut Database,
    lock: &mut LockGuard,
    operation: &Operation,
    options: &RunOptions,
    on_event: &mut (dyn FnMut(Event) + Send),
) -> Result<RunReport> {
    state::ensure_tables(m, db).await?;
    let current = state::read_heads(&m.version_table, db).await?;
    // `stamp --purge` replaces every row, those no file has included: it is the way out.
    if !matches!(operation, Operation::Stamp { purge: true, .. }) {
        check_known_heads(m.scripts, &current)?;
    }
    let plan = m.plan(operation, &current)?;
    if let Operation::Upgrade(_) = operation {
        for changed in state::changed_files(m, db, &current).await? {
            on_event(Event::Warning {
                message: changed.describe(),
                hints: vec![changed.hint()],
            });
        }
    }
    if !plan.steps.is_empty() {
        if options.backup {
            let path = db.backup().await?;
            on_event(Event::BackedUp { path });
        }
        on_event(Event::Planned {
            steps: plan.steps.len(),
        });
        let work = match operation {
            Operation::Stamp { purge, .. } => Work::Stamp { purge: *purge },
            _ => Work::Migrate,
        };
        let settings = Settings {
            transactional_ddl: db.dialect().transactional_ddl(),
            transaction_per_migration: m.config.transaction_per_migration,
            mode: Mode::Online,
        };
        let schedule = units::compile(m.scripts, &plan, work, settings);
        let prepared = preflight::check_schedule(&schedule, db.dialect().backend())?;
        match work {
            Work::Stamp { .. } => stamp(m, db, lock, &schedule).await?,
            Work::Migrate => {
                if !settings.transactional_ddl {
                    on_event(Event::Notice(format!(
                        "{} commits DDL implicitly: each migration runs statement by statement, and its version-table update follows it",
                        db.dialect().name()
                    )));
                }
                let mut runner = Runner {
                    m,
                    options,
                    lock,
                    finished: Vec::new(),
                    applied: 0,
                };
                runner.run(db, &schedule, prepared, on_event).await?;
            }
        }
    }
    Ok(RunReport {
        steps: plan.steps,
        heads_after: plan.heads_after,
    })
}

/// Records a stamp's units. Online a stamp's schedule is one transaction (see
/// [`units::compile`]), its statements sent one at a time.
async fn stamp(
    m: &Migrator<'_>,
    db: &mut Database,
    lock: &mut LockGuard,
    schedule: &Schedule<'_>,
) -> Result<()> {
    debug_assert!(
        schedule.run_transaction,
        "an online stamp is one transaction"
    );
    let d = db.dialect();
    let mut tx = Transaction::begin(db).await?;
    let started = jiff::Timestamp::now().to_string();
    let user = current_user();
    let record = Record {
        started_at: &started,
        duration_ms: 0,
        applied_by: &user,
    };
    let result = async {
        if schedule.purge {
            tx.run(&m.version_table.purge(d)).await?;
        }
        for unit in &schedule.units {
            for op in unit.bookkeeping.version_ops {
                let outcome = tx.run(&m.version_table.apply(d, op)).await;
                // After a purge the plan's changes of the old heads find no row, as expected.
                if !schedule.purge {
                    let revision = &unit.step.revision;
                    record::check(m, tx.database(), revision, op, outcome, true).await?;
                } else {
                    outcome?;
                }
            }
            tx.run(&unit.bookkeeping.history_row(d, &m.history_table, record))
                .await?;
        }
        record::ensure_held(
            lock,
            "before committing the stamp, which was rolled back",
            &[],
        )
        .await
    }
    .await;
    match result {
        Ok(()) => tx.commit().await.map(drop),
        Err(error) => {
            tx.rollback().await;
            Err(error)
        }
    }
}

/// What an interrupted run reports.
const INTERRUPTED: &str = "the migration in flight was rolled back and the lock released";

fn interrupted() -> Error {
    Error::Interrupted {
        message: INTERRUPTED.to_string(),
    }
}

/// The savepoint a transactional migration's statements run under.
fn savepoint() -> Savepoint {
    Savepoint::new("aludel_step")
}

/// The online sink: runs units in order and records each one.
struct Runner<'r, 'a> {
    m: &'r Migrator<'a>,
    options: &'r RunOptions,
    /// The migration lock, checked before each migration and each commit.
    lock: &'r mut LockGuard,
    /// The revisions run so far, and how many of them are committed.
    finished: Vec<RevisionId>,
    applied: usize,
}

impl Runner<'_, '_> {
    /// Runs every unit. This is the run's one error path: whatever transaction is open when
    /// a unit fails or the run is cancelled is rolled back here, before the lock is released.
    async fn run(
        &mut self,
        db: &mut Database,
        schedule: &Schedule<'_>,
        prepared: Prepared,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        let mut conn = Connection::Idle(db);
        if schedule.run_transaction {
            conn.begin();
        }
        let result = self
            .run_units(&mut conn, schedule, prepared, on_event)
            .await;
        if result.is_err() {
            conn.rollback().await;
        }
        result
    }

    async fn run_units(
        &mut self,
        conn: &mut Connection<'_>,
        schedule: &Schedule<'_>,
        prepared: Prepared,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        let mut checked = false;
        for (unit, prepared) in schedule.units.iter().zip(prepared) {
            // Between migrations is the safest point to stop: nothing is in flight.
            if self.options.is_cancelled() {
                return Err(self.stopped_between(&unit.step.revision, conn.in_transaction()));
            }
            // The lock is checked before each migration, unless the one before just checked
            // it before its commit: only that commit's round trip lies between the two.
            if !checked {
                let stopped = format!("before revision {}", unit.step.revision);
                record::ensure_held(self.lock, &stopped, &self.finished[..self.applied]).await?;
            }
            checked = unit.after == Some(Boundary::Commit) && !unit.bookkeeping.own_transaction;
            let line = self.m.step_line(unit.step);
            on_event(Event::StepStarted {
                step: unit.step.clone(),
                line: line.clone(),
            });
            let started = Instant::now();
            self.run_unit(conn, unit, prepared, on_event).await?;
            self.finished.push(unit.step.revision.clone());
            if !conn.in_transaction() {
                self.applied = self.finished.len();
            }
            on_event(Event::StepFinished {
                step: unit.step.clone(),
                line,
                elapsed: started.elapsed(),
                transactional: unit.transactional(),
            });
        }
        if conn.in_transaction() {
            let stopped = "before committing the run's transaction, which was rolled back";
            record::ensure_held(self.lock, stopped, &self.finished[..self.applied]).await?;
        }
        conn.commit().await
    }

    /// Crosses the unit's boundaries, runs its statements (`prepared` when the preflight split
    /// them already) and records it.
    async fn run_unit(
        &mut self,
        conn: &mut Connection<'_>,
        unit: &Unit<'_>,
        prepared: Option<Vec<Statement>>,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        match unit.before {
            Some(Boundary::Begin) => conn.begin(),
            Some(Boundary::Commit) => {
                conn.commit().await?;
                self.applied = self.finished.len();
            }
            None => {}
        }
        if unit.transactional()
            && let Some(sql) = self.lock.transaction_lock()
        {
            conn.run(&sql).await?;
        }
        let statements = match (prepared, unit.section) {
            (Some(statements), _) => statements,
            (None, Some(section)) => self.statements(conn.database(), unit, section).await?,
            (None, None) => Vec::new(),
        };
        let started_at = jiff::Timestamp::now().to_string();
        let clock = Instant::now();
        // Inside a transaction the statements go to the database in one round trip; batched
        // statements and units outside a transaction go one by one.
        let in_savepoint = unit.transactional() && !statements.iter().any(|s| s.batch);
        if in_savepoint {
            self.run_in_savepoint(conn, unit, &statements).await?;
        } else {
            self.run_one_by_one(conn, unit, &statements, on_event)
                .await?;
        }
        let user = current_user();
        let record = Record {
            started_at: &started_at,
            duration_ms: clock.elapsed().as_millis() as u64,
            applied_by: &user,
        };
        self.record(conn, unit, in_savepoint, record).await?;
        if unit.after == Some(Boundary::Begin) {
            conn.begin();
        }
        Ok(())
    }

    /// Records the unit (see [`record::record`]).
    async fn record(
        &mut self,
        conn: &mut Connection<'_>,
        unit: &Unit<'_>,
        in_savepoint: bool,
        record: Record<'_>,
    ) -> Result<()> {
        let d = conn.database().dialect();
        let release = in_savepoint.then(|| savepoint().release(d));
        let applied = &self.finished[..self.applied];
        record::record(self.m, conn, self.lock, unit, release, record, applied).await
    }

    /// Runs a transactional unit's statements in one round trip, under a savepoint. When one
    /// fails, the database says where the script stopped (see [`Database::execute_script`]),
    /// which names the failing statement's line without running any statement twice; the
    /// run's error path then rolls the transaction back.
    async fn run_in_savepoint(
        &self,
        conn: &mut Connection<'_>,
        unit: &Unit<'_>,
        statements: &[Statement],
    ) -> Result<()> {
        let d = conn.database().dialect();
        let mut sql = savepoint().create(d);
        let mut starts = Vec::with_capacity(statements.len());
        for statement in statements {
            // The newline first: a statement may end in a line comment.
            sql.push_str("\n;\n");
            starts.push(sql.len());
            sql.push_str(&statement.sql);
        }
        let Err(failure) = conn.execute_script(&sql).await else {
            return Ok(());
        };
        if self.options.is_cancelled() {
            return Err(interrupted());
        }
        let line = failed_statement(&starts, failure.at, statements)
            .or(statements.first())
            .map_or(0, |s| s.line);
        Err(Error::StatementFailed {
            path: unit.script.path.clone(),
            line,
            revision: unit.step.revision.to_string(),
            direction: unit.step.direction,
            message: failure.message,
            applied_before: vec![],
            rolled_back: true,
        })
    }

    /// Runs statements one at a time (outside a transaction, or with batched statements),
    /// checking before each one whether the run was cancelled.
    async fn run_one_by_one(
        &self,
        conn: &mut Connection<'_>,
        unit: &Unit<'_>,
        statements: &[Statement],
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        if let Some(tx) = conn.transaction() {
            tx.ensure_begun().await?;
        }
        let mut applied = Vec::new();
        for statement in statements {
            if self.options.is_cancelled() {
                // Outside a transaction the statements run so far stay applied: say which.
                let rolled_back = conn.in_transaction();
                return Err(self.failure(unit, statement, String::new(), applied, rolled_back));
            }
            let outcome = if statement.batch {
                self.run_batch(conn, unit, statement, on_event).await
            } else {
                conn.execute(&statement.sql).await.map(drop)
            };
            if let Err(message) = outcome {
                // A failed batch run is rolled back with its own transaction.
                let rolled_back = statement.batch || conn.in_transaction();
                return Err(self.failure(unit, statement, message, applied, rolled_back));
            }
            applied.push(format!(
                "line {}: {}",
                statement.line,
                first_line(&statement.sql)
            ));
        }
        Ok(())
    }

    /// The error for a run stopped between two migrations: nothing was in flight, so nothing
    /// but an open run transaction (with the migrations in it) was rolled back.
    fn stopped_between(&self, next: &RevisionId, in_run_transaction: bool) -> Error {
        let undone = self.finished.len() - self.applied;
        let mut message =
            format!("stopped before revision {next}, between migrations: none was in flight");
        if in_run_transaction && undone > 0 {
            message += &format!(
                "; the run's transaction was rolled back, undoing the {undone} migration(s) it held"
            );
        }
        Error::Interrupted {
            message: message + "; the lock was released",
        }
    }

    /// The error for a statement that failed while running one at a time.
    fn failure(
        &self,
        unit: &Unit<'_>,
        statement: &Statement,
        message: String,
        applied: Vec<String>,
        rolled_back: bool,
    ) -> Error {
        if self.options.is_cancelled() {
            if statement.batch {
                // Each run of a batch commits on its own: those that finished stay.
                return Error::Interrupted {
                    message: format!(
                        "revision {} was stopped in its batched statement at line {}, {message}; the statements before it and the finished runs stay applied, and the version table is at the last complete revision",
                        unit.step.revision, statement.line,
                    ),
                };
            }
            if rolled_back {
                return interrupted();
            }
            let applied = match applied.is_empty() {
                true => String::new(),
                false => format!(" ({})", applied.join("; ")),
            };
            return Error::Interrupted {
                message: format!(
                    "revision {} was stopped at line {}; it ran outside a transaction, so what it had already run stays applied{applied}; the version table is at the last complete revision",
                    unit.step.revision, statement.line,
                ),
            };
        }
        Error::StatementFailed {
            path: unit.script.path.clone(),
            line: statement.line,
            revision: unit.step.revision.to_string(),
            direction: unit.step.direction,
            message,
            applied_before: if rolled_back { vec![] } else { applied },
            rolled_back,
        }
    }

    /// The statements of a unit's section, rendered first when the file is a template; a
    /// template reads the catalog as the earlier units left it.
    async fn statements(
        &self,
        db: &mut Database,
        unit: &Unit<'_>,
        section: &Section,
    ) -> Result<Vec<Statement>> {
        let backend = db.dialect().backend();
        let catalog = match unit.script.template {
            true => Some(template::CatalogSnapshot::read(db).await?),
            false => None,
        };
        let statements = self.m.section_statements(
            unit.script,
            section,
            backend,
            self.options.tag.clone(),
            catalog,
        )?;
        if unit.script.template && unit.transactional() {
            preflight::refuse_transaction_control(unit.script, &statements, backend)?;
        }
        Ok(statements)
    }

    /// Re-runs a `-- migrate:batch` statement, each run in a transaction of its own, until it
    /// changes no row. The unit's transaction is committed first and resumes afterwards.
    async fn run_batch(
        &self,
        conn: &mut Connection<'_>,
        unit: &Unit<'_>,
        statement: &Statement,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> std::result::Result<(), String> {
        let resume = conn.in_transaction();
        conn.commit().await.map_err(|e| e.to_string())?;
        let (mut runs, mut rows) = (0u64, 0u64);
        loop {
            // Each run commits on its own, so between two runs the batch can stop cleanly.
            if self.options.is_cancelled() {
                return Err(format!("stopped after {runs} runs ({rows} rows)"));
            }
            let mut tx = Transaction::begin(conn.database())
                .await
                .map_err(|e| e.to_string())?;
            let changed = match tx.execute(&statement.sql).await {
                Ok(changed) => changed,
                Err(message) => {
                    tx.rollback().await;
                    if self.options.is_cancelled() {
                        return Err(format!("stopped after {runs} runs ({rows} rows)"));
                    }
                    return Err(message);
                }
            };
            tx.commit().await.map_err(|e| e.to_string())?;
            runs += 1;
            rows += changed;
            on_event(Event::BatchProgress {
                revision: unit.step.revision.clone(),
                line: statement.line,
                runs,
                rows,
            });
            if changed == 0 {
                break;
            }
        }
        if resume {
            conn.begin();
        }
        Ok(())
    }
}

/// The statement where a script stopped, given where each statement starts in it (the
/// savepoint before them is statement 0 of the script); `None` when the database could not
/// tell, or the savepoint itself failed.
fn failed_statement<'s>(
    starts: &[usize],
    at: Option<FailedAt>,
    statements: &'s [Statement],
) -> Option<&'s Statement> {
    let index = match at? {
        FailedAt::Byte(at) => starts.iter().rposition(|&start| start <= at)?,
        FailedAt::Statement(n) => n.checked_sub(1)?,
    };
    statements.get(index)
}

fn first_line(sql: &str) -> String {
    let line = sql.trim().lines().next().unwrap_or("");
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(80).collect::<String>())
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failing_statement_is_found_by_offset_or_count() {
        let statements: Vec<Statement> = [(3, "CREATE TABLE t (x INT)"), (5, "INSERT INTO t")]
            .into_iter()
            .map(|(line, sql)| Statement {
                sql: sql.to_string(),
                line,
                batch: false,
            })
            .collect();
        let starts = [15, 40];
        let line = |at| failed_statement(&starts, Some(at), &statements).map(|s| s.line);
        assert_eq!(line(FailedAt::Byte(15)), Some(3));
        assert_eq!(line(FailedAt::Byte(39)), Some(3));
        assert_eq!(line(FailedAt::Byte(40)), Some(5));
        assert_eq!(line(FailedAt::Byte(55)), Some(5));
        // The savepoint in front of them.
        assert_eq!(line(FailedAt::Byte(2)), None);
        assert_eq!(line(FailedAt::Statement(0)), None);
        assert_eq!(line(FailedAt::Statement(1)), Some(3));
        assert_eq!(line(FailedAt::Statement(2)), Some(5));
        assert_eq!(failed_statement(&starts, None, &statements), None);
    }
}
