//! Relative targets read against the database's current heads: Alembic's
//! `_parse_upgrade_target` and `_parse_downgrade_target`. A bare `+1` or `-1` has no revision
//! of its own to count from, so it starts at the current head on the named branch (or the only
//! current head), and asking for it from several heads is an error.

use super::graph::{Bits, Edge};
use super::plan::Arg;
use super::target::{Pos, Relative, bad, no_migrations, parse_relative};
use super::{GraphError, RevisionGraph, RevisionId};

impl RevisionGraph {
    /// Alembic's `_parse_downgrade_target`: the branch label in play and the target revision
    /// (`Pos::Base` for base).
    pub(super) fn parse_downgrade_target(
        &self,
        current: &[usize],
        target: &str,
        assert_relative_length: bool,
    ) -> Result<(Option<String>, Pos), GraphError> {
        let Some(rel) = parse_relative(target) else {
            let (label, symbol) = match target.rsplit_once('@') {
                Some((l, s)) => ((!l.is_empty()).then(|| l.to_owned()), s),
                None => (None, target),
            };
            return Ok((
                label,
                self.get_revision(symbol)?.map_or(Pos::Base, Pos::Rev),
            ));
        };
        if rel.steps >= 0 {
            let pos = self.walk_from_symbol(&rel, target, assert_relative_length)?;
            return Ok((rel.label.map(str::to_owned), pos));
        }
        // Alembic's `if symbol is None`: a step down with no revision named counts from the
        // current head of the branch, and that head's id then serves as the branch.
        let (label, symbol) = match (rel.symbol, rel.label) {
            (Some(s), label) => (label.map(str::to_owned), s.to_owned()),
            (None, Some(l)) => (
                Some(l.to_owned()),
                self.current_on_branch(current, l, &rel, target)?,
            ),
            (None, None) => {
                let id = self.only_current(current, &rel)?;
                (Some(id.clone()), id)
            }
        };
        let start = match &label {
            Some(l) => self.get_revision(&format!("{l}@{symbol}"))?,
            None => self.get_revision(&symbol)?,
        };
        let pos = self.walk(
            start.map_or(Pos::Nowhere, Pos::Rev),
            rel.steps,
            None,
            assert_relative_length,
        )?;
        if pos == Pos::Nowhere {
            if rel.symbol.is_none() {
                return Err(no_migrations(rel.text, rel.steps));
            }
            return Err(walked_too_far(target));
        }
        Ok((label, pos))
    }

    /// A downgrade target that counts up (`REV+N`, `LABEL@REV+0`): it needs a revision to
    /// count from, and must stay inside the graph.
    fn walk_from_symbol(
        &self,
        rel: &Relative<'_>,
        target: &str,
        assert_relative_length: bool,
    ) -> Result<Pos, GraphError> {
        let Some(symbol) = rel.symbol else {
            return Err(no_migrations(rel.text, rel.steps));
        };
        let start = self.get_revision(symbol)?.map_or(Pos::Nowhere, Pos::Rev);
        let pos = self.walk(start, rel.steps, rel.label, assert_relative_length)?;
        if pos == Pos::Nowhere {
            return Err(walked_too_far(target));
        }
        Ok(pos)
    }

