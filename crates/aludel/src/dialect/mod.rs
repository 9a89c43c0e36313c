//! Dialects: the only place that names a concrete database.
//!
//! [`Dialect`] answers the pure questions (quoting, capabilities, column types of aludel's own
//! tables); [`Database`] is a live connection whose methods dispatch to the driver of each
//! database. The rest of the crate asks for capabilities and never branches on which database it
//! is talking to.

mod mysql;
mod postgres;
mod sqlite;

use std::time::Duration;

use sqlx::{Connection, Row, ValueRef};

use crate::config::{Backend, DatabaseUrl};
use crate::{Error, Result};

/// The pure, per-database facts aludel needs to render SQL and plan a run.
pub trait Dialect: Send + Sync + 'static {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// The name templates see as `dialect`: `sqlite`, `postgresql` or `mysql`.
    fn name(&self) -> &'static str;
    /// Whether DDL statements take part in transactions (false: they commit implicitly).
    fn transactional_ddl(&self) -> bool;
    /// Whether `CREATE INDEX CONCURRENTLY` builds an index without blocking writes.
    fn concurrent_index(&self) -> bool;
    /// Quotes an identifier.
    fn quote_ident(&self, ident: &str) -> String;
    /// Quotes a string literal.
    fn quote_literal(&self, value: &str) -> String {
        format!("'{}'", value.replace('\'', "''"))
    }
    /// The statement that opens a transaction in offline scripts.
    fn begin_offline(&self) -> &'static str {
        "BEGIN"
    }
    /// The statement that opens a write transaction online.
    fn begin_online(&self) -> &'static str {
        "BEGIN"
    }
    /// A statement that prepares a session on a scratch database, where models are loaded
    /// and normalised: faster at the cost of durability, which a scratch database does not
    /// need, and tolerant of foreign keys to tables defined later.
    fn scratch_session_sql(&self) -> Option<&'static str> {
        None
    }
    /// `DROP DATABASE` for a scratch database (`quoted` is already quoted), ending any session
    /// still connected to it where the server allows.
    fn drop_database_sql(&self, quoted: &str) -> String {
        format!("DROP DATABASE IF EXISTS {quoted}")
    }
    /// Column definition of an auto-incrementing integer primary key named `id`.
    fn serial_primary_key(&self) -> &'static str;
    /// `CREATE TABLE` prefix that tolerates an existing table.
    fn create_table_if_not_exists(&self) -> &'static str {
        "CREATE TABLE IF NOT EXISTS"
    }
    /// The query listing `(table, column)` pairs of the current schema, for template
    /// inspectors.
    fn catalog_columns_query(&self) -> String;
    /// The query listing `(table, index)` pairs of the current schema.
    fn catalog_indexes_query(&self) -> String;
    /// The query returning the declared length of the version table's `version_num`, if any.
    fn version_column_length_query(&self, schema: Option<&str>, table: &str) -> String;
    /// The query that tells whether a table exists (one row when it does).
    fn table_exists_query(&self, schema: Option<&str>, table: &str) -> String;
}

/// The dialect of a backend.
pub fn dialect_for(backend: Backend) -> &'static dyn Dialect {
    match backend {
        Backend::Sqlite => &sqlite::SqliteDialect,
        Backend::Postgres => &postgres::PostgresDialect,
        Backend::MySql => &mysql::MySqlDialect,
    }
}

enum Conn {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
    MySql(sqlx::MySqlConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection, whatever the backend.
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
            Conn::MySql($c) => $body,
        }
    };
}

/// A live connection to the database a run works on.
pub struct Database {
    conn: Conn,
    dialect: &'static dyn Dialect,
    url: DatabaseUrl,
    connect_timeout: Duration,
    /// The server's id of this session (PostgreSQL backend pid, MySQL connection id).
    session: Option<i64>,
    /// SQLite: the connection's own handle, used directly for statements.
    sqlite: Option<sqlite::RawHandle>,
}

