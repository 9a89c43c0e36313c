//! The SQLite connection: sqlx's connection for opening and closing, and its raw handle for
//! statements, the online backup and interrupts.
//!
//! aludel runs migration statements on the connection's own handle, on the calling thread:
//! going through sqlx's worker thread costs a thread hand-off per statement, which dominated
//! the time of a long run. Soundness rests on three things the types enforce:
//!
//! - [`RawHandle`] is neither `Clone` nor `Sync` and its methods take `&mut self`; it lives in
//!   [`SqliteConn`] beside the sqlx connection it belongs to, so it is used only through
//!   `&mut Database`, never from two threads at once. sqlx opens connections in SQLite's
//!   multi-thread mode (`SQLITE_OPEN_NOMUTEX`), which allows a handle to move between threads
//!   as long as no two use it at the same time.
//! - sqlx's worker thread touches the handle only when sent a command. After connecting,
//!   aludel sends it only two: `lock_handle` for the backup (which hands the handle over
//!   until the guard is dropped) and `close`. So the worker is idle whenever the raw handle
//!   is used.
//! - Another thread gets only an [`Interrupt`]: `sqlite3_interrupt` is documented as safe to
//!   call from any thread while the connection is open, and the interrupt's pointer is
//!   cleared, under its mutex, before the connection closes (on `close` and on drop), so it
//!   never reaches a closed connection.
//!
//! This relies on sqlx 0.9.0's internals (the worker's command loop, `lock_handle`), which is
//! why Cargo.toml pins sqlx and libsqlite3-sys to exact versions.

use std::path::PathBuf;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use libsqlite3_sys as ffi;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::config::DatabaseUrl;
use crate::dialect::database::{
    Cancel, Canceller, Driver, FailedAt, LockGuard, LockTarget, Rows, ScriptFailure, connect_within,
};
use crate::schema::{Schema, TableFilter};
use crate::{Error, Result};

/// A live SQLite connection: sqlx's connection, its raw handle, and the slot the
/// [`Interrupt`]s of other threads read.
pub(crate) struct SqliteConn {
    conn: Option<sqlx::SqliteConnection>,
    raw: RawHandle,
    interrupt: Interrupt,
    url: DatabaseUrl,
    /// How long a statement waits for another connection's write lock: `lock_timeout` once
    /// the migration lock is taken, [`BUSY_TIMEOUT`] before.
    busy_timeout: Duration,
}

/// The busy wait of a connection that has not taken the migration lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

async fn open(url: &DatabaseUrl) -> std::result::Result<sqlx::SqliteConnection, sqlx::Error> {
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
        .busy_timeout(BUSY_TIMEOUT)
        .connect()
        .await
}

impl SqliteConn {
    /// The sqlx connection; present until `close` or drop takes it.
    fn sqlx(&mut self) -> &mut sqlx::SqliteConnection {
        self.conn
            .as_mut()
            .expect("the connection is present until closed")
    }

    /// Takes the sqlx connection out for closing or dropping, after clearing the interrupt's
    /// pointer so that no other thread reaches the handle once it closes.
    fn take(&mut self) -> Option<sqlx::SqliteConnection> {
        self.interrupt.clear();
        self.conn.take()
    }
}

impl Drop for SqliteConn {
    fn drop(&mut self) {
        // Dropping the sqlx connection makes its worker close the handle.
        drop(self.take());
    }
}

impl Driver for SqliteConn {
    async fn connect(url: &DatabaseUrl, timeout: Duration) -> Result<Self> {
        let mut conn = connect_within(url, timeout, open(url)).await?;
        let handle = {
            let mut locked = conn.lock_handle().await.map_err(|e| Error::Connect {
                url: url.to_string(),
                message: e.to_string(),
                address: None,
            })?;
            locked.as_raw_handle()
        };
        Ok(SqliteConn {
            conn: Some(conn),
            raw: RawHandle(handle),
            interrupt: Interrupt(Arc::new(Mutex::new(Some(HandlePtr(handle))))),
            url: url.clone(),
            busy_timeout: BUSY_TIMEOUT,
        })
    }

