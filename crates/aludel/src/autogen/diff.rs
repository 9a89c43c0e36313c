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
    let table_renames = table_renames(from, to, renames);
    let old_name = |new: &str| table_renames.get(new).copied().unwrap_or(new).to_string();
    let mut phases = Phases::default();
    phases.compare_enums(from, to);
    for (new, old) in &table_renames {
        phases.renamed.push(Change::RenameTable {
            from: old.to_string(),
            to: new.to_string(),
        });
    }
    for (name, target) in &to.tables {
        let old = old_name(name);
        let Some(current) = from.tables.get(&old) else {
            continue;
        };
        let pair = TablePair {
            table: name.to_string(),
            current,
            target,
            col_renames: &column_renames(renames, name, &old, current, target),
        };
        phases.compare_table(&pair);
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
    phases.add_tables(&added);
    phases.drop_tables(&dropped);
    let altered = phases.altered_tables();
    let objects = super::objects::compare(from, to, &altered);
    phases.into_changes(objects)
}

/// The table rename hints that apply (the old name only in `from`, the new only in `to`),
/// keyed by the new name.
fn table_renames<'a>(
    from: &Schema,
    to: &Schema,
    renames: &'a [Rename],
) -> BTreeMap<&'a str, &'a str> {
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
    table_renames
}

