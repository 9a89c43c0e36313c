//! Splits a section into statements with a real lexer.
//!
//! sqlparser's tokenizer, read through the scanner that lint and the schema text helpers share
//! ([`crate::scan`]) in the dialect of the target database, knows quotes, quoted
//! identifiers, `$$`/`$tag$` bodies, `E''` strings, backslash escapes and comments; on top of
//! its tokens this module cuts at each top-level `;`. A `;` does not end a statement inside
//! parentheses or inside a `BEGIN … END` block (trigger, procedure and event bodies, MariaDB's
//! `BEGIN NOT ATOMIC`, PostgreSQL's `BEGIN ATOMIC`); `CASE … END` and `END IF` / `END LOOP` /
//! `END CASE` inside such a block are tracked so they do not close it. A `BEGIN` that starts
//! a statement (`BEGIN;`, `BEGIN TRANSACTION`) is a transaction, not a block. MySQL's
//! executable comments (`/*!40101 SET NAMES utf8 */`) are statements, not comments.
//!
//! The mysql client's `DELIMITER` lines (every `mysqldump --routines`) are understood
//! (`delimiter`): between `DELIMITER //` and `DELIMITER ;` statements end at `//`.
//!
//! Statements keep their text exactly as written (sliced from the source, never re-rendered
//! from tokens), so what runs is what the file says. The lexer does not parse statements:
//! anything the tokenizer accepts is passed through.

use std::path::PathBuf;

use sqlparser::dialect::Dialect;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Whitespace};

use crate::config::Backend;
use crate::scan::{Bytes, next_word, scan};
use crate::{Error, Result};

/// The comment that marks the next statement as a batched data migration.
pub const BATCH_MARKER: &str = "migrate:batch";

/// One statement of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's text, without the terminating `;`.
    pub sql: String,
    /// The 1-based file line where it starts.
    pub line: usize,
    /// Marked `-- migrate:batch`: re-run, each run in its own transaction, until it changes no
    /// row.
    pub batch: bool,
}

/// The sqlparser dialect whose tokenizer reads `backend`'s SQL (quotes, `$$` strings,
/// backslash escapes).
pub(crate) fn sqlparser_dialect(backend: Backend) -> Box<dyn Dialect> {
    crate::dialect::dialect_for(backend).sqlparser_dialect()
}

/// Splits `sql`, whose first line is file line `first_line`, into statements for `backend`.
///
/// A lexing error (an unterminated quote or comment) is an [`Error::Script`] with the file
/// line and an empty path, which the caller fills in (see
/// [`Section::statements`](super::Section::statements)).
///
/// ```
/// use aludel::config::Backend;
/// use aludel::script::split_statements;
///
/// let statements = split_statements("CREATE TABLE t (x TEXT);\nINSERT INTO t VALUES ('a;b');", 10, Backend::Sqlite).unwrap();
/// assert_eq!(statements.len(), 2);
/// assert_eq!(statements[1].sql, "INSERT INTO t VALUES ('a;b')");
/// assert_eq!(statements[1].line, 11);
/// ```
pub fn split_statements(sql: &str, first_line: usize, backend: Backend) -> Result<Vec<Statement>> {
    if sql.lines().any(|line| delimiter::command(line).is_some()) {
        return delimiter::split(sql, first_line, backend);
    }
    split_section(sql, first_line, backend)
}

/// [`split_statements`] for text whose statements all end with `;`.
fn split_section(sql: &str, first_line: usize, backend: Backend) -> Result<Vec<Statement>> {
    let dialect = sqlparser_dialect(backend);
    // MySQL's executable comments (`/*!40101 ... */`) are statements; the tokenizer would
    // re-tokenize their inside with locations that do not match the text, so it reads a copy
    // with them marked as plain comments of the same length, and the text is cut from `sql`.
    let marked = if dialect.supports_multiline_comment_hints() {
        sql.replace("/*!", EXECUTABLE)
    } else {
        sql.to_string()
    };
    let tokens = scan(&marked, dialect.as_ref()).map_err(|e| Error::Script {
        path: PathBuf::new(),
        line: first_line + (e.location.line.max(1) as usize) - 1,
        message: format!("cannot split statements: {}", e.message),
    })?;
    let mut splitter = Splitter::default();
    let mut statements: Vec<Range> = (0..tokens.len())
        .filter_map(|index| splitter.feed(&tokens, index))
        .collect();
    statements.extend(splitter.finish());
    if let Some(range) = statements
        .iter()
        .find(|r| r.first_word.as_deref() == Some("DELIMITER"))
    {
        return Err(delimiter_error(first_line + range.start.line as usize - 1));
    }
    // Statements come in source order, so their offsets are asked for in order too.
    let mut bytes = Bytes::new(sql);
    Ok(statements
        .into_iter()
        .map(|range| Statement {
            sql: sql[bytes.at(range.start)..bytes.at(range.end)].to_string(),
            line: first_line + range.start.line as usize - 1,
            batch: range.batch,
        })
        .collect())
}

