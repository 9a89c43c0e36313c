//! The safe form of a generated migration on a database that builds indexes concurrently
//! (PostgreSQL): what `revision --autogenerate` writes unless `--unsafe` asks for the plain
//! form, and what `aludel lint` accepts.
//!
//! A layer over the rendered SQL, read back with the linter's classifier, so the renderers
//! stay plain and the generator and the linter read statements the same way. On tables that
//! existed before the migration (tables it creates are left as rendered):
//!
//! - `CREATE INDEX` becomes `CREATE INDEX CONCURRENTLY`, run after everything else;
//! - `DROP INDEX` becomes `DROP INDEX CONCURRENTLY`, run before everything else, as does
//!   `ALTER TYPE … ADD VALUE` (a new enum value cannot be used in the transaction that adds
//!   it);
//! - a foreign key or check is added `NOT VALID` and validated after the transaction;
//! - a unique or primary key constraint is built as a unique index concurrently, then
//!   attached with `USING INDEX`;
//! - `SET NOT NULL` goes through a check `(c IS NOT NULL)` added `NOT VALID`, validated, then
//!   `SET NOT NULL` (which the validated check lets PostgreSQL 12+ do without a scan) and the
//!   check dropped.
//!
//! When any of these needs to run outside a transaction, the revision is written with
//! `transactional = false`: the concurrent drops, then the rest of the changes between
//! `BEGIN` and `COMMIT` (still one transaction), then the concurrent builds and the
//! validations, each on its own. A `lock_timeout` is set at the top whenever an existing
//! table is locked (`SET LOCAL` inside a transaction; a session `SET` … `RESET` otherwise).
//! The downgrade gets the same treatment.

use std::collections::BTreeSet;

use super::{Generated, script};
use crate::config::Backend;
use crate::dialect::{Dialect, dialect_for};
use crate::lint::{Action, ConstraintKind, classify, locked_table};
use crate::script::split_statements;

/// How long a generated migration waits for a lock before it gives up.
pub const LOCK_TIMEOUT: &str = "5s";

impl Generated {
    /// This migration in its safe form for `backend` (see the module documentation); the
    /// same migration on a database without concurrent index builds.
    pub fn made_safe(mut self, backend: Backend) -> Generated {
        let dialect = dialect_for(backend);
        if !dialect.concurrent_index() {
            return self;
        }
        let (Some(up), Some(down)) = (
            Plan::of(&self.upgrade_sql, backend),
            Plan::of(&self.downgrade_sql, backend),
        ) else {
            return self;
        };
        let own_transactions = up.needs_own_transactions() || down.needs_own_transactions();
        self.upgrade_sql = script(&up.statements(own_transactions));
        self.downgrade_sql = script(&down.statements(own_transactions));
        self.non_transactional = own_transactions;
        self.warnings = super::warnings::safe_warnings(&self.changes, backend);
        self
    }
}

/// One section's statements, sorted by when they must run.
#[derive(Default)]
struct Plan {
    /// Before the transaction: concurrent index drops.
    before: Vec<String>,
    /// In the transaction: everything else.
    main: Vec<String>,
    /// After it, each on its own: concurrent builds and validations.
    after: Vec<String>,
    /// Whether a statement locks a table that existed before.
    locks_existing: bool,
}