    /// The one current revision on branch `label`, looked for among the current heads first
    /// and then among everything they imply.
    fn current_on_branch(
        &self,
        current: &[usize],
        label: &str,
        rel: &Relative<'_>,
        target: &str,
    ) -> Result<String, GraphError> {
        let mut on_branch = self.filter_for_lineage(current, label, false)?;
        if on_branch.is_empty() {
            let all = self.all_current(current);
            on_branch = self.filter_for_lineage(&all, label, false)?;
        }
        match on_branch.as_slice() {
            [only] => Ok(self.id_str(*only).to_owned()),
            [] => Err(bad(format!(
                "no current revision is on branch '{label}', so {target} names nothing"
            ))),
            several => Err(bad(format!(
                "several current revisions are on branch '{label}' ({}); name one, e.g. '{}{}'",
                self.ids_of(several)
                    .iter()
                    .map(RevisionId::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                self.id_str(several[0]),
                rel.text
            ))),
        }
    }

    /// The id of the only current head, for a relative downgrade that names no branch.
    fn only_current(&self, current: &[usize], rel: &Relative<'_>) -> Result<String, GraphError> {
        let mut unique: Vec<usize> = Vec::new();
        for &c in current {
            if !unique.contains(&c) {
                unique.push(c);
            }
        }
        match unique.as_slice() {
            [] => Err(no_migrations(rel.text, rel.steps)),
            [only] => Ok(self.id_str(*only).to_owned()),
            several => {
                let names: Vec<String> =
                    several.iter().map(|&c| self.id_str(c).to_owned()).collect();
                Err(bad(format!(
                    "downgrade {t} from several heads ({}) is ambiguous; name the branch, \
                     e.g. 'LABEL@{t}' or '{}{t}'",
                    names.join(", "),
                    names[0],
                    t = rel.text
                )))
            }
        }
    }

    /// Alembic's `_parse_upgrade_target`.
    pub(super) fn parse_upgrade_target(
        &self,
        current: &Arg<'_>,
        target: &Arg<'_>,
        assert_relative_length: bool,
    ) -> Result<Vec<Pos>, GraphError> {
        let rel = match target {
            Arg::Text(t) => parse_relative(t),
            Arg::Revs(_) => None,
        };
        let Some(rel) = rel else {
            return self.resolve_arg(target);
        };
        let walked = if rel.steps > 0 {
            let start = match rel.symbol {
                None => self.upgrade_start(current, &rel)?,
                Some(symbol) => self.get_revision(symbol)?.map_or(Pos::Nowhere, Pos::Rev),
            };
            self.walk(start, rel.steps, rel.label, assert_relative_length)?
        } else {
            let Some(symbol) = rel.symbol else {
                return Err(no_migrations(rel.text, rel.steps));
            };
            let start = match rel.label {
                Some(l) => self.get_revision(&format!("{l}@{symbol}"))?,
                None => self.get_revision(symbol)?,
            };
            self.walk(
                start.map_or(Pos::Nowhere, Pos::Rev),
                rel.steps,
                None,
                assert_relative_length,
            )?
        };
        if walked == Pos::Nowhere {
            return Err(no_migrations(rel.text, rel.steps));
        }
        Ok(vec![walked])
    }

    /// Where a bare `+N` (or `LABEL@+N`) upgrade counts from: the one current head, on the
    /// label's branch when one is named.
    fn upgrade_start(&self, current: &Arg<'_>, rel: &Relative<'_>) -> Result<Pos, GraphError> {
        let current: Vec<usize> = self
            .resolve_arg(current)?
            .into_iter()
            .filter_map(|p| if let Pos::Rev(r) = p { Some(r) } else { None })
            .collect();
        let mut starts: Vec<Pos> = current.iter().map(|&r| Pos::Rev(r)).collect();
        if let Some(l) = rel.label {
            let on_branch = self.filter_for_lineage(&current, l, false)?;
            starts = on_branch.iter().map(|&r| Pos::Rev(r)).collect();
            if on_branch.is_empty() {
                starts = self.highest_applied_on_branch(&current, l)?;
            }
        }
        if starts.is_empty() {
            starts.push(Pos::Nowhere);
        }
        if starts.len() > 1 {
            let names: Vec<&str> = starts
                .iter()
                .filter_map(|p| {
                    if let Pos::Rev(r) = p {
                        Some(self.id_str(*r))
                    } else {
                        None
                    }
                })
                .collect();
            return Err(bad(format!(
                "ambiguous upgrade from multiple current revisions ({}); name the branch, \
                 e.g. 'LABEL@{t}' or '{}{t}'",
                names.join(", "),
                names[0],
                t = rel.text
            )));
        }
        Ok(starts[0])
    }

    /// The branch has no head applied: start from its highest applied revisions (none means
    /// base), those that no other applied revision on the branch implies.
    fn highest_applied_on_branch(
        &self,
        current: &[usize],
        label: &str,
    ) -> Result<Vec<Pos>, GraphError> {
        let applied: Vec<usize> = self.reach(current, Edge::NormDown).iter().collect();
        let active = self.filter_for_lineage(&applied, label, false)?;
        let mut implied = Bits::new(self.nodes.len());
        for &a in &active {
            for &d in &self.nodes[a].norm_down {
                implied.insert(d);
            }
        }
        Ok(active
            .into_iter()
            .filter(|a| !implied.contains(*a))
            .map(Pos::Rev)
            .collect())
    }
}

/// A relative target that walked off the end of the graph.
fn walked_too_far(target: &str) -> GraphError {
    bad(format!(
        "walked too far: {target} is past the end of the graph"
    ))
}
