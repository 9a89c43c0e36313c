//! The target grammar: symbolic names (`head`, `heads`, `base`), ids and prefixes, branch labels
//! (`LABEL@REV`), and relative moves (`+N`, `-N`, `REV+N`, `LABEL@-N`), resolved as Alembic's
//! `RevisionMap.get_revisions`, `get_revision` and `_walk` do.

use super::graph::{Bits, Edge};
use super::{GraphError, RevisionGraph};

/// Where a resolution or a walk ends: a revision, below every base, or nowhere (a walk that
/// went past the edge of the graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pos {
    /// A revision.
    Rev(usize),
    /// Below the bases: nothing applied.
    Base,
    /// Past the edge of the graph, or no starting point.
    Nowhere,
}

/// A relative target, `[LABEL@][SYMBOL](+|-)N`, matched at the start of the text as Alembic's
/// `_relative_destination` pattern does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Relative<'a> {
    pub(super) label: Option<&'a str>,
    pub(super) symbol: Option<&'a str>,
    /// The signed step count.
    pub(super) steps: i64,
    /// The step count as written, sign included (`+2`, `-1`).
    pub(super) text: &'a str,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Matches `(\w+)?([+-]\d+)` at the start of `s`.
fn match_tail(s: &str) -> Option<(Option<&str>, &str, i64)> {
    let word_end = s.find(|c: char| !is_word(c)).unwrap_or(s.len());
    let symbol = (word_end > 0).then(|| &s[..word_end]);
    let rest = &s[word_end..];
    let sign = rest.chars().next().filter(|c| *c == '+' || *c == '-')?;
    let digits_end = rest[1..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest.len(), |e| e + 1);
    if digits_end == 1 {
        return None;
    }
    let text = &rest[..digits_end];
    let magnitude: i64 = rest[1..digits_end].parse().ok()?;
    let steps = if sign == '-' { -magnitude } else { magnitude };
    Some((symbol, text, steps))
}

pub(super) fn parse_relative(s: &str) -> Option<Relative<'_>> {
    for (at, _) in s.match_indices('@').filter(|(at, _)| *at > 0) {
        if let Some((symbol, text, steps)) = match_tail(&s[at + 1..]) {
            return Some(Relative {
                label: Some(&s[..at]),
                symbol,
                steps,
                text,
            });
        }
    }
    let (symbol, text, steps) = match_tail(s)?;
    Some(Relative {
        label: None,
        symbol,
        steps,
        text,
    })
}

pub(super) fn bad(message: impl Into<String>) -> GraphError {
    GraphError::BadTarget {
        message: message.into(),
    }
}

pub(super) fn no_migrations(text: &str, steps: i64) -> GraphError {
    bad(format!(
        "relative revision {text} didn't produce {} migrations",
        steps.unsigned_abs()
    ))
}

/// Splits `LABEL@ID`; an empty label counts as none.
pub(super) fn split_label(s: &str) -> (Option<&str>, &str) {
    match s.split_once('@') {
        Some((label, id)) => ((!label.is_empty()).then_some(label), id),
        None => (None, s),
    }
}

impl RevisionGraph {
    /// `result`, the answer for `target`, with its `LABEL@` part checked: a label that names
    /// no branch label, revision or unique prefix is refused even where the rest of the target
    /// needs none (Alembic ignores it: `typo@base` takes every branch to base), and an error
    /// that already says so names the nearest label when one is close.
    pub(super) fn checked<T>(
        &self,
        target: &str,
        result: Result<T, GraphError>,
    ) -> Result<T, GraphError> {
        match result {
            Ok(found) => self.check_label(target).map(|()| found),
            Err(GraphError::UnknownRevision { id }) => match self.check_label(target) {
                Err(
                    e @ GraphError::UnknownLabel {
                        suggestion: Some(_),
                        ..
                    },
                ) => Err(e),
                _ => Err(GraphError::UnknownRevision { id }),
            },
            Err(other) => Err(other),
        }
    }

    fn check_label(&self, target: &str) -> Result<(), GraphError> {
        let Some(label) = target
            .split_once('@')
            .map(|(l, _)| l)
            .filter(|l| !l.is_empty())
        else {
            return Ok(());
        };
        if self.resolve_branch(label).is_ok() {
            return Ok(());
        }
        let suggestion = self
            .labels
            .keys()
            .map(|known| (edit_distance(label, known), known))
            .filter(|(d, known)| *d <= 2.max(known.chars().count() / 3))
            .min()
            .map(|(_, known)| known.clone());
        Err(GraphError::UnknownLabel {
            label: label.to_owned(),
            target: target.to_owned(),
            suggestion,
        })
    }

