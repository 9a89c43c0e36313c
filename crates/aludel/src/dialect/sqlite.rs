//! SQLite: connection, catalog queries, the file lock and the online backup.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use super::{Dialect, LockInner};
use crate::config::{Backend, DatabaseUrl};
use crate::{Error, Result};

/// SQLite's facts.
pub(crate) struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn transactional_ddl(&self) -> bool {
        true
    }
    fn concurrent_index(&self) -> bool {
        false
    }
    fn quote_ident(&self, ident: &str) -> String {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }
    fn begin_online(&self) -> &'static str {
        // IMMEDIATE takes the write lock at once, so two runs never interleave inside a
        // migration and a busy database is reported at BEGIN rather than mid-migration.
        "BEGIN IMMEDIATE"
    }
    fn serial_primary_key(&self) -> &'static str {
        "id INTEGER PRIMARY KEY AUTOINCREMENT"
    }
    fn catalog_columns_query(&self) -> String {
        "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p \
         WHERE m.type IN ('table', 'view')"
            .to_string()
    }
    fn catalog_indexes_query(&self) -> String {
        "SELECT tbl_name, name FROM sqlite_schema WHERE type = 'index'".to_string()
    }
    fn version_column_length_query(&self, _schema: Option<&str>, table: &str) -> String {
        format!(
            "SELECT type FROM pragma_table_info({}) WHERE name = 'version_num'",
            self.quote_literal(table)
        )
    }
    fn table_exists_query(&self, _schema: Option<&str>, table: &str) -> String {
        format!(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = {}",
            self.quote_literal(table)
        )
    }
}

pub(super) async fn connect(
    url: &DatabaseUrl,
) -> std::result::Result<sqlx::SqliteConnection, sqlx::Error> {
    let options = match url.sqlite_path() {
        Some(path) => SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true),
        None => SqliteConnectOptions::new().in_memory(true),
    };
    // Foreign keys stay off as in SQLite's own default (and Alembic's driver), so the
    // documented table-rebuild procedure works inside migrations.
    options
        .foreign_keys(false)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await
}

/// The raw handle of an open SQLite connection. aludel runs migration statements on it
/// directly, on the calling thread: going through sqlx's worker thread costs a thread hand-off
/// per statement, which dominated the time of a long run. SQLite is built in serialized mode
/// (`SQLITE_THREADSAFE=1`), so the handle may be used from any thread; it stays valid while
/// the sqlx connection it belongs to is open, which outlives every use here.
#[derive(Clone)]
pub(super) struct RawHandle(std::ptr::NonNull<libsqlite3_sys::sqlite3>);

// SAFETY: see the type's documentation: SQLite serializes access to the handle itself.
unsafe impl Send for RawHandle {}
// SAFETY: as above.
unsafe impl Sync for RawHandle {}

impl RawHandle {
    /// The handle of `conn`.
    pub(super) async fn of(
        conn: &mut sqlx::SqliteConnection,
    ) -> std::result::Result<RawHandle, sqlx::Error> {
        let mut locked = conn.lock_handle().await?;
        Ok(RawHandle(locked.as_raw_handle()))
    }

    /// Runs `sql` (one statement or several) and returns the rows changed by the last one.
    pub(super) fn execute(&self, sql: &str) -> std::result::Result<u64, String> {
        use libsqlite3_sys as ffi;
        let text = std::ffi::CString::new(sql)
            .map_err(|_| "the statement contains a NUL character".to_string())?;
        let db = self.0.as_ptr();
        // SAFETY: the handle is live (see the type's documentation), the statement text
        // outlives the call, and no callback is registered.
        unsafe {
            let mut error: *mut std::ffi::c_char = std::ptr::null_mut();
            let rc = ffi::sqlite3_exec(db, text.as_ptr(), None, std::ptr::null_mut(), &mut error);
            if rc != ffi::SQLITE_OK {
                let message = if error.is_null() {
                    std::ffi::CStr::from_ptr(ffi::sqlite3_errmsg(db))
                        .to_string_lossy()
                        .into_owned()
                } else {
                    let message = std::ffi::CStr::from_ptr(error)
                        .to_string_lossy()
                        .into_owned();
                    ffi::sqlite3_free(error.cast());
                    message
                };
                return Err(message);
            }
            Ok(ffi::sqlite3_changes64(db) as u64)
        }
    }

