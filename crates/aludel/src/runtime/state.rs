//! The database side of the bookkeeping: reading the version table, creating it and the
//! history log, and comparing recorded checksums with the files (`status`, `repair`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::transaction::Transaction;
use super::{Migrator, check_known_heads, current_user};
use crate::dialect::Database;
use crate::revision::RevisionId;
use crate::sql::{HistoryKind, HistoryRow, TableName, VersionTable};
use crate::{Error, Result};

/// An applied revision whose file's upgrade section changed since it was applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChangedFile {
    /// The revision.
    pub revision: RevisionId,
    /// Its file.
    pub path: PathBuf,
    /// The checksum recorded when it was applied.
    pub recorded: String,
    /// The checksum of the file now.
    pub actual: String,
}

impl ChangedFile {
    /// What changed, in one sentence.
    pub fn describe(&self) -> String {
        format!(
            "revision {} ({}) changed since it was applied: recorded checksum {}, file now {}",
            self.revision,
            self.path.display(),
            &self.recorded[..self.recorded.len().min(12)],
            &self.actual[..self.actual.len().min(12)],
        )
    }

    /// What the user can do about it.
    pub fn hint(&self) -> String {
        format!(
            "review the change; `aludel repair {}` accepts the file as it is now",
            self.revision
        )
    }
}

/// Where the database stands relative to the files.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    /// The version table's rows.
    pub current: Vec<RevisionId>,
    /// The graph's heads.
    pub heads: Vec<RevisionId>,
    /// Revisions `upgrade heads` would run, in order.
    pub pending: Vec<RevisionId>,
    /// Applied revisions whose files changed.
    pub changed: Vec<ChangedFile>,
    /// Version-table rows that no migration file has (a file removed, another branch
    /// deployed); `pending` is counted from the other rows.
    pub unknown: Vec<RevisionId>,
}

impl Status {
    /// True when nothing is pending and no applied file changed.
    pub fn is_clean(&self) -> bool {
        self.pending.is_empty() && self.changed.is_empty() && self.unknown.is_empty()
    }
}

async fn table_exists(table: &TableName, db: &mut Database) -> Result<bool> {
    let query = db
        .dialect()
        .table_exists_query(table.schema.as_deref(), &table.name);
    Ok(!db.fetch(&query).await?.is_empty())
}

pub(super) async fn ensure_tables(m: &Migrator<'_>, db: &mut Database) -> Result<()> {
    let d = db.dialect();
    db.run(&m.version_table.create(d)).await?;
    db.run(&m.history_table.create(d)).await?;
    Ok(())
}

pub(super) async fn read_heads(
    version_table: &VersionTable,
    db: &mut Database,
) -> Result<Vec<RevisionId>> {
    if !table_exists(&version_table.table, db).await? {
        return Ok(Vec::new());
    }
    let rows = db.fetch(&version_table.select(db.dialect())).await?;
    rows.into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .map(|id| {
            RevisionId::new(id.clone()).map_err(|_| Error::Database {
                message: format!("the version table holds '{id}', which is not a revision id"),
            })
        })
        .collect()
}

/// Every revision at or below `heads`, following parents and dependencies.
fn applied_set(m: &Migrator<'_>, heads: &[RevisionId]) -> BTreeSet<RevisionId> {
    let graph = &m.scripts.graph;
    let mut seen = BTreeSet::new();
    let mut todo: Vec<RevisionId> = heads.to_vec();
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(rev) = graph.get(id.as_str()) {
            todo.extend(rev.down_revisions.iter().cloned());
            for dep in &rev.depends_on {
                todo.extend(graph.resolve(dep).unwrap_or_default());
            }
        }
    }
    seen
}

/// The last recorded upgrade-side checksum of each revision (upgrade, stamp or repair rows);
/// a later downgrade row clears it.
async fn recorded_checksums(
    m: &Migrator<'_>,
    db: &mut Database,
) -> Result<BTreeMap<String, String>> {
    let mut recorded = BTreeMap::new();
    let rows = db
        .fetch(&m.history_table.select_checksums(db.dialect()))
        .await?;
    for row in rows {
        let [Some(revision), Some(direction), checksum] =
            <[Option<String>; 3]>::try_from(row).unwrap_or_default()
        else {
            continue;
        };
        if direction == HistoryKind::Downgrade.as_str() {
            recorded.remove(&revision);
        } else if let Some(checksum) = checksum {
            recorded.insert(revision, checksum);
        }
    }
    Ok(recorded)
}

