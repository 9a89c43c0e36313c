//! `prefer-timestamptz` (warning, PostgreSQL): a `timestamp` column without time zone.
//!
//! A `timestamp` stores the wall-clock time written, without saying in which zone: the same
//! instant written from two sessions with different `TimeZone` settings differs. Use
//! `timestamptz`, which stores the instant.

use super::{Action, Known, Level, Message, PG, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "prefer-timestamptz",
    level: Level::Warning,
    hint: "use timestamptz (timestamp with time zone)",
    databases: PG,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    let Action::DeclareColumn {
        table, column, ty, ..
    } = action
    else {
        return None;
    };
    matches!(
        ty.base.as_str(),
        "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE"
    )
    .then(|| {
        Message::new(
            format!(
                "column {column} of table {table} is {}, without time zone",
                ty.text
            ),
            None,
        )
    })
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
