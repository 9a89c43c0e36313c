//! The differ: two [`Schema`]s in, an ordered list of [`Change`]s out. Pure data, no I/O, no
//! SQL; every change knows its [`reverse`](Change::reverse), so a downgrade is the upgrade
//! reversed.

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, Schema, Table, TableOptions, UniqueConstraint,
};
use crate::{Error, Result};

/// One difference between two schemas, as an operation that turns the first into the second.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// A new PostgreSQL enum type.
    CreateEnum {
        /// The type's name.
        name: String,
        /// Its labels in order.
        values: Vec<String>,
    },
    /// A PostgreSQL enum type removed.
    DropEnum {
        /// The type's name.
        name: String,
        /// Its labels in order (for the reverse).
        values: Vec<String>,
    },
    /// A PostgreSQL enum type whose labels change: added labels only is `ADD VALUE`; a removed
    /// or reordered label needs the type rebuilt.
    AlterEnum {
        /// The type's name.
        name: String,
        /// Labels before.
        from: Vec<String>,
        /// Labels after.
        to: Vec<String>,
    },
    /// A new table, with its indexes and constraints.
    AddTable(Table),
    /// A table removed.
    DropTable(Table),
    /// A table renamed (from a `--rename old:new` hint).
    RenameTable {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A new column.
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: Column,
    },
    /// A column removed.
    DropColumn {
        /// The table.
        table: String,
        /// The column as it was.
        column: Column,
    },
    /// A column renamed (from a `--rename table.old:new` hint).
    RenameColumn {
        /// The table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A column whose type, nullability, server default, comment or identity changes.
    AlterColumn {
        /// The table.
        table: String,
        /// The column before.
        from: Column,
        /// The column after.
        to: Column,
    },
    /// The primary key changes.
    AlterPrimaryKey {
        /// The table.
        table: String,
        /// The constraint's name where the database names it.
        name: Option<String>,
        /// Key columns before (empty: none).
        from: Vec<String>,
        /// Key columns after (empty: none).
        to: Vec<String>,
    },
    /// A new index.
    AddIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// An index removed.
    DropIndex {
        /// The table.
        table: String,
        /// The index as it was.
        index: Index,
    },
    /// A new UNIQUE constraint.
    AddUnique {
        /// The table.
        table: String,
        /// The constraint.
        unique: UniqueConstraint,
    },
    /// A UNIQUE constraint removed.
    DropUnique {
        /// The table.
        table: String,
        /// The constraint as it was.
        unique: UniqueConstraint,
    },
    /// A new CHECK constraint.
    AddCheck {
        /// The table.
        table: String,
        /// The constraint.
        check: CheckConstraint,
    },
    /// A CHECK constraint removed.
    DropCheck {
        /// The table.
        table: String,
        /// The constraint as it was.
        check: CheckConstraint,
    },
    /// A new foreign key.
    AddForeignKey {
        /// The referencing table.
        table: String,
        /// The key.
        foreign_key: ForeignKey,
    },
    /// A foreign key removed.
    DropForeignKey {
        /// The referencing table.
        table: String,
        /// The key as it was.
        foreign_key: ForeignKey,
    },
    /// The table comment changes.
    AlterTableComment {
        /// The table.
        table: String,
        /// The comment before.
        from: Option<String>,
        /// The comment after.
        to: Option<String>,
    },
    /// MySQL table options change.
    AlterTableOptions {
        /// The table.
        table: String,
        /// Options before.
        from: TableOptions,
        /// Options after.
        to: TableOptions,
    },
}

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

impl Change {
    /// The change that undoes this one.
    pub fn reverse(&self) -> Change {
        use Change::*;
        match self.clone() {
            CreateEnum { name, values } => DropEnum { name, values },
            DropEnum { name, values } => CreateEnum { name, values },
            AlterEnum { name, from, to } => AlterEnum {
                name,
                from: to,
                to: from,
            },
            AddTable(t) => DropTable(t),
            DropTable(t) => AddTable(t),
            RenameTable { from, to } => RenameTable { from: to, to: from },
            AddColumn { table, column } => DropColumn { table, column },
            DropColumn { table, column } => AddColumn { table, column },
            RenameColumn { table, from, to } => RenameColumn {
                table,
                from: to,
                to: from,
            },
            AlterColumn { table, from, to } => AlterColumn {
                table,
                from: to,
                to: from,
            },
            AlterPrimaryKey {
                table,
                name,
                from,
                to,
            } => AlterPrimaryKey {
                table,
                name,
                from: to,
                to: from,
            },
            AddIndex { table, index } => DropIndex { table, index },
            DropIndex { table, index } => AddIndex { table, index },
            AddUnique { table, unique } => DropUnique { table, unique },
            DropUnique { table, unique } => AddUnique { table, unique },
            AddCheck { table, check } => DropCheck { table, check },
            DropCheck { table, check } => AddCheck { table, check },
            AddForeignKey { table, foreign_key } => DropForeignKey { table, foreign_key },
            DropForeignKey { table, foreign_key } => AddForeignKey { table, foreign_key },
            AlterTableComment { table, from, to } => AlterTableComment {
                table,
                from: to,
                to: from,
            },
            AlterTableOptions { table, from, to } => AlterTableOptions {
                table,
                from: to,
                to: from,
            },
        }
    }

