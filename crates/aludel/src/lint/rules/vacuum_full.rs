//! `vacuum-full` (error, PostgreSQL): `VACUUM FULL` or `CLUSTER`.
//!
//! Both rewrite the whole table under `ACCESS EXCLUSIVE`: nothing reads or writes it until
//! the copy is done. Safe rewrite: `pg_repack` (or `pg_squeeze`), which rebuilds the table
//! online and takes the exclusive lock only to swap it in.

use super::{ACCESS_EXCLUSIVE, Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "vacuum-full",
    level: Level::Error,
    hint: "use pg_repack, which rebuilds the table online, instead of VACUUM FULL or CLUSTER",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::Rewrite { what } = action else {
        return None;
    };
    Some(Message::new(
        format!("{what} rewrites the table under an exclusive lock"),
        lock(known, ACCESS_EXCLUSIVE, "", ""),
    ))
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    #[test]
    fn findings() {
        insta::assert_snapshot!(super::super::snapshot::findings_in(
            "VACUUM FULL users;\nVACUUM (FULL, ANALYZE) users;\nVACUUM users;\nCLUSTER users USING users_pkey;",
            Backend::Postgres,
            false,
        ));
    }
}
