//! Where a new revision attaches: the parents that `revision --head` and `merge` name, checked
//! by Alembic's rules (`ScriptDirectory.generate_revision`) before any file is written.

use std::collections::BTreeSet;

use super::{GraphError, RevisionGraph, RevisionId};

/// Whether a new revision may grow a branch out of a revision that already has children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Attach {
    /// Only onto heads, so a new revision never forks the history by accident (the default).
    #[default]
    HeadsOnly,
    /// Onto any revision, starting a new branch there (`--splice`).
    Splice,
}

impl RevisionGraph {
    /// The parents of a new revision from the arguments naming them (`head`, `heads`, ids,
    /// prefixes, `LABEL@head`, `base` …), as Alembic resolves them.
    ///
    /// In a graph with no revision yet, `head` and `heads` mean "no parent", so the first
    /// revision of a project needs no `--head base`. `head` among several heads is refused
    /// (merge them, or name one), so is a parent named twice, and so is a parent that already
    /// has children unless `attach` is [`Attach::Splice`].
    ///
    /// ```
    /// use aludel::revision::{Attach, Revision, RevisionGraph, RevisionId};
    ///
    /// let rev = |id: &str, down: &[&str]| Revision {
    ///     id: RevisionId::new(id).unwrap(),
    ///     down_revisions: down.iter().map(|d| RevisionId::new(*d).unwrap()).collect(),
    ///     branch_labels: vec![],
    ///     depends_on: vec![],
    /// };
    /// let graph = RevisionGraph::new(vec![rev("a1", &[]), rev("b2", &["a1"])]).unwrap();
    /// let parents = graph.new_revision_parents(&["head".into()], Attach::HeadsOnly).unwrap();
    /// assert_eq!(parents, [RevisionId::new("b2").unwrap()]);
    /// assert!(graph.new_revision_parents(&["a1".into()], Attach::HeadsOnly).is_err());
    /// ```
    pub fn new_revision_parents(
        &self,
        targets: &[String],
        attach: Attach,
    ) -> Result<Vec<RevisionId>, GraphError> {
        let mut parents = Vec::new();
        for target in targets {
            let empty_and_head =
                self.revisions().is_empty() && matches!(target.as_str(), "head" | "heads");
            if empty_and_head {
                continue;
            }
            // Alembic words this case for `revision`: its `head` argument means "the" head.
            let resolved = self.resolve(target).map_err(|e| match e {
                GraphError::MultipleHeads { heads, .. } => GraphError::AmbiguousParent { heads },
                other => other,
            })?;
            parents.extend(resolved);
        }
        let distinct: BTreeSet<&RevisionId> = parents.iter().collect();
        if distinct.len() != parents.len() {
            return Err(GraphError::DuplicateParents);
        }
        if attach == Attach::HeadsOnly
            && let Some(inner) = parents.iter().find(|p| !self.children(p).is_empty())
        {
            return Err(GraphError::NotAHead {
                revision: inner.clone(),
            });
        }
        Ok(parents)
    }
}

#[cfg(test)]
mod tests;
