//! `add-foreign-key` (error, PostgreSQL and MySQL): a foreign key added to an existing table
//! (`ADD [CONSTRAINT c] FOREIGN KEY`, or `ADD COLUMN … REFERENCES`) without `NOT VALID`.
//!
//! PostgreSQL checks every existing row while it holds `SHARE ROW EXCLUSIVE` on both the
//! table and the referenced table: writes to both wait for the whole scan. With `NOT VALID`
//! the constraint applies to new rows at once, and `VALIDATE CONSTRAINT` later scans under a
//! lock that lets writes go on. MySQL adds a foreign key by copying the table unless
//! `foreign_key_checks` is off.

use super::{Action, ConstraintKind, Known, Level, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "add-foreign-key",
    level: Level::Error,
    hint: "PostgreSQL: ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later transaction; MySQL: SET foreign_key_checks = 0 around it so it runs INPLACE",
    databases: &["postgresql", "mysql"],
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::AddConstraint {
        table,
        kind: ConstraintKind::ForeignKey,
        not_valid: false,
        ..
    } = action
    else {
        return None;
    };
    (!known.is_new(table)).then(|| {
        Message::new(
            format!("adds a foreign key to existing table {table} and checks every row"),
            lock(
                known,
                "SHARE ROW EXCLUSIVE on the table and the referenced table: blocks writes to both while every row is checked",
                "table copy (ALGORITHM=COPY) while foreign_key_checks is on: writes are blocked until it ends",
                "",
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::findings;

    const SQL: &str = "ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org) REFERENCES orgs (id);\n\
         ALTER TABLE users ADD COLUMN team INT REFERENCES teams (id);\n\
         ALTER TABLE users ADD CONSTRAINT users_owner FOREIGN KEY (owner) REFERENCES users (id) NOT VALID;\n\
         CREATE TABLE posts (id INT, author INT);\n\
         ALTER TABLE posts ADD FOREIGN KEY (author) REFERENCES users (id);";

    #[test]
    fn findings_on_postgres() {
        insta::assert_snapshot!(findings(SQL, Backend::Postgres));
    }

    #[test]
    fn findings_on_mysql() {
        insta::assert_snapshot!(findings(SQL, Backend::MySql));
    }
}
