//! `prefer-text` (warning, PostgreSQL): a `varchar(n)` column.
//!
//! The length limit is stored in the type: raising it later is cheap, but lowering it (or
//! changing it on older versions) rewrites the table under `ACCESS EXCLUSIVE`. `text` with a
//! `CHECK (length(c) <= n)` limits the length and can be changed with `NOT VALID`.

use super::{Action, Known, Level, Message, PG, Spec, declared_type};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "prefer-text",
    level: Level::Warning,
    hint: "use text with a CHECK on its length, which can change without a table rewrite",
    databases: PG,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    declared_type(
        action,
        |ty| {
            matches!(
                ty.base.as_str(),
                "VARCHAR" | "CHARACTER VARYING" | "CHAR VARYING"
            ) && !ty.args.is_empty()
        },
        "",
    )
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_all(
            "CREATE TABLE t (a VARCHAR(10), b character varying(20), c VARCHAR, d TEXT);",
            Backend::Postgres,
        ));
    }
}
