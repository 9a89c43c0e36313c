//! [`Database`]: a live connection, a thin dispatcher over the driver of each database.
//!
//! Each database folder implements [`Driver`] (after sqlx's per-driver `Migrate` trait) on its
//! own connection type; `Database` holds one of them and forwards every call. The migration
//! lock ([`LockGuard`]) and the [`Canceller`] are the driver's too, behind neutral types.

use std::path::PathBuf;
use std::time::Duration;

use super::{Dialect, dialect_for, not_compiled};
use crate::config::{Backend, DatabaseUrl};
use crate::schema::{Schema, TableFilter};
use crate::{Error, Result};

#[cfg(feature = "mysql")]
use super::mysql::MySqlConn;
#[cfg(feature = "postgres")]
use super::postgres::PostgresConn;
#[cfg(feature = "sqlite")]
use super::sqlite::SqliteConn;

/// Rows of a query, each value as text (`None` for NULL).
pub(crate) type Rows = Vec<Vec<Option<String>>>;

/// What a database's live connection does; [`Database`] dispatches to it. Errors of
/// `execute` and `fetch` are the database's message alone: the caller adds context.
pub(crate) trait Driver: Sized + Send {
    /// Connects to `url`, giving up after `timeout`.
    async fn connect(url: &DatabaseUrl, timeout: Duration) -> Result<Self>;
    /// Runs one statement (or a script of several, where the driver allows) and returns the
    /// number of rows it changed.
    async fn execute(&mut self, sql: &str) -> std::result::Result<u64, String>;
    /// Runs a script of several statements in one round trip; when one fails, says where the
    /// script stopped, where the driver can tell, so that the caller can name the failing
    /// statement without running anything again. The default knows no more than `execute`.
    async fn execute_script(&mut self, sql: &str) -> std::result::Result<u64, ScriptFailure> {
        self.execute(sql)
            .await
            .map_err(|message| ScriptFailure { message, at: None })
    }
    /// Runs a query and returns every row.
    async fn fetch(&mut self, sql: &str) -> std::result::Result<Rows, String>;
    /// Takes the migration lock of the version table `schema.table`, waiting up to `timeout`.
    async fn lock(&mut self, target: LockTarget<'_>, timeout: Duration) -> Result<LockGuard>;
    /// Copies the database before a run and returns where the copy is.
    async fn backup(&mut self) -> Result<PathBuf>;
    /// Reads the schema, keeping the tables `filter` accepts.
    async fn introspect(&mut self, filter: &TableFilter) -> Result<Schema>;
    /// What another thread may use to stop the statement in flight.
    fn canceller(&self) -> Canceller;
    /// How long a statement waits for another connection's write lock before failing busy
    /// (SQLite); servers queue on their own locks and ignore it.
    fn set_busy_timeout(&mut self, _timeout: Duration) {}
    /// How long the last failed statement waited for another connection's lock before giving
    /// up, when that is why it failed (SQLite's busy wait); `None` for any other failure.
    fn busy_wait(&mut self) -> Option<Duration> {
        None
    }
    /// Closes the connection cleanly.
    async fn close(self);
}

/// Where a script of several statements stopped (see [`Database::execute_script`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedAt {
    /// A byte offset in the script inside the failing statement (SQLite: where it starts;
    /// PostgreSQL: the error's position).
    Byte(usize),
    /// The 0-based index of the failing statement among the statements the database counted
    /// in the script (PostgreSQL, for an error without a position: every statement before it
    /// completed).
    Statement(usize),
}

/// A failed script: the database's message and, when the driver can tell, where it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFailure {
    /// The database's message.
    pub message: String,
    /// Where the script stopped, when known.
    pub at: Option<FailedAt>,
}

/// The version table whose migration lock is taken: its schema (`None`: the connection's
/// current one) and its name. The lock's key is derived from these, the same way by every
/// aludel build, so two versions of aludel exclude each other.
// SQLite's lock is the file's, whatever the table: a SQLite-only build reads neither field.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct LockTarget<'a> {
    /// The schema named in the configuration, if any.
    pub schema: Option<&'a str>,
    /// The table's name.
    pub table: &'a str,
}

enum Conn {
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteConn),
    #[cfg(feature = "postgres")]
    Postgres(PostgresConn),
    #[cfg(feature = "mysql")]
    MySql(MySqlConn),
}

