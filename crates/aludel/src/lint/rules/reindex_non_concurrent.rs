//! `reindex-non-concurrent` (error, PostgreSQL): `REINDEX` without `CONCURRENTLY`.
//!
//! A plain `REINDEX` locks out writes to the table (and, for the index being rebuilt, reads
//! that would use it) until the rebuild ends. Safe rewrite: `REINDEX … CONCURRENTLY`
//! (PostgreSQL 12+) in a revision with `transactional = false`.

use super::{Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "reindex-non-concurrent",
    level: Level::Error,
    hint: "use REINDEX … CONCURRENTLY in a revision with `transactional = false`",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::Reindex {
        concurrently: false,
    } = action
    else {
        return None;
    };
    Some(Message::new(
        "REINDEX without CONCURRENTLY blocks writes while it rebuilds".into(),
        lock(
            known,
            "SHARE on the table and ACCESS EXCLUSIVE on the index: blocks writes, and reads that use the index",
            "",
            "",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_in(
            "REINDEX INDEX users_name;\nREINDEX (VERBOSE) TABLE CONCURRENTLY users;",
            Backend::Postgres,
            false,
        ));
    }
}
