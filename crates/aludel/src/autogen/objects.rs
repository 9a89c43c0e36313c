//! The objects around the tables (views, functions, triggers, sequences, ...): which to create,
//! drop or replace, and where in the plan. Pure data, like the rest of the differ.
//!
//! An object that needs a table, directly or through other objects (a view, a trigger, an
//! index on a materialized view), is *late*: created after the table changes and dropped
//! before them. Any other object (an extension, a type, a sequence, most functions) is
//! *early*: the tables may need it, so it is created before the table changes and dropped
//! after them. Within a phase, objects follow the dependencies the catalog recorded; the
//! downgrade, being the upgrade reversed, is the mirror image.
//!
//! A late object that is unchanged but depends on a table whose columns change (or whose
//! enum type changes) is dropped before the change and created again after it, because the
//! databases refuse to alter or drop a column a view uses; so is a late object that uses an
//! early object that changes, which the dialect may replace by a drop and a create.

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::{Change, Object, ObjectKey, ObjectKind, Schema};

/// The object changes, by where they go in the plan.
#[derive(Default)]
pub(super) struct ObjectChanges {
    /// Early objects created or replaced, before any table change.
    pub early_creates: Vec<Change>,
    /// Late objects dropped (removed, replaced, or in the way of a column change), before any
    /// table change.
    pub late_drops: Vec<Change>,
    /// Late objects created (new, replaced, or re-created), after every table change.
    pub late_creates: Vec<Change>,
    /// Early objects removed, after every table change.
    pub early_drops: Vec<Change>,
}

/// The object changes that turn `from` into `to`. `altered_tables`: tables whose columns
/// change or which are dropped, whose dependent late objects must be re-created.
pub(super) fn compare(
    from: &Schema,
    to: &Schema,
    altered_tables: &BTreeSet<&str>,
) -> ObjectChanges {
    let late_from = late_objects(from);
    let late_to = late_objects(to);
    let mut tables: BTreeSet<&str> = altered_tables.clone();
    tables.extend(tables_using_altered_enums(from, to));
    let mut in_the_way = dependents_of_tables(from, &tables);
    in_the_way.extend(late_dependents_of_replaced(from, to, &late_from));

    let mut drop_keys: BTreeSet<&ObjectKey> = BTreeSet::new();
    let mut create_keys: BTreeSet<&ObjectKey> = BTreeSet::new();
    let mut replaced_early: BTreeSet<&ObjectKey> = BTreeSet::new();
    for (key, old) in &from.objects {
        match to.objects.get(key) {
            None => {
                drop_keys.insert(key);
            }
            Some(new) if !new.same_as(old) => {
                if late_from.contains(key) || late_to.contains(key) {
                    drop_keys.insert(key);
                    create_keys.insert(key);
                } else {
                    replaced_early.insert(key);
                }
            }
            Some(_) if in_the_way.contains(key) => {
                drop_keys.insert(key);
                create_keys.insert(key);
            }
            Some(_) => {}
        }
    }
    // What uses an object that is dropped must go first and come back after it.
    loop {
        let cascade: Vec<&ObjectKey> = from
            .objects
            .iter()
            .filter(|(k, o)| {
                !drop_keys.contains(k) && o.depends_on.iter().any(|d| drop_keys.contains(d))
            })
            .map(|(k, _)| k)
            .collect();
        if cascade.is_empty() {
            break;
        }
        for key in cascade {
            drop_keys.insert(key);
            replaced_early.remove(key);
            if to.objects.contains_key(key) {
                create_keys.insert(key);
            }
        }
    }
    create_keys.extend(to.objects.keys().filter(|k| !from.objects.contains_key(*k)));

    let mut out = ObjectChanges::default();
    for key in dependency_order(from, &drop_keys).into_iter().rev() {
        let change = Change::DropObject(from.objects[key].clone());
        if late_from.contains(key) {
            out.late_drops.push(change);
        } else {
            out.early_drops.push(change);
        }
    }
    let early_to: BTreeSet<&ObjectKey> = create_keys
        .iter()
        .chain(&replaced_early)
        .copied()
        .filter(|k| !late_to.contains(*k))
        .collect();
    for key in dependency_order(to, &early_to) {
        out.early_creates.push(match from.objects.get(key) {
            Some(old) if replaced_early.contains(key) => Change::ReplaceObject {
                from: old.clone(),
                to: to.objects[key].clone(),
            },
            _ => Change::CreateObject(to.objects[key].clone()),
        });
    }
    let late_keys: BTreeSet<&ObjectKey> = create_keys
        .iter()
        .copied()
        .filter(|k| late_to.contains(*k))
        .collect();
    for key in dependency_order(to, &late_keys) {
        out.late_creates
            .push(Change::CreateObject(to.objects[key].clone()));
    }
    out
}

