//! `rebuild-not-null` (error, SQLite): a table rebuild (new table created, rows copied, old
//! table dropped, new one renamed to the old name) in which a column the old table declared
//! nullable is NOT NULL without a default in the new one.
//!
//! The rebuild's `INSERT INTO new SELECT … FROM old` copies the old rows as they are: the
//! first row holding NULL in that column fails the NOT NULL constraint and the migration
//! stops. (`ALTER TABLE … ADD COLUMN … NOT NULL` without a default on an existing table is
//! `add-not-null-column`.) Safe form: give the column a `DEFAULT`, or copy it with
//! `coalesce(column, value)` after an `UPDATE` that fills the NULLs.

use super::{Action, Known, Level, Message, SQLITE, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "rebuild-not-null",
    level: Level::Error,
    hint: "give the column a DEFAULT, or fill its NULLs (UPDATE … or coalesce() in the copy) first",
    databases: SQLITE,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::RenameTable { from, to } = action else {
        return None;
    };
    if !known.dropped_existing(to) {
        return None;
    }
    let columns: Vec<&str> = known
        .required_columns(from)
        .into_iter()
        .filter(|column| known.declared_nullable(to, column))
        .collect();
    (!columns.is_empty()).then(|| {
        Message::new(
            format!(
                "rebuilds {to} with nullable column(s) {} made NOT NULL without a default: copying a row holding NULL fails",
                columns.join(", ")
            ),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    const REBUILD: &str = "CREATE TABLE users_new (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, age SMALLINT NOT NULL, email TEXT NOT NULL DEFAULT '');\n\
         INSERT INTO users_new (id, name, age) SELECT id, name, age FROM users;\n\
         DROP TABLE users;\n\
         ALTER TABLE users_new RENAME TO users;";

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_after(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100), age SMALLINT, email TEXT)",
            REBUILD,
            Backend::Sqlite,
        ));
    }

    #[test]
    fn none_when_the_columns_were_already_not_null() {
        let out = super::super::snapshot::findings_after(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, age SMALLINT NOT NULL, email TEXT)",
            REBUILD,
            Backend::Sqlite,
        );
        assert!(!out.contains("rebuild-not-null"), "{out}");
    }
}
