//! The SQL text catalogs hand back (SQLite's stored `CREATE` statements, PostgreSQL's
//! `pg_get_indexdef` and CHECK expressions, MySQL's CHECK clauses), read with the shared
//! scanner ([`crate::scan`]): enough to find parenthesised groups, top-level commas and
//! keywords while skipping quotes and comments.
//!
//! The text may come from any of the three databases, so it is read in one permissive
//! tokenizer dialect ([`CatalogText`]) that accepts every identifier quote (`"x"`, `` `x` ``,
//! `[x]`) and backslash escapes in strings. A token this module does not know is
//! [`Kind::Other`]; text the tokenizer rejects (an unterminated quote) becomes one last
//! [`Kind::Str`] to the end rather than an error.

use sqlparser::dialect::Dialect;
use sqlparser::tokenizer::Token as SqlToken;

use crate::scan::{self, Nesting};

/// One lexical piece of SQL text, with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// What kind of piece this is.
    pub kind: Kind,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset past the last character.
    pub end: usize,
}

/// Kinds of tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word or number.
    Word,
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`).
    Ident,
    /// A string literal.
    Str,
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// `,`.
    Comma,
    /// Any other token: an operator (`>=`, `::`), a bracket, a placeholder.
    Other,
}

/// The tokenizer dialect for catalog text: every identifier quote of the three databases,
/// backslash escapes in strings, and `$` inside words.
#[derive(Debug)]
struct CatalogText;

impl Dialect for CatalogText {
    fn is_identifier_start(&self, ch: char) -> bool {
        ch.is_ascii_alphabetic() || ch == '_' || ch >= '\u{80}'
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        self.is_identifier_start(ch) || ch.is_ascii_digit() || ch == '$'
    }
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        matches!(ch, '"' | '`' | '[')
    }
    fn supports_string_literal_backslash_escape(&self) -> bool {
        true
    }
}

/// Splits `sql` into tokens, dropping whitespace and comments.
pub(crate) fn tokens(sql: &str) -> Vec<Token> {
    let scanned = scan::scan_prefix(sql, &CatalogText);
    let mut bytes = scan::Bytes::new(sql);
    let mut out = Vec::new();
    for t in scanned.iter().filter(|t| scan::is_significant(&t.token)) {
        let start = bytes.at(t.span.start);
        out.push(Token {
            kind: kind_of(&t.token),
            start,
            end: bytes.at(t.span.end).max(start),
        });
    }
    // What the tokenizer rejected (an unterminated quote) is kept as one string to the end,
    // so two texts that differ there still compare different.
    let read = scanned.last().map_or(0, |t| bytes.at(t.span.end));
    let rest = &sql[read..];
    if !rest.trim().is_empty() {
        let start = read + (rest.len() - rest.trim_start().len());
        out.push(Token {
            kind: Kind::Str,
            start,
            end: sql.len(),
        });
    }
    out
}

/// The kind of a scanned token: numbers count as words, every string literal as a string.
fn kind_of(token: &SqlToken) -> Kind {
    match token {
        SqlToken::Word(word) if word.quote_style.is_some() => Kind::Ident,
        SqlToken::Word(_) | SqlToken::Number(..) => Kind::Word,
        SqlToken::SingleQuotedString(_)
        | SqlToken::DoubleQuotedString(_)
        | SqlToken::DollarQuotedString(_)
        | SqlToken::NationalStringLiteral(_)
        | SqlToken::EscapedStringLiteral(_)
        | SqlToken::UnicodeStringLiteral(_)
        | SqlToken::HexStringLiteral(_)
        | SqlToken::SingleQuotedByteStringLiteral(_)
        | SqlToken::DoubleQuotedByteStringLiteral(_) => Kind::Str,
        SqlToken::LParen => Kind::Open,
        SqlToken::RParen => Kind::Close,
        SqlToken::Comma => Kind::Comma,
        _ => Kind::Other,
    }
}

impl Nesting for Token {
    fn opens(&self) -> bool {
        self.kind == Kind::Open
    }
    fn closes(&self) -> bool {
        self.kind == Kind::Close
    }
    fn separates(&self) -> bool {
        self.kind == Kind::Comma
    }
}

/// Whether `token` is the keyword `word` (case-insensitive).
pub(crate) fn is_word(sql: &str, token: &Token, word: &str) -> bool {
    token.kind == Kind::Word && sql[token.start..token.end].eq_ignore_ascii_case(word)
}

/// The index of the token closing the group opened at `open`.
pub(crate) fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    scan::matching_close(tokens, open)
}

