//! The library's error type: one kind per failure a user can meet, with the context (file,
//! line, revision) needed to act on it.
//!
//! A message says what went wrong; what the user can do about it is a separate hint, kept as
//! data beside the message and returned by [`Error::hints`]. The message alone is the error's
//! `Display`, so a program embedding aludel can show or drop the advice as it sees fit; the
//! `aludel` binary prints each hint on a `hint:` line under the error.

use std::path::PathBuf;

use crate::revision::GraphError;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in aludel.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration file is missing, unreadable or invalid.
    #[error("{}", clip(message, MESSAGE_LIMIT))]
    Config {
        /// What is wrong, naming the file.
        message: String,
        /// What the user can do about it, when there is a known remedy.
        hint: Option<String>,
    },
    /// A database URL that cannot be understood (the password is already masked).
    #[error("invalid database URL '{url}': {reason}")]
    Url {
        /// The URL with its password masked.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A migration file that cannot be read or parsed.
    #[error("{}: {}", at(path, *line), clip(message, MESSAGE_LIMIT))]
    Script {
        /// The file.
        path: PathBuf,
        /// The 1-based line, 0 when the problem is the whole file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The revision graph or a target argument is invalid.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// Connecting to the database failed.
    #[error("could not connect to {url}: {message}")]
    Connect {
        /// The URL with its password masked.
        url: String,
        /// The driver's message.
        message: String,
        /// `host:port` of a server URL (default port filled in), for the hint.
        address: Option<String>,
    },
    /// A statement of a migration failed.
    #[error("{}:{line}: statement failed in revision {revision}: {message}", path.display())]
    StatementFailed {
        /// The migration file.
        path: PathBuf,
        /// The line where the failing statement starts.
        line: usize,
        /// The revision being applied.
        revision: String,
        /// Whether its upgrade or its downgrade section was running: after a failed downgrade
        /// the revision is still applied.
        direction: crate::revision::Direction,
        /// The database's message.
        message: String,
        /// Statements of this migration that had already run and stay applied (DDL that commits
        /// implicitly, or a migration marked `transactional = false`), as `line: text`.
        applied_before: Vec<String>,
        /// Whether the migration's transaction was rolled back, leaving no trace of it.
        rolled_back: bool,
    },
    /// A database error outside any migration (version table, introspection, …).
    #[error("database error: {message}")]
    Database {
        /// The driver's message.
        message: String,
    },
    /// The migration lock could not be taken in time.
    #[error(
        "could not take the migration lock within {seconds} s: another aludel run is in progress"
    )]
    LockTimeout {
        /// How long was waited.
        seconds: u64,
    },
    /// Another connection held a write lock on the database for longer than aludel waits
    /// (SQLite's busy wait, which follows `lock_timeout`).
    #[error("the database stayed locked by another connection for {seconds} s")]
    Busy {
        /// How long was waited.
        seconds: f64,
    },
    /// A version-table change did not touch exactly the row it expected: another run changed
    /// the table under this one.
    #[error("the version table changed under this run: {message}")]
    VersionTableChanged {
        /// What was expected and what was found.
        message: String,
        /// Whether the migration's transaction was rolled back with it.
        rolled_back: bool,
    },
    /// The migration lock's session ended (or lost the lock) during the run.
    #[error("the migration lock was lost: {message}")]
    LockLost {
        /// Why, and what this run had applied when it stopped.
        message: String,
    },
    /// A request that cannot be carried out as asked (irreversible downgrade, missing
    /// revision in the database, an option that does not apply here, …).
    #[error("{message}")]
    Refused {
        /// What was refused and why.
        message: String,
        /// What the user can do about it, when there is a known remedy.
        hint: Option<String>,
    },
    /// A file-system error, with the path involved.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A template could not be rendered.
    #[error("template error in {name}: {message}")]
    Template {
        /// The template (file name).
        name: String,
        /// The renderer's message.
        message: String,
    },
    /// The run was interrupted (SIGINT or SIGTERM); the migration in flight was rolled back.
    #[error("interrupted: {message}")]
    Interrupted {
        /// What was rolled back and what stays applied.
        message: String,
    },
}

impl Error {
    /// A refusal with a message.
    pub fn refused(message: impl Into<String>) -> Self {
        Error::Refused {
            message: message.into(),
            hint: None,
        }
    }

