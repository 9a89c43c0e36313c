//! Rendering changes as a migration's SQL. The SQL of each database is its dialect's
//! ([`Dialect::render`](crate::dialect::Dialect::render)); this module picks the dialect and
//! lays the statements out as a script.

use crate::config::Backend;
use crate::dialect::dialect_for;
use crate::schema::{Change, Schema};

/// The statements (without terminating `;`) that carry out `changes` on `backend`, turning
/// `from` into `to`.
pub fn render(changes: &[Change], from: &Schema, to: &Schema, backend: Backend) -> Vec<String> {
    dialect_for(backend).render(changes, from, to)
}

/// The changes that undo `changes`: each reversed, in reverse order.
pub fn reversed(changes: &[Change]) -> Vec<Change> {
    changes.iter().rev().map(Change::reverse).collect()
}

/// Statements as a script: each ends with `;` and a blank line separates them.
pub fn script(statements: &[String]) -> String {
    statements
        .iter()
        .map(|s| format!("{s};\n"))
        .collect::<Vec<_>>()
        .join("\n")
}
