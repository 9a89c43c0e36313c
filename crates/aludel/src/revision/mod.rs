//! The revision graph: revisions, their parents, branch labels and dependencies, the target
//! grammar (`head`, `base`, prefixes, `+N`, `LABEL@head`, `FROM:TO` …) and the step plans for
//! upgrade, downgrade and stamp.
//!
//! This module does no I/O: it knows nothing of files or databases. Its semantics follow
//! Alembic's `script/revision.py` and are tested as data.

use std::collections::HashMap;
use std::fmt;

pub use parents::Attach;
pub use range::Range;

mod graph;
mod heads;
mod parents;
mod plan;
mod range;
mod relative;
mod target;
#[cfg(test)]
mod tests;

/// A revision identifier, such as `3f2a9c1b7d4e`.
///
/// Identifiers may not contain `-`, `+`, `@`, `:` or white space, since those characters belong
/// to the target grammar.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RevisionId(String);

impl RevisionId {
    /// Checks `id` and wraps it: letters, digits, `_` and `.` (never `..`), at most
    /// [`MAX_ID_LENGTH`](Self::MAX_ID_LENGTH) bytes. Alembic's generated ids are hex and
    /// hand-written ones letters, digits and `_`; nothing else is needed, and refusing the rest
    /// keeps an id from leading a file name out of its folder (`/`, `\`, `..`), out of an SQL
    /// literal (quotes) or into the target grammar (`-`, `+`, `@`, `:`).
    pub fn new(id: impl Into<String>) -> Result<Self, GraphError> {
        let id = id.into();
        if id.is_empty()
            || id.len() > Self::MAX_ID_LENGTH
            || id.contains("..")
            || !id
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            return Err(GraphError::InvalidId {
                id: crate::error::clip(&id, 80),
            });
        }
        Ok(RevisionId(id))
    }

    /// The longest id accepted, in bytes.
    pub const MAX_ID_LENGTH: usize = 255;

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
    #[error(
        "invalid revision id '{id}': ids are letters, digits, '_' and '.' (never '..'), at most 255 bytes"
    )]
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
    #[error(
        "multiple head revisions are present for the given argument '{target}'; please specify a specific target revision, '<branchname>@{target}' to narrow to a specific head, or 'heads' for all heads: {}",
        join(heads)
    )]
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
    /// A graph error found while building the graph from files, with the file of the
    /// revision at fault.
    #[error("{}: {error}", file.display())]
    InFile {
        /// The migration file of the revision named in `error`.
        file: std::path::PathBuf,
        /// The error about that revision.
        error: Box<GraphError>,
    },
    /// A target's `LABEL@` names no branch label, revision or unique prefix.
    #[error("unknown branch label '{label}' in '{target}'")]
    UnknownLabel {
        /// The label as given.
        label: String,
        /// The whole target.
        target: String,
        /// The nearest declared label, when one is close.
        suggestion: Option<String>,
    },
    /// A target that cannot be reached from where the database is, or that is malformed.
    #[error("{message}")]
    BadTarget {
        /// What is wrong.
        message: String,
    },
    /// A new revision asked to follow `head` while several heads exist.
    #[error(
        "multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge"
    )]
    AmbiguousParent {
        /// The heads it could follow.
        heads: Vec<RevisionId>,
    },
    /// The same parent named twice for a new revision.
    #[error("duplicate head revisions specified")]
    DuplicateParents,
    /// A new revision asked to follow a revision that has children, without `--splice`.
    #[error(
        "revision {revision} is not a head revision; please specify --splice to create a new branch from this revision"
    )]
    NotAHead {
        /// The revision asked for.
        revision: RevisionId,
    },
    /// A revision range without its `:`.
    #[error("range must be [start]:[end], got '{range}'")]
    BadRange {
        /// The range as given.
        range: String,
    },
}

impl GraphError {
    /// What the user can do about this error, when the error alone does not say.
    pub fn hint(&self) -> Option<String> {
        match self {
            GraphError::AmbiguousParent { .. } => Some(
                "`aludel heads` lists them; `aludel merge heads -m \"merge\"` joins them, or pass --head REV"
                    .to_string(),
            ),
            GraphError::InFile { error, .. } => error.hint(),
            GraphError::MultipleHeads { target, .. } if target == "head" => Some(
                "`aludel upgrade heads` applies every branch; `aludel merge heads -m \"merge\"` joins them into one head"
                    .to_string(),
            ),
            GraphError::BadTarget { message } if message.starts_with("relative revision +") => {
                Some(
                    "no revision is that far above where the database is (it may be at head already): `aludel current` and `aludel history -i` show where it stands"
                        .to_string(),
                )
            }
            GraphError::UnknownLabel { suggestion, .. } => Some(match suggestion {
                Some(label) => format!("did you mean {label}?"),
                None => "`aludel branches` lists the branch labels".to_string(),
            }),
            _ => None,
        }
    }
}

