//! `aludel lint`: flags risky statements in the upgrade sections of migrations.
//!
//! The linter does no I/O: it takes parsed [`Script`]s, oldest first, and returns
//! [`Finding`]s. Statements come from the statement lexer ([`Section::statements`]) and are
//! classified by scanning sqlparser's tokens, so a statement need not parse fully to be
//! checked, and one the scanner does not recognise is simply not flagged.
//!
//! The rules, with their level:
//!
//! | rule | level | fires on |
//! | --- | --- | --- |
//! | `drop-table` | warning | `DROP TABLE` |
//! | `drop-column` | warning | `ALTER TABLE … DROP [COLUMN]` |
//! | `add-not-null-column` | error | `ALTER TABLE … ADD [COLUMN] c T NOT NULL` (or `PRIMARY KEY`) without `DEFAULT` |
//! | `change-column-type` | warning | `ALTER COLUMN … [SET DATA] TYPE`, MySQL `MODIFY` / `CHANGE` |
//! | `narrow-column-type` | error | a type change that shrinks a known `VARCHAR`/`CHAR` length or integer width |
//! | `create-index-non-concurrent` | error | PostgreSQL `CREATE INDEX` without `CONCURRENTLY` |
//! | `rename-column` | warning | `RENAME COLUMN`, PostgreSQL `RENAME a TO b`, MySQL `CHANGE old new` |
//! | `rename-table` | warning | `ALTER TABLE … RENAME TO`, MySQL `RENAME TABLE` |
//!
//! Errors are the statements that fail or block on a populated table (a `NOT NULL` column
//! without default, truncating data, a write-locking index build); warnings are the statements
//! that work but break code still running against the old schema (drops and renames).
//!
//! A statement on a table created earlier in the same revision is never flagged: nothing runs
//! against that table yet. The old type of a column is known when an earlier statement in the
//! linted range created or changed it (`CREATE TABLE`, `ADD COLUMN`, a type change); a type
//! change is narrowing when a `VARCHAR`/`CHAR` length shrinks or an integer type gets smaller
//! (`BIGINT` → `INT`). An unknown old type makes every type change a warning. Only upgrade
//! sections are linted; downgrades may drop what their upgrade created. Template sections are
//! linted as written.
//!
//! A comment `-- aludel:lint-ignore RULE[, RULE…]` on the line before a statement (or in the
//! run of comment lines right above it) suppresses those rules for that statement.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use sqlparser::tokenizer::{Token, Tokenizer};

use crate::Result;
use crate::config::Backend;
use crate::revision::RevisionId;
use crate::script::{Script, Section};

/// The comment marker that suppresses rules for the next statement.
pub const IGNORE_MARKER: &str = "aludel:lint-ignore";

/// How serious a finding is: errors make `aludel lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Works, but may break code running against the old schema.
    Warning,
    /// Likely to fail, lose data or block writes on a populated database.
    Error,
}

