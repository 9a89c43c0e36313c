//! SQLite introspection: `pragma_table_xinfo`, `pragma_index_list` / `pragma_index_info`,
//! `pragma_foreign_key_list`, and the stored `CREATE` text in `sqlite_schema` for what the
//! pragmas do not say (CHECK constraints, index expressions and predicates, AUTOINCREMENT).

use std::collections::BTreeMap;

use super::{SqliteConn, objects};
use crate::Result;
use crate::dialect::catalog::{action, opt, query, text as value};
use crate::dialect::database::Rows;
use crate::schema::text::{self, Kind, is_word, matching_close, split_top_level, tokens};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Identity, Index, ObjectKey, ObjectKind, Schema, Table,
    TableFilter, UniqueConstraint,
};

const TABLES: &str = "SELECT m.name, m.sql FROM sqlite_schema m \
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name";

/// The tables aludel does not manage: `virtual` ones (`CREATE VIRTUAL TABLE`) and the `shadow`
/// tables they keep their data in. One query: joined with `sqlite_schema` row by row, the
/// pragma would list every table for every table.
const UNMANAGED: &str = "SELECT name, type FROM pragma_table_list \
    WHERE schema = 'main' AND type IN ('virtual', 'shadow')";

/// The tables the pragmas below read: not virtual ones, whose module may be missing.
macro_rules! ordinary {
    () => {
        "m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL %'"
    };
}

const COLUMNS: &str = concat!(
    "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
    FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p \
    WHERE ",
    ordinary!(),
    " ORDER BY m.name, p.cid"
);

const INDEXES: &str = concat!(
    "SELECT m.name, il.name, il.\"unique\", il.origin, s.sql \
    FROM sqlite_schema m JOIN pragma_index_list(m.name) il \
    LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = il.name \
    WHERE ",
    ordinary!(),
    " ORDER BY m.name, il.name"
);

const UNIQUE_COLUMNS: &str = concat!(
    "SELECT il.name, ii.name FROM sqlite_schema m \
    JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
    WHERE ",
    ordinary!(),
    " AND il.origin = 'u' ORDER BY il.name, ii.seqno"
);

const FOREIGN_KEYS: &str = concat!(
    "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
    FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f \
    WHERE ",
    ordinary!(),
    " ORDER BY m.name, f.id, f.seq"
);

/// Catalog rows grouped by their first value (a table's or an index's name).
type Grouped = BTreeMap<String, Rows>;

fn group(rows: Rows) -> Grouped {
    let mut by_name = Grouped::new();
    for row in rows {
        by_name.entry(value(&row, 0)).or_default().push(row);
    }
    by_name
}

/// Every table, view and trigger of the database in seven catalog queries (the pragmas joined with
/// `sqlite_schema`), rather than several per table: a 500-table schema reads in milliseconds.
pub(super) async fn introspect(db: &mut SqliteConn, filter: &TableFilter) -> Result<Schema> {
    let tables = query(db, TABLES).await?;
    let unmanaged: BTreeMap<String, String> = query(db, UNMANAGED)
        .await?
        .iter()
        .map(|r| (value(r, 0), value(r, 1)))
        .collect();
    let mut columns = group(query(db, COLUMNS).await?);
    let mut indexes = group(query(db, INDEXES).await?);
    let mut unique_columns = group(query(db, UNIQUE_COLUMNS).await?);
    let mut foreign_keys = group(query(db, FOREIGN_KEYS).await?);
    let mut schema = Schema::default();
    for row in tables {
        let name = value(&row, 0);
        if !filter.accepts(&name) {
            continue;
        }
        match unmanaged.get(&name).map(String::as_str) {
            Some("virtual") => {
                schema.unmanaged.push(ObjectKey {
                    kind: ObjectKind::Other("virtual table"),
                    name,
                });
                continue;
            }
            Some(_) => continue,
            _ => {}
        }
        let sql = value(&row, 1);
        let mut table = Table {
            name: name.clone(),
            sql: Some(sql.clone()),
            ..Table::default()
        };
        add_columns(&mut table, columns.remove(&name).unwrap_or_default());
        add_indexes(
            &mut table,
            indexes.remove(&name).unwrap_or_default(),
            &mut unique_columns,
        );
        table.checks = checks(&sql);
        table.foreign_keys = foreign_keys_of(foreign_keys.remove(&name).unwrap_or_default());
        let tails = objects::foreign_key_tails(&sql);
        if tails.len() == table.foreign_keys.len() {
            for (fk, (match_type, deferral)) in table.foreign_keys.iter_mut().zip(tails) {
                fk.match_type = match_type;
                fk.deferral = deferral;
            }
        }
        table.options = objects::table_options(&sql);
        schema.tables.insert(name, table);
    }
    objects::add_objects(&mut schema, query(db, objects::OBJECTS).await?, filter);
    Ok(schema)
}

