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

use std::collections::{BTreeMap, BTreeSet};

use super::classify::{Action, ColumnType};
use super::{Level, Rule};
use crate::dialect::Dialect;

mod add_not_null_column;
mod change_column_type;
mod create_index_non_concurrent;
mod drop_column;
mod drop_table;
mod narrow_column_type;
mod rename_column;
mod rename_table;

/// What defines a rule.
pub(crate) struct Spec {
    /// The id written in output and in `-- aludel:lint-ignore`.
    pub id: &'static str,
    /// How serious a finding is.
    pub level: Level,
    /// What to do instead.
    pub hint: &'static str,
    /// The check: a message when `action` breaks the rule, given what is known before it.
    pub check: fn(&Action, &Known) -> Option<Message>,
}

/// One finding's text, in the voice of each user of the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// What `aludel lint` says of the statement: `drops table users`.
    pub lint: String,
    /// What autogenerate says of the change: `dropping table 'users' deletes its data`.
    pub autogenerate: String,
}

impl Rule {
    /// The rule's definition, in its own file.
    pub(crate) fn spec(self) -> &'static Spec {
        match self {
            Rule::DropTable => &drop_table::SPEC,
            Rule::DropColumn => &drop_column::SPEC,
            Rule::AddNotNullColumn => &add_not_null_column::SPEC,
            Rule::ChangeColumnType => &change_column_type::SPEC,
            Rule::NarrowColumnType => &narrow_column_type::SPEC,
            Rule::CreateIndexNonConcurrent => &create_index_non_concurrent::SPEC,
            Rule::RenameColumn => &rename_column::SPEC,
            Rule::RenameTable => &rename_table::SPEC,
        }
    }
}

/// Every rule `action` breaks, in [`Rule::ALL`] order, with its message.
pub(crate) fn check(action: &Action, known: &Known) -> Vec<(Rule, Message)> {
    Rule::ALL
        .into_iter()
        .filter_map(|rule| Some((rule, (rule.spec().check)(action, known)?)))
        .collect()
}

/// What the rules know before an action: the database's capabilities, the column types
/// earlier statements stated, and the tables created in the revision being read (nothing runs
/// against those yet, so no rule fires on them).
pub(crate) struct Known {
    dialect: &'static dyn Dialect,
    /// Column types by table, then column.
    columns: BTreeMap<String, BTreeMap<String, ColumnType>>,
    created: BTreeSet<String>,
}

impl Known {
    /// Nothing known yet, for a project on `dialect`.
    pub fn new(dialect: &'static dyn Dialect) -> Known {
        Known {
            dialect,
            columns: BTreeMap::new(),
            created: BTreeSet::new(),
        }
    }

    /// The database the statements are for.
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    /// Whether `table` was created in the revision being read.
    pub fn is_new(&self, table: &str) -> bool {
        self.created.contains(table)
    }

    /// Records that `table` is created in the revision being read.
    pub fn mark_new(&mut self, table: &str) {
        self.created.insert(table.to_string());
    }

    /// Starts a new revision: its tables are the only new ones.
    pub fn next_revision(&mut self) {
        self.created.clear();
    }

    /// The type of `table.column` when an earlier statement stated it.
    pub fn column_type(&self, table: &str, column: &str) -> Option<&ColumnType> {
        self.columns.get(table)?.get(column)
    }

    /// Takes in what `action` does, after the rules have looked at it.
    pub fn apply(&mut self, action: &Action) {
        match action {
            Action::CreateTable { table, columns } => {
                self.created.insert(table.clone());
                self.columns
                    .insert(table.clone(), columns.iter().cloned().collect());
            }
            Action::DropTable { table } => {
                self.created.remove(table);
                self.columns.remove(table);
            }
            Action::DropColumn { table, column } => {
                if let Some(columns) = self.columns.get_mut(table) {
                    columns.remove(column);
                }
            }
            Action::AddColumn {
                table, column, ty, ..
            } => {
                if let (Some(ty), Some(columns)) = (ty, self.columns.get_mut(table)) {
                    columns.insert(column.clone(), ty.clone());
                }
            }
            Action::ChangeType {
                table, column, ty, ..
            } => {
                let columns = self.columns.entry(table.clone()).or_default();
                columns.insert(column.clone(), ty.clone());
            }
            Action::RenameColumn { table, from, to } => {
                if let Some(columns) = self.columns.get_mut(table)
                    && let Some(ty) = columns.remove(from)
                {
                    columns.insert(to.clone(), ty);
                }
            }
            Action::RenameTable { from, to } => {
                if self.created.remove(from) {
                    self.created.insert(to.clone());
                }
                if let Some(columns) = self.columns.remove(from) {
                    self.columns.insert(to.clone(), columns);
                }
            }
            Action::CreateIndex { .. } => {}
        }
    }
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

    /// Whether the new type is known to hold less than the old one.
    fn narrows(&self) -> bool {
        self.old.is_some_and(|old| self.new.narrower_than(old))
    }
}

/// The findings of each rule's snapshot test, rendered for review.
#[cfg(test)]
mod snapshot {
    use std::fmt::Write;
    use std::path::Path;

    use super::{Known, check};
    use crate::config::Backend;
    use crate::dialect::dialect_for;
    use crate::lint::classify::classify;
    use crate::script::Script;

    /// Lints `upgrade` as the only revision on `backend` after `CREATE TABLE users (id INT,
    /// name VARCHAR(100), age SMALLINT)` in an earlier one; each finding is shown in both
    /// voices, with its line in `upgrade`.
    pub(crate) fn findings(upgrade: &str, backend: Backend) -> String {
        let mut known = Known::new(dialect_for(backend));
        let base = "CREATE TABLE users (id INT, name VARCHAR(100), age SMALLINT)";
        for action in classify(base, backend) {
            known.apply(&action);
        }
        known.next_revision();
        let text = format!(
            "-- revision = \"b2\"\n-- down_revision = \"a1\"\n\n-- migrate:upgrade\n{upgrade}\n"
        );
        let script = Script::parse(Path::new("b2.sql"), &text).unwrap();
        let section = script.upgrade.as_ref().unwrap();
        let mut out = String::new();
        for statement in section.statements(&script.path, backend).unwrap() {
            for action in classify(&statement.sql, backend) {
                for (rule, message) in check(&action, &known) {
                    let spec = rule.spec();
                    let line = statement.line - section.first_line + 1;
                    writeln!(out, "{line}: {}[{}]: {}", spec.level, spec.id, message.lint).unwrap();
                    writeln!(out, "   autogenerate: {}", message.autogenerate).unwrap();
                }
                known.apply(&action);
            }
        }
        out
    }
}
