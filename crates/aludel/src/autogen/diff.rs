//! The differ: two [`Schema`]s in, an ordered list of [`Change`]s out. Pure data, no I/O, no
//! SQL; every change knows its [`reverse`](Change::reverse) (see [`crate::schema::Change`]),
//! so a downgrade is the upgrade reversed.

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::{Change, Column, ForeignKey, Index, Schema, Table};
use crate::{Error, Result};

/// A rename hint: `--rename old:new` for a table, `--rename table.old:new` for a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rename {
    /// A table renamed from `from` to `to`.
    Table {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A column of `table` (old or new table name) renamed from `from` to `to`.
    Column {
        /// The table.
        table: String,
        /// The old column name.
        from: String,
        /// The new column name.
        to: String,
    },
}

impl Rename {
    /// Parses `old:new` or `table.old:new`.
    pub fn parse(hint: &str) -> Result<Rename> {
        let bad = || {
            Error::refused(format!("invalid rename hint '{hint}'"))
                .with_hint("write OLD:NEW for a table or TABLE.OLD:NEW for a column")
        };
        let (left, to) = hint.split_once(':').ok_or_else(bad)?;
        let to = to.trim();
        if to.is_empty() || to.contains(['.', ':']) {
            return Err(bad());
        }
        match left.trim().split_once('.') {
            Some((table, from)) if !table.is_empty() && !from.is_empty() => Ok(Rename::Column {
                table: table.to_string(),
                from: from.to_string(),
                to: to.to_string(),
            }),
            Some(_) => Err(bad()),
            None if !left.trim().is_empty() => Ok(Rename::Table {
                from: left.trim().to_string(),
                to: to.to_string(),
            }),
            None => Err(bad()),
        }
    }
}

/// The changes that turn `from` (the database) into `to` (the models), ordered so that every
/// statement finds what it needs: referenced tables exist before a foreign key points at
/// them, and foreign keys go before what they reference. `renames` are the user's hints;
/// without one, a vanished and a new table (or column) are a drop and an add.
pub fn diff(from: &Schema, to: &Schema, renames: &[Rename]) -> Vec<Change> {
    let mut table_renames: BTreeMap<&str, &str> = BTreeMap::new(); // new -> old
    for r in renames {
        if let Rename::Table { from: old, to: new } = r
            && from.tables.contains_key(old)
            && to.tables.contains_key(new)
            && !from.tables.contains_key(new)
            && !to.tables.contains_key(old)
        {
            table_renames.insert(new, old);
        }
    }
    let old_name = |new: &str| table_renames.get(new).copied().unwrap_or(new).to_string();

    let mut enums_first = Vec::new();
    let mut enums_last = Vec::new();
    // Altered enums go after the constraints that are dropped (which may name a label that
    // goes away) and before the table changes (which may use a new label).
    let mut enums_altered = Vec::new();
    for (name, values) in &to.enums {
        match from.enums.get(name) {
            None => enums_first.push(Change::CreateEnum {
                name: name.clone(),
                values: values.clone(),
            }),
            Some(old) if old != values => enums_altered.push(Change::AlterEnum {
                name: name.clone(),
                from: old.clone(),
                to: values.clone(),
            }),
            _ => {}
        }
    }
    for (name, values) in &from.enums {
        if !to.enums.contains_key(name) {
            enums_last.push(Change::DropEnum {
                name: name.clone(),
                values: values.clone(),
            });
        }
    }

    let mut renamed = Vec::new();
    let mut drops_of_constraints = Vec::new();
    let mut table_changes = Vec::new();
    let mut adds_of_fks = Vec::new();
    for (new, old) in &table_renames {
        renamed.push(Change::RenameTable {
            from: old.to_string(),
            to: new.to_string(),
        });
    }
    for (name, target) in &to.tables {
        let Some(current) = from.tables.get(&old_name(name)) else {
            continue;
        };
        let col_renames: BTreeMap<&str, &str> = renames
            .iter()
            .filter_map(|r| match r {
                Rename::Column {
                    table,
                    from: o,
                    to: n,
                } if (table == name || *table == old_name(name))
                    && current.column(o).is_some()
                    && target.column(n).is_some()
                    && current.column(n).is_none()
                    && target.column(o).is_none() =>
                {
                    Some((n.as_str(), o.as_str()))
                }
                _ => None,
            })
            .collect();
        compare_table(
            name,
            current,
            target,
            &col_renames,
            &mut drops_of_constraints,
            &mut table_changes,
            &mut adds_of_fks,
        );
    }

    let added: Vec<&Table> = to
        .tables
        .values()
        .filter(|t| {
            !table_renames.contains_key(t.name.as_str()) && !from.tables.contains_key(&t.name)
        })
        .collect();
    let renamed_old: BTreeSet<&str> = table_renames.values().copied().collect();
    let dropped: Vec<&Table> = from
        .tables
        .values()
        .filter(|t| !renamed_old.contains(t.name.as_str()) && !to.tables.contains_key(&t.name))
        .collect();

    let mut adds = Vec::new();
    for (table, deferred) in dependency_order(&added) {
        let mut table = table.clone();
        for fk in &deferred {
            table.foreign_keys.retain(|f| !f.same_as(fk));
            adds_of_fks.push(Change::AddForeignKey {
                table: table.name.clone(),
                foreign_key: fk.clone(),
            });
        }
        adds.push(Change::AddTable(table));
    }
    let mut drops = Vec::new();
    for (table, deferred) in dependency_order(&dropped).into_iter().rev() {
        let mut table = table.clone();
        for fk in &deferred {
            table.foreign_keys.retain(|f| !f.same_as(fk));
            drops_of_constraints.push(Change::DropForeignKey {
                table: table.name.clone(),
                foreign_key: fk.clone(),
            });
        }
        drops.push(Change::DropTable(table));
    }

    let mut out = enums_first;
    out.extend(renamed);
    out.extend(drops_of_constraints);
    out.extend(enums_altered);
    out.extend(table_changes);
    out.extend(adds);
    out.extend(adds_of_fks);
    out.extend(drops);
    out.extend(enums_last);
    out
}

