//! Head bookkeeping: Alembic's `HeadMaintainer`. While the steps of a plan are applied, the
//! database's heads are kept in version-table order, and each step yields the version-table
//! changes (insert, delete, update) that record it.

use std::collections::HashMap;

use super::graph::{Bits, Edge};
use super::target::bad;
use super::{GraphError, RevisionGraph, RevisionId, VersionOp};

/// The database's heads, kept in version-table order while steps are applied.
pub(super) struct Heads<'g> {
    graph: &'g RevisionGraph,
    pub(super) rows: Vec<usize>,
    /// Ancestor sets of "the other heads", memoised: long runs of steps share them.
    cache: HashMap<Vec<usize>, Bits>,
}

impl<'g> Heads<'g> {
    pub(super) fn new(graph: &'g RevisionGraph, rows: &[usize]) -> Self {
        let mut unique = Vec::new();
        for &r in rows {
            if !unique.contains(&r) {
                unique.push(r);
            }
        }
        Heads {
            graph,
            rows: unique,
            cache: HashMap::new(),
        }
    }

    fn has(&self, r: usize) -> bool {
        self.rows.contains(&r)
    }

    fn ancestors_of_others(&mut self, exclude: &[usize]) -> Bits {
        let mut others: Vec<usize> = self
            .rows
            .iter()
            .copied()
            .filter(|r| !exclude.contains(r))
            .collect();
        others.sort_unstable();
        if let Some(b) = self.cache.get(&others) {
            return b.clone();
        }
        let b = self.graph.reach(&others, Edge::NormDown);
        self.cache.insert(others, b.clone());
        b
    }

