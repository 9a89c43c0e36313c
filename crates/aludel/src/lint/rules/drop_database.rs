//! `drop-database` (error): `DROP DATABASE`.
//!
//! A migration that drops a database deletes everything in it, for every application using
//! it, and cannot be reversed by a downgrade. Do it by hand, deliberately, never in a
//! migration.

use super::{ALL, Action, Known, Level, Message, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "drop-database",
    level: Level::Error,
    hint: "drop databases by hand, never in a migration",
    databases: ALL,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    let Action::DropDatabase { name } = action else {
        return None;
    };
    Some(Message::new(format!("drops database {name}"), None))
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "DROP DATABASE IF EXISTS shop;",
            Backend::MySql,
        ));
    }
}
