//! `detach-partition-non-concurrent` (error, PostgreSQL 14+): `ALTER TABLE … DETACH
//! PARTITION p` without `CONCURRENTLY`.
//!
//! A plain detach takes `ACCESS EXCLUSIVE` on the partitioned table: every query on any
//! partition waits. From PostgreSQL 14, `DETACH PARTITION … CONCURRENTLY` takes only `SHARE
//! UPDATE EXCLUSIVE`; it cannot run in a transaction, so use `transactional = false`.

use super::{ACCESS_EXCLUSIVE, Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "detach-partition-non-concurrent",
    level: Level::Error,
    hint: "use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+) in a revision with `transactional = false`",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::DetachPartition {
        table,
        concurrently: false,
    } = action
    else {
        return None;
    };
    (known.postgres_version() >= 14 && !known.is_new(table)).then(|| {
        Message::new(
            format!("detaches a partition of {table} without CONCURRENTLY"),
            lock(known, ACCESS_EXCLUSIVE, "", ""),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::{findings_in, rules_on_postgres};

    const SQL: &str = "ALTER TABLE users DETACH PARTITION users_2020;\n\
         ALTER TABLE users DETACH PARTITION users_2021 CONCURRENTLY;";

    #[test]
    fn findings() {
        insta::assert_snapshot!(findings_in(SQL, Backend::Postgres, false));
    }

    #[test]
    fn none_before_14() {
        assert!(
            !rules_on_postgres(SQL, 13, false)
                .contains(&"detach-partition-non-concurrent".to_string())
        );
    }
}
