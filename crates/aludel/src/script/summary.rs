//! A revision as listings show it (`current`, `heads`, `history`, `show`, `branches`): what its
//! file declares and where it stands in the graph. Its serde form is the `--json` wire format.

use serde::Serialize;

use super::ScriptDirectory;
use crate::revision::RevisionId;

/// One revision for a listing, with its place in the graph.
///
/// The fields are in alphabetical order, the order `--json` has always printed them in, so
/// serialising this struct directly gives the same text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionSummary {
    /// Every branch label that applies, declared here or inherited along the branch.
    pub branch_labels: Vec<String>,
    /// The `create_date` header, when the file has one.
    pub create_date: Option<String>,
    /// What the revision depends on besides its parents, as declared.
    pub depends_on: Vec<String>,
    /// Its parents; empty for a root.
    pub down_revisions: Vec<RevisionId>,
    /// Whether several revisions have it as a parent.
    pub is_branch_point: bool,
    /// Whether the database's version table holds it.
    pub is_current: bool,
    /// Whether no revision has it as a parent.
    pub is_head: bool,
    /// Whether it has several parents.
    pub is_merge_point: bool,
    /// The revision's message.
    pub message: String,
    /// Its file, as read.
    pub path: String,
    /// Its id.
    pub revision: RevisionId,
}

impl ScriptDirectory {
    /// The summary of revision `id` of the graph; `is_current` says whether the database is
    /// at it, which only the caller knows.
    pub fn summary(&self, id: &RevisionId, is_current: bool) -> RevisionSummary {
        let script = self.script(id);
        let graph = &self.graph;
        RevisionSummary {
            branch_labels: graph.branch_labels(id),
            create_date: script.create_date.clone(),
            depends_on: script.revision.depends_on.clone(),
            down_revisions: script.revision.down_revisions.clone(),
            is_branch_point: graph.is_branch_point(id),
            is_current,
            is_head: graph.is_head(id),
            is_merge_point: graph.is_merge_point(id),
            message: script.message.clone(),
            path: script.path.display().to_string(),
            revision: id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::revision::RevisionId;
    use crate::script::{Script, ScriptDirectory};

    fn directory() -> ScriptDirectory {
        let script = |id: &str, down: &str| {
            let text = format!(
                "-- revision = \"{id}\"\n-- down_revision = \"{down}\"\n-- message = \"rev {id}\"\n\n-- migrate:upgrade\nSELECT 1;\n"
            );
            Script::parse(&PathBuf::from(format!("/m/versions/{id}.sql")), &text).unwrap()
        };
        let scripts = vec![script("a1", ""), script("b1", "a1"), script("b2", "a1")];
        ScriptDirectory::from_scripts(PathBuf::from("/m"), scripts).unwrap()
    }

    #[test]
    fn a_summary_places_the_revision_in_the_graph() {
        let dir = directory();
        let a1 = dir.summary(&RevisionId::new("a1").unwrap(), true);
        assert!(a1.is_branch_point && a1.is_current && !a1.is_head && !a1.is_merge_point);
        assert_eq!(a1.message, "rev a1");
        assert_eq!(a1.path, "/m/versions/a1.sql");
        let b2 = dir.summary(&RevisionId::new("b2").unwrap(), false);
        assert!(b2.is_head && !b2.is_current);
        assert_eq!(b2.down_revisions, [RevisionId::new("a1").unwrap()]);
    }

    #[test]
    fn the_json_keys_are_in_alphabetical_order() {
        let summary = directory().summary(&RevisionId::new("b1").unwrap(), false);
        let text = serde_json::to_string(&summary).unwrap();
        let keys: Vec<&str> = text
            .split('"')
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w[1].starts_with(':'))
            .map(|w| w[0])
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted);
        assert_eq!(keys.len(), 11, "{text}");
    }
}