/// Runs `$body` with `$c` bound to the driver's connection, whichever database it is.
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "sqlite")]
            Conn::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            Conn::Postgres($c) => $body,
            #[cfg(feature = "mysql")]
            Conn::MySql($c) => $body,
        }
    };
}

/// A live connection to the database a run works on.
pub struct Database {
    conn: Conn,
    dialect: &'static dyn Dialect,
    url: DatabaseUrl,
}

impl Database {
    /// Connects to `url`, giving up after `timeout`. A SQLite file is created when missing.
    /// A database whose driver this build left out is an error naming the cargo feature.
    pub async fn connect(url: &DatabaseUrl, timeout: Duration) -> Result<Database> {
        let conn = match url.backend() {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => Conn::Sqlite(SqliteConn::connect(url, timeout).await?),
            #[cfg(feature = "postgres")]
            Backend::Postgres => Conn::Postgres(PostgresConn::connect(url, timeout).await?),
            #[cfg(feature = "mysql")]
            Backend::MySql => Conn::MySql(MySqlConn::connect(url, timeout).await?),
            #[allow(unreachable_patterns)] // reachable when a driver is left out
            other => return Err(not_compiled(other)),
        };
        Ok(Database {
            conn,
            dialect: dialect_for(url.backend()),
            url: url.clone(),
        })
    }

    /// A handle that can stop this connection's statement in flight from another thread, for
    /// when the run is interrupted.
    pub fn canceller(&self) -> Canceller {
        with_conn!(&self.conn, c => c.canceller())
    }

    /// The dialect of this connection.
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    /// The URL connected to (its `Display` masks the password).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Runs one statement (or a script of several, where the driver allows) and returns the
    /// number of rows it changed. The error is the database's message.
    pub async fn execute(&mut self, sql: &str) -> std::result::Result<u64, String> {
        with_conn!(&mut self.conn, c => c.execute(sql).await)
    }

    /// Runs a script of several statements in one round trip, like [`execute`](Self::execute);
    /// when a statement fails, the failure says where the script stopped, where the database
    /// can tell: nothing runs twice to find out.
    pub async fn execute_script(&mut self, sql: &str) -> std::result::Result<u64, ScriptFailure> {
        with_conn!(&mut self.conn, c => c.execute_script(sql).await)
    }

    /// Runs one statement for aludel's own bookkeeping; failures become [`Error::Database`].
    pub async fn run(&mut self, sql: &str) -> Result<u64> {
        match self.execute(sql).await {
            Ok(changed) => Ok(changed),
            Err(message) => Err(self.failed(sql, message)),
        }
    }

    /// Runs a query and returns every row, each value as text (`None` for NULL).
    pub async fn fetch(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        match with_conn!(&mut self.conn, c => c.fetch(sql).await) {
            Ok(rows) => Ok(rows),
            Err(message) => Err(self.failed(sql, message)),
        }
    }

    /// The error of a failed bookkeeping statement: a wait for another connection's lock that
    /// ran out is [`Error::Busy`], anything else the database's message naming the statement.
    fn failed(&mut self, sql: &str, message: String) -> Error {
        match with_conn!(&mut self.conn, c => c.busy_wait()) {
            Some(waited) => Error::Busy {
                seconds: waited.as_secs_f64(),
            },
            None => Error::Database {
                message: format!("{message} (in: {sql})"),
            },
        }
    }

    /// Opens a write transaction.
    pub async fn begin(&mut self) -> Result<()> {
        self.run(self.dialect.begin_online()).await.map(drop)
    }

    /// Commits the open transaction.
    pub async fn commit(&mut self) -> Result<()> {
        self.run("COMMIT").await.map(drop)
    }

    /// Rolls back the open transaction; errors are ignored, since the connection may be gone.
    pub async fn rollback(&mut self) {
        let _ = self.execute("ROLLBACK").await;
    }

    /// How long statements wait for another connection's write lock before failing busy:
    /// commands set it to `lock_timeout`, so a busy SQLite file is waited for as long as
    /// another run's lock would be. Servers ignore it.
    pub fn set_busy_timeout(&mut self, timeout: Duration) {
        with_conn!(&mut self.conn, c => c.set_busy_timeout(timeout))
    }

