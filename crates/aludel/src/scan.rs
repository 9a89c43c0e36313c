//! The one SQL scanner: sqlparser's tokenizer, byte offsets for its locations, and the
//! nesting helpers (matching parentheses, top-level commas) its users share.
//!
//! Three parts of aludel read SQL without parsing it: the statement lexer
//! ([`crate::script::split_statements`]) cuts sections at top-level `;`, [`crate::lint`]
//! classifies statements by their leading words, and the schema text helpers pick apart the
//! `CREATE` statements and expressions catalogs hand back. All three scan with this module, so
//! quotes, `$$` bodies, quoted identifiers and comments are read the same way everywhere; each
//! picks the sqlparser dialect that matches the text it reads.
//!
//! sqlparser reports positions as (line, column) counted in characters; [`Bytes`] turns them
//! into byte offsets in one forward walk, so callers can slice the source and keep statements
//! exactly as written.

use sqlparser::dialect::Dialect;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, TokenizerError, Word};

/// Every token of `sql` read in `dialect`, whitespace and comments included, with strings kept
/// as written (no unescaping); or the tokenizer's error (an unterminated quote or comment)
/// with its location.
pub(crate) fn scan(sql: &str, dialect: &dyn Dialect) -> Result<Vec<TokenWithSpan>, TokenizerError> {
    let mut tokens = Vec::new();
    Tokenizer::new(dialect, sql)
        .with_unescape(false)
        .tokenize_with_location_into_buf(&mut tokens)?;
    Ok(tokens)
}

/// The tokens of `sql` up to the first thing the tokenizer rejects. Catalog text is
/// well-formed, but a helper that reads it should degrade rather than fail on a surprise.
pub(crate) fn scan_prefix(sql: &str, dialect: &dyn Dialect) -> Vec<TokenWithSpan> {
    let mut tokens = Vec::new();
    // On an error the buffer keeps every token read before it, which is what we want.
    let _ = Tokenizer::new(dialect, sql)
        .with_unescape(false)
        .tokenize_with_location_into_buf(&mut tokens);
    tokens
}

/// Whether a token means something to SQL: not whitespace, not a comment.
pub(crate) fn is_significant(token: &Token) -> bool {
    !matches!(token, Token::Whitespace(_) | Token::EOF)
}

/// Maps the tokenizer's (line, column) locations, counted in characters, to byte offsets in
/// the text it read.
///
/// Callers ask in source order, so it walks forward only: linear in the text even when a
/// statement is one very long line. Only the offsets a caller needs are computed (the lexer
/// asks for two per statement), which keeps the scanner as fast as the bare tokenizer.
pub(crate) struct Bytes<'a> {
    text: &'a str,
    byte: usize,
    line: u64,
    column: u64,
}

