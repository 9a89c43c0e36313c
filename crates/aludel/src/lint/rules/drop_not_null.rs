//! `drop-not-null` (warning, PostgreSQL): `ALTER COLUMN c DROP NOT NULL` on an existing table.
//!
//! It is quick, but code still running against the old schema may assume the column is
//! never NULL and break on the first NULL written by new code. Safe rewrite: make every
//! reader handle NULL first, then drop the constraint in a later release.

use super::{Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "drop-not-null",
    level: Level::Warning,
    hint: "make sure every reader handles NULL before dropping NOT NULL",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::DropNotNull { table, column } = action else {
        return None;
    };
    (!known.is_new(table)).then(|| {
        Message::new(
            format!("drops NOT NULL from column {column} of table {table}"),
            lock(known, "ACCESS EXCLUSIVE on the table, briefly", "", ""),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users ALTER COLUMN name DROP NOT NULL;\n\
             ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x';",
            Backend::Postgres,
        ));
    }
}