    /// Takes the migration lock of the version table `table` in `schema` (`None`: the
    /// connection's current schema), waiting up to `timeout`. The returned guard releases it
    /// when released or dropped, on every path.
    pub async fn lock(
        &mut self,
        schema: Option<&str>,
        table: &str,
        timeout: Duration,
    ) -> Result<LockGuard> {
        let target = LockTarget { schema, table };
        with_conn!(&mut self.conn, c => c.lock(target, timeout).await)
    }

    /// Releases the migration lock `lock` taken through this connection, with whatever this
    /// connection held for it (MySQL's run lock).
    pub async fn unlock(&mut self, lock: LockGuard) {
        #[cfg(feature = "mysql")]
        if let (Conn::MySql(c), LockInner::MySql(_, name)) = (&mut self.conn, &lock.inner) {
            c.release_run_lock(name).await;
        }
        lock.release().await;
    }

    /// Copies the database before a run (`upgrade --backup`) and returns where the copy is.
    pub async fn backup(&mut self) -> Result<PathBuf> {
        with_conn!(&mut self.conn, c => c.backup().await)
    }

    /// Reads the schema of this database, keeping the tables `filter` accepts.
    pub async fn introspect(&mut self, filter: &TableFilter) -> Result<Schema> {
        with_conn!(&mut self.conn, c => c.introspect(filter).await)
    }

    /// Closes the connection cleanly.
    pub async fn close(self) {
        with_conn!(self.conn, c => c.close().await)
    }
}

/// A driver error as text, without any URL or password in it.
pub(crate) fn message(err: sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

/// Awaits a connection attempt for at most `timeout`; failures name the (masked) URL.
pub(crate) async fn connect_within<C>(
    url: &DatabaseUrl,
    timeout: Duration,
    connecting: impl std::future::Future<Output = std::result::Result<C, sqlx::Error>>,
) -> Result<C> {
    match tokio::time::timeout(timeout, connecting).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(err)) => Err(Error::Connect {
            url: url.to_string(),
            message: message(err),
            address: url.server_address(),
        }),
        Err(_) => Err(Error::Connect {
            url: url.to_string(),
            message: format!("no answer within {} s (connect_timeout)", timeout.as_secs()),
            address: url.server_address(),
        }),
    }
}

/// Stops a connection's statement in flight from another thread (see
/// [`Database::canceller`]).
pub struct Canceller {
    inner: Cancel,
}

/// How a driver stops a statement in flight.
pub(crate) enum Cancel {
    /// Nothing can be done (the session's id is unknown).
    #[allow(dead_code)] // unused when only SQLite is compiled in
    Nothing,
    /// SQLite: interrupt the connection's own handle.
    #[cfg(feature = "sqlite")]
    Interrupt(super::sqlite::Interrupt),
    /// A server: run `sql` (which ends the session) on a connection of its own.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    Session {
        /// Where to connect.
        url: DatabaseUrl,
        /// How long to try.
        connect_timeout: Duration,
        /// The statement that ends the session.
        sql: String,
    },
}

impl Canceller {
    pub(crate) fn new(inner: Cancel) -> Canceller {
        Canceller { inner }
    }

    /// Stops the statement in flight: SQLite interrupts it; a server's session is terminated,
    /// so the server rolls back its open transaction and stops its statement now rather than
    /// when it would have noticed the client is gone. Errors are ignored (the session may be
    /// gone already). Safe to call from another thread while the connection is in use.
    pub async fn cancel(&self) {
        match &self.inner {
            Cancel::Nothing => {}
            #[cfg(feature = "sqlite")]
            Cancel::Interrupt(interrupt) => interrupt.interrupt(),
            #[cfg(any(feature = "postgres", feature = "mysql"))]
            Cancel::Session {
                url,
                connect_timeout,
                sql,
            } => {
                if let Ok(mut db) = Database::connect(url, *connect_timeout).await {
                    let _ = db.execute(sql).await;
                    db.close().await;
                }
            }
        }
    }
}

/// What holds the migration lock, per database.
pub(crate) enum LockInner {
    /// No lock (in-memory SQLite, or `--no-lock`).
    None,
    /// An exclusive advisory lock on the SQLite file, released when the file is closed; the
    /// file is held only to keep the lock.
    #[cfg(feature = "sqlite")]
    File(#[allow(dead_code)] std::fs::File),
    /// A PostgreSQL session advisory lock on a connection of its own, with its key.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgConnection, i64),
    /// A MySQL `GET_LOCK` on a connection of its own, with the lock's name.
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlConnection, String),
}

