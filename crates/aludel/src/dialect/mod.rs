//! Dialects: the only place that names a concrete database, and the one home of each.
//!
//! Every database has a folder here holding all aludel knows about it: its facts and
//! capabilities (the [`Dialect`] it implements), the lexer dialect of its SQL, how it renders
//! schema [`Change`]s, and, behind its cargo feature, the live side: connecting, the migration
//! lock, backups and introspection of its catalog. [`Database`] is a live connection that
//! dispatches to the driver of its database. The rest of the crate asks a [`Dialect`] for
//! capabilities and never branches on which database it is talking to.
//!
//! The facts and the renderers are pure and always compiled, so offline scripts (`--sql`),
//! lint and the statement lexer work for every database; only the drivers are optional
//! (features `sqlite`, `postgres`, `mysql`). Connecting to a database whose driver was left
//! out is an error naming the feature.
//!
//! Layering: this module uses `config` (URLs) and `schema` (the neutral model) and nothing
//! above them; `sql/` builds on it for quoting.

mod catalog;
mod database;
mod mysql;
mod postgres;
mod render;
mod scratch;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod server;
mod sqlite;

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("aludel needs at least one of its features `sqlite`, `postgres` or `mysql`");

pub use database::{Canceller, Database, FailedAt, LockGuard, ScriptFailure};
pub use scratch::{ScratchDatabase, create_database_options, scratch_server};

use crate::config::Backend;
use crate::schema::{Change, Schema, TableFilter};
use crate::{Error, Result};

/// The pure, per-database facts aludel needs to lex, render and plan; no I/O.
pub trait Dialect: Send + Sync + 'static {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// The name templates see as `dialect`: `sqlite`, `postgresql` or `mysql`.
    fn name(&self) -> &'static str;
    /// The database's name as people write it in messages: `SQLite`, `PostgreSQL`, `MySQL`.
    fn title(&self) -> &'static str;
    /// Whether DDL statements take part in transactions (false: they commit implicitly).
    fn transactional_ddl(&self) -> bool;
    /// Whether `CREATE INDEX CONCURRENTLY` builds an index without blocking writes.
    fn concurrent_index(&self) -> bool;
    /// How long `name` is as the database measures identifiers, the most it keeps, and the
    /// unit (`bytes`, `characters`); `None` where names have no limit worth checking.
    fn identifier_length(&self, _name: &str) -> Option<(usize, usize, &'static str)> {
        None
    }
    /// Quotes an identifier.
    fn quote_ident(&self, ident: &str) -> String;
    /// Quotes a string literal.
    fn quote_literal(&self, value: &str) -> String {
        format!("'{}'", value.replace('\'', "''"))
    }
    /// The statement that opens a transaction in offline scripts.
    fn begin_offline(&self) -> &'static str {
        "BEGIN"
    }
    /// The statement that opens a write transaction online.
    fn begin_online(&self) -> &'static str {
        "BEGIN"
    }
    /// A URL of a private in-memory database, where the database has one: models are loaded
    /// there instead of into a scratch database created on a server.
    fn memory_url(&self) -> Option<&'static str> {
        None
    }
    /// A statement that prepares a session on a scratch database, where models are loaded
    /// and normalised: faster at the cost of durability, which a scratch database does not
    /// need, and tolerant of foreign keys to tables defined later.
    fn scratch_session_sql(&self) -> Option<&'static str> {
        None
    }
    /// Whether a model statement creates something the database makes by itself and refuses
    /// to be given (SQLite's `sqlite_sequence`, which `sqlite3 .schema` prints): skipped when
    /// the models are loaded.
    fn is_internal_statement(&self, _sql: &str) -> bool {
        false
    }
    /// A query, run on the connection to the target (or `dev_url`), whose one value is what
    /// follows `CREATE DATABASE name` of a scratch database so that it has the same defaults
    /// (MySQL: the database's character set and collation, which every table and text column
    /// created without one takes).
    fn scratch_database_options_query(&self) -> Option<&'static str> {
        None
    }
    /// `DROP DATABASE` for a scratch database (`quoted` is already quoted), ending any session
    /// still connected to it where the server allows.
    fn drop_database_sql(&self, quoted: &str) -> String {
        format!("DROP DATABASE IF EXISTS {quoted}")
    }
    /// How a scratch database is kept between runs, where the server can label databases
    /// and lock across sessions; `None`: a scratch database lives for one run only.
    fn scratch_keeping(&self) -> Option<ScratchKeeping> {
        None
    }
    /// Column definition of an auto-incrementing integer primary key named `id`.
    fn serial_primary_key(&self) -> &'static str;
    /// `CREATE TABLE` prefix that tolerates an existing table.
    fn create_table_if_not_exists(&self) -> &'static str {
        "CREATE TABLE IF NOT EXISTS"
    }
    /// The query listing `(table, column)` pairs of the current schema, for template
    /// inspectors.
    fn catalog_columns_query(&self) -> String;
    /// The query listing `(table, index)` pairs of the current schema.
    fn catalog_indexes_query(&self) -> String;
    /// The query returning the declared length of the version table's `version_num`, if any.
    fn version_column_length_query(&self, schema: Option<&str>, table: &str) -> String;
    /// The query that tells whether a table exists (one row when it does).
    fn table_exists_query(&self, schema: Option<&str>, table: &str) -> String;
    /// The sqlparser dialect whose tokenizer reads this database's SQL (quotes, `$$` strings,
    /// backslash escapes).
    fn sqlparser_dialect(&self) -> Box<dyn sqlparser::dialect::Dialect>;
    /// Whether this database's command-line client ends a statement at every `;`, so that a
    /// script it runs must switch `DELIMITER` around a statement holding one (a trigger or
    /// routine with a `BEGIN … END` body): the mysql/mariadb client does.
    fn client_needs_delimiter(&self) -> bool {
        false
    }
    /// The statements (without terminating `;`) that carry out `changes`, turning `from` into
    /// `to`. Pure: a renderer may read both schemas (a SQLite table rebuild needs the whole
    /// target table) and writes text.
    fn render(&self, changes: &[Change], from: &Schema, to: &Schema) -> Vec<String>;
}

