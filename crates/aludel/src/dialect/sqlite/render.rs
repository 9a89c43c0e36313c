//! SQLite rendering. What `ALTER TABLE` can do (add or rename a column, drop a plain column,
//! rename a table) is done with it; anything else on a table (a column's type, nullability or
//! default, constraints, foreign keys) becomes one table rebuild as SQLite's documentation
//! prescribes: create the new definition under a temporary name, copy the common columns, drop
//! the old table, rename the new one, recreate the indexes. The views and triggers that touch
//! the table are dropped before and created again after, as that procedure says (a rename
//! checks every one of them). Foreign-key enforcement is off on aludel's connections, so
//! dropping the old table neither cascades nor fails.

use std::collections::{BTreeMap, BTreeSet};

use super::SqliteDialect;
use crate::dialect::render::{Builder, Context};
use crate::schema::text::{Kind, tokens};
use crate::schema::{Change, Column, Object, ObjectKey, Schema, Table};

/// The statements that carry out `changes` on SQLite, turning `from` into `to`.
pub(super) fn render(
    d: &SqliteDialect,
    changes: &[Change],
    from: &Schema,
    to: &Schema,
) -> Vec<String> {
    let b = &Builder {
        d,
        index_method: false,
        named_primary_key: false,
    };
    let ctx = &Context { changes, from, to };
    let rebuilt: BTreeSet<&str> = ctx
        .changes
        .iter()
        .filter(|c| needs_rebuild(c, ctx))
        .filter_map(Change::table)
        .collect();
    let (added, dropped) = added_and_dropped(changes);
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for change in ctx.changes {
        let q = |s: &str| b.q(s);
        match change {
            Change::CreateEnum { .. } | Change::DropEnum { .. } | Change::AlterEnum { .. } => {}
            Change::CreateObject(o) => out.push(b.create_object(o)),
            Change::DropObject(o) => out.push(b.drop_object(o, false)),
            Change::ReplaceObject { from, to } => {
                out.push(b.drop_object(from, false));
                out.push(b.create_object(to));
            }
            Change::AddTable(t) => out.extend(create_table(b, t)),
            Change::DropTable(t) => out.push(b.drop_table(&t.name)),
            Change::RenameTable { from, to } => {
                out.push(format!("ALTER TABLE {} RENAME TO {}", q(from), q(to)))
            }
            Change::RenameColumn { table, from, to } => out.push(b.rename_column(table, from, to)),
            // A table created or dropped in this migration carries its foreign keys in its
            // definition.
            Change::AddForeignKey { table, .. } if added.contains(table.as_str()) => {}
            Change::DropForeignKey { table, .. } if dropped.contains(table.as_str()) => {}
            other => {
                let Some(table) = other.table() else { continue };
                if rebuilt.contains(table) {
                    if done.insert(table) {
                        out.extend(rebuild(b, ctx, table));
                    }
                    continue;
                }
                out.extend(alter_in_place(b, other));
            }
        }
    }
    out
}

/// The tables this migration creates and those it drops.
fn added_and_dropped(changes: &[Change]) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let mut added = BTreeSet::new();
    let mut dropped = BTreeSet::new();
    for change in changes {
        match change {
            Change::AddTable(t) => {
                added.insert(t.name.as_str());
            }
            Change::DropTable(t) => {
                dropped.insert(t.name.as_str());
            }
            _ => {}
        }
    }
    (added, dropped)
}

/// The one statement for a change to a table that is not rebuilt, if SQLite has one.
fn alter_in_place(b: &Builder, change: &Change) -> Option<String> {
    let q = |s: &str| b.q(s);
    match change {
        Change::AddColumn { table, column } => Some(format!(
            "ALTER TABLE {} ADD COLUMN {}",
            q(table),
            column_def(b, column)
        )),
        Change::DropColumn { table, column } => Some(b.drop_column(table, &column.name)),
        Change::AddIndex { table, index } => Some(b.create_index(table, index)),
        Change::DropIndex { index, .. } => Some(format!("DROP INDEX {}", q(&index.name))),
        // Comments and table options do not exist in SQLite.
        _ => None,
    }
}

