//! `concurrent-in-transaction` (error, PostgreSQL): `CREATE INDEX CONCURRENTLY`, `DROP INDEX
//! CONCURRENTLY`, `REINDEX … CONCURRENTLY` or `DETACH PARTITION … CONCURRENTLY` in a revision
//! that runs inside a transaction (every revision without `transactional = false`, or after
//! an explicit `BEGIN`).
//!
//! PostgreSQL refuses these inside a transaction block, so the migration fails. Fix: set
//! `transactional = false` in the revision's header (aludel then runs each statement on its
//! own), keeping the concurrent statements apart from the others.

use super::{Action, Known, Level, Message, PG, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "concurrent-in-transaction",
    level: Level::Error,
    hint: "put the statement in a revision with `-- transactional = false`",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let what = match action {
        Action::CreateIndex {
            concurrently: true, ..
        } => "CREATE INDEX CONCURRENTLY",
        Action::DropIndex {
            concurrently: true, ..
        } => "DROP INDEX CONCURRENTLY",
        Action::Reindex { concurrently: true } => "REINDEX CONCURRENTLY",
        Action::DetachPartition {
            concurrently: true, ..
        } => "DETACH PARTITION CONCURRENTLY",
        _ => return None,
    };
    known.in_transaction().then(|| {
        Message::new(
            format!("{what} cannot run inside a transaction: the migration fails"),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::{findings, findings_in};

    const SQL: &str = "CREATE INDEX CONCURRENTLY users_name ON users (name);\n\
         DROP INDEX CONCURRENTLY users_age;\n\
         REINDEX INDEX CONCURRENTLY users_name;";

    #[test]
    fn findings_in_a_transaction() {
        insta::assert_snapshot!(findings(SQL, Backend::Postgres));
    }

    #[test]
    fn none_outside_one_and_after_begin_again() {
        assert!(!findings_in(SQL, Backend::Postgres, false).contains("concurrent-in-transaction"));
        let after_begin = findings_in(
            "BEGIN;\nCREATE INDEX CONCURRENTLY users_name ON users (name);\nCOMMIT;",
            Backend::Postgres,
            false,
        );
        assert!(
            after_begin.contains("2: error[concurrent-in-transaction]"),
            "{after_begin}"
        );
    }
}
