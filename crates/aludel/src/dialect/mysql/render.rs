//! MySQL/MariaDB rendering: `MODIFY COLUMN` with the whole definition, inline comments, table
//! options, and foreign keys dropped together with the index the server made for them.

use super::MySqlDialect;
use crate::dialect::render::{Builder, unique_name};
use crate::schema::Change;
use crate::schema::{Column, Identity, Schema, Table, TableOptions};

/// The statements that carry out `changes` on MySQL (`from` is the schema they start from),
/// one change at a time, except where MySQL needs two in one statement (see
/// [`auto_increment_key`]).
pub(super) fn render(d: &MySqlDialect, changes: &[Change], from: &Schema) -> Vec<String> {
    let b = &Builder {
        d,
        index_method: false,
        named_primary_key: false,
    };
    let mut done = vec![false; changes.len()];
    let mut out = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        if done[i] {
            continue;
        }
        match auto_increment_key(b, changes, i, from) {
            Some((sql, also)) => {
                out.push(sql);
                if let Some(j) = also {
                    done[j] = true;
                }
            }
            None => out.extend(render_one(b, change)),
        }
    }
    out
}

/// MySQL wants an `AUTO_INCREMENT` column to be part of a key at every moment: the primary key
/// on such a column is dropped together with the column's `AUTO_INCREMENT`, and such a column
/// is added together with the primary key that a later change in the list puts on it (which
/// is then done). The statement, and the index of the change it also carries out.
fn auto_increment_key(
    b: &Builder,
    changes: &[Change],
    i: usize,
    from: &Schema,
) -> Option<(String, Option<usize>)> {
    let auto = |c: &Column| c.identity == Some(Identity::AutoIncrement);
    match &changes[i] {
        Change::AlterPrimaryKey {
            table,
            from: key,
            to,
            ..
        } if to.is_empty() => {
            let columns = &from.tables.get(table)?.columns;
            let plain: Vec<String> = columns
                .iter()
                .filter(|c| auto(c) && key.contains(&c.name))
                .map(|c| {
                    let without = Column {
                        identity: None,
                        ..c.clone()
                    };
                    format!("MODIFY COLUMN {}, ", column_def(b, &without))
                })
                .collect();
            (!plain.is_empty()).then(|| {
                let sql = format!(
                    "ALTER TABLE {} {}DROP PRIMARY KEY",
                    b.q(table),
                    plain.concat()
                );
                (sql, None)
            })
        }
        Change::AddColumn { table, column } if auto(column) => {
            let j = changes
                .iter()
                .enumerate()
                .skip(i + 1)
                .find_map(|(j, c)| match c {
                    Change::AlterPrimaryKey {
                        table: t, from, to, ..
                    } if t == table && from.is_empty() && to.contains(&column.name) => Some(j),
                    _ => None,
                })?;
            let Change::AlterPrimaryKey { to, .. } = &changes[j] else {
                return None;
            };
            let sql = format!(
                "ALTER TABLE {} ADD COLUMN {}, ADD PRIMARY KEY ({})",
                b.q(table),
                column_def(b, column),
                b.list(to)
            );
            Some((sql, Some(j)))
        }
        _ => None,
    }
}

