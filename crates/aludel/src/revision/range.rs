//! A revision range, `START:END`, as `history -r` and `lint` take it: either side a revision
//! argument, `current`, or empty for an open end.

use std::str::FromStr;

use super::{GraphError, RevisionGraph, RevisionId};

/// A range of revisions, `START:END`, with `None` for an open side (`base` below, the heads
/// above).
///
/// ```
/// use aludel::revision::Range;
///
/// let range: Range = "-3:current".parse().unwrap();
/// assert_eq!(range.start.as_deref(), Some("-3"));
/// assert!(range.needs_current());
/// assert!("abc".parse::<Range>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Range {
    /// The lower end, a revision argument; `None` from base.
    pub start: Option<String>,
    /// The upper end, a revision argument; `None` up to the heads.
    pub end: Option<String>,
}

impl FromStr for Range {
    type Err = GraphError;

    fn from_str(text: &str) -> Result<Range, GraphError> {
        let (start, end) = text.split_once(':').ok_or_else(|| GraphError::BadRange {
            range: text.to_string(),
        })?;
        let side = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Ok(Range {
            start: side(start),
            end: side(end),
        })
    }
}

impl Range {
    /// Whether either side names `current`, so that the database's revisions must be read
    /// before [`revisions`](Self::revisions) can answer.
    pub fn needs_current(&self) -> bool {
        [&self.start, &self.end]
            .into_iter()
            .flatten()
            .any(|side| side.contains("current"))
    }

    /// The revisions in the range, newest first; `current` is the database's heads, used when
    /// a side is `current` or relative to it. A range open on both sides is every revision.
    pub fn revisions(
        &self,
        graph: &RevisionGraph,
        current: &[RevisionId],
    ) -> Result<Vec<RevisionId>, GraphError> {
        if self.start.is_none() && self.end.is_none() {
            return Ok(graph
                .revisions()
                .into_iter()
                .map(|r| r.id.clone())
                .collect());
        }
        graph.history_range(self.start.as_deref(), self.end.as_deref(), current)
    }
}

#[cfg(test)]
mod tests;
