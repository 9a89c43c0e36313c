//! The one place that draws transaction boundaries: a [`Plan`] compiles to a [`Schedule`] of
//! units, one per step, each saying whether it runs in a transaction, which boundaries it
//! crosses, what it runs and how it is recorded.
//!
//! Online execution (`execute`) and the offline script (`offline`) both consume the same
//! schedule, the way Alembic's `run_migrations` has one loop whose sink either executes or
//! prints; neither decides where a transaction begins or ends. The few places where the two
//! sinks must differ are decided here, from [`Mode`], and say why.

use crate::dialect::Dialect;
use crate::revision::{Direction, Plan, RevisionId, Step, VersionOp};
use crate::script::{Script, ScriptDirectory, Section};
use crate::sql::{HistoryKind, HistoryRow, HistoryTable, VersionTable};

/// Where the compiled units go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Executed against a live connection.
    Online,
    /// Printed as an offline script (`--sql`).
    Offline,
}

/// What the steps of a plan do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    /// Run each step's section and record it.
    Migrate,
    /// Only record the steps (`stamp`), emptying the version table first when `purge` is set.
    Stamp {
        /// `stamp --purge`.
        purge: bool,
    },
}

/// The settings that decide where transactions begin and end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Whether the database's DDL takes part in transactions.
    pub transactional_ddl: bool,
    /// `transaction_per_migration`: a transaction per migration rather than one per run.
    pub transaction_per_migration: bool,
    /// Where the units go.
    pub mode: Mode,
}

/// A plan compiled to units, in execution order.
#[derive(Debug)]
pub(crate) struct Schedule<'a> {
    /// A transaction spans the run: opened before the first unit (and before the purge) and
    /// committed after the last. A unit outside a transaction interrupts it.
    pub run_transaction: bool,
    /// Empty the version table before the first unit (`stamp --purge`).
    pub purge: bool,
    /// The units.
    pub units: Vec<Unit<'a>>,
}

/// A transaction boundary a unit crosses just before or just after its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Boundary {
    /// A transaction opens.
    Begin,
    /// The open transaction commits.
    Commit,
}

/// Whether a unit runs inside a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Inside a transaction: the run's, or one the unit opens and commits itself.
    Transaction,
    /// Outside any transaction: statements run one at a time and the bookkeeping follows the
    /// last of them, so the version table never claims a migration that did not complete.
    Outside(Why),
}

/// Why a unit runs outside a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// The file says `transactional = false`.
    Declared,
    /// The database commits DDL implicitly (MySQL).
    ImplicitCommit,
}

/// One step of the plan, ready to run or print.
#[derive(Debug)]
pub(crate) struct Unit<'a> {
    /// The step.
    pub step: &'a Step,
    /// Its file.
    pub script: &'a Script,
    /// The boundary crossed before the statements: a unit outside a transaction commits the
    /// run's transaction first; a unit with a transaction of its own begins it.
    pub before: Option<Boundary>,
    /// Inside a transaction or not.
    pub scope: Scope,
    /// The section whose statements run; `None` for a stamp or a file without the section.
    pub section: Option<&'a Section>,
    /// How the unit is recorded.
    pub bookkeeping: Bookkeeping<'a>,
    /// The boundary crossed after the bookkeeping: the mirror of `before`.
    pub after: Option<Boundary>,
}

/// How a unit is recorded: version-table changes and a history row.
#[derive(Debug)]
pub(crate) struct Bookkeeping<'a> {
    /// The revision.
    pub revision: &'a RevisionId,
    /// The version-table changes.
    pub version_ops: &'a [VersionOp],
    /// What the history row says happened.
    pub kind: HistoryKind,
    /// The checksum the history row records.
    pub checksum: Option<String>,
    /// Recorded in a short transaction of its own (a unit outside a transaction, online).
    pub own_transaction: bool,
}

/// The history row's facts that only the sink knows: when, how long, by whom.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record<'r> {
    /// When the unit started, RFC 3339 UTC.
    pub started_at: &'r str,
    /// How long it took.
    pub duration_ms: u64,
    /// Who ran it.
    pub applied_by: &'r str,
}

