//! The risk rules, one per file, shared by `aludel lint` and autogenerate's warnings.
//!
//! A rule looks at one [`Action`] (classified from a statement, or built from a generated
//! change by [`crate::autogen::warnings`]) and at what is [`Known`] before it, and returns a
//! [`Message`] in both voices: `lint`'s terse line about a statement, and autogenerate's
//! sentence about a change it is about to write. The decision is made once, so the two users
//! cannot drift apart again.
//!
//! Each file holds the rule's [`Spec`] (id, level, hint, check), a doc comment saying what the
//! statement locks or breaks and the safe rewrite, and a snapshot test of its findings
//! (`snapshots/*.snap`, reviewed by eye when they change).

use super::classify::{Action, ColumnType, ConstraintKind};
pub(crate) use super::known::Known;
use super::{Level, Rule};

pub(super) mod add_check_constraint;
pub(super) mod add_column_rewrite;
pub(super) mod add_foreign_key;
pub(super) mod add_not_null_column;
pub(super) mod add_unique_constraint;
pub(super) mod alter_needs_rebuild;
pub(super) mod change_column_type;
pub(super) mod char_type;
pub(super) mod concurrent_in_transaction;
pub(super) mod create_index_non_concurrent;
pub(super) mod detach_partition_non_concurrent;
pub(super) mod domain_constraint;
pub(super) mod drop_column;
pub(super) mod drop_database;
pub(super) mod drop_index_non_concurrent;
pub(super) mod drop_not_null;
pub(super) mod drop_table;
pub(super) mod enum_set_change;
pub(super) mod enum_value_in_transaction;
pub(super) mod enum_value_position;
pub(super) mod identifier_too_long;
pub(super) mod inline_references;
pub(super) mod missing_lock_timeout;
pub(super) mod missing_statement_timeout;
pub(super) mod modify_not_null;
pub(super) mod narrow_column_type;
pub(super) mod nested_transaction;
pub(super) mod prefer_bigint;
pub(super) mod prefer_identity;
pub(super) mod prefer_text;
pub(super) mod prefer_timestamptz;
pub(super) mod rebuild_foreign_keys;
pub(super) mod rebuild_not_null;
pub(super) mod reindex_non_concurrent;
pub(super) mod rename_column;
pub(super) mod rename_table;
pub(super) mod set_not_null;
pub(super) mod table_copy;
pub(super) mod truncate_cascade;
pub(super) mod uncommitted_transaction;
pub(super) mod vacuum_full;
pub(super) mod validate_in_transaction;

/// What defines a rule.
pub(crate) struct Spec {
    /// The id written in output and in `-- aludel:lint-ignore`.
    pub id: &'static str,
    /// How serious a finding is.
    pub level: Level,
    /// What to do instead.
    pub hint: &'static str,
    /// The databases the rule applies to, by [`Dialect::name`].
    pub databases: &'static [&'static str],
    /// The check: a message when `action` breaks the rule, given what is known before it.
    pub check: fn(&Action, &Known) -> Option<Message>,
}

/// Every database.
pub(super) const ALL: &[&str] = &["postgresql", "mysql", "sqlite"];
/// PostgreSQL alone.
pub(super) const PG: &[&str] = &["postgresql"];
/// MySQL and MariaDB alone.
pub(super) const MYSQL: &[&str] = &["mysql"];
/// SQLite alone.
pub(super) const SQLITE: &[&str] = &["sqlite"];

/// One finding's text, in the voice of each user of the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// What `aludel lint` says of the statement: `drops table users`.
    pub lint: String,
    /// What autogenerate says of the change: `dropping table 'users' deletes its data`.
    pub autogenerate: String,
    /// The lock the statement takes and what it blocks, when it takes one worth naming.
    pub lock: Option<String>,
}

impl Message {
    /// A message that says the same to both users, with the lock `known`'s database takes.
    pub fn new(text: String, lock: Option<String>) -> Message {
        Message {
            autogenerate: text.clone(),
            lint: text,
            lock,
        }
    }
}

