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

/// One thing a statement (or a generated change) does that a rule may look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// `CREATE TABLE`, with the column types it states.
    CreateTable {
        table: String,
        columns: Vec<(String, ColumnType)>,
    },
    /// `DROP TABLE`.
    DropTable { table: String },
    /// `ALTER TABLE … DROP [COLUMN]`.
    DropColumn { table: String, column: String },
    /// `ALTER TABLE … ADD [COLUMN]`.
    AddColumn {
        table: String,
        column: String,
        ty: Option<ColumnType>,
        not_null_without_default: bool,
    },
    /// A column type change. `from` is the old type when the source states it (a generated
    /// change does); otherwise the rules look it up in what earlier statements created.
    ChangeType {
        table: String,
        column: String,
        from: Option<ColumnType>,
        ty: ColumnType,
    },
    /// A column rename.
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    /// A table rename.
    RenameTable { from: String, to: String },
    /// `CREATE [UNIQUE] INDEX`; `index` is empty when the statement names none.
    CreateIndex {
        table: String,
        index: String,
        concurrently: bool,
    },
}

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
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(toks: &'a [Token]) -> Cursor<'a> {
        Cursor { toks, pos: 0 }
    }

    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos)
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| is_keyword(t, kw))
    }

    fn is_any(&self, kws: &[&str]) -> bool {
        kws.iter().any(|kw| self.is_kw(kw))
    }

    fn eat(&mut self, kw: &str) -> bool {
        let found = self.is_kw(kw);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Eats all of `kws` in order, or nothing.
    fn eat_all(&mut self, kws: &[&str]) -> bool {
        let start = self.pos;
        if kws.iter().all(|kw| self.eat(kw)) {
            return true;
        }
        self.pos = start;
        false
    }

    /// An identifier, possibly qualified (`schema.table`); returns its last part.
    fn name(&mut self) -> Option<String> {
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

    fn rest(&self) -> &'a [Token] {
        &self.toks[self.pos.min(self.toks.len())..]
    }

    /// Skips the parenthesised group at the cursor and returns what is inside it (to the end
    /// when it is not closed).
    fn group(&mut self) -> &'a [Token] {
        let inner = parenthesised(self.rest()).unwrap_or_default();
        self.pos += inner.len() + 2;
        inner
    }
}

/// The tokens inside the parentheses that open at `toks[0]`.
fn parenthesised(toks: &[Token]) -> Option<&[Token]> {
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

/// A column definition: name, type, and whether it is NOT NULL without a default.
fn column_def(toks: &[Token]) -> Option<(String, Option<ColumnType>, bool)> {
    let mut cursor = Cursor::new(toks);
    let name = cursor.name()?;
    let ty = column_type(&mut cursor);
    let mut not_null = false;
    let mut has_default = ty
        .as_ref()
        .is_some_and(|t| matches!(t.base.as_str(), "SERIAL" | "BIGSERIAL" | "SMALLSERIAL"));
    while let Some(tok) = cursor.peek() {
        if cursor.eat_all(&["NOT", "NULL"]) || cursor.eat_all(&["PRIMARY", "KEY"]) {
            not_null = true;
            continue;
        }
        if cursor.is_any(&[
            "DEFAULT",
            "GENERATED",
            "AS",
            "AUTO_INCREMENT",
            "AUTOINCREMENT",
            "IDENTITY",
        ]) {
            has_default = true;
        }
        if *tok == Token::LParen {
            cursor.group();
        } else {
            cursor.pos += 1;
        }
    }
    Some((name, ty, not_null && !has_default))
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
        return Vec::new();
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
            .flat_map(|part| alter_actions(&table, part).unwrap_or_default())
            .collect();
    }
    Vec::new()
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

fn create_table(mut c: Cursor<'_>) -> Vec<Action> {
    c.eat_all(&["IF", "NOT", "EXISTS"]);
    let Some(table) = c.name() else {
        return Vec::new();
    };
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
    let columns = parenthesised(c.rest())
        .map(|body| {
            split_top_level(body)
                .into_iter()
                .filter(|part| !Cursor::new(part).is_any(NOT_A_COLUMN_DEF))
                .filter_map(column_def)
                .filter_map(|(name, ty, _)| Some((name, ty?)))
                .collect()
        })
        .unwrap_or_default();
    vec![Action::CreateTable { table, columns }]
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
            return match c.name() {
                Some(table) => vec![Action::CreateIndex {
                    table,
                    index,
                    concurrently,
                }],
                None => Vec::new(),
            };
        }
        match c.name() {
            Some(name) => index = name,
            None => c.pos += 1,
        }
    }
    Vec::new()
}

/// Words after `ALTER TABLE … ADD` / `DROP` that name something other than a column.
const NOT_A_COLUMN: &[&str] = &[
    "CONSTRAINT",
    "INDEX",
    "KEY",
    "PRIMARY",
    "FOREIGN",
    "UNIQUE",
    "CHECK",
    "FULLTEXT",
    "SPATIAL",
    "PARTITION",
    "DEFAULT",
];

/// The actions of one comma-separated part of `ALTER TABLE table …`.
fn alter_actions(table: &str, toks: &[Token]) -> Option<Vec<Action>> {
    let table = table.to_string();
    let mut c = Cursor::new(toks);
    if c.eat("ADD") {
        if c.is_any(NOT_A_COLUMN) {
            return None;
        }
        c.eat("COLUMN");
        c.eat_all(&["IF", "NOT", "EXISTS"]);
        let (column, ty, not_null_without_default) = column_def(c.rest())?;
        return Some(vec![Action::AddColumn {
            table,
            column,
            ty,
            not_null_without_default,
        }]);
    }
    if c.eat("DROP") {
        if c.is_any(NOT_A_COLUMN) {
            return None;
        }
        c.eat("COLUMN");
        c.eat_all(&["IF", "EXISTS"]);
        let column = c.name()?;
        return Some(vec![Action::DropColumn { table, column }]);
    }
    if c.eat("ALTER") {
        c.eat("COLUMN");
        let column = c.name()?;
        if c.eat_all(&["SET", "DATA", "TYPE"]) || c.eat("TYPE") {
            let ty = column_type(&mut c)?;
            return Some(vec![change_type(table, column, ty)]);
        }
        return None;
    }
    if c.eat("MODIFY") {
        c.eat("COLUMN");
        let (column, ty, _) = column_def(c.rest())?;
        return Some(vec![change_type(table, column, ty?)]);
    }
    if c.eat("CHANGE") {
        c.eat("COLUMN");
        let from = c.name()?;
        let (to, ty, _) = column_def(c.rest())?;
        // A type change (checked on the old name) and, when the name differs, a rename.
        let mut actions = vec![change_type(table.clone(), from.clone(), ty?)];
        if from != to {
            actions.push(Action::RenameColumn { table, from, to });
        }
        return Some(actions);
    }
    if c.eat("RENAME") {
        if c.eat("TO") || c.eat("AS") {
            let to = c.name()?;
            return Some(vec![Action::RenameTable { from: table, to }]);
        }
        if c.is_any(&["CONSTRAINT", "INDEX", "KEY"]) {
            return None;
        }
        c.eat("COLUMN");
        let from = c.name()?;
        c.eat("TO");
        let to = c.name()?;
        return Some(vec![Action::RenameColumn { table, from, to }]);
    }
    None
}

/// A type change read from a statement, whose old type the statement does not state.
fn change_type(table: String, column: String, ty: ColumnType) -> Action {
    Action::ChangeType {
        table,
        column,
        from: None,
        ty,
    }
}
