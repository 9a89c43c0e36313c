//! The neutral schema model autogenerate compares, and [`Change`], one difference between two
//! schemas. A pure leaf: no I/O, no SQL, no database names; each dialect introspects its
//! catalog into this model and renders changes from it.
//!
//! A [`Schema`] holds what a database states about its tables, as the database itself spells
//! it: column types are the catalog's text (`character varying(50)` on PostgreSQL,
//! `varchar(50)` on MySQL, the declared type on SQLite), defaults and CHECK expressions are the
//! database's normalised text. Both sides of a comparison are read by the same catalog queries
//! (the models through a scratch database), so equal text means equal schema. The model knows
//! nothing about rendering or introspection; [`crate::dialect`] does both.

mod change;
// Some helpers serve only one database's introspection, so a build without it leaves them unused.
#[cfg_attr(not(all(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) mod text;

/// Introspection is the dialects' work; this re-export keeps `aludel::schema::introspect`
/// working for existing callers. It is the one name from above this leaf that it mentions.
pub use crate::dialect::introspect;
pub use change::Change;
pub(crate) use text::canonical;

use std::collections::BTreeMap;

use crate::Result;
use crate::config::Config;

/// A database's schema: its tables, (PostgreSQL) enum types, and the objects around them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
    /// PostgreSQL enum types by name, each with its labels in order.
    pub enums: BTreeMap<String, Vec<String>>,
    /// Every other object aludel manages (views, functions, triggers, sequences, ...), by kind
    /// and name.
    pub objects: BTreeMap<ObjectKey, Object>,
    /// Objects the database has that aludel does not manage, by kind and name: listed (never
    /// compared) so that autogenerate and `check` say what they left out. Not compared.
    pub unmanaged: Vec<ObjectKey>,
}

/// The kinds of [`Object`], in the order a plan creates objects of equal standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ObjectKind {
    /// A PostgreSQL extension.
    Extension,
    /// A PostgreSQL schema (namespace) other than the default.
    Namespace,
    /// A PostgreSQL domain.
    Domain,
    /// A PostgreSQL composite type.
    CompositeType,
    /// A sequence (standalone or owned by a column; identity sequences belong to their column).
    Sequence,
    /// A function.
    Function,
    /// A procedure.
    Procedure,
    /// A PostgreSQL aggregate.
    Aggregate,
    /// A table, as the target of a dependency only: tables live in [`Schema::tables`].
    Table,
    /// A PostgreSQL partition: the attachment of a table (named like the object) to its
    /// partitioned parent ([`Object::table`]), with its bounds. The table itself is a table.
    Partition,
    /// A view.
    View,
    /// A PostgreSQL materialized view.
    MaterializedView,
    /// An index on a materialized view (indexes on tables live in [`Table::indexes`]).
    ViewIndex,
    /// A trigger.
    Trigger,
    /// A table constraint the table model has no field for (a PostgreSQL exclusion
    /// constraint), named `table.constraint` like a trigger; its table is [`Object::table`].
    Constraint,
    /// A PostgreSQL sequence's `OWNED BY` column, named like its sequence, its table the
    /// column's (the sequence comes before the table, its ownership after it).
    SequenceOwner,
    /// Anything else a catalog lists: only ever in [`Schema::unmanaged`], with the catalog's
    /// own word for it.
    Other(&'static str),
}

impl ObjectKind {
    /// The kind in words, as messages print it (`materialized view`).
    pub fn describe(self) -> &'static str {
        match self {
            ObjectKind::Extension => "extension",
            ObjectKind::Namespace => "schema",
            ObjectKind::Domain => "domain",
            ObjectKind::CompositeType => "composite type",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Aggregate => "aggregate",
            ObjectKind::Table => "table",
            ObjectKind::Partition => "partition",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::ViewIndex => "index",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Constraint => "constraint",
            ObjectKind::SequenceOwner => "sequence ownership",
            ObjectKind::Other(word) => word,
        }
    }
}

/// Which object: its kind and its name within the kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// The kind.
    pub kind: ObjectKind,
    /// The name as the database qualifies it where that is needed to tell objects apart: a
    /// function or aggregate with its argument types (`f(integer, text)`), an object outside
    /// the default schema with its schema (`audit.log_change()`). A trigger's name is its own
    /// name (on PostgreSQL, where trigger names are unique per table only, `table.trigger`); its
    /// table is [`Object::table`].
    pub name: String,
}

