//! What a statement does, as far as the risk rules care: its [`Action`]s, read from the
//! scanner's tokens ([`crate::scan`]) without a full parse.
//!
//! Reading leading words instead of parsing means a statement sqlparser cannot parse (`DO $$`,
//! `RENAME INDEX`, vendor options) is still classified, and one this module does not recognise
//! yields no action and so no finding. Names are lower-cased unless quoted; a qualified name
//! (`schema.table`) is reduced to its last part.

use sqlparser::tokenizer::Token;

use crate::config::Backend;
use crate::scan::{self, is_keyword, matching_close, split_top_level};

pub(crate) use super::action::{Action, ColumnFacts, ConstraintKind};

/// A column type, with what narrowing checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnType {
    /// Upper-cased words joined by spaces, then the arguments: `VARCHAR(50)`.
    pub text: String,
    /// The words alone: `VARCHAR`, `CHARACTER VARYING`.
    pub base: String,
    /// The numeric arguments.
    pub args: Vec<u64>,
    /// The type as its source spelled it: a catalog's `character varying(50)`; the same as
    /// `text` when read from a statement.
    pub written: String,
}

impl ColumnType {
    /// Reads a type as a catalog spells it (`character varying(50)`, `int unsigned`). Text
    /// that does not start with a word is kept whole, as its own base.
    pub fn read(written: &str, backend: Backend) -> ColumnType {
        let toks = tokens(written, backend);
        column_type(&mut Cursor::new(&toks))
            .map(|ty| ColumnType {
                written: written.to_string(),
                ..ty
            })
            .unwrap_or_else(|| ColumnType {
                text: written.to_ascii_uppercase(),
                base: written.to_ascii_uppercase(),
                args: Vec::new(),
                written: written.to_string(),
            })
    }

    /// True when `self` (the new type) is known to hold less than `old`: a shorter
    /// `VARCHAR`/`CHAR` or a smaller integer.
    pub fn narrower_than(&self, old: &ColumnType) -> bool {
        if let (Some(new), Some(old)) = (self.char_length(), old.char_length()) {
            return new < old;
        }
        if let (Some(new), Some(old)) = (self.int_width(), old.int_width()) {
            return new < old;
        }
        false
    }

    /// True when `self` (the new type) is the same type as `old` with larger arguments, none
    /// smaller: `VARCHAR(50)` to `VARCHAR(100)`, `NUMERIC(10,2)` to `NUMERIC(12,2)`.
    pub fn wider_than(&self, old: &ColumnType) -> bool {
        self.base == old.base
            && self.args.len() == old.args.len()
            && self.args.iter().zip(&old.args).all(|(new, old)| new >= old)
            && self.args != old.args
    }

    fn char_length(&self) -> Option<u64> {
        let text = matches!(
            self.base.as_str(),
            "VARCHAR"
                | "CHARACTER VARYING"
                | "CHAR VARYING"
                | "NVARCHAR"
                | "VARCHAR2"
                | "CHAR"
                | "CHARACTER"
                | "NCHAR"
        );
        if text {
            self.args.first().copied()
        } else {
            None
        }
    }

    fn int_width(&self) -> Option<u8> {
        let base = self.base.strip_suffix(" UNSIGNED").unwrap_or(&self.base);
        Some(match base {
            "TINYINT" => 1,
            "SMALLINT" | "INT2" => 2,
            "MEDIUMINT" => 3,
            "INT" | "INTEGER" | "INT4" => 4,
            "BIGINT" | "INT8" => 8,
            _ => return None,
        })
    }
}

/// The significant tokens of `sql` in `backend`'s dialect; none when it does not tokenize.
pub(super) fn tokens(sql: &str, backend: Backend) -> Vec<Token> {
    let dialect = crate::script::sqlparser_dialect(backend);
    let Ok(scanned) = scan::scan(sql, dialect.as_ref()) else {
        return Vec::new();
    };
    scanned
        .into_iter()
        .map(|t| t.token)
        .filter(scan::is_significant)
        .collect()
}