/// Whether `change` is beyond SQLite's `ALTER TABLE`.
fn needs_rebuild(change: &Change, ctx: &Context) -> bool {
    match change {
        Change::AddColumn { table, column } => {
            let in_key = ctx
                .to
                .tables
                .get(table)
                .is_some_and(|t| t.primary_key.contains(&column.name));
            let constant_default = column.default.as_deref().is_none_or(|d| {
                let d = d.trim().to_ascii_uppercase();
                !d.starts_with('(') && !d.starts_with("CURRENT_")
            });
            in_key
                || generated(column) == Some(Generated::Stored)
                || !constant_default
                || (!column.nullable && column.default.is_none())
                || !added_last(ctx, table, &column.name)
        }
        Change::DropColumn { table, column } => {
            let Some(t) = current_table(ctx, table) else {
                return true;
            };
            let name = column.name.as_str();
            t.primary_key.iter().any(|c| c == name)
                || t.columns
                    .iter()
                    .any(|c| c.name != name && generated(c).is_some() && c.type_.contains(name))
                || t.uniques
                    .iter()
                    .any(|u| u.columns.iter().any(|c| c == name))
                || t.foreign_keys
                    .iter()
                    .any(|f| f.columns.iter().any(|c| c == name))
                || t.checks.iter().any(|c| c.expression.contains(name))
                || t.indexes.values().any(|i| {
                    i.parts.iter().any(|p| p.contains(name))
                        || i.predicate.as_deref().is_some_and(|p| p.contains(name))
                })
        }
        Change::AlterColumn { .. }
        | Change::AlterTableOptions { .. }
        | Change::AlterPrimaryKey { .. }
        | Change::AddUnique { .. }
        | Change::DropUnique { .. }
        | Change::AddCheck { .. }
        | Change::DropCheck { .. }
        | Change::AddForeignKey { .. }
        | Change::DropForeignKey { .. } => true,
        _ => false,
    }
}

/// How a generated column keeps its value.
#[derive(Debug, PartialEq, Eq)]
enum Generated {
    Virtual,
    Stored,
}

/// Whether `c` is a generated column, and which kind: introspection writes the clause into the
/// type (`NUMERIC GENERATED ALWAYS AS (price * qty) STORED`).
fn generated(c: &Column) -> Option<Generated> {
    if !c.type_.contains("GENERATED ALWAYS AS (") {
        return None;
    }
    Some(match c.type_.ends_with(" STORED") {
        true => Generated::Stored,
        false => Generated::Virtual,
    })
}

/// Whether `ADD COLUMN`, which appends, puts `column` where `ctx.to` has it: no column the
/// table already has comes after it (a downgrade re-adding a dropped column in the middle
/// rebuilds instead, so the table is as it was).
fn added_last(ctx: &Context, table: &str, column: &str) -> bool {
    let (Some(target), Some(current)) = (ctx.to.tables.get(table), current_table(ctx, table))
    else {
        return true;
    };
    let mut after = target
        .columns
        .iter()
        .skip_while(|c| c.name != column)
        .skip(1);
    !after.any(|c| current.column(&c.name).is_some())
}

/// The table `name` (its name after any rename in this migration) as it was before.
fn current_table<'a>(ctx: &Context<'a>, name: &str) -> Option<&'a Table> {
    let old = ctx
        .changes
        .iter()
        .find_map(|c| match c {
            Change::RenameTable { from, to } if to == name => Some(from.as_str()),
            _ => None,
        })
        .unwrap_or(name);
    ctx.from.tables.get(old)
}

