//! `prefer-timestamptz` (warning, PostgreSQL): a `timestamp` column without time zone.
//!
//! A `timestamp` stores the wall-clock time written, without saying in which zone: the same
//! instant written from two sessions with different `TimeZone` settings differs. Use
//! `timestamptz`, which stores the instant.

use super::{Action, Known, Level, Message, PG, Spec, declared_type};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "prefer-timestamptz",
    level: Level::Warning,
    hint: "use timestamptz (timestamp with time zone)",
    databases: PG,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    declared_type(
        action,
        |ty| {
            matches!(
                ty.base.as_str(),
                "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE"
            )
        },
        ", without time zone",
    )
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_all(
            "CREATE TABLE t (a TIMESTAMP, b timestamp(3) without time zone, c TIMESTAMPTZ, d TIMESTAMP WITH TIME ZONE);",
            Backend::Postgres,
        ));
    }
}
