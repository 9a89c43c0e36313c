//! Building the graph: checks, dependency resolution and normalisation, inherited branch labels,
//! and the reachability walks every other part of the module relies on.

use std::collections::{BTreeSet, HashMap};

use super::{GraphError, Revision, RevisionGraph, RevisionId};

/// A fixed-size set of node indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bits(Vec<u64>);

impl Bits {
    pub(super) fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }

    /// Adds `i`; returns whether it was absent.
    pub(super) fn insert(&mut self, i: usize) -> bool {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        let absent = self.0[w] & b == 0;
        self.0[w] |= b;
        absent
    }

    pub(super) fn remove(&mut self, i: usize) {
        self.0[i / 64] &= !(1u64 << (i % 64));
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1u64 << (i % 64)) != 0
    }

    pub(super) fn union_with(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= *b;
        }
    }

    pub(super) fn intersect_with(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= *b;
        }
    }

    pub(super) fn subtract(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= !*b;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            (0..64)
                .filter(move |b| word & (1u64 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
}

/// Which edges a walk follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edge {
    /// `down_revisions` only (Alembic's `_versioned_down_revisions`).
    Down,
    /// `down_revisions` plus the dependencies no ancestor already has
    /// (`_normalized_down_revisions`): ancestors "including dependencies".
    NormDown,
    /// `down_revisions` plus every dependency (`_all_down_revisions`).
    AllDown,
    /// Children through `down_revisions` (`nextrev`).
    Next,
    /// Children through `down_revisions` or dependencies (`_all_nextrev`).
    AllNext,
}

/// One revision with its resolved edges, all as indices into the graph's node list.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) rev: Revision,
    pub(super) down: Vec<usize>,
    pub(super) deps: Vec<usize>,
    pub(super) norm_down: Vec<usize>,
    pub(super) all_down: Vec<usize>,
    pub(super) next: Vec<usize>,
    pub(super) all_next: Vec<usize>,
    /// Declared and inherited branch labels.
    pub(super) labels: BTreeSet<String>,
}

impl Node {
    pub(super) fn edges(&self, edge: Edge) -> &[usize] {
        match edge {
            Edge::Down => &self.down,
            Edge::NormDown => &self.norm_down,
            Edge::AllDown => &self.all_down,
            Edge::Next => &self.next,
            Edge::AllNext => &self.all_next,
        }
    }
}

/// Maps each id to its index; an id may appear once.
fn index_ids(revisions: &[Revision]) -> Result<HashMap<String, usize>, GraphError> {
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, rev) in revisions.iter().enumerate() {
        if ids.insert(rev.id.as_str().to_owned(), i).is_some() {
            return Err(GraphError::DuplicateRevision { id: rev.id.clone() });
        }
    }
    Ok(ids)
}

/// A revision that is its own parent or dependency is the smallest cycle; it is reported
/// before any edge is resolved.
fn reject_self_references(revisions: &[Revision]) -> Result<(), GraphError> {
    for rev in revisions {
        let self_dep = rev.depends_on.iter().any(|d| d == rev.id.as_str());
        if rev.down_revisions.contains(&rev.id) || self_dep {
            return Err(GraphError::Cycle {
                revisions: vec![rev.id.clone()],
            });
        }
    }
    Ok(())
}

/// Maps each declared branch label to the revision declaring it. Declared labels share one
/// namespace with revision ids, as in Alembic's map.
fn index_labels(
    revisions: &[Revision],
    ids: &HashMap<String, usize>,
) -> Result<HashMap<String, usize>, GraphError> {
    let mut labels: HashMap<String, usize> = HashMap::new();
    for (i, rev) in revisions.iter().enumerate() {
        for label in &rev.branch_labels {
            let other = ids.get(label).or_else(|| labels.get(label)).copied();
            if let Some(other) = other {
                return Err(GraphError::DuplicateLabel {
                    label: label.clone(),
                    revision: rev.id.clone(),
                    other: revisions[other].id.clone(),
                });
            }
            labels.insert(label.clone(), i);
        }
    }
    Ok(labels)
}

