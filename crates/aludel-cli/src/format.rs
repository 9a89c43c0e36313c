//! Alembic's line formats for revisions (`current`, `heads`, `branches`, `history`, `show`);
//! their JSON form is the library's [`RevisionSummary`].

use std::collections::BTreeSet;

use aludel::revision::{Revision, RevisionId};
use aludel::script::{RevisionSummary, Script, ScriptDirectory};

/// Which decorations a line carries, as Alembic's `cmd_format` arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineStyle {
    pub branches: bool,
    pub doc: bool,
    pub parents: bool,
    pub tree: bool,
}

/// A revision in a listing, with what the graph and the database say of it.
pub struct Entry<'a> {
    pub scripts: &'a ScriptDirectory,
    pub script: &'a Script,
    pub current: bool,
}

fn comma(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Entry<'_> {
    pub fn id(&self) -> &RevisionId {
        &self.script.revision.id
    }
    fn children(&self) -> Vec<RevisionId> {
        self.scripts.graph.children(self.id())
    }
    fn is_head(&self) -> bool {
        self.scripts.graph.is_head(self.id())
    }
    pub fn is_branch_point(&self) -> bool {
        self.scripts.graph.is_branch_point(self.id())
    }
    fn is_merge_point(&self) -> bool {
        self.scripts.graph.is_merge_point(self.id())
    }
    fn down(&self) -> String {
        let down = &self.script.revision.down_revisions;
        if down.is_empty() {
            "<base>".to_string()
        } else {
            comma(down)
        }
    }

    /// One line, as Alembic's `Script.cmd_format` without `verbose`.
    pub fn line(&self, style: LineStyle) -> String {
        let mut text = self.id().to_string();
        if style.parents {
            let deps = &self.script.revision.depends_on;
            text = if deps.is_empty() {
                format!("{} -> {text}", self.down())
            } else {
                format!("{} ({}) -> {text}", self.down(), deps.join(", "))
            };
        }
        let labels = self.scripts.graph.branch_labels(self.id());
        if style.branches && !labels.is_empty() {
            text += &format!(" ({})", labels.join(", "));
        }
        if self.scripts.graph.is_real_head(self.id()) {
            text += " (head)";
        } else if self.is_head() {
            text += " (effective head)";
        }
        if self.current {
            text += " (current)";
        }
        if style.tree {
            if self.is_branch_point() {
                text += " (branchpoint)";
            }
            if self.is_merge_point() {
                text += " (mergepoint)";
            }
        }
        if style.doc {
            text += &format!(", {}", self.script.message);
        }
        text
    }

    /// The verbose block, as Alembic's `Script.log_entry`.
    pub fn log_entry(&self) -> String {
        let mut entry = format!("Rev: {}", self.id());
        for (on, word) in [
            (self.is_head(), " (head)"),
            (self.is_branch_point(), " (branchpoint)"),
            (self.is_merge_point(), " (mergepoint)"),
            (self.current, " (current)"),
        ] {
            if on {
                entry += word;
            }
        }
        entry.push('\n');
        let label = if self.is_merge_point() {
            "Merges"
        } else {
            "Parent"
        };
        entry += &format!("{label}: {}\n", self.down());
        if !self.script.revision.depends_on.is_empty() {
            entry += &format!(
                "Also depends on: {}\n",
                self.script.revision.depends_on.join(", ")
            );
        }
        if self.is_branch_point() {
            entry += &format!("Branches into: {}\n", comma(&self.children()));
        }
        let labels = self.scripts.graph.branch_labels(self.id());
        if !labels.is_empty() {
            entry += &format!("Branch names: {}\n", labels.join(", "));
        }
        entry += &format!("Path: {}\n\n", self.script.path.display());
        let revises = if self.script.revision.down_revisions.is_empty() {
            String::new()
        } else {
            comma(&self.script.revision.down_revisions)
        };
        entry += &format!(
            "    {}\n\n    Revision ID: {}\n    Revises: {revises}\n",
            self.script.message,
            self.id()
        );
        if let Some(date) = &self.script.create_date {
            entry += &format!("    Create Date: {date}\n");
        }
        entry
    }

    /// The JSON form.
    pub fn summary(&self) -> RevisionSummary {
        self.scripts.summary(self.id(), self.current)
    }
}