/// A cursor over a statement's tokens.
pub(super) struct Cursor<'a> {
    toks: &'a [Token],
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(toks: &'a [Token]) -> Cursor<'a> {
        Cursor { toks, pos: 0 }
    }

    pub(super) fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos)
    }

    pub(super) fn is_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| is_keyword(t, kw))
    }

    pub(super) fn is_any(&self, kws: &[&str]) -> bool {
        kws.iter().any(|kw| self.is_kw(kw))
    }

    pub(super) fn eat(&mut self, kw: &str) -> bool {
        let found = self.is_kw(kw);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Eats all of `kws` in order, or nothing.
    pub(super) fn eat_all(&mut self, kws: &[&str]) -> bool {
        let start = self.pos;
        if kws.iter().all(|kw| self.eat(kw)) {
            return true;
        }
        self.pos = start;
        false
    }

    /// An identifier, possibly qualified (`schema.table`); returns its last part.
    pub(super) fn name(&mut self) -> Option<String> {
        let mut last = None;
        loop {
            match self.peek() {
                Some(Token::Word(word)) => {
                    last = Some(match word.quote_style {
                        Some(_) => word.value.clone(),
                        None => word.value.to_ascii_lowercase(),
                    });
                    self.pos += 1;
                }
                _ => return last,
            }
            if self.peek() != Some(&Token::Period) {
                return last;
            }
            self.pos += 1;
        }
    }

    pub(super) fn rest(&self) -> &'a [Token] {
        &self.toks[self.pos.min(self.toks.len())..]
    }

    /// Skips the parenthesised group at the cursor and returns what is inside it (to the end
    /// when it is not closed).
    pub(super) fn group(&mut self) -> &'a [Token] {
        let inner = parenthesised(self.rest()).unwrap_or_default();
        self.pos += inner.len() + 2;
        inner
    }
}

/// The tokens inside the parentheses that open at `toks[0]`.
pub(super) fn parenthesised(toks: &[Token]) -> Option<&[Token]> {
    if toks.first() != Some(&Token::LParen) {
        return None;
    }
    Some(&toks[1..matching_close(toks, 0).unwrap_or(toks.len())])
}

/// Words that end a column type in a column definition.
const TYPE_STOP: &[&str] = &[
    "NOT",
    "NULL",
    "DEFAULT",
    "PRIMARY",
    "REFERENCES",
    "UNIQUE",
    "CHECK",
    "CONSTRAINT",
    "COLLATE",
    "USING",
    "GENERATED",
    "AUTO_INCREMENT",
    "AUTOINCREMENT",
    "COMMENT",
    "AS",
    "FIRST",
    "AFTER",
    "CHARSET",
    "ON",
    "IDENTITY",
    "KEY",
    "STORED",
    "VIRTUAL",
    "CHARACTER",
];

/// A word as a type spells it: upper-cased unless quoted.
fn type_word(token: &Token) -> Option<String> {
    match token {
        Token::Word(word) if word.quote_style.is_some() => Some(word.value.clone()),
        Token::Word(word) => Some(word.value.to_ascii_uppercase()),
        Token::Number(n, _) => Some(n.clone()),
        Token::SingleQuotedString(s) => Some(format!("'{s}'")),
        _ => None,
    }
}