fn join(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The graph of every revision in a script directory.
///
/// Revisions keep the order they were given in; like Alembic's revision map, that order breaks
/// ties between independent branches (which head is listed first, which branch an upgrade
/// walks first).
///
/// ```
/// use aludel::revision::{Revision, RevisionGraph, RevisionId};
///
/// let rev = |id: &str, down: &[&str]| Revision {
///     id: RevisionId::new(id).unwrap(),
///     down_revisions: down.iter().map(|d| RevisionId::new(*d).unwrap()).collect(),
///     branch_labels: vec![],
///     depends_on: vec![],
/// };
/// let graph = RevisionGraph::new(vec![rev("a1", &[]), rev("b2", &["a1"])]).unwrap();
/// let plan = graph.upgrade_plan(&[], "head").unwrap();
/// assert_eq!(plan.steps.len(), 2);
/// assert_eq!(plan.heads_after, vec![RevisionId::new("b2").unwrap()]);
/// ```
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    nodes: Vec<graph::Node>,
    ids: HashMap<String, usize>,
    /// Declared branch labels to the revision declaring them.
    labels: HashMap<String, usize>,
    /// Ids then labels, in order: what a prefix is matched against.
    keys: Vec<(String, usize)>,
    heads: Vec<usize>,
    real_heads: Vec<usize>,
    bases: Vec<usize>,
    real_bases: Vec<usize>,
    /// Every revision, newest first.
    history: Vec<usize>,
}

impl RevisionGraph {
    /// Builds and checks a graph: duplicate ids, unknown parents or dependencies, duplicate
    /// branch labels and cycles are errors.
    pub fn new(revisions: Vec<Revision>) -> Result<Self, GraphError> {
        Self::build(revisions)
    }