/// The columns and primary key of `table` from its `pragma_table_xinfo` rows; the key column
/// of an `AUTOINCREMENT` table numbers itself.
fn add_columns(table: &mut Table, rows: Rows) {
    let mut pk: Vec<(i64, String)> = Vec::new();
    for c in rows {
        // `hidden`: 1 a virtual table's hidden column, 2 and 3 a generated column.
        let hidden = value(&c, 6);
        if hidden == "1" {
            continue;
        }
        let col_name = value(&c, 1);
        let pk_pos: i64 = value(&c, 5).parse().unwrap_or(0);
        if pk_pos > 0 {
            pk.push((pk_pos, col_name.clone()));
        }
        let mut type_ = normalise_type(&value(&c, 2));
        let sql = table.sql.as_deref().unwrap_or_default();
        if text::may_contain_word(sql, "COLLATE")
            && let Some(collation) = objects::collation(sql, &col_name)
        {
            type_ = format!("{type_} COLLATE {collation}")
                .trim_start()
                .to_string();
        }
        if hidden == "2" || hidden == "3" {
            let clause = objects::generated_clause(sql, &col_name, hidden == "3");
            type_ = format!("{type_} {clause}").trim_start().to_string();
        }
        table.columns.push(Column {
            name: col_name,
            type_,
            nullable: value(&c, 3) != "1",
            default: opt(&c, 4),
            comment: None,
            identity: None,
            sequence: None,
        });
    }
    pk.sort();
    table.primary_key = pk.into_iter().map(|(_, n)| n).collect();
    let sql = table.sql.as_deref().unwrap_or_default();
    let autoincrement = text::may_contain_word(sql, "AUTOINCREMENT")
        && tokens(sql).iter().any(|t| is_word(sql, t, "AUTOINCREMENT"));
    if autoincrement && table.primary_key.len() == 1 {
        let key = table.primary_key[0].clone();
        if let Some(c) = table.columns.iter_mut().find(|c| c.name == key) {
            c.identity = Some(Identity::AutoIncrement);
        }
    }
}

/// The indexes (`origin = 'c'`) and UNIQUE constraints (`origin = 'u'`) of `table` from its
/// `pragma_index_list` rows; a constraint's columns come from `unique_columns`.
fn add_indexes(table: &mut Table, rows: Rows, unique_columns: &mut Grouped) {
    for ix in rows {
        let ix_name = value(&ix, 1);
        match value(&ix, 3).as_str() {
            "c" => {
                let (parts, predicate) = index_parts(&value(&ix, 4));
                table.indexes.insert(
                    ix_name.clone(),
                    Index {
                        name: ix_name,
                        parts,
                        unique: value(&ix, 2) == "1",
                        predicate,
                        method: None,
                        options: None,
                    },
                );
            }
            "u" => {
                let columns = unique_columns
                    .remove(&ix_name)
                    .unwrap_or_default()
                    .iter()
                    .map(|r| value(r, 1))
                    .collect();
                table.uniques.push(UniqueConstraint {
                    name: None,
                    columns,
                });
            }
            _ => {}
        }
    }
    table.uniques.sort_by(|a, b| a.columns.cmp(&b.columns));
}

/// The foreign keys of a table from its `pragma_foreign_key_list` rows, one row per column.
fn foreign_keys_of(rows: Rows) -> Vec<ForeignKey> {
    let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
    for f in rows {
        let fk = by_id
            .entry(value(&f, 1).parse().unwrap_or(0))
            .or_insert_with(|| ForeignKey {
                name: None,
                columns: vec![],
                ref_table: value(&f, 2),
                ref_columns: vec![],
                on_delete: action(&value(&f, 6)),
                on_update: action(&value(&f, 5)),
                implicit_index: None,
                match_type: None,
                deferral: None,
            });
        fk.columns.push(value(&f, 3));
        if let Some(to) = opt(&f, 4) {
            fk.ref_columns.push(to);
        }
    }
    // SQLite numbers foreign keys from the end of the statement; keep the written order.
    by_id.into_values().rev().collect()
}