    /// Alembic's `_resolve_revision_number`: symbolic names to ids, with the branch label.
    pub(super) fn resolve_number<'a>(
        &self,
        s: &'a str,
    ) -> Result<(Vec<String>, Option<&'a str>), GraphError> {
        let (label, id) = split_label(s);
        let ids = match id {
            "heads" => match label {
                Some(l) => {
                    let heads = self.heads.clone();
                    self.filter_for_lineage(&heads, l, false)?
                }
                None => self.real_heads.clone(),
            },
            "head" => self.current_head(label)?.into_iter().collect(),
            "base" => Vec::new(),
            other => return Ok((vec![other.to_owned()], label)),
        };
        Ok((
            ids.into_iter().map(|i| self.id_str(i).to_owned()).collect(),
            label,
        ))
    }

    /// Alembic's `get_current_head`: the one head, on a branch if a label is given.
    pub(super) fn current_head(&self, label: Option<&str>) -> Result<Option<usize>, GraphError> {
        let heads = match label {
            Some(l) => self.filter_for_lineage(&self.heads.clone(), l, false)?,
            None => self.heads.clone(),
        };
        if heads.len() > 1 {
            let target = label.map_or_else(|| "head".to_owned(), |l| format!("{l}@head"));
            return Err(GraphError::MultipleHeads {
                target,
                heads: self.ids_of(&heads),
            });
        }
        Ok(heads.first().copied())
    }

    /// Alembic's `get_revisions` for one argument.
    pub(super) fn get_revisions(&self, s: &str) -> Result<Vec<Pos>, GraphError> {
        let (ids, label) = self.resolve_number(s)?;
        if let [only] = ids.as_slice()
            && let Ok(n) = only.parse::<i64>()
            && n < 0
        {
            let mut heads = self.real_heads.clone();
            if let Some(l) = label {
                heads.retain(|&h| self.nodes[h].labels.contains(l));
            }
            return heads
                .into_iter()
                .map(|h| self.walk(Pos::Rev(h), n, None, true))
                .collect();
        }
        ids.iter()
            .map(|id| {
                Ok(self
                    .revision_for_ident(Some(id), label)?
                    .map_or(Pos::Base, Pos::Rev))
            })
            .collect()
    }

    /// Only the revisions of [`get_revisions`](Self::get_revisions).
    pub(super) fn get_revision_list(&self, s: &str) -> Result<Vec<usize>, GraphError> {
        Ok(self
            .get_revisions(s)?
            .into_iter()
            .filter_map(|p| match p {
                Pos::Rev(r) => Some(r),
                _ => None,
            })
            .collect())
    }

    /// Alembic's `get_revision`: at most one revision; several is `MultipleHeads`.
    pub(super) fn get_revision(&self, s: &str) -> Result<Option<usize>, GraphError> {
        let (ids, label) = self.resolve_number(s)?;
        if ids.len() > 1 {
            let heads = ids
                .iter()
                .filter_map(|id| self.ids.get(id.as_str()).map(|&i| self.id(i)))
                .collect();
            return Err(GraphError::MultipleHeads {
                target: s.to_owned(),
                heads,
            });
        }
        self.revision_for_ident(ids.first().map(String::as_str), label)
    }

    /// Alembic's `_resolve_branch`: a label, else any revision argument.
    pub(super) fn resolve_branch(&self, label: &str) -> Result<usize, GraphError> {
        if let Some(&i) = self.ids.get(label).or_else(|| self.labels.get(label)) {
            return Ok(i);
        }
        match self.revision_for_ident(Some(label), None) {
            Ok(Some(i)) => Ok(i),
            _ => Err(GraphError::UnknownRevision {
                id: label.to_owned(),
            }),
        }
    }

    /// Alembic's `_revision_for_ident`: exact id or label, else a unique prefix (of an id or a
    /// label, matched only against names longer than three characters), checked against the
    /// branch when one is given. `None` stands for base.
    pub(super) fn revision_for_ident(
        &self,
        id: Option<&str>,
        branch: Option<&str>,
    ) -> Result<Option<usize>, GraphError> {
        let branch_rev = branch.map(|b| self.resolve_branch(b)).transpose()?;
        let Some(id) = id else { return Ok(None) };
        let found = match self.ids.get(id).or_else(|| self.labels.get(id)) {
            Some(&i) => i,
            None => {
                let mut matches: Vec<usize> = Vec::new();
                for (key, i) in &self.keys {
                    if key.len() > 3 && key.starts_with(id) && !matches.contains(i) {
                        matches.push(*i);
                    }
                }
                if let Some(b) = branch {
                    matches = self.filter_for_lineage(&matches, b, false)?;
                }
                match matches.as_slice() {
                    [] => return Err(GraphError::UnknownRevision { id: id.to_owned() }),
                    [only] => *only,
                    _ => {
                        return Err(GraphError::AmbiguousPrefix {
                            prefix: id.to_owned(),
                            candidates: self.ids_of(&matches),
                        });
                    }
                }
            }
        };
        if let (Some(b), Some(br)) = (branch, branch_rev)
            && !self.lineage(&[br], false).contains(found)
        {
            return Err(bad(format!(
                "revision {} is not a member of branch '{b}'",
                self.id_str(found)
            )));
        }
        Ok(Some(found))
    }

    /// Alembic's `filter_for_lineage`: the targets that share a line of descent with what
    /// `check_against` names (its label and its revisions).
    pub(super) fn filter_for_lineage(
        &self,
        targets: &[usize],
        check_against: &str,
        include_dependencies: bool,
    ) -> Result<Vec<usize>, GraphError> {
        // Alembic tests each target against `check_against`: with no target nothing is
        // resolved, so `stamp --purge LABEL@-1` never looks up `-1` as an id.
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, label) = self.resolve_number(check_against)?;
        let mut tests = Vec::new();
        for name in label.into_iter().chain(ids.iter().map(String::as_str)) {
            if let Some(i) = self.revision_for_ident(Some(name), None)? {
                tests.push(i);
            }
        }
        if label.is_none() && ids.is_empty() {
            return Ok(targets.to_vec());
        }
        let lineage: Bits = self.lineage(&tests, include_dependencies);
        Ok(targets
            .iter()
            .copied()
            .filter(|&t| lineage.contains(t))
            .collect())
    }

    /// Alembic's `_walk`: `steps` up (positive) or down (negative) from `start`. Walking up may
    /// keep to a branch. A walk past the edge gives `Nowhere` when `no_overwalk`, else stops.
    pub(super) fn walk(
        &self,
        start: Pos,
        steps: i64,
        branch: Option<&str>,
        no_overwalk: bool,
    ) -> Result<Pos, GraphError> {
        let mut at = start;
        for _ in 0..steps.unsigned_abs() {
            let next: Vec<Pos> = if steps > 0 {
                let up = match at {
                    Pos::Rev(r) => self.nodes[r].next.clone(),
                    Pos::Base | Pos::Nowhere => self.bases.clone(),
                };
                let up = match branch {
                    Some(b) => self.filter_for_lineage(&up, b, false)?,
                    None => up,
                };
                up.into_iter().map(Pos::Rev).collect()
            } else {
                match at {
                    Pos::Base => Vec::new(),
                    Pos::Nowhere => self.heads.iter().map(|&h| Pos::Rev(h)).collect(),
                    Pos::Rev(r) if self.nodes[r].down.is_empty() => vec![Pos::Base],
                    Pos::Rev(r) => self.nodes[r].down.iter().map(|&d| Pos::Rev(d)).collect(),
                }
            };
            match next.as_slice() {
                [] => return Ok(if no_overwalk { Pos::Nowhere } else { at }),
                [only] => at = *only,
                several => {
                    let names: Vec<&str> = several
                        .iter()
                        .filter_map(|p| match p {
                            Pos::Rev(r) => Some(self.id_str(*r)),
                            _ => None,
                        })
                        .collect();
                    let from = match at {
                        Pos::Rev(r) => self.id_str(r).to_owned(),
                        _ => "base".to_owned(),
                    };
                    let (dir, example) = if steps > 0 {
                        ("up", "+1")
                    } else {
                        ("down", "-1")
                    };
                    return Err(bad(format!(
                        "ambiguous walk {dir} from {from}: it can go to {}; name the branch, \
                         e.g. 'LABEL@{example}' or '{}{example}'",
                        names.join(", "),
                        names.first().copied().unwrap_or("REV")
                    )));
                }
            }
        }
        Ok(at)
    }

    /// `resolve` for the public API: `get_revisions`, plus relative targets.
    pub(super) fn resolve_target(&self, target: &str) -> Result<Vec<usize>, GraphError> {
        let Some(rel) = parse_relative(target) else {
            return self.get_revision_list(target);
        };
        let pos = match rel.symbol {
            None if rel.steps < 0 => {
                let found = self.get_revisions(target)?;
                if found.contains(&Pos::Nowhere) {
                    return Err(no_migrations(rel.text, rel.steps));
                }
                return Ok(found
                    .into_iter()
                    .filter_map(|p| if let Pos::Rev(r) = p { Some(r) } else { None })
                    .collect());
            }
            None => self.walk(Pos::Nowhere, rel.steps, rel.label, true)?,
            Some(symbol) if rel.steps > 0 => {
                let start = self.get_revision(symbol)?.map_or(Pos::Nowhere, Pos::Rev);
                self.walk(start, rel.steps, rel.label, true)?
            }
            Some(symbol) => {
                let start = match rel.label {
                    Some(l) => self.get_revision(&format!("{l}@{symbol}"))?,
                    None => self.get_revision(symbol)?,
                };
                self.walk(start.map_or(Pos::Nowhere, Pos::Rev), rel.steps, None, true)?
            }
        };
        match pos {
            Pos::Rev(r) => Ok(vec![r]),
            Pos::Base => Ok(Vec::new()),
            Pos::Nowhere => Err(no_migrations(rel.text, rel.steps)),
        }
    }

    /// Alembic's `_get_all_current`: the current revisions with everything below them, cut
    /// back to the revisions that are tips of that set.
    pub(super) fn all_current(&self, current: &[usize]) -> Vec<usize> {
        let set = self.reach(current, Edge::NormDown);
        set.iter()
            .filter(|&r| !self.nodes[r].next.iter().any(|&c| set.contains(c)))
            .collect()
    }
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}