/// The lock of a statement by database (`""`: none worth naming), for `known`'s database.
pub(super) fn lock(known: &Known, postgres: &str, mysql: &str, sqlite: &str) -> Option<String> {
    let text = match known.dialect().name() {
        "postgresql" => postgres,
        "mysql" => mysql,
        _ => sqlite,
    };
    (!text.is_empty()).then(|| text.to_string())
}

/// PostgreSQL's `ACCESS EXCLUSIVE` lock, what most `ALTER TABLE`s take.
pub(super) const ACCESS_EXCLUSIVE: &str =
    "ACCESS EXCLUSIVE on the table: blocks every read and write until the transaction ends";

/// Every rule `action` breaks, in [`Rule::ALL`] order, with its message.
pub(crate) fn check(action: &Action, known: &Known) -> Vec<(Rule, Message)> {
    let database = known.dialect().name();
    Rule::ALL
        .iter()
        .copied()
        .filter(|rule| rule.spec().databases.contains(&database))
        .filter_map(|rule| Some((rule, (rule.spec().check)(action, known)?)))
        .collect()
}

/// A type change on an existing table that changes the type's text, with the old type when
/// it is known: what both type rules look at.
struct TypeChange<'a> {
    table: &'a str,
    column: &'a str,
    old: Option<&'a ColumnType>,
    new: &'a ColumnType,
}

impl<'a> TypeChange<'a> {
    fn of(action: &'a Action, known: &'a Known) -> Option<TypeChange<'a>> {
        let Action::ChangeType {
            table,
            column,
            from,
            ty,
        } = action
        else {
            return None;
        };
        if known.is_new(table) {
            return None;
        }
        let old = from.as_ref().or_else(|| known.column_type(table, column));
        if old.is_some_and(|old| old.text == ty.text) {
            return None;
        }
        Some(TypeChange {
            table,
            column,
            old,
            new: ty,
        })
    }

    /// Whether the new type is the old one with larger arguments.
    fn widens(&self) -> bool {
        self.old.is_some_and(|old| self.new.wider_than(old))
    }

    /// Whether the new type is the old `ENUM`/`SET` with members appended at the end.
    fn appends_members(&self) -> bool {
        let Some(old) = self.old else {
            return false;
        };
        let members = |ty: &ColumnType| {
            ty.text
                .find('(')
                .map(|open| ty.text[open..].to_string())
                .unwrap_or_default()
        };
        let (old_members, new_members) = (members(old), members(self.new));
        matches!(old.base.as_str(), "ENUM" | "SET")
            && old.base == self.new.base
            && new_members.len() >= old_members.len()
            && new_members.starts_with(old_members.trim_end_matches(')'))
    }

    /// Whether the new type is known to hold less than the old one.
    fn narrows(&self) -> bool {
        self.old.is_some_and(|old| self.new.narrower_than(old))
    }
}

/// The message of a style rule: `action` declares a column whose type `discouraged` matches;
/// `why` follows the type in the message (`", which may run out"`).
pub(super) fn declared_type(
    action: &Action,
    discouraged: fn(&ColumnType) -> bool,
    why: &str,
) -> Option<Message> {
    let Action::DeclareColumn {
        table, column, ty, ..
    } = action
    else {
        return None;
    };
    discouraged(ty).then(|| {
        Message::new(
            format!("column {column} of table {table} is {}{why}", ty.text),
            None,
        )
    })
}

/// The existing table (or index) an action locks, for the lock timeout rule; `None` for
/// actions that take no lock worth a timeout.
pub(crate) fn locked_table(action: &Action) -> Option<&str> {
    match action {
        Action::DropTable { table }
        | Action::DropColumn { table, .. }
        | Action::AddColumn { table, .. }
        | Action::ChangeType { table, .. }
        | Action::SetNotNull { table, .. }
        | Action::DropNotNull { table, .. }
        | Action::RenameColumn { table, .. }
        | Action::AddConstraint { table, .. }
        | Action::ValidateConstraint { table, .. }
        | Action::DropConstraint { table }
        | Action::DetachPartition { table, .. }
        | Action::CreateIndex {
            table,
            concurrently: false,
            ..
        } => Some(table),
        Action::RenameTable { from, .. } => Some(from),
        Action::DropDatabase { name } => Some(name),
        // Statements whose object is not tracked: always on something that exists.
        Action::Reindex {
            concurrently: false,
        }
        | Action::Truncate { .. }
        | Action::Rewrite { .. } => Some(""),
        Action::DropIndex {
            index,
            concurrently: false,
        } => Some(index),
        _ => None,
    }
}