/// Prints `entries` one per line in `style`, or as full log entries when `verbose`, in one
/// write (long histories print thousands of lines).
pub fn print_entries(entries: &[Entry<'_>], style: LineStyle, verbose: bool) {
    let mut out = String::new();
    for entry in entries {
        out += &if verbose {
            entry.log_entry()
        } else {
            entry.line(style)
        };
        out.push('\n');
    }
    out!("{out}");
}

/// Entries for `ids`, marking those in `current`.
pub fn entries<'a>(
    scripts: &'a ScriptDirectory,
    ids: &[RevisionId],
    current: &BTreeSet<RevisionId>,
) -> Vec<Entry<'a>> {
    ids.iter()
        .map(|id| Entry {
            scripts,
            script: scripts.script(id),
            current: current.contains(id),
        })
        .collect()
}

/// What a picture of the graph marks on a revision besides its id and message: `head` or
/// `effective head`, its own branch labels, and `current` when the database is at it.
fn marks(scripts: &ScriptDirectory, rev: &Revision, current: &BTreeSet<RevisionId>) -> Vec<String> {
    let graph = &scripts.graph;
    let mut marks = Vec::new();
    if graph.is_real_head(&rev.id) {
        marks.push("head".to_string());
    } else if graph.is_head(&rev.id) {
        marks.push("effective head".to_string());
    }
    marks.extend(rev.branch_labels.iter().map(|l| format!("@{l}")));
    if current.contains(&rev.id) {
        marks.push("current".to_string());
    }
    marks
}

/// The graph as Graphviz dot: heads bold, current revisions filled, marks under the message.
pub fn dot(scripts: &ScriptDirectory, current: &BTreeSet<RevisionId>) -> String {
    let quote = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::from("digraph revisions {\n    rankdir=BT;\n    node [shape=box];\n");
    for rev in scripts.graph.revisions() {
        let script = scripts.script(&rev.id);
        let marks = marks(scripts, rev, current);
        let mut label = format!("{}\\n{}", rev.id, quote(&script.message));
        if !marks.is_empty() {
            label += &format!("\\n({})", quote(&marks.join(", ")));
        }
        let mut style = Vec::new();
        if scripts.graph.is_head(&rev.id) {
            style.push("bold");
        }
        if current.contains(&rev.id) {
            style.push("filled");
        }
        let style = match style.is_empty() {
            true => String::new(),
            false => format!(", style=\"{}\"", style.join(",")),
        };
        out += &format!("    \"{}\" [label=\"{label}\"{style}];\n", rev.id);
        for parent in &rev.down_revisions {
            out += &format!("    \"{}\" -> \"{parent}\";\n", rev.id);
        }
        for dep in &rev.depends_on {
            out += &format!("    \"{}\" -> \"{}\" [style=dashed];\n", rev.id, quote(dep));
        }
    }
    out + "}\n"
}

/// The graph as a Mermaid flowchart, with the same marks as [`dot`].
pub fn mermaid(scripts: &ScriptDirectory, current: &BTreeSet<RevisionId>) -> String {
    let mut out = String::from("flowchart BT\n");
    for rev in scripts.graph.revisions() {
        let script = scripts.script(&rev.id);
        let marks = marks(scripts, rev, current);
        let marks = match marks.is_empty() {
            true => String::new(),
            false => format!("<br/>({})", marks.join(", ")),
        };
        out += &format!(
            "    r{}[\"{}<br/>{}{marks}\"]\n",
            rev.id,
            rev.id,
            script.message.replace('"', "#quot;")
        );
        for parent in &rev.down_revisions {
            out += &format!("    r{} --> r{parent}\n", rev.id);
        }
        for dep in &rev.depends_on {
            out += &format!("    r{} -.-> r{dep}\n", rev.id);
        }
    }
    out
}

/// `kind 'name'` of each object aludel does not manage (`view 'totals'`).
pub fn not_compared_names(keys: &[aludel::schema::ObjectKey]) -> Vec<String> {
    keys.iter()
        .map(|k| format!("{} '{}'", k.kind.describe(), k.name))
        .collect()
}

/// `not compared: view 'totals', sequence 'ids'`, or nothing when everything was compared.
pub fn not_compared_line(keys: &[aludel::schema::ObjectKey]) -> Option<String> {
    (!keys.is_empty()).then(|| format!("not compared: {}", not_compared_names(keys).join(", ")))
}
