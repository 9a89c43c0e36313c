//! `add-unique-constraint` (error, PostgreSQL): `ADD [CONSTRAINT c] UNIQUE (…)` or `PRIMARY
//! KEY (…)` on an existing table, without `USING INDEX`.
//!
//! The constraint's index is built while the statement holds `ACCESS EXCLUSIVE`: nothing
//! reads or writes the table until the build ends. Safe rewrite: `CREATE UNIQUE INDEX
//! CONCURRENTLY` first (in a revision with `transactional = false`), then `ADD CONSTRAINT c
//! UNIQUE USING INDEX i`, which only takes the lock briefly.

use super::{ACCESS_EXCLUSIVE, Action, ConstraintKind, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "add-unique-constraint",
    level: Level::Error,
    hint: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE (or PRIMARY KEY) USING INDEX",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::AddConstraint {
        table,
        kind: kind @ (ConstraintKind::Unique | ConstraintKind::PrimaryKey),
        using_index: false,
        ..
    } = action
    else {
        return None;
    };
    let what = match kind {
        ConstraintKind::Unique => "a unique constraint",
        _ => "a primary key",
    };
    (!known.is_new(table)).then(|| {
        Message::new(
            format!(
                "adds {what} to existing table {table}, building its index under the table's lock"
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
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users ADD CONSTRAINT users_name UNIQUE (name);\n\
             ALTER TABLE users ADD PRIMARY KEY (id);\n\
             ALTER TABLE users ADD CONSTRAINT users_age UNIQUE USING INDEX users_age_idx;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ADD PRIMARY KEY (id);",
            Backend::Postgres,
        ));
    }
}
