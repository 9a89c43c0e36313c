//! Step planning: which revisions an upgrade, downgrade, stamp or `history -r` range covers
//! (Alembic's `_collect_upgrade_revisions`, `_collect_downgrade_revisions` and `_stamp_revs`),
//! in what order, and the version-table changes Alembic's `HeadMaintainer` makes for each step.

use super::graph::Edge;
use super::heads::{Heads, Stamp};
use super::target::{Pos, bad};
use super::{Direction, GraphError, Plan, RevisionGraph, RevisionId, Step, VersionOp};

/// A revision argument as Alembic passes it around: text still to resolve, or revisions
/// already known (the database's current heads).
#[derive(Debug, Clone)]
pub(super) enum Arg<'a> {
    Text(&'a str),
    Revs(Vec<usize>),
}

impl RevisionGraph {
    /// The positions an argument names: text goes through the target grammar.
    pub(super) fn resolve_arg(&self, arg: &Arg<'_>) -> Result<Vec<Pos>, GraphError> {
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
        self.keep_lower_branch(&mut targets, lower)?;
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
            (current, lower) =
                self.resolve_relative_lower(upper, &lower, assert_relative_length)?;
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

    /// A lower bound written `BRANCH@...` keeps only the targets on that branch. Alembic
    /// accepts a revision id in place of the label when that revision carries exactly one.
    fn keep_lower_branch(
        &self,
        targets: &mut Vec<usize>,
        lower: &Arg<'_>,
    ) -> Result<(), GraphError> {
        let Arg::Text(l) = lower else { return Ok(()) };
        let Some((branch, _)) = l.split_once('@') else {
            return Ok(());
        };
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
        Ok(())
    }

    /// A relative lower bound (`-1`, walked to nowhere on its own) is read as a downgrade
    /// from `upper`, as Alembic does when `current_revisions[0] is None`. Returns the new
    /// current positions and lower bound.
    fn resolve_relative_lower<'a>(
        &self,
        upper: &Arg<'_>,
        lower: &Arg<'a>,
        assert_relative_length: bool,
    ) -> Result<(Vec<Pos>, Arg<'a>), GraphError> {
        let upper_revs: Vec<usize> = self
            .resolve_arg(upper)?
            .into_iter()
            .filter_map(|p| if let Pos::Rev(r) = p { Some(r) } else { None })
            .collect();
        let Arg::Text(text) = lower else {
            return Err(bad("relative lower bound"));
        };
        let (_, pos) = self.parse_downgrade_target(&upper_revs, text, assert_relative_length)?;
        Ok(match pos {
            Pos::Rev(r) => (vec![Pos::Rev(r)], Arg::Revs(vec![r])),
            _ => (Vec::new(), Arg::Revs(Vec::new())),
        })
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

    /// Stamping (Alembic's `command.stamp`, planned by `_stamp_revs`): version-table moves
    /// with no migration run. A purge first deletes every current row, so the stamp starts
    /// from an empty table.
    pub(super) fn plan_stamp(
        &self,
        current: &[RevisionId],
        targets: &[String],
        purge: bool,
    ) -> Result<Plan, GraphError> {
        let (mut steps, current) = if purge {
            (purge_steps(current), Vec::new())
        } else {
            (Vec::new(), self.current_revs(current)?)
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
        let stamps = self.stamps(&filtered, self.stamp_destinations(targets)?)?;
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

    /// Where a stamp goes: one revision per target, `None` for base (also when no target
    /// names a revision at all).
    fn stamp_destinations(&self, targets: &[String]) -> Result<Vec<Option<usize>>, GraphError> {
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
        Ok(dests)
    }

    /// Alembic's `_stamp_revs`: one `StampStep` per destination, moving the current heads on
    /// its lineage (`filtered`) up or down to it, or adding it as a new branch when none is.
    fn stamps(
        &self,
        filtered: &[usize],
        dests: Vec<Option<usize>>,
    ) -> Result<Vec<Stamp>, GraphError> {
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
                    from: filtered.to_vec(),
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
        Ok(stamps)
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
                // The walk's own advice (`REV-1`) names no revision in a range, in Alembic
                // either: point at the forms a range takes.
                GraphError::BadTarget { message } if message.contains("; name the branch") => {
                    let cut = message.find("; name the branch").unwrap_or(message.len());
                    bad(format!(
                        "{}; in a history range name one of them (`REV:current`) or a branch \
                         (`LABEL@-1:current`)",
                        &message[..cut]
                    ))
                }
                other => other,
            })?;
        Ok(self.ids_of(&self.topological_sort(&needs, &targets)))
    }
}

/// `stamp --purge`: delete each distinct current row, even one the graph does not know.
fn purge_steps(current: &[RevisionId]) -> Vec<Step> {
    let mut seen: Vec<&RevisionId> = Vec::new();
    let mut steps = Vec::new();
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
    steps
}
