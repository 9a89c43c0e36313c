//! Transaction control: the text of `BEGIN`, `COMMIT`, `ROLLBACK` and of the savepoint a
//! migration's statements run under, so the runtime never spells SQL itself.

use crate::dialect::Dialect;

/// Commits the open transaction.
pub const COMMIT: &str = "COMMIT";

/// Rolls back the open transaction.
pub const ROLLBACK: &str = "ROLLBACK";

/// The statement that opens a write transaction on a live connection. It may differ from the
/// offline one: SQLite takes its write lock at once online, so two runs never interleave.
pub fn begin(d: &dyn Dialect) -> &'static str {
    d.begin_online()
}

/// The statement that opens a transaction in an offline script, for a DBA's client to run.
pub fn begin_script(d: &dyn Dialect) -> &'static str {
    d.begin_offline()
}

/// A named savepoint inside a transaction; its name is quoted by the dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Savepoint {
    /// The savepoint's name, unquoted.
    pub name: String,
}

impl Savepoint {
    /// A savepoint called `name`.
    pub fn new(name: impl Into<String>) -> Savepoint {
        Savepoint { name: name.into() }
    }

    /// `SAVEPOINT name`: marks the point to roll back to.
    pub fn create(&self, d: &dyn Dialect) -> String {
        format!("SAVEPOINT {}", d.quote_ident(&self.name))
    }

    /// `RELEASE SAVEPOINT name`: keeps what ran since the mark.
    pub fn release(&self, d: &dyn Dialect) -> String {
        format!("RELEASE SAVEPOINT {}", d.quote_ident(&self.name))
    }

    /// `ROLLBACK TO SAVEPOINT name`: undoes what ran since the mark, keeping the transaction.
    pub fn rollback_to(&self, d: &dyn Dialect) -> String {
        format!("ROLLBACK TO SAVEPOINT {}", d.quote_ident(&self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Backend;
    use crate::dialect::dialect_for;

    #[test]
    fn savepoint_names_are_quoted_per_dialect() {
        let step = Savepoint::new("aludel_step");
        let pg = dialect_for(Backend::Postgres);
        let mysql = dialect_for(Backend::MySql);
        assert_eq!(step.create(pg), "SAVEPOINT \"aludel_step\"");
        assert_eq!(step.release(mysql), "RELEASE SAVEPOINT `aludel_step`");
        assert_eq!(
            step.rollback_to(pg),
            "ROLLBACK TO SAVEPOINT \"aludel_step\""
        );
    }

    #[test]
    fn begin_differs_online_and_offline_where_the_dialect_says_so() {
        let sqlite = dialect_for(Backend::Sqlite);
        assert_eq!(begin(sqlite), "BEGIN IMMEDIATE");
        assert_eq!(begin_script(sqlite), "BEGIN");
        assert_eq!(
            begin_script(dialect_for(Backend::MySql)),
            "START TRANSACTION"
        );
    }
}
