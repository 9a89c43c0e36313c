//! `identifier-too-long` (error, PostgreSQL and MySQL): a new table, column, index or
//! constraint name longer than the database keeps (PostgreSQL: 63 bytes, which it silently
//! truncates; MySQL: 64 characters, which it refuses).
//!
//! On PostgreSQL the object gets a different name than the migration says, so later
//! statements and autogenerate's comparison miss it. Use a shorter name.

use super::{Action, Known, Level, Message, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "identifier-too-long",
    level: Level::Error,
    hint: "use a name of at most 63 bytes (PostgreSQL) or 64 characters (MySQL)",
    databases: &["postgresql", "mysql"],
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::Name { name } = action else {
        return None;
    };
    let (length, limit, what) = known.dialect().identifier_length(name)?;
    (length > limit).then(|| {
        Message::new(
            format!("the name {name} is {length} {what} long; the limit is {limit}"),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        let long = "a".repeat(64);
        insta::assert_snapshot!(super::super::snapshot::findings(
            &format!(
                "CREATE TABLE {long} (id INT);\nCREATE INDEX {long}_i ON users (id);\nCREATE TABLE short (x INT);"
            ),
            Backend::Postgres,
        ));
    }
}