/// Reads a column type; the first word is always part of it.
pub(super) fn column_type(cursor: &mut Cursor<'_>) -> Option<ColumnType> {
    let mut words: Vec<String> = Vec::new();
    let mut args = Vec::new();
    let mut text = String::new();
    loop {
        match cursor.peek() {
            Some(Token::Word(_)) if words.is_empty() || !cursor.is_any(TYPE_STOP) => {
                let word = cursor.peek().and_then(type_word).unwrap_or_default();
                if !text.is_empty() {
                    text.push(' ');
                }
                text += &word;
                words.push(word);
                cursor.pos += 1;
            }
            Some(Token::LParen) if !words.is_empty() => {
                let parts: Vec<String> = split_top_level(cursor.group())
                    .into_iter()
                    .map(|part| {
                        part.iter()
                            .map(|t| type_word(t).unwrap_or_default())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                args.extend(parts.iter().filter_map(|p| p.parse::<u64>().ok()));
                text += &format!("({})", parts.join(","));
            }
            _ => break,
        }
    }
    (!words.is_empty()).then(|| ColumnType {
        written: text.clone(),
        text,
        base: words.join(" "),
        args,
    })
}

/// A column definition: its name, type and [`ColumnFacts`].
pub(super) fn column_def(toks: &[Token]) -> Option<(String, Option<ColumnType>, ColumnFacts)> {
    let mut cursor = Cursor::new(toks);
    let name = cursor.name()?;
    let ty = column_type(&mut cursor);
    let serial = ty
        .as_ref()
        .is_some_and(|t| matches!(t.base.as_str(), "SERIAL" | "BIGSERIAL" | "SMALLSERIAL"));
    let mut facts = ColumnFacts {
        has_default: serial,
        volatile_default: serial,
        ..ColumnFacts::default()
    };
    while let Some(tok) = cursor.peek() {
        if cursor.eat_all(&["NOT", "NULL"]) {
            facts.not_null = true;
            continue;
        }
        if cursor.eat_all(&["PRIMARY", "KEY"]) {
            facts.not_null = true;
            facts.primary_key = true;
            continue;
        }
        if cursor.eat("UNIQUE") {
            facts.unique = true;
            continue;
        }
        if cursor.eat("REFERENCES") {
            facts.references = true;
            continue;
        }
        if cursor.eat("DEFAULT") {
            facts.has_default = true;
            let start = cursor.pos;
            skip_expression(&mut cursor);
            let expr = &toks[start..cursor.pos];
            facts.volatile_default |= is_volatile(expr);
            facts.expression_default |= expr.first() == Some(&Token::LParen)
                || expr.iter().any(|t| {
                    ["CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"]
                        .iter()
                        .any(|kw| is_keyword(t, kw))
                });
            continue;
        }
        if cursor.is_any(&["AUTO_INCREMENT", "AUTOINCREMENT"]) {
            facts.auto_increment = true;
        }
        if cursor.is_any(&[
            "GENERATED",
            "AS",
            "AUTO_INCREMENT",
            "AUTOINCREMENT",
            "IDENTITY",
        ]) {
            facts.has_default = true;
        }
        if cursor.is_kw("STORED") {
            facts.stored_generated = true;
        }
        if *tok == Token::LParen {
            cursor.group();
        } else {
            cursor.pos += 1;
        }
    }
    Some((name, ty, facts))
}

/// Words that end a default expression in a column definition.
const DEFAULT_STOP: &[&str] = &[
    "NOT",
    "NULL",
    "PRIMARY",
    "UNIQUE",
    "REFERENCES",
    "CHECK",
    "CONSTRAINT",
    "COLLATE",
    "GENERATED",
    "COMMENT",
    "ON",
    "AUTO_INCREMENT",
    "FIRST",
    "AFTER",
];

/// Moves the cursor past a default expression.
fn skip_expression(cursor: &mut Cursor<'_>) {
    let mut first = true;
    while let Some(tok) = cursor.peek() {
        if !first && cursor.is_any(DEFAULT_STOP) {
            return;
        }
        first = false;
        if *tok == Token::LParen {
            cursor.group();
        } else {
            cursor.pos += 1;
        }
    }
}

/// Functions whose value does not change from row to row within a statement: a default
/// calling only these is filled in without rewriting the table.
const STABLE_FUNCTIONS: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "length",
    "concat",
    "to_char",
    "to_date",
    "to_timestamp",
    "make_date",
    "make_interval",
    "array",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "json_build_array",
    "current_user",
    "session_user",
    "current_setting",
];

/// Whether a default expression calls a function outside [`STABLE_FUNCTIONS`].
fn is_volatile(expr: &[Token]) -> bool {
    expr.windows(2).any(|pair| match pair {
        [Token::Word(word), Token::LParen] => {
            let name = word.value.to_ascii_lowercase();
            word.quote_style.is_none() && !STABLE_FUNCTIONS.contains(&name.as_str())
                || word.quote_style.is_some()
        }
        _ => false,
    })
}

/// What `sql` does, as a list of actions; empty for anything the rules do not cover.
pub(crate) fn classify(sql: &str, backend: Backend) -> Vec<Action> {
    let toks = tokens(sql, backend);
    let mut c = Cursor::new(&toks);
    if c.eat("CREATE") {
        c.eat_all(&["OR", "REPLACE"]);
        while c.eat("TEMP")
            || c.eat("TEMPORARY")
            || c.eat("UNLOGGED")
            || c.eat("GLOBAL")
            || c.eat("LOCAL")
        {}
        if c.eat("TABLE") {
            return create_table(c);
        }
        c.eat("UNIQUE");
        if c.eat("INDEX") {
            return create_index(c);
        }
        return super::statements::create_other(c);
    }
    if c.eat_all(&["DROP", "TABLE"]) {
        c.eat_all(&["IF", "EXISTS"]);
        return split_top_level(c.rest())
            .into_iter()
            .filter_map(|part| Cursor::new(part).name())
            .map(|table| Action::DropTable { table })
            .collect();
    }
    if c.eat_all(&["RENAME", "TABLE"]) {
        return split_top_level(c.rest())
            .into_iter()
            .filter_map(|part| {
                let mut c = Cursor::new(part);
                let from = c.name()?;
                c.eat("TO");
                let to = c.name()?;
                Some(Action::RenameTable { from, to })
            })
            .collect();
    }
    if c.eat_all(&["ALTER", "TABLE"]) {
        c.eat_all(&["IF", "EXISTS"]);
        c.eat("ONLY");
        let Some(table) = c.name() else {
            return Vec::new();
        };
        if c.peek().is_some_and(is_other) {
            // `ONLY t *`.
            c.pos += 1;
        }
        return split_top_level(c.rest())
            .into_iter()
            .flat_map(|part| super::alter::actions(&table, part).unwrap_or_default())
            .collect();
    }
    super::statements::other(c)
}

/// A token that is not a word, number, parenthesis, comma or period.
fn is_other(token: &Token) -> bool {
    !matches!(
        token,
        Token::Word(_)
            | Token::Number(..)
            | Token::LParen
            | Token::RParen
            | Token::Comma
            | Token::Period
    )
}

/// Words that start a table constraint rather than a column in `CREATE TABLE`.
const NOT_A_COLUMN_DEF: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "FOREIGN",
    "CHECK",
    "KEY",
    "INDEX",
    "FULLTEXT",
    "SPATIAL",
    "EXCLUDE",
    "LIKE",
];

