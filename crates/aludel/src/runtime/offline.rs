//! Offline mode (`--sql`): the plan's units printed as one SQL script for a DBA to review and
//! run. The units (see [`units`](super::units)) say where transactions begin and end; this
//! sink only writes them down.

use std::fmt::Write;

use super::units::{self, Boundary, Mode, Record, Scope, Settings, Unit, Why, Work};
use super::{Migrator, Operation, preflight};
use crate::config::Backend;
use crate::dialect::{Dialect, dialect_for};
use crate::revision::{RevisionId, Step};
use crate::script::Statement;
use crate::sql::HistoryKind;
use crate::sql::transaction::{COMMIT, begin_script};
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

/// Renders `operation` over `range` for `backend` without touching a database.
pub(super) fn render(
    m: &Migrator<'_>,
    backend: Backend,
    operation: Operation,
    range: &str,
) -> Result<OfflineScript> {
    let d = dialect_for(backend);
    let (operation, current) = resolve(m, operation, range)?;
    let plan = m.plan(&operation, &current)?;
    let work = match operation {
        Operation::Stamp { purge, .. } => Work::Stamp { purge },
        _ => Work::Migrate,
    };
    let settings = Settings {
        transactional_ddl: d.transactional_ddl(),
        transaction_per_migration: m.config.transaction_per_migration,
        mode: Mode::Offline,
    };
    let schedule = units::compile(m.scripts, &plan, work, settings);
    let prepared = preflight::check_schedule(&schedule, backend)?;
    let now = jiff::Timestamp::now().to_string();
    let mut out = ScriptText::default();
    out.line(&format!(
        "-- aludel offline script for {}, generated {now}; review before running\n",
        d.name()
    ));
    out.statement(&m.version_table.create(d));
    out.statement(&m.history_table.create(d));
    if schedule.run_transaction {
        out.statement(begin_script(d));
    }
    if schedule.purge {
        out.statement(&m.version_table.purge(d));
    }
    for (unit, prepared) in schedule.units.iter().zip(prepared) {
        write_unit(m, d, &mut out, (unit, prepared), &now)?;
    }
    if schedule.run_transaction {
        out.statement(COMMIT);
    }
    Ok(OfflineScript {
        sql: out.text,
        steps: plan.steps,
    })
}

/// The operation with its range resolved, and the heads it starts from.
fn resolve(
    m: &Migrator<'_>,
    operation: Operation,
    range: &str,
) -> Result<(Operation, Vec<RevisionId>)> {
    match operation {
        Operation::Stamp { targets, purge } => {
            Ok((Operation::Stamp { targets, purge }, Vec::new()))
        }
        Operation::Upgrade(_) | Operation::Downgrade(_) => {
            let (from, to) = split_range(&operation, range)?;
            let current: Vec<RevisionId> = match from.as_deref() {
                None | Some("") | Some("base") => Vec::new(),
                Some(from) => m.scripts.graph.resolve(from)?,
            };
            let operation = match operation {
                Operation::Upgrade(_) => Operation::Upgrade(to),
                _ => Operation::Downgrade(to),
            };
            Ok((operation, current))
        }
    }
}

/// Writes one unit: a comment naming it, its boundaries, its statements and its bookkeeping.
fn write_unit(
    m: &Migrator<'_>,
    d: &dyn Dialect,
    out: &mut ScriptText,
    (unit, prepared): (&Unit<'_>, Option<Vec<Statement>>),
    now: &str,
) -> Result<()> {
    if unit.bookkeeping.kind == HistoryKind::Stamp {
        out.line(&format!("-- Stamping {}\n", unit.step.revision));
    } else {
        out.line(&format!("-- {}\n", m.step_line(unit.step)));
    }
    if unit.scope == Scope::Outside(Why::Declared) {
        out.line("-- transactional = false: runs outside a transaction\n");
    }
    out.boundary(d, unit.before);
    let statements = match (prepared, unit.section) {
        (Some(statements), _) => statements,
        (None, Some(section)) => {
            let statements = m.section_statements(unit.script, section, d.backend(), None, None)?;
            if unit.script.template && unit.transactional() {
                preflight::refuse_transaction_control(unit.script, &statements, d.backend())?;
            }
            statements
        }
        (None, None) => Vec::new(),
    };
    for statement in statements {
        let sql = statement.sql.trim_end();
        if d.client_needs_delimiter() && holds_semicolon(sql, d) {
            out.delimited(sql);
        } else {
            out.statement(sql);
        }
    }
    let record = Record {
        started_at: now,
        duration_ms: 0,
        applied_by: "offline",
    };
    for sql in unit
        .bookkeeping
        .statements(d, &m.version_table, &m.history_table, record)
    {
        out.statement(&sql);
    }
    out.boundary(d, unit.after);
    Ok(())
}

/// Whether `sql` holds a `;` token of its own (not in a string or comment): the lexer kept it
/// together because the `;` is inside a `BEGIN … END` body.
fn holds_semicolon(sql: &str, d: &dyn Dialect) -> bool {
    let dialect = d.sqlparser_dialect();
    crate::scan::scan(sql, dialect.as_ref()).is_ok_and(|tokens| {
        tokens
            .iter()
            .any(|t| t.token == sqlparser::tokenizer::Token::SemiColon)
    })
}

/// The script being written: statements end in `;` and a blank line separates everything.
#[derive(Default)]
struct ScriptText {
    text: String,
}

impl ScriptText {
    fn line(&mut self, line: &str) {
        let _ = writeln!(self.text, "{line}");
    }

    fn statement(&mut self, sql: &str) {
        let _ = writeln!(self.text, "{sql};\n");
    }

    /// A statement with a `;` inside (a `BEGIN … END` body), between `DELIMITER` switches so
    /// that the mysql client sends it whole.
    fn delimited(&mut self, sql: &str) {
        let _ = writeln!(self.text, "DELIMITER $$\n{sql}$$\nDELIMITER ;\n");
    }

    fn boundary(&mut self, d: &dyn Dialect, boundary: Option<Boundary>) {
        match boundary {
            Some(Boundary::Begin) => self.statement(begin_script(d)),
            Some(Boundary::Commit) => self.statement(COMMIT),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests;
