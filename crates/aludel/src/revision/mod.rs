//! The revision graph: revisions, their parents, branch labels and dependencies, the target
//! grammar (`head`, `base`, prefixes, `+N`, `LABEL@head`, `FROM:TO` …) and the step plans for
//! upgrade, downgrade and stamp.
//!
//! This module does no I/O: it knows nothing of files or databases. Its semantics follow
//! Alembic's `script/revision.py` and are tested as data.

use std::fmt;

/// A revision identifier, such as `3f2a9c1b7d4e`.
///
/// Identifiers may not contain `-`, `+`, `@`, `:` or white space, since those characters belong
/// to the target grammar.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RevisionId(String);

impl RevisionId {
    /// Checks `id` and wraps it.
    pub fn new(id: impl Into<String>) -> Result<Self, GraphError> {
        let id = id.into();
        if id.is_empty() || id.chars().any(|c| matches!(c, '-' | '+' | '@' | ':') || c.is_whitespace()) {
            return Err(GraphError::InvalidId { id });
        }
        Ok(RevisionId(id))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One node of the graph: what a migration file's header declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// This revision's identifier.
    pub id: RevisionId,
    /// Parents; empty for a root, several for a merge point.
    pub down_revisions: Vec<RevisionId>,
    /// Labels declared on this revision.
    pub branch_labels: Vec<String>,
    /// Revisions (ids, unique prefixes or branch labels) this one depends on without being
    /// their child.
    pub depends_on: Vec<String>,
}

/// Which way a step moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Apply the revision's upgrade section.
    Upgrade,
    /// Apply the revision's downgrade section.
    Downgrade,
}

/// A change to the version table that accompanies a step.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionOp {
    /// Add a row for a new head.
    Insert(RevisionId),
    /// Remove a row.
    Delete(RevisionId),
    /// Move a row from one revision to another.
    Update {
        /// The row's current value.
        from: RevisionId,
        /// The new value.
        to: RevisionId,
    },
}

/// One migration to run, with the version-table changes that record it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// The revision whose section runs.
    pub revision: RevisionId,
    /// Upgrade or downgrade.
    pub direction: Direction,
    /// The version-table changes, to apply in the same transaction as the migration.
    pub version_ops: Vec<VersionOp>,
}

/// The ordered steps from the current heads to a target, and the heads after them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    /// Steps in execution order.
    pub steps: Vec<Step>,
    /// What the version table holds once every step has run.
    pub heads_after: Vec<RevisionId>,
}

/// What can go wrong in the graph or in resolving a target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// An identifier with a forbidden character.
    #[error("invalid revision id '{id}': ids may not be empty or contain '-', '+', '@', ':' or spaces")]
    InvalidId {
        /// The offending id.
        id: String,
    },
    /// Two revisions share an id.
    #[error("revision {id} is present more than once")]
    DuplicateRevision {
        /// The id.
        id: RevisionId,
    },
    /// A parent or dependency that no revision has.
    #[error("revision {revision} refers to {missing}, which is not present")]
    UnknownParent {
        /// The revision holding the reference.
        revision: RevisionId,
        /// The reference.
        missing: String,
    },
    /// The graph has a cycle.
    #[error("cycle detected in the revision graph: {}", join(revisions))]
    Cycle {
        /// Revisions on the cycle.
        revisions: Vec<RevisionId>,
    },
    /// A branch label declared twice.
    #[error("branch name '{label}' in revision {revision} already used by revision {other}")]
    DuplicateLabel {
        /// The label.
        label: String,
        /// The revision declaring it again.
        revision: RevisionId,
        /// The revision declaring it first.
        other: RevisionId,
    },
    /// `head` asked for while several heads exist.
    #[error("multiple head revisions are present for the given argument '{target}'; please specify a specific target revision, '<branchname>@{target}' to narrow to a specific head, or 'heads' for all heads: {}", join(heads))]
    MultipleHeads {
        /// The target as given.
        target: String,
        /// The heads that match.
        heads: Vec<RevisionId>,
    },
    /// A prefix that matches several revisions.
    #[error("ambiguous revision prefix '{prefix}' matches: {}", join(candidates))]
    AmbiguousPrefix {
        /// The prefix.
        prefix: String,
        /// Every revision it matches.
        candidates: Vec<RevisionId>,
    },
    /// No revision has this id, prefix or label.
    #[error("can't locate revision identified by '{id}'")]
    UnknownRevision {
        /// What was looked for.
        id: String,
    },
    /// A target that cannot be reached from where the database is, or that is malformed.
    #[error("{message}")]
    BadTarget {
        /// What is wrong, in a sentence with hints.
        message: String,
    },
}