    /// The table this change is about, if it is about one.
    pub fn table(&self) -> Option<&str> {
        use Change::*;
        match self {
            CreateEnum { .. } | DropEnum { .. } | AlterEnum { .. } => None,
            AddTable(t) | DropTable(t) => Some(&t.name),
            RenameTable { to, .. } => Some(to),
            AddColumn { table, .. }
            | DropColumn { table, .. }
            | RenameColumn { table, .. }
            | AlterColumn { table, .. }
            | AlterPrimaryKey { table, .. }
            | AddIndex { table, .. }
            | DropIndex { table, .. }
            | AddUnique { table, .. }
            | DropUnique { table, .. }
            | AddCheck { table, .. }
            | DropCheck { table, .. }
            | AddForeignKey { table, .. }
            | DropForeignKey { table, .. }
            | AlterTableComment { table, .. }
            | AlterTableOptions { table, .. } => Some(table),
        }
    }

    /// What was detected, in Alembic's words, one line per aspect (`Detected added column
    /// 'users.phone'`).
    pub fn describe(&self) -> Vec<String> {
        use Change::*;
        match self {
            CreateEnum { name, .. } => vec![format!("Detected added enum '{name}'")],
            DropEnum { name, .. } => vec![format!("Detected removed enum '{name}'")],
            AlterEnum { name, from, to } => {
                let mut out: Vec<String> = to
                    .iter()
                    .filter(|v| !from.contains(v))
                    .map(|v| format!("Detected added value '{v}' to enum '{name}'"))
                    .collect();
                out.extend(
                    from.iter()
                        .filter(|v| !to.contains(v))
                        .map(|v| format!("Detected removed value '{v}' from enum '{name}'")),
                );
                if out.is_empty() {
                    out.push(format!("Detected reordered values of enum '{name}'"));
                }
                out
            }
            AddTable(t) => vec![format!("Detected added table '{}'", t.name)],
            DropTable(t) => vec![format!("Detected removed table '{}'", t.name)],
            RenameTable { from, to } => vec![format!("Detected renamed table '{from}' to '{to}'")],
            AddColumn { table, column } => {
                vec![format!("Detected added column '{table}.{}'", column.name)]
            }
            DropColumn { table, column } => {
                vec![format!("Detected removed column '{table}.{}'", column.name)]
            }
            RenameColumn { table, from, to } => vec![format!(
                "Detected renamed column '{table}.{from}' to '{table}.{to}'"
            )],
            AlterColumn { table, from, to } => {
                let at = format!("'{table}.{}'", to.name);
                let mut out = Vec::new();
                if from.type_ != to.type_ {
                    out.push(format!(
                        "Detected type change from {} to {} on {at}",
                        from.type_, to.type_
                    ));
                }
                if from.nullable != to.nullable {
                    out.push(format!(
                        "Detected {} on column {at}",
                        if to.nullable { "NULL" } else { "NOT NULL" }
                    ));
                }
                if from.default != to.default {
                    out.push(format!(
                        "Detected server default change from {} to {} on column {at}",
                        show(&from.default),
                        show(&to.default)
                    ));
                }
                if from.comment != to.comment {
                    out.push(format!("Detected column comment {at}"));
                }
                if from.identity != to.identity {
                    out.push(format!("Detected autoincrement change on column {at}"));
                }
                out
            }
            AlterPrimaryKey {
                table, from, to, ..
            } => {
                vec![format!(
                    "Detected primary key change from ({}) to ({}) on '{table}'",
                    from.join(", "),
                    to.join(", ")
                )]
            }
            AddIndex { table, index } => vec![format!(
                "Detected added {}index '{}' on '{table}' ({})",
                unique(index),
                index.name,
                index.parts.join(", ")
            )],
            DropIndex { table, index } => vec![format!(
                "Detected removed {}index '{}' on '{table}'",
                unique(index),
                index.name
            )],
            AddUnique { table, unique } => vec![format!(
                "Detected added unique constraint {}on '{table}' ({})",
                named(&unique.name),
                unique.columns.join(", ")
            )],
            DropUnique { table, unique } => vec![format!(
                "Detected removed unique constraint {}on '{table}' ({})",
                named(&unique.name),
                unique.columns.join(", ")
            )],
            AddCheck { table, check } => vec![format!(
                "Detected added check constraint {}on '{table}': {}",
                named(&check.name),
                check.expression
            )],
            DropCheck { table, check } => vec![format!(
                "Detected removed check constraint {}on '{table}': {}",
                named(&check.name),
                check.expression
            )],
            AddForeignKey {
                table,
                foreign_key: fk,
            } => vec![format!(
                "Detected added foreign key ({})({}) on table {table}",
                fk.columns.join(", "),
                fk.ref_columns.join(", ")
            )],
            DropForeignKey {
                table,
                foreign_key: fk,
            } => vec![format!(
                "Detected removed foreign key ({})({}) on table {table}",
                fk.columns.join(", "),
                fk.ref_columns.join(", ")
            )],
            AlterTableComment { table, to, .. } => vec![match to {
                Some(_) => format!("Detected changed table comment on '{table}'"),
                None => format!("Detected removed table comment on '{table}'"),
            }],
            AlterTableOptions { table, from, to } => vec![format!(
                "Detected table options change on '{table}': {} -> {}",
                options(from),
                options(to)
            )],
        }
    }
}

fn show(value: &Option<String>) -> String {
    value
        .as_deref()
        .map_or_else(|| "None".to_string(), |v| format!("'{v}'"))
}

fn unique(index: &Index) -> &'static str {
    if index.unique { "unique " } else { "" }
}

fn named(name: &Option<String>) -> String {
    name.as_deref()
        .map(|n| format!("'{n}' "))
        .unwrap_or_default()
}

fn options(o: &TableOptions) -> String {
    let parts: Vec<String> = [
        ("ENGINE", &o.engine),
        ("CHARSET", &o.charset),
        ("COLLATE", &o.collation),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
    .collect();
    parts.join(" ")
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