/// The findings of each rule's snapshot test, rendered for review.
#[cfg(test)]
mod snapshot {
    use std::fmt::Write;
    use std::path::Path;

    use super::{Action, Known, check};
    use crate::config::Backend;
    use crate::dialect::dialect_for;
    use crate::lint::classify::classify;
    use crate::script::Script;

    /// Lints `upgrade` as the only revision on `backend` after `CREATE TABLE users (id INT,
    /// name VARCHAR(100), age SMALLINT)` in an earlier one; each finding is shown in both
    /// voices, with its lock and its line in `upgrade`.
    pub(crate) fn findings(upgrade: &str, backend: Backend) -> String {
        findings_in(upgrade, backend, true)
    }

    /// [`findings`] in a revision with `transactional = transactional`.
    pub(crate) fn findings_in(upgrade: &str, backend: Backend, transactional: bool) -> String {
        let base = "CREATE TABLE users (id INT, name VARCHAR(100), age SMALLINT)";
        lint_revision(base, upgrade, backend, transactional, false)
    }

    /// [`findings`] with the rules that are off by default shown too.
    pub(crate) fn findings_all(upgrade: &str, backend: Backend) -> String {
        let base = "CREATE TABLE users (id INT, name VARCHAR(100), age SMALLINT)";
        lint_revision(base, upgrade, backend, true, true)
    }

    /// The rule ids that fire on `sql` (one statement a line) against the existing `users`
    /// table, on PostgreSQL `version`.
    pub(crate) fn rules_on_postgres(sql: &str, version: u32, transactional: bool) -> Vec<String> {
        let backend = Backend::Postgres;
        let mut known = Known::new(dialect_for(backend)).with_postgres_version(version);
        known.next_revision(transactional);
        let mut out = Vec::new();
        for line in sql.lines() {
            for action in classify(line, backend) {
                out.extend(
                    check(&action, &known)
                        .into_iter()
                        .map(|(r, _)| r.id().to_string()),
                );
                known.apply(&action);
            }
        }
        out
    }

    /// [`findings`] after `base` instead of the `users` table.
    pub(crate) fn findings_after(base: &str, upgrade: &str, backend: Backend) -> String {
        lint_revision(base, upgrade, backend, true, false)
    }

    fn lint_revision(
        base: &str,
        upgrade: &str,
        backend: Backend,
        transactional: bool,
        all: bool,
    ) -> String {
        let mut known = Known::new(dialect_for(backend));
        for action in classify(base, backend) {
            known.apply(&action);
        }
        known.start_run();
        known.next_revision(transactional);
        let text = format!(
            "-- revision = \"b2\"\n-- down_revision = \"a1\"\n\n-- migrate:upgrade\n{upgrade}\n"
        );
        let script = Script::parse(Path::new("b2.sql"), &text).unwrap();
        let section = script.upgrade.as_ref().unwrap();
        let mut out = String::new();
        let mut last = 1;
        let show = |action: &Action, line: usize, known: &Known, out: &mut String| {
            for (rule, message) in check(action, known) {
                if !all && crate::lint::OFF_BY_DEFAULT.contains(&rule) {
                    continue;
                }
                let spec = rule.spec();
                writeln!(out, "{line}: {}[{}]: {}", spec.level, spec.id, message.lint).unwrap();
                if message.autogenerate != message.lint {
                    writeln!(out, "   autogenerate: {}", message.autogenerate).unwrap();
                }
                if let Some(lock) = &message.lock {
                    writeln!(out, "   lock: {lock}").unwrap();
                }
            }
        };
        for statement in section.statements(&script.path, backend).unwrap() {
            last = statement.line - section.first_line + 1;
            for action in classify(&statement.sql, backend) {
                show(&action, last, &known, &mut out);
                known.apply(&action);
            }
        }
        show(&Action::EndOfRevision, last, &known, &mut out);
        out
    }
}
