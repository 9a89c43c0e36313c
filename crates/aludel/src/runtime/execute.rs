//! Online execution of a plan: transactions, version-table updates in the same transaction as
//! the migration, history rows, batched statements and failure reports.

use std::time::Instant;

use super::{
    Event, Migrator, Operation, RunOptions, RunReport, check_known_heads, current_user, state,
    template,
};
use crate::dialect::Database;
use crate::revision::{Direction, Step};
use crate::script::{Section, Statement};
use crate::sql::{HistoryKind, HistoryRow};
use crate::{Error, Result};

/// Runs `operation` with the migration lock already held: the heads are read under the lock,
/// so concurrent runs never apply a migration twice.
pub(super) async fn run_locked(
    m: &Migrator<'_>,
    db: &mut Database,
    operation: &Operation,
    options: &RunOptions,
    on_event: &mut (dyn FnMut(Event) + Send),
) -> Result<RunReport> {
    state::ensure_tables(m, db).await?;
    let current = state::read_heads(&m.version_table, db).await?;
    check_known_heads(m.scripts, &current)?;
    let plan = m.plan(operation, &current)?;
    if let Operation::Upgrade(_) = operation {
        for changed in state::changed_files(m, db, &current).await? {
            on_event(Event::Warning(changed.describe()));
        }
    }
    if plan.steps.is_empty() {
        return Ok(RunReport {
            steps: vec![],
            heads_after: plan.heads_after,
        });
    }
    if options.backup {
        let path = db.backup().await?;
        on_event(Event::BackedUp { path });
    }
    on_event(Event::Planned {
        steps: plan.steps.len(),
    });
    if let Operation::Stamp { purge, .. } = operation {
        stamp(m, db, &plan.steps, *purge).await?;
        return Ok(RunReport {
            steps: plan.steps,
            heads_after: plan.heads_after,
        });
    }
    if !db.dialect().transactional_ddl() {
        on_event(Event::Notice(format!(
            "{} commits DDL implicitly: each migration runs statement by statement, and its version-table update follows it",
            db.dialect().name()
        )));
    }
    let mut runner = Runner {
        m,
        db,
        options,
        in_transaction: false,
    };
    let result = runner.run_steps(&plan.steps, on_event).await;
    if result.is_err() && runner.in_transaction {
        runner.db.rollback().await;
    }
    result?;
    Ok(RunReport {
        steps: plan.steps,
        heads_after: plan.heads_after,
    })
}

