//! MySQL/MariaDB rendering: `MODIFY COLUMN` with the whole definition, inline comments, table
//! options, FULLTEXT and SPATIAL indexes, and foreign keys added with the index the models'
//! database made for them (so the target names it the same) and dropped together with it.
//! Views, triggers and routines run their `SHOW CREATE` text, under the `sql_mode` they were
//! made with.

use std::collections::BTreeSet;

use super::MySqlDialect;
use crate::dialect::render::{Builder, unique_name};
use crate::schema::{
    Change, Column, ForeignKey, Identity, Index, Object, ObjectKind, Schema, Table, TableOptions,
};

/// The statements that carry out `changes` on MySQL, one change at a time except where MySQL
/// needs two in one statement (see [`auto_increment_key`]); `from` is the schema they start
/// from, `to` the one they lead to (where an added column goes).
pub(super) fn render(
    d: &MySqlDialect,
    changes: &[Change],
    from: &Schema,
    to: &Schema,
) -> Vec<String> {
    let b = &Builder {
        d,
        index_method: false,
        named_primary_key: false,
    };
    let created: BTreeSet<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AddTable(t) if t.sql.is_some() => Some(t.name.as_str()),
            _ => None,
        })
        .collect();
    let at = Context { to, created };
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
            None => out.extend(render_one(b, change, &at)),
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

/// What a change is rendered against.
struct Context<'a> {
    /// The schema the changes lead to.
    to: &'a Schema,
    /// Tables created from their `SHOW CREATE TABLE` text in these changes, which creates the
    /// keys of their foreign keys too.
    created: BTreeSet<&'a str>,
}

