//! The PostgreSQL connection through sqlx, and backups with `pg_dump`.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgDatabaseError, PgErrorPosition};
use sqlx::{ConnectOptions, Connection};

use crate::config::DatabaseUrl;
use crate::dialect::database::{
    Canceller, Driver, FailedAt, LockGuard, LockTarget, Rows, ScriptFailure, connect_within,
    message,
};
use crate::dialect::server;
use crate::schema::{Schema, TableFilter};
use crate::{Error, Result};

/// A live PostgreSQL connection and what its canceller needs.
pub(crate) struct PostgresConn {
    conn: sqlx::PgConnection,
    url: DatabaseUrl,
    connect_timeout: Duration,
    /// The server's id of this session (its backend pid), when known.
    session: Option<i64>,
}

fn options(url: &DatabaseUrl) -> std::result::Result<PgConnectOptions, sqlx::Error> {
    let connect = server::with_placeholder_host(url.connect_string());
    Ok(PgConnectOptions::from_str(&connect)?.disable_statement_logging())
}

pub(super) async fn open(
    url: &DatabaseUrl,
) -> std::result::Result<sqlx::PgConnection, sqlx::Error> {
    let mut conn = options(url)?.connect().await?;
    // From PostgreSQL 14 the server can notice a vanished client while a statement runs: a
    // killed or interrupted aludel then has its migration rolled back within a second instead
    // of when the statement would have finished (a long `pg_sleep`, a big index build).
    // Best effort: a server that reports a recent version but lacks the setting (a
    // PostgreSQL-compatible database) still gets its migrations run.
    if conn.server_version_num().is_some_and(|v| v >= 140_000) {
        let _ = sqlx::raw_sql("SET client_connection_check_interval = 1000")
            .execute(&mut conn)
            .await;
    }
    Ok(conn)
}

impl Driver for PostgresConn {
    async fn connect(url: &DatabaseUrl, timeout: Duration) -> Result<Self> {
        let conn = connect_within(url, timeout, open(url)).await?;
        let mut db = PostgresConn {
            conn,
            url: url.clone(),
            connect_timeout: timeout,
            session: None,
        };
        db.session = server::session_id(db.fetch("SELECT pg_backend_pid()::bigint").await);
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

    /// The whole script goes in one simple-query round trip. A parse error (nothing ran)
    /// carries its position in the script; any other error comes after every statement before
    /// the failing one completed, and those are counted.
    async fn execute_script(&mut self, sql: &str) -> std::result::Result<u64, ScriptFailure> {
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        let mut results = query.execute_many(&mut self.conn);
        let (mut completed, mut rows) = (0, 0);
        loop {
            match std::future::poll_fn(|cx| results.as_mut().poll_next(cx)).await {
                None => return Ok(rows),
                Some(Ok(result)) => {
                    completed += 1;
                    rows = result.rows_affected();
                }
                Some(Err(error)) => {
                    let at = match &error {
                        sqlx::Error::Database(db) => db
                            .try_downcast_ref::<PgDatabaseError>()
                            .and_then(PgDatabaseError::position),
                        _ => None,
                    };
                    let at = match at {
                        // A 1-based position in characters.
                        Some(PgErrorPosition::Original(position)) => Some(FailedAt::Byte(
                            sql.char_indices()
                                .nth(position.saturating_sub(1))
                                .map_or(sql.len(), |(byte, _)| byte),
                        )),
                        _ => Some(FailedAt::Statement(completed)),
                    };
                    return Err(ScriptFailure {
                        message: message(error),
                        at,
                    });
                }
            }
        }
    }

    async fn fetch(&mut self, sql: &str) -> std::result::Result<Rows, String> {
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        let rows = query.fetch_all(&mut self.conn).await.map_err(message)?;
        Ok(server::rows_as_text(&rows))
    }

    async fn lock(&mut self, target: LockTarget<'_>, timeout: Duration) -> Result<LockGuard> {
        super::lock::lock(&self.url, target, self.connect_timeout, timeout).await
    }

    async fn backup(&mut self) -> Result<PathBuf> {
        backup(&self.url).await
    }

    async fn introspect(&mut self, filter: &TableFilter) -> Result<Schema> {
        super::introspect::introspect(self, filter).await
    }

    fn canceller(&self) -> Canceller {
        let end = self
            .session
            .map(|session| format!("SELECT pg_terminate_backend({session})"));
        server::session_canceller(&self.url, self.connect_timeout, end)
    }

    async fn close(self) {
        let _ = self.conn.close().await;
    }
}

/// Runs `pg_dump` into a file in the working directory, the password passed in the
/// environment rather than on the command line.
async fn backup(url: &DatabaseUrl) -> Result<PathBuf> {
    let options = options(url).map_err(|e| Error::Database {
        message: e.to_string(),
    })?;
    let target = server::dump_target(url.database().unwrap_or("postgres"));
    let mut command = tokio::process::Command::new("pg_dump");
    command
        .arg("--file")
        .arg(&target)
        .arg("--host")
        .arg(match options.get_socket() {
            // pg_dump takes the socket's directory as its host.
            Some(dir) => dir.as_os_str().to_owned(),
            None => options.get_host().into(),
        })
        .arg("--port")
        .arg(options.get_port().to_string())
        .arg("--username")
        .arg(options.get_username())
        .arg(options.get_database().unwrap_or("postgres"));
    server::run_dump(command, url, ("pg_dump", "PGPASSWORD"), target).await
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn socket_urls_without_a_host_parse() {
        let url = DatabaseUrl::parse(
            "postgresql://postgres@/app?host=/var/run/postgresql",
            Path::new("/"),
        )
        .unwrap();
        let o = options(&url).unwrap();
        assert_eq!(
            o.get_socket().map(|p| p.as_path()),
            Some(Path::new("/var/run/postgresql"))
        );
        assert_eq!(o.get_username(), "postgres");
        assert_eq!(o.get_database(), Some("app"));
    }
}
