//! The transaction guard: the one way the runtime opens, commits and rolls back transactions.
//!
//! A [`Transaction`] borrows the connection for as long as it is open and is consumed by
//! [`commit`](Transaction::commit) or [`rollback`](Transaction::rollback). Async Rust has no
//! async `Drop`, so the owner of a guard rolls it back on its error path; the run loop keeps
//! its guard in a [`Connection`] and has a single such path, so no early return can leave a
//! transaction open. `BEGIN` is deferred to the first statements sent through the guard and
//! `COMMIT` may travel with the last ones, which saves round trips on long runs.

use crate::Result;
use crate::dialect::{Database, FailedAt, ScriptFailure};
use crate::sql::transaction::{COMMIT, ROLLBACK, begin};

/// A transaction on a borrowed connection; `BEGIN` goes out with the first statements.
#[must_use = "a transaction must be committed or rolled back"]
pub(crate) struct Transaction<'c> {
    db: &'c mut Database,
    /// Whether `BEGIN` has been sent: until then commit and rollback have nothing to end.
    begun: bool,
}

impl<'c> Transaction<'c> {
    /// A transaction whose `BEGIN` is sent with the first statements that go through it.
    pub(crate) fn deferred(db: &'c mut Database) -> Transaction<'c> {
        Transaction { db, begun: false }
    }

    /// A transaction opened now, in a round trip of its own.
    pub(crate) async fn begin(db: &'c mut Database) -> Result<Transaction<'c>> {
        let mut tx = Transaction::deferred(db);
        tx.ensure_begun().await?;
        Ok(tx)
    }

    /// Sends `BEGIN` unless it went out already.
    pub(crate) async fn ensure_begun(&mut self) -> Result<()> {
        if !self.begun {
            self.db.run(begin(self.db.dialect())).await?;
            self.begun = true;
        }
        Ok(())
    }

    /// The connection, for reads that must see the transaction's own changes.
    pub(crate) fn database(&mut self) -> &mut Database {
        self.db
    }

    /// `sql` with `BEGIN` in front when it has not gone out yet. The guard counts as begun
    /// from here on: should the round trip fail after `BEGIN`, a rollback is still owed.
    fn opening(&mut self, sql: &str) -> String {
        if self.begun {
            return sql.to_string();
        }
        self.begun = true;
        format!("{};\n{sql}", begin(self.db.dialect()))
    }

    /// Runs migration statements inside the transaction; the error is the database's message.
    pub(crate) async fn execute(&mut self, sql: &str) -> std::result::Result<u64, String> {
        let sql = self.opening(sql);
        self.db.execute(&sql).await
    }

    /// Runs a script of migration statements inside the transaction; a failure says where in
    /// `sql` it stopped, when the database can tell (a `BEGIN` sent in front is not counted).
    pub(crate) async fn execute_script(
        &mut self,
        sql: &str,
    ) -> std::result::Result<u64, ScriptFailure> {
        let opened = !self.begun;
        let sent = self.opening(sql);
        let prefix = sent.len() - sql.len();
        self.db.execute_script(&sent).await.map_err(|mut failure| {
            failure.at = match (failure.at, opened) {
                (at, false) => at,
                (Some(FailedAt::Byte(at)), true) => at.checked_sub(prefix).map(FailedAt::Byte),
                // `BEGIN` is one statement.
                (Some(FailedAt::Statement(n)), true) => n.checked_sub(1).map(FailedAt::Statement),
                (None, true) => None,
            };
            failure
        })
    }

    /// Runs aludel's own statements inside the transaction; failures are [`Error::Database`].
    pub(crate) async fn run(&mut self, sql: &str) -> Result<u64> {
        let sql = self.opening(sql);
        self.db.run(&sql).await
    }

    /// Commits, handing the connection back; a failed commit rolls back before it returns.
    pub(crate) async fn commit(self) -> Result<&'c mut Database> {
        if !self.begun {
            return Ok(self.db);
        }
        self.finish(COMMIT).await
    }

    /// Runs `sql` and commits in the same round trip (opening the transaction first if
    /// nothing went out yet); on failure the transaction is rolled back.
    pub(crate) async fn commit_with(mut self, sql: &str) -> Result<&'c mut Database> {
        let sql = self.opening(&format!("{sql};\n{COMMIT}"));
        self.finish(&sql).await
    }

