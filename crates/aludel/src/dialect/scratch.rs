//! Scratch databases on a server: created for one run under a name no other run picks, and
//! dropped afterwards whatever happened. Autogenerate normalises the models in one; `aludel
//! test` runs the stairway test in one on PostgreSQL and MySQL.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Database, dialect_for};
use crate::config::{Config, DatabaseUrl};
use crate::{Error, Result};

/// The server a scratch database for `target` goes on: `dev_url`'s when set (it must be of
/// the same kind as the target), else the target's own.
pub fn scratch_server(config: &Config, target: &DatabaseUrl) -> Result<DatabaseUrl> {
    let backend = target.backend();
    match &config.dev_url {
        Some(dev) if dev.backend() != backend => Err(Error::refused(format!(
            "dev_url {dev} is not a {} database like the target",
            dialect_for(backend).title()
        ))
        .with_hint("point dev_url at a server of the same kind")),
        Some(dev) => Ok(dev.clone()),
        None => Ok(target.clone()),
    }
}

/// A database created on a server for one run. [`ScratchDatabase::remove`] removes it; call it
/// on every path (it holds the administrative connection that created it).
pub struct ScratchDatabase {
    admin: Database,
    quoted: String,
    url: DatabaseUrl,
}

impl ScratchDatabase {
    /// Creates a fresh database on the server of `server` (a URL of any database there).
    pub async fn create(server: &DatabaseUrl, connect_timeout: Duration) -> Result<Self> {
        let mut admin = Database::connect(server, connect_timeout).await?;
        let name = scratch_name();
        let quoted = admin.dialect().quote_ident(&name);
        let created = match create_database_options(&mut admin).await {
            Ok(options) => {
                admin
                    .run(&format!("CREATE DATABASE {quoted}{options}"))
                    .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = created {
            admin.close().await;
            return Err(e);
        }
        Ok(ScratchDatabase {
            admin,
            quoted,
            url: server.with_database(&name),
        })
    }

    /// The URL of the scratch database.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Drops the database (closing its own connections first is the caller's part).
    pub async fn remove(mut self) -> Result<()> {
        let sql = self.admin.dialect().drop_database_sql(&self.quoted);
        let dropped = self.admin.run(&sql).await;
        self.admin.close().await;
        dropped.map(drop)
    }
}

/// What follows `CREATE DATABASE name` for a scratch database made through `admin` (a
/// connection to the target or `dev_url`), so that it has that database's defaults (MySQL:
/// its character set and collation, which every table and text column without one takes).
pub async fn create_database_options(admin: &mut Database) -> Result<String> {
    let Some(query) = admin.dialect().scratch_database_options_query() else {
        return Ok(String::new());
    };
    let rows = admin.fetch(query).await?;
    Ok(rows
        .into_iter()
        .flatten()
        .flatten()
        .next()
        .unwrap_or_default())
}

/// A database name no other run picks: process id, time and a counter.
fn scratch_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "aludel_scratch_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn scratch_names_differ() {
        assert_ne!(super::scratch_name(), super::scratch_name());
    }
}
