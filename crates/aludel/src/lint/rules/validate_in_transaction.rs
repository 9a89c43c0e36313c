//! `validate-in-transaction` (warning, PostgreSQL): `VALIDATE CONSTRAINT` in the same
//! transaction as the `ADD CONSTRAINT … NOT VALID` it validates.
//!
//! The `ADD` took `ACCESS EXCLUSIVE` (a check) or `SHARE ROW EXCLUSIVE` (a foreign key), and
//! a transaction keeps its locks until it ends: the validation's scan then runs under that
//! lock, which is what `NOT VALID` was meant to avoid. Safe rewrite: validate in a later
//! revision, or in a revision with `transactional = false`.

use super::{Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "validate-in-transaction",
    level: Level::Warning,
    hint: "validate in a later revision (or one with `transactional = false`), so the ADD's lock is released first",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::ValidateConstraint { table, name } = action else {
        return None;
    };
    known.added_not_valid(name).then(|| {
        Message::new(
            format!("validates {name} of table {table} in the transaction that added it NOT VALID"),
            lock(
                known,
                "the lock the ADD took is still held: the scan runs while writes wait",
                "",
                "",
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::{findings, findings_in};

    const SQL: &str = "ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0) NOT VALID;\n\
         ALTER TABLE users VALIDATE CONSTRAINT age_positive;";

    #[test]
    fn findings_in_a_transaction() {
        insta::assert_snapshot!(findings(SQL, Backend::Postgres));
    }

    #[test]
    fn none_when_each_statement_commits() {
        assert!(!findings_in(SQL, Backend::Postgres, false).contains("validate-in-transaction"));
    }
}