/// A driver error as text, without any URL or password in it.
fn message(err: sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

impl Database {
    /// Connects to `url`, giving up after `timeout`. A SQLite file is created when missing.
    pub async fn connect(url: &DatabaseUrl, timeout: Duration) -> Result<Database> {
        let connecting = async {
            match url.backend() {
                Backend::Sqlite => sqlite::connect(url).await.map(Conn::Sqlite),
                Backend::Postgres => postgres::connect(url).await.map(Conn::Postgres),
                Backend::MySql => mysql::connect(url).await.map(Conn::MySql),
            }
        };
        let conn = connect_within(url, timeout, connecting).await?;
        let mut db = Database {
            conn,
            dialect: dialect_for(url.backend()),
            url: url.clone(),
            connect_timeout: timeout,
            session: None,
            sqlite: None,
        };
        if let Conn::Sqlite(c) = &mut db.conn {
            db.sqlite = Some(sqlite::RawHandle::of(c).await.map_err(|e| Error::Connect {
                url: url.to_string(),
                message: e.to_string(),
            })?);
        }
        let session_query = match url.backend() {
            Backend::Sqlite => None,
            Backend::Postgres => Some("SELECT pg_backend_pid()::bigint"),
            Backend::MySql => Some("SELECT CAST(CONNECTION_ID() AS SIGNED)"),
        };
        if let Some(query) = session_query {
            // Best effort: without it, an interrupted run leaves the server to notice.
            db.session = db
                .fetch(query)
                .await
                .ok()
                .and_then(|rows| rows.into_iter().next())
                .and_then(|row| row.into_iter().next().flatten())
                .and_then(|id| id.parse().ok());
        }
        Ok(db)
    }

    /// A handle that can end this connection's session from another connection, for when the
    /// run is interrupted while a statement is in flight.
    pub fn canceller(&self) -> Canceller {
        Canceller {
            url: self.url.clone(),
            session: self.session,
            connect_timeout: self.connect_timeout,
            sqlite: self.sqlite.clone(),
        }
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
        if let Some(handle) = &self.sqlite {
            return handle.execute(sql);
        }
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        with_conn!(&mut self.conn, c => query.execute(&mut *c).await.map(|r| r.rows_affected()).map_err(message))
    }

    /// Runs one statement for aludel's own bookkeeping; failures become [`Error::Database`].
    pub async fn run(&mut self, sql: &str) -> Result<u64> {
        self.execute(sql).await.map_err(|message| Error::Database {
            message: format!("{message} (in: {sql})"),
        })
    }

    /// Runs a query and returns every row, each value as text (`None` for NULL).
    pub async fn fetch(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        if let Some(handle) = &self.sqlite {
            return handle.fetch(sql).map_err(|e| Error::Database {
                message: format!("{e} (in: {sql})"),
            });
        }
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        let rows = with_conn!(&mut self.conn, c => {
            let rows = query.fetch_all(&mut *c).await.map_err(|e| Error::Database { message: format!("{} (in: {sql})", message(e)) })?;
            rows.iter().map(|row| (0..row.columns().len()).map(|i| value_as_text(row, i)).collect()).collect::<Vec<Vec<Option<String>>>>()
        });
        Ok(rows)
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

    /// Takes the migration lock of the version table `table`, waiting up to `timeout`. The
    /// returned guard releases it when released or dropped, on every path.
    pub async fn lock(
        &mut self,
        table: &crate::sql::TableName,
        timeout: Duration,
    ) -> Result<LockGuard> {
        let inner = match &mut self.conn {
            Conn::Sqlite(_) => sqlite::lock(&self.url, timeout).await?,
            Conn::Postgres(_) => {
                postgres::lock(&self.url, table, self.connect_timeout, timeout).await?
            }
            Conn::MySql(_) => mysql::lock(&self.url, table, self.connect_timeout, timeout).await?,
        };
        Ok(LockGuard { inner })
    }

    /// Copies the database before a run (`upgrade --backup`) and returns where the copy is.
    pub async fn backup(&mut self) -> Result<std::path::PathBuf> {
        match &mut self.conn {
            Conn::Sqlite(c) => sqlite::backup(c, &self.url).await,
            Conn::Postgres(_) => postgres::backup(&self.url).await,
            Conn::MySql(_) => mysql::backup(&self.url).await,
        }
    }

    /// Closes the connection cleanly.
    pub async fn close(self) {
        let _ = with_conn!(self.conn, c => c.close().await);
    }
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

/// Ends a connection's server session from another connection (see
/// [`Database::canceller`]).
pub struct Canceller {
    url: DatabaseUrl,
    session: Option<i64>,
    connect_timeout: Duration,
    sqlite: Option<sqlite::RawHandle>,
}

impl Canceller {
    /// Stops the statement in flight: SQLite interrupts it; a server's session is terminated,
    /// so the server rolls back its open transaction and stops its statement now rather than
    /// when it would have noticed the client is gone. Errors are ignored (the session may be
    /// gone already). Safe to call from another thread while the connection is in use.
    pub async fn cancel(&self) {
        if let Some(handle) = &self.sqlite {
            handle.interrupt();
            return;
        }
        let Some(session) = self.session else {
            return;
        };
        let sql = match self.url.backend() {
            Backend::Sqlite => return,
            Backend::Postgres => format!("SELECT pg_terminate_backend({session})"),
            Backend::MySql => format!("KILL {session}"),
        };
        if let Ok(mut db) = Database::connect(&self.url, self.connect_timeout).await {
            let _ = db.execute(&sql).await;
            db.close().await;
        }
    }
}

/// What holds the migration lock, per database.
pub(crate) enum LockInner {
    /// No lock (in-memory SQLite, or `--no-lock`).
    None,
    /// An exclusive advisory lock on the SQLite file, released when the file is closed; the
    /// file is held only to keep the lock.
    File(#[allow(dead_code)] std::fs::File),
    /// A PostgreSQL session advisory lock on a connection of its own.
    Postgres(sqlx::PgConnection),
    /// A MySQL `GET_LOCK` on a connection of its own.
    MySql(sqlx::MySqlConnection),
}

/// The migration lock. Dropping it releases the lock (the file or the session closes); call
/// [`release`](Self::release) to release it cleanly.
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

    /// Releases the lock now.
    pub async fn release(self) {
        match self.inner {
            LockInner::None | LockInner::File(_) => {}
            LockInner::Postgres(c) => postgres::unlock(c).await,
            LockInner::MySql(c) => mysql::unlock(c).await,
        }
    }
}

/// `scheme://user@/db?host=/socket/dir` (libpq and PyMySQL accept credentials with an empty
/// host, the socket named in the query) gets the placeholder host `localhost`, which the URL
/// parser of the driver requires; the socket in the query still decides where to connect.
fn with_placeholder_host(connect: String) -> String {
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
        }),
        Err(_) => Err(Error::Connect {
            url: url.to_string(),
            message: format!("no answer within {} s (connect_timeout)", timeout.as_secs()),
        }),
    }
}

/// Runs a dump tool (`pg_dump`, `mysqldump`) with the password in its environment, and
/// refuses clearly when the tool is not installed.
async fn run_dump(
    mut command: tokio::process::Command,
    url: &DatabaseUrl,
    tool: &str,
    target: std::path::PathBuf,
) -> Result<std::path::PathBuf> {
    if let Some(password) = url.password() {
        command.env(
            if tool == "pg_dump" {
                "PGPASSWORD"
            } else {
                "MYSQL_PWD"
            },
            password,
        );
    }
    let output = match command.output().await {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::refused(format!(
                "--backup needs `{tool}`, which is not installed or not on PATH\nhint: install the database's client tools, or back up by other means and run without --backup"
            )));
        }
        Err(e) => return Err(Error::io(tool, e)),
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
