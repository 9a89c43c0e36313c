//! `set-not-null` (error, PostgreSQL): `ALTER COLUMN c SET NOT NULL` on an existing table
//! without a validated `CHECK (c IS NOT NULL)` earlier in the linted revisions.
//!
//! PostgreSQL scans the whole table for NULLs under `ACCESS EXCLUSIVE`. From PostgreSQL 12 a
//! validated check constraint proving the column has no NULL lets it skip the scan. Safe
//! rewrite: `ADD CONSTRAINT c_not_null CHECK (c IS NOT NULL) NOT VALID`, `VALIDATE
//! CONSTRAINT` in a later transaction, then `SET NOT NULL` and drop the check.

use super::{ACCESS_EXCLUSIVE, Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "set-not-null",
    level: Level::Error,
    hint: "ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later transaction, then SET NOT NULL (PostgreSQL 12+) and drop the check",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::SetNotNull { table, column } = action else {
        return None;
    };
    let proven = known.postgres_version() >= 12 && known.proven_not_null(table, column);
    (!known.is_new(table) && !proven).then(|| {
        Message::new(
            format!(
                "sets NOT NULL on column {column} of existing table {table}, scanning every row"
            ),
            lock(known, ACCESS_EXCLUSIVE, "", ""),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_in(
            "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n\
             ALTER TABLE users ADD CONSTRAINT age_nn CHECK (age IS NOT NULL) NOT VALID;\n\
             ALTER TABLE users VALIDATE CONSTRAINT age_nn;\n\
             ALTER TABLE users ALTER COLUMN age SET NOT NULL;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ALTER COLUMN id SET NOT NULL;",
            Backend::Postgres,
            false,
        ));
    }
}