/// The migration lock. Dropping it releases the lock (the file or the session closes); call
/// [`release`](Self::release) to release it cleanly.
///
/// A server's lock lives as long as its session, which the server or an operator may end
/// while the run goes on: [`held`](Self::held) asks whether it is still there, and
/// [`transaction_lock`](Self::transaction_lock) is what a migration's transaction takes so
/// that a run which lost the lock cannot commit while another one migrates.
pub struct LockGuard {
    inner: LockInner,
}

impl LockGuard {
    /// A guard that holds nothing, for `--no-lock`.
    pub fn none() -> LockGuard {
        LockGuard {
            inner: LockInner::None,
        }
    }

    pub(crate) fn new(inner: LockInner) -> LockGuard {
        LockGuard { inner }
    }

    /// Whether the lock is still held; `Err` says why not (its session ended, or another
    /// session holds it now). A file lock and no lock cannot be lost and cost no round trip.
    pub async fn held(&mut self) -> std::result::Result<(), String> {
        match &mut self.inner {
            LockInner::None => Ok(()),
            #[cfg(feature = "sqlite")]
            LockInner::File(_) => Ok(()),
            #[cfg(feature = "postgres")]
            LockInner::Postgres(c, key) => super::postgres::held(c, *key).await,
            #[cfg(feature = "mysql")]
            LockInner::MySql(c, name) => super::mysql::held(c, name).await,
        }
    }

    /// The statement a migration's transaction runs before its own, on the run's connection,
    /// where the database has transaction-scoped locks (PostgreSQL): it is held until that
    /// transaction ends, and a run taking the lock waits for it, so a run that lost its lock
    /// never commits while a newer run migrates.
    pub(crate) fn transaction_lock(&self) -> Option<String> {
        match &self.inner {
            #[cfg(feature = "postgres")]
            LockInner::Postgres(_, key) => Some(super::postgres::transaction_lock(*key)),
            _ => None,
        }
    }

    /// Releases the lock now.
    pub async fn release(self) {
        match self.inner {
            LockInner::None => {}
            #[cfg(feature = "sqlite")]
            LockInner::File(_) => {}
            #[cfg(feature = "postgres")]
            LockInner::Postgres(c, _) => super::postgres::unlock(c).await,
            #[cfg(feature = "mysql")]
            LockInner::MySql(c, _) => super::mysql::unlock(c).await,
        }
    }
}

/// Creates the empty backup file `target` readable and writable by its owner only (`0600`)
/// before SQLite or a dump tool fills it: a copy of a database must not be readable by others
/// (the tools keep the mode of a file that exists), and an existing path, a symlink included,
/// is never written through.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) fn create_private(target: &std::path::Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(target)
        .map(drop)
        .map_err(|e| Error::io(target, e))
}

/// Narrows the backup's `0600` further to the database file's own mode (a read-only `0400`
/// database gives a `0400` copy): a copy is never more open than its source.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) fn narrow_to_source(target: &std::path::Path, source: &std::path::Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let source_mode = std::fs::metadata(source)
            .map_err(|e| Error::io(source, e))?
            .permissions()
            .mode();
        let narrowed = source_mode & 0o600;
        if narrowed != 0o600 {
            std::fs::set_permissions(target, std::fs::Permissions::from_mode(narrowed))
                .map_err(|e| Error::io(target, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (target, source);
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn backups_are_private_and_never_more_open_than_their_source() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("app.db");
        std::fs::write(&source, "").unwrap();
        std::fs::set_permissions(&source, std::fs::Permissions::from_mode(0o644)).unwrap();
        let copy = dir.path().join("copy.bak");
        create_private(&copy).unwrap();
        assert_eq!(mode(&copy), 0o600);
        narrow_to_source(&copy, &source).unwrap();
        assert_eq!(
            mode(&copy),
            0o600,
            "a world-readable source gives a private copy"
        );
        std::fs::set_permissions(&source, std::fs::Permissions::from_mode(0o400)).unwrap();
        narrow_to_source(&copy, &source).unwrap();
        assert_eq!(
            mode(&copy),
            0o400,
            "a read-only source gives a read-only copy"
        );

        let error = create_private(&copy).unwrap_err();
        assert!(error.to_string().contains("copy.bak"), "{error}");
        let link = dir.path().join("link.bak");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        assert!(
            create_private(&link).is_err(),
            "a dangling symlink is not followed"
        );
        assert!(!dir.path().join("nowhere").exists());
    }
}