    /// The revision with exactly this id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.ids.get(id).map(|&i| &self.nodes[i].rev)
    }

    /// Every revision, newest first (the order of `history`).
    pub fn revisions(&self) -> Vec<&Revision> {
        self.history.iter().map(|&i| &self.nodes[i].rev).collect()
    }

    /// Revisions with no children, in Alembic's order.
    pub fn heads(&self) -> Vec<RevisionId> {
        self.ids_of(&self.heads)
    }

    /// Whether `current` (a version table's rows) is exactly the set of heads: every branch
    /// applied to its end, nothing else recorded.
    pub fn is_at_heads(&self, current: &[RevisionId]) -> bool {
        let heads = self.heads();
        let wanted: std::collections::BTreeSet<&RevisionId> = heads.iter().collect();
        current.iter().collect::<std::collections::BTreeSet<_>>() == wanted
    }

    /// Revisions with no parent.
    pub fn bases(&self) -> Vec<RevisionId> {
        self.ids_of(&self.bases)
    }

    /// Revisions whose `down_revisions` name `id` (Alembic's `nextrev`).
    pub fn children(&self, id: &RevisionId) -> Vec<RevisionId> {
        self.ids
            .get(id.as_str())
            .map_or_else(Vec::new, |&i| self.ids_of(&self.nodes[i].next))
    }

    /// Revisions that depend on `id` through `depends_on` without being its children.
    pub fn dependents(&self, id: &RevisionId) -> Vec<RevisionId> {
        self.ids.get(id.as_str()).map_or_else(Vec::new, |&i| {
            let node = &self.nodes[i];
            let only_deps: Vec<usize> = node
                .all_next
                .iter()
                .copied()
                .filter(|c| !node.next.contains(c))
                .collect();
            self.ids_of(&only_deps)
        })
    }

    /// Whether `id` has several children (Alembic's `is_branch_point`).
    pub fn is_branch_point(&self, id: &RevisionId) -> bool {
        self.ids
            .get(id.as_str())
            .is_some_and(|&i| self.nodes[i].next.len() > 1)
    }

    /// Whether `id` has several parents (Alembic's `is_merge_point`).
    pub fn is_merge_point(&self, id: &RevisionId) -> bool {
        self.ids
            .get(id.as_str())
            .is_some_and(|&i| self.nodes[i].down.len() > 1)
    }

    /// Whether `id` has no children (Alembic's `is_head`).
    pub fn is_head(&self, id: &RevisionId) -> bool {
        self.ids
            .get(id.as_str())
            .is_some_and(|&i| self.nodes[i].next.is_empty())
    }

    /// Whether `id` has no children and nothing depends on it (Alembic's `_is_real_head`). A
    /// head that another revision depends on is only an "effective head".
    pub fn is_real_head(&self, id: &RevisionId) -> bool {
        self.ids
            .get(id.as_str())
            .is_some_and(|&i| self.nodes[i].all_next.is_empty())
    }

    /// What Alembic's `current` lists for a version table holding `rows`
    /// (`RevisionMap._get_all_current`): the rows and everything they reach through parents
    /// and dependencies, narrowed to the branch heads of that set (a revision none of whose
    /// children is in it). A revision applied only because another depends on it is listed.
    /// The rows come first in their order, then the others newest first; ids the graph lacks
    /// are left out.
    pub fn current_heads(&self, rows: &[RevisionId]) -> Vec<RevisionId> {
        let known: Vec<usize> = rows
            .iter()
            .filter_map(|r| self.ids.get(r.as_str()).copied())
            .collect();
        let tips = self.all_current(&known);
        let mut out: Vec<usize> = Vec::new();
        for &i in known.iter().chain(self.history.iter()) {
            if tips.contains(&i) && !out.contains(&i) {
                out.push(i);
            }
        }
        self.ids_of(&out)
    }

    /// Every branch label that applies to `id`, its own and those it inherits along its
    /// branch, as Alembic shows them.
    pub fn branch_labels(&self, id: &RevisionId) -> Vec<String> {
        self.ids.get(id.as_str()).map_or_else(Vec::new, |&i| {
            self.nodes[i].labels.iter().cloned().collect()
        })
    }

    /// Resolves a revision argument (`head`, `heads`, `base`, a full id or unique prefix,
    /// `LABEL@head`, `LABEL@REV`, a branch label, `REV+N`, `REV-N`) to revisions, without a
    /// current state. `base` resolves to no revision.
    pub fn resolve(&self, target: &str) -> Result<Vec<RevisionId>, GraphError> {
        let found = self.resolve_target(target).map(|found| self.ids_of(&found));
        self.checked(target, found)
    }

    /// The revisions an argument names as Alembic's `get_revisions` reads it (`show`): ids,
    /// unique prefixes, labels, `head`, `heads`, `base` (no revision), `LABEL@REV`, and `-N` /
    /// `LABEL@-N` counted down from the heads. Unlike [`resolve`](Self::resolve), `+N` and
    /// `REV±N` name nothing here, as in Alembic.
    pub fn revisions_named(&self, target: &str) -> Result<Vec<RevisionId>, GraphError> {
        let found = self.get_revisions(target).and_then(|found| {
            let mut out = Vec::new();
            for pos in found {
                match pos {
                    target::Pos::Rev(r) => out.push(r),
                    target::Pos::Base => {}
                    target::Pos::Nowhere => {
                        return Err(target::bad(format!(
                            "{target} walks past the end of the revision graph"
                        )));
                    }
                }
            }
            Ok(self.ids_of(&out))
        });
        self.checked(target, found)
    }

    /// Heads with the revisions they depend on (`heads --resolve-dependencies`): the
    /// revisions nothing descends from or depends on.
    pub fn heads_resolving_dependencies(&self) -> Vec<RevisionId> {
        self.ids_of(&self.real_heads)
    }

    /// The steps that bring a database at `current` up to `target` (`head`, `heads`, an id,
    /// `+N`, `REV+N`, `LABEL@head`, `LABEL@+N`, …), as Alembic's `upgrade` would run them.
    /// A target already applied gives an empty plan.
    pub fn upgrade_plan(&self, current: &[RevisionId], target: &str) -> Result<Plan, GraphError> {
        self.checked(target, self.plan_upgrade(current, target))
    }

    /// The steps that bring a database at `current` down to `target` (`base`, an id, `-N`,
    /// `REV-N`, `LABEL@base`, `LABEL@-N`, …), as Alembic's `downgrade` would run them.
    ///
    /// Unlike Alembic, a relative `-N` from several current heads is refused: name the branch
    /// (`LABEL@-N` or `REV-N`).
    pub fn downgrade_plan(&self, current: &[RevisionId], target: &str) -> Result<Plan, GraphError> {
        self.checked(target, self.plan_downgrade(current, target))
    }

    /// The version-table changes that `stamp` makes, from `current` to `targets`. With `purge`,
    /// the table is emptied first and `current` is ignored.
    ///
    /// Every step is bookkeeping only: the runtime applies its `version_ops` and runs no
    /// migration section. A step's direction says whether the stamp moves up or down; with
    /// `purge`, the plan opens with one `Delete` step per row of `current` (which may name
    /// revisions the graph lacks).
    pub fn stamp_plan(
        &self,
        current: &[RevisionId],
        targets: &[String],
        purge: bool,
    ) -> Result<Plan, GraphError> {
        targets
            .iter()
            .fold(self.plan_stamp(current, targets, purge), |plan, target| {
                self.checked(target, plan)
            })
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
        [start, end]
            .into_iter()
            .flatten()
            .fold(self.history(start, end, current), |found, side| {
                self.checked(side, found)
            })
    }
}

