//! `alter-needs-rebuild` (error, SQLite): an `ALTER TABLE` SQLite has no in-place form for:
//! `ALTER COLUMN`, `ADD`/`DROP CONSTRAINT`, `MODIFY`, or an `ADD COLUMN` that is `PRIMARY
//! KEY` or `UNIQUE`, has a non-constant default (`CURRENT_TIMESTAMP`, an expression) or is a
//! `STORED` generated column.
//!
//! SQLite refuses these, so the migration fails. Safe rewrite: the table rebuild SQLite's
//! documentation prescribes (create the new table, copy the rows, drop the old one, rename
//! the new one, re-create its indexes, triggers and views), which `revision --autogenerate`
//! writes for you.

use super::{Action, Known, Level, Message, SQLITE, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "alter-needs-rebuild",
    level: Level::Error,
    hint: "rebuild the table (create the new one, copy rows, drop the old, rename), as autogenerate writes it",
    databases: SQLITE,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let (table, what) = match action {
        Action::AlterInPlace { table, what } => (table, what.clone()),
        Action::AddColumn {
            table,
            column,
            facts,
            ..
        } => {
            let why = if facts.primary_key || facts.unique {
                "a PRIMARY KEY or UNIQUE column"
            } else if facts.expression_default {
                "a column with a non-constant default"
            } else if facts.stored_generated {
                "a STORED generated column"
            } else {
                return None;
            };
            (table, format!("ADD COLUMN {column} ({why})"))
        }
        _ => return None,
    };
    Some(Message::new(
        format!("SQLite cannot {what} on table {table} in place: the statement fails"),
        lock(
            known,
            "",
            "",
            "needs a table rebuild, which holds the database's write lock while it copies",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n\
             ALTER TABLE users ADD CONSTRAINT u UNIQUE (name);\n\
             ALTER TABLE users ADD COLUMN code INT UNIQUE;\n\
             ALTER TABLE users ADD COLUMN seen TEXT DEFAULT CURRENT_TIMESTAMP;\n\
             ALTER TABLE users ADD COLUMN note TEXT DEFAULT 'x';",
            Backend::Sqlite,
        ));
    }
}
