//! Step planning: which revisions an upgrade, downgrade, stamp or `history -r` range covers
//! (Alembic's `_collect_upgrade_revisions`, `_collect_downgrade_revisions` and `_stamp_revs`),
//! in what order, and the version-table changes Alembic's `HeadMaintainer` makes for each step.

use super::graph::{Bits, Edge};
use super::heads::{Heads, Stamp};
use super::target::{Pos, bad, no_migrations, parse_relative};
use super::{Direction, GraphError, Plan, RevisionGraph, RevisionId, Step, VersionOp};

/// A revision argument as Alembic passes it around: text still to resolve, or revisions
/// already known (the database's current heads).
#[derive(Debug, Clone)]
pub(super) enum Arg<'a> {
    Text(&'a str),
    Revs(Vec<usize>),
}

impl RevisionGraph {
    fn resolve_arg(&self, arg: &Arg<'_>) -> Result<Vec<Pos>, GraphError> {
        match arg {
            Arg::Text(s) => self.get_revisions(s),
            Arg::Revs(v) => Ok(v.iter().map(|&r| Pos::Rev(r)).collect()),
        }
    }

    /// Resolves the database's current heads; an id the graph lacks is an error.
    pub(super) fn current_revs(&self, current: &[RevisionId]) -> Result<Vec<usize>, GraphError> {
        current
            .iter()
            .map(|c| {
                self.revision_for_ident(Some(c.as_str()), None)?
                    .ok_or_else(|| GraphError::UnknownRevision { id: c.to_string() })
            })
            .collect()
    }

    /// Alembic's `_parse_downgrade_target`: the branch label in play and the target revision
    /// (`Pos::Base` for base).
    fn parse_downgrade_target(
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
        let label = rel.label.map(str::to_owned);
        if rel.steps >= 0 {
            let Some(symbol) = rel.symbol else {
                return Err(no_migrations(rel.text, rel.steps));
            };
            let start = self.get_revision(symbol)?.map_or(Pos::Nowhere, Pos::Rev);
            let pos = self.walk(start, rel.steps, rel.label, assert_relative_length)?;
            if pos == Pos::Nowhere {
                return Err(bad(format!(
                    "walked too far: {target} is past the end of the graph"
                )));
            }
            return Ok((label, pos));
        }
        let (label, symbol) = match rel.symbol {
            Some(s) => (label, s.to_owned()),
            None => match rel.label {
                Some(l) => {
                    let mut on_branch = self.filter_for_lineage(current, l, false)?;
                    if on_branch.is_empty() {
                        let all = self.all_current(current);
                        on_branch = self.filter_for_lineage(&all, l, false)?;
                    }
                    match on_branch.as_slice() {
                        [only] => (label, self.id_str(*only).to_owned()),
                        [] => {
                            return Err(bad(format!(
                                "no current revision is on branch '{l}', so {target} names nothing"
                            )));
                        }
                        several => {
                            return Err(bad(format!(
                                "several current revisions are on branch '{l}' ({}); name one, \
                                 e.g. '{}{}'",
                                self.ids_of(several)
                                    .iter()
                                    .map(RevisionId::as_str)
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                self.id_str(several[0]),
                                rel.text
                            )));
                        }
                    }
                }
                None => {
                    let mut unique: Vec<usize> = Vec::new();
                    for &c in current {
                        if !unique.contains(&c) {
                            unique.push(c);
                        }
                    }
                    match unique.as_slice() {
                        [] => return Err(no_migrations(rel.text, rel.steps)),
                        [only] => {
                            let id = self.id_str(*only).to_owned();
                            (Some(id.clone()), id)
                        }
                        several => {
                            let names: Vec<String> =
                                several.iter().map(|&c| self.id_str(c).to_owned()).collect();
                            return Err(bad(format!(
                                "downgrade {t} from several heads ({}) is ambiguous; name the \
                                 branch, e.g. 'LABEL@{t}' or '{}{t}'",
                                names.join(", "),
                                names[0],
                                t = rel.text
                            )));
                        }
                    }
                }
            },
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
            return Err(bad(format!(
                "walked too far: {target} is past the end of the graph"
            )));
        }
        Ok((label, pos))
    }