/// The tables with a column of an enum type that changes: either direction of the change may
/// rebuild the type (a label removed), which converts those columns, so what uses them (a view)
/// must be out of the way.
fn tables_using_altered_enums<'a>(from: &'a Schema, to: &Schema) -> Vec<&'a str> {
    let altered: Vec<&str> = from
        .enums
        .iter()
        .filter(|(name, values)| to.enums.get(*name).is_some_and(|v| v != *values))
        .map(|(name, _)| name.as_str())
        .collect();
    from.tables
        .values()
        .filter(|t| {
            t.columns.iter().any(|c| {
                let base = c.type_.trim_end_matches("[]");
                altered
                    .iter()
                    .any(|n| base == *n || base.ends_with(&format!(".{n}")))
            })
        })
        .map(|t| t.name.as_str())
        .collect()
}

/// The late objects that use, directly or through other objects, an early object that changes
/// (the dialect may replace it by a drop and a create, which they would be in the way of).
fn late_dependents_of_replaced<'a>(
    from: &'a Schema,
    to: &Schema,
    late: &BTreeSet<&ObjectKey>,
) -> BTreeSet<&'a ObjectKey> {
    let mut hit: BTreeSet<&ObjectKey> = from
        .objects
        .iter()
        .filter(|(k, o)| !late.contains(k) && to.objects.get(*k).is_some_and(|n| !n.same_as(o)))
        .map(|(k, _)| k)
        .collect();
    loop {
        let before = hit.len();
        for (key, o) in &from.objects {
            if !hit.contains(key) && o.depends_on.iter().any(|d| hit.contains(d)) {
                hit.insert(key);
            }
        }
        if hit.len() == before {
            return hit.into_iter().filter(|k| late.contains(k)).collect();
        }
    }
}

/// The objects of `schema` that need a table, directly or through other objects.
fn late_objects(schema: &Schema) -> BTreeSet<&ObjectKey> {
    let mut late: BTreeSet<&ObjectKey> = BTreeSet::new();
    loop {
        let before = late.len();
        for (key, o) in &schema.objects {
            if !late.contains(key) && needs_table_or(o, &late) {
                late.insert(key);
            }
        }
        if late.len() == before {
            return late;
        }
    }
}

fn needs_table_or(o: &Object, late: &BTreeSet<&ObjectKey>) -> bool {
    o.table.is_some()
        || o.depends_on
            .iter()
            .any(|d| d.kind == ObjectKind::Table || late.contains(d))
}

/// The objects of `schema` that depend, directly or through other objects, on one of `tables`.
fn dependents_of_tables<'a>(
    schema: &'a Schema,
    tables: &BTreeSet<&str>,
) -> BTreeSet<&'a ObjectKey> {
    let mut hit: BTreeSet<&ObjectKey> = BTreeSet::new();
    loop {
        let before = hit.len();
        for (key, o) in &schema.objects {
            let on_table =
                |d: &ObjectKey| d.kind == ObjectKind::Table && tables.contains(d.name.as_str());
            if !hit.contains(key)
                && (o.table.as_deref().is_some_and(|t| tables.contains(t))
                    || o.depends_on.iter().any(|d| on_table(d) || hit.contains(d)))
            {
                hit.insert(key);
            }
        }
        if hit.len() == before {
            return hit;
        }
    }
}

/// `keys` ordered so that each comes after the objects among `keys` it depends on (ties: kind,
/// then name). A cycle, which the catalogs do not allow, is broken in key order.
fn dependency_order<'a>(schema: &Schema, keys: &BTreeSet<&'a ObjectKey>) -> Vec<&'a ObjectKey> {
    let needs: BTreeMap<&ObjectKey, Vec<&ObjectKey>> = keys
        .iter()
        .map(|k| {
            let deps = schema.objects[*k]
                .depends_on
                .iter()
                .filter(|d| keys.contains(d) && d != k)
                .collect();
            (*k, deps)
        })
        .collect();
    let mut placed: BTreeSet<&ObjectKey> = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < keys.len() {
        let ready = keys
            .iter()
            .find(|k| !placed.contains(*k) && needs[*k].iter().all(|d| placed.contains(d)))
            .or_else(|| keys.iter().find(|k| !placed.contains(*k)))
            .copied()
            .expect("an unplaced key remains while out is short");
        placed.insert(ready);
        out.push(ready);
    }
    out
}

#[cfg(test)]
mod tests;
