//! `rename-column` (warning): `RENAME COLUMN`, PostgreSQL's `RENAME a TO b`, or MySQL's `CHANGE
//! old new …`, on a table that existed before this revision.
//!
//! The rename is a quick catalog change, but code still deployed reads and writes the old name
//! and fails from then on. Safe rewrite: add the new column, migrate readers and writers, then
//! remove the old one.

use super::{ALL, Action, Known, Level, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "rename-column",
    level: Level::Warning,
    hint: "running code still uses the old name; add the new name, migrate readers and writers, then remove the old one",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::RenameColumn { table, from, to } = action else {
        return None;
    };
    (!known.is_new(table)).then(|| Message {
        lint: format!("renames column {from} of table {table} to {to}"),
        autogenerate: format!(
            "renaming '{table}.{from}' to '{to}' breaks code that still uses the old name"
        ),
            lock: lock(known, "ACCESS EXCLUSIVE on the table, briefly: waits behind every running query on it, and everything queues behind it", "exclusive metadata lock, briefly", ""),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users RENAME COLUMN name TO full_name;\n\
             ALTER TABLE users RENAME age TO years;\n\
             ALTER TABLE users RENAME CONSTRAINT a TO b;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts RENAME COLUMN id TO post_id;",
            Backend::Postgres,
        ));
    }
}
