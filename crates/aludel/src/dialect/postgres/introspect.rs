//! PostgreSQL introspection from `pg_catalog`, for the tables of the current schema: a handful
//! of whole-schema queries (not one per table), every value cast to text in SQL. The objects
//! around the tables are read by [`super::objects`], their dependencies by [`super::depend`].
//!
//! A partition is a table like any other here, without what it inherits from its parent (the
//! constraints and indexes PostgreSQL clones onto it), which the parent creates again when
//! the partition is attached. A column is `serial` only when its default is `nextval()` of the
//! sequence it owns under the name `serial` gives; any other sequence is an object of its own.

use super::render_objects::{q, trigger_key};
use super::{PostgresConn, depend, details, objects, sequence};
use crate::Result;
use crate::dialect::catalog::{action, opt, query, text};
use crate::schema::text::{
    Kind, is_word, matching_close, split_top_level, strip_outer_parens, tokens,
};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Identity, Index, Object, ObjectKey, ObjectKind, Schema,
    Table, TableFilter, UniqueConstraint,
};

/// Separates list items packed into one text value (column names may hold commas).
const SEP: char = '\u{1f}';

const TABLES: &str = "SELECT c.relname::text, obj_description(c.oid, 'pg_class'), c.oid::text, \
    CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END \
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend e \
        WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e') ORDER BY c.relname";

const COLUMNS: &str = "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
    a.attnotnull::text, pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum), a.attidentity::text, \
    (a.attidentity = '' AND d.adbin IS NOT NULL AND s.seq IS NOT NULL \
        AND s.seq::regclass::text = quote_ident(c.relname || '_' || a.attname || '_seq') \
        AND pg_get_expr(d.adbin, d.adrelid) = format('nextval(%L::regclass)', s.seq::regclass::text))::text, \
    (SELECT concat_ws(chr(31), q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle::text) \
        FROM pg_sequence q WHERE q.seqrelid = s.seq::regclass), \
    (SELECT CASE WHEN l.collnamespace IN ('pg_catalog'::regnamespace, n.oid) THEN '' \
            ELSE quote_ident(l.collnamespace::regnamespace::text) || '.' END || quote_ident(l.collname) \
        FROM pg_collation l JOIN pg_type y ON y.oid = a.atttypid \
        WHERE l.oid = a.attcollation AND a.attcollation <> y.typcollation) \
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    LEFT JOIN LATERAL (SELECT pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) AS seq) s ON true \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
    ORDER BY c.relname, a.attnum";

const CONSTRAINTS: &str = "SELECT c.relname::text, con.conname::text, con.contype::text, pg_get_constraintdef(con.oid), \
    array_to_string(ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), chr(31)), \
    rc.relname::text, \
    array_to_string(ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), chr(31)), \
    con.confdeltype::text, con.confupdtype::text, con.confmatchtype::text, con.condeferrable::text, \
    con.condeferred::text, obj_description(con.oid, 'pg_constraint') \
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
    WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'c', 'f', 'x') \
    AND con.conparentid = 0 AND con.conislocal ORDER BY c.relname, con.conname";

const INDEXES: &str = "SELECT t.relname::text, i.relname::text, ix.indisunique::text, am.amname::text, \
    pg_get_expr(ix.indpred, ix.indrelid), pg_get_indexdef(ix.indexrelid) \
    FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
    JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam \
    WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND NOT EXISTS (SELECT 1 FROM pg_constraint con \
        WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x')) \
    AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = ix.indexrelid) \
    ORDER BY t.relname, i.relname";

const ENUMS: &str = "SELECT t.typname::text, e.enumlabel::text FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid \
    JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() \
    ORDER BY t.typname, e.enumsortorder";

/// Every table of the current schema, and its enum types, in a handful of whole-schema queries.
pub(super) async fn introspect(db: &mut PostgresConn, filter: &TableFilter) -> Result<Schema> {
    // A model file's `set_config('search_path', '', false)` (every pg_dump) or `SET
    // search_path` must not decide which schema is read, nor how names are printed: back to
    // the session's own setting (the URL's options, the role's or the database's default).
    query(db, "RESET search_path").await?;
    let mut schema = Schema::default();
    let mut table_ids = Vec::new();
    for row in query(db, TABLES).await? {
        let name = text(&row, 0);
        if filter.accepts(&name) {
            schema.tables.insert(
                name.clone(),
                Table {
                    name: name.clone(),
                    comment: opt(&row, 1),
                    partition_by: opt(&row, 3),
                    ..Table::default()
                },
            );
            table_ids.push((text(&row, 2), name));
        }
    }
    for row in query(db, COLUMNS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        let serial = text(&row, 7) == "true";
        let identity = match text(&row, 6).as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ if serial => Some(Identity::AutoIncrement),
            _ => None,
        };
        let mut type_ = text(&row, 2);
        if let Some(collation) = opt(&row, 9) {
            type_.push_str(&format!(" COLLATE {collation}"));
        }
        let sequence = match identity {
            Some(_) => sequence::options(&type_, &text(&row, 8).split(SEP).collect::<Vec<_>>()),
            None => None,
        };
        table.columns.push(Column {
            name: text(&row, 1),
            type_,
            sequence,
            nullable: text(&row, 3) != "true",
            default: if serial { None } else { opt(&row, 4) },
            comment: opt(&row, 5),
            identity,
        });
    }
    let mut exclusions = Vec::new();
    for row in query(db, CONSTRAINTS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        if text(&row, 2) == "x" {
            exclusions.push(exclusion(&row));
        } else {
            add_constraint(table, &row);
        }
    }
    for row in query(db, INDEXES).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        add_index(table, &row);
    }
    for row in query(db, ENUMS).await? {
        schema
            .enums
            .entry(text(&row, 0))
            .or_default()
            .push(text(&row, 1));
    }
    let mut ids = objects::read(db, &mut schema).await?;
    for o in exclusions {
        schema.objects.insert(o.key.clone(), o);
    }
    for (oid, name) in table_ids {
        ids.insert(("pg_class".to_string(), oid), ObjectKey::table(&name));
    }
    depend::read(db, &mut schema, &ids).await?;
    depend::read_unmanaged(db, &mut schema, filter).await?;
    details::read(db, &mut schema, filter).await?;
    Ok(schema)
}

