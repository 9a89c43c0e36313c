//! The SQLite migration lock: an exclusive advisory lock on the database file itself.

use std::time::{Duration, Instant};

use crate::config::DatabaseUrl;
use crate::dialect::database::{LockGuard, LockInner};
use crate::{Error, Result};

/// Takes an exclusive advisory lock on the database file. SQLite locks with POSIX record
/// locks, which are independent of `flock`, so this lock never blocks SQLite; the kernel drops
/// it when the process ends, so a crash leaves nothing behind. An in-memory database is
/// private to its connection and needs no lock.
pub(super) async fn lock(url: &DatabaseUrl, timeout: Duration) -> Result<LockGuard> {
    let Some(path) = url.sqlite_path() else {
        return Ok(LockGuard::new(LockInner::None));
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(LockGuard::new(LockInner::File(file))),
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
