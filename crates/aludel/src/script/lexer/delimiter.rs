//! The mysql client's `DELIMITER` command, as every `mysqldump --routines` writes it: the text
//! is cut into segments at `DELIMITER` lines; segments ending statements with `;` go through
//! the statement lexer, the others are cut at each occurrence of their delimiter outside
//! quotes and comments, as the client does, each piece one statement sent as it is.

use super::{Statement, split_section};
use crate::config::Backend;
use crate::{Error, Result};
use std::path::PathBuf;

/// The new delimiter when `line` is a `DELIMITER` command (`Some(Err)` when it names none).
pub(super) fn command(line: &str) -> Option<Result<String>> {
    let words = line.trim_start();
    if words.len() < 9
        || !words.is_char_boundary(9)
        || !words[..9].eq_ignore_ascii_case("DELIMITER")
        || !words[9..].starts_with(|c: char| c.is_whitespace())
    {
        return None;
    }
    Some(match words[9..].split_whitespace().next() {
        Some(d) => Ok(d.to_string()),
        None => Err(Error::Script {
            path: PathBuf::new(),
            line: 0,
            message: "DELIMITER needs a delimiter (`DELIMITER ;;`)".into(),
        }),
    })
}

/// Splits `sql` (file line `first_line` first), which has `DELIMITER` lines.
pub(super) fn split(sql: &str, first_line: usize, backend: Backend) -> Result<Vec<Statement>> {
    let mut out = Vec::new();
    let mut delimiter = ";".to_string();
    let (mut start, mut start_line, mut offset) = (0, 0, 0);
    for (index, line) in sql.split_inclusive('\n').enumerate() {
        if let Some(new) = command(line) {
            let segment = &sql[start..offset];
            out.extend(segment_statements(
                segment,
                first_line + start_line,
                &delimiter,
                backend,
            )?);
            delimiter = new.map_err(|e| match e {
                Error::Script { path, message, .. } => Error::Script {
                    path,
                    line: first_line + index,
                    message,
                },
                other => other,
            })?;
            start = offset + line.len();
            start_line = index + 1;
        }
        offset += line.len();
    }
    let rest = segment_statements(&sql[start..], first_line + start_line, &delimiter, backend)?;
    out.extend(rest);
    Ok(out)
}

fn segment_statements(
    text: &str,
    first_line: usize,
    delimiter: &str,
    backend: Backend,
) -> Result<Vec<Statement>> {
    if delimiter == ";" {
        return split_section(text, first_line, backend);
    }
    Ok(cut(text, delimiter)
        .into_iter()
        .map(|(from, to)| Statement {
            sql: text[from..to].to_string(),
            line: first_line + text[..from].matches('\n').count(),
            batch: false,
        })
        .collect())
}

/// The byte ranges of the statements of `text`, each ended by `delimiter` (or the end of the
/// text) outside quotes and comments, from its first to its last significant character. A
/// MySQL executable comment (`/*!50003 ... */`) is significant; other comments are not.
fn cut(text: &str, delimiter: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut range: Option<(usize, usize)> = None;
    let mut i = 0;
    let mark = |range: &mut Option<(usize, usize)>, from: usize, to: usize| {
        *range = Some(range.map_or((from, to), |(f, _)| (f, to)));
    };
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with(delimiter) {
            out.extend(range.take());
            i += delimiter.len();
            continue;
        }
        let c = bytes[i];
        let dashes = rest.starts_with("--")
            && (rest.len() == 2 || rest[2..].starts_with(char::is_whitespace));
        let (end, comment) = match c {
            b'\'' | b'"' | b'`' => (quoted_end(bytes, i), false),
            b'#' => (line_end(bytes, i), true),
            b'-' if dashes => (line_end(bytes, i), true),
            b'/' if rest.starts_with("/*") => (
                rest[2..].find("*/").map_or(bytes.len(), |e| i + e + 4),
                !rest.starts_with("/*!"),
            ),
            _ => (i + 1, c.is_ascii_whitespace()),
        };
        if !comment {
            mark(&mut range, i, end);
        }
        i = end;
    }
    out.extend(range);
    out
}

/// The end of the quoted text starting at `start` (backslash escapes and doubled quotes
/// inside), or the end of the text.
fn quoted_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            q if q == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| start + p)
}
