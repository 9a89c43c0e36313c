//! `add-foreign-key` (error, PostgreSQL): a foreign key added to an existing table
//! (`ADD [CONSTRAINT c] FOREIGN KEY`, or `ADD COLUMN … REFERENCES`) without `NOT VALID`.
//!
//! PostgreSQL checks every existing row while it holds `SHARE ROW EXCLUSIVE` on both the
//! table and the referenced table: writes to both wait for the whole scan. With `NOT VALID`
//! the constraint applies to new rows at once, and `VALIDATE CONSTRAINT` later scans under a
//! lock that lets writes go on. (MySQL's table copy for a foreign key is `table-copy`'s.)

use super::{Action, ConstraintKind, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "add-foreign-key",
    level: Level::Error,
    hint: "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later transaction",
    databases: PG,
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
    fn on_mysql_it_is_a_table_copy() {
        let out = findings(SQL, Backend::MySql);
        assert!(!out.contains("add-foreign-key"), "{out}");
        assert!(
            out.contains("1: warning[table-copy]: ALTER TABLE users adds a foreign key"),
            "{out}"
        );
    }
}
