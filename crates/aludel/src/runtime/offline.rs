//! Offline mode (`--sql`): the plan rendered as one SQL script for a DBA to review and run.

use std::fmt::Write;

use super::{Migrator, Operation};
use crate::config::Backend;
use crate::dialect::dialect_for;
use crate::revision::{Direction, RevisionId, Step};
use crate::sql::{HistoryKind, HistoryRow};
use crate::{Error, Result};

/// A rendered offline script.
#[derive(Debug, Clone)]
pub struct OfflineScript {
    /// The SQL text.
    pub sql: String,
    /// The steps it contains.
    pub steps: Vec<Step>,
}

/// Splits `FROM:TO` (or just `TO`, starting from base where that is allowed).
fn split_range(operation: &Operation, range: &str) -> Result<(Option<String>, String)> {
    match range.split_once(':') {
        Some((from, to)) => Ok((Some(from.to_string()), to.to_string())),
        None => match operation {
            Operation::Downgrade(_) => Err(Error::refused(
                "downgrade with --sql needs a range <fromrev>:<torev>, since there is no database to read the current revision from",
            )
            .with_hint(format!("aludel downgrade head:{range} --sql"))),
            _ => Ok((None, range.to_string())),
        },
    }
}

pub(super) fn render(
    m: &Migrator<'_>,
    backend: Backend,
    operation: Operation,
    range: &str,
) -> Result<OfflineScript> {
    let d = dialect_for(backend);
    let graph = &m.scripts.graph;
    let (operation, current) = match operation {
        Operation::Stamp { targets, purge } => (Operation::Stamp { targets, purge }, Vec::new()),
        Operation::Upgrade(_) | Operation::Downgrade(_) => {
            let (from, to) = split_range(&operation, range)?;
            let current: Vec<RevisionId> = match from.as_deref() {
                None | Some("") | Some("base") => Vec::new(),
                Some(from) => graph.resolve(from)?,
            };
            let operation = match operation {
                Operation::Upgrade(_) => Operation::Upgrade(to),
                _ => Operation::Downgrade(to),
            };
            (operation, current)
        }
    };
    let plan = m.plan(&operation, &current)?;
    let now = jiff::Timestamp::now().to_string();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- aludel offline script for {}, generated {now}; review before running\n",
        d.name()
    );
    let _ = writeln!(out, "{};\n", m.version_table.create(d));
    let _ = writeln!(out, "{};\n", m.history_table.create(d));
    let transactional = d.transactional_ddl();
    let per_migration = m.config.transaction_per_migration;
    let whole_run = transactional && !per_migration && !plan.steps.is_empty();
    if whole_run {
        let _ = writeln!(out, "{};\n", d.begin_offline());
    }
    if let Operation::Stamp { purge: true, .. } = operation {
        let _ = writeln!(out, "{};\n", m.version_table.purge(d));
    }
    for step in &plan.steps {
        let script = m.scripts.script(&step.revision);
        let stamp = matches!(operation, Operation::Stamp { .. });
        let section = match (stamp, step.direction) {
            (true, _) => None,
            (false, Direction::Upgrade) => script.upgrade.as_ref(),
            (false, Direction::Downgrade) => script.downgrade.as_ref(),
        };
        let own_transaction = transactional && per_migration && script.transactional;
        if stamp {
            let _ = writeln!(out, "-- Stamping {}\n", step.revision);
        } else {
            let _ = writeln!(out, "-- {}\n", m.step_line(step));
        }
        if !script.transactional && transactional {
            let _ = writeln!(
                out,
                "-- transactional = false: runs outside a transaction\n"
            );
        }
        // A migration that cannot run in a transaction interrupts the run's transaction.
        let interrupts_run = whole_run && !script.transactional;
        if interrupts_run {
            let _ = writeln!(out, "COMMIT;\n");
        }
        if own_transaction {
            let _ = writeln!(out, "{};\n", d.begin_offline());
        }
        if let Some(section) = section {
            let statements = m.section_statements(script, section, backend, None, None)?;
            for statement in statements {
                let _ = writeln!(out, "{};\n", statement.sql.trim_end());
            }
        }
        for op in &step.version_ops {
            let _ = writeln!(out, "{};\n", m.version_table.apply(d, op));
        }
        let checksum = section.or(script.upgrade.as_ref()).map(|s| s.checksum().0);
        let row = HistoryRow {
            revision: &step.revision,
            kind: match (stamp, step.direction) {
                (true, _) => HistoryKind::Stamp,
                (false, Direction::Upgrade) => HistoryKind::Upgrade,
                (false, Direction::Downgrade) => HistoryKind::Downgrade,
            },
            checksum: checksum.as_deref(),
            started_at: &now,
            duration_ms: 0,
            applied_by: "offline",
        };
        let _ = writeln!(out, "{};\n", m.history_table.insert(d, &row));
        if own_transaction {
            let _ = writeln!(out, "COMMIT;\n");
        }
        if interrupts_run {
            let _ = writeln!(out, "{};\n", d.begin_offline());
        }
    }
    if whole_run {
        let _ = writeln!(out, "COMMIT;\n");
    }
    Ok(OfflineScript {
        sql: out,
        steps: plan.steps,
    })
}
