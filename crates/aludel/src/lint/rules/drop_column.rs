//! `drop-column` (warning): `ALTER TABLE … DROP [COLUMN]` on a table that existed before this
//! revision.
//!
//! The drop itself is quick (PostgreSQL only marks the column dropped under a brief `ACCESS
//! EXCLUSIVE` lock; MySQL may rebuild the table online), but code still deployed that reads
//! or writes the column fails, and the values are gone. Safe rewrite: deploy code that no
//! longer uses the column first, then drop it in a later release.

use super::{ACCESS_EXCLUSIVE, ALL, Action, Known, Level, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "drop-column",
    level: Level::Warning,
    hint: "deploy code that no longer uses it first, then drop it in a later release",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::DropColumn { table, column } = action else {
        return None;
    };
    (!known.is_new(table)).then(|| Message {
        lint: format!("drops column {column} of table {table}"),
        autogenerate: format!("dropping column '{table}.{column}' deletes its data"),
            lock: lock(known, ACCESS_EXCLUSIVE, "rebuilds the table (INPLACE; INSTANT from MySQL 8.0.29): writes wait on the metadata lock at its start and end", "SQLite rewrites the table and fails if an index, view or trigger uses the column"),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users DROP COLUMN age;\n\
             ALTER TABLE users DROP name, DROP CONSTRAINT users_pk, DROP INDEX users_name;\n\
             CREATE TABLE posts (id INT, body TEXT);\n\
             ALTER TABLE posts DROP COLUMN body;",
            Backend::MySql,
        ));
    }
}