fn render_one(b: &Builder, change: &Change, at: &Context) -> Vec<String> {
    use Change::*;
    let q = |s: &str| b.q(s);
    match change {
        CreateEnum { .. } | DropEnum { .. } | AlterEnum { .. } => vec![],
        CreateObject(o) => create_object(b, o),
        DropObject(o) => vec![drop_object(b, o)],
        ReplaceObject { from, to } => {
            let mut out = vec![drop_object(b, from)];
            out.extend(create_object(b, to));
            out
        }
        AddTable(t) => create_table(b, t),
        DropTable(t) => vec![b.drop_table(&t.name)],
        RenameTable { from, to } => vec![format!("RENAME TABLE {} TO {}", q(from), q(to))],
        AddColumn { table, column } => vec![format!(
            "ALTER TABLE {} ADD COLUMN {}{}",
            q(table),
            column_def(b, column),
            position(b, at.to, table, &column.name)
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
        AddIndex { table, index } => vec![create_index(b, table, index)],
        DropIndex { table, index } => {
            vec![format!("DROP INDEX {} ON {}", q(&index.name), q(table))]
        }
        AddUnique { .. }
        | DropUnique { .. }
        | AddCheck { .. }
        | DropCheck { .. }
        | AddForeignKey { .. }
        | DropForeignKey { .. } => constraint(b, change, at),
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
fn constraint(b: &Builder, change: &Change, at: &Context) -> Vec<String> {
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
        AddForeignKey { table, foreign_key } => {
            let key = implicit_key(b, foreign_key)
                .filter(|_| !at.created.contains(table.as_str()))
                .map(|k| format!("ADD {k}, "))
                .unwrap_or_default();
            vec![format!(
                "ALTER TABLE {} {key}ADD {}",
                q(table),
                b.foreign_key(foreign_key)
            )]
        }
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

/// ` AFTER col` (or ` FIRST`) where the column goes in `to`, unless it is the last.
fn position(b: &Builder, to: &Schema, table: &str, column: &str) -> String {
    let Some(columns) = to.tables.get(table).map(|t| &t.columns) else {
        return String::new();
    };
    match columns.iter().position(|c| c.name == column) {
        Some(i) if i + 1 == columns.len() => String::new(),
        Some(0) => " FIRST".to_string(),
        Some(i) => format!(" AFTER {}", b.q(&columns[i - 1].name)),
        None => String::new(),
    }
}

/// The table's `SHOW CREATE TABLE` text, which states it exactly, without the foreign keys
/// the plan adds later (a cycle); else the statement made from the model.
fn create_table(b: &Builder, t: &Table) -> Vec<String> {
    match &t.sql {
        Some(sql) => vec![without_foreign_keys(sql, t)],
        None => vec![assemble_table(b, t)],
    }
}

/// `sql` without the `CONSTRAINT name FOREIGN KEY` lines of keys `t` no longer has.
fn without_foreign_keys(sql: &str, t: &Table) -> String {
    let (Some(open), Some(close)) = (sql.find(" (\n"), sql.find("\n)")) else {
        return sql.to_string();
    };
    let body = &sql[open + 3..close];
    let kept: Vec<&str> = body
        .split(",\n")
        .filter(|item| {
            let Some(rest) = item.trim_start().strip_prefix("CONSTRAINT `") else {
                return true;
            };
            let Some((name, _)) = rest.split_once("` FOREIGN KEY (") else {
                return true;
            };
            let name = name.replace("``", "`");
            t.foreign_keys
                .iter()
                .any(|fk| fk.name.as_deref() == Some(name.as_str()))
        })
        .collect();
    format!("{}{}{}", &sql[..open + 3], kept.join(",\n"), &sql[close..])
}

/// `CREATE TABLE` with its indexes inline, as `SHOW CREATE TABLE` writes them, and the index
/// the models' database made for each foreign key under the same name.
fn assemble_table(b: &Builder, t: &Table) -> String {
    let mut items: Vec<String> = t.columns.iter().map(|c| column_def(b, c)).collect();
    if !t.primary_key.is_empty() {
        items.push(format!("PRIMARY KEY ({})", b.list(&t.primary_key)));
    }
    items.extend(t.indexes.values().map(|ix| {
        format!(
            "{}KEY {} ({}){}{}",
            index_kind(ix),
            b.q(&ix.name),
            ix.parts.join(", "),
            index_using(ix),
            index_options(ix)
        )
    }));
    items.extend(t.foreign_keys.iter().filter_map(|fk| implicit_key(b, fk)));
    items.extend(t.uniques.iter().map(|u| b.unique(&t.name, u)));
    items.extend(t.checks.iter().map(|c| b.check(&t.name, c)));
    items.extend(t.foreign_keys.iter().map(|fk| b.foreign_key(fk)));
    let mut suffix = table_options(b, &TableOptions::default(), &t.options);
    if let Some(c) = &t.comment {
        suffix.push_str(&format!(" COMMENT={}", b.lit(c)));
    }
    format!(
        "CREATE TABLE {} (\n    {}\n){suffix}",
        b.q(&t.name),
        items.join(",\n    ")
    )
}

/// `UNIQUE `, `FULLTEXT `, `SPATIAL ` or nothing, before `KEY` or `INDEX`.
fn index_kind(index: &Index) -> &'static str {
    match index.method.as_deref() {
        Some("FULLTEXT") => "FULLTEXT ",
        Some("SPATIAL") => "SPATIAL ",
        _ if index.unique => "UNIQUE ",
        _ => "",
    }
}

/// ` USING HASH` and the like, for a method that is not a kind of index of its own.
fn index_using(index: &Index) -> String {
    match index.method.as_deref() {
        None | Some("FULLTEXT" | "SPATIAL") => String::new(),
        Some(method) => format!(" USING {method}"),
    }
}

/// ` COMMENT '…' IGNORED` and the like, after the key parts and the method.
fn index_options(index: &Index) -> String {
    index
        .options
        .as_ref()
        .map(|o| format!(" {o}"))
        .unwrap_or_default()
}

fn create_index(b: &Builder, table: &str, index: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({}){}{}",
        index_kind(index),
        b.q(&index.name),
        b.q(table),
        index.parts.join(", "),
        index_using(index),
        index_options(index)
    )
}

/// `KEY name (columns)` for the index the server made for `fk` in the models' database.
fn implicit_key(b: &Builder, fk: &ForeignKey) -> Option<String> {
    let name = fk.implicit_index.as_ref()?;
    Some(format!("KEY {} ({})", b.q(name), b.list(&fk.columns)))
}

/// The statements that create `o`: its definition, under the `sql_mode` it states, if any
/// (the session's own is restored after).
fn create_object(b: &Builder, o: &Object) -> Vec<String> {
    let prefix = super::SQL_MODE_PREFIX;
    let Some((mode, definition)) = o
        .definition
        .strip_prefix(prefix)
        .and_then(|rest| rest.split_once("';\n"))
    else {
        return vec![b.create_object(o)];
    };
    let create = Object {
        definition: definition.to_string(),
        ..o.clone()
    };
    vec![
        "SET @aludel_sql_mode = @@SESSION.sql_mode".to_string(),
        format!("SET SESSION sql_mode = {}", b.lit(mode)),
        b.create_object(&create),
        "SET SESSION sql_mode = @aludel_sql_mode".to_string(),
    ]
}

/// `DROP VIEW|TRIGGER|FUNCTION|PROCEDURE name`.
fn drop_object(b: &Builder, o: &Object) -> String {
    match o.key.kind {
        ObjectKind::View | ObjectKind::Trigger | ObjectKind::Function | ObjectKind::Procedure => {
            format!(
                "DROP {} {}",
                o.key.kind.describe().to_ascii_uppercase(),
                b.q(&o.key.name)
            )
        }
        _ => b.drop_object(o, false),
    }
}

fn column_def(b: &Builder, c: &Column) -> String {
    // The column's own CHECK ends its type and goes last.
    let (type_, check) = match c.type_.rfind(super::COLUMN_CHECK) {
        Some(at) if c.type_.ends_with(')') => c.type_.split_at(at),
        _ => (c.type_.as_str(), ""),
    };
    let mut sql = format!("{} {type_}", b.q(&c.name));
    // A generated column takes no NULL or NOT NULL (MariaDB refuses them).
    if !type_.contains(" GENERATED ALWAYS AS ") {
        sql.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    }
    match c.default.as_deref() {
        Some(d) if d.starts_with("ON UPDATE ") => sql.push_str(&format!(" {d}")),
        Some(d) => sql.push_str(&format!(" DEFAULT {d}")),
        None => {}
    }
    if c.identity == Some(Identity::AutoIncrement) {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &c.comment {
        sql.push_str(&format!(" COMMENT {}", b.lit(comment)));
    }
    sql.push_str(check);
    sql
}