    async fn execute(&mut self, sql: &str) -> std::result::Result<u64, String> {
        self.raw.execute(sql).map_err(|failure| failure.message)
    }

    async fn execute_script(&mut self, sql: &str) -> std::result::Result<u64, ScriptFailure> {
        self.raw.execute(sql)
    }

    async fn fetch(&mut self, sql: &str) -> std::result::Result<Rows, String> {
        self.raw.fetch(sql)
    }

    async fn lock(&mut self, _target: LockTarget<'_>, timeout: Duration) -> Result<LockGuard> {
        // A run waits for other writers as long as it waits for another aludel run.
        self.set_busy_timeout(timeout);
        super::lock::lock(&self.url, timeout).await
    }

    fn set_busy_timeout(&mut self, timeout: Duration) {
        self.busy_timeout = timeout;
        self.raw.set_busy_timeout(timeout);
    }

    fn busy_wait(&mut self) -> Option<Duration> {
        self.raw.busy().then_some(self.busy_timeout)
    }

    async fn backup(&mut self) -> Result<PathBuf> {
        let Some(path) = self.url.sqlite_path().map(std::path::Path::to_path_buf) else {
            return Err(Error::refused(
                "--backup needs a database file; an in-memory database has nothing to keep",
            ));
        };
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let target = PathBuf::from(format!("{}.{stamp}.bak", path.display()));
        let mut handle = self
            .sqlx()
            .lock_handle()
            .await
            .map_err(|e| Error::Database {
                message: e.to_string(),
            })?;
        crate::dialect::database::create_private(&target)?;
        let source = handle.as_raw_handle().as_ptr();
        online_backup(source, &target).map_err(|message| Error::Database {
            message: format!("backup to {} failed: {message}", target.display()),
        })?;
        crate::dialect::database::narrow_to_source(&target, &path)?;
        Ok(target)
    }

    async fn introspect(&mut self, filter: &TableFilter) -> Result<Schema> {
        super::introspect::introspect(self, filter).await
    }

    fn canceller(&self) -> Canceller {
        Canceller::new(Cancel::Interrupt(self.interrupt.clone()))
    }

    async fn close(mut self) {
        if let Some(conn) = self.take() {
            let _ = conn.close().await;
        }
    }
}

/// The raw handle of an open SQLite connection, used for statements on the calling thread.
/// Not `Clone`, not `Sync`, every use through `&mut self`: see the module's documentation.
struct RawHandle(NonNull<ffi::sqlite3>);

// SAFETY: SQLite's multi-thread mode lets a connection be used from any thread, one thread at
// a time; `RawHandle` is not `Sync` and is used only through `&mut`, so moving it to another
// thread cannot make two threads use it at once.
unsafe impl Send for RawHandle {}

impl RawHandle {
    /// Sets how long a statement waits for another connection's lock before failing busy.
    fn set_busy_timeout(&mut self, timeout: Duration) {
        let ms = std::ffi::c_int::try_from(timeout.as_millis()).unwrap_or(std::ffi::c_int::MAX);
        // SAFETY: the handle is live and used by this thread alone.
        unsafe { ffi::sqlite3_busy_timeout(self.0.as_ptr(), ms) };
    }

    /// Whether the last call on the handle failed because the database was locked.
    fn busy(&mut self) -> bool {
        // SAFETY: the handle is live and used by this thread alone.
        let code = unsafe { ffi::sqlite3_errcode(self.0.as_ptr()) };
        code & 0xff == ffi::SQLITE_BUSY
    }