impl Plan {
    /// The plan of a rendered section; `None` when it does not split (then it is kept as is).
    fn of(sql: &str, backend: Backend) -> Option<Plan> {
        let dialect = dialect_for(backend);
        let mut plan = Plan::default();
        let mut created = BTreeSet::new();
        for statement in split_statements(sql, 1, backend).ok()? {
            let sql = statement.sql;
            let actions = classify(&sql, backend);
            for action in &actions {
                if let Action::CreateTable { table, .. } = action {
                    created.insert(table.clone());
                }
                if locked_table(action).is_some_and(|t| !created.contains(t)) {
                    plan.locks_existing = true;
                }
            }
            let existing = |table: &str| !created.contains(table);
            match actions.as_slice() {
                [
                    ..,
                    Action::CreateIndex {
                        table,
                        concurrently: false,
                        ..
                    },
                ] if existing(table) => {
                    plan.after
                        .push(sql.replacen("INDEX ", "INDEX CONCURRENTLY ", 1));
                }
                // A value added to an enum cannot be used in the transaction that adds it.
                [Action::AddEnumValue { .. }] => plan.before.push(sql),
                [
                    Action::DropIndex {
                        concurrently: false,
                        ..
                    },
                ] => plan
                    .before
                    .push(sql.replacen("DROP INDEX ", "DROP INDEX CONCURRENTLY ", 1)),
                [
                    ..,
                    Action::AddConstraint {
                        table,
                        name,
                        kind,
                        not_valid: false,
                        using_index: false,
                        ..
                    },
                ] if existing(table) && !name.is_empty() => {
                    plan.constraint(&sql, *kind, name, dialect);
                }
                [_, Action::SetNotNull { table, column }] if existing(table) => {
                    plan.set_not_null(&sql, table, column, dialect)
                }
                _ => plan.main.push(sql),
            }
        }
        Some(plan)
    }

    fn needs_own_transactions(&self) -> bool {
        !self.before.is_empty() || !self.after.is_empty()
    }

    /// `ALTER TABLE t ADD CONSTRAINT c …` on an existing table.
    fn constraint(&mut self, sql: &str, kind: ConstraintKind, name: &str, dialect: &dyn Dialect) {
        let Some((alter, _)) = sql.split_once(" ADD CONSTRAINT ") else {
            self.main.push(sql.to_string());
            return;
        };
        let name = dialect.quote_ident(name);
        let table = alter.trim_start_matches("ALTER TABLE ");
        match kind {
            ConstraintKind::ForeignKey | ConstraintKind::Check => {
                self.main.push(format!("{sql} NOT VALID"));
                self.after
                    .push(format!("{alter} VALIDATE CONSTRAINT {name}"));
            }
            ConstraintKind::Unique | ConstraintKind::PrimaryKey => {
                let word = match kind {
                    ConstraintKind::Unique => "UNIQUE",
                    _ => "PRIMARY KEY",
                };
                let Some((_, columns)) = sql.split_once(&format!(" {word} (")) else {
                    self.main.push(sql.to_string());
                    return;
                };
                self.after.push(format!(
                    "CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({columns}"
                ));
                self.after.push(format!(
                    "{alter} ADD CONSTRAINT {name} {word} USING INDEX {name}"
                ));
            }
            ConstraintKind::Exclude => self.main.push(sql.to_string()),
        }
    }

    /// `ALTER TABLE t ALTER COLUMN c SET NOT NULL` on an existing table.
    fn set_not_null(&mut self, sql: &str, table: &str, column: &str, dialect: &dyn Dialect) {
        let Some((alter, _)) = sql.split_once(" ALTER COLUMN ") else {
            self.main.push(sql.to_string());
            return;
        };
        let check: String = format!("{table}_{column}_not_null")
            .chars()
            .take(63)
            .collect();
        let check = dialect.quote_ident(&check);
        let column = dialect.quote_ident(column);
        self.main.push(format!(
            "{alter} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID"
        ));
        self.after
            .push(format!("{alter} VALIDATE CONSTRAINT {check}"));
        self.after.push(sql.to_string());
        self.after.push(format!("{alter} DROP CONSTRAINT {check}"));
    }

