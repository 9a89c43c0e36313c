//! `aludel lint`: flags risky statements in the upgrade sections of migrations.
//!
//! The linter does no I/O: it takes parsed [`Script`]s, oldest first, and returns
//! [`Finding`]s. Statements come from the statement lexer ([`Section::statements`]) and are
//! classified by reading their tokens from the shared scanner (`crate::scan`, on sqlparser's
//! tokenizer), so a statement need not parse fully to be checked, and one the classifier does
//! not recognise is simply not flagged.
//!
//! The rules are declared in one list ([`Rule`]) and each lives in its own file under
//! `rules/`, saying what the statement locks or breaks, on which databases, and the safe
//! rewrite. Every finding carries the rule's level (errors: the statement fails, loses data or
//! blocks reads or writes on a populated table; warnings: it works but may break running code),
//! the lock it takes and the hint. Which rules run, at which level, and the PostgreSQL version
//! they assume come from `[lint]` ([`Settings`]); the style rules are off by default.
//!
//! Context: objects (tables, materialized views, indexes) created earlier in the same revision,
//! or, with [`lint_run`] (`aludel lint START:END`), in an earlier revision of the same run
//! (the range, deployed together), are exempt from the lock rules; the linter knows whether a statement runs inside a
//! transaction (the revision's own, unless `transactional = false`, or one it opened with
//! `BEGIN`), and what earlier statements of the revision set (`lock_timeout`, a validated
//! `IS NOT NULL` check). The old type of a column is known when an earlier statement in the
//! linted range created or changed it. Only upgrade sections are linted; template sections
//! are linted as written.
//!
//! A comment `-- aludel:lint-ignore RULE[, RULE…]` on the line before a statement (or in the
//! run of comment lines right above it) suppresses those rules for that statement.
//!
//! Each rule lives in its own file under `rules/`, with what it locks or breaks, its safe
//! rewrite and a snapshot test of its findings; autogenerate's warnings
//! ([`crate::autogen::warnings`]) come from the same rules, so the two cannot drift. `--json`
//! output is [`Report`]'s serde form.

mod action;
mod alter;
mod classify;
mod known;
mod rules;
mod settings;
mod statements;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

use crate::Result;
use crate::config::Backend;
use crate::revision::RevisionId;
use crate::script::{Script, Section};

pub(crate) use classify::{Action, ColumnFacts, ColumnType, ConstraintKind, classify};
pub(crate) use rules::locked_table;
pub(crate) use rules::{Known, check};
pub use settings::{DEFAULT_POSTGRES_VERSION, OFF_BY_DEFAULT, Settings};

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

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares [`Rule`] with its variants, [`Rule::ALL`] and each rule's [`rules::Spec`], from
/// one list: `Variant => module` (the module under `rules/` holding the rule).
macro_rules! declare_rules {
    ($($(#[$doc:meta])* $variant:ident => $module:ident,)*) => {
        /// A lint rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            /// Every rule.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule's definition, in its own file.
            pub(crate) fn spec(self) -> &'static rules::Spec {
                match self {
                    $(Rule::$variant => &rules::$module::SPEC,)*
                }
            }
        }
    };
}

