//! `prefer-bigint` (warning, PostgreSQL): an `int`, `integer`, `smallint`, `serial` or
//! `smallserial` column.
//!
//! A 32-bit (or 16-bit) counter runs out on a busy table, and widening it later rewrites the
//! table under `ACCESS EXCLUSIVE`. `bigint` costs four more bytes a row. Use `bigint` (or
//! `bigint GENERATED … AS IDENTITY`).

use super::{Action, Known, Level, Message, PG, Spec, declared_type};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "prefer-bigint",
    level: Level::Warning,
    hint: "use bigint: widening a full int column later rewrites the table",
    databases: PG,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    declared_type(
        action,
        |ty| {
            matches!(
                ty.base.as_str(),
                "INT"
                    | "INTEGER"
                    | "INT4"
                    | "SMALLINT"
                    | "INT2"
                    | "SERIAL"
                    | "SERIAL4"
                    | "SMALLSERIAL"
                    | "SERIAL2"
            )
        },
        ", which may run out",
    )
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_all(
            "CREATE TABLE t (a INT, b integer, c SMALLINT, d SERIAL, e BIGINT, f BIGSERIAL);",
            Backend::Postgres,
        ));
    }
}