fn list(packed: &str) -> Vec<String> {
    if packed.is_empty() {
        vec![]
    } else {
        packed.split(SEP).map(str::to_string).collect()
    }
}

/// The key parts of `pg_get_indexdef` text (the list after `USING method`, each with its
/// collation, operator class and order), and what follows the list before `WHERE`
/// (`INCLUDE (…)`, `NULLS NOT DISTINCT`, `WITH (…)`), `None` when nothing does.
fn index_parts(def: &str) -> (Vec<String>, Option<String>) {
    let toks = tokens(def);
    let Some(using) = toks.iter().position(|t| is_word(def, t, "USING")) else {
        return (vec![], None);
    };
    let Some(open) = toks
        .iter()
        .skip(using)
        .position(|t| t.kind == Kind::Open)
        .map(|p| p + using)
    else {
        return (vec![], None);
    };
    let close = matching_close(&toks, open).unwrap_or(toks.len() - 1);
    let parts = split_top_level(&def[toks[open].end..toks[close].start]);
    let mut depth = 0usize;
    let mut end = def.len();
    for t in &toks[close + 1..] {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            _ if depth == 0 && is_word(def, t, "WHERE") => {
                end = t.start;
                break;
            }
            _ => {}
        }
    }
    let rest = def[toks[close].end..end].trim();
    (parts, Some(rest.to_string()).filter(|r| !r.is_empty()))
}

/// An exclusion constraint, from its `pg_constraint` row: an object of its table, created by
/// `ALTER TABLE … ADD CONSTRAINT` with the definition `pg_get_constraintdef` prints.
fn exclusion(row: &[Option<String>]) -> Object {
    let (table, name) = (text(row, 0), text(row, 1));
    Object {
        key: ObjectKey {
            kind: ObjectKind::Constraint,
            name: trigger_key(&table, &name),
        },
        table: Some(table.clone()),
        definition: format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {}",
            q(&table),
            q(&name),
            text(row, 3)
        ),
        depends_on: vec![ObjectKey::table(&table)],
        comment: opt(row, 12),
    }
}

/// A primary key, UNIQUE, CHECK or foreign-key constraint of `table` from its `pg_constraint` row.
fn add_constraint(table: &mut Table, row: &[Option<String>]) {
    let name = text(row, 1);
    let columns = list(&text(row, 4));
    match text(row, 2).as_str() {
        "p" => {
            table.primary_key = columns;
            table.primary_key_name = Some(name);
        }
        "u" => table.uniques.push(UniqueConstraint {
            name: Some(name),
            columns,
        }),
        "c" => {
            let def = text(row, 3);
            let body = def.strip_prefix("CHECK ").unwrap_or(&def);
            let body = body.strip_suffix(" NOT VALID").unwrap_or(body);
            table.checks.push(CheckConstraint {
                name: Some(name),
                expression: strip_outer_parens(body).to_string(),
            });
        }
        "f" => table.foreign_keys.push(ForeignKey {
            name: Some(name),
            columns,
            ref_table: text(row, 5),
            ref_columns: list(&text(row, 6)),
            on_delete: action(&text(row, 7)),
            on_update: action(&text(row, 8)),
            implicit_index: None,
            match_type: match text(row, 9).as_str() {
                "f" => Some("MATCH FULL".to_string()),
                "p" => Some("MATCH PARTIAL".to_string()),
                _ => None,
            },
            deferral: match (text(row, 10).as_str(), text(row, 11).as_str()) {
                ("true", "true") => Some("DEFERRABLE INITIALLY DEFERRED".to_string()),
                ("true", _) => Some("DEFERRABLE".to_string()),
                _ => None,
            },
        }),
        _ => {}
    }
}

/// An index of `table` that is not a constraint, from its `pg_index` row.
fn add_index(table: &mut Table, row: &[Option<String>]) {
    let name = text(row, 1);
    let method = Some(text(row, 3)).filter(|m| m != "btree");
    let predicate = opt(row, 4).map(|p| strip_outer_parens(&p).to_string());
    let (parts, options) = index_parts(&text(row, 5));
    table.indexes.insert(
        name.clone(),
        Index {
            name,
            parts,
            unique: text(row, 2) == "true",
            predicate,
            method,
            options,
        },
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn index_parts_come_from_the_using_list() {
        let def = "CREATE UNIQUE INDEX ix ON public.t USING btree (lower((email)::text), id DESC) WHERE (a > 0)";
        assert_eq!(
            super::index_parts(def),
            (vec!["lower((email)::text)".into(), "id DESC".into()], None)
        );
    }

    #[test]
    fn what_follows_the_key_list_is_kept_without_the_predicate() {
        let def = "CREATE UNIQUE INDEX ix ON public.t USING btree (a) INCLUDE (b, c) NULLS NOT DISTINCT \
                   WITH (fillfactor='70') WHERE (a > 0)";
        assert_eq!(
            super::index_parts(def).1.as_deref(),
            Some("INCLUDE (b, c) NULLS NOT DISTINCT WITH (fillfactor='70')")
        );
    }
}