    async fn finish(self, sql: &str) -> Result<&'c mut Database> {
        match self.db.run(sql).await {
            Ok(_) => Ok(self.db),
            Err(error) => {
                let _ = self.rollback().await;
                Err(error)
            }
        }
    }

    /// Rolls back what the transaction did. Errors are ignored: the connection may be gone,
    /// and then the server has rolled back already.
    pub(crate) async fn rollback(self) -> &'c mut Database {
        if self.begun {
            let _ = self.db.execute(ROLLBACK).await;
        }
        self.db
    }
}

/// The run loop's hold on its connection: between transactions, or inside one through its
/// guard. The boundaries the units draw move it from one state to the other.
pub(crate) enum Connection<'c> {
    /// No transaction is open.
    Idle(&'c mut Database),
    /// A transaction is open (or deferred) and its guard is held here.
    InTransaction(Transaction<'c>),
    /// Only while a guard changes hands, and for good once a commit failed (that guard rolled
    /// back on its own); the run then ends with the commit's error.
    Closed,
}

impl<'c> Connection<'c> {
    /// The connection, whatever the state.
    pub(crate) fn database(&mut self) -> &mut Database {
        match self {
            Connection::Idle(db) => db,
            Connection::InTransaction(tx) => tx.database(),
            Connection::Closed => unreachable!("the run stops at a failed commit"),
        }
    }

    /// Whether a transaction is open (or deferred).
    pub(crate) fn in_transaction(&self) -> bool {
        matches!(self, Connection::InTransaction(_))
    }

    /// The open transaction's guard, when there is one.
    pub(crate) fn transaction(&mut self) -> Option<&mut Transaction<'c>> {
        match self {
            Connection::InTransaction(tx) => Some(tx),
            _ => None,
        }
    }

    /// Runs migration statements, inside the transaction when one is open.
    pub(crate) async fn execute(&mut self, sql: &str) -> std::result::Result<u64, String> {
        match self {
            Connection::InTransaction(tx) => tx.execute(sql).await,
            other => other.database().execute(sql).await,
        }
    }

    /// Runs a script of migration statements, inside the transaction when one is open; a
    /// failure says where in `sql` it stopped, when the database can tell.
    pub(crate) async fn execute_script(
        &mut self,
        sql: &str,
    ) -> std::result::Result<u64, ScriptFailure> {
        match self {
            Connection::InTransaction(tx) => tx.execute_script(sql).await,
            other => other.database().execute_script(sql).await,
        }
    }

    /// Runs aludel's own statements, inside the transaction when one is open.
    pub(crate) async fn run(&mut self, sql: &str) -> Result<u64> {
        match self {
            Connection::InTransaction(tx) => tx.run(sql).await,
            other => other.database().run(sql).await,
        }
    }

    /// Takes the state out, leaving `Closed` until a new one is put back.
    fn take(&mut self) -> Connection<'c> {
        std::mem::replace(self, Connection::Closed)
    }

    /// Opens a deferred transaction unless one is open.
    pub(crate) fn begin(&mut self) {
        *self = match self.take() {
            Connection::Idle(db) => Connection::InTransaction(Transaction::deferred(db)),
            other => other,
        };
    }

    /// Commits the open transaction, if any.
    pub(crate) async fn commit(&mut self) -> Result<()> {
        *self = match self.take() {
            Connection::InTransaction(tx) => Connection::Idle(tx.commit().await?),
            other => other,
        };
        Ok(())
    }

    /// Runs `sql` and commits the open transaction in the same round trip; with no
    /// transaction open it only runs `sql`.
    pub(crate) async fn commit_with(&mut self, sql: &str) -> Result<()> {
        match self.take() {
            Connection::InTransaction(tx) => *self = Connection::Idle(tx.commit_with(sql).await?),
            other => {
                *self = other;
                self.run(sql).await?;
            }
        }
        Ok(())
    }

    /// Rolls back the open transaction, if any: the run loop's one error path.
    pub(crate) async fn rollback(&mut self) {
        *self = match self.take() {
            Connection::InTransaction(tx) => Connection::Idle(tx.rollback().await),
            other => other,
        };
    }
}
