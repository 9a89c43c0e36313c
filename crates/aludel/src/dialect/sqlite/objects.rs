//! SQLite's views and triggers as [`Object`]s, and what a stored `CREATE TABLE` says beyond
//! the pragmas (table options, generated columns): each object's definition is the `CREATE`
//! statement `sqlite_schema` stores (SQLite keeps it exactly as it was written), and its
//! dependencies are the tables and views its text names, read with the shared scanner.

use std::collections::BTreeMap;

use crate::dialect::catalog::{opt, text as value};
use crate::dialect::database::Rows;
use crate::schema::text::{self, Kind, is_word, matching_close, tokens};
use crate::schema::{Object, ObjectKey, ObjectKind, Schema, TableFilter, TableOptions};

/// Views and triggers, with the table a trigger belongs to (a view's own name for a view).
pub(super) const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema \
    WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY type, name";

/// Adds the views and triggers of `rows` (from [`OBJECTS`]) to `schema`, whose tables are
/// already read. A trigger on a table the filter leaves out is left out with it.
pub(super) fn add_objects(schema: &mut Schema, rows: Rows, filter: &TableFilter) {
    // SQLite's names are case-insensitive: a statement may spell a table `ALBUM`.
    let mut names: BTreeMap<String, ObjectKey> = schema
        .tables
        .keys()
        .map(|t| (t.to_lowercase(), ObjectKey::table(t)))
        .collect();
    for row in &rows {
        if value(row, 0) == "view" {
            let name = value(row, 1);
            names.insert(
                name.to_lowercase(),
                ObjectKey {
                    kind: ObjectKind::View,
                    name,
                },
            );
        }
    }
    for row in rows {
        let (kind, name, table) = (value(&row, 0), value(&row, 1), value(&row, 2));
        let Some(stored) = opt(&row, 3) else {
            continue;
        };
        // SQLite keeps a comment written before the `;` (`sqlite3 .schema` writes the view's
        // columns there); the statement ends at its last token.
        let end = tokens(&stored).last().map_or(stored.len(), |t| t.end);
        let definition = stored[..end].to_string();
        let key = ObjectKey {
            kind: if kind == "view" {
                ObjectKind::View
            } else {
                ObjectKind::Trigger
            },
            name,
        };
        if key.kind == ObjectKind::Trigger && !filter.accepts(&table) {
            continue;
        }
        let object = Object {
            depends_on: referenced(&definition, &names, &key),
            table: (key.kind == ObjectKind::Trigger).then_some(table),
            definition,
            comment: None,
            key,
        };
        schema.objects.insert(object.key.clone(), object);
    }
}

/// The tables and views (from `names`, keyed in lower case) that `sql` names, other than
/// `own`, in the order of their first mention.
fn referenced(sql: &str, names: &BTreeMap<String, ObjectKey>, own: &ObjectKey) -> Vec<ObjectKey> {
    let mut out: Vec<ObjectKey> = Vec::new();
    for t in tokens(sql) {
        if !matches!(t.kind, Kind::Word | Kind::Ident) {
            continue;
        }
        let word = text::unquote(&sql[t.start..t.end]).to_lowercase();
        if let Some(key) = names.get(&word)
            && key != own
            && !out.contains(key)
        {
            out.push(key.clone());
        }
    }
    out
}

/// The options after a stored `CREATE TABLE`'s column list (`WITHOUT ROWID`, `STRICT`), and
/// the clauses of the list the model has no field for.
pub(super) fn table_options(sql: &str) -> TableOptions {
    let mut options = TableOptions {
        clauses: clauses(sql),
        ..TableOptions::default()
    };
    // Most tables have neither: answered without tokenizing.
    if !text::may_contain_word(sql, "ROWID") && !text::may_contain_word(sql, "STRICT") {
        return options;
    }
    let toks = tokens(sql);
    let Some(close) = toks
        .iter()
        .position(|t| t.kind == Kind::Open)
        .and_then(|open| matching_close(&toks, open))
    else {
        return options;
    };
    for t in &toks[close + 1..] {
        if is_word(sql, t, "ROWID") {
            options.without_rowid = true;
        } else if is_word(sql, t, "STRICT") {
            options.strict = true;
        }
    }
    options
}

