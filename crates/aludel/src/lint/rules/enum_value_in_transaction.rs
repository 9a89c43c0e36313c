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
    use super::super::snapshot::rules_on_postgres;

    const SQL: &str = "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';";

    #[test]
    fn fires_in_a_transaction_before_12_only() {
        assert_eq!(
            rules_on_postgres(SQL, 11, true),
            ["enum-value-in-transaction"]
        );
        assert!(rules_on_postgres(SQL, 11, false).is_empty());
        assert!(rules_on_postgres(SQL, 12, true).is_empty());
    }
}
