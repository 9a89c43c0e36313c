//! New revision files: the file-name template and `script.sql.j2`.

use crate::revision::RevisionId;

/// What `revision` and `merge` ask for.
#[derive(Debug, Clone, Default)]
pub struct NewRevision {
    /// `-m`.
    pub message: String,
    /// `--rev-id`, else a fresh 12-hex id.
    pub rev_id: Option<RevisionId>,
    /// Parents (`--head`, or the merged heads).
    pub down_revisions: Vec<RevisionId>,
    /// `--branch-label`.
    pub branch_labels: Vec<String>,
    /// `--depends-on`.
    pub depends_on: Vec<String>,
    /// `--version-path`.
    pub version_path: Option<std::path::PathBuf>,
    /// Upgrade SQL to put in the file (autogenerate), else a placeholder.
    pub upgrade_sql: Option<String>,
    /// Downgrade SQL to put in the file.
    pub downgrade_sql: Option<String>,
}

/// The slug of a message for file names, as Alembic makes it.
pub fn slugify(message: &str, truncate: usize) -> String {
    let _ = (message, truncate);
    todo!()
}
