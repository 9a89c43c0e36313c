//! Database URLs in the forms users bring from Alembic and sqlx.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Result;

/// The kind of database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// SQLite (a file or in memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

/// A parsed database URL. `Display` shows it with the password as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    // Filled by the implementation.
}

impl DatabaseUrl {
    /// Parses `text`; a relative SQLite path is resolved against `base`.
    pub fn parse(text: &str, base: &Path) -> Result<DatabaseUrl> {
        let _ = (text, base);
        todo!()
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, or `None` for an in-memory database or a server URL.
    pub fn sqlite_path(&self) -> Option<&Path> {
        todo!()
    }

    /// The URL sqlx connects with (driver suffix dropped, path absolute), password included.
    pub fn connect_string(&self) -> String {
        todo!()
    }

    /// The password, for handing to a client tool through its environment. Never print it.
    pub fn password(&self) -> Option<&str> {
        todo!()
    }

    /// The database name for server URLs.
    pub fn database(&self) -> Option<&str> {
        todo!()
    }

    /// The same server and credentials with another database name (server URLs), or another
    /// file (SQLite).
    pub fn with_database(&self, name: &str) -> DatabaseUrl {
        let _ = name;
        todo!()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[allow(dead_code)]
fn _unused(_: PathBuf) {}
