//! `change-column-type` (warning): a column type change (`ALTER COLUMN … [SET DATA] TYPE`,
//! MySQL's `MODIFY` / `CHANGE`) that is not known to narrow the column, on a table that existed
//! before this revision.
//!
//! Most type changes rewrite the table under an exclusive lock (PostgreSQL's `ACCESS
//! EXCLUSIVE`, a MySQL table copy), blocking reads and writes while it runs, and code reading
//! the column may not expect the new type. Known narrowing is [`narrow-column-type`]'s; a
//! change whose old type is unknown is reported here without it. Safe rewrite: add a new
//! column, backfill it, and move readers over.
//!
//! [`narrow-column-type`]: super::narrow_column_type

use super::{ALL, Action, Known, Level, Message, Spec, TypeChange, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "change-column-type",
    level: Level::Warning,
    hint: "a type change may rewrite or lock the table and break code that reads the column; consider a new column and a backfill",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    // Appending ENUM/SET members changes only the catalog.
    let change = TypeChange::of(action, known).filter(|c| !c.narrows() && !c.appends_members())?;
    let widens = change.widens();
    let TypeChange {
        table,
        column,
        old,
        new,
    } = change;
    Some(match old {
        // Widening keeps every value, so autogenerate says only what it costs.
        Some(old) if widens => Message {
            lint: format!(
                "changes the type of column {column} of table {table} from {} to {}",
                old.text, new.text
            ),
            autogenerate: format!(
                "widening '{table}.{column}' from {} to {} locks the table while it changes, and may rewrite it",
                old.written, new.written
            ),
            lock: lock(
                known,
                "ACCESS EXCLUSIVE on the table, held while the table and its indexes are rewritten: blocks every read and write",
                "table copy (ALGORITHM=COPY): writes are blocked until the copy is done",
                "",
            ),
        },
        Some(old) => Message {
            lint: format!(
                "changes the type of column {column} of table {table} from {} to {}",
                old.text, new.text
            ),
            autogenerate: format!(
                "changing the type of '{table}.{column}' from {} to {} may fail or lose data, and rewrites the table",
                old.written, new.written
            ),
            lock: lock(
                known,
                "ACCESS EXCLUSIVE on the table, held while the table and its indexes are rewritten: blocks every read and write",
                "table copy (ALGORITHM=COPY): writes are blocked until the copy is done",
                "",
            ),
        },
        None => Message {
            lint: format!(
                "changes the type of column {column} of table {table} to {}",
                new.text
            ),
            autogenerate: format!(
                "changing the type of '{table}.{column}' to {} may fail or lose data, and rewrites the table",
                new.written
            ),
            lock: lock(
                known,
                "ACCESS EXCLUSIVE on the table, held while the table and its indexes are rewritten: blocks every read and write",
                "table copy (ALGORITHM=COPY): writes are blocked until the copy is done",
                "",
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users ALTER COLUMN name SET DATA TYPE VARCHAR(200);\n\
             ALTER TABLE users ALTER COLUMN nick TYPE TEXT USING nick::text;\n\
             ALTER TABLE users ALTER COLUMN age TYPE BIGINT;\n\
             ALTER TABLE users ALTER COLUMN age TYPE bigint;\n\
             ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(50);\n\
             ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(300);\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ALTER COLUMN id TYPE TEXT;",
            Backend::Postgres,
        ));
    }
}