#[cfg(test)]
mod id_tests {
    use super::tests::{graph, ids};
    use super::{GraphError, RevisionId};

    #[test]
    fn an_unknown_label_in_any_target_is_refused_with_the_nearest_label() {
        let g = graph("a1; b1<-a1 @billing; a2; b2<-a2 @shipping");
        let current = ids("b1,b2");
        let error = g.downgrade_plan(&current, "billling@base").unwrap_err();
        assert!(
            matches!(&error, GraphError::UnknownLabel { label, .. } if label == "billling"),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "unknown branch label 'billling' in 'billling@base'"
        );
        assert_eq!(error.hint().as_deref(), Some("did you mean billing?"));
        assert!(g.upgrade_plan(&[], "shiping@head").is_err());
        assert!(g.stamp_plan(&current, &["zzz@base".into()], false).is_err());
        assert!(
            g.history_range(Some("biling@base"), None, &current)
                .is_err()
        );
        let far = g.resolve("nothing_alike@base").unwrap_err();
        assert_eq!(
            far.hint().as_deref(),
            Some("`aludel branches` lists the branch labels")
        );
        // Known labels, revision ids and prefixes still work as Alembic reads them.
        assert!(g.downgrade_plan(&current, "billing@base").is_ok());
        assert!(g.downgrade_plan(&current, "b1@base").is_ok());
        assert_eq!(g.resolve("shipping@head").unwrap(), ids("b2"));
    }

    #[test]
    fn current_lists_what_was_applied_as_a_dependency_as_alembic_does() {
        // b2 was applied only because c1 depends on it; Alembic's `current` lists it.
        let g = graph("a1; b1<-a1; a2; b2<-a2; c1<-b1 ~b2");
        assert_eq!(g.current_heads(&ids("c1")), ids("c1,b2"));
        // Once a child of b2 is applied, b2 is no longer a branch head of what is applied.
        let g = graph("a1; b1<-a1; a2; b2<-a2; c1<-b1 ~b2; d2<-b2");
        assert_eq!(g.current_heads(&ids("c1,d2")), ids("c1,d2"));
        assert_eq!(g.current_heads(&ids("c1,zzz")), ids("c1,b2"));
        assert!(g.current_heads(&[]).is_empty());
    }

    #[test]
    fn a_head_another_revision_depends_on_is_only_an_effective_head() {
        let g = graph("a1; b1<-a1; a2; c1<-b1 ~a2");
        assert!(g.is_head(&ids("a2")[0]) && !g.is_real_head(&ids("a2")[0]));
        assert!(g.is_head(&ids("c1")[0]) && g.is_real_head(&ids("c1")[0]));
        assert!(!g.is_real_head(&ids("b1")[0]));
    }

    #[test]
    fn a_history_range_never_suggests_a_form_it_refuses() {
        // Issue 10: the ambiguous walk below a merge suggested `REV-1:current`, which a range
        // then refuses (as Alembic does).
        let g = graph("a; b1<-a; b2<-a; c<-b1,b2");
        let error = g
            .history_range(Some("-2"), Some("current"), &ids("c"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("b1:current") || error.contains("REV:current"),
            "{error}"
        );
        assert!(!error.contains("-1'"), "{error}");
        for suggested in ["b1", "b2"] {
            assert!(
                g.history_range(Some(suggested), Some("current"), &ids("c"))
                    .is_ok()
            );
        }
        assert!(
            g.history_range(Some("b1-1"), Some("current"), &ids("c"))
                .is_err()
        );
    }

    #[test]
    fn ids_that_could_leave_a_folder_or_a_literal_are_refused() {
        for good in ["ae1027a6acf", "0001_init", "add_users", "A1", "v1.2"] {
            assert!(RevisionId::new(good).is_ok(), "{good}");
        }
        let long = "a".repeat(RevisionId::MAX_ID_LENGTH + 1);
        for bad in [
            "", "../../x", "/tmp/x", "a/b", r"a\b", "a..b", "..", "x'y", "x\"y", "x`y", "a b",
            "a\tb", "a\nb", "a\0b", "a-b", "a+b", "a@b", "a:b", &long,
        ] {
            let error = RevisionId::new(bad).expect_err(bad);
            assert!(error.to_string().contains("invalid revision id"), "{error}");
        }
        assert!(RevisionId::new("a".repeat(RevisionId::MAX_ID_LENGTH)).is_ok());
        let shown = RevisionId::new("/".repeat(10_000)).unwrap_err().to_string();
        assert!(
            shown.len() < 400,
            "the message clips the id: {} bytes",
            shown.len()
        );
    }
}