/// The column rename hints that apply to table `name` (once `old`), keyed by the new name: the
/// old column only in `current`, the new only in `target`.
fn column_renames<'a>(
    renames: &'a [Rename],
    name: &str,
    old: &str,
    current: &Table,
    target: &Table,
) -> BTreeMap<&'a str, &'a str> {
    renames
        .iter()
        .filter_map(|r| match r {
            Rename::Column {
                table,
                from: o,
                to: n,
            } if (table == name || table == old)
                && current.column(o).is_some()
                && target.column(n).is_some()
                && current.column(n).is_none()
                && target.column(o).is_none() =>
            {
                Some((n.as_str(), o.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// The changes sorted into the phases [`diff`] emits, in that order.
#[derive(Default)]
struct Phases {
    enums_first: Vec<Change>,
    renamed: Vec<Change>,
    drops_of_constraints: Vec<Change>,
    // Altered enums go after the constraints that are dropped (which may name a label that
    // goes away) and before the table changes (which may use a new label).
    enums_altered: Vec<Change>,
    table_changes: Vec<Change>,
    adds: Vec<Change>,
    adds_of_fks: Vec<Change>,
    drops: Vec<Change>,
    enums_last: Vec<Change>,
}

impl Phases {
    /// Enum types created first, altered between the constraint drops and the table changes,
    /// dropped last.
    fn compare_enums(&mut self, from: &Schema, to: &Schema) {
        for (name, values) in &to.enums {
            match from.enums.get(name) {
                None => self.enums_first.push(Change::CreateEnum {
                    name: name.clone(),
                    values: values.clone(),
                }),
                Some(old) if old != values => self.enums_altered.push(Change::AlterEnum {
                    name: name.clone(),
                    from: old.clone(),
                    to: values.clone(),
                }),
                _ => {}
            }
        }
        for (name, values) in &from.enums {
            if !to.enums.contains_key(name) {
                self.enums_last.push(Change::DropEnum {
                    name: name.clone(),
                    values: values.clone(),
                });
            }
        }
    }

    /// The changes to a table present on both sides.
    fn compare_table(&mut self, pair: &TablePair<'_>) {
        self.drops_of_constraints.extend(pair.dropped_constraints());
        let columns = pair.column_changes();
        match pair.primary_key_change() {
            // A key whose columns come or go is dropped before the column changes and added
            // after them: the old key may be on a column that goes away, the new one on a
            // column that is added. The downgrade, reversed, adds the old column before its
            // key.
            Some(Change::AlterPrimaryKey {
                table,
                name,
                from,
                to,
            }) if !from.is_empty() && !to.is_empty() && touches_key(&columns, &from, &to) => {
                self.drops_of_constraints.push(Change::AlterPrimaryKey {
                    table: table.clone(),
                    name: pair.current.primary_key_name.clone(),
                    from,
                    to: Vec::new(),
                });
                self.table_changes.extend(columns);
                self.table_changes.push(Change::AlterPrimaryKey {
                    table,
                    name,
                    from: Vec::new(),
                    to,
                });
            }
            key => {
                self.table_changes.extend(columns);
                self.table_changes.extend(key);
            }
        }
        self.table_changes.extend(pair.added_constraints());
        self.table_changes.extend(pair.attribute_changes());
        self.adds_of_fks.extend(pair.added_foreign_keys());
    }

    /// New tables in dependency order; a foreign key closing a cycle is added afterwards.
    fn add_tables(&mut self, added: &[&Table]) {
        for (table, deferred) in dependency_order(added) {
            let mut table = table.clone();
            for fk in &deferred {
                table.foreign_keys.retain(|f| !f.same_as(fk));
                self.adds_of_fks.push(Change::AddForeignKey {
                    table: table.name.clone(),
                    foreign_key: fk.clone(),
                });
            }
            self.adds.push(Change::AddTable(table));
        }
    }

    /// Vanished tables in reverse dependency order; a foreign key closing a cycle is dropped
    /// with the other constraints, before any table.
    fn drop_tables(&mut self, dropped: &[&Table]) {
        for (table, deferred) in dependency_order(dropped).into_iter().rev() {
            let mut table = table.clone();
            for fk in &deferred {
                table.foreign_keys.retain(|f| !f.same_as(fk));
                self.drops_of_constraints.push(Change::DropForeignKey {
                    table: table.name.clone(),
                    foreign_key: fk.clone(),
                });
            }
            self.drops.push(Change::DropTable(table));
        }
    }

    /// The tables whose columns change or which go away: the objects that use them are in
    /// the way of the change.
    fn altered_tables(&self) -> BTreeSet<&str> {
        let columns = self.table_changes.iter().filter(|c| {
            matches!(
                c,
                Change::AlterColumn { .. }
                    | Change::DropColumn { .. }
                    | Change::RenameColumn { .. }
            )
        });
        columns
            .chain(&self.drops)
            .filter_map(Change::table)
            .collect()
    }

    fn into_changes(self, objects: super::objects::ObjectChanges) -> Vec<Change> {
        let mut out = self.enums_first;
        // Late objects go first: an early object replaced by a drop and a create needs the
        // views and triggers that use it out of the way.
        out.extend(objects.late_drops);
        out.extend(objects.early_creates);
        out.extend(self.renamed);
        out.extend(self.drops_of_constraints);
        out.extend(self.enums_altered);
        out.extend(self.table_changes);
        out.extend(self.adds);
        out.extend(self.adds_of_fks);
        out.extend(self.drops);
        out.extend(objects.late_creates);
        out.extend(objects.early_drops);
        out.extend(self.enums_last);
        out
    }
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

/// One table as the database has it (`current`) and as the models want it (`target`), with
/// the column renames that apply to it.
struct TablePair<'a> {
    table: String,
    current: &'a Table,
    target: &'a Table,
    col_renames: &'a BTreeMap<&'a str, &'a str>,
}

impl TablePair<'_> {
    /// Foreign keys, indexes, uniques and checks the target lacks; they go before any column
    /// change, since a dropped column may still carry them.
    fn dropped_constraints(&self) -> Vec<Change> {
        let (current, target, table) = (self.current, self.target, &self.table);
        let mut drops = Vec::new();
        for fk in &current.foreign_keys {
            if !target
                .foreign_keys
                .iter()
                .any(|f| f.same_as(&renamed_fk(fk, self.col_renames)))
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
            let cols: Vec<String> = u
                .columns
                .iter()
                .map(|c| new_name(c, self.col_renames))
                .collect();
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
        drops
    }

    /// Renamed columns, then added and altered ones in the target's order, then dropped ones.
    fn column_changes(&self) -> Vec<Change> {
        let (current, target, table) = (self.current, self.target, &self.table);
        let old_col = |new: &str| {
            self.col_renames
                .get(new)
                .copied()
                .unwrap_or(new)
                .to_string()
        };
        let renamed_old: BTreeSet<&str> = self.col_renames.values().copied().collect();
        let mut changes = Vec::new();
        for (new, old) in self.col_renames {
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
        changes
    }

    /// The primary key, compared after column renames; the name the models give wins.
    fn primary_key_change(&self) -> Option<Change> {
        let (current, target) = (self.current, self.target);
        let current_pk: Vec<String> = current
            .primary_key
            .iter()
            .map(|c| new_name(c, self.col_renames))
            .collect();
        (current_pk != target.primary_key).then(|| Change::AlterPrimaryKey {
            table: self.table.clone(),
            name: target
                .primary_key_name
                .clone()
                .or_else(|| current.primary_key_name.clone()),
            from: current_pk,
            to: target.primary_key.clone(),
        })
    }

    /// Uniques, indexes and checks the target adds; foreign keys come later, see
    /// [`TablePair::added_foreign_keys`].
    fn added_constraints(&self) -> Vec<Change> {
        let (current, target, table) = (self.current, self.target, &self.table);
        let mut changes = Vec::new();
        for u in &target.uniques {
            if !current.uniques.iter().any(|c| {
                c.columns
                    .iter()
                    .map(|x| new_name(x, self.col_renames))
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
        changes
    }

    /// The table's comment and options.
    fn attribute_changes(&self) -> Vec<Change> {
        let (current, target) = (self.current, self.target);
        let mut changes = Vec::new();
        if current.comment != target.comment {
            changes.push(Change::AlterTableComment {
                table: self.table.clone(),
                from: current.comment.clone(),
                to: target.comment.clone(),
            });
        }
        if current.options != target.options {
            changes.push(Change::AlterTableOptions {
                table: self.table.clone(),
                from: current.options.clone(),
                to: target.options.clone(),
            });
        }
        changes
    }

    /// Foreign keys the target adds; they go after every table exists.
    fn added_foreign_keys(&self) -> Vec<Change> {
        self.target
            .foreign_keys
            .iter()
            .filter(|fk| {
                !self
                    .current
                    .foreign_keys
                    .iter()
                    .any(|c| renamed_fk(c, self.col_renames).same_as(fk))
            })
            .map(|fk| Change::AddForeignKey {
                table: self.table.clone(),
                foreign_key: fk.clone(),
            })
            .collect()
    }
}

/// Whether `columns` (a table's column changes) drop a column of the old key `from` or add
/// one of the new key `to`.
fn touches_key(columns: &[Change], from: &[String], to: &[String]) -> bool {
    columns.iter().any(|c| match c {
        Change::DropColumn { column, .. } => from.contains(&column.name),
        Change::AddColumn { column, .. } => to.contains(&column.name),
        _ => false,
    })
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
        && a.options == b.options
}
