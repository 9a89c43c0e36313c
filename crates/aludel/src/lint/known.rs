//! What the rules know before a statement: the database, the settings, what the revision
//! created, the transaction the statement runs in, and what earlier statements set up.

use std::collections::{BTreeMap, BTreeSet};

use super::classify::{Action, ColumnType};
use crate::dialect::Dialect;

/// What the rules know before an action: the database's capabilities, the column types
/// earlier statements stated, the objects created in the revision being read (nothing runs
/// against those yet, so no lock rule fires on them), and the revision's transaction state.
pub(crate) struct Known {
    dialect: &'static dyn Dialect,
    /// The PostgreSQL major version the statements must be safe on.
    postgres_version: u32,
    /// Column types by table, then column.
    columns: BTreeMap<String, BTreeMap<String, ColumnType>>,
    /// Tables, materialized views and indexes created in the run: the revision being read or
    /// an earlier one of the same lint run (deployed together, so still empty).
    created: BTreeSet<String>,
    /// Whether the revision runs in a transaction aludel opens.
    transactional: bool,
    /// Whether the revision opened one itself (`BEGIN` with no `COMMIT` yet).
    explicit: bool,
    /// `SET lock_timeout` / `statement_timeout` earlier in the revision.
    lock_timeout: bool,
    statement_timeout: bool,
    /// A missing lock / statement timeout was already reported in this revision.
    timeout_reported: bool,
    statement_timeout_reported: bool,
    /// Constraints added `NOT VALID` in the transaction the statement runs in.
    not_valid: BTreeSet<String>,
    /// `CHECK (c IS NOT NULL)` constraints by name: their table and column.
    not_null_checks: BTreeMap<String, (String, String)>,
    /// Columns an earlier statement declared nullable.
    nullable: BTreeSet<(String, String)>,
    /// Columns an earlier statement declared NOT NULL without a default (nor primary key).
    required: BTreeSet<(String, String)>,
    /// Columns a validated check proves hold no NULL.
    proven_not_null: BTreeSet<(String, String)>,
    /// Existing tables dropped in the revision, and those of them another table was renamed
    /// to (a rebuild).
    dropped: BTreeSet<String>,
    rebuilt: BTreeSet<String>,
    /// `PRAGMA foreign_key_check` ran in the revision.
    foreign_keys_checked: bool,
}

impl Known {
    /// Nothing known yet, for a project on `dialect`, with the default PostgreSQL version assumed.
    pub fn new(dialect: &'static dyn Dialect) -> Known {
        Known {
            dialect,
            postgres_version: super::DEFAULT_POSTGRES_VERSION,
            columns: BTreeMap::new(),
            created: BTreeSet::new(),
            transactional: dialect.transactional_ddl(),
            explicit: false,
            lock_timeout: false,
            statement_timeout: false,
            timeout_reported: false,
            statement_timeout_reported: false,
            not_valid: BTreeSet::new(),
            not_null_checks: BTreeMap::new(),
            proven_not_null: BTreeSet::new(),
            nullable: BTreeSet::new(),
            required: BTreeSet::new(),
            dropped: BTreeSet::new(),
            rebuilt: BTreeSet::new(),
            foreign_keys_checked: false,
        }
    }

    /// The same, assuming PostgreSQL `version`.
    pub fn with_postgres_version(mut self, version: u32) -> Known {
        self.postgres_version = version;
        self
    }

    /// The database the statements are for.
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    /// The PostgreSQL major version assumed.
    pub fn postgres_version(&self) -> u32 {
        self.postgres_version
    }

    /// Whether `name` (a table, materialized view or index) was created in the revision
    /// being read or an earlier revision of the same run.
    pub fn is_new(&self, name: &str) -> bool {
        self.created.contains(name)
    }

    /// Records that `table` is created in the revision being read.
    pub fn mark_new(&mut self, table: &str) {
        self.created.insert(table.to_string());
    }

    /// Starts the linted run: what was read so far (revisions before the range) created
    /// objects that exist, with rows, when the run is deployed.
    pub fn start_run(&mut self) {
        self.created.clear();
    }

    /// Starts a new revision, run in a transaction when `transactional` (and the database
    /// has transactional DDL): the objects created so far in the run stay new, and no timeout
    /// is set.
    pub fn next_revision(&mut self, transactional: bool) {
        self.transactional = transactional && self.dialect.transactional_ddl();
        self.explicit = false;
        self.lock_timeout = false;
        self.statement_timeout = false;
        self.timeout_reported = false;
        self.statement_timeout_reported = false;
        self.not_valid.clear();
        self.dropped.clear();
        self.rebuilt.clear();
        self.foreign_keys_checked = false;
    }

    /// The existing tables the revision rebuilt (dropped, then renamed another table to).
    pub fn rebuilt(&self) -> Vec<String> {
        self.rebuilt.iter().cloned().collect()
    }

    /// Whether the revision ran `PRAGMA foreign_key_check`.
    pub fn foreign_keys_checked(&self) -> bool {
        self.foreign_keys_checked
    }

    /// Whether the statement runs inside a transaction.
    pub fn in_transaction(&self) -> bool {
        self.transactional || self.explicit
    }

