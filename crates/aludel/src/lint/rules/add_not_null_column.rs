//! `add-not-null-column` (error): `ALTER TABLE … ADD [COLUMN] c T NOT NULL` (or `PRIMARY KEY`)
//! without a `DEFAULT`, identity or serial type, on a table that existed before this revision.
//!
//! Every existing row would need a value the statement does not give, so on a table with rows
//! it fails (PostgreSQL, SQLite) or fills in a zero value silently (MySQL outside strict
//! mode), after taking the table's exclusive lock. Safe rewrite: add the column nullable or
//! with a `DEFAULT`, backfill it, then set `NOT NULL`.

use super::{ACCESS_EXCLUSIVE, ALL, Action, Known, Level, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "add-not-null-column",
    level: Level::Error,
    hint: "add the column nullable or with a DEFAULT, backfill it, then set NOT NULL",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::AddColumn {
        table,
        column,
        not_null_without_default: true,
        ..
    } = action
    else {
        return None;
    };
    (!known.is_new(table)).then(|| Message {
        lint: format!("adds NOT NULL column {column} without a DEFAULT to existing table {table}"),
        autogenerate: format!(
            "adding NOT NULL column '{table}.{column}' without a default fails if the table has rows"
        ),
            lock: lock(known, ACCESS_EXCLUSIVE, "metadata lock on the table; fails in strict mode on a table with rows", ""),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users ADD COLUMN email TEXT NOT NULL;\n\
             ALTER TABLE users ADD COLUMN code INT PRIMARY KEY;\n\
             ALTER TABLE users ADD COLUMN a TEXT NOT NULL DEFAULT '';\n\
             ALTER TABLE users ADD b TEXT;\n\
             ALTER TABLE users ADD c INT NOT NULL GENERATED ALWAYS AS IDENTITY;\n\
             ALTER TABLE users ADD d BIGSERIAL NOT NULL;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ADD COLUMN title TEXT NOT NULL;",
            Backend::Postgres,
        ));
    }
}