pub(super) async fn changed_files(
    m: &Migrator<'_>,
    db: &mut Database,
    current: &[RevisionId],
) -> Result<Vec<ChangedFile>> {
    // A database adopted from Alembic has only its version table until aludel first writes:
    // no history means no recorded checksum to compare with.
    if current.is_empty() || !table_exists(&m.history_table.table, db).await? {
        return Ok(Vec::new());
    }
    let recorded = recorded_checksums(m, db).await?;
    let applied = applied_set(m, current);
    let mut changed = Vec::new();
    for id in applied {
        let (Some(recorded), Some(script)) =
            (recorded.get(id.as_str()), m.scripts.scripts.get(&id))
        else {
            continue;
        };
        let actual = match &script.upgrade {
            Some(section) => section.checksum().0,
            None => crate::script::checksum_of("").0,
        };
        if *recorded != actual {
            changed.push(ChangedFile {
                revision: id,
                path: script.path.clone(),
                recorded: recorded.clone(),
                actual,
            });
        }
    }
    Ok(changed)
}

pub(super) async fn status(m: &Migrator<'_>, db: &mut Database) -> Result<super::Status> {
    let current = read_heads(&m.version_table, db).await?;
    let graph = &m.scripts.graph;
    // Rows no file has are named, not fatal: status is how a user finds out about them.
    let (known, unknown): (Vec<RevisionId>, Vec<RevisionId>) = current
        .iter()
        .cloned()
        .partition(|r| graph.get(r.as_str()).is_some());
    let heads = graph.heads();
    let pending = graph
        .upgrade_plan(&known, "heads")?
        .steps
        .into_iter()
        .map(|s| s.revision)
        .collect();
    let changed = changed_files(m, db, &known).await?;
    Ok(Status {
        current,
        heads,
        pending,
        changed,
        unknown,
    })
}

pub(super) async fn repair(
    m: &Migrator<'_>,
    db: &mut Database,
    only: &[String],
) -> Result<Vec<RevisionId>> {
    let table = &m.version_table.table;
    let lock = db
        .lock(table.schema.as_deref(), &table.name, m.config.lock_timeout)
        .await?;
    let result = async {
        let current = read_heads(&m.version_table, db).await?;
        check_known_heads(m.scripts, &current)?;
        let mut wanted = BTreeSet::new();
        for target in only {
            wanted.extend(m.scripts.graph.resolve(target)?);
        }
        let changed: Vec<ChangedFile> = changed_files(m, db, &current)
            .await?
            .into_iter()
            .filter(|c| wanted.is_empty() || wanted.contains(&c.revision))
            .collect();
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let d = db.dialect();
        let started = jiff::Timestamp::now().to_string();
        let user = current_user();
        let mut tx = Transaction::begin(db).await?;
        for c in &changed {
            let row = HistoryRow {
                revision: &c.revision,
                kind: HistoryKind::Repair,
                checksum: Some(&c.actual),
                started_at: &started,
                duration_ms: 0,
                applied_by: &user,
            };
            if let Err(e) = tx.run(&m.history_table.insert(d, &row)).await {
                tx.rollback().await;
                return Err(e);
            }
        }
        tx.commit().await?;
        Ok(changed.into_iter().map(|c| c.revision).collect())
    }
    .await;
    lock.release().await;
    result
}

pub(super) async fn version_column_length(
    m: &Migrator<'_>,
    db: &mut Database,
) -> Result<Option<usize>> {
    let table = &m.version_table.table;
    let query = db
        .dialect()
        .version_column_length_query(table.schema.as_deref(), &table.name);
    let rows = db.fetch(&query).await?;
    let Some(text) = rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten())
    else {
        return Ok(None);
    };
    // SQLite reports the declared type (`VARCHAR(32)`); the servers report the number.
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Ok(digits.parse().ok())
}
