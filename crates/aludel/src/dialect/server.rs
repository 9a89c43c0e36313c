//! What the PostgreSQL and MySQL drivers share: reading any row as text, the session id a [`Canceller`](super::Canceller) ends, the placeholder host of
//! socket URLs, and running a dump tool for backups.

use std::path::PathBuf;
use std::time::Duration;

use sqlx::{Row, ValueRef};

use super::database::{Cancel, Canceller, Rows};
use crate::config::DatabaseUrl;
use crate::{Error, Result};

/// Every row of a query, each value as text (`None` for NULL).
pub(super) fn rows_as_text<R>(rows: &[R]) -> Rows
where
    R: Row,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    rows.iter()
        .map(|row| {
            (0..row.columns().len())
                .map(|i| value_as_text(row, i))
                .collect()
        })
        .collect()
}

fn value_as_text<R>(row: &R, i: usize) -> Option<String>
where
    R: Row,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    if row.try_get_raw(i).map(|v| v.is_null()).unwrap_or(true) {
        return None;
    }
    if let Ok(s) = row.try_get::<String, _>(i) {
        return Some(s);
    }
    if let Ok(n) = row.try_get::<i64, _>(i) {
        return Some(n.to_string());
    }
    if let Ok(b) = row.try_get::<bool, _>(i) {
        return Some(b.to_string());
    }
    if let Ok(f) = row.try_get::<f64, _>(i) {
        return Some(f.to_string());
    }
    if let Ok(bytes) = row.try_get::<Vec<u8>, _>(i) {
        return Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    row.try_get_unchecked::<String, _>(i).ok()
}

/// The server's id of a session as the first value of `rows`, best effort: without it, an
/// interrupted run leaves the server to notice that the client is gone.
pub(super) fn session_id(rows: std::result::Result<Rows, String>) -> Option<i64> {
    rows.ok()
        .and_then(|rows| rows.into_iter().next())
        .and_then(|row| row.into_iter().next().flatten())
        .and_then(|id| id.parse().ok())
}

/// A canceller that runs `end_session` on a connection of its own, or does nothing when the
/// session's id is unknown.
pub(super) fn session_canceller(
    url: &DatabaseUrl,
    connect_timeout: Duration,
    end_session: Option<String>,
) -> Canceller {
    Canceller::new(match end_session {
        Some(sql) => Cancel::Session {
            url: url.clone(),
            connect_timeout,
            sql,
        },
        None => Cancel::Nothing,
    })
}

/// `scheme://user@/db?host=/socket/dir` (libpq and PyMySQL accept credentials with an empty
/// host, the socket named in the query) gets the placeholder host `localhost`, which the URL
/// parser of the driver requires; the socket in the query still decides where to connect.
pub(super) fn with_placeholder_host(connect: String) -> String {
    let Some(start) = connect.find("://").map(|i| i + 3) else {
        return connect;
    };
    let end = connect[start..]
        .find(['/', '?'])
        .map_or(connect.len(), |i| start + i);
    if connect[start..end].ends_with('@') {
        format!("{}localhost{}", &connect[..end], &connect[end..])
    } else {
        connect
    }
}

/// The name of a backup file: `database-UTCSTAMP.sql` in the working directory.
pub(super) fn dump_target(database: &str) -> PathBuf {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    PathBuf::from(format!("{database}-{stamp}.sql"))
}

/// Runs a dump tool (`pg_dump`, `mysqldump`) with the password in its environment variable
/// `password_env`, and refuses clearly when the tool is not installed.
pub(super) async fn run_dump(
    mut command: tokio::process::Command,
    url: &DatabaseUrl,
    (tool, password_env): (&str, &str),
    target: PathBuf,
) -> Result<PathBuf> {
    super::database::create_private(&target)?;
    if let Some(password) = url.password() {
        command.env(password_env, password);
    }
    let output = match command.output().await {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = std::fs::remove_file(&target);
            return Err(Error::refused(format!(
                "--backup needs `{tool}`, which is not installed or not on PATH"
            ))
            .with_hint(
                "install the database's client tools, or back up by other means and run without --backup",
            ));
        }
        Err(e) => {
            let _ = std::fs::remove_file(&target);
            return Err(Error::io(tool, e));
        }
    };
    if !output.status.success() {
        let _ = std::fs::remove_file(&target);
        return Err(Error::Database {
            message: format!(
                "{tool} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    Ok(target)
}