    /// Whether aludel wraps the revision in a transaction.
    pub fn transactional(&self) -> bool {
        self.transactional
    }

    /// Whether the revision opened a transaction it has not closed.
    pub fn explicit_transaction(&self) -> bool {
        self.explicit
    }

    /// Whether the revision set `lock_timeout` before the statement.
    pub fn lock_timeout(&self) -> bool {
        self.lock_timeout
    }

    /// Whether a missing lock timeout was already reported in this revision.
    pub fn timeout_reported(&self) -> bool {
        self.timeout_reported
    }

    /// Whether the revision set `statement_timeout` before the statement.
    pub fn statement_timeout(&self) -> bool {
        self.statement_timeout
    }

    /// Whether a missing statement timeout was already reported in this revision.
    pub fn statement_timeout_reported(&self) -> bool {
        self.statement_timeout_reported
    }

    /// Whether `name` was added `NOT VALID` in the transaction the statement runs in.
    pub fn added_not_valid(&self, name: &str) -> bool {
        self.not_valid.contains(name)
    }

    /// Whether a validated `CHECK (column IS NOT NULL)` covers `table.column`.
    pub fn proven_not_null(&self, table: &str, column: &str) -> bool {
        self.proven_not_null
            .contains(&(table.to_string(), column.to_string()))
    }

    /// Whether an earlier statement declared `table.column` nullable (and none made it NOT
    /// NULL since).
    pub fn declared_nullable(&self, table: &str, column: &str) -> bool {
        self.nullable
            .contains(&(table.to_string(), column.to_string()))
    }

    /// Whether `table` is an existing table the revision dropped (a rebuild renames another
    /// table to it next).
    pub fn dropped_existing(&self, table: &str) -> bool {
        self.dropped.contains(table)
    }

    /// The columns of `table` declared NOT NULL without a default, in name order.
    pub fn required_columns(&self, table: &str) -> Vec<&str> {
        self.required
            .iter()
            .filter(|(t, _)| t == table)
            .map(|(_, c)| c.as_str())
            .collect()
    }

    /// The type of `table.column` when an earlier statement stated it.
    pub fn column_type(&self, table: &str, column: &str) -> Option<&ColumnType> {
        self.columns.get(table)?.get(column)
    }

    /// Takes in what `action` does, after the rules have looked at it.
    pub fn apply(&mut self, action: &Action) {
        if super::rules::locked_table(action).is_some_and(|table| !self.is_new(table)) {
            self.timeout_reported |= !self.lock_timeout;
            self.statement_timeout_reported |= !self.statement_timeout;
        }
        match action {
            Action::CreateTable { table, columns } => {
                self.created.insert(table.clone());
                self.columns
                    .insert(table.clone(), columns.iter().cloned().collect());
            }
            Action::CreateRelation { name } => {
                self.created.insert(name.clone());
            }
            Action::CreateIndex { index, .. } if !index.is_empty() => {
                self.created.insert(index.clone());
            }
            Action::DropTable { table } => {
                if !self.created.contains(table) {
                    self.dropped.insert(table.clone());
                }
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
                if self.dropped.contains(to) {
                    self.rebuilt.insert(to.clone());
                }
                if self.created.remove(from) {
                    self.created.insert(to.clone());
                }
                if let Some(columns) = self.columns.remove(from) {
                    self.columns.insert(to.clone(), columns);
                }
                for set in [&mut self.nullable, &mut self.required] {
                    let moved: Vec<String> = set
                        .iter()
                        .filter(|(t, _)| t == from)
                        .map(|(_, c)| c.clone())
                        .collect();
                    set.retain(|(t, _)| t != from && t != to);
                    set.extend(moved.into_iter().map(|c| (to.clone(), c)));
                }
            }
            Action::AddConstraint {
                table,
                name,
                not_valid,
                not_null_of,
                ..
            } => {
                if *not_valid && self.in_transaction() {
                    self.not_valid.insert(name.clone());
                }
                if let Some(column) = not_null_of {
                    self.not_null_checks
                        .insert(name.clone(), (table.clone(), column.clone()));
                }
            }
            Action::ValidateConstraint { name, .. } => {
                if let Some(pair) = self.not_null_checks.get(name) {
                    self.proven_not_null.insert(pair.clone());
                }
            }
            Action::SetTimeout { lock: true } => self.lock_timeout = true,
            Action::SetTimeout { lock: false } => self.statement_timeout = true,
            Action::DeclareColumn {
                table,
                column,
                facts,
                ..
            } => {
                let key = (table.clone(), column.clone());
                if facts.not_null {
                    if !facts.has_default && !facts.primary_key {
                        self.required.insert(key);
                    }
                } else {
                    self.required.remove(&key);
                    self.nullable.insert(key);
                }
            }
            Action::SetNotNull { table, column } => {
                self.nullable.remove(&(table.clone(), column.clone()));
            }
            Action::Pragma { name } if name == "foreign_key_check" => {
                self.foreign_keys_checked = true;
            }
            Action::Begin => self.explicit = true,
            Action::Commit => {
                self.explicit = false;
                self.not_valid.clear();
            }
            _ => {}
        }
    }
}