    fn corrupt(&self, what: &str) -> GraphError {
        bad(format!(
            "cannot {what}: the version table ({}) does not match the revision graph",
            self.graph
                .ids_of(&self.rows)
                .iter()
                .map(RevisionId::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    fn insert(&mut self, r: usize, ops: &mut Vec<VersionOp>) -> Result<(), GraphError> {
        if self.has(r) {
            return Err(self.corrupt(&format!("insert {}", self.graph.id_str(r))));
        }
        self.rows.push(r);
        ops.push(VersionOp::Insert(self.graph.id(r)));
        Ok(())
    }

    fn delete(&mut self, r: usize, ops: &mut Vec<VersionOp>) -> Result<(), GraphError> {
        let Some(at) = self.rows.iter().position(|&x| x == r) else {
            return Err(self.corrupt(&format!("delete {}", self.graph.id_str(r))));
        };
        self.rows.remove(at);
        ops.push(VersionOp::Delete(self.graph.id(r)));
        Ok(())
    }

    fn update(
        &mut self,
        from: usize,
        to: usize,
        ops: &mut Vec<VersionOp>,
    ) -> Result<(), GraphError> {
        let at = self.rows.iter().position(|&x| x == from);
        let (Some(at), false) = (at, self.has(to)) else {
            let (f, t) = (self.graph.id_str(from), self.graph.id_str(to));
            return Err(self.corrupt(&format!("move {f} to {t}")));
        };
        self.rows[at] = to;
        ops.push(VersionOp::Update {
            from: self.graph.id(from),
            to: self.graph.id(to),
        });
        Ok(())
    }

    /// `HeadMaintainer.update_to_step` for a migration step (Alembic's `RevisionStep`).
    pub(super) fn apply_revision(
        &mut self,
        rev: usize,
        upgrade: bool,
    ) -> Result<Vec<VersionOp>, GraphError> {
        let g = self.graph;
        let downs = g.nodes[rev].norm_down.clone();
        let mut ops = Vec::new();
        let in_heads = self.has(rev);
        if !upgrade && in_heads && (downs.is_empty() || self.unmerge_targets(rev)?.is_empty()) {
            self.delete(rev, &mut ops)?;
        } else if upgrade && (downs.is_empty() || !downs.iter().any(|d| self.has(*d))) {
            self.insert(rev, &mut ops)?;
        } else if upgrade && downs.len() > 1 && downs.iter().filter(|d| self.has(**d)).count() > 1 {
            // A merge: the first parent's row moves up, the other parents' rows go.
            let others = self.ancestors_of_others(&downs);
            let from: Vec<usize> = downs
                .iter()
                .copied()
                .filter(|d| !others.contains(*d))
                .collect();
            let Some((&first, rest)) = from.split_first() else {
                return Err(self.corrupt(&format!("merge into {}", g.id_str(rev))));
            };
            for &d in rest {
                self.delete(d, &mut ops)?;
            }
            self.update(first, rev, &mut ops)?;
        } else if !upgrade && in_heads && downs.len() > 1 {
            // An unmerge: the row moves down to the first parent, the others come back.
            let to = self.unmerge_targets(rev)?;
            let Some((&first, rest)) = to.split_first() else {
                return Err(self.corrupt(&format!("unmerge {}", g.id_str(rev))));
            };
            for &d in rest {
                self.insert(d, &mut ops)?;
            }
            self.update(rev, first, &mut ops)?;
        } else {
            let down = if downs.len() == 1 {
                downs[0]
            } else {
                let present: Vec<usize> = downs.iter().copied().filter(|d| self.has(*d)).collect();
                let [only] = present.as_slice() else {
                    return Err(self.corrupt(&format!(
                        "record {}: its down revision is ambiguous",
                        g.id_str(rev)
                    )));
                };
                *only
            };
            if upgrade {
                self.update(down, rev, &mut ops)?;
            } else {
                self.update(rev, down, &mut ops)?;
            }
        }
        Ok(ops)
    }

    /// Alembic's `_unmerge_to_revisions`: the parents of `rev` that no other head (or, alone,
    /// no other parent) already implies.
    fn unmerge_targets(&mut self, rev: usize) -> Result<Vec<usize>, GraphError> {
        let g = self.graph;
        let downs = g.nodes[rev].norm_down.clone();
        if self.rows.iter().any(|&r| r != rev) {
            let others = self.ancestors_of_others(&[rev]);
            return Ok(downs.into_iter().filter(|d| !others.contains(*d)).collect());
        }
        if downs.len() < 2 {
            return Ok(downs);
        }
        let mut implied = Bits::new(g.nodes.len());
        for &d in &downs {
            let mut anc = g.reach(&[d], Edge::NormDown);
            anc.remove(d);
            implied.union_with(&anc);
        }
        Ok(downs
            .into_iter()
            .filter(|d| !implied.contains(*d))
            .collect())
    }

    /// `HeadMaintainer.update_to_step` for Alembic's `StampStep`.
    pub(super) fn apply_stamp(&mut self, stamp: &Stamp) -> Result<Vec<VersionOp>, GraphError> {
        let mut ops = Vec::new();
        let (from, to) = (&stamp.from, &stamp.to);
        let missing = |xs: &[usize], h: &Self| xs.iter().any(|x| !h.has(*x));
        if !stamp.upgrade && stamp.branch_move {
            let [f] = from.as_slice() else {
                return Err(self.corrupt("stamp"));
            };
            self.delete(*f, &mut ops)?;
        } else if stamp.upgrade && (stamp.branch_move || missing(from, self)) && missing(to, self) {
            let [t] = to.as_slice() else {
                return Err(self.corrupt("stamp"));
            };
            self.insert(*t, &mut ops)?;
        } else if from.len() > 1 {
            let (Some((&last, rest)), Some(&t)) = (from.split_last(), to.first()) else {
                return Err(self.corrupt("stamp"));
            };
            for &d in rest {
                self.delete(d, &mut ops)?;
            }
            self.update(last, t, &mut ops)?;
        } else {
            let ([f], [t]) = (from.as_slice(), to.as_slice()) else {
                return Err(self.corrupt("stamp"));
            };
            self.update(*f, *t, &mut ops)?;
        }
        Ok(ops)
    }
}

/// Alembic's `StampStep`: rows `from` become rows `to`.
pub(super) struct Stamp {
    pub(super) from: Vec<usize>,
    pub(super) to: Vec<usize>,
    pub(super) upgrade: bool,
    pub(super) branch_move: bool,
}