    /// Alembic's `_parse_upgrade_target`.
    fn parse_upgrade_target(
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
            match rel.symbol {
                None => {
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
                            // The branch has no head applied: start from its highest applied
                            // revision, or from base.
                            let applied = self.reach(&current, Edge::NormDown);
                            let applied: Vec<usize> = applied.iter().collect();
                            let active = self.filter_for_lineage(&applied, l, false)?;
                            let mut implied = Bits::new(self.nodes.len());
                            for &a in &active {
                                for &d in &self.nodes[a].norm_down {
                                    implied.insert(d);
                                }
                            }
                            starts = active
                                .into_iter()
                                .filter(|a| !implied.contains(*a))
                                .map(Pos::Rev)
                                .collect();
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
                            "ambiguous upgrade from multiple current revisions ({}); name the \
                             branch, e.g. 'LABEL@{t}' or '{}{t}'",
                            names.join(", "),
                            names[0],
                            t = rel.text
                        )));
                    }
                    self.walk(starts[0], rel.steps, rel.label, assert_relative_length)?
                }
                Some(symbol) => {
                    let start = self.get_revision(symbol)?.map_or(Pos::Nowhere, Pos::Rev);
                    self.walk(start, rel.steps, rel.label, assert_relative_length)?
                }
            }
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

    /// Alembic's `_collect_upgrade_revisions`: the revisions needed to reach `upper` from
    /// `lower`, and the targets (the heads of the topological sort).
    pub(super) fn collect_upgrade(
        &self,
        upper: &Arg<'_>,
        lower: &Arg<'_>,
        inclusive: bool,
        implicit_base: bool,
        assert_relative_length: bool,
    ) -> Result<(Vec<usize>, Vec<usize>), GraphError> {
        let mut targets: Vec<usize> = self
            .parse_upgrade_target(lower, upper, assert_relative_length)?
            .into_iter()
            .filter_map(|p| if let Pos::Rev(r) = p { Some(r) } else { None })
            .collect();
        if let Arg::Text(l) = lower
            && let Some((branch, _)) = l.split_once('@')
        {
            let mut branch = branch.to_owned();
            if let Some(b) = self.get_revision(&branch)?
                && self.id_str(b) == branch
            {
                let labels = &self.nodes[b].labels;
                if labels.len() != 1 {
                    return Err(bad(format!(
                        "revision {branch} is on {} branches; name the branch by its label",
                        labels.len()
                    )));
                }
                branch = labels.iter().next().cloned().unwrap_or_default();
            }
            targets.retain(|&t| self.nodes[t].labels.contains(&branch));
        }
        let mut required = self.reach_checked(&targets, Edge::NormDown)?;
        let mut current = self.resolve_arg(lower)?;
        if !implicit_base
            && current.iter().any(|p| match p {
                Pos::Rev(r) => !required.contains(*r),
                // Alembic's walk gives the string "base", which is in no revision set.
                Pos::Base => true,
                Pos::Nowhere => false,
            })
        {
            return Err(self.range_not_ancestor(lower, upper));
        }
        let mut lower = lower.clone();
        if current.first() == Some(&Pos::Nowhere) {
            let upper_revs: Vec<usize> = self
                .resolve_arg(upper)?
                .into_iter()
                .filter_map(|p| if let Pos::Rev(r) = p { Some(r) } else { None })
                .collect();
            let Arg::Text(text) = lower else {
                return Err(bad("relative lower bound"));
            };
            let (_, pos) =
                self.parse_downgrade_target(&upper_revs, text, assert_relative_length)?;
            match pos {
                Pos::Rev(r) => {
                    current = vec![Pos::Rev(r)];
                    lower = Arg::Revs(vec![r]);
                }
                _ => {
                    current = Vec::new();
                    lower = Arg::Revs(Vec::new());
                }
            }
        }
        let current_revs: Vec<usize> = current
            .iter()
            .filter_map(|p| if let Pos::Rev(r) = p { Some(*r) } else { None })
            .collect();
        let current_set = self.reach_checked(&current_revs, Edge::NormDown)?;
        required.subtract(&current_set);
        let mut needs = required;
        if inclusive {
            for p in self.resolve_arg(&lower)? {
                if let Pos::Rev(r) = p {
                    needs.insert(r);
                }
            }
        }
        if !current.is_empty() && !implicit_base {
            let descendants = self.reach_checked(&current_revs, Edge::Next)?;
            needs.intersect_with(&descendants);
        }
        Ok((needs.iter().collect(), targets))
    }

    fn range_not_ancestor(&self, lower: &Arg<'_>, upper: &Arg<'_>) -> GraphError {
        let show = |a: &Arg<'_>| match a {
            Arg::Text(t) => (*t).to_owned(),
            Arg::Revs(v) if v.is_empty() => "base".to_owned(),
            Arg::Revs(v) => v
                .iter()
                .map(|&r| self.id_str(r))
                .collect::<Vec<_>>()
                .join(", "),
        };
        bad(format!(
            "revision {} is not an ancestor of revision {}",
            show(lower),
            show(upper)
        ))
    }

    /// Alembic's `_collect_downgrade_revisions`: what must be undone to bring `current` down
    /// to `target`.
    pub(super) fn collect_downgrade(
        &self,
        current: &[usize],
        target: &str,
        inclusive: bool,
        implicit_base: bool,
    ) -> Result<Vec<usize>, GraphError> {
        let assert_relative_length = true;
        let (label, target_rev) =
            self.parse_downgrade_target(current, target, assert_relative_length)?;
        let target_rev = match target_rev {
            Pos::Rev(r) => Some(r),
            _ => None,
        };
        let mut roots: Vec<usize> = match target_rev {
            None => self.bases.clone(),
            Some(t) if inclusive => vec![t],
            Some(t) => self.nodes[t].next.clone(),
        };
        if let Some(l) = &label
            && roots.len() > 1
        {
            let branch = self.resolve_branch(l)?;
            let ancestors = self.reach(&[branch], Edge::Down);
            roots.retain(|&r| ancestors.contains(r));
            if roots.is_empty() {
                return Err(bad(format!(
                    "{target} is not a valid downgrade target from current heads"
                )));
            }
        }
        let mut drop = self.reach(&roots, Edge::AllNext);
        let active = self.reach(current, Edge::NormDown);
        drop.intersect_with(&active);
        if implicit_base {
            let mut others = active;
            others.subtract(&self.reach(&roots, Edge::NormDown));
            drop.union_with(&others);
        }
        if let Some(t) = target_rev
            && drop.is_empty()
            && !current.contains(&t)
        {
            return Err(bad(format!(
                "destination {target} is not a valid downgrade target from current head(s)"
            )));
        }
        Ok(drop.iter().collect())
    }

    pub(super) fn plan_upgrade(
        &self,
        current: &[RevisionId],
        target: &str,
    ) -> Result<Plan, GraphError> {
        let current = self.current_revs(current)?;
        let (needs, targets) = self.collect_upgrade(
            &Arg::Text(target),
            &Arg::Revs(current.clone()),
            false,
            true,
            true,
        )?;
        let mut order = self.topological_sort(&needs, &targets);
        order.reverse();
        self.run_steps(&current, &order, Direction::Upgrade)
    }

    pub(super) fn plan_downgrade(
        &self,
        current: &[RevisionId],
        target: &str,
    ) -> Result<Plan, GraphError> {
        let current = self.current_revs(current)?;
        let drop = self.collect_downgrade(&current, target, false, false)?;
        let order = self.topological_sort(&drop, &current);
        self.run_steps(&current, &order, Direction::Downgrade)
    }

    fn run_steps(
        &self,
        current: &[usize],
        order: &[usize],
        direction: Direction,
    ) -> Result<Plan, GraphError> {
        let mut heads = Heads::new(self, current);
        let upgrade = direction == Direction::Upgrade;
        let mut steps = Vec::with_capacity(order.len());
        for &rev in order {
            let version_ops = heads.apply_revision(rev, upgrade)?;
            steps.push(Step {
                revision: self.id(rev),
                direction,
                version_ops,
            });
        }
        Ok(Plan {
            steps,
            heads_after: self.ids_of(&heads.rows),
        })
    }

    pub(super) fn plan_stamp(
        &self,
        current: &[RevisionId],
        targets: &[String],
        purge: bool,
    ) -> Result<Plan, GraphError> {
        let mut steps = Vec::new();
        let current = if purge {
            let mut seen: Vec<&RevisionId> = Vec::new();
            for c in current {
                if !seen.contains(&c) {
                    seen.push(c);
                    steps.push(Step {
                        revision: c.clone(),
                        direction: Direction::Downgrade,
                        version_ops: vec![VersionOp::Delete(c.clone())],
                    });
                }
            }
            Vec::new()
        } else {
            self.current_revs(current)?
        };
        let base = ["base".to_owned()];
        let targets = if targets.is_empty() {
            &base[..]
        } else {
            targets
        };
        let mut filtered: Vec<usize> = Vec::new();
        for t in targets {
            for h in self.filter_for_lineage(&current, t, true)? {
                if !filtered.contains(&h) {
                    filtered.push(h);
                }
            }
        }
        let mut dests: Vec<Option<usize>> = Vec::new();
        for t in targets {
            for p in self.get_revisions(t)? {
                match p {
                    Pos::Rev(r) => dests.push(Some(r)),
                    Pos::Base => dests.push(None),
                    Pos::Nowhere => {
                        return Err(bad(format!("{t} walks past the end of the revision graph")));
                    }
                }
            }
        }
        if dests.is_empty() {
            dests.push(None);
        }
        let mut stamps = Vec::new();
        for dest in dests {
            let Some(dest) = dest else {
                stamps.extend(filtered.iter().map(|&h| Stamp {
                    from: vec![h],
                    to: Vec::new(),
                    upgrade: false,
                    branch_move: true,
                }));
                continue;
            };
            if filtered.contains(&dest) {
                continue;
            }
            let descendants = self.reach(&[dest], Edge::AllNext);
            let ancestors = self.reach(&[dest], Edge::NormDown);
            let below = filtered.iter().any(|&h| descendants.contains(h));
            let above = filtered.iter().any(|&h| ancestors.contains(h));
            if below && above {
                return Err(bad(format!(
                    "cannot stamp {}: current heads lie both above and below it",
                    self.id_str(dest)
                )));
            }
            stamps.push(if below || above {
                Stamp {
                    from: filtered.clone(),
                    to: vec![dest],
                    upgrade: above,
                    branch_move: false,
                }
            } else {
                Stamp {
                    from: Vec::new(),
                    to: vec![dest],
                    upgrade: true,
                    branch_move: true,
                }
            });
        }
        let mut heads = Heads::new(self, &current);
        for stamp in &stamps {
            let version_ops = heads.apply_stamp(stamp)?;
            let revision = stamp.to.first().or(stamp.from.first()).map(|&r| self.id(r));
            let Some(revision) = revision else { continue };
            let direction = if stamp.upgrade {
                Direction::Upgrade
            } else {
                Direction::Downgrade
            };
            steps.push(Step {
                revision,
                direction,
                version_ops,
            });
        }
        Ok(Plan {
            steps,
            heads_after: self.ids_of(&heads.rows),
        })
    }

    pub(super) fn history(
        &self,
        start: Option<&str>,
        end: Option<&str>,
        current: &[RevisionId],
    ) -> Result<Vec<RevisionId>, GraphError> {
        let start = start.filter(|s| !s.is_empty());
        let end = end.filter(|s| !s.is_empty());
        let current_revs = || self.current_revs(current);
        // `current` on one side stands for the database's heads; with none, the open default.
        let (lower, upper) = if end == Some("current") {
            (start.map(Arg::Text), Some(Arg::Revs(current_revs()?)))
        } else if start == Some("current") {
            (Some(Arg::Revs(current_revs()?)), end.map(Arg::Text))
        } else {
            (start.map(Arg::Text), end.map(Arg::Text))
        };
        let lower = match lower {
            Some(Arg::Revs(v)) if v.is_empty() => Arg::Text("base"),
            Some(a) => a,
            None => Arg::Text("base"),
        };
        let upper = match upper {
            Some(Arg::Revs(v)) if v.is_empty() => Arg::Text("heads"),
            Some(a) => a,
            None => Arg::Text("heads"),
        };
        let (needs, targets) = self
            .collect_upgrade(&upper, &lower, true, false, false)
            .map_err(|e| match e {
                GraphError::BadTarget { message } if message.contains("is not an ancestor") => {
                    let show = |a: &Arg<'_>| match a {
                        Arg::Text(t) => (*t).to_owned(),
                        Arg::Revs(v) => v
                            .iter()
                            .map(|&r| self.id_str(r))
                            .collect::<Vec<_>>()
                            .join(","),
                    };
                    bad(format!(
                        "requested range {}:{} does not refer to ancestor/descendant revisions \
                         along the same branch",
                        show(&lower),
                        show(&upper)
                    ))
                }
                other => other,
            })?;
        Ok(self.ids_of(&self.topological_sort(&needs, &targets)))
    }
}
