//! `inline-references` (warning, MySQL/MariaDB): a column-level `REFERENCES t (c)` in
//! `CREATE TABLE` or `ADD COLUMN`.
//!
//! MySQL before 9.0 parses an inline `REFERENCES` and ignores it: no foreign key is
//! created, and nothing says so (MariaDB 10.5+ and MySQL 9.0+ honour it). Write the foreign
//! key as a table constraint: `FOREIGN KEY (c) REFERENCES t (id)`.

use super::{Action, Known, Level, MYSQL, Message, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "inline-references",
    level: Level::Warning,
    hint: "write the foreign key as a table constraint: FOREIGN KEY (col) REFERENCES t (id)",
    databases: MYSQL,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    let Action::DeclareColumn {
        table,
        column,
        facts,
        ..
    } = action
    else {
        return None;
    };
    facts.references.then(|| {
        Message::new(
            format!("column {column} of table {table} has an inline REFERENCES, which MySQL before 9.0 ignores"),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "CREATE TABLE posts (id INT, author INT REFERENCES users (id), FOREIGN KEY (id) REFERENCES users (id));",
            Backend::MySql,
        ));
    }
}
