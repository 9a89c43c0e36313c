//! SQLite, the one home of everything aludel knows about it: its facts here, the rendering
//! of changes (`render`, pure and always compiled), and behind the `sqlite` feature the
//! connection with its raw handle (`conn`), the file lock (`lock`) and introspection of the
//! catalog (`introspect`).

#[cfg(feature = "sqlite")]
mod conn;
#[cfg(feature = "sqlite")]
mod introspect;
#[cfg(feature = "sqlite")]
mod lock;
#[cfg(feature = "sqlite")]
mod objects;
mod render;

#[cfg(feature = "sqlite")]
pub(crate) use conn::{Interrupt, SqliteConn};

use super::Dialect;
use crate::config::Backend;
use crate::schema::{Change, Schema, text};

/// SQLite's facts.
pub(crate) struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn title(&self) -> &'static str {
        "SQLite"
    }
    fn transactional_ddl(&self) -> bool {
        true
    }
    fn concurrent_index(&self) -> bool {
        false
    }
    fn quote_ident(&self, ident: &str) -> String {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }
    fn begin_online(&self) -> &'static str {
        // IMMEDIATE takes the write lock at once, so two runs never interleave inside a
        // migration and a busy database is reported at BEGIN rather than mid-migration.
        "BEGIN IMMEDIATE"
    }
    fn is_internal_statement(&self, sql: &str) -> bool {
        // `sqlite3 .schema` prints `CREATE TABLE sqlite_sequence(name,seq)` (and `sqlite_stat1`
        // after ANALYZE): tables SQLite creates itself and whose names it reserves.
        let words: Vec<String> = sql
            .split(|c: char| c.is_whitespace() || c == '(')
            .filter(|w| !w.is_empty())
            .take(3)
            .map(|w| text::unquote(w).to_ascii_lowercase())
            .collect();
        words.len() == 3
            && words[0] == "create"
            && words[1] == "table"
            && words[2].starts_with("sqlite_")
    }
    fn memory_url(&self) -> Option<&'static str> {
        Some("sqlite://")
    }
    fn serial_primary_key(&self) -> &'static str {
        "id INTEGER PRIMARY KEY AUTOINCREMENT"
    }
    fn catalog_columns_query(&self) -> String {
        "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p \
         WHERE m.type IN ('table', 'view')"
            .to_string()
    }
    fn catalog_indexes_query(&self) -> String {
        "SELECT tbl_name, name FROM sqlite_schema WHERE type = 'index'".to_string()
    }
    fn version_column_length_query(&self, _schema: Option<&str>, table: &str) -> String {
        format!(
            "SELECT type FROM pragma_table_info({}) WHERE name = 'version_num'",
            self.quote_literal(table)
        )
    }
    fn table_exists_query(&self, _schema: Option<&str>, table: &str) -> String {
        format!(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = {}",
            self.quote_literal(table)
        )
    }
    fn sqlparser_dialect(&self) -> Box<dyn sqlparser::dialect::Dialect> {
        Box::new(sqlparser::dialect::SQLiteDialect {})
    }
    fn render(&self, changes: &[Change], from: &Schema, to: &Schema) -> Vec<String> {
        render::render(self, changes, from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_sqlite_makes_itself_are_internal() {
        let d = SqliteDialect;
        assert!(d.is_internal_statement("CREATE TABLE sqlite_sequence(name,seq)"));
        assert!(d.is_internal_statement("create table \"sqlite_stat1\" (tbl,idx,stat)"));
        assert!(!d.is_internal_statement("CREATE TABLE sequences (name, seq)"));
        assert!(!d.is_internal_statement("CREATE VIEW sqlite_like AS SELECT 1"));
    }
}