/// The `ON CONFLICT` clauses and descending primary keys of a stored `CREATE TABLE`'s column
/// list, in written order: `A: NOT NULL ON CONFLICT REPLACE`, `ID: PRIMARY KEY DESC`,
/// `TABLE: PRIMARY KEY (A, B DESC)`.
fn clauses(sql: &str) -> Vec<String> {
    if !text::may_contain_word(sql, "CONFLICT") && !text::may_contain_word(sql, "DESC") {
        return vec![];
    }
    let toks = tokens(sql);
    let Some(open) = toks.iter().position(|t| t.kind == Kind::Open) else {
        return vec![];
    };
    let Some(close) = matching_close(&toks, open) else {
        return vec![];
    };
    let mut out = Vec::new();
    for item in text::split_top_level(&sql[toks[open].end..toks[close].start]) {
        item_clauses(&item, &mut out);
    }
    out
}

/// [`clauses`] of one column definition or table constraint.
fn item_clauses(item: &str, out: &mut Vec<String>) {
    let toks = tokens(item);
    let word = |i: usize, w: &str| toks.get(i).is_some_and(|t| is_word(item, t, w));
    let upper = |i: usize| item[toks[i].start..toks[i].end].to_ascii_uppercase();
    let table_level = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
        .iter()
        .any(|w| word(0, w));
    let subject = match toks.first() {
        _ if table_level => "TABLE".to_string(),
        Some(t) => text::unquote(&item[t.start..t.end]).to_ascii_uppercase(),
        None => return,
    };
    let mut constraint = String::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].kind == Kind::Open {
            let end = matching_close(&toks, i).unwrap_or(toks.len() - 1);
            let inner = &item[toks[i].end..toks[end].start];
            if constraint == "PRIMARY KEY" && text::may_contain_word(inner, "DESC") {
                let inner = inner.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(format!(
                    "{subject}: PRIMARY KEY ({})",
                    inner.to_ascii_uppercase()
                ));
            }
            i = end + 1;
            continue;
        }
        if word(i, "NOT") && word(i + 1, "NULL") {
            constraint = "NOT NULL".into();
            i += 2;
            continue;
        }
        if word(i, "PRIMARY") && word(i + 1, "KEY") {
            constraint = "PRIMARY KEY".into();
            if word(i + 2, "DESC") {
                out.push(format!("{subject}: PRIMARY KEY DESC"));
            }
            i += 2;
            continue;
        }
        if [
            "UNIQUE",
            "CHECK",
            "DEFAULT",
            "REFERENCES",
            "COLLATE",
            "NULL",
        ]
        .iter()
        .any(|w| word(i, w))
        {
            constraint = upper(i);
        }
        if word(i, "ON") && word(i + 1, "CONFLICT") && i + 2 < toks.len() {
            out.push(format!(
                "{subject}: {constraint} ON CONFLICT {}",
                upper(i + 2)
            ));
            i += 3;
            continue;
        }
        i += 1;
    }
}

/// The generation clause of generated column `column` in a stored `CREATE TABLE`, in one
/// spelling: `GENERATED ALWAYS AS (expr) VIRTUAL` or `... STORED` (`stored` is what the
/// pragma says). It is part of the column's type in the model: compared, and written back
/// with the column.
pub(crate) fn generated_clause(sql: &str, column: &str, stored: bool) -> String {
    let kind = if stored { "STORED" } else { "VIRTUAL" };
    let expression = column_definition(sql, column).and_then(|def| {
        let def = def.as_str();
        let toks = tokens(def);
        let mut i = 0;
        while i < toks.len() {
            if toks[i].kind == Kind::Open {
                i = matching_close(&toks, i)? + 1;
                continue;
            }
            if is_word(def, &toks[i], "AS") && toks.get(i + 1)?.kind == Kind::Open {
                let close = matching_close(&toks, i + 1)?;
                return Some(def[toks[i + 1].end..toks[close].start].trim().to_string());
            }
            i += 1;
        }
        None
    });
    format!(
        "GENERATED ALWAYS AS ({}) {kind}",
        expression.unwrap_or_default()
    )
}

/// The collation `column` declares in a stored `CREATE TABLE` (`COLLATE NOCASE`), upper case.
/// It is part of the column's type in the model, like a generation clause.
pub(crate) fn collation(sql: &str, column: &str) -> Option<String> {
    let def = column_definition(sql, column)?;
    let toks = tokens(&def);
    let at = toks.iter().position(|t| is_word(&def, t, "COLLATE"))?;
    let name = toks.get(at + 1)?;
    Some(text::unquote(&def[name.start..name.end]).to_ascii_uppercase())
}

