//! What a statement (or a generated change) does, as far as the risk rules care.

use super::classify::ColumnType;

/// One thing a statement (or a generated change) does that a rule may look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// `CREATE TABLE`, with the column types it states.
    CreateTable {
        table: String,
        columns: Vec<(String, ColumnType)>,
    },
    /// A column declared by `CREATE TABLE` or `ALTER TABLE … ADD`: what the type rules read.
    DeclareColumn {
        table: String,
        column: String,
        ty: ColumnType,
        facts: ColumnFacts,
    },
    /// A name a statement gives a new object (table, column, index, constraint).
    Name { name: String },
    /// `CREATE MATERIALIZED VIEW` (or another relation a revision may index right away).
    CreateRelation { name: String },
    /// `DROP TABLE`.
    DropTable { table: String },
    /// `ALTER TABLE … DROP [COLUMN]`.
    DropColumn { table: String, column: String },
    /// `ALTER TABLE … ADD [COLUMN]`.
    AddColumn {
        table: String,
        column: String,
        ty: Option<ColumnType>,
        not_null_without_default: bool,
        facts: ColumnFacts,
    },
    /// A column type change. `from` is the old type when the source states it (a generated
    /// change does); otherwise the rules look it up in what earlier statements created.
    ChangeType {
        table: String,
        column: String,
        from: Option<ColumnType>,
        ty: ColumnType,
    },
    /// `ALTER COLUMN … SET NOT NULL`.
    SetNotNull { table: String, column: String },
    /// `ALTER COLUMN … DROP NOT NULL`.
    DropNotNull { table: String, column: String },
    /// A column rename.
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    /// A table rename.
    RenameTable { from: String, to: String },
    /// `CREATE [UNIQUE] INDEX`; `index` is empty when the statement names none.
    CreateIndex {
        table: String,
        index: String,
        concurrently: bool,
    },
    /// `DROP INDEX`.
    DropIndex { index: String, concurrently: bool },
    /// `REINDEX`.
    Reindex { concurrently: bool },
    /// `ALTER TABLE … DETACH PARTITION`.
    DetachPartition { table: String, concurrently: bool },
    /// `ALTER TABLE … ADD [CONSTRAINT c] …` (a table constraint, or a column's `REFERENCES`).
    AddConstraint {
        table: String,
        name: String,
        kind: ConstraintKind,
        not_valid: bool,
        using_index: bool,
        /// The column of a `CHECK (c IS NOT NULL)`.
        not_null_of: Option<String>,
    },
    /// `ALTER TABLE … VALIDATE CONSTRAINT`.
    ValidateConstraint { table: String, name: String },
    /// `ALTER TABLE … DROP CONSTRAINT / PRIMARY KEY / FOREIGN KEY / CHECK`.
    DropConstraint { table: String },
    /// An `ALTER TABLE` clause that makes MySQL copy the table; `what` names it.
    CopyTable { table: String, what: String },
    /// An `ALTER TABLE` clause SQLite has no form for (`ALTER COLUMN`, `ADD CONSTRAINT`…).
    AlterInPlace { table: String, what: String },
    /// `SET lock_timeout` / `SET statement_timeout` (also `SET LOCAL`, `set_config`).
    SetTimeout { lock: bool },
    /// `BEGIN` / `START TRANSACTION`.
    Begin,
    /// `COMMIT` / `END` / `ROLLBACK`.
    Commit,
    /// `TRUNCATE`.
    Truncate { cascade: bool },
    /// `DROP DATABASE` / `DROP SCHEMA … CASCADE`.
    DropDatabase { name: String },
    /// `VACUUM FULL` or `CLUSTER`: a rewrite under an exclusive lock.
    Rewrite { what: String },
    /// `ALTER TYPE … ADD VALUE`.
    AddEnumValue { ty: String, positioned: bool },
    /// A PostgreSQL domain given a constraint: `CREATE DOMAIN … CHECK|NOT NULL|CONSTRAINT`
    /// (`created`) or `ALTER DOMAIN … ADD CONSTRAINT`.
    DomainConstraint { domain: String, created: bool },
    /// `PRAGMA foreign_keys = …`, `PRAGMA foreign_key_check`.
    Pragma { name: String },
    /// The end of a revision's upgrade (checked with the revision's last statement).
    EndOfRevision,
}

/// What a column definition says beyond its type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ColumnFacts {
    pub not_null: bool,
    pub has_default: bool,
    /// A default that is not a constant: a function call outside the known stable ones.
    pub volatile_default: bool,
    /// A default SQLite cannot add in place (`CURRENT_TIMESTAMP`, an expression).
    pub expression_default: bool,
    pub primary_key: bool,
    pub unique: bool,
    /// A column-level `REFERENCES`.
    pub references: bool,
    pub auto_increment: bool,
    /// `GENERATED … AS (…) STORED`.
    pub stored_generated: bool,
}

/// The kind of a table constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstraintKind {
    ForeignKey,
    Check,
    Unique,
    PrimaryKey,
    Exclude,
}
