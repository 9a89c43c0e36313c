//! `table-copy` (warning, MySQL/MariaDB): an `ALTER TABLE` on an existing table that InnoDB
//! can only do by copying the table (`ALGORITHM=COPY`) or rebuilding it: `ALGORITHM=COPY`
//! itself, `CONVERT TO CHARACTER SET`, `ENGINE=`, `FORCE`, adding or dropping the primary
//! key, a foreign key (while `foreign_key_checks` is on) or a check constraint, the first
//! `FULLTEXT`/`SPATIAL` index, an `AUTO_INCREMENT` or `STORED` generated column.
//!
//! A warning, not an error: MySQL has no statement that does these online, so there is no
//! rewrite a migration file could hold (raise it to an error in `[lint.levels]` to require a
//! tool for them).
//!
//! A copy holds a shared metadata lock that blocks every write for the whole copy; a rebuild
//! needs the exclusive metadata lock at both ends. Safe rewrite: an online schema change
//! tool (gh-ost, pt-online-schema-change), or a maintenance window.

use super::{Action, Known, Level, MYSQL, Message, Spec, lock};

/// The rule.
pub(crate) const SPEC: Spec = Spec {
    id: "table-copy",
    level: Level::Warning,
    hint: "run it with an online schema change tool (gh-ost, pt-online-schema-change) or in a maintenance window",
    databases: MYSQL,
    check,
};

fn check(action: &Action, known: &Known) -> Option<Message> {
    let (table, what) = match action {
        Action::CopyTable { table, what } => (table, what.as_str()),
        Action::AddColumn { table, facts, .. } if facts.auto_increment => {
            (table, "adds an AUTO_INCREMENT column")
        }
        Action::AddColumn { table, facts, .. } if facts.stored_generated => {
            (table, "adds a STORED generated column")
        }
        _ => return None,
    };
    (!known.is_new(table)).then(|| {
        Message::new(
            format!("ALTER TABLE {table} {what}, which copies or rebuilds the table"),
            lock(
                known,
                "",
                "table copy: a shared metadata lock blocks every write until the copy ends",
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
            "ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4;\n\
             ALTER TABLE users ENGINE = InnoDB;\n\
             ALTER TABLE users ADD COLUMN x INT, ALGORITHM=COPY;\n\
             ALTER TABLE users DROP PRIMARY KEY, ADD PRIMARY KEY (id, age);\n\
             ALTER TABLE users ADD FULLTEXT INDEX ft (name);\n\
             ALTER TABLE users ADD COLUMN y INT, ALGORITHM=INSTANT;\n\
             CREATE TABLE posts (id INT);\n\
             ALTER TABLE posts ENGINE = InnoDB;",
            Backend::MySql,
        ));
    }
}