declare_rules! {
    /// `DROP TABLE`.
    DropTable => drop_table,
    /// `ALTER TABLE … DROP COLUMN`.
    DropColumn => drop_column,
    /// A `NOT NULL` column without default added to an existing table.
    AddNotNullColumn => add_not_null_column,
    /// A column type change.
    ChangeColumnType => change_column_type,
    /// A column type change to a known narrower type.
    NarrowColumnType => narrow_column_type,
    /// A PostgreSQL `CREATE INDEX` without `CONCURRENTLY` on an existing table.
    CreateIndexNonConcurrent => create_index_non_concurrent,
    /// A column rename.
    RenameColumn => rename_column,
    /// A table rename.
    RenameTable => rename_table,
    /// A column whose default or type makes PostgreSQL rewrite the table.
    AddColumnRewrite => add_column_rewrite,
    /// A foreign key added to an existing table without `NOT VALID`.
    AddForeignKey => add_foreign_key,
    /// A check constraint added to an existing table without `NOT VALID`.
    AddCheckConstraint => add_check_constraint,
    /// `VALIDATE CONSTRAINT` in the transaction that added the constraint `NOT VALID`.
    ValidateInTransaction => validate_in_transaction,
    /// A unique or primary key constraint built on an existing table.
    AddUniqueConstraint => add_unique_constraint,
    /// `SET NOT NULL` without a validated `IS NOT NULL` check.
    SetNotNull => set_not_null,
    /// `DROP NOT NULL`.
    DropNotNull => drop_not_null,
    /// `DROP INDEX` without `CONCURRENTLY`.
    DropIndexNonConcurrent => drop_index_non_concurrent,
    /// `CONCURRENTLY` inside a transaction.
    ConcurrentInTransaction => concurrent_in_transaction,
    /// `REINDEX` without `CONCURRENTLY`.
    ReindexNonConcurrent => reindex_non_concurrent,
    /// `DETACH PARTITION` without `CONCURRENTLY`.
    DetachPartitionNonConcurrent => detach_partition_non_concurrent,
    /// A lock taken without `lock_timeout` set earlier in the revision.
    MissingLockTimeout => missing_lock_timeout,
    /// A lock taken without `statement_timeout` set earlier in the revision.
    MissingStatementTimeout => missing_statement_timeout,
    /// `VACUUM FULL` or `CLUSTER`.
    VacuumFull => vacuum_full,
    /// `BEGIN` / `COMMIT` inside a revision aludel runs in a transaction.
    NestedTransaction => nested_transaction,
    /// `BEGIN` without `COMMIT` by the end of a revision.
    UncommittedTransaction => uncommitted_transaction,
    /// `DROP DATABASE`.
    DropDatabase => drop_database,
    /// `TRUNCATE … CASCADE`.
    TruncateCascade => truncate_cascade,
    /// `ALTER TYPE … ADD VALUE` inside a transaction on PostgreSQL before 12.
    EnumValueInTransaction => enum_value_in_transaction,
    /// `ALTER TYPE … ADD VALUE` without `BEFORE`/`AFTER`.
    EnumValuePosition => enum_value_position,
    /// A constraint on a PostgreSQL domain.
    DomainConstraint => domain_constraint,
    /// A `char(n)` column.
    CharType => char_type,
    /// An `int` or `smallint` column.
    PreferBigint => prefer_bigint,
    /// A `serial` column.
    PreferIdentity => prefer_identity,
    /// A `varchar(n)` column.
    PreferText => prefer_text,
    /// A `timestamp` column without time zone.
    PreferTimestamptz => prefer_timestamptz,
    /// A name longer than the database keeps.
    IdentifierTooLong => identifier_too_long,
    /// A MySQL `ALTER TABLE` that copies the table.
    TableCopy => table_copy,
    /// A MySQL `ENUM`/`SET` change other than appending values.
    EnumSetChange => enum_set_change,
    /// A column-level `REFERENCES` that MySQL ignores.
    InlineReferences => inline_references,
    /// A MySQL `MODIFY` making a nullable column `NOT NULL` without a default.
    ModifyNotNull => modify_not_null,
    /// An `ALTER TABLE` SQLite can only do by rebuilding the table.
    AlterNeedsRebuild => alter_needs_rebuild,
    /// A SQLite table rebuild without a foreign key check.
    RebuildForeignKeys => rebuild_foreign_keys,
    /// A SQLite table rebuild making a nullable column NOT NULL without a default.
    RebuildNotNull => rebuild_not_null,
}