    /// A configuration error with a message.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
            hint: None,
        }
    }

    /// The same error with `hint` as its advice, for the kinds that carry one ([`Config`] and
    /// [`Refused`]); other kinds derive their hints from their own fields, so they are returned
    /// unchanged.
    ///
    /// [`Config`]: Error::Config
    /// [`Refused`]: Error::Refused
    ///
    /// ```
    /// let error = aludel::Error::refused("no revisions to test").with_hint("write one first");
    /// assert_eq!(error.to_string(), "no revisions to test");
    /// assert_eq!(error.hints(), ["write one first"]);
    /// ```
    #[must_use]
    pub fn with_hint(mut self, advice: impl Into<String>) -> Self {
        if let Error::Config { hint, .. } | Error::Refused { hint, .. } = &mut self {
            *hint = Some(advice.into());
        }
        self
    }

    /// What the user can do about this error, one sentence per hint, most useful first; empty
    /// when there is nothing more to say than the message.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Config { hint, .. } | Error::Refused { hint, .. } => {
                hint.iter().cloned().collect()
            }
            Error::Graph(graph) => graph.hint().into_iter().collect(),
            // Statements that committed on their own cannot be rolled back by aludel: only the
            // user knows whether to undo or finish them.
            Error::StatementFailed {
                rolled_back: false, ..
            } => vec![
                "undo or complete those statements by hand, then run the command again".to_string(),
            ],
            Error::Connect {
                message,
                address: Some(address),
                ..
            } => {
                let message = message.to_lowercase();
                if message.contains("refused") {
                    vec![format!(
                        "is the server running at {address}? start it, or correct the host and port in the URL"
                    )]
                } else if message.contains("lookup") || message.contains("resolve") {
                    vec![format!("check the host name in the URL ({address})")]
                } else if message.contains("no answer within") {
                    vec![format!(
                        "nothing answered at {address}: check the host, port and firewall, or raise connect_timeout in aludel.toml"
                    )]
                } else {
                    Vec::new()
                }
            }
            Error::Busy { .. } => vec![
                "another program is writing to the database; retry once it is done, or raise lock_timeout in aludel.toml".to_string(),
            ],
            Error::VersionTableChanged { rolled_back, .. } => {
                let mut hints = vec![
                    "another run may have applied it: see `aludel current` and `aludel history` before running again".to_string(),
                ];
                if !rolled_back {
                    hints.push("this migration ran outside a transaction, so its statements stay applied: check whether they ran twice".to_string());
                }
                hints
            }
            Error::LockLost { .. } => vec![
                "keep the lock's session alive (idle_session_timeout, wait_timeout, poolers, failovers), then run the command again to apply the rest".to_string(),
            ],
            _ => Vec::new(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// `path:line`, or the path alone for line 0 (the whole file).
fn at(path: &std::path::Path, line: usize) -> String {
    match line {
        0 => path.display().to_string(),
        line => format!("{}:{line}", path.display()),
    }
}

/// How many characters of a message echoing the user's text an error shows.
pub(crate) const MESSAGE_LIMIT: usize = 200;

/// Each line of `text` cut to at most `max` characters, ending in `…` when cut: an error
/// echoing a line of a file or an argument must stay readable however long that line is.
pub(crate) fn clip(text: &str, max: usize) -> String {
    text.split('\n')
        .map(|line| match line.char_indices().nth(max) {
            Some((end, _)) => format!("{}…", &line[..end]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_clipped() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("ééééé", 3), "ééé…");
        assert_eq!(clip("abcd\nab\nabcdef", 3), "abc…\nab\nabc…");
        let config = Error::config(format!("aludel.toml: bad line\n{}\n^", "k".repeat(100_000)));
        assert!(config.to_string().len() < 300);
        let error = Error::Script {
            path: "v/a.sql".into(),
            line: 3,
            message: format!("unknown header key '{}'", "k".repeat(1_000_000)),
        };
        let shown = error.to_string();
        assert!(shown.len() < 300, "{} bytes", shown.len());
        assert!(
            shown.starts_with("v/a.sql:3: unknown header key 'kkk"),
            "{shown}"
        );
        assert!(shown.ends_with('…'), "{shown}");
    }
}