fn render_one(b: &Builder, change: &Change) -> Vec<String> {
    use Change::*;
    let q = |s: &str| b.q(s);
    match change {
        CreateEnum { .. } | DropEnum { .. } | AlterEnum { .. } => vec![],
        CreateObject(o) => vec![b.create_object(o)],
        DropObject(o) => vec![b.drop_object(o, false)],
        ReplaceObject { from, to } => vec![b.drop_object(from, false), b.create_object(to)],
        AddTable(t) => create_table(b, t),
        DropTable(t) => vec![b.drop_table(&t.name)],
        RenameTable { from, to } => vec![format!("RENAME TABLE {} TO {}", q(from), q(to))],
        AddColumn { table, column } => vec![format!(
            "ALTER TABLE {} ADD COLUMN {}",
            q(table),
            column_def(b, column)
        )],
        DropColumn { table, column } => vec![b.drop_column(table, &column.name)],
        RenameColumn { table, from, to } => vec![b.rename_column(table, from, to)],
        AlterColumn { table, to, .. } => vec![format!(
            "ALTER TABLE {} MODIFY COLUMN {}",
            q(table),
            column_def(b, to)
        )],
        AlterPrimaryKey {
            table, from, to, ..
        } => {
            let mut parts = Vec::new();
            if !from.is_empty() {
                parts.push("DROP PRIMARY KEY".to_string());
            }
            if !to.is_empty() {
                parts.push(format!("ADD PRIMARY KEY ({})", b.list(to)));
            }
            vec![format!("ALTER TABLE {} {}", q(table), parts.join(", "))]
        }
        AddIndex { table, index } => vec![b.create_index(table, index)],
        DropIndex { table, index } => {
            vec![format!("DROP INDEX {} ON {}", q(&index.name), q(table))]
        }
        AddUnique { .. }
        | DropUnique { .. }
        | AddCheck { .. }
        | DropCheck { .. }
        | AddForeignKey { .. }
        | DropForeignKey { .. } => constraint(b, change),
        AlterTableComment { table, to, .. } => {
            vec![format!(
                "ALTER TABLE {} COMMENT = {}",
                q(table),
                b.lit(to.as_deref().unwrap_or(""))
            )]
        }
        AlterTableOptions { table, from, to } => {
            let options = table_options(b, from, to);
            if options.is_empty() {
                vec![]
            } else {
                vec![format!("ALTER TABLE {}{options}", q(table))]
            }
        }
    }
}

/// UNIQUE, CHECK and foreign-key constraints added or dropped; `render_one` sends only these.
fn constraint(b: &Builder, change: &Change) -> Vec<String> {
    use Change::*;
    let q = |s: &str| b.q(s);
    match change {
        AddUnique { table, unique } => vec![b.add_unique(table, unique)],
        DropUnique { table, unique } => {
            let name = unique_name(table, unique);
            vec![format!("DROP INDEX {} ON {}", q(&name), q(table))]
        }
        AddCheck { table, check } => vec![b.add_check(table, check)],
        DropCheck { table, check } => vec![b.drop_check(table, check)],
        AddForeignKey { table, foreign_key } => vec![b.add_foreign_key(table, foreign_key)],
        DropForeignKey { table, foreign_key } => {
            let name = foreign_key.name.clone().unwrap_or_default();
            let mut out = vec![format!(
                "ALTER TABLE {} DROP FOREIGN KEY {}",
                q(table),
                q(&name)
            )];
            if let Some(index) = &foreign_key.implicit_index {
                out.push(format!("DROP INDEX {} ON {}", q(index), q(table)));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The options of `to` that differ from `from`, each with a leading space.
fn table_options(b: &Builder, from: &TableOptions, to: &TableOptions) -> String {
    let mut out = String::new();
    if to.engine != from.engine
        && let Some(e) = &to.engine
    {
        out.push_str(&format!(" ENGINE={e}"));
    }
    if to.charset != from.charset || to.collation != from.collation {
        if let Some(c) = &to.charset {
            out.push_str(&format!(" DEFAULT CHARACTER SET={c}"));
        }
        if let Some(c) = &to.collation {
            out.push_str(&format!(" COLLATE={c}"));
        }
    }
    let _ = b;
    out
}

fn create_table(b: &Builder, t: &Table) -> Vec<String> {
    let mut suffix = table_options(b, &TableOptions::default(), &t.options);
    if let Some(c) = &t.comment {
        suffix.push_str(&format!(" COMMENT={}", b.lit(c)));
    }
    let mut out = vec![b.create_table(t, |c| column_def(b, c), &suffix)];
    out.extend(t.indexes.values().map(|ix| b.create_index(&t.name, ix)));
    out
}

fn column_def(b: &Builder, c: &Column) -> String {
    let mut sql = format!(
        "{} {} {}",
        b.q(&c.name),
        c.type_,
        if c.nullable { "NULL" } else { "NOT NULL" }
    );
    if let Some(d) = &c.default {
        sql.push_str(&format!(" DEFAULT {d}"));
    }
    if c.identity == Some(Identity::AutoIncrement) {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &c.comment {
        sql.push_str(&format!(" COMMENT {}", b.lit(comment)));
    }
    sql
}