/// Applies a stamp's version-table changes and history rows in one transaction.
async fn stamp(m: &Migrator<'_>, db: &mut Database, steps: &[Step], purge: bool) -> Result<()> {
    let d = db.dialect();
    db.begin().await?;
    let result = async {
        if purge {
            db.run(&m.version_table.purge(d)).await?;
        }
        let started = jiff::Timestamp::now().to_string();
        let user = current_user();
        for step in steps {
            for op in &step.version_ops {
                db.run(&m.version_table.apply(d, op)).await?;
            }
            let checksum = m
                .scripts
                .script(&step.revision)
                .upgrade
                .as_ref()
                .map(|s| s.checksum().0);
            let row = HistoryRow {
                revision: &step.revision,
                kind: HistoryKind::Stamp,
                checksum: checksum.as_deref(),
                started_at: &started,
                duration_ms: 0,
                applied_by: &user,
            };
            db.run(&m.history_table.insert(d, &row)).await?;
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => db.commit().await,
        Err(e) => {
            db.rollback().await;
            Err(e)
        }
    }
}

/// What an interrupted run reports.
const INTERRUPTED: &str = "the migration in flight was rolled back and the lock released; migrations that had finished stay applied (see `aludel current`)";

/// The savepoint a transactional migration's statements run under.
const SAVEPOINT: &str = "aludel_step";

struct Runner<'r, 'a> {
    m: &'r Migrator<'a>,
    db: &'r mut Database,
    options: &'r RunOptions,
    in_transaction: bool,
}

impl Runner<'_, '_> {
    /// Rolls back what is open and stops when the run was cancelled.
    async fn stop_if_cancelled(&mut self) -> Result<()> {
        if !self.options.is_cancelled() {
            return Ok(());
        }
        if self.in_transaction {
            self.in_transaction = false;
            self.db.rollback().await;
        }
        Err(Error::Interrupted {
            message: INTERRUPTED.to_string(),
        })
    }

    async fn begin(&mut self) -> Result<()> {
        if !self.in_transaction {
            self.db.begin().await?;
            self.in_transaction = true;
        }
        Ok(())
    }

    async fn commit(&mut self) -> Result<()> {
        if self.in_transaction {
            self.in_transaction = false;
            self.db.commit().await?;
        }
        Ok(())
    }

    async fn run_steps(
        &mut self,
        steps: &[Step],
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        let per_migration = self.m.config.transaction_per_migration;
        for step in steps {
            let line = self.m.step_line(step);
            on_event(Event::StepStarted {
                step: step.clone(),
                line: line.clone(),
            });
            let started = Instant::now();
            let transactional = self.run_step(step, per_migration, on_event).await?;
            on_event(Event::StepFinished {
                step: step.clone(),
                line,
                elapsed: started.elapsed(),
                transactional,
            });
        }
        self.commit().await
    }

    /// Runs one migration and records it, committing afterwards when `commit` is set or the
    /// migration ran outside a transaction; returns whether it ran inside one.
    async fn run_step(
        &mut self,
        step: &Step,
        commit: bool,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<bool> {
        let script = self.m.scripts.script(&step.revision);
        let transactional = script.transactional && self.db.dialect().transactional_ddl();
        if !transactional {
            // A migration that cannot run in a transaction ends the run's transaction first.
            self.commit().await?;
        }
        let section = match step.direction {
            Direction::Upgrade => script.upgrade.as_ref(),
            Direction::Downgrade => script.downgrade.as_ref(),
        };
        let statements = match section {
            Some(section) => self.statements(step, section).await?,
            None => Vec::new(),
        };
        let started_at = jiff::Timestamp::now().to_string();
        let clock = Instant::now();
        // Inside a transaction the statements go to the database in one round trip; batched
        // statements and migrations outside a transaction go one by one.
        let in_savepoint = transactional && !statements.iter().any(|s| s.batch);
        if in_savepoint {
            self.run_in_savepoint(step, &statements).await?;
        } else {
            self.run_one_by_one(step, &statements, transactional, on_event)
                .await?;
        }
        // The bookkeeping goes in the migration's transaction, in one round trip with the
        // commit; a migration that ran outside a transaction gets a short one of its own.
        let d = self.db.dialect();
        let mut sql = Vec::new();
        if !self.in_transaction {
            sql.push(d.begin_online().to_string());
        }
        if in_savepoint {
            sql.push(format!("RELEASE SAVEPOINT {SAVEPOINT}"));
        }
        sql.extend(
            step.version_ops
                .iter()
                .map(|op| self.m.version_table.apply(d, op)),
        );
        let checksum = section.map(|s| s.checksum().0);
        let user = current_user();
        let row = HistoryRow {
            revision: &step.revision,
            kind: match step.direction {
                Direction::Upgrade => HistoryKind::Upgrade,
                Direction::Downgrade => HistoryKind::Downgrade,
            },
            checksum: checksum.as_deref(),
            started_at: &started_at,
            duration_ms: clock.elapsed().as_millis() as u64,
            applied_by: &user,
        };
        sql.push(self.m.history_table.insert(d, &row));
        let commit = commit || !transactional;
        if commit {
            sql.push("COMMIT".to_string());
        }
        self.in_transaction = true;
        if let Err(e) = self.db.run(&sql.join(";\n")).await {
            self.in_transaction = false;
            self.db.rollback().await;
            return Err(e);
        }
        self.in_transaction = !commit;
        Ok(transactional)
    }

    /// Runs a transactional migration's statements in one round trip, under a savepoint. When
    /// one fails, the savepoint is rolled back and the statements are run again one at a time
    /// to find the failing one, so the error names its line; then the transaction is rolled
    /// back.
    async fn run_in_savepoint(&mut self, step: &Step, statements: &[Statement]) -> Result<()> {
        let mut sql = String::new();
        if !self.in_transaction {
            sql.push_str(self.db.dialect().begin_online());
            sql.push_str(";\n");
        }
        sql.push_str(&format!("SAVEPOINT {SAVEPOINT}"));
        for statement in statements {
            // The newline first: a statement may end in a line comment.
            sql.push_str("\n;\n");
            sql.push_str(&statement.sql);
        }
        self.in_transaction = true;
        let Err(message) = self.db.execute(&sql).await else {
            return Ok(());
        };
        if self.options.is_cancelled() {
            self.in_transaction = false;
            self.db.rollback().await;
            return Err(Error::Interrupted {
                message: INTERRUPTED.to_string(),
            });
        }
        let script = self.m.scripts.script(&step.revision);
        let mut failure = (statements.first().map_or(0, |s| s.line), message);
        if self
            .db
            .execute(&format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}"))
            .await
            .is_ok()
        {
            for statement in statements {
                if let Err(message) = self.db.execute(&statement.sql).await {
                    failure = (statement.line, message);
                    break;
                }
            }
        }
        self.in_transaction = false;
        self.db.rollback().await;
        Err(Error::StatementFailed {
            path: script.path.clone(),
            line: failure.0,
            revision: step.revision.to_string(),
            message: failure.1,
            applied_before: vec![],
            rolled_back: true,
        })
    }

    /// Runs statements one at a time (outside a transaction, or with batched statements).
    async fn run_one_by_one(
        &mut self,
        step: &Step,
        statements: &[Statement],
        transactional: bool,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<()> {
        if transactional {
            self.begin().await?;
        }
        let mut applied = Vec::new();
        for statement in statements {
            self.stop_if_cancelled().await?;
            let outcome = if statement.batch {
                self.run_batch(step, statement, transactional, on_event)
                    .await
            } else {
                self.db.execute(&statement.sql).await.map(drop)
            };
            if let Err(message) = outcome {
                let rolled_back = self.in_transaction;
                if self.in_transaction {
                    self.in_transaction = false;
                    self.db.rollback().await;
                }
                if self.options.is_cancelled() {
                    let message = if rolled_back {
                        INTERRUPTED.to_string()
                    } else {
                        format!(
                            "revision {} was stopped at line {}; it ran outside a transaction, so what it had already run stays applied{}; the version table is at the last complete revision",
                            step.revision,
                            statement.line,
                            if applied.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", applied.join("; "))
                            }
                        )
                    };
                    return Err(Error::Interrupted { message });
                }
                return Err(Error::StatementFailed {
                    path: self.m.scripts.script(&step.revision).path.clone(),
                    line: statement.line,
                    revision: step.revision.to_string(),
                    message,
                    applied_before: if rolled_back { vec![] } else { applied },
                    rolled_back,
                });
            }
            applied.push(format!(
                "line {}: {}",
                statement.line,
                first_line(&statement.sql)
            ));
        }
        Ok(())
    }

    /// The statements of a section, rendered first when the file is a template.
    async fn statements(&mut self, step: &Step, section: &Section) -> Result<Vec<Statement>> {
        let script = self.m.scripts.script(&step.revision);
        let backend = self.db.dialect().backend();
        let catalog = match script.template {
            true => Some(template::CatalogSnapshot::read(self.db).await?),
            false => None,
        };
        self.m
            .section_statements(script, section, backend, self.options.tag.clone(), catalog)
    }

    /// Re-runs a `-- migrate:batch` statement, each run in its own transaction, until it
    /// changes no row.
    async fn run_batch(
        &mut self,
        step: &Step,
        statement: &Statement,
        transactional: bool,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> std::result::Result<(), String> {
        self.commit().await.map_err(|e| e.to_string())?;
        let (mut runs, mut rows) = (0u64, 0u64);
        loop {
            self.begin().await.map_err(|e| e.to_string())?;
            let changed = self.db.execute(&statement.sql).await?;
            self.commit().await.map_err(|e| e.to_string())?;
            runs += 1;
            rows += changed;
            on_event(Event::BatchProgress {
                revision: step.revision.clone(),
                line: statement.line,
                runs,
                rows,
            });
            if changed == 0 {
                break;
            }
        }
        if transactional {
            self.begin().await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn first_line(sql: &str) -> String {
    let line = sql.trim().lines().next().unwrap_or("");
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(80).collect::<String>())
    } else {
        line.to_string()
    }
}
