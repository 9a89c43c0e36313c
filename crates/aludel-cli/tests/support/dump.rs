//! A database as its own client sees it: loading DDL with `sqlite3` / `psql` / `mariadb`, and
//! the schema dump of `sqlite3 .schema` / `pg_dump --schema-only` / `mariadb-dump --no-data
//! --routines --triggers`, normalised so that two databases with the same schema give equal
//! dumps (dump headers, session settings, AUTO_INCREMENT counters and the names a server makes
//! up by itself taken out; statements sorted). Also the catalog, as aludel introspects it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use aludel::config::{Backend, DatabaseUrl};
use aludel::dialect::Database;
use aludel::schema::{Schema, TableFilter};
use aludel::script::split_statements;

use super::{Kind, TestDb};

/// aludel's own tables: in every target, never in a sample.
const OWN_TABLES: [&str; 2] = ["aludel_version", "aludel_history"];

/// A normalised schema dump: one entry per statement, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dump(pub Vec<String>);

impl TestDb {
    /// The SQLite database's file.
    pub fn sqlite_path(&self) -> &str {
        self.url
            .strip_prefix("sqlite:///")
            .expect("a SQLite test database has a sqlite:/// URL")
    }

    /// Runs `args` of the database's client (`psql`, `mariadb`, `sqlite3`) aimed at this
    /// database, with `stdin` as its input; panics with the client's message when it fails.
    fn client(&self, program: &str, args: &[&str], stdin: &str) -> String {
        let mut cmd = Command::new(program);
        match self.kind {
            Kind::Sqlite => cmd.args(args).arg(self.sqlite_path()),
            Kind::Postgres => cmd
                .args(["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"])
                .args(args)
                .arg(self.name()),
            Kind::MySql => cmd
                .args(["-h127.0.0.1", "-P3306", "-uroot"])
                .args(args)
                .arg(self.name()),
        };
        let mut child = cmd
            .env("PGCONNECT_TIMEOUT", "10")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        let mut input = child.stdin.take().unwrap();
        let text = stdin.to_string();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(text.as_bytes());
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Loads `sql` with the database's own client, as a user would (`sqlite3 -bail`, `psql -v
    /// ON_ERROR_STOP=1`, `mariadb`): the yardstick a migration is compared with.
    pub fn load_with_client(&self, sql: &str) {
        match self.kind {
            Kind::Sqlite => self.client("sqlite3", &["-bail"], sql),
            Kind::Postgres => self.client("psql", &["-X", "-q", "-v", "ON_ERROR_STOP=1"], sql),
            Kind::MySql => self.client("mariadb", &[], sql),
        };
    }

    /// The client's schema dump as it prints it.
    pub fn raw_dump(&self) -> String {
        match self.kind {
            Kind::Sqlite => self.client("sqlite3", &["-batch", "-cmd", ".schema"], ""),
            Kind::Postgres => self.client(
                "pg_dump",
                &["--schema-only", "--no-owner", "--no-privileges"],
                "",
            ),
            Kind::MySql => self.client(
                "mariadb-dump",
                &[
                    "--no-data",
                    "--routines",
                    "--triggers",
                    "--events",
                    "--skip-comments",
                    "--skip-dump-date",
                ],
                "",
            ),
        }
    }

    /// The client's schema dump, normalised (see [`normalise`]).
    pub fn dump(&self) -> Dump {
        normalise(self.kind, &self.raw_dump())
    }

    /// The schema as aludel introspects it (aludel's own tables left out).
    pub fn catalog(&self) -> Schema {
        let url = DatabaseUrl::parse(&self.url, Path::new("/")).unwrap();
        super::block_on(async {
            let mut db = Database::connect(&url, Duration::from_secs(10))
                .await
                .unwrap();
            let schema = db
                .introspect(&TableFilter::own_tables(OWN_TABLES[0]))
                .await
                .unwrap();
            db.close().await;
            schema
        })
    }
}

/// A client's dump without what differs between two databases of the same schema: comments,
/// headers and session settings, aludel's own tables, AUTO_INCREMENT counters, the numbers a
/// server appends to names it generates; SQLite's identifier quoting and spacing (aludel writes
/// the indexes it creates in its own spelling). Statements are sorted, so creation order
/// (which differs between a migration and a script) does not count.
pub fn normalise(kind: Kind, raw: &str) -> Dump {
    let statements: Vec<String> = match kind {
        Kind::Sqlite => split(raw, Backend::Sqlite)
            .into_iter()
            .map(|s| sqlite_spelling(&s))
            .filter(|s| !s.starts_with("CREATE TABLE sqlite_sequence("))
            .collect(),
        Kind::Postgres => {
            let kept: Vec<&str> = raw
                .lines()
                .filter(|l| {
                    !(l.starts_with("--")
                        || l.starts_with("\\restrict")
                        || l.starts_with("\\unrestrict")
                        || l.starts_with("SET ")
                        || l.starts_with("SELECT pg_catalog.set_config("))
                })
                .collect();
            split(&kept.join("\n"), Backend::Postgres)
                .into_iter()
                .map(|s| map_words(&s, postgres_name))
                .collect()
        }
        Kind::MySql => mysql_statements(raw)
            .into_iter()
            .map(|s| map_words(&without_auto_increment(&s), mysql_name))
            .collect(),
    };
    let mut statements: Vec<String> = statements
        .into_iter()
        .map(|s: String| s.trim().to_string())
        .filter(|s| !s.is_empty() && !OWN_TABLES.iter().any(|t| s.contains(t)))
        .collect();
    statements.sort();
    Dump(statements)
}

fn split(sql: &str, backend: Backend) -> Vec<String> {
    split_statements(sql, 1, backend)
        .unwrap_or_else(|e| panic!("cannot split the dump: {e}\n{sql}"))
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

/// mariadb-dump's statements, `DELIMITER` understood, without its session settings and
/// `DROP ... IF EXISTS` lines.
fn mysql_statements(raw: &str) -> Vec<String> {
    let mut delimiter = ";".to_string();
    let mut out = Vec::new();
    let mut current = String::new();
    for line in raw.lines() {
        if let Some(d) = line.strip_prefix("DELIMITER ") {
            delimiter = d.trim().to_string();
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(delimiter.as_str()) {
            let statement = std::mem::take(&mut current);
            let s = statement.trim();
            // `/*!40101 SET ...*/`, `/*!50003 DROP FUNCTION IF EXISTS ...*/`: the code
            // version comment taken off, what is left says what the statement does.
            let bare = s
                .strip_prefix("/*!")
                .map_or(s, |v| v.trim_start_matches(|c: char| c.is_ascii_digit()))
                .trim_start();
            let noise =
                s.starts_with("/*M!") || bare.starts_with("DROP ") || bare.starts_with("SET ");
            if !noise {
                out.push(s.to_string());
            }
        }
    }
    out.push(current);
    out
}

fn without_auto_increment(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find(" AUTO_INCREMENT=") {
        out.push_str(&rest[..at]);
        rest =
            rest[at + " AUTO_INCREMENT=".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// `f` applied to every word (a run of letters, digits and `_`) of `s`.
fn map_words(s: &str, f: fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(&f(word).unwrap_or_else(|| word.clone()));
            word.clear();
        }
    };
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// PostgreSQL's generated names get a number when the plain one is taken (`t_a_fkey1`).
fn postgres_name(w: &str) -> Option<String> {
    let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
    let generated = ["_pkey", "_fkey", "_key", "_check", "_excl", "_idx", "_seq"];
    (stem.len() < w.len() && generated.iter().any(|g| stem.ends_with(g))).then(|| stem.to_string())
}

/// MariaDB numbers the foreign keys it names (`t_ibfk_1`) in the order they were added.
fn mysql_name(w: &str) -> Option<String> {
    let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
    (stem.len() < w.len() && stem.ends_with("_ibfk_")).then(|| format!("{stem}N"))
}

/// A SQLite statement in one spelling: identifiers unquoted where they need no quotes (double
/// quotes where they do), whitespace collapsed, none around parentheses and before commas.
fn sqlite_spelling(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let plain = |id: &str| {
        id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && id.chars().next().is_some_and(|c| !c.is_ascii_digit())
    };
    while let Some(c) = chars.next() {
        match c {
            '[' | '"' | '`' => {
                let close = if c == '[' { ']' } else { c };
                let mut id = String::new();
                while let Some(n) = chars.next() {
                    if n == close {
                        if close != ']' && chars.peek() == Some(&close) {
                            chars.next();
                            id.push(n);
                            continue;
                        }
                        break;
                    }
                    id.push(n);
                }
                if plain(&id) {
                    out.push_str(&id);
                } else {
                    out.push_str(&format!("\"{}\"", id.replace('"', "\"\"")));
                }
            }
            '\'' => {
                out.push(c);
                while let Some(n) = chars.next() {
                    out.push(n);
                    if n == '\'' {
                        if chars.peek() == Some(&'\'') {
                            out.push(chars.next().unwrap());
                            continue;
                        }
                        break;
                    }
                }
            }
            c if c.is_whitespace() => {
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                let next = chars.peek().copied();
                let last = out.chars().last();
                if !matches!(next, Some(')' | ',' | '(') | None)
                    && !matches!(last, Some('(') | None)
                {
                    out.push(' ');
                }
            }
            '(' => {
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push('(');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Two dumps are equal; the message lists the statements only one side has.
pub fn assert_same_dump(actual: &Dump, expected: &Dump, what: &str, context: &str) {
    if actual == expected {
        return;
    }
    let only = |a: &Dump, b: &Dump| {
        a.0.iter()
            .filter(|s| !b.0.contains(s))
            .map(|s| format!("  {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what}: the dumps differ\n--- only in the migrated database ---\n{}\n--- only in the expected one ---\n{}\n{context}",
        only(actual, expected),
        only(expected, actual)
    );
}

/// Two catalogs state the same schema: no difference either way, the same tables, objects and
/// unmanaged objects.
pub fn assert_same_catalog(actual: &Schema, expected: &Schema, what: &str, context: &str) {
    let there = aludel::autogen::diff(actual, expected, &[]);
    let back = aludel::autogen::diff(expected, actual, &[]);
    let describe = |changes: &[aludel::autogen::Change]| {
        changes
            .iter()
            .flat_map(|c| c.describe())
            .collect::<Vec<_>>()
            .join("; ")
    };
    assert!(
        there.is_empty() && back.is_empty(),
        "{what}: the catalogs differ: {}\n{context}",
        describe(&there)
    );
    assert_eq!(
        actual.tables.keys().collect::<Vec<_>>(),
        expected.tables.keys().collect::<Vec<_>>(),
        "{what}: tables\n{context}"
    );
    assert_eq!(
        actual.objects.keys().collect::<Vec<_>>(),
        expected.objects.keys().collect::<Vec<_>>(),
        "{what}: objects\n{context}"
    );
    for (key, o) in &actual.objects {
        assert!(
            o.same_as(&expected.objects[key]),
            "{what}: {key:?} differs:\n{}\nvs\n{}\n{context}",
            o.definition,
            expected.objects[key].definition
        );
    }
    let mut a = actual.unmanaged.clone();
    let mut b = expected.unmanaged.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{what}: unmanaged objects\n{context}");
}