/// The twelve-step rebuild of `name` into its definition in `ctx.to`, keeping the data of the
/// columns both definitions share. The views and triggers that touch the table are dropped
/// first and created again at the end (SQLite checks every view and trigger when a table is
/// renamed), unless the plan drops them itself.
fn rebuild(b: &Builder, ctx: &Context, name: &str) -> Vec<String> {
    let Some(target) = ctx.to.tables.get(name) else {
        return vec![];
    };
    let dependents = in_the_way(ctx, current_table(ctx, name).map_or(name, |t| &t.name));
    let mut out: Vec<String> = dependents
        .iter()
        .rev()
        .map(|o| b.drop_object(o, false))
        .collect();
    let mut current: Vec<String> = current_table(ctx, name)
        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    for c in ctx.changes {
        if let Change::RenameColumn { table, from, to } = c
            && table == name
        {
            for col in current.iter_mut().filter(|c| *c == from) {
                *col = to.clone();
            }
        }
    }
    // Generated columns compute themselves: neither written nor read by the copy.
    let computed: BTreeSet<&str> = current_table(ctx, name)
        .into_iter()
        .flat_map(|t| &t.columns)
        .chain(&target.columns)
        .filter(|c| generated(c).is_some())
        .map(|c| c.name.as_str())
        .collect();
    let common: Vec<String> = target
        .columns
        .iter()
        .filter(|c| current.contains(&c.name) && !computed.contains(c.name.as_str()))
        .map(|c| c.name.clone())
        .collect();
    let tmp = format!("_aludel_tmp_{name}");
    out.push(match &target.sql {
        Some(sql) => create_table_as(sql, &tmp),
        None => generated_create(
            b,
            &Table {
                name: tmp.clone(),
                ..target.clone()
            },
        ),
    });
    let cols = b.list(&common);
    out.push(format!(
        "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
        b.q(&tmp),
        b.q(name)
    ));
    out.push(b.drop_table(name));
    out.push(format!("ALTER TABLE {} RENAME TO {}", b.q(&tmp), b.q(name)));
    out.extend(target.indexes.values().map(|ix| b.create_index(name, ix)));
    out.extend(
        dependents
            .iter()
            .filter_map(|o| ctx.to.objects.get(&o.key))
            .map(|o| b.create_object(o)),
    );
    out
}

/// The views and triggers of `ctx.from` on `table` or naming it, directly or through another
/// view, that the plan does not drop by itself; in an order they can be created in.
fn in_the_way<'a>(ctx: &Context<'a>, table: &str) -> Vec<&'a Object> {
    let dropped: BTreeSet<&ObjectKey> = ctx
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropObject(o) | Change::ReplaceObject { from: o, .. } => Some(&o.key),
            _ => None,
        })
        .collect();
    let table_key = ObjectKey::table(table);
    // Each object with its depth: how many objects of the set it stands on.
    let mut depth: BTreeMap<&ObjectKey, usize> = BTreeMap::new();
    loop {
        let before = depth.clone();
        for (key, o) in &ctx.from.objects {
            let on_table = o.table.as_deref() == Some(table) || o.depends_on.contains(&table_key);
            let below = o.depends_on.iter().filter_map(|d| before.get(d)).max();
            if on_table || below.is_some() {
                depth.insert(
                    key,
                    below.map_or(0, |d| (d + 1).min(ctx.from.objects.len())),
                );
            }
        }
        if depth == before {
            break;
        }
    }
    let mut found: Vec<(usize, &Object)> = depth
        .into_iter()
        .filter(|(k, _)| !dropped.contains(k))
        .map(|(k, d)| (d, &ctx.from.objects[k]))
        .collect();
    found.sort_by(|a, b| (a.0, &a.1.key).cmp(&(b.0, &b.1.key)));
    found.into_iter().map(|(_, o)| o).collect()
}

fn create_table(b: &Builder, t: &Table) -> Vec<String> {
    let mut out = vec![t.sql.clone().unwrap_or_else(|| generated_create(b, t))];
    out.extend(t.indexes.values().map(|ix| b.create_index(&t.name, ix)));
    out
}

fn generated_create(b: &Builder, t: &Table) -> String {
    b.create_table(t, |c| column_def(b, c), "")
}

fn column_def(b: &Builder, c: &Column) -> String {
    let mut sql = format!("{} {}", b.q(&c.name), c.type_);
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        sql.push_str(&format!(" DEFAULT {d}"));
    }
    sql
}

