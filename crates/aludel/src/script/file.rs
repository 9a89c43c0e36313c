//! One revision file: its header, its sections and their checksums.
//!
//! A file is a header (the leading run of `-- key = value` lines, each a TOML key/value,
//! blank lines allowed among them), then sections opened by `-- migrate:upgrade` and
//! `-- migrate:downgrade`. Between the header and the first section only blank lines and `--`
//! comments may appear. Everything is checked strictly: an unknown header key, a header key
//! written after the header ended, a misspelt `-- migrate:` marker or stray SQL before the
//! first section is an error naming the line, because a silently ignored line could change
//! what a deployment runs.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::lexer::{Statement, split_statements};
use crate::config::Backend;
use crate::revision::{Revision, RevisionId};
use crate::{Error, Result};

/// The header keys a revision file may declare.
pub const HEADER_KEYS: &[&str] = &[
    "message",
    "revision",
    "down_revision",
    "branch_labels",
    "depends_on",
    "create_date",
    "transactional",
    "template",
];

/// The sha256 of a section as written, line endings normalised to LF and a BOM dropped, as 64
/// lowercase hex characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Checksum(pub String);

impl Checksum {
    /// The checksum as hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The checksum of `text`: sha256 of the text with a leading BOM dropped and CRLF turned into
/// LF, so a checkout on another operating system does not look modified.
///
/// ```
/// use aludel::script::checksum_of;
///
/// assert_eq!(checksum_of("SELECT 1;\r\n"), checksum_of("\u{feff}SELECT 1;\n"));
/// ```
pub fn checksum_of(text: &str) -> Checksum {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let digest = Sha256::digest(text.replace("\r\n", "\n").as_bytes());
    Checksum(digest.iter().map(|b| format!("{b:02x}")).collect())
}

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
        checksum_of(&self.text)
    }

    /// The section's statements for `backend`; a lexing error names `path` and the line.
    pub fn statements(&self, path: &Path, backend: Backend) -> Result<Vec<Statement>> {
        split_statements(&self.text, self.first_line, backend).map_err(|error| match error {
            Error::Script { line, message, .. } => Error::Script {
                path: path.to_path_buf(),
                line,
                message,
            },
            other => other,
        })
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

/// Which section a marker opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Upgrade,
    Downgrade,
}

impl Script {
    /// Parses the text of a revision file read from `path`.
    ///
    /// ```
    /// use std::path::Path;
    /// use aludel::script::Script;
    ///
    /// let text = "-- revision = \"a1\"\n-- down_revision = \"\"\n\n-- migrate:upgrade\nCREATE TABLE t (x INT);\n";
    /// let script = Script::parse(Path::new("a1_t.sql"), text).unwrap();
    /// assert_eq!(script.revision.id.as_str(), "a1");
    /// assert!(script.downgrade.is_none());
    /// ```
    pub fn parse(path: &Path, text: &str) -> Result<Script> {
        let fail = |line: usize, message: String| Error::Script {
            path: path.to_path_buf(),
            line,
            message,
        };
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut outline = Outline::read(body).map_err(|(line, message)| fail(line, message))?;
        let Some((id, id_line)) = outline.header.revision.take() else {
            return Err(fail(
                0,
                "missing the '-- revision = \"…\"' header line".into(),
            ));
        };
        let id = RevisionId::new(id).map_err(|e| fail(id_line, e.to_string()))?;
        let upgrade = outline.section(body, Kind::Upgrade);
        let downgrade = outline.section(body, Kind::Downgrade);
        let header = outline.header;
        Ok(Script {
            revision: Revision {
                id,
                down_revisions: header.down_revisions,
                branch_labels: header.branch_labels,
                depends_on: header.depends_on,
            },
            message: header.message.unwrap_or_default(),
            create_date: header.create_date,
            path: path.to_path_buf(),
            transactional: header.transactional.unwrap_or(true),
            template: header.template.unwrap_or(false),
            upgrade,
            downgrade,
        })
    }

    /// Whether the revision can be downgraded (it has a downgrade section).
    pub fn is_reversible(&self) -> bool {
        self.downgrade.is_some()
    }
}

/// Where a section sits in the file.
struct Span {
    kind: Kind,
    /// The 1-based line of its marker.
    line: usize,
    /// The byte range of its text, marker line excluded.
    start: usize,
    end: usize,
}

