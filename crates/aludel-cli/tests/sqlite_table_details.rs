//! SQLite table details the pragmas do not report (foreign key `DEFERRABLE` and `MATCH`,
//! `ON CONFLICT` clauses, `PRIMARY KEY … DESC`, index key `DESC` and `COLLATE`), one round
//! trip per change through the real binary: up (`check` clean, `sqlite3 .schema` and the
//! catalog equal to `after` loaded by `sqlite3`) and down (both equal to `before` again).

mod support;

use support::Kind;
use support::corpus::round_trip;

const PARENT: &str = "CREATE TABLE artist (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";

fn both_ways(test: &str, before: &str, after: &str) {
    round_trip(Kind::Sqlite, &format!("{test}_up"), before, after);
    round_trip(Kind::Sqlite, &format!("{test}_down"), after, before);
}

fn album(fk_tail: &str) -> String {
    format!(
        "{PARENT}CREATE TABLE album (id INTEGER PRIMARY KEY, artist_id INTEGER,
    FOREIGN KEY (artist_id) REFERENCES artist (id){fk_tail});\n"
    )
}

#[test]
fn a_foreign_key_made_deferrable() {
    both_ways(
        "fk_deferrable",
        &album(""),
        &album(" DEFERRABLE INITIALLY DEFERRED"),
    );
    both_ways(
        "fk_deferrable_action",
        &album(" ON DELETE CASCADE"),
        &album(" ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"),
    );
}

#[test]
fn a_foreign_key_given_match() {
    both_ways("fk_match", &album(""), &album(" MATCH FULL"));
}

#[test]
fn on_conflict_clauses() {
    let before = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT UNIQUE);\n";
    both_ways(
        "conflict_not_null",
        before,
        &before.replace("NOT NULL", "NOT NULL ON CONFLICT REPLACE"),
    );
    both_ways(
        "conflict_unique",
        before,
        &before.replace("UNIQUE", "UNIQUE ON CONFLICT IGNORE"),
    );
    both_ways(
        "conflict_primary_key",
        before,
        &before.replace("PRIMARY KEY", "PRIMARY KEY ON CONFLICT ROLLBACK"),
    );
    let checked = before.replace(");\n", ", CHECK (a <> b));\n");
    both_ways(
        "conflict_check",
        &checked,
        &checked.replace("(a <> b)", "(a <> b) ON CONFLICT FAIL"),
    );
}

#[test]
fn a_descending_primary_key() {
    let before = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n";
    both_ways(
        "pk_desc",
        before,
        &before.replace("PRIMARY KEY", "PRIMARY KEY DESC"),
    );
    let composite = "CREATE TABLE u (a INTEGER, b INTEGER, PRIMARY KEY (a, b));\n";
    both_ways(
        "pk_desc_composite",
        composite,
        &composite.replace("(a, b)", "(a, b DESC)"),
    );
}

#[test]
fn index_key_order_and_collation() {
    let before = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\nCREATE INDEX ix_a ON t (a);\n";
    both_ways("index_desc", before, &before.replace("(a)", "(a DESC)"));
    both_ways(
        "index_collate",
        before,
        &before.replace("(a)", "(a COLLATE NOCASE)"),
    );
}
