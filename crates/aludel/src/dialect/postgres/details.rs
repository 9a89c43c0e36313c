//! What `pg_constraint`, `pg_index` and `pg_class` hold about a table that the table model
//! does not carry, listed in [`crate::schema::Schema::unmanaged`] so that autogenerate and
//! `check` say they did not compare it, rather than leave it out silently: a NOT VALID
//! constraint, a primary key or UNIQUE constraint stating more than its columns (DEFERRABLE,
//! INCLUDE, NULLS NOT DISTINCT, WITH), a CHECK with NO INHERIT, a foreign key's `SET NULL
//! (columns)`, constraint and index comments, a clustered or replica-identity index, a
//! table's storage parameters, UNLOGGED, row-level security and replica identity, an identity
//! or serial column whose sequence has another type than the column (`ALTER SEQUENCE ... AS
//! integer` on a bigint column: the identity clause cannot state it), and a column's
//! compression (its collation is part of its type, see `introspect.rs`).

use super::PostgresConn;
use crate::Result;
use crate::dialect::catalog::{query, text};
use crate::schema::{ObjectKey, ObjectKind, Schema, TableFilter};

/// Each row: the kind (one of [`KINDS`]), the table, and the name listed.
const DETAILS: &str = "WITH k AS (SELECT k.*, c.relname::text AS tbl, pg_get_constraintdef(k.oid) AS def, \
        (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY u.o) FROM unnest(k.conkey) WITH ORDINALITY u(n, o) \
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) AS cols \
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND k.conparentid = 0), \
    t AS (SELECT c.* FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')) \
    SELECT 'NOT VALID constraint', tbl, tbl || '.' || conname FROM k WHERE NOT convalidated \
    UNION ALL SELECT 'constraint option', tbl, tbl || '.' || conname || ': ' || def FROM k \
        WHERE (contype IN ('p', 'u') AND def <> CASE contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END || ' (' || cols || ')') \
        OR (contype = 'c' AND connoinherit) \
        OR (contype = 'f' AND coalesce(to_jsonb(k) ->> 'confdelsetcols', '') NOT IN ('', 'null')) \
    UNION ALL SELECT 'constraint comment', tbl, tbl || '.' || conname FROM k \
        WHERE contype <> 'x' AND obj_description(oid, 'pg_constraint') IS NOT NULL \
    UNION ALL SELECT 'index comment', t.relname::text, i.relname::text FROM pg_index x \
        JOIN t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid \
        WHERE obj_description(i.oid, 'pg_class') IS NOT NULL \
    UNION ALL SELECT 'clustered index', t.relname::text, i.relname::text FROM pg_index x \
        JOIN t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indisclustered \
    UNION ALL SELECT 'replica identity', t.relname::text, t.relname::text || ': ' || CASE WHEN t.relreplident = 'i' \
        THEN 'USING INDEX ' || (SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
            WHERE x.indrelid = t.oid AND x.indisreplident) \
        WHEN t.relreplident = 'f' THEN 'FULL' ELSE 'NOTHING' END FROM t WHERE t.relreplident <> 'd' \
    UNION ALL SELECT 'table storage parameters', relname::text, relname::text || ': ' || array_to_string(reloptions, ', ') \
        FROM t WHERE reloptions IS NOT NULL \
    UNION ALL SELECT 'unlogged table', relname::text, relname::text FROM t WHERE relpersistence = 'u' \
    UNION ALL SELECT 'row level security', relname::text, relname::text FROM t WHERE relrowsecurity \
    UNION ALL SELECT 'identity sequence type', t.relname::text, t.relname::text || '.' || a.attname::text || ': AS ' || format_type(q.seqtypid, NULL) \
        FROM t JOIN pg_attribute a ON a.attrelid = t.oid \
        JOIN pg_sequence q ON q.seqrelid = pg_get_serial_sequence(quote_ident(t.relnamespace::regnamespace::text) || '.' || quote_ident(t.relname), a.attname)::regclass \
        WHERE a.attnum > 0 AND NOT a.attisdropped AND q.seqtypid <> a.atttypid \
    UNION ALL SELECT 'column compression', t.relname::text, t.relname::text || '.' || a.attname::text \
        FROM t JOIN pg_attribute a ON a.attrelid = t.oid \
        WHERE a.attnum > 0 AND NOT a.attisdropped AND coalesce(to_jsonb(a) ->> 'attcompression', '') <> '' \
    ORDER BY 1, 3";

/// The kinds listed, as `'static` words.
const KINDS: &[&str] = &[
    "NOT VALID constraint",
    "constraint option",
    "constraint comment",
    "index comment",
    "clustered index",
    "replica identity",
    "table storage parameters",
    "unlogged table",
    "row level security",
    "identity sequence type",
    "column compression",
];

/// Lists in `schema.unmanaged` the table details of the tables `filter` accepts that the
/// model does not carry.
pub(super) async fn read(
    db: &mut PostgresConn,
    schema: &mut Schema,
    filter: &TableFilter,
) -> Result<()> {
    for row in query(db, DETAILS).await? {
        let kind = text(&row, 0);
        let Some(word) = KINDS.iter().find(|k| **k == kind) else {
            continue;
        };
        if !filter.accepts(&text(&row, 1)) {
            continue;
        }
        schema.unmanaged.push(ObjectKey {
            kind: ObjectKind::Other(word),
            name: text(&row, 2),
        });
    }
    Ok(())
}
