//! The one builder of the SQL aludel itself issues: the version table (Alembic's layout) and
//! the `aludel_history` log, and transaction control ([`transaction`]). Every identifier and
//! literal is quoted by the dialect.

pub mod transaction;

use crate::dialect::Dialect;
use crate::revision::{RevisionId, VersionOp};

/// The name of the history log table.
pub const HISTORY_TABLE: &str = "aludel_history";

/// A table name, optionally in a schema, quoted on output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    /// The schema, where the dialect has them.
    pub schema: Option<String>,
    /// The table.
    pub name: String,
}

impl TableName {
    /// The quoted, schema-qualified name.
    pub fn render(&self, d: &dyn Dialect) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", d.quote_ident(schema), d.quote_ident(&self.name)),
            None => d.quote_ident(&self.name),
        }
    }
}

/// SQL for the version table: one `version_num` row per applied head, as Alembic keeps it.
#[derive(Debug, Clone)]
pub struct VersionTable {
    /// Where the table is.
    pub table: TableName,
}

impl VersionTable {
    /// `CREATE TABLE IF NOT EXISTS`, with a wide column so long `--rev-id`s fit.
    pub fn create(&self, d: &dyn Dialect) -> String {
        format!(
            "{} {} (\n    version_num VARCHAR(255) NOT NULL,\n    CONSTRAINT {} PRIMARY KEY (version_num)\n)",
            d.create_table_if_not_exists(),
            self.table.render(d),
            d.quote_ident(&format!("{}_pkc", self.table.name))
        )
    }

    /// Reads every row.
    pub fn select(&self, d: &dyn Dialect) -> String {
        format!("SELECT version_num FROM {}", self.table.render(d))
    }

    /// The statement that applies one version-table change.
    pub fn apply(&self, d: &dyn Dialect, op: &VersionOp) -> String {
        let table = self.table.render(d);
        let lit = |id: &RevisionId| d.quote_literal(id.as_str());
        match op {
            VersionOp::Insert(id) => {
                format!("INSERT INTO {table} (version_num) VALUES ({})", lit(id))
            }
            VersionOp::Delete(id) => format!("DELETE FROM {table} WHERE version_num = {}", lit(id)),
            VersionOp::Update { from, to } => {
                format!(
                    "UPDATE {table} SET version_num = {} WHERE version_num = {}",
                    lit(to),
                    lit(from)
                )
            }
        }
    }

    /// Empties the table (`stamp --purge`).
    pub fn purge(&self, d: &dyn Dialect) -> String {
        format!("DELETE FROM {}", self.table.render(d))
    }
}

/// What a history row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HistoryKind {
    /// An upgrade section ran.
    Upgrade,
    /// A downgrade section ran.
    Downgrade,
    /// The version table was set without running migrations.
    Stamp,
    /// A changed file's new checksum was accepted (`aludel repair`).
    Repair,
}

impl HistoryKind {
    /// The word stored in the `direction` column.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryKind::Upgrade => "upgrade",
            HistoryKind::Downgrade => "downgrade",
            HistoryKind::Stamp => "stamp",
            HistoryKind::Repair => "repair",
        }
    }
}

/// One row of the history log.
#[derive(Debug, Clone)]
pub struct HistoryRow<'a> {
    /// The revision.
    pub revision: &'a RevisionId,
    /// What happened.
    pub kind: HistoryKind,
    /// The checksum of the upgrade section, as the file had it then.
    pub checksum: Option<&'a str>,
    /// When it started, RFC 3339 UTC.
    pub started_at: &'a str,
    /// How long it took.
    pub duration_ms: u64,
    /// Who ran it.
    pub applied_by: &'a str,
}

/// SQL for the `aludel_history` log.
#[derive(Debug, Clone)]
pub struct HistoryTable {
    /// Where the table is.
    pub table: TableName,
}

impl HistoryTable {
    /// The history table next to a version table.
    pub fn beside(version: &VersionTable) -> HistoryTable {
        HistoryTable {
            table: TableName {
                schema: version.table.schema.clone(),
                name: HISTORY_TABLE.to_string(),
            },
        }
    }

    /// `CREATE TABLE IF NOT EXISTS`.
    pub fn create(&self, d: &dyn Dialect) -> String {
        format!(
            "{} {} (\n    {},\n    revision VARCHAR(255) NOT NULL,\n    direction VARCHAR(16) NOT NULL,\n    \
             checksum VARCHAR(64),\n    started_at VARCHAR(40) NOT NULL,\n    duration_ms BIGINT NOT NULL,\n    \
             applied_by VARCHAR(255)\n)",
            d.create_table_if_not_exists(),
            self.table.render(d),
            d.serial_primary_key()
        )
    }

    /// Records one row.
    pub fn insert(&self, d: &dyn Dialect, row: &HistoryRow<'_>) -> String {
        format!(
            "INSERT INTO {} (revision, direction, checksum, started_at, duration_ms, applied_by) VALUES ({}, {}, {}, {}, {}, {})",
            self.table.render(d),
            d.quote_literal(row.revision.as_str()),
            d.quote_literal(row.kind.as_str()),
            row.checksum
                .map(|c| d.quote_literal(c))
                .unwrap_or_else(|| "NULL".to_string()),
            d.quote_literal(row.started_at),
            row.duration_ms,
            d.quote_literal(row.applied_by)
        )
    }

    /// Every row's revision, direction and checksum, oldest first.
    pub fn select_checksums(&self, d: &dyn Dialect) -> String {
        format!(
            "SELECT revision, direction, checksum FROM {} ORDER BY id",
            self.table.render(d)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Backend;
    use crate::dialect::dialect_for;

    fn id(s: &str) -> RevisionId {
        RevisionId::new(s).unwrap()
    }

    #[test]
    fn version_table_statements_quote_per_dialect() {
        let table = VersionTable {
            table: TableName {
                schema: None,
                name: "alembic_version".into(),
            },
        };
        let sqlite = dialect_for(Backend::Sqlite);
        let mysql = dialect_for(Backend::MySql);
        assert_eq!(
            table.apply(
                sqlite,
                &VersionOp::Update {
                    from: id("a1"),
                    to: id("b2")
                }
            ),
            "UPDATE \"alembic_version\" SET version_num = 'b2' WHERE version_num = 'a1'"
        );
        assert_eq!(
            table.apply(mysql, &VersionOp::Insert(id("x_y"))),
            "INSERT INTO `alembic_version` (version_num) VALUES ('x_y')"
        );
        assert!(
            table
                .create(sqlite)
                .contains("CONSTRAINT \"alembic_version_pkc\" PRIMARY KEY (version_num)")
        );
    }

    #[test]
    fn schema_qualified_names() {
        let table = VersionTable {
            table: TableName {
                schema: Some("ops".into()),
                name: "v".into(),
            },
        };
        let pg = dialect_for(Backend::Postgres);
        assert_eq!(table.select(pg), "SELECT version_num FROM \"ops\".\"v\"");
        assert_eq!(
            HistoryTable::beside(&table).table.render(pg),
            "\"ops\".\"aludel_history\""
        );
    }

    #[test]
    fn mysql_literals_escape_backslashes() {
        let mysql = dialect_for(Backend::MySql);
        assert_eq!(mysql.quote_literal(r"a\'b"), r"'a\\''b'");
        assert_eq!(dialect_for(Backend::Sqlite).quote_literal(r"a\b"), r"'a\b'");
    }
}
