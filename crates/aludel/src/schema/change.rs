//! [`Change`]: one difference between two schemas, as an operation that turns the first into
//! the second. Pure data beside the model it speaks of: the differ produces changes, each
//! dialect renders them, and every change knows its [`reverse`](Change::reverse), so a
//! downgrade is the upgrade reversed.

use super::{
    CheckConstraint, Column, ForeignKey, Index, Object, Table, TableOptions, UniqueConstraint,
};

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
    /// Table options change (MySQL engine, charset, collation; SQLite WITHOUT ROWID, STRICT).
    AlterTableOptions {
        /// The table.
        table: String,
        /// Options before.
        from: TableOptions,
        /// Options after.
        to: TableOptions,
    },
    /// A new object (view, function, trigger, ...): its definition runs as it is.
    CreateObject(Object),
    /// An object removed, or dropped to be re-created after a change it depends on.
    DropObject(Object),
    /// An object whose definition changes: dropped and created again (or replaced in place
    /// where the database can).
    ReplaceObject {
        /// The object before.
        from: Object,
        /// The object after.
        to: Object,
    },
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
            CreateObject(o) => DropObject(o),
            DropObject(o) => CreateObject(o),
            ReplaceObject { from, to } => ReplaceObject { from: to, to: from },
        }
    }

    /// The table this change is about, if it is about one.
    pub fn table(&self) -> Option<&str> {
        use Change::*;
        match self {
            CreateEnum { .. } | DropEnum { .. } | AlterEnum { .. } => None,
            CreateObject(o) | DropObject(o) | ReplaceObject { to: o, .. } => o.table.as_deref(),
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
            AlterEnum { name, from, to } => describe_enum_values(name, from, to),
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
            AlterColumn { table, from, to } => describe_column(table, from, to),
            AlterPrimaryKey {
                table, from, to, ..
            } if from.is_empty() => vec![format!(
                "Detected added primary key ({}) on '{table}'",
                to.join(", ")
            )],
            AlterPrimaryKey {
                table, from, to, ..
            } if to.is_empty() => vec![format!(
                "Detected removed primary key ({}) on '{table}'",
                from.join(", ")
            )],
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
            AddUnique { table, unique } => vec![describe_unique("added", table, unique)],
            DropUnique { table, unique } => vec![describe_unique("removed", table, unique)],
            AddCheck { table, check } => vec![describe_check("added", table, check)],
            DropCheck { table, check } => vec![describe_check("removed", table, check)],
            AddForeignKey { table, foreign_key } => {
                vec![describe_foreign_key("added", table, foreign_key)]
            }
            DropForeignKey { table, foreign_key } => {
                vec![describe_foreign_key("removed", table, foreign_key)]
            }
            AlterTableComment { table, to, .. } => vec![match to {
                Some(_) => format!("Detected changed table comment on '{table}'"),
                None => format!("Detected removed table comment on '{table}'"),
            }],
            AlterTableOptions { table, from, to } => vec![format!(
                "Detected table options change on '{table}': {} -> {}",
                options(from),
                options(to)
            )],
            CreateObject(o) => vec![describe_object("added", o)],
            DropObject(o) => vec![describe_object("removed", o)],
            ReplaceObject { to, .. } => vec![describe_object("changed", to)],
        }
    }
}

/// `Detected added trigger 'audit' on 'orders'`, `Detected changed view 'totals'`.
fn describe_object(what: &str, o: &Object) -> String {
    let on = match &o.table {
        Some(t) if o.key.kind != super::ObjectKind::Sequence => format!(" on '{t}'"),
        _ => String::new(),
    };
    format!(
        "Detected {what} {} '{}'{on}",
        o.key.kind.describe(),
        o.key.name
    )
}

/// One line per label added or removed; a change that only reorders says so.
fn describe_enum_values(name: &str, from: &[String], to: &[String]) -> Vec<String> {
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

/// One line per aspect of the column that changed, as Alembic reports each separately.
fn describe_column(table: &str, from: &Column, to: &Column) -> Vec<String> {
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
    } else if from.sequence != to.sequence {
        out.push(format!(
            "Detected sequence options change from {} to {} on column {at}",
            show(&from.sequence),
            show(&to.sequence)
        ));
    }
    out
}

/// `verb` is `added` or `removed`.
fn describe_unique(verb: &str, table: &str, unique: &UniqueConstraint) -> String {
    format!(
        "Detected {verb} unique constraint {}on '{table}' ({})",
        named(&unique.name),
        unique.columns.join(", ")
    )
}

/// `verb` is `added` or `removed`.
fn describe_check(verb: &str, table: &str, check: &CheckConstraint) -> String {
    format!(
        "Detected {verb} check constraint {}on '{table}': {}",
        named(&check.name),
        check.expression
    )
}

/// `verb` is `added` or `removed`. Alembic's words, then what they leave out: the referenced
/// table and both actions, so that two keys on the same columns are told apart.
fn describe_foreign_key(verb: &str, table: &str, fk: &ForeignKey) -> String {
    let action = |a: &Option<String>| a.clone().unwrap_or_else(|| "NO ACTION".into());
    format!(
        "Detected {verb} foreign key ({})({}) on table {table}, referencing {}({}) ON DELETE {} ON UPDATE {}",
        fk.columns.join(", "),
        fk.ref_columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", "),
        action(&fk.on_delete),
        action(&fk.on_update)
    )
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
    .chain(o.without_rowid.then(|| "WITHOUT ROWID".to_string()))
    .chain(o.strict.then(|| "STRICT".to_string()))
    .chain(o.clauses.iter().map(|c| format!("[{c}]")))
    .collect();
    parts.join(" ")
}