impl Level {
    /// `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// `DROP TABLE`.
    DropTable,
    /// `ALTER TABLE … DROP COLUMN`.
    DropColumn,
    /// A `NOT NULL` column without default added to an existing table.
    AddNotNullColumn,
    /// A column type change.
    ChangeColumnType,
    /// A column type change to a known narrower type.
    NarrowColumnType,
    /// A PostgreSQL `CREATE INDEX` without `CONCURRENTLY` on an existing table.
    CreateIndexNonConcurrent,
    /// A column rename.
    RenameColumn,
    /// A table rename.
    RenameTable,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 8] = [
        Rule::DropTable,
        Rule::DropColumn,
        Rule::AddNotNullColumn,
        Rule::ChangeColumnType,
        Rule::NarrowColumnType,
        Rule::CreateIndexNonConcurrent,
        Rule::RenameColumn,
        Rule::RenameTable,
    ];

    /// The rule's id, as written in output and in `-- aludel:lint-ignore`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::DropTable => "drop-table",
            Rule::DropColumn => "drop-column",
            Rule::AddNotNullColumn => "add-not-null-column",
            Rule::ChangeColumnType => "change-column-type",
            Rule::NarrowColumnType => "narrow-column-type",
            Rule::CreateIndexNonConcurrent => "create-index-non-concurrent",
            Rule::RenameColumn => "rename-column",
            Rule::RenameTable => "rename-table",
        }
    }

    /// The rule for an id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.id() == id)
    }

    /// The rule's level.
    pub fn level(self) -> Level {
        match self {
            Rule::AddNotNullColumn | Rule::NarrowColumnType | Rule::CreateIndexNonConcurrent => {
                Level::Error
            }
            _ => Level::Warning,
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Rule::DropTable | Rule::DropColumn => {
                "deploy code that no longer uses it first, then drop it in a later release"
            }
            Rule::AddNotNullColumn => {
                "add the column nullable or with a DEFAULT, backfill it, then set NOT NULL"
            }
            Rule::ChangeColumnType => {
                "a type change may rewrite or lock the table and break code that reads the column; consider a new column and a backfill"
            }
            Rule::NarrowColumnType => {
                "existing values may not fit; check the data first or add a new column and backfill"
            }
            Rule::CreateIndexNonConcurrent => {
                "use CREATE INDEX CONCURRENTLY in a revision with `transactional = false`"
            }
            Rule::RenameColumn | Rule::RenameTable => {
                "running code still uses the old name; add the new name, migrate readers and writers, then remove the old one"
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One risky statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule that fired.
    pub rule: Rule,
    /// The rule's level.
    pub level: Level,
    /// The revision whose upgrade holds the statement.
    pub revision: RevisionId,
    /// The revision file.
    pub path: PathBuf,
    /// The 1-based file line where the statement starts.
    pub line: usize,
    /// What the statement does.
    pub message: String,
    /// What to do instead.
    pub hint: String,
}

/// Lints the upgrade sections of `scripts`, given oldest first (parents before children), for
/// a project on `backend`. A section the lexer cannot split is an error naming its file and
/// line.
///
/// ```
/// use std::path::Path;
/// use aludel::config::Backend;
/// use aludel::lint::{lint, Level};
/// use aludel::script::Script;
///
/// let text = "-- revision = \"a1\"\n-- down_revision = \"\"\n\n-- migrate:upgrade\nDROP TABLE users;\n";
/// let script = Script::parse(Path::new("a1.sql"), text).unwrap();
/// let findings = lint(&[&script], Backend::Sqlite).unwrap();
/// assert_eq!(findings[0].rule.id(), "drop-table");
/// assert_eq!(findings[0].level, Level::Warning);
/// assert_eq!(findings[0].line, 5);
/// ```
pub fn lint(scripts: &[&Script], backend: Backend) -> Result<Vec<Finding>> {
    let mut linter = Linter {
        backend,
        schema: BTreeMap::new(),
        created: BTreeSet::new(),
        findings: Vec::new(),
    };
    for script in scripts {
        linter.script(script)?;
    }
    Ok(linter.findings)
}

/// A column type as written, with what narrowing checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ColumnType {
    /// Upper-cased words joined by spaces, then the arguments: `VARCHAR(50)`.
    text: String,
    /// The words alone: `VARCHAR`, `CHARACTER VARYING`.
    base: String,
    /// The numeric arguments.
    args: Vec<u64>,
}

impl ColumnType {
    /// True when `self` (the new type) is known to hold less than `old`.
    fn narrower_than(&self, old: &ColumnType) -> bool {
        if let (Some(new), Some(old)) = (self.char_length(), old.char_length()) {
            return new < old;
        }
        if let (Some(new), Some(old)) = (self.int_width(), old.int_width()) {
            return new < old;
        }
        false
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

/// What one statement does, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    CreateTable {
        table: String,
        columns: Vec<(String, ColumnType)>,
    },
    DropTable {
        table: String,
    },
    DropColumn {
        table: String,
        column: String,
    },
    AddColumn {
        table: String,
        column: String,
        ty: Option<ColumnType>,
        not_null_without_default: bool,
    },
    ChangeType {
        table: String,
        column: String,
        ty: ColumnType,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    RenameTable {
        from: String,
        to: String,
    },
    CreateIndex {
        table: String,
        concurrently: bool,
    },
}

struct Linter {
    backend: Backend,
    /// Column types known from earlier statements, by table.
    schema: BTreeMap<String, BTreeMap<String, ColumnType>>,
    /// Tables created in the revision being linted.
    created: BTreeSet<String>,
    findings: Vec<Finding>,
}

impl Linter {
    fn script(&mut self, script: &Script) -> Result<()> {
        self.created.clear();
        let Some(section) = &script.upgrade else {
            return Ok(());
        };
        for statement in section.statements(&script.path, self.backend)? {
            let ignored = ignored_rules(section, statement.line);
            for action in classify(&statement.sql, self.backend) {
                for (rule, message) in self.check(action) {
                    if ignored.contains(&rule) {
                        continue;
                    }
                    self.findings.push(Finding {
                        rule,
                        level: rule.level(),
                        revision: script.revision.id.clone(),
                        path: script.path.clone(),
                        line: statement.line,
                        message,
                        hint: rule.hint().to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Applies `action` to the known schema and returns the rules it breaks.
    fn check(&mut self, action: Action) -> Vec<(Rule, String)> {
        let mut out = Vec::new();
        match action {
            Action::CreateTable { table, columns } => {
                self.created.insert(table.clone());
                self.schema.insert(table, columns.into_iter().collect());
            }
            Action::DropTable { table } => {
                if !self.created.remove(&table) {
                    out.push((Rule::DropTable, format!("drops table {table}")));
                }
                self.schema.remove(&table);
            }
            Action::DropColumn { table, column } => {
                if !self.created.contains(&table) {
                    out.push((
                        Rule::DropColumn,
                        format!("drops column {column} of table {table}"),
                    ));
                }
                if let Some(columns) = self.schema.get_mut(&table) {
                    columns.remove(&column);
                }
            }
            Action::AddColumn {
                table,
                column,
                ty,
                not_null_without_default,
            } => {
                if not_null_without_default && !self.created.contains(&table) {
                    out.push((
                        Rule::AddNotNullColumn,
                        format!(
                            "adds NOT NULL column {column} without a DEFAULT to existing table {table}"
                        ),
                    ));
                }
                if let (Some(ty), Some(columns)) = (ty, self.schema.get_mut(&table)) {
                    columns.insert(column, ty);
                }
            }
            Action::ChangeType { table, column, ty } => {
                let old = self
                    .schema
                    .get(&table)
                    .and_then(|c| c.get(&column))
                    .cloned();
                if !self.created.contains(&table) {
                    match &old {
                        Some(old) if old.text == ty.text => {}
                        Some(old) if ty.narrower_than(old) => out.push((
                            Rule::NarrowColumnType,
                            format!(
                                "narrows column {column} of table {table} from {} to {}",
                                old.text, ty.text
                            ),
                        )),
                        Some(old) => out.push((
                            Rule::ChangeColumnType,
                            format!(
                                "changes the type of column {column} of table {table} from {} to {}",
                                old.text, ty.text
                            ),
                        )),
                        None => out.push((
                            Rule::ChangeColumnType,
                            format!(
                                "changes the type of column {column} of table {table} to {}",
                                ty.text
                            ),
                        )),
                    }
                }
                self.schema.entry(table).or_default().insert(column, ty);
            }
            Action::RenameColumn { table, from, to } => {
                if !self.created.contains(&table) {
                    out.push((
                        Rule::RenameColumn,
                        format!("renames column {from} of table {table} to {to}"),
                    ));
                }
                if let Some(columns) = self.schema.get_mut(&table)
                    && let Some(ty) = columns.remove(&from)
                {
                    columns.insert(to, ty);
                }
            }
            Action::RenameTable { from, to } => {
                if self.created.remove(&from) {
                    self.created.insert(to.clone());
                } else {
                    out.push((Rule::RenameTable, format!("renames table {from} to {to}")));
                }
                if let Some(columns) = self.schema.remove(&from) {
                    self.schema.insert(to, columns);
                }
            }
            Action::CreateIndex {
                table,
                concurrently,
            } => {
                if self.backend == Backend::Postgres
                    && !concurrently
                    && !self.created.contains(&table)
                {
                    out.push((
                        Rule::CreateIndexNonConcurrent,
                        format!(
                            "CREATE INDEX without CONCURRENTLY blocks writes to existing table {table} while it builds"
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// The rules named by `-- aludel:lint-ignore` comments in the run of comment lines right above
/// file line `line`.
fn ignored_rules(section: &Section, line: usize) -> BTreeSet<Rule> {
    let lines: Vec<&str> = section.text.lines().collect();
    let mut ignored = BTreeSet::new();
    // Index in `lines` of the statement's line.
    let Some(mut index) = line.checked_sub(section.first_line) else {
        return ignored;
    };
    while index > 0 {
        index -= 1;
        let Some(comment) = lines.get(index).and_then(|l| l.trim().strip_prefix("--")) else {
            break;
        };
        if let Some(rest) = comment.trim().strip_prefix(IGNORE_MARKER) {
            ignored.extend(
                rest.split(|c: char| c == ',' || c.is_whitespace())
                    .filter_map(Rule::from_id),
            );
        }
    }
    ignored
}

/// A significant token, simplified for classification.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A word: `upper` is the upper-cased text of an unquoted word (empty when quoted), `name`
    /// the identifier (lower-cased unless quoted).
    Word {
        upper: String,
        name: String,
    },
    Number(String),
    LParen,
    RParen,
    Comma,
    Period,
    Other,
}

fn tokens(sql: &str, backend: Backend) -> Vec<Tok> {
    let dialect = crate::script::sqlparser_dialect(backend);
    let Ok(tokens) = Tokenizer::new(dialect.as_ref(), sql).tokenize() else {
        return Vec::new();
    };
    tokens
        .into_iter()
        .filter_map(|token| match token {
            Token::Whitespace(_) | Token::EOF => None,
            Token::Word(word) => Some(match word.quote_style {
                None => Tok::Word {
                    upper: word.value.to_ascii_uppercase(),
                    name: word.value.to_ascii_lowercase(),
                },
                Some(_) => Tok::Word {
                    upper: String::new(),
                    name: word.value,
                },
            }),
            Token::Number(n, _) => Some(Tok::Number(n)),
            Token::LParen => Some(Tok::LParen),
            Token::RParen => Some(Tok::RParen),
            Token::Comma => Some(Tok::Comma),
            Token::Period => Some(Tok::Period),
            _ => Some(Tok::Other),
        })
        .collect()
}

/// A cursor over a statement's tokens.
struct Cursor<'a> {
    toks: &'a [Tok],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(toks: &'a [Tok]) -> Cursor<'a> {
        Cursor { toks, pos: 0 }
    }

    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word { upper, .. }) if upper == kw)
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
                Some(Tok::Word { name, .. }) => {
                    last = Some(name.clone());
                    self.pos += 1;
                }
                _ => return last,
            }
            if self.peek() != Some(&Tok::Period) {
                return last;
            }
            self.pos += 1;
        }
    }

    fn rest(&self) -> &'a [Tok] {
        &self.toks[self.pos.min(self.toks.len())..]
    }
}

/// Cuts `toks` at top-level commas.
fn split_top(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => depth = depth.saturating_sub(1),
            Tok::Comma if depth == 0 => {
                parts.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&toks[start..]);
    parts
}

/// The tokens inside the parentheses that open at `toks[0]`.
fn parenthesised(toks: &[Tok]) -> Option<&[Tok]> {
    if toks.first() != Some(&Tok::LParen) {
        return None;
    }
    let mut depth = 0usize;
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(&toks[1..i]);
                }
            }
            _ => {}
        }
    }
    Some(&toks[1..])
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

/// Reads a column type; the first word is always part of it.
fn column_type(cursor: &mut Cursor<'_>) -> Option<ColumnType> {
    let mut words: Vec<String> = Vec::new();
    let mut args = Vec::new();
    let mut text = String::new();
    loop {
        match cursor.peek() {
            Some(Tok::Word { upper, name }) if words.is_empty() || !cursor.is_any(TYPE_STOP) => {
                let word = if upper.is_empty() {
                    name.clone()
                } else {
                    upper.clone()
                };
                if !text.is_empty() {
                    text.push(' ');
                }
                text += &word;
                words.push(word);
                cursor.pos += 1;
            }
            Some(Tok::LParen) if !words.is_empty() => {
                let inner = parenthesised(cursor.rest()).unwrap_or_default();
                cursor.pos += inner.len() + 2;
                let parts: Vec<String> = split_top(inner)
                    .into_iter()
                    .map(|part| {
                        part.iter()
                            .map(|t| match t {
                                Tok::Number(n) => n.clone(),
                                Tok::Word { upper, name } if upper.is_empty() => name.clone(),
                                Tok::Word { upper, .. } => upper.clone(),
                                _ => String::new(),
                            })
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
        text,
        base: words.join(" "),
        args,
    })
}

/// A column definition: name, type, and whether it is NOT NULL without a default.
fn column_def(toks: &[Tok]) -> Option<(String, Option<ColumnType>, bool)> {
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
        if *tok == Tok::LParen {
            let inner = parenthesised(cursor.rest()).unwrap_or_default();
            cursor.pos += inner.len() + 2;
        } else {
            cursor.pos += 1;
        }
    }
    Some((name, ty, not_null && !has_default))
}

/// What `sql` does, as a list of actions; empty for anything the rules do not cover.
fn classify(sql: &str, backend: Backend) -> Vec<Action> {
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
        return split_top(c.rest())
            .into_iter()
            .filter_map(|part| Cursor::new(part).name())
            .map(|table| Action::DropTable { table })
            .collect();
    }
    if c.eat_all(&["RENAME", "TABLE"]) {
        return split_top(c.rest())
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
        if matches!(c.peek(), Some(Tok::Other)) {
            // `ONLY t *`.
            c.pos += 1;
        }
        return split_top(c.rest())
            .into_iter()
            .flat_map(|part| alter_action(&table, part))
            .collect();
    }
    Vec::new()
}

fn create_table(mut c: Cursor<'_>) -> Vec<Action> {
    c.eat_all(&["IF", "NOT", "EXISTS"]);
    let Some(table) = c.name() else {
        return Vec::new();
    };
    let columns = parenthesised(c.rest())
        .map(|body| {
            split_top(body)
                .into_iter()
                .filter(|part| {
                    !Cursor::new(part).is_any(&[
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
                    ])
                })
                .filter_map(column_def)
                .filter_map(|(name, ty, _)| Some((name, ty?)))
                .collect()
        })
        .unwrap_or_default();
    vec![Action::CreateTable { table, columns }]
}

fn create_index(mut c: Cursor<'_>) -> Vec<Action> {
    let mut concurrently = false;
    while let Some(tok) = c.peek() {
        if c.eat("CONCURRENTLY") {
            concurrently = true;
            continue;
        }
        c.pos += 1;
        if matches!(tok, Tok::Word { upper, .. } if upper == "ON") {
            c.eat("ONLY");
            return match c.name() {
                Some(table) => vec![Action::CreateIndex {
                    table,
                    concurrently,
                }],
                None => Vec::new(),
            };
        }
    }
    Vec::new()
}

/// One action of `ALTER TABLE table …`.
fn alter_action(table: &str, toks: &[Tok]) -> Vec<Action> {
    alter_actions(table, toks).unwrap_or_default()
}

fn alter_actions(table: &str, toks: &[Tok]) -> Option<Vec<Action>> {
    let table = table.to_string();
    let mut c = Cursor::new(toks);
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
            return Some(vec![Action::ChangeType { table, column, ty }]);
        }
        return None;
    }
    if c.eat("MODIFY") {
        c.eat("COLUMN");
        let (column, ty, _) = column_def(c.rest())?;
        return Some(vec![Action::ChangeType {
            table,
            column,
            ty: ty?,
        }]);
    }
    if c.eat("CHANGE") {
        c.eat("COLUMN");
        let from = c.name()?;
        let (to, ty, _) = column_def(c.rest())?;
        // A type change (checked on the old name) and, when the name differs, a rename.
        let mut actions = vec![Action::ChangeType {
            table: table.clone(),
            column: from.clone(),
            ty: ty?,
        }];
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

#[cfg(test)]
mod tests;
