//! `enum-set-change` (error, MySQL/MariaDB): a `MODIFY`/`CHANGE` of an `ENUM` or `SET`
//! column whose new member list is not the old one with members appended at the end.
//!
//! Appending members is a metadata-only change; removing, reordering or inserting members
//! (or crossing 255 members) makes InnoDB copy the table and re-map every stored value. Safe
//! rewrite: append new members at the end only; for anything else, an online schema change
//! tool.

use super::{Action, Known, Level, MYSQL, Message, Spec, TypeChange, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "enum-set-change",
    level: Level::Error,
    hint: "only append members at the end of an ENUM/SET; anything else copies the table",
    databases: MYSQL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let change = TypeChange::of(action, known)?;
    let old = change.old?;
    let members = ["ENUM", "SET"];
    if !members.contains(&old.base.as_str()) || change.appends_members() {
        return None;
    }
    Some(Message::new(
        format!(
            "changes {} {}.{} from {} to {} other than by appending members",
            old.base, change.table, change.column, old.text, change.new.text
        ),
        lock(
            known,
            "",
            "table copy (ALGORITHM=COPY): writes are blocked until every row is re-mapped",
            "",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_after(
            "CREATE TABLE t (id INT, mood ENUM('ok','sad'))",
            "ALTER TABLE t MODIFY mood ENUM('ok','sad','meh');\n\
             ALTER TABLE t MODIFY mood ENUM('meh','ok','sad');\n\
             ALTER TABLE t CHANGE mood mood SET('ok');",
            Backend::MySql,
        ));
    }
}