impl Rule {
    /// The rule's id, as written in output and in `-- aludel:lint-ignore`.
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// The rule for an id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.id() == id)
    }

    /// The rule's level.
    pub fn level(self) -> Level {
        self.spec().level
    }

    /// What to do instead of what the rule flags.
    pub fn hint(self) -> &'static str {
        self.spec().hint
    }

    /// The databases the rule applies to: `postgresql`, `mysql`, `sqlite`.
    pub fn databases(self) -> &'static [&'static str] {
        self.spec().databases
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One risky statement.
///
/// Its serde form is one object of `aludel lint --json`'s `findings`. The fields are declared
/// in alphabetical order, the order that output has always had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What to do instead.
    pub hint: String,
    /// The rule's level.
    pub level: Level,
    /// The 1-based file line where the statement starts.
    pub line: usize,
    /// The lock the statement takes and what it blocks, when it takes one worth naming.
    pub lock: Option<String>,
    /// What the statement does.
    pub message: String,
    /// The revision file.
    #[serde(serialize_with = "display_path")]
    pub path: PathBuf,
    /// The revision whose upgrade holds the statement.
    pub revision: RevisionId,
    /// The rule that fired.
    pub rule: Rule,
}

fn display_path<S: Serializer>(path: &Path, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_str(&path.display())
}

/// The findings of one run with their counts: `aludel lint --json` prints its serde form.
///
/// ```
/// use std::path::Path;
/// use aludel::config::Backend;
/// use aludel::lint::{Report, lint};
/// use aludel::script::Script;
///
/// let text = "-- revision = \"a1\"\n-- down_revision = \"\"\n\n-- migrate:upgrade\nDROP TABLE users;\n";
/// let script = Script::parse(Path::new("/project/versions/a1.sql"), text).unwrap();
/// let report = Report::new(lint(&[&script], Backend::Sqlite).unwrap()).relative_to(Path::new("/project"));
/// assert_eq!((report.errors, report.warnings), (0, 1));
/// assert_eq!(report.findings[0].path, Path::new("versions/a1.sql"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// How many findings are errors (then `aludel lint` exits 1).
    pub errors: usize,
    /// Every finding, in file order, oldest revision first.
    pub findings: Vec<Finding>,
    /// How many findings are warnings.
    pub warnings: usize,
}

impl Report {
    /// Counts `findings` by level.
    pub fn new(findings: Vec<Finding>) -> Report {
        let errors = findings.iter().filter(|f| f.level == Level::Error).count();
        Report {
            errors,
            warnings: findings.len() - errors,
            findings,
        }
    }

    /// The report with each path shown relative to `dir` (the working directory, for output)
    /// when it lies under it.
    pub fn relative_to(mut self, dir: &Path) -> Report {
        for finding in &mut self.findings {
            if let Ok(relative) = finding.path.strip_prefix(dir) {
                finding.path = relative.to_path_buf();
            }
        }
        self
    }
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
    lint_with(scripts, backend, &Settings::default())
}

/// [`lint`] with the levels, disabled rules and PostgreSQL version of `[lint]` in
/// aludel.toml.
pub fn lint_with(
    scripts: &[&Script],
    backend: Backend,
    settings: &Settings,
) -> Result<Vec<Finding>> {
    lint_scripts(&[], scripts, backend, settings, false)
}

/// [`lint_with`] for `scripts` as one run (revisions deployed together, as `aludel lint
/// START:END` names them) after `before`, the revisions already applied when the run is
/// deployed, oldest first. `before` is read for context only (column types; its tables exist
/// and hold rows) and is not linted. Objects created by a revision of the run are new, so
/// exempt from the lock rules, in the later revisions of the run too; [`lint_with`] treats
/// each revision as deployed on its own.
pub fn lint_run(
    before: &[&Script],
    scripts: &[&Script],
    backend: Backend,
    settings: &Settings,
) -> Result<Vec<Finding>> {
    lint_scripts(before, scripts, backend, settings, true)
}