fn join(ids: &[RevisionId]) -> String {
    ids.iter().map(RevisionId::as_str).collect::<Vec<_>>().join(", ")
}

/// The graph of every revision in a script directory.
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    // Filled by the implementation.
}

impl RevisionGraph {
    /// Builds and checks a graph: duplicate ids, unknown parents or dependencies, duplicate
    /// branch labels and cycles are errors.
    pub fn new(revisions: Vec<Revision>) -> Result<Self, GraphError> {
        let _ = revisions;
        todo!()
    }

    /// The revision with exactly this id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        let _ = id;
        todo!()
    }

    /// Every revision, newest first (the order of `history`).
    pub fn revisions(&self) -> Vec<&Revision> {
        todo!()
    }

    /// Revisions with no children, in Alembic's order.
    pub fn heads(&self) -> Vec<RevisionId> {
        todo!()
    }

    /// Revisions with no parent.
    pub fn bases(&self) -> Vec<RevisionId> {
        todo!()
    }

    /// Revisions whose `down_revisions` name `id` (Alembic's `nextrev`).
    pub fn children(&self, id: &RevisionId) -> Vec<RevisionId> {
        let _ = id;
        todo!()
    }

    /// Every branch label that applies to `id`, its own and those it inherits along its
    /// branch, as Alembic shows them.
    pub fn branch_labels(&self, id: &RevisionId) -> Vec<String> {
        let _ = id;
        todo!()
    }

    /// Resolves a revision argument (`head`, `heads`, `base`, a full id or unique prefix,
    /// `LABEL@head`, `LABEL@REV`, a branch label, `REV+N`, `REV-N`) to revisions, without a
    /// current state. `base` resolves to no revision.
    pub fn resolve(&self, target: &str) -> Result<Vec<RevisionId>, GraphError> {
        let _ = target;
        todo!()
    }

    /// Heads with the revisions they depend on (`heads --resolve-dependencies`).
    pub fn heads_resolving_dependencies(&self) -> Vec<RevisionId> {
        todo!()
    }

    /// The steps that bring a database at `current` up to `target` (`head`, `heads`, an id,
    /// `+N`, `REV+N`, `LABEL@head`, `LABEL@+N`, …), as Alembic's `upgrade` would run them.
    pub fn upgrade_plan(&self, current: &[RevisionId], target: &str) -> Result<Plan, GraphError> {
        let _ = (current, target);
        todo!()
    }

    /// The steps that bring a database at `current` down to `target` (`base`, an id, `-N`,
    /// `REV-N`, `LABEL@base`, `LABEL@-N`, …), as Alembic's `downgrade` would run them.
    pub fn downgrade_plan(&self, current: &[RevisionId], target: &str) -> Result<Plan, GraphError> {
        let _ = (current, target);
        todo!()
    }

    /// The version-table changes that `stamp` makes, from `current` to `targets`. With `purge`,
    /// the table is emptied first and `current` is ignored.
    pub fn stamp_plan(
        &self,
        current: &[RevisionId],
        targets: &[String],
        purge: bool,
    ) -> Result<Plan, GraphError> {
        let _ = (current, targets, purge);
        todo!()
    }

    /// The revisions of `history -r START:END`, newest first. `start` and `end` are revision
    /// arguments as for [`resolve`](Self::resolve), or `None` for an open end; `current` is
    /// the database's heads, used when a side is `current` or relative (`-3:current`).
    pub fn history_range(
        &self,
        start: Option<&str>,
        end: Option<&str>,
        current: &[RevisionId],
    ) -> Result<Vec<RevisionId>, GraphError> {
        let _ = (start, end, current);
        todo!()
    }
}
