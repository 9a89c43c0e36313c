//! The PostgreSQL migration lock: a session advisory lock on a connection of its own, and a
//! transaction-scoped one each migration's transaction takes on the run's connection.
//!
//! The session lock lasts as long as its session, which a server setting
//! (`idle_session_timeout`), a pooler, a failover or an operator may end mid-run. So the lock
//! session turns its idle timeout off, the run asks before each migration and before each
//! commit whether the session still holds the lock ([`held`]), and every migration's
//! transaction first takes a transaction lock ([`transaction_lock`]) that a run taking the
//! session lock waits for ([`lock`]): a run that lost its lock can finish the transaction it
//! is in, but never commits one while a newer run migrates.

use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::config::DatabaseUrl;
use crate::dialect::database::{LockGuard, LockInner, LockTarget, connect_within, message};
use crate::{Error, Result};

/// FNV-1a: a fixed, documented hash, so every aludel build agrees on the lock key.
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf29ce484222325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    hash
}

/// The advisory lock key of one version table (`database`, `schema`, `table`), stable across
/// runs and processes: two projects with their own version tables in one database do not wait
/// for each other.
fn lock_key(database: &str, schema: &str, table: &str) -> i64 {
    fnv1a(&format!("aludel:{database}:{schema}.{table}")) as i64
}

/// The key of the transaction lock that goes with the session lock `key`.
fn transaction_key(key: i64) -> i64 {
    fnv1a(&format!("aludel:transaction:{key}")) as i64
}

/// The statement a migration's transaction runs first: the transaction lock of the session
/// lock `key`, released by the server when the transaction ends.
pub(crate) fn transaction_lock(key: i64) -> String {
    format!("SELECT pg_advisory_xact_lock({})", transaction_key(key))
}

/// Whether the lock session `conn` still holds the advisory lock `key`. A session advisory
/// lock is released only by its own session (aludel never does so mid-run) or when the session
/// ends, so a session that still answers still holds it. `pg_locks` would say so too, but it
/// lists every lock of the server, and a run in one transaction holds thousands (each table
/// and index it creates): asking it before every migration made long runs quadratic.
pub(crate) async fn held(
    conn: &mut sqlx::PgConnection,
    _key: i64,
) -> std::result::Result<(), String> {
    sqlx::raw_sql("SELECT 1")
        .execute(conn)
        .await
        .map(drop)
        .map_err(|e| format!("its session ended ({})", message(e)))
}

/// Takes a session advisory lock on a connection of its own, so that migrations that run
/// outside a transaction work under it and a crash releases it with the session.
pub(super) async fn lock(
    url: &DatabaseUrl,
    target: LockTarget<'_>,
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<LockGuard> {
    let mut conn = connect_within(url, connect_timeout, super::conn::open(url)).await?;
    let database_error = |e: sqlx::Error| Error::Database {
        message: format!("cannot take the migration lock: {}", message(e)),
    };
    // An unqualified version table lives in the current schema: resolve it, so that `public`
    // named explicitly and left implicit take the same lock.
    let (database, schema): (String, Option<String>) =
        sqlx::query_as("SELECT current_database()::text, current_schema()::text")
            .fetch_one(&mut conn)
            .await
            .map_err(database_error)?;
    let schema = target
        .schema
        .map(str::to_string)
        .or(schema)
        .unwrap_or_else(|| "public".to_string());
    let key = lock_key(&database, &schema, target.table);
    let start = Instant::now();
    loop {
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(&mut conn)
            .await
            .map_err(database_error)?;
        if taken {
            // The lock must outlive idle stretches of its session (PostgreSQL 14 and later
            // have the setting; older servers have no idle timeout to turn off).
            let _ = sqlx::raw_sql("SET idle_session_timeout = 0")
                .execute(&mut conn)
                .await;
            // A run that lost this lock may still be inside a migration's transaction: wait
            // for it to end before reading the version table.
            let barrier = transaction_key(key);
            loop {
                let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(barrier)
                    .fetch_one(&mut conn)
                    .await
                    .map_err(database_error)?;
                if free {
                    sqlx::query("SELECT pg_advisory_unlock($1)")
                        .bind(barrier)
                        .execute(&mut conn)
                        .await
                        .map_err(database_error)?;
                    return Ok(LockGuard::new(LockInner::Postgres(conn, key)));
                }
                if start.elapsed() >= timeout {
                    let _ = conn.close().await;
                    return Err(Error::LockTimeout {
                        seconds: timeout.as_secs(),
                    });
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        if start.elapsed() >= timeout {
            let _ = conn.close().await;
            return Err(Error::LockTimeout {
                seconds: timeout.as_secs(),
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Releases the advisory lock and closes its connection.
pub(crate) async fn unlock(mut conn: sqlx::PgConnection) {
    let _ = sqlx::raw_sql("SELECT pg_advisory_unlock_all()")
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_differ_per_version_table() {
        let a = lock_key("app", "public", "aludel_version");
        assert_eq!(a, lock_key("app", "public", "aludel_version"));
        assert_ne!(a, lock_key("app", "public", "other_version"));
        assert_ne!(a, lock_key("app", "ops", "aludel_version"));
        assert_ne!(a, lock_key("other", "public", "aludel_version"));
        assert_ne!(transaction_key(a), a);
        assert!(transaction_lock(a).starts_with("SELECT pg_advisory_xact_lock("));
    }
}
