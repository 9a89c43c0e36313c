//! `nested-transaction` (error, PostgreSQL and SQLite): `BEGIN`, `COMMIT` or `ROLLBACK` in a
//! revision aludel already runs inside a transaction.
//!
//! aludel opens the revision's transaction and records the version inside it. A `COMMIT`
//! in the section ends that transaction early, so a later failure leaves the schema changed
//! but the version table behind; a `BEGIN` is refused (SQLite) or only warned about
//! (PostgreSQL). Fix: drop the statement, or set `transactional = false` and manage the
//! transaction yourself.

use super::{Action, Known, Level, Message, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "nested-transaction",
    level: Level::Error,
    hint: "remove BEGIN/COMMIT: aludel runs the revision in a transaction (or set `transactional = false`)",
    databases: &["postgresql", "sqlite"],
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let what = match action {
        Action::Begin => "opens a transaction",
        Action::Commit => "ends the transaction",
        _ => return None,
    };
    known.transactional().then(|| {
        Message::new(
            format!("{what} inside the one aludel runs the revision in"),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::{findings, findings_in};

    #[test]
    fn findings_in_a_transaction() {
        insta::assert_snapshot!(findings("BEGIN;\nSELECT 1;\nCOMMIT;", Backend::Postgres));
    }

    #[test]
    fn none_when_the_revision_is_not_transactional() {
        assert_eq!(
            findings_in("BEGIN;\nSELECT 1;\nCOMMIT;", Backend::Postgres, false),
            ""
        );
    }
}
