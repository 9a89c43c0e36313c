//! What an imported revision keeps of Alembic's offline output, and which Python patterns
//! make that output worth a second look.

use crate::Result;
use crate::config::Backend;
use crate::script::{split_statements, transaction_control};

/// Why an imported revision needs review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ReviewReason {
    /// `op.get_bind()`: offline the connection is a mock; what it executes is printed, what it
    /// reads is nothing.
    UsesConnection,
    /// `inspect(...)` and friends: the revision asks the database what exists.
    InspectsDatabase,
    /// `os.environ` / `os.getenv`: rendered for the environment `import` ran in.
    ReadsEnvironment,
    /// `context.get_x_argument`: rendered without the `-x` arguments of a real run.
    ReadsArguments,
    /// `op.get_context()`, `context.is_offline_mode()`: branches on the migration context;
    /// rendered for the imported dialect, offline.
    ReadsContext,
    /// Alembic failed to render the upgrade offline: the file's upgrade must be written.
    UpgradeNotRendered,
    /// Alembic failed to render the downgrade offline: the file has no downgrade section.
    DowngradeNotRendered,
}

impl ReviewReason {
    /// What it means, for people.
    pub fn describe(self) -> &'static str {
        match self {
            ReviewReason::UsesConnection => {
                "uses the database connection (offline: statements printed, reads see nothing)"
            }
            ReviewReason::InspectsDatabase => {
                "inspects the database (offline rendering cannot; consider a template = true section)"
            }
            ReviewReason::ReadsEnvironment => {
                "reads the environment (rendered for the environment import ran in; consider a template = true section)"
            }
            ReviewReason::ReadsArguments => "reads -x arguments (rendered without them)",
            ReviewReason::ReadsContext => {
                "branches on the migration context (rendered for the imported dialect, offline)"
            }
            ReviewReason::UpgradeNotRendered => {
                "Alembic could not render the upgrade offline; write its SQL by hand"
            }
            ReviewReason::DowngradeNotRendered => {
                "Alembic could not render the downgrade offline; written without one (irreversible)"
            }
        }
    }
}

/// The Python spellings of each reason, matched in code (not comments) of a revision file.
const PATTERNS: &[(&str, ReviewReason)] = &[
    ("get_bind(", ReviewReason::UsesConnection),
    ("inspect(", ReviewReason::InspectsDatabase),
    ("os.environ", ReviewReason::ReadsEnvironment),
    ("getenv(", ReviewReason::ReadsEnvironment),
    ("get_x_argument", ReviewReason::ReadsArguments),
    ("get_context(", ReviewReason::ReadsContext),
    ("is_offline_mode", ReviewReason::ReadsContext),
];

/// The lines of a revision's Python source that make its offline rendering suspect: each
/// line once per reason, with its 1-based number and trimmed text. Import lines and comments
/// do not count.
pub(super) fn review_source(source: &str) -> Vec<(usize, ReviewReason, String)> {
    let mut found = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("").trim();
        if code.starts_with("import ") || code.starts_with("from ") {
            continue;
        }
        let mut reasons: Vec<ReviewReason> = PATTERNS
            .iter()
            .filter(|(pattern, _)| code.contains(pattern))
            .map(|(_, reason)| *reason)
            .collect();
        reasons.dedup();
        for reason in reasons {
            found.push((index + 1, reason, code.to_string()));
        }
    }
    found
}

/// Alembic's offline SQL without Alembic's bookkeeping: its version-table statements
/// (`CREATE TABLE`, `INSERT INTO`, `UPDATE`, `DELETE FROM`, `DROP TABLE` of `version_table`)
/// and transaction control (`BEGIN`, `COMMIT`), which aludel does itself. The remaining
/// statements are kept as printed, each ended by `;`, separated by a blank line; comments
/// between them (Alembic's `-- Running upgrade …`) are dropped.
///
/// ```
/// use aludel::dialect::dialect_named;
/// use aludel::import::clean_offline_sql;
///
/// let sql = "BEGIN;\n\nCREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);\n\n\
///            -- Running upgrade  -> 1a\n\nCREATE TABLE users (id INT);\n\n\
///            INSERT INTO alembic_version (version_num) VALUES ('1a');\n\nCOMMIT;\n";
/// let postgres = dialect_named("postgresql").unwrap().backend();
/// let kept = clean_offline_sql(sql, postgres, "alembic_version").unwrap();
/// assert_eq!(kept, "CREATE TABLE users (id INT);");
/// ```
pub fn clean_offline_sql(sql: &str, backend: Backend, version_table: &str) -> Result<String> {
    let statements = split_statements(sql, 1, backend)?;
    let kept: Vec<String> = statements
        .iter()
        .filter(|s| transaction_control(s, backend).is_none())
        .filter(|s| !touches_version_table(&s.sql, version_table))
        .map(|s| format!("{};", s.sql.trim_end()))
        .collect();
    Ok(kept.join("\n\n"))
}

/// Whether a statement is one of Alembic's version-table statements.
fn touches_version_table(sql: &str, version_table: &str) -> bool {
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == '(')
        .filter(|w| !w.is_empty())
        .take(3)
        .map(|w| w.replace(['"', '`', '[', ']'], "").to_ascii_lowercase())
        .collect();
    let table = version_table.to_ascii_lowercase();
    let names = |word: &str| word == table || word.ends_with(&format!(".{table}"));
    match words.as_slice() {
        [a, b, name, ..] if matches!((a.as_str(), b.as_str()), ("create", "table")) => names(name),
        [a, b, name, ..] if matches!((a.as_str(), b.as_str()), ("insert", "into")) => names(name),
        [a, b, name, ..] if matches!((a.as_str(), b.as_str()), ("delete", "from")) => names(name),
        [a, b, name, ..] if matches!((a.as_str(), b.as_str()), ("drop", "table")) => names(name),
        [a, name, ..] if a == "update" => names(name),
        _ => false,
    }
}

/// The text of a top-level `def NAME(...)` of a Python file, up to the next top-level
/// statement: shown, as comments, where Alembic could not render it.
pub(super) fn python_function(source: &str, name: &str) -> Option<String> {
    let mut lines = source.lines().skip_while(|line| {
        !(line.starts_with(&format!("def {name}(")) || line.starts_with(&format!("def {name} (")))
    });
    let first = lines.next()?;
    let mut body = vec![first];
    for line in lines {
        let top_level = !line.is_empty() && !line.starts_with([' ', '\t', '#', ')']);
        if top_level {
            break;
        }
        body.push(line);
    }
    while body.last().is_some_and(|line| line.trim().is_empty()) {
        body.pop();
    }
    Some(body.join("\n"))
}
