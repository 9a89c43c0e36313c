//! MySQL and MariaDB: connection, catalog queries, `GET_LOCK` and `mysqldump` backups.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::{Dialect, LockInner};
use crate::config::{Backend, DatabaseUrl};
use crate::sql::TableName;
use crate::{Error, Result};

/// MySQL's and MariaDB's facts.
pub(crate) struct MySqlDialect;

fn schema_expr(d: &MySqlDialect, schema: Option<&str>) -> String {
    schema
        .map(|s| d.quote_literal(s))
        .unwrap_or_else(|| "DATABASE()".to_string())
}

impl Dialect for MySqlDialect {
    fn backend(&self) -> Backend {
        Backend::MySql
    }
    fn name(&self) -> &'static str {
        "mysql"
    }
    fn transactional_ddl(&self) -> bool {
        false
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
}

/// The libpq spelling of `sslmode` (which DATABASE_URLs written for PostgreSQL tools use)
/// in MySQL's spelling; MySQL's own values pass through.
fn mysql_ssl_mode(value: &str) -> &str {
    match value.to_ascii_lowercase().as_str() {
        "disable" => "DISABLED",
        "allow" | "prefer" => "PREFERRED",
        "require" => "REQUIRED",
        "verify-ca" => "VERIFY_CA",
        "verify-full" => "VERIFY_IDENTITY",
        _ => value,
    }
}

/// The connect string with `sslmode` values translated for the MySQL driver.
fn connect_string(url: &DatabaseUrl) -> String {
    let full = url.connect_string();
    let Some((base, query)) = full.split_once('?') else {
        return full;
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("sslmode" | "ssl-mode" | "ssl_mode", value)) => {
                format!("ssl-mode={}", mysql_ssl_mode(value))
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

fn options(url: &DatabaseUrl) -> std::result::Result<MySqlConnectOptions, sqlx::Error> {
    let connect = super::with_placeholder_host(connect_string(url));
    Ok(MySqlConnectOptions::from_str(&connect)?.disable_statement_logging())
}

pub(super) async fn connect(
    url: &DatabaseUrl,
) -> std::result::Result<sqlx::MySqlConnection, sqlx::Error> {
    options(url)?.connect().await
}

/// The `GET_LOCK` name of one version table (`schema` is the database holding it). Names are
/// limited to 64 characters: a longer one is shortened to a prefix and a hash of the whole.
fn lock_name(schema: &str, table: &str) -> String {
    let name = format!("aludel:{schema}.{table}");
    if name.chars().count() <= 64 {
        return name;
    }
    let mut hash: u64 = 0xcbf29ce484222325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    let prefix: String = name.chars().take(47).collect();
    format!("{prefix}:{hash:016x}")
}

/// Takes `GET_LOCK` on a connection of its own; the server releases it if the session dies.
pub(super) async fn lock(
    url: &DatabaseUrl,
    table: &TableName,
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<LockInner> {
    let mut conn = super::connect_within(url, connect_timeout, connect(url)).await?;
    let database_error = |e: sqlx::Error| Error::Database {
        message: format!("cannot take the migration lock: {}", super::message(e)),
    };
    let schema = match &table.schema {
        Some(schema) => schema.clone(),
        None => sqlx::query_scalar::<_, Option<String>>("SELECT DATABASE()")
            .fetch_one(&mut conn)
            .await
            .map_err(database_error)?
            .unwrap_or_default(),
    };
    let taken: Option<i64> = sqlx::query_scalar("SELECT CAST(GET_LOCK(?, ?) AS SIGNED)")
        .bind(lock_name(&schema, &table.name))
        .bind(timeout.as_secs().max(1) as i64)
        .fetch_one(&mut conn)
        .await
        .map_err(database_error)?;
    if taken == Some(1) {
        Ok(LockInner::MySql(conn))
    } else {
        let _ = conn.close().await;
        Err(Error::LockTimeout {
            seconds: timeout.as_secs(),
        })
    }
}

pub(super) async fn unlock(mut conn: sqlx::MySqlConnection) {
    let _ = sqlx::raw_sql("DO RELEASE_ALL_LOCKS()")
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
}

/// Runs `mysqldump` into a file in the working directory, the password passed in the
/// environment rather than on the command line.
pub(super) async fn backup(url: &DatabaseUrl) -> Result<PathBuf> {
    let options = options(url).map_err(|e| Error::Database {
        message: e.to_string(),
    })?;
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let database = url.database().unwrap_or("mysql").to_string();
    let target = PathBuf::from(format!("{database}-{stamp}.sql"));
    let mut command = tokio::process::Command::new("mysqldump");
    command
        .arg(format!("--result-file={}", target.display()))
        .arg("--single-transaction")
        .arg("--routines")
        .arg("--user")
        .arg(options.get_username());
    match options.get_socket() {
        Some(socket) => command.arg("--socket").arg(socket),
        None => command
            .arg("--host")
            .arg(options.get_host())
            .arg("--port")
            .arg(options.get_port().to_string()),
    };
    command.arg(&database);
    super::run_dump(command, url, "mysqldump", target).await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn url(text: &str) -> DatabaseUrl {
        DatabaseUrl::parse(text, Path::new("/")).unwrap()
    }

    #[test]
    fn libpq_sslmode_values_are_translated() {
        assert_eq!(
            connect_string(&url("mysql://root@h/db?sslmode=require&charset=utf8mb4")),
            "mysql://root@h/db?ssl-mode=REQUIRED&charset=utf8mb4"
        );
        assert_eq!(
            connect_string(&url("mysql://root@h/db?ssl-mode=VERIFY_CA")),
            "mysql://root@h/db?ssl-mode=VERIFY_CA"
        );
        assert_eq!(
            connect_string(&url("mariadb://root@h/db?sslmode=disable")),
            "mysql://root@h/db?ssl-mode=DISABLED"
        );
        assert!(options(&url("mysql://root@h/db?sslmode=prefer")).is_ok());
    }

    #[test]
    fn socket_urls_without_a_host_parse() {
        let o = options(&url("mysql://root@/db?socket=/run/mysqld/mysqld.sock")).unwrap();
        assert_eq!(
            o.get_socket().map(|p| p.as_path()),
            Some(Path::new("/run/mysqld/mysqld.sock"))
        );
        assert_eq!(o.get_username(), "root");
    }

    #[test]
    fn lock_names_fit_in_64_characters_and_stay_distinct() {
        assert_eq!(
            lock_name("app", "aludel_version"),
            "aludel:app.aludel_version"
        );
        let long = "x".repeat(60);
        let a = lock_name(&long, "aludel_version");
        let b = lock_name(&long, "other_version");
        assert_eq!(a.chars().count(), 64);
        assert_ne!(a, b);
    }
}
