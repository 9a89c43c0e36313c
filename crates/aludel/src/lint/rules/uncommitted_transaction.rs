//! `uncommitted-transaction` (error): a `BEGIN` with no `COMMIT` by the end of a revision
//! with `transactional = false`.
//!
//! The open transaction holds every lock its statements took until the connection closes or
//! the next revision's statements commit it by accident, and a failure rolls back work that
//! looked done. Fix: end the revision with `COMMIT`.

use super::{ALL, Action, Known, Level, Message, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "uncommitted-transaction",
    level: Level::Error,
    hint: "end the transaction with COMMIT before the end of the revision",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    (matches!(action, Action::EndOfRevision) && known.explicit_transaction()).then(|| {
        Message::new(
            "the revision ends inside a transaction it opened and never committed".into(),
            Some("every lock taken since BEGIN stays held".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::findings_in;

    #[test]
    fn findings() {
        insta::assert_snapshot!(findings_in(
            "BEGIN;\nALTER TABLE users ADD COLUMN b INT;",
            Backend::Sqlite,
            false,
        ));
    }

    #[test]
    fn none_when_committed() {
        assert_eq!(
            findings_in("BEGIN;\nSELECT 1;\nCOMMIT;", Backend::Sqlite, false),
            ""
        );
    }

    #[test]
    fn an_anonymous_block_is_not_a_transaction() {
        let block = "BEGIN NOT ATOMIC\n  SELECT 1;\nEND;";
        assert_eq!(findings_in(block, Backend::MySql, false), "");
    }
}