/// The definition of `column` in the column list of a stored `CREATE TABLE`.
fn column_definition(sql: &str, column: &str) -> Option<String> {
    let toks = tokens(sql);
    let open = toks.iter().position(|t| t.kind == Kind::Open)?;
    let close = matching_close(&toks, open)?;
    text::split_top_level(&sql[toks[open].end..toks[close].start])
        .into_iter()
        .find(|def| {
            tokens(def)
                .first()
                .is_some_and(|n| text::unquote(&def[n.start..n.end]).eq_ignore_ascii_case(column))
        })
}

/// The `MATCH …` and `[NOT] DEFERRABLE [INITIALLY …]` clauses of each foreign key of a stored
/// `CREATE TABLE` statement, in written order (the order `pragma_foreign_key_list` does not
/// keep, and the pragma does not report either clause), upper case with single spaces: the
/// `MATCH` clause and the deferral of each.
pub(super) fn foreign_key_tails(sql: &str) -> Vec<(Option<String>, Option<String>)> {
    if !text::may_contain_word(sql, "REFERENCES") {
        return vec![];
    }
    let toks = tokens(sql);
    let word = |i: usize, w: &str| toks.get(i).is_some_and(|t| is_word(sql, t, w));
    let Some(open) = toks.iter().position(|t| t.kind == Kind::Open) else {
        return vec![];
    };
    let end = matching_close(&toks, open).unwrap_or(toks.len());
    let mut out = Vec::new();
    let mut i = open + 1;
    while i < end {
        if toks[i].kind == Kind::Open {
            i = matching_close(&toks, i).unwrap_or(end) + 1;
            continue;
        }
        if !word(i, "REFERENCES") {
            i += 1;
            continue;
        }
        i += 2;
        if toks.get(i).is_some_and(|t| t.kind == Kind::Open) {
            i = matching_close(&toks, i).unwrap_or(end) + 1;
        }
        let (mut match_type, mut deferral) = (None, None);
        while i < end {
            if word(i, "ON") && (word(i + 1, "DELETE") || word(i + 1, "UPDATE")) {
                i += if word(i + 2, "SET") || word(i + 2, "NO") {
                    4
                } else {
                    3
                };
            } else if word(i, "MATCH") && i + 1 < end {
                let kind = &sql[toks[i + 1].start..toks[i + 1].end];
                match_type = Some(format!("MATCH {}", kind.to_ascii_uppercase()));
                i += 2;
            } else if word(i, "DEFERRABLE") || (word(i, "NOT") && word(i + 1, "DEFERRABLE")) {
                let n = if word(i, "NOT") { 2 } else { 1 };
                let n = if word(i + n, "INITIALLY") { n + 2 } else { n };
                let words: Vec<String> = (i..(i + n).min(end))
                    .map(|k| sql[toks[k].start..toks[k].end].to_ascii_uppercase())
                    .collect();
                deferral = Some(words.join(" "));
                i += n;
            } else {
                break;
            }
        }
        out.push((match_type, deferral));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_conflict_clauses_and_descending_keys() {
        let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY desc ON CONFLICT ROLLBACK,
            \"a\" TEXT NOT NULL ON CONFLICT replace DEFAULT ('x desc'), b TEXT UNIQUE,
            CONSTRAINT c CHECK (b <> 'on conflict') ON CONFLICT FAIL,
            UNIQUE (a, b) ON CONFLICT IGNORE)";
        assert_eq!(
            clauses(sql),
            vec![
                "ID: PRIMARY KEY DESC",
                "ID: PRIMARY KEY ON CONFLICT ROLLBACK",
                "A: NOT NULL ON CONFLICT REPLACE",
                "TABLE: CHECK ON CONFLICT FAIL",
                "TABLE: UNIQUE ON CONFLICT IGNORE",
            ]
        );
        let composite = "CREATE TABLE u (a INT, b INT, PRIMARY KEY (a, b  DESC))";
        assert_eq!(clauses(composite), vec!["TABLE: PRIMARY KEY (A, B DESC)"]);
        assert!(clauses("CREATE TABLE v (a INT DEFAULT 'desc')").is_empty());
    }

    #[test]
    fn foreign_key_tails_in_written_order() {
        let sql = "CREATE TABLE t (a INT REFERENCES p ON DELETE SET NULL match simple NOT NULL,
            b INT, c INT CHECK (c REFERENCES), FOREIGN KEY (b) REFERENCES q (id) ON UPDATE NO ACTION
            deferrable   initially DEFERRED, FOREIGN KEY (c) REFERENCES r (id) NOT DEFERRABLE)";
        assert_eq!(
            foreign_key_tails(sql),
            vec![
                (Some("MATCH SIMPLE".into()), None),
                (None, Some("DEFERRABLE INITIALLY DEFERRED".into())),
                (None, Some("NOT DEFERRABLE".into())),
            ]
        );
        assert_eq!(
            foreign_key_tails("CREATE TABLE t (a INT REFERENCES p (id))"),
            vec![(None, None)]
        );
    }

    fn schema_with(tables: &[&str]) -> Schema {
        let mut schema = Schema::default();
        for t in tables {
            schema.tables.insert(
                t.to_string(),
                crate::schema::Table {
                    name: t.to_string(),
                    ..Default::default()
                },
            );
        }
        schema
    }

    fn row(values: &[&str]) -> Vec<Option<String>> {
        values.iter().map(|v| Some(v.to_string())).collect()
    }

    #[test]
    fn views_and_triggers_depend_on_what_they_name() {
        let mut schema = schema_with(&["Album", "Track", "log"]);
        let rows = vec![
            row(&[
                "trigger",
                "trg",
                "Track",
                "CREATE TRIGGER trg AFTER DELETE ON [Track] BEGIN INSERT INTO log SELECT * FROM v_albums; END",
            ]),
            row(&[
                "view",
                "v_albums",
                "v_albums",
                "CREATE VIEW v_albums AS SELECT a.Title, 'Track' AS word FROM \"ALBUM\" a",
            ]),
        ];
        add_objects(&mut schema, rows, &TableFilter::default());
        let view = &schema.objects[&ObjectKey {
            kind: ObjectKind::View,
            name: "v_albums".into(),
        }];
        // A table named in a string is no dependency; one spelled in another case is.
        assert_eq!(view.depends_on, vec![ObjectKey::table("Album")]);
        assert_eq!(view.table, None);
        let trigger = &schema.objects[&ObjectKey {
            kind: ObjectKind::Trigger,
            name: "trg".into(),
        }];
        assert_eq!(trigger.table.as_deref(), Some("Track"));
        assert_eq!(
            trigger.depends_on,
            vec![
                ObjectKey::table("Track"),
                ObjectKey::table("log"),
                view.key.clone()
            ]
        );
    }

    #[test]
    fn a_comment_before_the_semicolon_is_not_part_of_the_definition() {
        let mut schema = schema_with(&["t"]);
        let rows = vec![row(&[
            "view",
            "v",
            "v",
            "CREATE VIEW v AS SELECT a FROM t /* inner */ WHERE a > 0\n/* v(a) */",
        ])];
        add_objects(&mut schema, rows, &TableFilter::default());
        let v = schema.objects.values().next().unwrap();
        assert_eq!(
            v.definition,
            "CREATE VIEW v AS SELECT a FROM t /* inner */ WHERE a > 0"
        );
    }

    #[test]
    fn reads_a_generated_columns_clause_in_one_spelling() {
        let sql = "CREATE TABLE item (id INTEGER, price NUMERIC(10,2) DEFAULT (CAST(1 AS NUMERIC)), \
            [total] NUMERIC AS (price * (id + 1)) STORED, label TEXT GENERATED ALWAYS AS (lower('A,B')))";
        assert_eq!(
            generated_clause(sql, "total", true),
            "GENERATED ALWAYS AS (price * (id + 1)) STORED"
        );
        assert_eq!(
            generated_clause(sql, "label", false),
            "GENERATED ALWAYS AS (lower('A,B')) VIRTUAL"
        );
    }

    #[test]
    fn reads_a_columns_collation() {
        let sql = "CREATE TABLE t (a TEXT COLLATE nocase NOT NULL, b TEXT, \"c d\" TEXT COLLATE \"RTRIM\", \
            CHECK (b <> a COLLATE BINARY))";
        assert_eq!(collation(sql, "a").as_deref(), Some("NOCASE"));
        assert_eq!(collation(sql, "b"), None);
        assert_eq!(collation(sql, "c d").as_deref(), Some("RTRIM"));
    }

    #[test]
    fn reads_without_rowid_and_strict() {
        let o = table_options("CREATE TABLE w(x INT PRIMARY KEY, y TEXT) WITHOUT ROWID, STRICT");
        assert!(o.without_rowid && o.strict);
        let o = table_options("CREATE TABLE \"strict\" (rowid_x INT, \"STRICT\" TEXT)");
        assert_eq!(o, TableOptions::default());
    }
}
