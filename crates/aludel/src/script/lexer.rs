//! Splits a section into statements with a real lexer.

use crate::Result;
use crate::config::Backend;

/// One statement of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's text, without the terminating `;`.
    pub sql: String,
    /// The 1-based file line where it starts.
    pub line: usize,
    /// Marked `-- migrate:batch`: re-run, each run in its own transaction, until it changes no
    /// row.
    pub batch: bool,
}

/// Splits `sql`, whose first line is file line `first_line`, into statements for `backend`.
pub fn split_statements(sql: &str, first_line: usize, backend: Backend) -> Result<Vec<Statement>> {
    let _ = (sql, first_line, backend);
    todo!()
}