fn lint_scripts(
    before: &[&Script],
    scripts: &[&Script],
    backend: Backend,
    settings: &Settings,
    one_run: bool,
) -> Result<Vec<Finding>> {
    // Splitting and classifying statements is most of the work and needs no context: it
    // runs on several threads; the rules then read the actions in order.
    let context = classify_all(before, backend)?;
    let classified = classify_all(scripts, backend)?;
    let mut linter = Linter {
        settings,
        known: Known::new(crate::dialect::dialect_for(backend))
            .with_postgres_version(settings.postgres_version),
        findings: Vec::new(),
    };
    for (script, statements) in before.iter().zip(context) {
        linter.known.next_revision(script.transactional);
        for action in statements.iter().flat_map(|s| &s.actions) {
            linter.known.apply(action);
        }
    }
    linter.known.start_run();
    for (script, statements) in scripts.iter().zip(classified) {
        if !one_run {
            linter.known.start_run();
        }
        linter.script(script, statements);
    }
    Ok(linter.findings)
}

/// A statement of an upgrade section as the rules read it: its line, the rules its
/// `lint-ignore` comment silences, and its actions.
struct Classified {
    line: usize,
    ignored: BTreeSet<Rule>,
    actions: Vec<Action>,
}

/// The classified statements of each script's upgrade, in order, on up to 8 threads.
fn classify_all(scripts: &[&Script], backend: Backend) -> Result<Vec<Vec<Classified>>> {
    let one = |script: &Script| -> Result<Vec<Classified>> {
        let Some(section) = &script.upgrade else {
            return Ok(Vec::new());
        };
        Ok(section
            .statements(&script.path, backend)?
            .into_iter()
            .map(|statement| Classified {
                line: statement.line,
                ignored: ignored_rules(section, statement.line),
                actions: classify(&statement.sql, backend),
            })
            .collect())
    };
    let chunk_of = |part: &[&Script]| part.iter().map(|s| one(s)).collect::<Result<Vec<_>>>();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = scripts.len().div_ceil(threads).max(128);
    if scripts.len() <= chunk {
        return chunk_of(scripts);
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = scripts
            .chunks(chunk)
            .map(|part| scope.spawn(move || chunk_of(part)))
            .collect();
        let mut out = Vec::with_capacity(scripts.len());
        for worker in workers {
            match worker.join() {
                Ok(part) => out.extend(part?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(out)
    })
}

struct Linter<'a> {
    settings: &'a Settings,
    known: Known,
    findings: Vec<Finding>,
}

impl Linter<'_> {
    fn script(&mut self, script: &Script, statements: Vec<Classified>) {
        self.known.next_revision(script.transactional);
        if script.upgrade.is_none() {
            return;
        }
        let mut last_line = script.upgrade.as_ref().map_or(1, |s| s.first_line);
        for statement in statements {
            last_line = statement.line;
            for action in &statement.actions {
                self.check(script, action, statement.line, &statement.ignored);
            }
        }
        self.check(script, &Action::EndOfRevision, last_line, &BTreeSet::new());
    }

    fn check(&mut self, script: &Script, action: &Action, line: usize, ignored: &BTreeSet<Rule>) {
        for (rule, message) in rules::check(action, &self.known) {
            let Some(level) = self.settings.level(rule) else {
                continue;
            };
            if ignored.contains(&rule) {
                continue;
            }
            self.findings.push(Finding {
                rule,
                level,
                revision: script.revision.id.clone(),
                path: script.path.clone(),
                line,
                lock: message.lock,
                message: message.lint,
                hint: rule.hint().to_string(),
            });
        }
        self.known.apply(action);
    }
}

/// The rules named by `-- aludel:lint-ignore` comments in the run of comment lines right above
/// file line `line`.
fn ignored_rules(section: &Section, line: usize) -> BTreeSet<Rule> {
    let mut ignored = BTreeSet::new();
    if !section.text.contains(IGNORE_MARKER) {
        return ignored;
    }
    let lines: Vec<&str> = section.text.lines().collect();
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

#[cfg(test)]
mod tests;
