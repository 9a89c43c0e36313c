//! `char-type` (warning, PostgreSQL): a `char(n)` / `character(n)` column.
//!
//! `char(n)` pads every value with spaces to `n`, compares ignoring them, and is no faster
//! than `text` or `varchar` in PostgreSQL. Use `text` (with a `CHECK` on its length if the
//! length matters).

use super::{Action, Known, Level, Message, PG, Spec, declared_type};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "char-type",
    level: Level::Warning,
    hint: "use text (or varchar) instead of char(n)",
    databases: PG,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    declared_type(
        action,
        |ty| matches!(ty.base.as_str(), "CHAR" | "CHARACTER" | "NCHAR" | "BPCHAR"),
        ", which pads values with spaces",
    )
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_all(
            "CREATE TABLE codes (a CHAR(2), b CHARACTER(3), c CHARACTER VARYING(4), d TEXT);\n\
             ALTER TABLE users ADD COLUMN country char(2);",
            Backend::Postgres,
        ));
    }
}
