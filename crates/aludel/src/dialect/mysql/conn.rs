//! The MySQL connection through sqlx, with the URL quirks of its driver, and backups with
//! `mysqldump`.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::config::DatabaseUrl;
use crate::dialect::database::{
    Canceller, Driver, LockGuard, LockTarget, Rows, connect_within, message,
};
use crate::dialect::server;
use crate::schema::{Schema, TableFilter};
use crate::{Error, Result};

/// A live MySQL connection and what its canceller needs.
pub(crate) struct MySqlConn {
    conn: sqlx::MySqlConnection,
    url: DatabaseUrl,
    connect_timeout: Duration,
    /// The server's id of this session (`CONNECTION_ID()`), when known.
    session: Option<i64>,
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
    let connect = server::with_placeholder_host(connect_string(url));
    // The session's sql_mode stays the server's, as in the mysql client: sqlx would add
    // PIPES_AS_CONCAT, which changes what `||` means in migrations and is stored with every
    // trigger and routine created.
    Ok(MySqlConnectOptions::from_str(&connect)?
        .pipes_as_concat(false)
        .no_engine_substitution(false)
        .disable_statement_logging())
}

impl MySqlConn {
    /// Releases the run lock this connection holds for the lock `name` (see `lock.rs`).
    pub(crate) async fn release_run_lock(&mut self, name: &str) {
        super::lock::release_run_lock(&mut self.conn, name).await;
    }
}

pub(super) async fn open(
    url: &DatabaseUrl,
) -> std::result::Result<sqlx::MySqlConnection, sqlx::Error> {
    options(url)?.connect().await
}

impl Driver for MySqlConn {
    async fn connect(url: &DatabaseUrl, timeout: Duration) -> Result<Self> {
        let conn = connect_within(url, timeout, open(url)).await?;
        let mut db = MySqlConn {
            conn,
            url: url.clone(),
            connect_timeout: timeout,
            session: None,
        };
        // sqlx asks for CLIENT_IGNORE_SPACE, which adds IGNORE_SPACE to the session's
        // sql_mode; the mysql client's sessions have the server's, and so do aludel's.
        db.execute("SET SESSION sql_mode = @@GLOBAL.sql_mode")
            .await
            .map_err(|message| Error::Database { message })?;
        let id = db.fetch("SELECT CAST(CONNECTION_ID() AS SIGNED)").await;
        db.session = server::session_id(id);
        Ok(db)
    }

    async fn execute(&mut self, sql: &str) -> std::result::Result<u64, String> {
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        query
            .execute(&mut self.conn)
            .await
            .map(|r| r.rows_affected())
            .map_err(message)
    }

    async fn fetch(&mut self, sql: &str) -> std::result::Result<Rows, String> {
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        let rows = query.fetch_all(&mut self.conn).await.map_err(message)?;
        Ok(server::rows_as_text(&rows))
    }

    async fn lock(&mut self, target: LockTarget<'_>, timeout: Duration) -> Result<LockGuard> {
        let run = &mut self.conn;
        super::lock::lock(&self.url, target, self.connect_timeout, timeout, run).await
    }

    async fn backup(&mut self) -> Result<PathBuf> {
        backup(&self.url).await
    }

    async fn introspect(&mut self, filter: &TableFilter) -> Result<Schema> {
        super::introspect::introspect(self, filter).await
    }

    fn canceller(&self) -> Canceller {
        let end = self.session.map(|session| format!("KILL {session}"));
        server::session_canceller(&self.url, self.connect_timeout, end)
    }

    async fn close(self) {
        let _ = self.conn.close().await;
    }
}

/// Runs `mysqldump` into a file in the working directory, the password passed in the
/// environment rather than on the command line.
async fn backup(url: &DatabaseUrl) -> Result<PathBuf> {
    let options = options(url).map_err(|e| Error::Database {
        message: e.to_string(),
    })?;
    let database = url.database().unwrap_or("mysql").to_string();
    let target = server::dump_target(&database);
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
    server::run_dump(command, url, ("mysqldump", "MYSQL_PWD"), target).await
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
}
