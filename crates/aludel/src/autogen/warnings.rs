//! Warnings on generated changes: what destroys data, what may fail on a table that has rows,
//! what locks, and drop+add pairs that may be renames.
//!
//! The risk warnings come from the same rules as `aludel lint` ([`crate::lint`]): each change
//! becomes the lint [`Action`] it performs, and every rule it breaks speaks in autogenerate's
//! voice. Tables the changes add count as new, as a table created earlier in the same revision
//! does for lint. Renames are not passed to the rules: autogenerate renames only what the user
//! named with `--rename`.
//!
//! Three warnings have no lint rule (yet): setting `NOT NULL` on a nullable column, removing an
//! enum value, and the drop+add pairs that may be renames; they are written here.

use std::collections::BTreeSet;

use super::Change;
use crate::config::Backend;
use crate::dialect::dialect_for;
use crate::lint::{Action, ColumnFacts, ColumnType, Known, Rule, check};

/// Warnings about `changes` rendered for `backend`, one sentence each.
pub fn warnings(changes: &[Change], backend: Backend) -> Vec<String> {
    warnings_for(changes, backend, false)
}

/// The warnings of the safe form ([`super::Generated::made_safe`]), which builds indexes
/// concurrently.
pub(super) fn safe_warnings(changes: &[Change], backend: Backend) -> Vec<String> {
    warnings_for(changes, backend, true)
}

fn warnings_for(changes: &[Change], backend: Backend, concurrent: bool) -> Vec<String> {
    let added_tables: BTreeSet<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AddTable(t) => Some(t.name.as_str()),
            _ => None,
        })
        .collect();
    let mut known = Known::new(dialect_for(backend));
    for table in &added_tables {
        known.mark_new(table);
    }
    let mut out = Vec::new();
    for change in changes {
        if let Some(action) = action(change, backend, concurrent) {
            // The lock timeout is the revision's business, not a change's: the safe form
            // sets it at the top.
            out.extend(
                check(&action, &known)
                    .into_iter()
                    .filter(|(rule, _)| {
                        !matches!(
                            rule,
                            Rule::MissingLockTimeout | Rule::MissingStatementTimeout
                        )
                    })
                    .map(|(_, message)| message.autogenerate),
            );
        }
        out.extend(unruled(change));
    }
    out.extend(rename_suggestions(changes, &added_tables));
    out
}

/// The lint action `change` performs, when a rule may care.
fn action(change: &Change, backend: Backend, concurrent: bool) -> Option<Action> {
    Some(match change {
        Change::DropTable(t) => Action::DropTable {
            table: t.name.clone(),
        },
        Change::DropColumn { table, column } => Action::DropColumn {
            table: table.clone(),
            column: column.name.clone(),
        },
        Change::AddColumn { table, column } => Action::AddColumn {
            table: table.clone(),
            column: column.name.clone(),
            ty: Some(ColumnType::read(&column.type_, backend)),
            not_null_without_default: !column.nullable
                && column.default.is_none()
                && column.identity.is_none(),
            facts: ColumnFacts {
                not_null: !column.nullable,
                has_default: column.default.is_some() || column.identity.is_some(),
                ..ColumnFacts::default()
            },
        },
        Change::AlterColumn { table, from, to } if from.type_ != to.type_ => Action::ChangeType {
            table: table.clone(),
            column: to.name.clone(),
            from: Some(ColumnType::read(&from.type_, backend)),
            ty: ColumnType::read(&to.type_, backend),
        },
        Change::AddIndex { table, index } => Action::CreateIndex {
            table: table.clone(),
            index: index.name.clone(),
            concurrently: concurrent,
        },
        _ => return None,
    })
}

/// The warnings of `change` that no lint rule covers.
fn unruled(change: &Change) -> Vec<String> {
    match change {
        Change::AlterColumn { table, from, to } if from.nullable && !to.nullable => {
            vec![format!(
                "setting NOT NULL on '{table}.{}' fails if it holds NULL",
                to.name
            )]
        }
        Change::AlterEnum { name, from, to } => from
            .iter()
            .filter(|v| !to.contains(v))
            .map(|v| {
                format!("removing value '{v}' from enum '{name}' fails if a row still uses it")
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A hint for each dropped table beside an added one, and each dropped column beside an added
/// column of the same table: the differ cannot tell a rename from a drop and an add.
fn rename_suggestions(changes: &[Change], added_tables: &BTreeSet<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for change in changes {
        if let Change::DropTable(old) = change {
            for new in added_tables {
                out.push(format!(
                    "table '{old}' was removed and '{new}' added: if this is a rename, pass --rename {old}:{new}",
                    old = old.name
                ));
            }
        }
    }
    for change in changes {
        let Change::DropColumn { table, column } = change else {
            continue;
        };
        for other in changes {
            if let Change::AddColumn {
                table: t,
                column: added,
            } = other
                && t == table
            {
                out.push(format!(
                    "column '{table}.{}' was removed and '{table}.{}' added: if this is a rename, pass --rename {table}.{}:{}",
                    column.name, added.name, column.name, added.name
                ));
            }
        }
    }
    out
}
