//! One revision file: its header, its sections and their checksums.

use std::path::{Path, PathBuf};

use crate::Result;
use crate::revision::Revision;

/// The sha256 of a section as written, line endings normalised to LF and a BOM dropped, as 64
/// lowercase hex characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Checksum(pub String);

/// An `upgrade` or `downgrade` section of a revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section's text, without its `-- migrate:` marker line.
    pub text: String,
    /// The 1-based file line of the section's first text line.
    pub first_line: usize,
}

impl Section {
    /// The checksum of this section.
    pub fn checksum(&self) -> Checksum {
        todo!()
    }
}

/// A parsed revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The graph node the header declares.
    pub revision: Revision,
    /// `message`.
    pub message: String,
    /// `create_date`, as written.
    pub create_date: Option<String>,
    /// The file.
    pub path: PathBuf,
    /// `transactional` (default true).
    pub transactional: bool,
    /// `template` (default false): render sections with minijinja before running.
    pub template: bool,
    /// The upgrade section, if present.
    pub upgrade: Option<Section>,
    /// The downgrade section; `None` makes the revision irreversible.
    pub downgrade: Option<Section>,
}

impl Script {
    /// Parses the text of a revision file read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Script> {
        let _ = (path, text);
        todo!()
    }
}
