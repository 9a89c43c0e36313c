//! `missing-lock-timeout` (warning, PostgreSQL): the first statement of a revision that locks
//! an existing table (an `ALTER TABLE`, `DROP`, a plain `CREATE INDEX`…) with no `SET
//! lock_timeout` earlier in the revision.
//!
//! A DDL statement that waits for its lock (behind a long query or an idle transaction)
//! makes every later query on the table queue behind it: one slow reader becomes an outage.
//! With `lock_timeout` the statement gives up instead, and the migration can be retried.
//! Safe rewrite: `SET lock_timeout = '2s';` (and a `statement_timeout`) at the top.

use super::{Action, Known, Level, Message, PG, Spec, locked_table};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "missing-lock-timeout",
    level: Level::Warning,
    hint: "start the revision with SET lock_timeout = '2s'; so a blocked statement fails instead of queueing every query behind it",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let table = locked_table(action)?;
    (!known.lock_timeout() && !known.timeout_reported() && !known.is_new(table)).then(|| {
        Message::new(
            format!(
                "{} with no lock_timeout set earlier in the revision",
                locks(table)
            ),
            Some(
                "waits for its lock without limit; every later query on the table queues behind it"
                    .into(),
            ),
        )
    })
}

/// `locks t`, or `takes a lock` when the object is not known.
pub(super) fn locks(table: &str) -> String {
    match table {
        "" => "takes a lock".to_string(),
        table => format!("locks {table}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::findings;

    #[test]
    fn findings_once_per_revision() {
        insta::assert_snapshot!(findings(
            "CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ADD COLUMN a INT;\n\
             ALTER TABLE users ADD COLUMN b INT;\n\
             ALTER TABLE users ADD COLUMN c INT;",
            Backend::Postgres,
        ));
    }

    #[test]
    fn none_after_set_lock_timeout() {
        for set in [
            "SET lock_timeout = '2s'",
            "SET LOCAL lock_timeout TO 1000",
            "SELECT set_config('lock_timeout', '2s', false)",
        ] {
            let out = findings(
                &format!("{set};\nALTER TABLE users ADD COLUMN b INT;"),
                Backend::Postgres,
            );
            assert!(!out.contains("missing-lock-timeout"), "{set}: {out}");
        }
    }
}
