//! `drop-table` (warning): `DROP TABLE` on a table that existed before this revision.
//!
//! The drop takes an `ACCESS EXCLUSIVE` lock (PostgreSQL) or a metadata lock (MySQL) only for
//! a moment, so it blocks little; the risk is what it breaks: every query of code still
//! deployed against the old schema fails from then on, and the data is gone. Safe rewrite:
//! deploy code that no longer uses the table first, then drop it in a later release.

use super::{ACCESS_EXCLUSIVE, ALL, Action, Known, Level, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "drop-table",
    level: Level::Warning,
    hint: "deploy code that no longer uses it first, then drop it in a later release",
    databases: ALL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::DropTable { table } = action else {
        return None;
    };
    (!known.is_new(table)).then(|| Message {
        lint: format!("drops table {table}"),
        autogenerate: format!("dropping table '{table}' deletes its data"),
            lock: lock(known, ACCESS_EXCLUSIVE, "exclusive metadata lock on the table: waits for every open transaction that used it and blocks new ones", ""),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "DROP TABLE IF EXISTS public.users, \"Audit\";\n\
             CREATE TABLE scratch (id INT);\n\
             DROP TABLE scratch;",
            Backend::Postgres,
        ));
    }
}