/// Whether `word` occurs in `sql` at all, in any case. Catalogs hand back thousands of
/// statements; most lack the clause a caller looks for, and this answers for them without
/// tokenizing (a `true` still needs the tokens: the word may be inside a string or a name).
pub(crate) fn may_contain_word(sql: &str, word: &str) -> bool {
    let word = word.as_bytes();
    sql.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Splits `sql` at commas outside parentheses and quotes; each piece is trimmed.
pub(crate) fn split_top_level(sql: &str) -> Vec<String> {
    let toks = tokens(sql);
    let mut pieces = Vec::new();
    // The byte where the current piece starts, and the index of its first token.
    let (mut from, mut first) = (0, 0);
    for piece in scan::split_top_level(&toks) {
        // The comma after the piece, absent after the last one.
        let comma = toks.get(first + piece.len());
        let to = comma.map_or(sql.len(), |t| t.start);
        pieces.push(sql[from..to].trim().to_string());
        from = comma.map_or(sql.len(), |t| t.end);
        first += piece.len() + 1;
    }
    // Blank text has no pieces, not one empty piece.
    if pieces.len() == 1 && pieces[0].is_empty() {
        pieces.clear();
    }
    pieces
}

/// `text` without parentheses that enclose all of it (`((a > 0))` → `a > 0`).
pub(crate) fn strip_outer_parens(text: &str) -> &str {
    let mut text = text.trim();
    loop {
        let toks = tokens(text);
        let wraps = toks.first().is_some_and(|t| t.kind == Kind::Open)
            && matching_close(&toks, 0) == Some(toks.len() - 1);
        if !wraps {
            return text;
        }
        text = text[1..text.len() - 1].trim();
    }
}

/// An expression in a form for comparing: without parentheses, casts (`::type`), case of bare
/// words or spacing. PostgreSQL prints a CHECK it was given differently from the one it prints
/// back when the printed text is fed to it again (casts and parentheses are added); two
/// expressions that differ only so are the same constraint.
pub(crate) fn canonical(expr: &str) -> String {
    const TYPE_WORDS: [&str; 6] = ["varying", "precision", "with", "without", "time", "zone"];
    // Brackets here are array subscripts and constructors, not SQLite's quoted identifiers.
    let expr = &expr.replace('[', " ( ").replace(']', " ) ");
    let toks = tokens(expr);
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let text = &expr[t.start..t.end];
        if text == "::" {
            i += 1;
            if toks
                .get(i)
                .is_some_and(|n| n.kind == Kind::Word || n.kind == Kind::Ident)
            {
                i += 1;
                while toks
                    .get(i)
                    .is_some_and(|n| TYPE_WORDS.iter().any(|w| is_word(expr, n, w)))
                {
                    i += 1;
                }
                // `(n)` of `character varying(n)`; an array type's `[]` was turned into `()`
                // above and is dropped with the other parentheses.
                if toks.get(i).is_some_and(|n| n.kind == Kind::Open)
                    && toks.get(i + 1).is_some_and(|n| n.kind == Kind::Word)
                    && toks.get(i + 2).is_some_and(|n| n.kind == Kind::Close)
                {
                    i += 3;
                }
            }
            continue;
        }
        match t.kind {
            Kind::Open | Kind::Close => {}
            Kind::Word => out.push(text.to_ascii_lowercase()),
            Kind::Ident if text.starts_with('"') || text.starts_with('`') => {
                out.push(unquote(text))
            }
            _ => out.push(text.to_string()),
        }
        i += 1;
    }
    out.join(" ")
}

/// An identifier as written in SQL text, unquoted.
pub(crate) fn unquote(ident: &str) -> String {
    let ident = ident.trim();
    let b = ident.as_bytes();
    if b.len() >= 2 {
        let (first, last) = (b[0], b[b.len() - 1]);
        if (first == b'"' && last == b'"') || (first == b'`' && last == b'`') {
            let q = first as char;
            return ident[1..ident.len() - 1].replace(&format!("{q}{q}"), &q.to_string());
        }
        if first == b'[' && last == b']' {
            return ident[1..ident.len() - 1].to_string();
        }
    }
    ident.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_that_is_absent_in_any_case_is_ruled_out_without_tokens() {
        assert!(may_contain_word(
            "id INTEGER PRIMARY KEY autoincrement",
            "AUTOINCREMENT"
        ));
        assert!(may_contain_word("CHECK (x > 0)", "check"));
        // Inside a string it is still a candidate: only the tokens can tell.
        assert!(may_contain_word("DEFAULT 'check'", "CHECK"));
        assert!(!may_contain_word("CREATE TABLE t (id INT)", "CHECK"));
        assert!(!may_contain_word("", "CHECK"));
    }

    #[test]
    fn splits_at_top_level_commas_only() {
        assert_eq!(
            split_top_level("a, f(b, c), 'x,y', \"q,r\""),
            vec!["a", "f(b, c)", "'x,y'", "\"q,r\""]
        );
    }

    #[test]
    fn strips_enclosing_parentheses_but_not_partial_ones() {
        assert_eq!(strip_outer_parens("((a > 0))"), "a > 0");
        assert_eq!(strip_outer_parens("(a) AND (b)"), "(a) AND (b)");
    }

    #[test]
    fn skips_comments_and_strings() {
        let sql = "x -- (\n /* ) */ 'a)b' (y)";
        let kinds: Vec<Kind> = tokens(sql).iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![Kind::Word, Kind::Str, Kind::Open, Kind::Word, Kind::Close]
        );
    }

    #[test]
    fn an_unterminated_quote_runs_to_the_end() {
        let sql = "a IN ('x', 'y";
        let last = tokens(sql).pop().unwrap();
        assert_eq!((last.kind, &sql[last.start..last.end]), (Kind::Str, "'y"));
        assert_ne!(
            canonical("a IN ('x\\', 'y')"),
            canonical("a IN ('x\\', 'z')")
        );
    }

    #[test]
    fn canonical_forms_ignore_casts_and_parentheses() {
        let given = "(status)::text = ANY ((ARRAY['new'::character varying, 'paid'::character varying])::text[])";
        let again = "(status)::text = ANY (ARRAY[('new'::character varying)::text, ('paid'::character varying)::text])";
        assert_eq!(canonical(given), canonical(again));
        assert_ne!(canonical("a > 0"), canonical("a > 1"));
        assert_eq!(canonical("`a` > 0"), canonical("a > 0"));
    }

    #[test]
    fn unquotes_each_style() {
        assert_eq!(unquote("\"a\"\"b\""), "a\"b");
        assert_eq!(unquote("`t`"), "t");
        assert_eq!(unquote("[t]"), "t");
        assert_eq!(unquote("plain"), "plain");
    }
}