/// What a first pass over the lines finds: the header and where each section sits.
#[derive(Default)]
struct Outline {
    header: Header,
    /// Set by the first plain comment: header keys after it are misplaced, not read.
    header_closed: bool,
    sections: Vec<Span>,
}

impl Outline {
    /// Reads `body` line by line; an error carries the 1-based line it is about.
    fn read(body: &str) -> std::result::Result<Outline, (usize, String)> {
        let mut outline = Outline::default();
        let mut offset = 0;
        for (index, raw_line) in body.split_inclusive('\n').enumerate() {
            let number = index + 1;
            let line = raw_line.trim_end_matches(['\n', '\r']);
            let line_start = offset;
            offset += raw_line.len();
            let read = match marker(line) {
                Some(marker) => {
                    outline.open_section(marker, number, line_start..offset, body.len())
                }
                // Inside a section every other line is SQL, checked when it is split.
                None if !outline.sections.is_empty() => Ok(()),
                None => outline.preamble_line(line, number),
            };
            read.map_err(|message| (number, message))?;
        }
        Ok(outline)
    }

    /// A `-- migrate:` marker on line `number` (spanning `line`): opens a section running to
    /// `body_len` until the next marker ends it.
    fn open_section(
        &mut self,
        marker: &str,
        number: usize,
        line: std::ops::Range<usize>,
        body_len: usize,
    ) -> std::result::Result<(), String> {
        let kind = match marker {
            "upgrade" => Kind::Upgrade,
            "downgrade" => Kind::Downgrade,
            "batch" if !self.sections.is_empty() => return Ok(()),
            "batch" => {
                return Err("'-- migrate:batch' must precede a statement inside a section".into());
            }
            other => {
                return Err(format!(
                    "unknown marker '-- migrate:{other}' (expected '-- migrate:upgrade' or '-- migrate:downgrade')"
                ));
            }
        };
        if let Some(first) = self.sections.iter().find(|s| s.kind == kind) {
            return Err(format!(
                "a second '-- migrate:{marker}' section (the first is at line {})",
                first.line
            ));
        }
        if let Some(last) = self.sections.last_mut() {
            last.end = line.start;
        }
        self.sections.push(Span {
            kind,
            line: number,
            start: line.end,
            end: body_len,
        });
        Ok(())
    }

    /// A line before the first section: blank, a header line, or a comment.
    fn preamble_line(&mut self, line: &str, number: usize) -> std::result::Result<(), String> {
        if line.trim().is_empty() {
            return Ok(());
        }
        if let Some(key) = header_key(line) {
            if !self.header_closed {
                return self.header.read(line, key, number);
            }
            if HEADER_KEYS.contains(&key) {
                return Err(format!(
                    "header key '{key}' after the header ended at an earlier comment; move it into the leading run of '-- key = value' lines"
                ));
            }
        }
        if line.trim_start().starts_with("--") {
            self.header_closed = true;
            return Ok(());
        }
        Err("unexpected text before the first section; SQL goes after a '-- migrate:upgrade' or '-- migrate:downgrade' line".into())
    }

    /// The section of `kind`, if the file has one.
    fn section(&self, body: &str, kind: Kind) -> Option<Section> {
        self.sections
            .iter()
            .find(|s| s.kind == kind)
            .map(|s| Section {
                text: body[s.start..s.end].to_string(),
                first_line: s.line + 1,
            })
    }
}

/// The name after `-- migrate:` on a marker line.
fn marker(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    let name = rest.strip_prefix("migrate:")?;
    Some(name.trim_end())
}

/// The key of a `-- key = value` line.
fn header_key(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("--")?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let (key, after) = rest.split_at(end);
    (!key.is_empty() && after.trim_start().starts_with('=')).then_some(key)
}

/// The header values read so far.
#[derive(Default)]
struct Header {
    seen: Vec<String>,
    message: Option<String>,
    revision: Option<(String, usize)>,
    down_revisions: Vec<RevisionId>,
    branch_labels: Vec<String>,
    depends_on: Vec<String>,
    create_date: Option<String>,
    transactional: Option<bool>,
    template: Option<bool>,
}

