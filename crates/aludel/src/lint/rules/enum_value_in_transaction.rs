//! `enum-value-in-transaction` (error, PostgreSQL before 12): `ALTER TYPE … ADD VALUE` in a
//! revision that runs inside a transaction, when `[lint] postgres_version` is below 12.
//!
//! PostgreSQL 11 and older refuse `ADD VALUE` inside a transaction block, so the migration
//! fails. Fix: `transactional = false` for the revision, or PostgreSQL 12+.

use super::{Action, Known, Level, Message, PG, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "enum-value-in-transaction",
    level: Level::Error,
    hint: "put ALTER TYPE … ADD VALUE in a revision with `transactional = false`",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::AddEnumValue { ty, .. } = action else {
        return None;
    };
    (known.postgres_version() < 12 && known.in_transaction()).then(|| {
        Message::new(
            format!(
                "adds a value to enum {ty} inside a transaction, which PostgreSQL before 12 refuses"
            ),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::{findings, findings_in};

    #[test]
    fn findings_before_12() {
        insta::assert_snapshot!(findings(
            "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';",
            Backend::Postgres,
        ));
        assert_eq!(
            findings_in("ALTER TYPE mood ADD VALUE 'meh';", Backend::Postgres, false),
            ""
        );
    }
}
