//! `create-index-non-concurrent` (error): `CREATE INDEX` without `CONCURRENTLY` on a table
//! that existed before this revision, on a database that can build indexes concurrently
//! ([`Dialect::concurrent_index`](crate::dialect::Dialect::concurrent_index): PostgreSQL).
//!
//! A plain build takes a `SHARE` lock: reads go on, but every `INSERT`, `UPDATE` and `DELETE`
//! on the table waits until the whole index is built. Safe rewrite: `CREATE INDEX
//! CONCURRENTLY`, which cannot run inside a transaction, so in a revision with
//! `transactional = false`.

use super::{Action, Known, Level, Message, PG, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "create-index-non-concurrent",
    level: Level::Error,
    hint: "use CREATE INDEX CONCURRENTLY in a revision with `transactional = false`",
    databases: PG,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::CreateIndex {
        table,
        index,
        concurrently: false,
    } = action
    else {
        return None;
    };
    (known.dialect().concurrent_index() && !known.is_new(table)).then(|| Message {
        lint: format!(
            "CREATE INDEX without CONCURRENTLY blocks writes to existing table {table} while it builds"
        ),
        autogenerate: format!(
            "CREATE INDEX '{index}' on existing table '{table}' without CONCURRENTLY blocks writes while it builds; \
             consider CREATE INDEX CONCURRENTLY in a migration with transactional = false"
        ),
            lock: lock(known, "SHARE on the table: blocks INSERT, UPDATE and DELETE until the index is built", "", ""),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Backend;

    use super::super::snapshot::findings;

    const SQL: &str = "CREATE INDEX users_name ON users (name);\n\
         CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_age ON ONLY public.users (age);\n\
         CREATE INDEX ON users (id);\n\
         CREATE TABLE posts (id INT);\n\
         CREATE INDEX posts_id ON posts (id);";

    #[test]
    fn findings_on_postgres() {
        insta::assert_snapshot!(findings(SQL, Backend::Postgres));
    }

    #[test]
    fn databases_without_concurrent_builds_have_none() {
        assert_eq!(findings(SQL, Backend::Sqlite), "");
        assert_eq!(findings(SQL, Backend::MySql), "");
    }
}