impl ObjectKey {
    /// The key of the table named `name`, as a dependency target.
    pub fn table(name: &str) -> ObjectKey {
        ObjectKey {
            kind: ObjectKind::Table,
            name: name.to_string(),
        }
    }
}

/// A database object other than a table: compared by the statement that creates it, as the
/// database prints it back (`pg_get_viewdef`, `pg_get_functiondef`, `SHOW CREATE VIEW`, the
/// stored `sqlite_schema.sql`), so both sides of a comparison read the same normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Kind and name.
    pub key: ObjectKey,
    /// The table the object belongs to: a trigger's table, an index's materialized view, an
    /// owned sequence's table. Dropping the table drops the object with it.
    pub table: Option<String>,
    /// The complete statement(s) that create the object, as the database normalises them
    /// (compared). Rendering runs it as it is.
    pub definition: String,
    /// The objects and tables this one needs, from the catalog's record of dependencies
    /// (not compared; orders the plan).
    pub depends_on: Vec<ObjectKey>,
    /// The object's comment where the database has them.
    pub comment: Option<String>,
}

impl Object {
    /// Whether two objects state the same thing (dependencies are derived, not compared).
    pub fn same_as(&self, other: &Object) -> bool {
        self.key == other.key
            && self.table == other.table
            && self.definition == other.definition
            && self.comment == other.comment
    }
}

/// One table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// Columns in their declared order.
    pub columns: Vec<Column>,
    /// Primary-key columns in key order (empty when there is none).
    pub primary_key: Vec<String>,
    /// The primary key's constraint name where the database names it (not compared).
    pub primary_key_name: Option<String>,
    /// Indexes that are not constraints, by name.
    pub indexes: BTreeMap<String, Index>,
    /// UNIQUE constraints.
    pub uniques: Vec<UniqueConstraint>,
    /// CHECK constraints.
    pub checks: Vec<CheckConstraint>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// The table comment (PostgreSQL, MySQL).
    pub comment: Option<String>,
    /// MySQL table options.
    pub options: TableOptions,
    /// SQLite: the `CREATE TABLE` text the database stores; MySQL: its `SHOW CREATE TABLE`
    /// without the row counter. Used to recreate the table exactly (not compared).
    pub sql: Option<String>,
    /// PostgreSQL: the partition key of a partitioned table (`RANGE (payment_date)`).
    pub partition_by: Option<String>,
    /// Objects the table needs to exist first (a sequence or function in a default, a type or
    /// domain of a column), from the catalog (not compared; orders the plan).
    pub depends_on: Vec<ObjectKey>,
}

/// One column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The type as the catalog spells it (compared).
    pub type_: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The server default as the database normalises it.
    pub default: Option<String>,
    /// The column comment (PostgreSQL, MySQL).
    pub comment: Option<String>,
    /// Auto-increment or identity, when the column has one.
    pub identity: Option<Identity>,
    /// PostgreSQL: the options of an identity or serial column's sequence that differ from
    /// the defaults, as `CREATE SEQUENCE` clauses (`INCREMENT BY 2 START WITH 100`).
    pub sequence: Option<String>,
}

/// How a column numbers itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// SQLite `AUTOINCREMENT`, MySQL `AUTO_INCREMENT`, PostgreSQL `serial` (an owned sequence
    /// as default).
    AutoIncrement,
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// PostgreSQL `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
}

/// An index that is not a constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// Key parts: quoted column names or expressions, as the database prints them.
    pub parts: Vec<String>,
    /// Whether the index is unique.
    pub unique: bool,
    /// The predicate of a partial index.
    pub predicate: Option<String>,
    /// The access method where it is not the default (PostgreSQL `gin`, …).
    pub method: Option<String>,
    /// What follows the key list before the predicate, as the database prints it
    /// (PostgreSQL `INCLUDE (note) NULLS NOT DISTINCT WITH (fillfactor='70')`).
    pub options: Option<String>,
}

