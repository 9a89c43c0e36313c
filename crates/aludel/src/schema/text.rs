//! A small scanner for the SQL text catalogs hand back (SQLite's stored `CREATE` statements,
//! MySQL's `SHOW CREATE TABLE`): enough to find parenthesised groups, top-level commas and
//! keywords while skipping quotes and comments.

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
    /// Any other character.
    Other,
}

/// Splits `sql` into tokens, dropping whitespace and comments.
pub(crate) fn tokens(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                continue;
            }
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i += 1;
                loop {
                    if i >= bytes.len() {
                        break;
                    }
                    if bytes[i] == close {
                        if close != b']' && bytes.get(i + 1) == Some(&close) {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    if bytes[i] == b'\\' && c == b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                i = i.min(bytes.len());
                if c == b'\'' { Kind::Str } else { Kind::Ident }
            }
            b'(' => {
                i += 1;
                Kind::Open
            }
            b')' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                i += 1;
                while i < bytes.len() && !sql.is_char_boundary(i) {
                    i += 1;
                }
                Kind::Other
            }
        };
        out.push(Token {
            kind,
            start,
            end: i,
        });
    }
    out
}

/// Whether `token` is the keyword `word` (case-insensitive).
pub(crate) fn is_word(sql: &str, token: &Token, word: &str) -> bool {
    token.kind == Kind::Word && sql[token.start..token.end].eq_ignore_ascii_case(word)
}

/// The index of the token closing the group opened at `open`.
pub(crate) fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `sql` at commas outside parentheses and quotes; each piece is trimmed.
pub(crate) fn split_top_level(sql: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    for t in tokens(sql) {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Comma if depth == 0 => {
                pieces.push(sql[from..t.start].trim().to_string());
                from = t.end;
            }
            _ => {}
        }
    }
    let last = sql[from..].trim();
    if !last.is_empty() || !pieces.is_empty() {
        pieces.push(last.to_string());
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
        if text == ":"
            && toks
                .get(i + 1)
                .is_some_and(|n| &expr[n.start..n.end] == ":")
        {
            i += 2;
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
                // `(n)` of `character varying(n)` and `[]` of an array type.
                if toks.get(i).is_some_and(|n| n.kind == Kind::Open)
                    && toks.get(i + 1).is_some_and(|n| n.kind == Kind::Word)
                    && toks.get(i + 2).is_some_and(|n| n.kind == Kind::Close)
                {
                    i += 3;
                }
                while toks
                    .get(i)
                    .is_some_and(|n| matches!(&expr[n.start..n.end], "[" | "]"))
                {
                    i += 1;
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