impl Bookkeeping<'_> {
    /// The statements that record the unit: its version-table changes, then its history row.
    pub(crate) fn statements(
        &self,
        d: &dyn Dialect,
        versions: &VersionTable,
        history: &HistoryTable,
        record: Record<'_>,
    ) -> Vec<String> {
        let mut sql: Vec<String> = self
            .version_ops
            .iter()
            .map(|op| versions.apply(d, op))
            .collect();
        sql.push(self.history_row(d, history, record));
        sql
    }

    /// The statement that writes the unit's history row.
    pub(crate) fn history_row(
        &self,
        d: &dyn Dialect,
        history: &HistoryTable,
        record: Record<'_>,
    ) -> String {
        let row = HistoryRow {
            revision: self.revision,
            kind: self.kind,
            checksum: self.checksum.as_deref(),
            started_at: record.started_at,
            duration_ms: record.duration_ms,
            applied_by: record.applied_by,
        };
        history.insert(d, &row)
    }
}

impl Unit<'_> {
    /// Whether the unit runs inside a transaction.
    pub(crate) fn transactional(&self) -> bool {
        self.scope == Scope::Transaction
    }
}

/// Compiles `plan` into units. Statements are not split here but when a unit runs: a
/// template reads the catalog as the earlier units left it, and a file that does not lex
/// fails at its own step, after the steps before it were applied, as it always has.
pub(crate) fn compile<'a>(
    scripts: &'a ScriptDirectory,
    plan: &'a Plan,
    work: Work,
    settings: Settings,
) -> Schedule<'a> {
    let stamp = matches!(work, Work::Stamp { .. });
    // Online a stamp writes only aludel's own tables, whose writes are transactional on every
    // database, so it is one transaction. Offline it keeps the shape of the migrations it
    // stands for, so a script reads the same whichever command wrote it.
    let atomic_stamp = stamp && settings.mode == Mode::Online;
    let rules = Rules {
        stamp,
        atomic_stamp,
        run_transaction: !plan.steps.is_empty()
            && (atomic_stamp
                || (settings.transactional_ddl && !settings.transaction_per_migration)),
        settings,
    };
    Schedule {
        run_transaction: rules.run_transaction,
        purge: matches!(work, Work::Stamp { purge: true }),
        units: plan
            .steps
            .iter()
            .filter_map(|step| match scripts.scripts.get(&step.revision) {
                Some(script) => Some(rules.unit(script, step)),
                // Only `stamp --purge` plans name a revision no file has: the delete of such
                // a row, which the purge has already done.
                None => {
                    debug_assert!(matches!(work, Work::Stamp { purge: true }));
                    None
                }
            })
            .collect(),
    }
}

/// What decides each unit's shape, fixed for a whole run.
struct Rules {
    stamp: bool,
    atomic_stamp: bool,
    run_transaction: bool,
    settings: Settings,
}

impl Rules {
    fn unit<'a>(&self, script: &'a Script, step: &'a Step) -> Unit<'a> {
        let scope = match (self.atomic_stamp, self.settings.transactional_ddl) {
            (true, _) => Scope::Transaction,
            (false, false) => Scope::Outside(Why::ImplicitCommit),
            (false, true) if !script.transactional => Scope::Outside(Why::Declared),
            (false, true) => Scope::Transaction,
        };
        // A unit in a transaction of its own opens and commits it; a unit outside a
        // transaction interrupts the run's, which resumes after it.
        let (before, after) = match (scope, self.run_transaction) {
            (Scope::Transaction, false) => (Some(Boundary::Begin), Some(Boundary::Commit)),
            (Scope::Outside(_), true) => (Some(Boundary::Commit), Some(Boundary::Begin)),
            _ => (None, None),
        };
        let (section, kind) = match (self.stamp, step.direction) {
            (true, _) => (None, HistoryKind::Stamp),
            (false, Direction::Upgrade) => (script.upgrade.as_ref(), HistoryKind::Upgrade),
            (false, Direction::Downgrade) => (script.downgrade.as_ref(), HistoryKind::Downgrade),
        };
        // A stamp records the upgrade section's checksum, as if it had run.
        let checksum = match self.stamp {
            true => script.upgrade.as_ref(),
            false => section,
        }
        .map(|s| s.checksum().0);
        Unit {
            step,
            script,
            before,
            scope,
            section,
            bookkeeping: Bookkeeping {
                revision: &step.revision,
                version_ops: &step.version_ops,
                kind,
                checksum,
                // Online the bookkeeping of a unit outside a transaction still commits as a
                // whole; an offline script leaves it to the DBA's client, as it always has.
                own_transaction: self.settings.mode == Mode::Online
                    && matches!(scope, Scope::Outside(_)),
            },
            after,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
