//! Statements that control the transaction themselves (`BEGIN`, `COMMIT`, `ROLLBACK`, `END`,
//! `SAVEPOINT`, `RELEASE`, `START TRANSACTION`, PostgreSQL's `ABORT`).
//!
//! A transactional revision runs inside aludel's transaction, under a savepoint: a `COMMIT` of
//! its own would end that transaction, leave its statements applied and its bookkeeping
//! behind. Such statements are found by their leading words, read with the shared scanner
//! ([`crate::scan`]) on statements the lexer has cut, so a `BEGIN … END` block of a trigger or
//! procedure, `BEGIN ATOMIC`, a `DO $$ BEGIN … END $$` body or a `CASE … END` never counts:
//! the lexer keeps those inside the statement that opens them, and a statement the lexer
//! starts with `BEGIN` is a block only when `NOT ATOMIC` follows (MariaDB's anonymous block).

use sqlparser::tokenizer::Token;

use super::lexer::{Statement, sqlparser_dialect};
use crate::config::Backend;
use crate::scan::{is_significant, scan_prefix};

/// The words a transaction-control statement starts with, lower-cased (these are words to
/// recognise, not SQL to send).
const CONTROL_WORDS: [&str; 8] = [
    "begin",
    "commit",
    "rollback",
    "end",
    "savepoint",
    "release",
    "start",
    "abort",
];

/// How many bytes of a statement are scanned for its leading words: enough for two words and
/// the comments usually written between them; the rest of a long statement is never read.
const PREFIX: usize = 256;

/// The leading words of `statement` (`COMMIT`, `START TRANSACTION`) when it controls the
/// transaction itself, upper-cased; `None` for every other statement.
///
/// ```
/// use aludel::config::Backend;
/// use aludel::script::{split_statements, transaction_control};
///
/// let statements = split_statements(
///     "CREATE TABLE t (x INT);\nCOMMIT;\nDO $$ BEGIN PERFORM 1; END $$;",
///     1,
///     Backend::Postgres,
/// )
/// .unwrap();
/// let found: Vec<_> = statements.iter().map(|s| transaction_control(s, Backend::Postgres)).collect();
/// assert_eq!(found, [None, Some("COMMIT".to_string()), None]);
/// ```
pub fn transaction_control(statement: &Statement, backend: Backend) -> Option<String> {
    // The lexer starts a statement at its first significant token, so the first word can be
    // looked at without scanning; only the few candidates are scanned.
    let first: String = statement
        .sql
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    if !CONTROL_WORDS.contains(&first.as_str()) {
        return None;
    }
    let mut end = statement.sql.len().min(PREFIX);
    while !statement.sql.is_char_boundary(end) {
        end -= 1;
    }
    let dialect = sqlparser_dialect(backend);
    let tokens = scan_prefix(&statement.sql[..end], dialect.as_ref());
    let mut words = tokens
        .iter()
        .filter(|t| is_significant(&t.token))
        .map(|t| match &t.token {
            Token::Word(word) if word.quote_style.is_none() => {
                Some(word.value.to_ascii_uppercase())
            }
            _ => None,
        });
    let first = words.next().flatten()?;
    let second = words.next().flatten();
    match (first.as_str(), second.as_deref()) {
        // MariaDB's anonymous block `BEGIN NOT ATOMIC … END`.
        ("BEGIN", Some("NOT")) => None,
        // `START` alone is no statement; `START SLAVE`/`START REPLICA` are not transactions.
        ("START", Some("TRANSACTION")) => Some("START TRANSACTION".to_string()),
        ("START", _) => None,
        _ => Some(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::split_statements;

    fn found(sql: &str, backend: Backend) -> Vec<(usize, String)> {
        split_statements(sql, 1, backend)
            .unwrap()
            .iter()
            .filter_map(|s| transaction_control(s, backend).map(|w| (s.line, w)))
            .collect()
    }

    #[test]
    fn every_transaction_control_statement_is_found_with_its_line() {
        let sql = "CREATE TABLE t (x INT);\nBEGIN;\ncommit work;\nEND TRANSACTION;\nrollback;\nSAVEPOINT a;\nRELEASE SAVEPOINT a;\nStart Transaction;\nABORT;\nBEGIN IMMEDIATE;\nROLLBACK TO SAVEPOINT a;";
        let words: Vec<(usize, String)> = [
            (2, "BEGIN"),
            (3, "COMMIT"),
            (4, "END"),
            (5, "ROLLBACK"),
            (6, "SAVEPOINT"),
            (7, "RELEASE"),
            (8, "START TRANSACTION"),
            (9, "ABORT"),
            (10, "BEGIN"),
            (11, "ROLLBACK"),
        ]
        .into_iter()
        .map(|(line, word)| (line, word.to_string()))
        .collect();
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
            assert_eq!(found(sql, backend), words, "{backend:?}");
        }
    }

    #[test]
    fn blocks_and_bodies_are_not_transaction_control() {
        let postgres = "DO $$ BEGIN PERFORM 1; END $$;\n\
            CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n\
            SELECT CASE WHEN true THEN 1 END;\n\
            CREATE FUNCTION g() RETURNS trigger AS $$ BEGIN COMMIT; END $$ LANGUAGE plpgsql;\n\
            SELECT 'COMMIT';\n\
            -- COMMIT;\n\
            UPDATE t SET x = 1;";
        assert_eq!(found(postgres, Backend::Postgres), []);
        let sqlite = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; END;\n\
            INSERT INTO t VALUES (1);";
        assert_eq!(found(sqlite, Backend::Sqlite), []);
        let mysql = "BEGIN NOT ATOMIC SELECT 1; END;\n\
            CREATE PROCEDURE p() BEGIN START TRANSACTION; COMMIT; END;\n\
            START SLAVE;\n\
            CREATE TABLE `commit` (x INT);";
        assert_eq!(found(mysql, Backend::MySql), []);
    }

    #[test]
    fn a_comment_between_the_words_is_skipped() {
        assert_eq!(
            found("BEGIN /* a */ NOT ATOMIC SELECT 1; END;", Backend::MySql),
            []
        );
        assert_eq!(
            found("START -- x\n TRANSACTION", Backend::MySql),
            [(1, "START TRANSACTION".to_string())]
        );
    }
}
