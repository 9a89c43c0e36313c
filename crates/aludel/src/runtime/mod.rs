//! Running migrations: plan with the [`revision`](crate::revision) graph, then execute the plan
//! online against a [`Database`] or render it as an offline SQL script.
//!
//! The runtime never prints: it reports [`Event`]s to a callback that the CLI renders.

mod execute;
mod offline;
mod preflight;
mod record;
mod state;
pub mod template;
mod transaction;
mod units;

pub use offline::OfflineScript;
pub use preflight::check_rev_id_fits;
pub use state::{ChangedFile, Status};

use std::path::PathBuf;
use std::time::Duration;

use crate::config::Config;
use crate::dialect::Database;
use crate::revision::{Direction, Plan, RevisionId, Step};
use crate::script::ScriptDirectory;
use crate::sql::{HistoryTable, TableName, VersionTable};
use crate::{Error, Result};

/// Something that happened during a run, for the caller to show.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// A sentence worth telling the user (e.g. DDL is not transactional on this database).
    Notice(String),
    /// A warning (e.g. an applied migration's file changed since).
    Warning {
        /// What is wrong, in one sentence.
        message: String,
        /// What the user can do about it, one sentence each.
        hints: Vec<String>,
    },
    /// The plan is known: this many steps will run.
    Planned {
        /// Number of steps.
        steps: usize,
    },
    /// A step is about to run.
    StepStarted {
        /// The step.
        step: Step,
        /// Its display line, e.g. `Running upgrade a1 -> b2, Add users`.
        line: String,
    },
    /// A step finished and is recorded in the version table.
    StepFinished {
        /// The step.
        step: Step,
        /// Its display line.
        line: String,
        /// How long it took.
        elapsed: Duration,
        /// Whether it ran inside a transaction.
        transactional: bool,
    },
    /// One run of a batched statement finished.
    BatchProgress {
        /// The revision.
        revision: RevisionId,
        /// The statement's file line.
        line: usize,
        /// Runs so far.
        runs: u64,
        /// Rows changed so far.
        rows: u64,
    },
    /// The database was backed up before the run.
    BackedUp {
        /// Where the copy is.
        path: PathBuf,
    },
}

