//! `modify-not-null` (warning, MySQL/MariaDB): `MODIFY` / `CHANGE` that makes a column an
//! earlier statement declared nullable `NOT NULL`, without a `DEFAULT`.
//!
//! InnoDB rebuilds the table to change nullability, and a row still holding NULL makes the
//! statement fail in strict mode, or silently get the type's zero value outside it. Safe
//! rewrite: backfill the NULLs first (in batches), then change the column, with a `DEFAULT`
//! for rows written meanwhile.

use super::{Action, Known, Level, MYSQL, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "modify-not-null",
    level: Level::Warning,
    hint: "backfill the NULLs first (in batches), then make the column NOT NULL with a DEFAULT",
    databases: MYSQL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let Action::SetNotNull { table, column } = action else {
        return None;
    };
    (!known.is_new(table) && known.declared_nullable(table, column)).then(|| {
        Message::new(
            format!("makes nullable column {column} of table {table} NOT NULL without a DEFAULT"),
            lock(
                known,
                "",
                "rebuilds the table (INPLACE); fails in strict mode, or writes zero values, where NULLs remain",
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
        insta::assert_snapshot!(super::super::snapshot::findings_after(
            "CREATE TABLE t (id INT NOT NULL, note VARCHAR(10), code INT)",
            "ALTER TABLE t MODIFY note VARCHAR(10) NOT NULL;\n\
             ALTER TABLE t MODIFY code INT NOT NULL DEFAULT 0;\n\
             ALTER TABLE t MODIFY id INT NOT NULL;",
            Backend::MySql,
        ));
    }
}