impl<'a> Bytes<'a> {
    /// A mapper for `text`, the text the locations come from.
    pub(crate) fn new(text: &'a str) -> Bytes<'a> {
        Bytes {
            text,
            byte: 0,
            line: 1,
            column: 1,
        }
    }

    /// The byte offset of `to`.
    pub(crate) fn at(&mut self, to: Location) -> usize {
        if (to.line, to.column) < (self.line, self.column) {
            // Asked out of order: start again rather than return a wrong offset.
            *self = Bytes::new(self.text);
        }
        let bytes = self.text.as_bytes();
        while self.line < to.line {
            let Some(newline) = bytes[self.byte..].iter().position(|&b| b == b'\n') else {
                self.byte = bytes.len();
                return self.byte;
            };
            self.byte += newline + 1;
            self.line += 1;
            self.column = 1;
        }
        // On the target line now: step over `chars` characters, all at once when they are
        // ASCII (one byte each), which SQL mostly is.
        let chars = (to.column - self.column) as usize;
        let ascii_end = self.byte + chars;
        if ascii_end <= bytes.len() && bytes[self.byte..ascii_end].is_ascii() {
            self.byte = ascii_end;
        } else {
            for c in self.text[self.byte..].chars().take(chars) {
                self.byte += c.len_utf8();
            }
        }
        self.column = to.column;
        self.byte
    }
}

/// Whether `token` is the unquoted word `keyword` (case-insensitive).
pub(crate) fn is_keyword(token: &Token, keyword: &str) -> bool {
    matches!(token, Token::Word(Word { value, quote_style: None, .. }) if value.eq_ignore_ascii_case(keyword))
}

/// The value of the next significant token after `index`, when that token is an unquoted word.
pub(crate) fn next_word(tokens: &[TokenWithSpan], index: usize) -> Option<&str> {
    tokens[index + 1..]
        .iter()
        .find(|t| is_significant(&t.token))
        .and_then(|t| match &t.token {
            Token::Word(Word {
                value,
                quote_style: None,
                ..
            }) => Some(value.as_str()),
            _ => None,
        })
}

/// What parenthesis matching and top-level splitting need to know of a token.
pub(crate) trait Nesting {
    /// `(`.
    fn opens(&self) -> bool;
    /// `)`.
    fn closes(&self) -> bool;
    /// `,`.
    fn separates(&self) -> bool;
}

impl Nesting for Token {
    fn opens(&self) -> bool {
        *self == Token::LParen
    }
    fn closes(&self) -> bool {
        *self == Token::RParen
    }
    fn separates(&self) -> bool {
        *self == Token::Comma
    }
}

/// The index of the token that closes the parenthesis opened at `open`, if it is closed.
pub(crate) fn matching_close<T: Nesting>(tokens: &[T], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if token.opens() {
            depth += 1;
        } else if token.closes() {
            // A stray `)` before any `(` closes nothing.
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// `tokens` cut at commas outside parentheses; always at least one (possibly empty) piece.
pub(crate) fn split_top_level<T: Nesting>(tokens: &[T]) -> Vec<&[T]> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.opens() {
            depth += 1;
        } else if token.closes() {
            depth = depth.saturating_sub(1);
        } else if token.separates() && depth == 0 {
            pieces.push(&tokens[from..i]);
            from = i + 1;
        }
    }
    pieces.push(&tokens[from..]);
    pieces
}

#[cfg(test)]
mod tests {
    use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};

    use super::*;

    #[test]
    fn byte_offsets_follow_multibyte_text_and_lines() {
        let sql = "SELECT 'é€';\n  x";
        let tokens = scan(sql, &SQLiteDialect {}).unwrap();
        let mut bytes = Bytes::new(sql);
        let texts: Vec<&str> = tokens
            .iter()
            .filter(|t| is_significant(&t.token))
            .map(|t| {
                let start = bytes.at(t.span.start);
                &sql[start..bytes.at(t.span.end)]
            })
            .collect();
        assert_eq!(texts, ["SELECT", "'é€'", ";", "x"]);
        assert_eq!(tokens.last().unwrap().span.start.line, 2);
    }

    #[test]
    fn prefix_scan_stops_at_the_error() {
        let tokens = scan_prefix("a 'open", &PostgreSqlDialect {});
        assert!(is_keyword(&tokens[0].token, "A"));
        assert!(scan("a 'open", &PostgreSqlDialect {}).is_err());
    }

    #[test]
    fn groups_and_top_level_pieces() {
        let tokens: Vec<Token> = scan("(a, f(b, c)), d", &PostgreSqlDialect {})
            .unwrap()
            .into_iter()
            .filter(|t| is_significant(&t.token))
            .map(|t| t.token)
            .collect();
        assert_eq!(matching_close(&tokens, 0), Some(9));
        assert_eq!(matching_close(&tokens, 3), Some(8));
        assert_eq!(split_top_level(&tokens).len(), 2);
        assert_eq!(split_top_level(&tokens[1..9]).len(), 2);
    }
}