/// The statements that keep a scratch database for the next run: a label on the database
/// (written once its models are loaded, so a half-loaded one is never reused) and a session
/// lock that serialises the runs using it. Every argument is already quoted.
#[derive(Debug, Clone, Copy)]
pub struct ScratchKeeping {
    /// The label of the database `literal` names: one row, one value (NULL when unlabelled).
    pub label_query: fn(literal: &str) -> String,
    /// The names and labels of every database whose name starts with `aludel_scratch_`.
    pub list_query: &'static str,
    /// Labels database `quoted` with the string `literal`.
    pub label_sql: fn(quoted: &str, literal: &str) -> String,
    /// Takes the session lock named `literal`, waiting for it.
    pub lock_sql: fn(literal: &str) -> String,
    /// Drops database `quoted` unless a session uses it (that run keeps it).
    pub drop_if_unused_sql: fn(quoted: &str) -> String,
}

/// The dialect of a backend. Every backend has one, whichever drivers were compiled in.
pub fn dialect_for(backend: Backend) -> &'static dyn Dialect {
    match backend {
        Backend::Sqlite => &sqlite::SqliteDialect,
        Backend::Postgres => &postgres::PostgresDialect,
        Backend::MySql => &mysql::MySqlDialect,
    }
}

/// The dialect a name names, as `--dialect` takes it: `sqlite`, `postgresql` (`postgres`),
/// `mysql` (`mariadb`).
pub fn dialect_named(name: &str) -> Option<&'static dyn Dialect> {
    Backend::from_name(name).map(dialect_for)
}

/// Reads the schema of the database `db` is connected to, keeping the tables `filter` accepts.
/// Foreign keys to tables the filter leaves out are kept.
pub async fn introspect(db: &mut Database, filter: &TableFilter) -> Result<Schema> {
    db.introspect(filter).await
}

/// The error for a backend whose driver this build of aludel does not have.
fn not_compiled(backend: Backend) -> Error {
    let feature = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
        Backend::MySql => "mysql",
    };
    Error::refused(format!(
        "this build of aludel has no {} support",
        dialect_for(backend).title()
    ))
    .with_hint(format!(
        "enable the `{feature}` feature of the aludel crate"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_backend_has_a_dialect_whichever_drivers_are_compiled() {
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
            let d = dialect_for(backend);
            assert_eq!(d.backend(), backend);
            assert_eq!(d.name(), backend.name());
        }
    }

    #[test]
    fn a_missing_driver_is_named_with_its_feature() {
        let error = not_compiled(Backend::Postgres);
        let message = error.to_string();
        assert!(
            message.starts_with("this build of aludel has no PostgreSQL support"),
            "{message}"
        );
        assert!(
            error.hints().concat().contains("the `postgres` feature"),
            "{message}"
        );
    }

    #[cfg(not(feature = "mysql"))]
    #[tokio::test]
    async fn connecting_without_the_driver_is_an_error_not_a_panic() {
        let url = crate::config::DatabaseUrl::parse("mysql://root@h/db", std::path::Path::new("/"))
            .unwrap();
        let error = Database::connect(&url, std::time::Duration::from_secs(1))
            .await
            .err()
            .expect("no MySQL driver in this build");
        assert!(error.to_string().contains("no MySQL support"), "{error}");
    }
}
