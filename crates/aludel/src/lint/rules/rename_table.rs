//! `rename-table` (warning): `ALTER TABLE … RENAME TO`, or MySQL's `RENAME TABLE a TO b, …`, of
//! a table that existed before this revision.
//!
//! The rename is a quick catalog change, but code still deployed queries the old name and
//! fails from then on. A table created in the same revision keeps being new under its new
//! name. Safe rewrite: create the new name (a view or the new table), migrate readers and
//! writers, then remove the old one.

use super::{ALL, Action, Known, Level, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "rename-table",
    level: Level::Warning,
    hint: "running code still uses the old name; add the new name, migrate readers and writers, then remove the old one",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::RenameTable { from, to } = action else {
        return None;
    };
    (!known.is_new(from)).then(|| Message {
        lint: format!("renames table {from} to {to}"),
        autogenerate: format!(
            "renaming table '{from}' to '{to}' breaks code that still uses the old name"
        ),
            lock: lock(known, "ACCESS EXCLUSIVE on the table, briefly: waits behind every running query on it, and everything queues behind it", "exclusive metadata lock, briefly", ""),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "RENAME TABLE users TO people, a TO b;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts RENAME TO articles;\n\
             ALTER TABLE articles RENAME AS notes;",
            Backend::MySql,
        ));
    }
}
