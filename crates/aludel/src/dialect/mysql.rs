//! MySQL and MariaDB: connection, catalog queries, `GET_LOCK` and `mysqldump` backups.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::{Dialect, LockInner};
use crate::config::{Backend, DatabaseUrl};
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

fn options(url: &DatabaseUrl) -> std::result::Result<MySqlConnectOptions, sqlx::Error> {
    Ok(MySqlConnectOptions::from_str(&url.connect_string())?.disable_statement_logging())
}

pub(super) async fn connect(
    url: &DatabaseUrl,
) -> std::result::Result<sqlx::MySqlConnection, sqlx::Error> {
    options(url)?.connect().await
}

fn lock_name(url: &DatabaseUrl) -> String {
    // GET_LOCK names are limited to 64 characters.
    format!("aludel:{}", url.database().unwrap_or(""))
        .chars()
        .take(64)
        .collect()
}

/// Takes `GET_LOCK` on a connection of its own; the server releases it if the session dies.
pub(super) async fn lock(
    url: &DatabaseUrl,
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<LockInner> {
    let connect_error = |message: String| Error::Connect {
        url: url.to_string(),
        message,
    };
    let mut conn = tokio::time::timeout(connect_timeout, connect(url))
        .await
        .map_err(|_| connect_error("no answer within connect_timeout (lock connection)".into()))?
        .map_err(|e| connect_error(e.to_string()))?;
    let sql = format!(
        "SELECT CAST(GET_LOCK({}, {}) AS SIGNED)",
        MySqlDialect.quote_literal(&lock_name(url)),
        timeout.as_secs().max(1)
    );
    let taken: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut conn)
        .await
        .map_err(|e| Error::Database {
            message: e.to_string(),
        })?;
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
        .arg("--host")
        .arg(options.get_host())
        .arg("--port")
        .arg(options.get_port().to_string())
        .arg("--user")
        .arg(options.get_username())
        .arg(&database);
    super::run_dump(command, url, "mysqldump", target).await
}