/// The stored `CREATE TABLE` text of a table renamed to `new_name`: everything up to the
/// column list is replaced, so the definition is kept exactly.
fn create_table_as(sql: &str, new_name: &str) -> String {
    let toks = tokens(sql);
    match toks.iter().position(|t| t.kind == Kind::Open) {
        Some(open) => format!(
            "CREATE TABLE \"{}\" {}",
            new_name.replace('"', "\"\""),
            &sql[toks[open].start..]
        ),
        None => sql.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ObjectKind;

    fn table(sql: &str, columns: &[&str], checks: &[&str]) -> Table {
        let name = sql.split_whitespace().nth(2).unwrap().to_string();
        Table {
            name,
            sql: Some(sql.to_string()),
            columns: columns
                .iter()
                .map(|c| Column {
                    name: c.to_string(),
                    type_: "INTEGER".into(),
                    nullable: true,
                    ..Column::default()
                })
                .collect(),
            checks: checks
                .iter()
                .map(|e| crate::schema::CheckConstraint {
                    name: None,
                    expression: e.to_string(),
                })
                .collect(),
            ..Table::default()
        }
    }

    fn object(kind: ObjectKind, name: &str, on: Option<&str>, deps: &[ObjectKey]) -> Object {
        let definition = match kind {
            ObjectKind::View => format!("CREATE VIEW {name} AS SELECT 1"),
            _ => format!("CREATE TRIGGER {name} AFTER INSERT ON t BEGIN SELECT 1; END"),
        };
        Object {
            key: ObjectKey {
                kind,
                name: name.into(),
            },
            table: on.map(str::to_string),
            definition,
            depends_on: deps.to_vec(),
            comment: None,
        }
    }

    fn schema(tables: Vec<Table>, objects: Vec<Object>) -> Schema {
        Schema {
            tables: tables.into_iter().map(|t| (t.name.clone(), t)).collect(),
            objects: objects.into_iter().map(|o| (o.key.clone(), o)).collect(),
            ..Schema::default()
        }
    }

    #[test]
    fn a_rebuild_takes_down_what_touches_the_table_and_puts_it_back_in_order() {
        let before = table("CREATE TABLE t (a INTEGER)", &["a"], &[]);
        let after = table(
            "CREATE TABLE t (a INTEGER CHECK (a > 0))",
            &["a"],
            &["a > 0"],
        );
        let v = object(ObjectKind::View, "v", None, &[ObjectKey::table("t")]);
        let w = object(ObjectKind::View, "w", None, std::slice::from_ref(&v.key));
        let trg = object(ObjectKind::Trigger, "trg", Some("t"), &[]);
        let other = object(ObjectKind::View, "other", None, &[ObjectKey::table("u")]);
        let objects = vec![w.clone(), v.clone(), trg.clone(), other];
        let u = table("CREATE TABLE u (b INTEGER)", &["b"], &[]);
        let from = schema(vec![before, u.clone()], objects.clone());
        let to = schema(vec![after, u], objects);
        let changes = crate::autogen::diff(&from, &to, &[]);
        let sql = render(&SqliteDialect, &changes, &from, &to);
        assert_eq!(
            sql,
            vec![
                "DROP VIEW \"w\"",
                "DROP TRIGGER \"trg\"",
                "DROP VIEW \"v\"",
                "CREATE TABLE \"_aludel_tmp_t\" (a INTEGER CHECK (a > 0))",
                "INSERT INTO \"_aludel_tmp_t\" (\"a\") SELECT \"a\" FROM \"t\"",
                "DROP TABLE \"t\"",
                "ALTER TABLE \"_aludel_tmp_t\" RENAME TO \"t\"",
                "CREATE VIEW v AS SELECT 1",
                "CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT 1; END",
                "CREATE VIEW w AS SELECT 1",
            ]
        );
    }

    #[test]
    fn a_column_added_before_existing_ones_rebuilds() {
        let two = table("CREATE TABLE t (a INTEGER, c INTEGER)", &["a", "c"], &[]);
        let middle = table(
            "CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER)",
            &["a", "b", "c"],
            &[],
        );
        let last = table(
            "CREATE TABLE t (a INTEGER, c INTEGER, b INTEGER)",
            &["a", "c", "b"],
            &[],
        );
        let from = schema(vec![two], vec![]);
        let to = schema(vec![middle], vec![]);
        let sql = render(
            &SqliteDialect,
            &crate::autogen::diff(&from, &to, &[]),
            &from,
            &to,
        );
        assert!(
            sql[0].starts_with("CREATE TABLE \"_aludel_tmp_t\""),
            "{sql:?}"
        );
        let to = schema(vec![last], vec![]);
        let sql = render(
            &SqliteDialect,
            &crate::autogen::diff(&from, &to, &[]),
            &from,
            &to,
        );
        assert_eq!(sql, vec!["ALTER TABLE \"t\" ADD COLUMN \"b\" INTEGER"]);
    }

    #[test]
    fn renames_a_stored_definition() {
        let sql = "CREATE TABLE IF NOT EXISTS \"users\" (id INTEGER)";
        assert_eq!(
            create_table_as(sql, "_aludel_tmp_users"),
            "CREATE TABLE \"_aludel_tmp_users\" (id INTEGER)"
        );
    }
}