/// A declared type in one spelling: upper case, single spaces, no space before `(`.
fn normalise_type(declared: &str) -> String {
    let words: Vec<&str> = declared.split_whitespace().collect();
    words
        .join(" ")
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", ", ",")
        .to_ascii_uppercase()
}

/// The key parts and the predicate of a stored `CREATE INDEX` statement.
fn index_parts(sql: &str) -> (Vec<String>, Option<String>) {
    let toks = tokens(sql);
    let Some(on) = toks.iter().position(|t| is_word(sql, t, "ON")) else {
        return (vec![], None);
    };
    let Some(open) = toks
        .iter()
        .skip(on)
        .position(|t| t.kind == Kind::Open)
        .map(|p| p + on)
    else {
        return (vec![], None);
    };
    let Some(close) = matching_close(&toks, open) else {
        return (vec![], None);
    };
    let parts = split_top_level(&sql[toks[open].end..toks[close].start]);
    let predicate = toks
        .get(close + 1)
        .filter(|t| is_word(sql, t, "WHERE"))
        .map(|t| sql[t.end..].trim().trim_end_matches(';').trim().to_string());
    (parts, predicate)
}

/// The CHECK constraints of a stored `CREATE TABLE` statement, column and table ones, in
/// written order.
fn checks(sql: &str) -> Vec<CheckConstraint> {
    if !text::may_contain_word(sql, "CHECK") {
        return vec![];
    }
    let toks = tokens(sql);
    let Some(open) = toks.iter().position(|t| t.kind == Kind::Open) else {
        return vec![];
    };
    let end = matching_close(&toks, open).unwrap_or(toks.len());
    let mut out = Vec::new();
    let mut pending_name: Option<String> = None;
    let mut i = open + 1;
    while i < end {
        let t = &toks[i];
        match t.kind {
            Kind::Open => {
                i = matching_close(&toks, i).unwrap_or(end) + 1;
                continue;
            }
            Kind::Comma => pending_name = None,
            Kind::Word if is_word(sql, t, "CONSTRAINT") => {
                pending_name = toks.get(i + 1).map(|n| text::unquote(&sql[n.start..n.end]));
                i += 2;
                continue;
            }
            Kind::Word if is_word(sql, t, "CHECK") => {
                if let Some(o) = toks.get(i + 1).filter(|o| o.kind == Kind::Open) {
                    let close = matching_close(&toks, i + 1).unwrap_or(end);
                    let expression = sql[o.end..toks[close].start].trim().to_string();
                    out.push(CheckConstraint {
                        name: pending_name.take(),
                        expression,
                    });
                    i = close + 1;
                    continue;
                }
            }
            Kind::Word
                if [
                    "PRIMARY",
                    "UNIQUE",
                    "FOREIGN",
                    "REFERENCES",
                    "NOT",
                    "DEFAULT",
                    "COLLATE",
                ]
                .iter()
                .any(|w| is_word(sql, t, w)) =>
            {
                pending_name = None
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_column_and_table_checks_with_names() {
        let sql = "CREATE TABLE t (a INT CHECK (a > 0), b TEXT DEFAULT (lower('X')), CONSTRAINT ck_b CHECK (length(b) < 10))";
        let found = checks(sql);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0],
            CheckConstraint {
                name: None,
                expression: "a > 0".into()
            }
        );
        assert_eq!(
            found[1],
            CheckConstraint {
                name: Some("ck_b".into()),
                expression: "length(b) < 10".into()
            }
        );
    }

    #[test]
    fn reads_index_expressions_and_predicate() {
        let (parts, predicate) = index_parts(
            "CREATE INDEX ix ON \"t\" (lower(email), id DESC) WHERE deleted_at IS NULL",
        );
        assert_eq!(parts, vec!["lower(email)", "id DESC"]);
        assert_eq!(predicate.as_deref(), Some("deleted_at IS NULL"));
    }

    #[test]
    fn types_are_spelled_one_way() {
        assert_eq!(normalise_type("varchar (50)"), "VARCHAR(50)");
        assert_eq!(normalise_type("numeric( 10, 2 )"), "NUMERIC(10,2)");
    }
}
