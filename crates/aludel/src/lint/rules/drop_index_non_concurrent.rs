//! `drop-index-non-concurrent` (error, PostgreSQL): `DROP INDEX` without `CONCURRENTLY` of an
//! index not created in the same revision.
//!
//! A plain drop takes `ACCESS EXCLUSIVE` on the index's table: it waits behind every running
//! query on the table and blocks everything queued after it. Safe rewrite: `DROP INDEX
//! CONCURRENTLY`, in a revision with `transactional = false`.

use super::{Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "drop-index-non-concurrent",
    level: Level::Error,
    hint: "use DROP INDEX CONCURRENTLY in a revision with `transactional = false`",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::DropIndex {
        index,
        concurrently: false,
    } = action
    else {
        return None;
    };
    (!known.is_new(index)).then(|| {
        Message::new(
            format!("drops index {index} without CONCURRENTLY"),
            lock(
                known,
                "ACCESS EXCLUSIVE on the index's table: blocks every read and write while it waits and drops",
                "",
                "",
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings(
            "DROP INDEX users_name;\n\
             DROP INDEX IF EXISTS public.users_age;\n\
             CREATE INDEX users_id ON users (id);\n\
             DROP INDEX users_id;",
            Backend::Postgres,
        ));
    }
}
