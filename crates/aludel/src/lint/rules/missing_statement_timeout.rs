//! `missing-statement-timeout` (warning, PostgreSQL, off by default): the first statement of
//! a revision that locks an existing table with no `SET statement_timeout` earlier in the
//! revision.
//!
//! A statement that runs longer than planned (a rewrite, a scan, a build) holds its lock for
//! as long as it runs. `statement_timeout` bounds that. Off by default because a timeout also
//! cuts the long, harmless work of `CREATE INDEX CONCURRENTLY` and `VALIDATE CONSTRAINT`;
//! turn it on with `[lint] enable`.

use super::missing_lock_timeout::locks;
use super::{Action, Known, Level, Message, PG, Spec, locked_table};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "missing-statement-timeout",
    level: Level::Warning,
    hint: "set statement_timeout at the top of the revision so a statement that runs too long gives its lock back",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let table = locked_table(action)?;
    let first = !known.statement_timeout() && !known.statement_timeout_reported();
    (first && !known.is_new(table)).then(|| {
        Message::new(
            format!(
                "{} with no statement_timeout set earlier in the revision",
                locks(table)
            ),
            Some("holds its lock for as long as it runs, without limit".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::findings_all as findings;

    #[test]
    fn findings_once_per_revision() {
        insta::assert_snapshot!(findings(
            "SET lock_timeout = '1s';\n\
             ALTER TABLE users ADD COLUMN b INT;\n\
             TRUNCATE users;",
            Backend::Postgres,
        ));
        let out = findings(
            "SET statement_timeout = '5s';\nALTER TABLE users ADD COLUMN b INT;",
            Backend::Postgres,
        );
        assert!(!out.contains("missing-statement-timeout"), "{out}");
    }
}