    /// Runs `sql` (one statement or several) and returns the rows changed by the last one;
    /// on failure, the message and the byte offset where the failing statement starts.
    ///
    /// This is `sqlite3_exec`'s own loop (prepare the next statement, step it to the end,
    /// finalize, continue at the tail SQLite hands back), written out so that the failing
    /// statement is known without running anything again, at the same speed.
    fn execute(&mut self, sql: &str) -> std::result::Result<u64, ScriptFailure> {
        let db = self.0.as_ptr();
        let failure = |at: usize| ScriptFailure {
            // SAFETY: the handle is live; the message is copied before any other call.
            message: unsafe {
                std::ffi::CStr::from_ptr(ffi::sqlite3_errmsg(db))
                    .to_string_lossy()
                    .into_owned()
            },
            at: Some(FailedAt::Byte(at)),
        };
        // NUL-terminated, and SQLite told to read up to the NUL: given a length instead, it
        // copies the rest of the text before preparing each statement.
        let text = std::ffi::CString::new(sql).map_err(|_| ScriptFailure {
            message: "the statement contains a NUL character".to_string(),
            at: None,
        })?;
        let bytes = text.as_bytes();
        let mut at = 0;
        loop {
            // Like sqlite3_exec, skip the white space before a statement, so `at` is where the
            // statement itself starts.
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            if at >= bytes.len() {
                break;
            }
            let rest = &bytes[at..];
            let mut statement: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
            let mut tail: *const std::ffi::c_char = std::ptr::null();
            // SAFETY: the handle is live and used by this thread alone (see the module's
            // documentation); `rest` is NUL-terminated (it ends where `text` does) and outlives
            // the call, and SQLite sets `tail` to a pointer into it.
            let rc = unsafe {
                ffi::sqlite3_prepare_v2(db, rest.as_ptr().cast(), -1, &mut statement, &mut tail)
            };
            if rc != ffi::SQLITE_OK {
                return Err(failure(at));
            }
            // SAFETY: `tail` points into `rest` (at most one past its end), as SQLite documents.
            let consumed = unsafe { tail.cast::<u8>().offset_from(rest.as_ptr()) } as usize;
            if statement.is_null() {
                // Only a comment or a lone `;`: nothing to run.
                at += consumed.max(1);
                continue;
            }
            // SAFETY: `statement` was prepared above on this handle and is finalized once,
            // here; rows are not read.
            let rc = unsafe {
                let mut rc = ffi::sqlite3_step(statement);
                while rc == ffi::SQLITE_ROW {
                    rc = ffi::sqlite3_step(statement);
                }
                let finalized = ffi::sqlite3_finalize(statement);
                if rc == ffi::SQLITE_DONE {
                    finalized
                } else {
                    rc
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(failure(at));
            }
            at += consumed.max(1);
        }
        // SAFETY: the handle is live.
        Ok(unsafe { ffi::sqlite3_changes64(db) } as u64)
    }

    /// Runs one query and returns every row, each value as text (`None` for NULL).
    fn fetch(&mut self, sql: &str) -> std::result::Result<Rows, String> {
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
}

/// The connection's handle as the interrupt slot keeps it.
struct HandlePtr(NonNull<ffi::sqlite3>);

// SAFETY: the pointer is only passed to `sqlite3_interrupt`, which SQLite documents as safe
// to call from any thread while the connection is open; the slot is cleared before it closes.
unsafe impl Send for HandlePtr {}

/// Interrupts the statement running on a SQLite connection, from any thread; does nothing
/// once the connection is closed.
#[derive(Clone)]
pub(crate) struct Interrupt(Arc<Mutex<Option<HandlePtr>>>);

impl Interrupt {
    /// Makes the statement running on the connection stop with an "interrupted" error.
    pub(crate) fn interrupt(&self) {
        let slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(HandlePtr(handle)) = &*slot {
            // SAFETY: the connection is open while its pointer is in the slot, and the slot's
            // lock is held, so it cannot close before this call returns.
            unsafe { ffi::sqlite3_interrupt(handle.as_ptr()) }
        }
    }

    /// Forgets the handle, before the connection closes.
    fn clear(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

fn online_backup(
    source: *mut ffi::sqlite3,
    target: &std::path::Path,
) -> std::result::Result<(), String> {
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