    /// Runs one query and returns every row, each value as text (`None` for NULL).
    pub(super) fn fetch(&self, sql: &str) -> std::result::Result<Vec<Vec<Option<String>>>, String> {
        use libsqlite3_sys as ffi;
        let db = self.0.as_ptr();
        let error = || {
            // SAFETY: the handle is live; the message is copied before any other call.
            unsafe {
                std::ffi::CStr::from_ptr(ffi::sqlite3_errmsg(db))
                    .to_string_lossy()
                    .into_owned()
            }
        };
        let length = std::ffi::c_int::try_from(sql.len())
            .map_err(|_| "the query is too long".to_string())?;
        let mut statement: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        // SAFETY: the handle is live and the text outlives the call; SQLite reads `length`
        // bytes of it.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                db,
                sql.as_ptr().cast(),
                length,
                &mut statement,
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(error());
        }
        if statement.is_null() {
            return Ok(Vec::new()); // only white space or comments
        }
        let mut rows = Vec::new();
        let result = loop {
            // SAFETY: `statement` is a prepared statement of this handle, finalized below.
            match unsafe { ffi::sqlite3_step(statement) } {
                ffi::SQLITE_ROW => {
                    // SAFETY: as above; column values are copied before the next step.
                    let row = unsafe {
                        (0..ffi::sqlite3_column_count(statement))
                            .map(|i| {
                                if ffi::sqlite3_column_type(statement, i) == ffi::SQLITE_NULL {
                                    return None;
                                }
                                let text = ffi::sqlite3_column_text(statement, i);
                                let len = ffi::sqlite3_column_bytes(statement, i) as usize;
                                let bytes = if text.is_null() {
                                    &[][..]
                                } else {
                                    std::slice::from_raw_parts(text, len)
                                };
                                Some(String::from_utf8_lossy(bytes).into_owned())
                            })
                            .collect()
                    };
                    rows.push(row);
                }
                ffi::SQLITE_DONE => break Ok(rows),
                _ => break Err(error()),
            }
        };
        // SAFETY: finalizing the statement prepared above, once.
        unsafe { ffi::sqlite3_finalize(statement) };
        result
    }

    /// Makes the statement running on this handle stop with an "interrupted" error.
    pub(super) fn interrupt(&self) {
        // SAFETY: `sqlite3_interrupt` is documented as safe to call from any thread while the
        // connection is open.
        unsafe { libsqlite3_sys::sqlite3_interrupt(self.0.as_ptr()) }
    }
}

/// Takes an exclusive advisory lock on the database file itself. SQLite locks with POSIX
/// record locks, which are independent of `flock`, so this lock never blocks SQLite; the
/// kernel drops it when the process ends, so a crash leaves nothing behind.
pub(super) async fn lock(url: &DatabaseUrl, timeout: Duration) -> Result<LockInner> {
    let Some(path) = url.sqlite_path() else {
        return Ok(LockInner::None);
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(LockInner::File(file)),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::LockTimeout {
                    seconds: timeout.as_secs(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
        }
    }
}

/// Copies the database with SQLite's online backup API next to the original, named with the
/// UTC time.
pub(super) async fn backup(
    conn: &mut sqlx::SqliteConnection,
    url: &DatabaseUrl,
) -> Result<PathBuf> {
    let Some(path) = url.sqlite_path() else {
        return Err(Error::refused(
            "--backup needs a database file; an in-memory database has nothing to keep",
        ));
    };
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let target = PathBuf::from(format!("{}.{stamp}.bak", path.display()));
    let mut handle = conn.lock_handle().await.map_err(|e| Error::Database {
        message: e.to_string(),
    })?;
    let source = handle.as_raw_handle().as_ptr();
    online_backup(source, &target).map_err(|message| Error::Database {
        message: format!("backup to {} failed: {message}", target.display()),
    })?;
    Ok(target)
}

fn online_backup(
    source: *mut libsqlite3_sys::sqlite3,
    target: &std::path::Path,
) -> std::result::Result<(), String> {
    use libsqlite3_sys as ffi;
    use std::ffi::{CStr, CString};
    let name = CString::new(target.to_string_lossy().as_bytes()).map_err(|e| e.to_string())?;
    let main = c"main";
    // SAFETY: `source` is a live handle locked for our exclusive use by `lock_handle`; the
    // destination handle is opened, used and closed here, and every pointer passed to SQLite
    // outlives the call.
    unsafe {
        let mut dest: *mut ffi::sqlite3 = std::ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE;
        let rc = ffi::sqlite3_open_v2(name.as_ptr(), &mut dest, flags, std::ptr::null());
        let result = if rc != ffi::SQLITE_OK {
            Err(format!("cannot open the backup file (code {rc})"))
        } else {
            let backup = ffi::sqlite3_backup_init(dest, main.as_ptr(), source, main.as_ptr());
            if backup.is_null() {
                Err(CStr::from_ptr(ffi::sqlite3_errmsg(dest))
                    .to_string_lossy()
                    .into_owned())
            } else {
                let step = ffi::sqlite3_backup_step(backup, -1);
                let finish = ffi::sqlite3_backup_finish(backup);
                if step != ffi::SQLITE_DONE {
                    Err(format!("backup step failed (code {step})"))
                } else if finish != ffi::SQLITE_OK {
                    Err(format!("backup finish failed (code {finish})"))
                } else {
                    Ok(())
                }
            }
        };
        ffi::sqlite3_close(dest);
        result
    }
}
