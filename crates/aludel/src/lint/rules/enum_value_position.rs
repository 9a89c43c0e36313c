//! `enum-value-position` (warning, PostgreSQL): `ALTER TYPE … ADD VALUE` without `BEFORE` or
//! `AFTER`.
//!
//! Without a position PostgreSQL puts the new label last, and an enum sorts by label position,
//! not by text: `ORDER BY`, `<`/`>` comparisons, `min`/`max` and range checks on the column
//! then place the new value after every other one, which is rarely what the type's order
//! means. Nothing is locked beyond the type's own catalog row. Safe form: say where the label
//! goes, `ADD VALUE 'x' BEFORE 'y'` or `AFTER 'y'` (last on purpose: `AFTER` the current last
//! label, which also records the intent).

use super::{Action, Known, Level, Message, PG, Spec};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "enum-value-position",
    level: Level::Warning,
    hint: "say where the new value sorts: ADD VALUE 'x' BEFORE 'y' or AFTER 'y'",
    databases: PG,
    check,
};

fn check(action: &Action, _known: &Known) -> Option<Message> {
    let Action::AddEnumValue { ty, positioned } = action else {
        return None;
    };
    (!positioned).then(|| {
        Message::new(
            format!(
                "adds a value to enum {ty} without BEFORE or AFTER, so it sorts after every existing value"
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
        insta::assert_snapshot!(super::super::snapshot::findings(
            "ALTER TYPE mood ADD VALUE 'meh';\n\
             ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'sad';\n\
             ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';\n\
             ALTER TYPE mood ADD VALUE 'elated' AFTER 'happy';\n\
             ALTER TYPE mood RENAME VALUE 'meh' TO 'fine';",
            Backend::Postgres,
        ));
    }
}