impl Header {
    /// Reads one `-- key = value` line.
    fn read(&mut self, line: &str, key: &str, number: usize) -> std::result::Result<(), String> {
        if !HEADER_KEYS.contains(&key) {
            return Err(format!(
                "unknown header key '{key}' (known keys: {})",
                HEADER_KEYS.join(", ")
            ));
        }
        if self.seen.iter().any(|k| k == key) {
            return Err(format!("header key '{key}' is given twice"));
        }
        self.seen.push(key.to_string());
        let entry = line.trim_start().strip_prefix("--").unwrap_or(line);
        let value = match entry
            .split_once('=')
            .and_then(|(_, v)| simple_value(v.trim()))
        {
            Some(value) => value,
            None => {
                let table: toml::Table = toml::from_str(entry).map_err(|e| {
                    format!(
                        "invalid header line for '{key}': {}",
                        e.message().trim_end()
                    )
                })?;
                table
                    .into_iter()
                    .next()
                    .map(|(_, v)| v)
                    .ok_or_else(|| format!("invalid header line for '{key}'"))?
            }
        };
        match key {
            "message" => self.message = Some(string(key, value)?),
            "revision" => self.revision = Some((string(key, value)?, number)),
            "down_revision" => {
                self.down_revisions = strings(key, value)?
                    .into_iter()
                    .map(|id| RevisionId::new(id).map_err(|e| e.to_string()))
                    .collect::<std::result::Result<_, _>>()?;
            }
            "branch_labels" => self.branch_labels = strings(key, value)?,
            "depends_on" => self.depends_on = strings(key, value)?,
            "create_date" => {
                self.create_date = Some(match value {
                    toml::Value::String(s) => s,
                    toml::Value::Datetime(d) => d.to_string(),
                    other => return Err(expected(key, "a string", &other)),
                })
            }
            "transactional" => self.transactional = Some(boolean(key, value)?),
            "template" => self.template = Some(boolean(key, value)?),
            _ => unreachable!("every key of HEADER_KEYS is handled"),
        }
        Ok(())
    }
}

/// The value of the common header spellings (`"text"` without escapes, `true`, `false`, an
/// array of such strings) read without a TOML parser; `None` for anything else, which the TOML
/// parser then reads. Headers are read for every file on every command, so this is the hot
/// path of `heads` and `history` on a long history.
fn simple_value(text: &str) -> Option<toml::Value> {
    fn plain_string(text: &str) -> Option<String> {
        let inner = text.strip_prefix('"')?.strip_suffix('"')?;
        let plain = !inner.contains(['"', '\\']) && !inner.chars().any(char::is_control);
        plain.then(|| inner.to_string())
    }
    match text {
        "true" => return Some(toml::Value::Boolean(true)),
        "false" => return Some(toml::Value::Boolean(false)),
        _ => {}
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let inner = inner.trim();
        if inner.is_empty() {
            return Some(toml::Value::Array(Vec::new()));
        }
        let items = inner.strip_suffix(',').unwrap_or(inner).split(',');
        return items
            .map(|item| plain_string(item.trim()).map(toml::Value::String))
            .collect::<Option<Vec<_>>>()
            .map(toml::Value::Array);
    }
    plain_string(text).map(toml::Value::String)
}

fn expected(key: &str, what: &str, got: &toml::Value) -> String {
    format!("header key '{key}' must be {what}, not {}", got.type_str())
}

fn string(key: &str, value: toml::Value) -> std::result::Result<String, String> {
    match value {
        toml::Value::String(s) => Ok(s),
        other => Err(expected(key, "a string", &other)),
    }
}

fn boolean(key: &str, value: toml::Value) -> std::result::Result<bool, String> {
    match value {
        toml::Value::Boolean(b) => Ok(b),
        other => Err(expected(key, "true or false", &other)),
    }
}

/// A string or an array of strings; `""` and `[]` are empty.
fn strings(key: &str, value: toml::Value) -> std::result::Result<Vec<String>, String> {
    match value {
        toml::Value::String(s) if s.is_empty() => Ok(Vec::new()),
        toml::Value::String(s) => Ok(vec![s]),
        toml::Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                toml::Value::String(s) if !s.is_empty() => Ok(s),
                other => Err(expected(
                    key,
                    "a string or an array of non-empty strings",
                    &other,
                )),
            })
            .collect(),
        other => Err(expected(key, "a string or an array of strings", &other)),
    }
}

#[cfg(test)]
mod tests;
