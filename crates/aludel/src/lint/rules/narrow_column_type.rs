//! `narrow-column-type` (error): a type change to a known narrower type, on a table that
//! existed before this revision: a `VARCHAR`/`CHAR` length that shrinks, or a smaller integer
//! (`BIGINT` → `INT`).
//!
//! The old type is known when an earlier statement in the linted range stated it (`CREATE
//! TABLE`, `ADD COLUMN`, an earlier type change), or, for autogenerate, from the database.
//! Values that no longer fit make the statement fail (or, in MySQL outside strict mode,
//! truncate silently), after it has locked and started rewriting the table. Safe rewrite:
//! check the data first, or add a new column and backfill it.

use super::{ALL, Action, Known, Level, Message, Spec, TypeChange, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "narrow-column-type",
    level: Level::Error,
    hint: "existing values may not fit; check the data first or add a new column and backfill",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let change = TypeChange::of(action, known).filter(TypeChange::narrows)?;
    let old = change.old?;
    let (table, column, new) = (change.table, change.column, change.new);
    Some(Message {
        lint: format!(
            "narrows column {column} of table {table} from {} to {}",
            old.text, new.text
        ),
        autogenerate: format!(
            "narrowing '{table}.{column}' from {} to {} fails or truncates if longer values exist",
            old.written, new.written
        ),
        lock: lock(
            known,
            "ACCESS EXCLUSIVE on the table, held while every row is checked and the table rewritten",
            "table copy (ALGORITHM=COPY): writes are blocked until the copy is done",
            "",
        ),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users MODIFY age TINYINT;\n\
             ALTER TABLE users MODIFY COLUMN name VARCHAR(100) NOT NULL;\n\
             ALTER TABLE users CHANGE name full_name VARCHAR(20);\n\
             ALTER TABLE users MODIFY full_name VARCHAR(10);\n\
             ALTER TABLE users MODIFY id INT UNSIGNED;",
            Backend::MySql,
        ));
    }
}
