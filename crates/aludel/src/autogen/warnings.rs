//! Lint-style warnings on generated changes: what destroys data, what may fail on a table that
//! has rows, what locks, and drop+add pairs that may be renames.

use std::collections::BTreeSet;

use super::Change;
use crate::config::Backend;

/// Warnings about `changes` rendered for `backend`, one sentence each.
pub fn warnings(changes: &[Change], backend: Backend) -> Vec<String> {
    let added_tables: BTreeSet<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AddTable(t) => Some(t.name.as_str()),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for change in changes {
        match change {
            Change::DropTable(t) => out.push(format!("dropping table '{}' deletes its data", t.name)),
            Change::DropColumn { table, column } => {
                out.push(format!("dropping column '{table}.{}' deletes its data", column.name))
            }
            Change::AddColumn { table, column } if !column.nullable && column.default.is_none() && column.identity.is_none() => {
                out.push(format!(
                    "adding NOT NULL column '{table}.{}' without a default fails if the table has rows",
                    column.name
                ))
            }
            Change::AlterColumn { table, from, to } => {
                if from.type_ != to.type_ {
                    let narrowing = match (length(&from.type_), length(&to.type_)) {
                        (Some((a, n)), Some((b, m))) => a == b && m < n,
                        _ => false,
                    };
                    if narrowing {
                        out.push(format!(
                            "narrowing '{table}.{}' from {} to {} fails or truncates if longer values exist",
                            to.name, from.type_, to.type_
                        ));
                    } else if length(&from.type_).map(|x| x.0) != length(&to.type_).map(|x| x.0) {
                        out.push(format!(
                            "changing the type of '{table}.{}' from {} to {} may fail or lose data, and rewrites the table",
                            to.name, from.type_, to.type_
                        ));
                    }
                }
                if from.nullable && !to.nullable {
                    out.push(format!("setting NOT NULL on '{table}.{}' fails if it holds NULL", to.name));
                }
            }
            Change::AddIndex { table, index } if backend == Backend::Postgres && !added_tables.contains(table.as_str()) => {
                out.push(format!(
                    "CREATE INDEX '{}' on existing table '{table}' without CONCURRENTLY blocks writes while it builds; \
                     consider CREATE INDEX CONCURRENTLY in a migration with transactional = false",
                    index.name
                ))
            }
            Change::AlterEnum { name, from, to } => {
                for v in from.iter().filter(|v| !to.contains(v)) {
                    out.push(format!("removing value '{v}' from enum '{name}' fails if a row still uses it"));
                }
            }
            _ => {}
        }
    }
    let dropped_tables: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable(t) => Some(t.name.as_str()),
            _ => None,
        })
        .collect();
    for old in &dropped_tables {
        for new in &added_tables {
            out.push(format!(
                "table '{old}' was removed and '{new}' added: if this is a rename, pass --rename {old}:{new}"
            ));
        }
    }
    for change in changes {
        if let Change::DropColumn { table, column } = change {
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
    }
    out
}

/// A type's name and its length or precision, when it has one: `varchar(50)` → (`varchar`, 50).
fn length(type_: &str) -> Option<(String, u64)> {
    let (base, rest) = type_.split_once('(')?;
    let n = rest.split([')', ',']).next()?.trim().parse().ok()?;
    Some((base.trim().to_ascii_lowercase(), n))
}

#[cfg(test)]
mod tests {
    #[test]
    fn lengths_are_read_from_types() {
        assert_eq!(
            super::length("character varying(50)"),
            Some(("character varying".into(), 50))
        );
        assert_eq!(super::length("NUMERIC(10,2)"), Some(("numeric".into(), 10)));
        assert_eq!(super::length("text"), None);
    }
}
