//! MySQL and MariaDB, the one home of everything aludel knows about them: their facts here,
//! the rendering of changes (`render`, pure and always compiled), and behind the `mysql`
//! feature the connection with its URL quirks and `mysqldump` backups (`conn`), `GET_LOCK`
//! (`lock`) and introspection of `information_schema` (`introspect`).

#[cfg(feature = "mysql")]
mod conn;
#[cfg(feature = "mysql")]
mod introspect;
#[cfg(feature = "mysql")]
mod lock;
#[cfg(feature = "mysql")]
mod objects;
mod render;
#[cfg(test)]
mod tests;

#[cfg(feature = "mysql")]
pub(crate) use conn::MySqlConn;
#[cfg(feature = "mysql")]
pub(crate) use lock::{held, unlock};

use super::Dialect;

/// The leading statement of a trigger's or routine's definition made under a `sql_mode`
/// other than the server's default (`SET sql_mode = '...';` then a newline).
const SQL_MODE_PREFIX: &str = "SET sql_mode = '";

/// What precedes a column's own CHECK expression at the end of its type (MariaDB states it
/// last in the column's definition).
const COLUMN_CHECK: &str = " CHECK (";
use crate::config::Backend;
use crate::schema::{Change, Schema};

/// MySQL's and MariaDB's facts.
pub(crate) struct MySqlDialect;

fn schema_expr(d: &MySqlDialect, schema: Option<&str>) -> String {
    schema
        .map(|s| d.quote_literal(s))
        .unwrap_or_else(|| "DATABASE()".to_string())
}

impl Dialect for MySqlDialect {
    fn identifier_length(&self, name: &str) -> Option<(usize, usize, &'static str)> {
        // Longer names are refused.
        Some((name.chars().count(), 64, "characters"))
    }
    fn backend(&self) -> Backend {
        Backend::MySql
    }
    fn name(&self) -> &'static str {
        "mysql"
    }
    fn title(&self) -> &'static str {
        "MySQL"
    }
    fn transactional_ddl(&self) -> bool {
        false
    }
    fn client_needs_delimiter(&self) -> bool {
        true
    }
    fn concurrent_index(&self) -> bool {
        false
    }
    fn quote_ident(&self, ident: &str) -> String {
        format!("`{}`", ident.replace('`', "``"))
    }
    fn quote_literal(&self, value: &str) -> String {
        // Backslash is an escape character in MySQL strings unless NO_BACKSLASH_ESCAPES is set.
        format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
    }
    fn begin_offline(&self) -> &'static str {
        "START TRANSACTION"
    }
    fn begin_online(&self) -> &'static str {
        "START TRANSACTION"
    }
    fn scratch_session_sql(&self) -> Option<&'static str> {
        // Models may reference tables that later files define.
        Some("SET FOREIGN_KEY_CHECKS = 0")
    }
    fn scratch_keeping(&self) -> Option<super::ScratchKeeping> {
        // MariaDB 10.5+ labels a database with its comment; MySQL has no database comments,
        // its label query fails and its scratch databases live for one run. `GET_LOCK` is
        // server-wide and held by the session.
        Some(super::ScratchKeeping {
            label_query: |literal| {
                format!(
                    "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {literal}"
                )
            },
            list_query: "SELECT SCHEMA_NAME, SCHEMA_COMMENT FROM information_schema.SCHEMATA \
                WHERE SCHEMA_NAME LIKE 'aludel\\_scratch\\_%'",
            label_sql: |quoted, literal| format!("ALTER DATABASE {quoted} COMMENT {literal}"),
            lock_sql: |literal| format!("SELECT GET_LOCK({literal}, 31536000)"),
            drop_if_unused_sql: |quoted| format!("DROP DATABASE IF EXISTS {quoted}"),
        })
    }
    fn scratch_database_options_query(&self) -> Option<&'static str> {
        Some(
            "SELECT CONCAT(' CHARACTER SET ', @@character_set_database, ' COLLATE ', @@collation_database)",
        )
    }
    fn serial_primary_key(&self) -> &'static str {
        "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"
    }
    fn catalog_columns_query(&self) -> String {
        "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()".to_string()
    }
    fn catalog_indexes_query(&self) -> String {
        "SELECT DISTINCT TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
            .to_string()
    }
    fn version_column_length_query(&self, schema: Option<&str>, table: &str) -> String {
        format!(
            "SELECT CAST(CHARACTER_MAXIMUM_LENGTH AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {} AND COLUMN_NAME = 'version_num'",
            schema_expr(self, schema),
            self.quote_literal(table)
        )
    }
    fn table_exists_query(&self, schema: Option<&str>, table: &str) -> String {
        format!(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
            schema_expr(self, schema),
            self.quote_literal(table)
        )
    }
    fn sqlparser_dialect(&self) -> Box<dyn sqlparser::dialect::Dialect> {
        Box::new(sqlparser::dialect::MySqlDialect {})
    }
    fn render(&self, changes: &[Change], from: &Schema, to: &Schema) -> Vec<String> {
        render::render(self, changes, from, to)
    }
}
