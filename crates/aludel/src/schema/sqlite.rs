//! SQLite introspection: `pragma_table_xinfo`, `pragma_index_list` / `pragma_index_info`,
//! `pragma_foreign_key_list`, and the stored `CREATE` text in `sqlite_schema` for what the
//! pragmas do not say (CHECK constraints, index expressions and predicates, AUTOINCREMENT).

use std::collections::BTreeMap;

use super::text::{self, Kind, is_word, matching_close, split_top_level, tokens};
use super::{
    CheckConstraint, Column, ForeignKey, Identity, Index, Schema, Table, TableFilter,
    UniqueConstraint, action, opt,
};
use crate::Result;
use crate::dialect::Database;

pub(super) async fn introspect(db: &mut Database, filter: &TableFilter) -> Result<Schema> {
    let d = db.dialect();
    let rows = db
        .fetch(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .await?;
    let mut schema = Schema::default();
    for row in rows {
        let name = super::text(&row, 0);
        if !filter.accepts(&name) {
            continue;
        }
        let sql = super::text(&row, 1);
        let lit = d.quote_literal(&name);
        let mut table = Table {
            name: name.clone(),
            sql: Some(sql.clone()),
            ..Table::default()
        };
        let autoincrement = tokens(&sql)
            .iter()
            .any(|t| is_word(&sql, t, "AUTOINCREMENT"));

        let cols = db
            .fetch(&format!(
                "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo({lit}) ORDER BY cid"
            ))
            .await?;
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in cols {
            if super::text(&c, 5) == "1" {
                continue;
            }
            let col_name = super::text(&c, 0);
            let pk_pos: i64 = super::text(&c, 4).parse().unwrap_or(0);
            if pk_pos > 0 {
                pk.push((pk_pos, col_name.clone()));
            }
            table.columns.push(Column {
                name: col_name,
                type_: normalise_type(&super::text(&c, 1)),
                nullable: super::text(&c, 2) != "1",
                default: opt(&c, 3),
                comment: None,
                identity: None,
            });
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, n)| n).collect();
        if autoincrement && table.primary_key.len() == 1 {
            let key = table.primary_key[0].clone();
            if let Some(c) = table.columns.iter_mut().find(|c| c.name == key) {
                c.identity = Some(Identity::AutoIncrement);
            }
        }

        let indexes = db
            .fetch(&format!(
                "SELECT name, \"unique\", origin FROM pragma_index_list({lit}) ORDER BY name"
            ))
            .await?;
        for ix in indexes {
            let ix_name = super::text(&ix, 0);
            match super::text(&ix, 2).as_str() {
                "c" => {
                    let ix_sql = db
                        .fetch(&format!(
                            "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = {}",
                            d.quote_literal(&ix_name)
                        ))
                        .await?;
                    let ix_sql = ix_sql
                        .first()
                        .map(|r| super::text(r, 0))
                        .unwrap_or_default();
                    let (parts, predicate) = index_parts(&ix_sql);
                    table.indexes.insert(
                        ix_name.clone(),
                        Index {
                            name: ix_name,
                            parts,
                            unique: super::text(&ix, 1) == "1",
                            predicate,
                            method: None,
                        },
                    );
                }
                "u" => {
                    let cols = db
                        .fetch(&format!(
                            "SELECT name FROM pragma_index_info({}) ORDER BY seqno",
                            d.quote_literal(&ix_name)
                        ))
                        .await?;
                    let columns = cols.iter().map(|r| super::text(r, 0)).collect();
                    table.uniques.push(UniqueConstraint {
                        name: None,
                        columns,
                    });
                }
                _ => {}
            }
        }
        table.uniques.sort_by(|a, b| a.columns.cmp(&b.columns));
        table.checks = checks(&sql);

        let fks = db
            .fetch(&format!(
                "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list({lit}) ORDER BY id, seq"
            ))
            .await?;
        let mut by_id: BTreeMap<String, ForeignKey> = BTreeMap::new();
        for f in fks {
            let fk = by_id
                .entry(super::text(&f, 0))
                .or_insert_with(|| ForeignKey {
                    name: None,
                    columns: vec![],
                    ref_table: super::text(&f, 1),
                    ref_columns: vec![],
                    on_delete: action(&super::text(&f, 5)),
                    on_update: action(&super::text(&f, 4)),
                    implicit_index: None,
                });
            fk.columns.push(super::text(&f, 2));
            if let Some(to) = opt(&f, 3) {
                fk.ref_columns.push(to);
            }
        }
        // SQLite numbers foreign keys from the end of the statement; keep the written order.
        table.foreign_keys = by_id.into_values().rev().collect();
        schema.tables.insert(name, table);
    }
    Ok(schema)
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
pub(crate) fn index_parts(sql: &str) -> (Vec<String>, Option<String>) {
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
pub(crate) fn checks(sql: &str) -> Vec<CheckConstraint> {
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

/// The stored `CREATE TABLE` text of a table renamed to `new_name`: everything up to the
/// column list is replaced, so the definition is kept exactly.
pub(crate) fn create_table_as(sql: &str, new_name: &str) -> String {
    let toks = tokens(sql);
    match toks.iter().position(|t| t.kind == Kind::Open) {
        Some(open) => format!(
            "CREATE TABLE \"{}\" {}",
            new_name.replace('"', "\"\""),
            &sql[toks[open].start..]
        ),
        None => sql.to_string(),
    }
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
    fn renames_a_stored_definition() {
        let sql = "CREATE TABLE IF NOT EXISTS \"users\" (id INTEGER)";
        assert_eq!(
            create_table_as(sql, "_aludel_tmp_users"),
            "CREATE TABLE \"_aludel_tmp_users\" (id INTEGER)"
        );
    }

    #[test]
    fn types_are_spelled_one_way() {
        assert_eq!(normalise_type("varchar (50)"), "VARCHAR(50)");
        assert_eq!(normalise_type("numeric( 10, 2 )"), "NUMERIC(10,2)");
    }
}
