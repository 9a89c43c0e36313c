//! The MySQL migration lock: `GET_LOCK` on a connection of its own.
//!
//! The lock lasts as long as its session, which `wait_timeout`, a proxy or an operator's
//! `KILL` may end mid-run: the lock session raises its idle timeout, and the run asks before
//! each migration whether that session still holds the lock ([`held`]). The run's own
//! connection also holds a second named lock, the run lock, until the run ends
//! ([`release_run_lock`]); whoever takes the migration lock waits for the run lock to be free,
//! so a run that lost its lock has stopped before the next one reads the version table.

use std::time::Duration;

use sqlx::Connection;

use crate::config::DatabaseUrl;
use crate::dialect::database::{LockGuard, LockInner, LockTarget, connect_within, message};
use crate::{Error, Result};

/// The `GET_LOCK` name of one version table (`schema` is the database holding it). Names are
/// limited to 64 characters: a longer one is shortened to a prefix and a hash of the whole.
fn lock_name(schema: &str, table: &str) -> String {
    fit(format!("aludel:{schema}.{table}"))
}

/// The run lock that goes with the lock `name`.
fn run_lock_name(name: &str) -> String {
    fit(format!("{name}:run"))
}

/// `name`, or a prefix of it and a hash of the whole when it is longer than 64 characters.
fn fit(name: String) -> String {
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
    target: LockTarget<'_>,
    connect_timeout: Duration,
    timeout: Duration,
    run: &mut sqlx::MySqlConnection,
) -> Result<LockGuard> {
    let mut conn = connect_within(url, connect_timeout, super::conn::open(url)).await?;
    let database_error = |e: sqlx::Error| Error::Database {
        message: format!("cannot take the migration lock: {}", message(e)),
    };
    let schema = match target.schema {
        Some(schema) => schema.to_string(),
        None => sqlx::query_scalar::<_, Option<String>>("SELECT DATABASE()")
            .fetch_one(&mut conn)
            .await
            .map_err(database_error)?
            .unwrap_or_default(),
    };
    let name = lock_name(&schema, target.table);
    let taken: Option<i64> = sqlx::query_scalar("SELECT CAST(GET_LOCK(?, ?) AS SIGNED)")
        .bind(&name)
        .bind(timeout.as_secs().max(1) as i64)
        .fetch_one(&mut conn)
        .await
        .map_err(database_error)?;
    if taken == Some(1) {
        // The lock session idles through the whole run: a year is the server's maximum.
        let _ = sqlx::raw_sql("SET SESSION wait_timeout = 31536000")
            .execute(&mut conn)
            .await;
        // A run that lost this lock holds its run lock until it stops: wait for that, then
        // hold the run lock on this run's connection.
        let run_name = run_lock_name(&name);
        let get = "SELECT CAST(GET_LOCK(?, ?) AS SIGNED)";
        let seconds = timeout.as_secs().max(1) as i64;
        let free: Option<i64> = sqlx::query_scalar(get)
            .bind(&run_name)
            .bind(seconds)
            .fetch_one(&mut conn)
            .await
            .map_err(database_error)?;
        if free == Some(1) {
            sqlx::query("SELECT RELEASE_LOCK(?)")
                .bind(&run_name)
                .execute(&mut conn)
                .await
                .map_err(database_error)?;
            let taken: Option<i64> = sqlx::query_scalar(get)
                .bind(&run_name)
                .bind(seconds)
                .fetch_one(run)
                .await
                .map_err(database_error)?;
            if taken == Some(1) {
                return Ok(LockGuard::new(LockInner::MySql(conn, name)));
            }
        }
    }
    let _ = conn.close().await;
    Err(Error::LockTimeout {
        seconds: timeout.as_secs(),
    })
}

/// Releases the run lock that goes with the lock `name` on the run's connection `run`;
/// errors are ignored (the session may be gone, and its locks with it).
pub(crate) async fn release_run_lock(run: &mut sqlx::MySqlConnection, name: &str) {
    let _ = sqlx::query("SELECT RELEASE_LOCK(?)")
        .bind(run_lock_name(name))
        .execute(run)
        .await;
}

/// Whether the lock session `conn` still holds the lock `name`.
pub(crate) async fn held(
    conn: &mut sqlx::MySqlConnection,
    name: &str,
) -> std::result::Result<(), String> {
    let held: Option<i64> =
        sqlx::query_scalar("SELECT CAST(IS_USED_LOCK(?) = CONNECTION_ID() AS SIGNED)")
            .bind(name)
            .fetch_one(conn)
            .await
            .map_err(|e| format!("its session ended ({})", message(e)))?;
    match held {
        Some(1) => Ok(()),
        _ => Err("its session no longer holds it".to_string()),
    }
}

/// Releases every named lock of the session and closes its connection.
pub(crate) async fn unlock(mut conn: sqlx::MySqlConnection) {
    let _ = sqlx::raw_sql("DO RELEASE_ALL_LOCKS()")
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(run_lock_name(&a).chars().count(), 64);
        assert_ne!(run_lock_name(&a), a);
    }
}