/// One revision with its parents and dependencies resolved to indices. The derived edges
/// (`norm_down`, children) are filled in once every node exists.
fn resolve_node(
    rev: &Revision,
    ids: &HashMap<String, usize>,
    labels: &HashMap<String, usize>,
    revisions: &[Revision],
) -> Result<Node, GraphError> {
    let mut down = Vec::new();
    for d in &rev.down_revisions {
        match ids.get(d.as_str()) {
            Some(&i) => down.push(i),
            None => {
                return Err(GraphError::UnknownParent {
                    revision: rev.id.clone(),
                    missing: d.to_string(),
                });
            }
        }
    }
    let mut deps = Vec::new();
    for d in &rev.depends_on {
        match resolve_dependency(d, ids, labels, revisions) {
            Some(i) => deps.push(i),
            None => {
                return Err(GraphError::UnknownParent {
                    revision: rev.id.clone(),
                    missing: d.clone(),
                });
            }
        }
    }
    let deps = dedupe(deps);
    let all_down = dedupe(down.iter().chain(&deps).copied());
    Ok(Node {
        rev: rev.clone(),
        down: dedupe(down),
        deps,
        norm_down: Vec::new(),
        all_down,
        next: Vec::new(),
        all_next: Vec::new(),
        labels: rev.branch_labels.iter().cloned().collect(),
    })
}

/// Fills in the child edges: `all_next` from every parent or dependency, `next` from
/// `down_revisions` alone.
fn link_children(nodes: &mut [Node]) {
    for i in 0..nodes.len() {
        for k in 0..nodes[i].all_down.len() {
            let d = nodes[i].all_down[k];
            nodes[d].all_next.push(i);
            if nodes[i].down.contains(&d) {
                nodes[d].next.push(i);
            }
        }
    }
}

