//! `add-check-constraint` (error, PostgreSQL): `ADD [CONSTRAINT c] CHECK (…)` on an
//! existing table without `NOT VALID`.
//!
//! PostgreSQL scans the whole table under `ACCESS EXCLUSIVE`, so nothing reads or writes it
//! until every row is checked (MySQL's table copy for a check is `table-copy`'s). Safe rewrite on PostgreSQL: add it
//! `NOT VALID` (new rows are checked at once), then `VALIDATE CONSTRAINT` in a later
//! transaction, which scans under `SHARE UPDATE EXCLUSIVE` and lets reads and writes go on.

use super::{ACCESS_EXCLUSIVE, Action, ConstraintKind, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "add-check-constraint",
    level: Level::Error,
    hint: "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later transaction",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::AddConstraint {
        table,
        kind: ConstraintKind::Check,
        not_valid: false,
        ..
    } = action
    else {
        return None;
    };
    (!known.is_new(table)).then(|| {
        Message::new(
            format!("adds a check constraint to existing table {table} and checks every row"),
            lock(
                known,
                ACCESS_EXCLUSIVE,
                "table copy (ALGORITHM=COPY): writes are blocked until it ends",
                "",
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);\n\
             ALTER TABLE users ADD CONSTRAINT name_set CHECK (name IS NOT NULL) NOT VALID;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ADD CHECK (id > 0);",
            Backend::Postgres,
        ));
    }
}