/// `tables` ordered so that a table comes after the tables it references; with each, the
/// foreign keys that point at a table not yet created (a cycle), to be added afterwards.
fn dependency_order<'a>(tables: &[&'a Table]) -> Vec<(&'a Table, Vec<ForeignKey>)> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    let mut left: Vec<&Table> = tables.to_vec();
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            t.foreign_keys.iter().all(|fk| {
                fk.ref_table == t.name
                    || !names.contains(fk.ref_table.as_str())
                    || placed.contains(fk.ref_table.as_str())
            })
        });
        // In a cycle no table is ready: take the first and defer its unresolved keys.
        let i = ready.unwrap_or(0);
        let t = left.remove(i);
        let deferred: Vec<ForeignKey> = t
            .foreign_keys
            .iter()
            .filter(|fk| {
                fk.ref_table != t.name
                    && names.contains(fk.ref_table.as_str())
                    && !placed.contains(fk.ref_table.as_str())
            })
            .cloned()
            .collect();
        placed.insert(&t.name);
        out.push((t, deferred));
    }
    out
}

fn compare_table(
    name: &str,
    current: &Table,
    target: &Table,
    col_renames: &BTreeMap<&str, &str>,
    drops: &mut Vec<Change>,
    changes: &mut Vec<Change>,
    fk_adds: &mut Vec<Change>,
) {
    let table = name.to_string();
    let old_col = |new: &str| col_renames.get(new).copied().unwrap_or(new).to_string();
    let renamed_old: BTreeSet<&str> = col_renames.values().copied().collect();

    for fk in &current.foreign_keys {
        if !target
            .foreign_keys
            .iter()
            .any(|f| f.same_as(&renamed_fk(fk, col_renames)))
        {
            drops.push(Change::DropForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            });
        }
    }
    for (ix_name, ix) in &current.indexes {
        if target
            .indexes
            .get(ix_name)
            .is_none_or(|t| !same_index(ix, t))
        {
            drops.push(Change::DropIndex {
                table: table.clone(),
                index: ix.clone(),
            });
        }
    }
    for u in &current.uniques {
        let cols: Vec<String> = u.columns.iter().map(|c| new_name(c, col_renames)).collect();
        if !target.uniques.iter().any(|t| t.columns == cols) {
            drops.push(Change::DropUnique {
                table: table.clone(),
                unique: u.clone(),
            });
        }
    }
    for c in &current.checks {
        if !target.checks.iter().any(|t| t.key() == c.key()) {
            drops.push(Change::DropCheck {
                table: table.clone(),
                check: c.clone(),
            });
        }
    }

    for (new, old) in col_renames {
        changes.push(Change::RenameColumn {
            table: table.clone(),
            from: old.to_string(),
            to: new.to_string(),
        });
    }
    for col in &target.columns {
        match current.column(&old_col(&col.name)) {
            None => changes.push(Change::AddColumn {
                table: table.clone(),
                column: col.clone(),
            }),
            Some(cur) => {
                let cur = Column {
                    name: col.name.clone(),
                    ..cur.clone()
                };
                if cur != *col {
                    changes.push(Change::AlterColumn {
                        table: table.clone(),
                        from: cur,
                        to: col.clone(),
                    });
                }
            }
        }
    }
    for col in &current.columns {
        if !renamed_old.contains(col.name.as_str()) && target.column(&col.name).is_none() {
            changes.push(Change::DropColumn {
                table: table.clone(),
                column: col.clone(),
            });
        }
    }
    let current_pk: Vec<String> = current
        .primary_key
        .iter()
        .map(|c| new_name(c, col_renames))
        .collect();
    if current_pk != target.primary_key {
        changes.push(Change::AlterPrimaryKey {
            table: table.clone(),
            name: target
                .primary_key_name
                .clone()
                .or_else(|| current.primary_key_name.clone()),
            from: current_pk,
            to: target.primary_key.clone(),
        });
    }
    for u in &target.uniques {
        if !current.uniques.iter().any(|c| {
            c.columns
                .iter()
                .map(|x| new_name(x, col_renames))
                .collect::<Vec<_>>()
                == u.columns
        }) {
            changes.push(Change::AddUnique {
                table: table.clone(),
                unique: u.clone(),
            });
        }
    }
    for (ix_name, ix) in &target.indexes {
        if current
            .indexes
            .get(ix_name)
            .is_none_or(|c| !same_index(c, ix))
        {
            changes.push(Change::AddIndex {
                table: table.clone(),
                index: ix.clone(),
            });
        }
    }
    for c in &target.checks {
        if !current.checks.iter().any(|x| x.key() == c.key()) {
            changes.push(Change::AddCheck {
                table: table.clone(),
                check: c.clone(),
            });
        }
    }
    if current.comment != target.comment {
        changes.push(Change::AlterTableComment {
            table: table.clone(),
            from: current.comment.clone(),
            to: target.comment.clone(),
        });
    }
    if current.options != target.options {
        changes.push(Change::AlterTableOptions {
            table: table.clone(),
            from: current.options.clone(),
            to: target.options.clone(),
        });
    }
    for fk in &target.foreign_keys {
        if !current
            .foreign_keys
            .iter()
            .any(|c| renamed_fk(c, col_renames).same_as(fk))
        {
            fk_adds.push(Change::AddForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            });
        }
    }
}

fn new_name(old: &str, col_renames: &BTreeMap<&str, &str>) -> String {
    col_renames
        .iter()
        .find(|(_, o)| **o == old)
        .map_or(old, |(n, _)| n)
        .to_string()
}

fn renamed_fk(fk: &ForeignKey, col_renames: &BTreeMap<&str, &str>) -> ForeignKey {
    ForeignKey {
        columns: fk
            .columns
            .iter()
            .map(|c| new_name(c, col_renames))
            .collect(),
        ..fk.clone()
    }
}

fn same_index(a: &Index, b: &Index) -> bool {
    let canon = |p: &Option<String>| p.as_deref().map(crate::schema::canonical);
    a.parts == b.parts
        && a.unique == b.unique
        && canon(&a.predicate) == canon(&b.predicate)
        && a.method == b.method
}