fn dedupe(items: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

impl RevisionGraph {
    /// Checks the revisions, resolves every edge to an index and derives heads, bases, labels
    /// and the history order, as Alembic's `RevisionMap._revision_map` does.
    pub(super) fn build(revisions: Vec<Revision>) -> Result<Self, GraphError> {
        let ids = index_ids(&revisions)?;
        reject_self_references(&revisions)?;
        let labels = index_labels(&revisions, &ids)?;
        let mut nodes: Vec<Node> = Vec::with_capacity(revisions.len());
        for rev in &revisions {
            nodes.push(resolve_node(rev, &ids, &labels, &revisions)?);
        }
        link_children(&mut nodes);
        let order = |pred: &dyn Fn(&Node) -> bool| -> Vec<usize> {
            (0..nodes.len()).filter(|&i| pred(&nodes[i])).collect()
        };
        let heads = order(&|n| n.next.is_empty());
        let real_heads = order(&|n| n.all_next.is_empty());
        let bases = order(&|n| n.down.is_empty());
        let real_bases = order(&|n| n.down.is_empty() && n.rev.depends_on.is_empty());
        let mut keys: Vec<(String, usize)> = revisions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str().to_owned(), i))
            .collect();
        for (i, rev) in revisions.iter().enumerate() {
            keys.extend(rev.branch_labels.iter().map(|l| (l.clone(), i)));
        }
        let mut graph = RevisionGraph {
            nodes,
            ids,
            labels,
            keys,
            heads,
            real_heads,
            bases,
            real_bases,
            history: Vec::new(),
        };
        graph.detect_cycles()?;
        graph.normalize_dependencies();
        graph.inherit_labels();
        let all: Vec<usize> = (0..graph.nodes.len()).collect();
        graph.history = graph.topological_sort(&all, &graph.real_heads.clone());
        Ok(graph)
    }

    /// Every revision must be reachable both down from a head and up from a base, first along
    /// `down_revisions`, then along dependencies too; what is left sits on a cycle.
    fn detect_cycles(&self) -> Result<(), GraphError> {
        if self.nodes.is_empty() {
            return Ok(());
        }
        let all_ids = || {
            self.nodes
                .iter()
                .map(|n| n.rev.id.clone())
                .collect::<Vec<_>>()
        };
        for (heads, bases, down, up) in [
            (&self.heads, &self.bases, Edge::Down, Edge::Next),
            (
                &self.real_heads,
                &self.real_bases,
                Edge::AllDown,
                Edge::AllNext,
            ),
        ] {
            if heads.is_empty() || bases.is_empty() {
                return Err(GraphError::Cycle {
                    revisions: all_ids(),
                });
            }
            let mut space = self.reach(heads, down);
            space.intersect_with(&self.reach(bases, up));
            let mut left: Vec<RevisionId> = (0..self.nodes.len())
                .filter(|&i| !space.contains(i))
                .map(|i| self.nodes[i].rev.id.clone())
                .collect();
            if !left.is_empty() {
                left.sort();
                return Err(GraphError::Cycle { revisions: left });
            }
        }
        Ok(())
    }

    /// A dependency that an ancestor (along `down_revisions`) already declares is implied and
    /// left out of the revision's normalised down revisions.
    fn normalize_dependencies(&mut self) {
        for i in 0..self.nodes.len() {
            let mut norm = self.nodes[i].deps.clone();
            if !norm.is_empty() {
                let ancestors = self.reach(&[i], Edge::Down);
                for a in ancestors.iter().filter(|&a| a != i) {
                    let implied = &self.nodes[a].deps;
                    norm.retain(|d| !implied.contains(d));
                }
            }
            let node = &mut self.nodes[i];
            node.norm_down = dedupe(node.down.iter().chain(&norm).copied());
        }
    }

    /// Alembic's `_add_branches`: a label applies to every descendant of the revision declaring
    /// it and, when those descendants form one straight line, to the ancestors below it down to
    /// the nearest branch point or merge point.
    fn inherit_labels(&mut self) {
        for r in 0..self.nodes.len() {
            let declared: Vec<String> = self.nodes[r].rev.branch_labels.clone();
            if declared.is_empty() {
                continue;
            }
            for d in self.reach(&[r], Edge::Next).iter() {
                self.nodes[d].labels.extend(declared.iter().cloned());
            }
            let mut top = r;
            let straight = loop {
                match self.nodes[top].next.as_slice() {
                    [] => break true,
                    [only] => top = *only,
                    _ => break false,
                }
            };
            if !straight {
                continue;
            }
            let mut parent = top;
            loop {
                let node = &self.nodes[parent];
                if node.all_next.len() > 1 || node.down.len() > 1 {
                    break;
                }
                let down = node.down.first().copied();
                self.nodes[parent].labels.extend(declared.iter().cloned());
                match down {
                    Some(d) => parent = d,
                    None => break,
                }
            }
        }
    }

    /// Everything reachable from `starts` along `edge`, the starts included.
    pub(super) fn reach(&self, starts: &[usize], edge: Edge) -> Bits {
        let mut seen = Bits::new(self.nodes.len());
        let mut todo: Vec<usize> = Vec::new();
        for &s in starts {
            todo.push(s);
            while let Some(n) = todo.pop() {
                if seen.insert(n) {
                    todo.extend(self.nodes[n].edges(edge).iter().copied());
                }
            }
        }
        seen
    }

    /// [`reach`](Self::reach) that also refuses starts reachable from one another, as
    /// Alembic's `check=True` walks do.
    pub(super) fn reach_checked(&self, starts: &[usize], edge: Edge) -> Result<Bits, GraphError> {
        let mut wanted = Bits::new(self.nodes.len());
        for &s in starts {
            wanted.insert(s);
        }
        let mut seen = Bits::new(self.nodes.len());
        let mut todo: Vec<usize> = Vec::new();
        for &s in starts {
            todo.push(s);
            let mut overlaps: Vec<usize> = Vec::new();
            while let Some(n) = todo.pop() {
                if n != s && wanted.contains(n) && !overlaps.contains(&n) {
                    overlaps.push(n);
                }
                if seen.insert(n) {
                    todo.extend(self.nodes[n].edges(edge).iter().copied());
                }
            }
            if !overlaps.is_empty() {
                let names: Vec<&str> = overlaps.iter().map(|&o| self.id_str(o)).collect();
                return Err(GraphError::BadTarget {
                    message: format!(
                        "requested revision {} overlaps with other requested revisions {}",
                        self.id_str(s),
                        names.join(", ")
                    ),
                });
            }
        }
        Ok(seen)
    }

    /// Revisions sharing a line of descent with any of `tests`: their ancestors and their
    /// descendants (Alembic's `_shares_lineage`, computed once for a whole filter).
    pub(super) fn lineage(&self, tests: &[usize], include_dependencies: bool) -> Bits {
        let (down, up) = if include_dependencies {
            (Edge::NormDown, Edge::AllNext)
        } else {
            (Edge::Down, Edge::Next)
        };
        let mut set = self.reach(tests, down);
        set.union_with(&self.reach(tests, up));
        set
    }

    pub(super) fn id_str(&self, i: usize) -> &str {
        self.nodes[i].rev.id.as_str()
    }

    pub(super) fn id(&self, i: usize) -> RevisionId {
        self.nodes[i].rev.id.clone()
    }

    pub(super) fn ids_of(&self, items: &[usize]) -> Vec<RevisionId> {
        items.iter().map(|&i| self.id(i)).collect()
    }

    /// Alembic's `_topological_sort`: newest first, depth-first along each branch, finishing
    /// every branch that joins at a branch point before going below it. Ties follow the order
    /// the revisions were given in.
    pub(super) fn topological_sort(&self, revisions: &[usize], heads: &[usize]) -> Vec<usize> {
        let n = self.nodes.len();
        let mut todo = Bits::new(n);
        let mut remaining = 0usize;
        for &r in revisions {
            if todo.insert(r) {
                remaining += 1;
            }
        }
        let mut current: Vec<usize> = dedupe(heads.iter().copied().filter(|&h| todo.contains(h)));
        current.sort_unstable();
        let mut ancestors: Vec<Bits> = current
            .iter()
            .map(|&h| self.reach(&[h], Edge::NormDown))
            .collect();
        let mut output = Vec::with_capacity(remaining);
        let mut idx = 0usize;
        while !current.is_empty() {
            let candidate = current[idx];
            let blocker = ancestors
                .iter()
                .enumerate()
                .find(|(k, anc)| *k != idx && anc.contains(candidate))
                .map(|(k, _)| k);
            if let Some(k) = blocker {
                // Another head still has to pass through this revision: walk that one first.
                idx = k;
                continue;
            }
            if todo.contains(candidate) {
                output.push(candidate);
                todo.remove(candidate);
                remaining -= 1;
            }
            let node = &self.nodes[candidate];
            let to_add: Vec<usize> = node
                .norm_down
                .iter()
                .copied()
                .filter(|&r| todo.contains(r) && !current.contains(&r))
                .collect();
            if to_add.is_empty() {
                current.remove(idx);
                ancestors.remove(idx);
                idx = idx.saturating_sub(1);
            } else if node.norm_down.len() == node.down.len() && node.down.len() == 1 {
                current[idx] = to_add[0];
                ancestors[idx].remove(candidate);
            } else {
                current[idx] = to_add[0];
                ancestors[idx] = self.reach(&[to_add[0]], Edge::NormDown);
                for &extra in &to_add[1..] {
                    current.push(extra);
                    ancestors.push(self.reach(&[extra], Edge::NormDown));
                }
            }
        }
        if remaining > 0 {
            // Unreachable for a checked graph; keep every revision rather than drop any.
            output.extend((0..n).rev().filter(|&i| todo.contains(i)));
        }
        output
    }
}

/// A dependency names a revision id, a branch label or a unique id prefix.
fn resolve_dependency(
    dep: &str,
    ids: &HashMap<String, usize>,
    labels: &HashMap<String, usize>,
    revisions: &[Revision],
) -> Option<usize> {
    if let Some(&i) = ids.get(dep).or_else(|| labels.get(dep)) {
        return Some(i);
    }
    let mut matches = revisions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.id.as_str().starts_with(dep))
        .map(|(i, _)| i);
    match (matches.next(), matches.next()) {
        (Some(i), None) if !dep.is_empty() => Some(i),
        _ => None,
    }
}
