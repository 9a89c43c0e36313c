//! `rebuild-foreign-keys` (warning, SQLite): a table rebuild (a table dropped and another
//! renamed to its name in the same revision) with no `PRAGMA foreign_key_check` after it,
//! or `PRAGMA foreign_keys = …` in a revision that runs in a transaction.
//!
//! aludel runs SQLite migrations with foreign keys off, as SQLite's rebuild procedure asks,
//! so rows copied into the new table are not checked against its foreign keys, nor rows of
//! other tables against the rebuilt one; `PRAGMA foreign_keys` inside a transaction does
//! nothing. Safe rewrite: end the rebuild with `PRAGMA foreign_key_check;` (it returns the
//! violating rows), and leave `foreign_keys` alone.

use super::{Action, Known, Level, Message, SQLITE, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "rebuild-foreign-keys",
    level: Level::Warning,
    hint: "end the rebuild with PRAGMA foreign_key_check; and check it returns no row",
    databases: SQLITE,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    match action {
        Action::Pragma { name } if name == "foreign_keys" && known.in_transaction() => {
            Some(Message::new(
                "PRAGMA foreign_keys has no effect inside the revision's transaction".into(),
                None,
            ))
        }
        Action::EndOfRevision if !known.rebuilt().is_empty() && !known.foreign_keys_checked() => {
            Some(Message::new(
                format!(
                    "rebuilds {} with foreign keys off and no PRAGMA foreign_key_check after it",
                    known.rebuilt().join(", ")
                ),
                None,
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::findings;

    const REBUILD: &str = "CREATE TABLE _new_users (id INT PRIMARY KEY, name TEXT);\n\
         INSERT INTO _new_users SELECT id, name FROM users;\n\
         DROP TABLE users;\n\
         ALTER TABLE _new_users RENAME TO users;";

    #[test]
    fn findings_without_a_check() {
        insta::assert_snapshot!(findings(
            &format!("PRAGMA foreign_keys = OFF;\n{REBUILD}"),
            Backend::Sqlite
        ));
    }

    #[test]
    fn none_with_a_check() {
        let out = findings(
            &format!("{REBUILD}\nPRAGMA foreign_key_check;"),
            Backend::Sqlite,
        );
        assert!(!out.contains("rebuild-foreign-keys"), "{out}");
    }
}
