//! `truncate-cascade` (error, PostgreSQL): `TRUNCATE … CASCADE`.
//!
//! `CASCADE` also empties every table with a foreign key to the truncated one, and the
//! tables referencing those, whichever they are at the time the migration runs. Safe
//! rewrite: name every table to truncate.

use super::{ACCESS_EXCLUSIVE, Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "truncate-cascade",
    level: Level::Error,
    hint: "list the tables to truncate instead of CASCADE",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::Truncate { cascade: true } = action else {
        return None;
    };
    Some(Message::new(
        "TRUNCATE … CASCADE also empties every table that references it".into(),
        lock(known, ACCESS_EXCLUSIVE, "", ""),
    ))
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "TRUNCATE users CASCADE;\nTRUNCATE TABLE users;",
            Backend::Postgres,
        ));
    }
}