    /// The section's statements, in its own transactions or in the revision's.
    fn statements(self, own_transactions: bool) -> Vec<String> {
        let timeout = self.locks_existing;
        let mut out = Vec::new();
        if !own_transactions {
            if timeout {
                out.push(format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"));
            }
            out.extend(self.main);
            return out;
        }
        if timeout {
            out.push(format!("SET lock_timeout = '{LOCK_TIMEOUT}'"));
        }
        out.extend(self.before);
        if !self.main.is_empty() {
            out.push("BEGIN".into());
            out.extend(self.main);
            out.push("COMMIT".into());
        }
        out.extend(self.after);
        if timeout {
            out.push("RESET lock_timeout".into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(upgrade: &str, downgrade: &str) -> Generated {
        Generated {
            upgrade_sql: upgrade.into(),
            downgrade_sql: downgrade.into(),
            ..Generated::default()
        }
    }

    #[test]
    fn postgres_gets_the_safe_form() {
        let safe = generated(
            "CREATE TABLE t (id INT PRIMARY KEY);\n\
             CREATE INDEX i ON t (id);\n\
             CREATE INDEX \"j\" ON \"users\" (name);\n\
             ALTER TABLE \"users\" ADD CONSTRAINT \"fk\" FOREIGN KEY (t_id) REFERENCES t (id);\n\
             ALTER TABLE \"users\" ALTER COLUMN \"name\" SET NOT NULL;\n\
             ALTER TABLE \"users\" ADD CONSTRAINT \"u\" UNIQUE (email);",
            "DROP INDEX \"j\";\nDROP TABLE t;",
        )
        .made_safe(Backend::Postgres);
        assert!(safe.non_transactional);
        assert_eq!(
            safe.upgrade_sql,
            "SET lock_timeout = '5s';\n\nBEGIN;\n\n\
             CREATE TABLE t (id INT PRIMARY KEY);\n\n\
             CREATE INDEX i ON t (id);\n\n\
             ALTER TABLE \"users\" ADD CONSTRAINT \"fk\" FOREIGN KEY (t_id) REFERENCES t (id) NOT VALID;\n\n\
             ALTER TABLE \"users\" ADD CONSTRAINT \"users_name_not_null\" CHECK (\"name\" IS NOT NULL) NOT VALID;\n\n\
             COMMIT;\n\n\
             CREATE INDEX CONCURRENTLY \"j\" ON \"users\" (name);\n\n\
             ALTER TABLE \"users\" VALIDATE CONSTRAINT \"fk\";\n\n\
             ALTER TABLE \"users\" VALIDATE CONSTRAINT \"users_name_not_null\";\n\n\
             ALTER TABLE \"users\" ALTER COLUMN \"name\" SET NOT NULL;\n\n\
             ALTER TABLE \"users\" DROP CONSTRAINT \"users_name_not_null\";\n\n\
             CREATE UNIQUE INDEX CONCURRENTLY \"u\" ON \"users\" (email);\n\n\
             ALTER TABLE \"users\" ADD CONSTRAINT \"u\" UNIQUE USING INDEX \"u\";\n\n\
             RESET lock_timeout;\n"
        );
        assert_eq!(
            safe.downgrade_sql,
            "SET lock_timeout = '5s';\n\nDROP INDEX CONCURRENTLY \"j\";\n\n\
             BEGIN;\n\nDROP TABLE t;\n\nCOMMIT;\n\nRESET lock_timeout;\n"
        );
    }

    #[test]
    fn only_a_timeout_when_nothing_needs_its_own_transaction() {
        let safe = generated(
            "ALTER TABLE users ADD COLUMN phone TEXT;",
            "ALTER TABLE users DROP COLUMN phone;",
        )
        .made_safe(Backend::Postgres);
        assert!(!safe.non_transactional);
        assert_eq!(
            safe.upgrade_sql,
            "SET LOCAL lock_timeout = '5s';\n\nALTER TABLE users ADD COLUMN phone TEXT;\n"
        );
        let fresh = generated(
            "CREATE TABLE t (id INT);\n\nCREATE INDEX i ON t (id);\n",
            "DROP TABLE t;\n",
        )
        .made_safe(Backend::Postgres);
        assert_eq!(
            fresh.upgrade_sql,
            "CREATE TABLE t (id INT);\n\nCREATE INDEX i ON t (id);\n"
        );
    }

    #[test]
    fn other_databases_are_left_as_rendered() {
        for backend in [Backend::Sqlite, Backend::MySql] {
            let plain = generated("CREATE INDEX i ON users (name);\n", "DROP INDEX i;\n");
            let safe = plain.clone().made_safe(backend);
            assert_eq!(
                (safe.upgrade_sql, safe.non_transactional),
                (plain.upgrade_sql, false)
            );
        }
    }
}