/// Options of the commands that write to the database.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Skip the migration lock (`--no-lock`), for poolers that cannot hold one.
    pub no_lock: bool,
    /// Back up the database first (`upgrade --backup`).
    pub backup: bool,
    /// `--tag`, visible to templates.
    pub tag: Option<String>,
    /// Set from elsewhere (a Ctrl-C handler) to stop the run: no further statement starts, and
    /// the migration in flight is rolled back. Pair it with [`Canceller`](crate::dialect::Canceller)
    /// to stop a statement that is already running.
    pub cancelled: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl RunOptions {
    /// Whether the run was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled
            .as_ref()
            .is_some_and(|flag| flag.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunReport {
    /// The steps that ran, in order.
    pub steps: Vec<Step>,
    /// The version table's rows afterwards.
    pub heads_after: Vec<RevisionId>,
}

/// Plans and runs migrations of one script directory for one configuration.
pub struct Migrator<'a> {
    config: &'a Config,
    scripts: &'a ScriptDirectory,
    version_table: VersionTable,
    history_table: HistoryTable,
}

/// The operation an online or offline run carries out.
#[derive(Debug, Clone)]
pub(crate) enum Operation {
    Upgrade(String),
    Downgrade(String),
    Stamp { targets: Vec<String>, purge: bool },
}

/// The version table a configuration names.
fn version_table_of(config: &Config) -> VersionTable {
    VersionTable {
        table: TableName {
            schema: config.version_table_schema.clone(),
            name: config.version_table.clone(),
        },
    }
}

/// The database's current revisions (the version table's rows), without reading the migration
/// files: callers may read those meanwhile. Empty when the table does not exist yet.
pub async fn current_revisions(config: &Config, db: &mut Database) -> Result<Vec<RevisionId>> {
    state::read_heads(&version_table_of(config), db).await
}

impl<'a> Migrator<'a> {
    /// A migrator for `scripts` as `config` describes the database side.
    pub fn new(config: &'a Config, scripts: &'a ScriptDirectory) -> Migrator<'a> {
        let version_table = version_table_of(config);
        let history_table = HistoryTable::beside(&version_table);
        Migrator {
            config,
            scripts,
            version_table,
            history_table,
        }
    }

    /// The script directory.
    pub fn scripts(&self) -> &ScriptDirectory {
        self.scripts
    }

    /// Applies migrations up to `target`.
    pub async fn upgrade(
        &self,
        db: &mut Database,
        target: &str,
        options: &RunOptions,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<RunReport> {
        self.run(
            db,
            Operation::Upgrade(target.to_string()),
            options,
            on_event,
        )
        .await
    }

    /// Reverts migrations down to `target`.
    pub async fn downgrade(
        &self,
        db: &mut Database,
        target: &str,
        options: &RunOptions,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<RunReport> {
        self.run(
            db,
            Operation::Downgrade(target.to_string()),
            options,
            on_event,
        )
        .await
    }

    /// Sets the version table to `targets` without running migrations.
    pub async fn stamp(
        &self,
        db: &mut Database,
        targets: &[String],
        purge: bool,
        options: &RunOptions,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<RunReport> {
        let operation = Operation::Stamp {
            targets: targets.to_vec(),
            purge,
        };
        self.run(db, operation, options, on_event).await
    }

    /// The offline script of `upgrade RANGE --sql`; `range` is `TO` or `FROM:TO`.
    pub fn upgrade_sql(
        &self,
        backend: crate::config::Backend,
        range: &str,
    ) -> Result<OfflineScript> {
        offline::render(self, backend, Operation::Upgrade(String::new()), range)
    }

    /// The offline script of `downgrade RANGE --sql`; `range` must be `FROM:TO`.
    pub fn downgrade_sql(
        &self,
        backend: crate::config::Backend,
        range: &str,
    ) -> Result<OfflineScript> {
        offline::render(self, backend, Operation::Downgrade(String::new()), range)
    }

    /// The offline script of `stamp REV… --sql`.
    pub fn stamp_sql(
        &self,
        backend: crate::config::Backend,
        targets: &[String],
        purge: bool,
    ) -> Result<OfflineScript> {
        offline::render(
            self,
            backend,
            Operation::Stamp {
                targets: targets.to_vec(),
                purge,
            },
            "",
        )
    }

    /// The database's current revisions (the version table's rows); empty when the table does
    /// not exist yet.
    pub async fn current(&self, db: &mut Database) -> Result<Vec<RevisionId>> {
        state::read_heads(&self.version_table, db).await
    }

    /// Creates the version table and the history log when missing (`ensure_version`).
    pub async fn ensure_version(&self, db: &mut Database) -> Result<()> {
        state::ensure_tables(self, db).await
    }

    /// The offline DDL of `ensure_version --sql`.
    pub fn ensure_version_sql(&self, backend: crate::config::Backend) -> String {
        let d = crate::dialect::dialect_for(backend);
        format!(
            "{};\n\n{};\n",
            self.version_table.create(d),
            self.history_table.create(d)
        )
    }

    /// Current heads, pending revisions and applied files that changed.
    pub async fn status(&self, db: &mut Database) -> Result<Status> {
        state::status(self, db).await
    }

    /// Accepts the current checksums of applied revisions whose files changed (all of them, or
    /// those in `only`), recording a `repair` row for each. Returns the revisions repaired.
    pub async fn repair(&self, db: &mut Database, only: &[String]) -> Result<Vec<RevisionId>> {
        state::repair(self, db, only).await
    }

    /// The longest revision id the existing version table accepts, if the table exists and
    /// declares a length.
    pub async fn version_column_length(&self, db: &mut Database) -> Result<Option<usize>> {
        state::version_column_length(self, db).await
    }

    /// Resolves the plan for `operation` from `current` heads.
    pub(crate) fn plan(&self, operation: &Operation, current: &[RevisionId]) -> Result<Plan> {
        let graph = &self.scripts.graph;
        let plan = match operation {
            Operation::Upgrade(target) => graph.upgrade_plan(current, target)?,
            Operation::Downgrade(target) => graph.downgrade_plan(current, target)?,
            Operation::Stamp { targets, purge } => graph.stamp_plan(current, targets, *purge)?,
        };
        if let Operation::Downgrade(_) = operation {
            self.refuse_irreversible(&plan)?;
        }
        Ok(plan)
    }

    /// Refuses a downgrade through a revision without a downgrade section, before anything runs.
    fn refuse_irreversible(&self, plan: &Plan) -> Result<()> {
        for step in plan
            .steps
            .iter()
            .filter(|s| s.direction == Direction::Downgrade)
        {
            let script = self.scripts.script(&step.revision);
            if script.downgrade.is_none() {
                return Err(Error::refused(format!(
                    "revision {} ({}) has no downgrade section: it is irreversible, so the downgrade was refused and nothing ran",
                    step.revision,
                    script.path.display()
                ))
                .with_hint(
                    "add a `-- migrate:downgrade` section to the file, or downgrade to a target above it",
                ));
            }
        }
        Ok(())
    }

    /// The Alembic-style line for a step: `Running upgrade a -> b, message`.
    pub fn step_line(&self, step: &Step) -> String {
        let script = self.scripts.script(&step.revision);
        let parents = script
            .revision
            .down_revisions
            .iter()
            .map(RevisionId::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        match step.direction {
            Direction::Upgrade => format!(
                "Running upgrade {parents} -> {}, {}",
                step.revision, script.message
            ),
            Direction::Downgrade => format!(
                "Running downgrade {} -> {parents}, {}",
                step.revision, script.message
            ),
        }
    }

    /// The statements of a section, rendered first when the file is a template. `catalog` feeds
    /// the inspector functions online; offline it is `None` and they refuse.
    fn section_statements(
        &self,
        script: &crate::script::Script,
        section: &crate::script::Section,
        backend: crate::config::Backend,
        tag: Option<String>,
        catalog: Option<template::CatalogSnapshot>,
    ) -> Result<Vec<crate::script::Statement>> {
        if !script.template {
            return section.statements(&script.path, backend);
        }
        let ctx = self.template_context(backend, tag);
        let text = template::render_section(
            &script.path.display().to_string(),
            &section.text,
            &ctx,
            catalog,
        )?;
        let rendered = crate::script::Section {
            text,
            first_line: section.first_line,
        };
        rendered.statements(&script.path, backend)
    }

    fn template_context(
        &self,
        backend: crate::config::Backend,
        tag: Option<String>,
    ) -> template::TemplateContext {
        template::TemplateContext {
            env: self.config.environment.clone(),
            dialect: crate::dialect::dialect_for(backend).name().to_string(),
            backend,
            x: self.config.x.clone(),
            tag,
        }
    }

    async fn run(
        &self,
        db: &mut Database,
        operation: Operation,
        options: &RunOptions,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<RunReport> {
        let mut lock = if options.no_lock {
            crate::dialect::LockGuard::none()
        } else {
            self.wait_for_lock(db, options, on_event).await?
        };
        let result = match options.is_cancelled() {
            true => Err(Error::Interrupted {
                message: "stopped before anything ran; nothing was applied".to_string(),
            }),
            false => execute::run_locked(self, db, &mut lock, &operation, options, on_event).await,
        };
        let result = match result {
            Err(error) if options.is_cancelled() => Err(self.interrupted(db, error).await),
            other => other,
        };
        db.unlock(lock).await;
        result
    }

    /// Takes the migration lock, telling the user when another run holds it, and gives up
    /// when the run is cancelled meanwhile: the wait is raced against the cancel flag, so an
    /// interrupted wait applies nothing. Dropping the unfinished wait closes its connection or
    /// file, which releases a lock the database may have granted in that instant.
    async fn wait_for_lock(
        &self,
        db: &mut Database,
        options: &RunOptions,
        on_event: &mut (dyn FnMut(Event) + Send),
    ) -> Result<crate::dialect::LockGuard> {
        let table = &self.version_table.table;
        let timeout = self.config.lock_timeout;
        let taking = db.lock(table.schema.as_deref(), &table.name, timeout);
        tokio::pin!(taking);
        let patience = tokio::time::sleep(Duration::from_millis(500));
        tokio::pin!(patience);
        let mut told = false;
        loop {
            tokio::select! {
                lock = &mut taking => return lock,
                () = until_cancelled(options) => {
                    return Err(Error::Interrupted {
                        message: "stopped while waiting for the migration lock; nothing was applied".to_string(),
                    });
                }
                () = &mut patience, if !told => {
                    told = true;
                    on_event(Event::Notice(format!(
                        "Waiting for the migration lock: another run holds it (giving up after {} s)",
                        timeout.as_secs()
                    )));
                }
            }
        }
    }

    /// The error of a cancelled run, saying truthfully where the database stands: the version
    /// table is read again after the rollback. The run only records a migration once it
    /// completed, so the version table names what is applied.
    async fn interrupted(&self, db: &mut Database, error: Error) -> Error {
        let stopped = match error {
            Error::Interrupted { message } => message,
            other => format!("the run was stopped ({other})"),
        };
        // The run's own connection first (SQLite's survives an interrupt, and an in-memory
        // database exists only there); a fresh one when cancelling ended the session.
        let heads = match state::read_heads(&self.version_table, db).await {
            Ok(heads) => Ok(heads),
            Err(_) => match Database::connect(db.url(), self.config.connect_timeout).await {
                Ok(mut fresh) => {
                    let heads = state::read_heads(&self.version_table, &mut fresh).await;
                    fresh.close().await;
                    heads
                }
                Err(error) => Err(error),
            },
        };
        let at = match heads {
            Ok(heads) if heads.is_empty() => {
                "the database is now at base: no revision is applied".to_string()
            }
            Ok(heads) => format!(
                "the database is now at {}: the revisions up to it are applied and recorded",
                heads
                    .iter()
                    .map(RevisionId::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Err(_) => {
                "the version table could not be read afterwards; see `aludel current`".to_string()
            }
        };
        Error::Interrupted {
            message: format!("{stopped}; {at}"),
        }
    }
}

/// Resolves once the run is asked to stop; never when it has no cancel flag. The flag is an
/// atomic set from another thread, so it is polled.
async fn until_cancelled(options: &RunOptions) {
    if options.cancelled.is_none() {
        return std::future::pending().await;
    }
    while !options.is_cancelled() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The environment's idea of who runs a migration, for the history log.
pub(crate) fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_string())
}

/// Fails clearly when the version table holds a revision that no file has.
pub fn check_known_heads(scripts: &ScriptDirectory, heads: &[RevisionId]) -> Result<()> {
    for head in heads {
        if scripts.graph.get(head.as_str()).is_none() {
            return Err(Error::refused(format!(
                "the database is at revision {head}, which no migration file has"
            ))
            .with_hint(
                "restore the missing file, or if it was removed on purpose, `aludel stamp --purge REV` sets the version table to revisions that exist",
            ));
        }
    }
    Ok(())
}
