//! Reading catalog rows: every introspection query returns its values as text, and these
//! helpers take them apart the same way for each database.

use super::database::{Driver, Rows};
use crate::{Error, Result};

/// Runs a catalog query on a driver's connection; a failure names the query, as
/// [`Database::fetch`](super::Database::fetch) does.
pub(super) async fn query<D: Driver>(conn: &mut D, sql: &str) -> Result<Rows> {
    conn.fetch(sql).await.map_err(|message| Error::Database {
        message: format!("{message} (in: {sql})"),
    })
}

/// A value of a catalog row as text; an empty string for NULL.
pub(super) fn text(row: &[Option<String>], i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

/// A value of a catalog row, `None` for NULL.
pub(super) fn opt(row: &[Option<String>], i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

/// A foreign-key action as the model stores it: `None` for the default NO ACTION. Catalogs
/// spell actions as words (`CASCADE`) or as PostgreSQL's letter codes (`c`).
pub(super) fn action(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase();
    match upper.as_str() {
        "" | "NO ACTION" | "A" => None,
        "R" | "RESTRICT" => Some("RESTRICT".into()),
        "C" | "CASCADE" => Some("CASCADE".into()),
        "N" | "SET NULL" => Some("SET NULL".into()),
        "D" | "SET DEFAULT" => Some("SET DEFAULT".into()),
        _ => Some(upper),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_spelled_one_way() {
        assert_eq!(action("NO ACTION"), None);
        assert_eq!(action("a"), None);
        assert_eq!(action("c").as_deref(), Some("CASCADE"));
        assert_eq!(action("set null").as_deref(), Some("SET NULL"));
    }
}