/// A UNIQUE constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UniqueConstraint {
    /// The constraint's name (SQLite: none; not compared).
    pub name: Option<String>,
    /// Its columns.
    pub columns: Vec<String>,
}

/// A CHECK constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckConstraint {
    /// The constraint's name, when it has one (not compared).
    pub name: Option<String>,
    /// The condition as the database normalises it, without the outer parentheses.
    pub expression: String,
}

/// A foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint's name, when it has one (not compared).
    pub name: Option<String>,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE` action, `None` for NO ACTION.
    pub on_delete: Option<String>,
    /// `ON UPDATE` action, `None` for NO ACTION.
    pub on_update: Option<String>,
    /// MySQL: the index the server created for this key by itself, dropped with it (not
    /// compared).
    pub implicit_index: Option<String>,
    /// `MATCH FULL` or `MATCH PARTIAL` (PostgreSQL), `None` for the default MATCH SIMPLE.
    pub match_type: Option<String>,
    /// `DEFERRABLE` or `DEFERRABLE INITIALLY DEFERRED` (PostgreSQL), `None` when not
    /// deferrable.
    pub deferral: Option<String>,
}

/// Table options: MySQL's engine, charset and collation (`None` elsewhere), SQLite's
/// `WITHOUT ROWID` and `STRICT` (`false` elsewhere).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Storage engine.
    pub engine: Option<String>,
    /// Default character set.
    pub charset: Option<String>,
    /// Default collation.
    pub collation: Option<String>,
    /// SQLite `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// SQLite `STRICT`.
    pub strict: bool,
    /// SQLite: what the column list states that the rest of the model does not (each
    /// `ON CONFLICT` clause, a descending primary key), one `<column or TABLE>: <clause>` each,
    /// upper case; compared only, the stored `CREATE TABLE` text carries them back.
    pub clauses: Vec<String>,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl CheckConstraint {
    /// The key checks are matched by: the expression in a canonical form, since names are
    /// often generated and PostgreSQL does not print a check back the same after a round trip.
    pub fn key(&self) -> String {
        text::canonical(&self.expression)
    }
}

impl ForeignKey {
    /// Whether two foreign keys state the same reference with the same actions (names are
    /// ignored: databases generate them).
    pub fn same_as(&self, other: &ForeignKey) -> bool {
        self.columns == other.columns
            && self.ref_table == other.ref_table
            && self.ref_columns == other.ref_columns
            && self.on_delete == other.on_delete
            && self.on_update == other.on_update
            && self.match_type == other.match_type
            && self.deferral == other.deferral
    }
}

/// Which tables autogenerate looks at: `include_tables` / `exclude_tables` glob patterns, and
/// aludel's own tables always left out.
#[derive(Debug, Clone, Default)]
pub struct TableFilter {
    include: Vec<glob::Pattern>,
    exclude: Vec<glob::Pattern>,
    own: Vec<String>,
}

impl TableFilter {
    /// The filter a configuration describes. A pattern that is not a valid glob is an error.
    pub fn from_config(config: &Config) -> Result<TableFilter> {
        let compile = |patterns: &[String]| {
            patterns
                .iter()
                .map(|p| {
                    glob::Pattern::new(p).map_err(|e| crate::Error::Config {
                        message: format!("invalid table pattern '{p}': {e}"),
                        hint: None,
                    })
                })
                .collect::<Result<Vec<_>>>()
        };
        Ok(TableFilter {
            include: compile(&config.include_tables)?,
            exclude: compile(&config.exclude_tables)?,
            own: vec![config.version_table.clone(), "aludel_history".to_string()],
        })
    }

    /// A filter that only leaves out aludel's own tables.
    pub fn own_tables(version_table: &str) -> TableFilter {
        TableFilter {
            own: vec![version_table.to_string(), "aludel_history".to_string()],
            ..TableFilter::default()
        }
    }

    /// Whether `table` takes part in the comparison.
    pub fn accepts(&self, table: &str) -> bool {
        if self.own.iter().any(|o| o == table) || table.starts_with("_aludel_tmp_") {
            return false;
        }
        if !self.include.is_empty() && !self.include.iter().any(|p| p.matches(table)) {
            return false;
        }
        !self.exclude.iter().any(|p| p.matches(table))
    }
}

#[cfg(test)]
mod tests;
