//! The PostgreSQL migration lock: a session advisory lock on a connection of its own.

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
            return Ok(LockGuard::new(LockInner::Postgres(conn)));
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
    }
}
