//! `add-column-rewrite` (error, PostgreSQL): `ALTER TABLE … ADD COLUMN` on an existing table
//! whose value PostgreSQL must write into every row: a volatile default (`random()`,
//! `gen_random_uuid()`, `clock_timestamp()`, a `serial` type's `nextval`), a `STORED`
//! generated column, or, before PostgreSQL 11 (`[lint] postgres_version`), any default.
//!
//! The table and its indexes are rewritten under `ACCESS EXCLUSIVE`: nothing reads or writes
//! the table until the rewrite ends. A constant default is stored once in the catalog from
//! PostgreSQL 11 on and costs nothing. Safe rewrite: add the column without the default (or
//! with a constant one), set the default for new rows, backfill existing rows in batches.

use super::{ACCESS_EXCLUSIVE, Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "add-column-rewrite",
    level: Level::Error,
    hint: "add the column without a default (or with a constant one), then SET DEFAULT and backfill existing rows in batches",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::AddColumn {
        table,
        column,
        facts,
        ..
    } = action
    else {
        return None;
    };
    let why = if facts.stored_generated {
        "a STORED generated column"
    } else if facts.volatile_default {
        "a volatile default"
    } else if facts.has_default && known.postgres_version() < 11 {
        "a default (before PostgreSQL 11)"
    } else {
        return None;
    };
    (!known.is_new(table)).then(|| {
        Message::new(
            format!(
                "adds column {column} with {why} to existing table {table}: every row is rewritten"
            ),
            lock(known, ACCESS_EXCLUSIVE, "", ""),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TABLE users ADD COLUMN token UUID DEFAULT gen_random_uuid();\n\
             ALTER TABLE users ADD COLUMN seen TIMESTAMPTZ DEFAULT clock_timestamp();\n\
             ALTER TABLE users ADD COLUMN n BIGSERIAL;\n\
             ALTER TABLE users ADD COLUMN total INT GENERATED ALWAYS AS (age * 2) STORED;\n\
             ALTER TABLE users ADD COLUMN created TIMESTAMPTZ DEFAULT now();\n\
             ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT true;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ADD COLUMN token UUID DEFAULT gen_random_uuid();",
            Backend::Postgres,
        ));
    }
}