/// `/*!` in the copy of the text the tokenizer reads: a plain comment, of the same length.
const EXECUTABLE: &str = "/*\x01";

/// The source range of one statement, from its first to its last significant token.
struct Range {
    start: Location,
    end: Location,
    batch: bool,
    first_word: Option<String>,
}

/// The error for a `DELIMITER` command that does not start its line, which the mysql client
/// would not take as a command either.
fn delimiter_error(line: usize) -> Error {
    Error::Script {
        path: PathBuf::new(),
        line,
        message: "DELIMITER is a command of the mysql client and must start its own line (`DELIMITER ;;` ... `DELIMITER ;`)".into(),
    }
}

/// An open construct whose `END` is still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// `BEGIN … END`: a `;` inside does not end the statement.
    Block,
    /// `CASE … END` or `CASE … END CASE`.
    Case,
}

/// The state of the statement being read.
#[derive(Default)]
struct Splitter {
    /// The first and last significant tokens of the current statement.
    start: Option<Location>,
    end: Option<Location>,
    /// A `-- migrate:batch` comment was seen since the last statement ended.
    batch: bool,
    /// Significant tokens so far in the current statement.
    count: usize,
    /// The current statement's first word, upper-cased.
    first_word: Option<String>,
    /// The statement declares a routine or trigger, whose body may be a `BEGIN … END` block.
    routine: bool,
    frames: Vec<Frame>,
    parens: usize,
    /// The previous significant token was `END` (so `CASE`, `IF` … after it are closers).
    after_end: bool,
}

impl Splitter {
    /// Takes token `index`; returns a statement when this token ends one.
    fn feed(&mut self, tokens: &[TokenWithSpan], index: usize) -> Option<Range> {
        let token = &tokens[index];
        match &token.token {
            Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                if self.start.is_none() && comment.trim() == BATCH_MARKER {
                    self.batch = true;
                }
                None
            }
            Token::Whitespace(Whitespace::MultiLineComment(c)) if c.starts_with('\x01') => {
                if self.start.is_none() {
                    self.start = Some(token.span.start);
                }
                self.end = Some(token.span.end);
                self.count += 1;
                None
            }
            Token::Whitespace(_) | Token::EOF => None,
            Token::SemiColon if self.parens == 0 && !self.frames.contains(&Frame::Block) => {
                self.take()
            }
            other => {
                if self.start.is_none() {
                    self.start = Some(token.span.start);
                }
                self.end = Some(token.span.end);
                self.track(other, tokens, index);
                self.count += 1;
                None
            }
        }
    }

    /// Updates the block, case and parenthesis depths for a significant token.
    fn track(&mut self, token: &Token, tokens: &[TokenWithSpan], index: usize) {
        let after_end = std::mem::take(&mut self.after_end);
        match token {
            Token::LParen => self.parens += 1,
            Token::RParen => self.parens = self.parens.saturating_sub(1),
            Token::Word(word) if word.quote_style.is_none() => {
                let upper = word.value.to_ascii_uppercase();
                if self.count == 0 {
                    self.first_word = Some(upper.clone());
                }
                if after_end {
                    // `END CASE` closes a CASE statement; `END IF`, `END LOOP` … close
                    // constructs that opened no frame; `END label` closed its block already.
                    if upper == "CASE" && self.frames.last() == Some(&Frame::Case) {
                        self.frames.pop();
                    }
                    return;
                }
                match upper.as_str() {
                    "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT" => self.routine = true,
                    "BEGIN" => {
                        let opens = if self.count == 0 {
                            // MariaDB's anonymous block `BEGIN NOT ATOMIC … END`.
                            next_word(tokens, index).is_some_and(|w| w.eq_ignore_ascii_case("NOT"))
                        } else {
                            self.parens == 0
                                && (self.routine || self.frames.contains(&Frame::Block))
                        };
                        if opens {
                            self.frames.push(Frame::Block);
                        }
                    }
                    "CASE" => self.frames.push(Frame::Case),
                    "END" if !self.frames.is_empty() => {
                        let closes_other = next_word(tokens, index).is_some_and(|w| {
                            matches!(
                                w.to_ascii_uppercase().as_str(),
                                "IF" | "LOOP" | "WHILE" | "REPEAT" | "FOR" | "CASE"
                            )
                        });
                        if !closes_other {
                            self.frames.pop();
                        }
                        self.after_end = true;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// Ends the current statement at a `;`.
    fn take(&mut self) -> Option<Range> {
        let range = match (self.start, self.end) {
            (Some(start), Some(end)) => Some(Range {
                start,
                end,
                batch: self.batch,
                first_word: self.first_word.take(),
            }),
            // Only comments before this `;`: nothing to run, but a batch marker stays pending.
            _ => return None,
        };
        *self = Splitter::default();
        range
    }

    /// The statement left at the end of the text, which needs no `;`.
    fn finish(mut self) -> Option<Range> {
        self.take()
    }
}

mod delimiter;
#[cfg(test)]
mod tests;