fn create_table(mut c: Cursor<'_>) -> Vec<Action> {
    c.eat_all(&["IF", "NOT", "EXISTS"]);
    let Some(table) = c.name() else {
        return Vec::new();
    };
    let mut columns = Vec::new();
    let mut declared = Vec::new();
    for part in parenthesised(c.rest())
        .map(split_top_level)
        .unwrap_or_default()
    {
        let mut head = Cursor::new(part);
        if head.is_any(NOT_A_COLUMN_DEF) {
            if head.eat("CONSTRAINT")
                && let Some(name) = head.name()
            {
                declared.push(Action::Name { name });
            }
            continue;
        }
        let Some((name, ty, facts)) = column_def(part) else {
            continue;
        };
        declared.push(Action::Name { name: name.clone() });
        if let Some(ty) = ty {
            columns.push((name.clone(), ty.clone()));
            declared.push(Action::DeclareColumn {
                table: table.clone(),
                column: name,
                ty,
                facts,
            });
        }
    }
    let mut actions = vec![
        Action::Name {
            name: table.clone(),
        },
        Action::CreateTable { table, columns },
    ];
    actions.extend(declared);
    actions
}

fn create_index(mut c: Cursor<'_>) -> Vec<Action> {
    let mut concurrently = false;
    let mut index = String::new();
    while let Some(tok) = c.peek() {
        if c.eat("CONCURRENTLY") {
            concurrently = true;
            continue;
        }
        if c.eat_all(&["IF", "NOT", "EXISTS"]) {
            continue;
        }
        if is_keyword(tok, "ON") {
            c.pos += 1;
            c.eat("ONLY");
            let Some(table) = c.name() else {
                return Vec::new();
            };
            let mut actions = Vec::new();
            if !index.is_empty() {
                actions.push(Action::Name {
                    name: index.clone(),
                });
            }
            actions.push(Action::CreateIndex {
                table,
                index,
                concurrently,
            });
            return actions;
        }
        match c.name() {
            Some(name) => index = name,
            None => c.pos += 1,
        }
    }
    Vec::new()
}
