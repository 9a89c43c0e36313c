//! Dependencies between PostgreSQL objects, from `pg_depend` in one query, and the objects
//! aludel does not manage, listed from the catalogs in one query.
//!
//! `pg_depend` records a dependency from the catalog row that holds it: a view's rewrite rule,
//! a column default (`pg_attrdef`), a constraint, an array type. The query folds each side onto
//! the object aludel knows (the rule onto its view, the default and the constraint onto their
//! table or domain, an array type onto its element, a table's row type onto the table, a
//! composite type's relation onto the type), so that each row reads "this object needs that
//! one". Rows between two objects aludel does not know are ignored.

use std::collections::BTreeSet;

use super::PostgresConn;
use super::objects::Identities;
use crate::Result;
use crate::dialect::catalog::{query, text};
use crate::schema::{ObjectKey, ObjectKind, Schema};

/// The `(catalog, oid)` a `pg_depend` side (`{c}` the catalog, `{o}` the oid) stands for.
fn folded(c: &str, o: &str) -> String {
    format!(
        "SELECT 'pg_class'::text AS cls, r.ev_class AS id FROM pg_rewrite r WHERE {c} = 'pg_rewrite'::regclass AND r.oid = {o} \
         UNION ALL SELECT 'pg_class', a.adrelid FROM pg_attrdef a WHERE {c} = 'pg_attrdef'::regclass AND a.oid = {o} \
         UNION ALL SELECT CASE WHEN k.conrelid <> 0 THEN 'pg_class' ELSE 'pg_type' END, \
            CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END \
            FROM pg_constraint k WHERE {c} = 'pg_constraint'::regclass AND k.oid = {o} \
         UNION ALL SELECT CASE WHEN rc.relkind <> 'c' THEN 'pg_class' ELSE 'pg_type' END, \
            CASE WHEN rc.relkind <> 'c' THEN rc.oid ELSE b.oid END \
            FROM pg_type t JOIN pg_type b ON b.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END \
            LEFT JOIN pg_class rc ON rc.oid = b.typrelid WHERE {c} = 'pg_type'::regclass AND t.oid = {o} \
         UNION ALL SELECT CASE WHEN x.relkind = 'c' THEN 'pg_type' ELSE 'pg_class' END, \
            CASE WHEN x.relkind = 'c' THEN x.reltype WHEN it.relkind IN ('r', 'p') THEN it.oid ELSE x.oid END \
            FROM pg_class x LEFT JOIN pg_index ix ON ix.indexrelid = x.oid LEFT JOIN pg_class it ON it.oid = ix.indrelid \
            WHERE {c} = 'pg_class'::regclass AND x.oid = {o} \
         UNION ALL SELECT {c}::regclass::text, {o} WHERE {c} NOT IN ('pg_rewrite'::regclass, \
            'pg_attrdef'::regclass, 'pg_constraint'::regclass, 'pg_type'::regclass, 'pg_class'::regclass)"
    )
}

/// Every user-level dependency (objects created after the system's, normal or automatic),
/// each side folded onto the object it belongs to, in one query; rows marked `e` are the
/// members of an extension (the extension on the right), the others read "left needs right".
fn depend_query() -> String {
    format!(
        "SELECT DISTINCT CASE WHEN d.deptype = 'e' THEN 'e' ELSE 'n' END, f.cls, f.id::text, t.cls, t.id::text \
         FROM pg_depend d CROSS JOIN LATERAL ({}) f CROSS JOIN LATERAL ({}) t \
         WHERE (d.deptype IN ('n', 'a') OR (d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass)) \
         AND d.objid >= 16384 AND d.refobjid >= 16384",
        folded("d.classid", "d.objid"),
        folded("d.refclassid", "d.refobjid")
    )
}

/// Fills `depends_on` of the objects and tables in `schema` from `pg_depend`. `ids` maps
/// catalog identities to the objects and tables read.
pub(super) async fn read(
    db: &mut PostgresConn,
    schema: &mut Schema,
    ids: &Identities,
) -> Result<()> {
    let rows = query(db, &depend_query()).await?;
    // What belongs to an extension stands for the extension: a column of type citext, an
    // index with gin_trgm_ops or a default calling gen_random_uuid() needs the extension.
    let mut ids = ids.clone();
    for row in rows.iter().filter(|r| text(r, 0) == "e") {
        if let Some(extension) = ids.get(&(text(row, 3), text(row, 4))).cloned() {
            ids.entry((text(row, 1), text(row, 2))).or_insert(extension);
        }
    }
    let mut edges: BTreeSet<(ObjectKey, ObjectKey)> = BTreeSet::new();
    for row in rows.iter().filter(|r| text(r, 0) == "n") {
        let from = ids.get(&(text(row, 1), text(row, 2)));
        let to = ids.get(&(text(row, 3), text(row, 4)));
        if let (Some(from), Some(to)) = (from, to)
            && from != to
        {
            edges.insert((from.clone(), to.clone()));
        }
    }
    for (from, to) in edges {
        if from.kind == ObjectKind::Table {
            if let Some(t) = schema.tables.get_mut(&from.name) {
                t.depends_on.push(to);
            }
        } else if let Some(o) = schema.objects.get_mut(&from)
            && !o.depends_on.contains(&to)
        {
            o.depends_on.push(to);
        }
    }
    Ok(())
}

/// What the catalogs list that aludel does not manage, as `(kind, name)`.
const UNMANAGED: &str = "SELECT 'rule', r.rulename::text || ' on ' || c.relname::text, 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r \
        JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE r.rulename <> '_RETURN' AND n.nspname = current_schema() AND r.oid >= 16384 \
    UNION ALL SELECT 'policy', p.polname::text || ' on ' || c.relname::text, 'pg_policy'::regclass, p.oid FROM pg_policy p \
        JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() \
    UNION ALL SELECT 'foreign table', c.relname::text, 'pg_class'::regclass, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind = 'f' AND n.nspname = current_schema() AND c.oid >= 16384 \
    UNION ALL SELECT 'operator', o.oid::regoperator::text, 'pg_operator'::regclass, o.oid FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace \
        WHERE n.nspname = current_schema() AND o.oid >= 16384 \
    UNION ALL SELECT 'operator class', c.opcname::text, 'pg_opclass'::regclass, c.oid FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace \
        WHERE n.nspname = current_schema() AND c.oid >= 16384 \
    UNION ALL SELECT 'operator family', f.opfname::text, 'pg_opfamily'::regclass, f.oid FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace \
        WHERE n.nspname = current_schema() AND f.oid >= 16384 \
    UNION ALL SELECT 'cast', format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL), 'pg_cast'::regclass, c.oid FROM pg_cast c \
        WHERE c.oid >= 16384 \
    UNION ALL SELECT 'collation', c.collname::text, 'pg_collation'::regclass, c.oid FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace \
        WHERE n.nspname = current_schema() AND c.oid >= 16384 \
    UNION ALL SELECT 'conversion', c.conname::text, 'pg_conversion'::regclass, c.oid FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace \
        WHERE n.nspname = current_schema() AND c.oid >= 16384 \
    UNION ALL SELECT 'text search configuration', c.cfgname::text, 'pg_ts_config'::regclass, c.oid FROM pg_ts_config c \
        JOIN pg_namespace n ON n.oid = c.cfgnamespace WHERE n.nspname = current_schema() AND c.oid >= 16384 \
    UNION ALL SELECT 'text search dictionary', d.dictname::text, 'pg_ts_dict'::regclass, d.oid FROM pg_ts_dict d \
        JOIN pg_namespace n ON n.oid = d.dictnamespace WHERE n.nspname = current_schema() AND d.oid >= 16384 \
    UNION ALL SELECT 'type', t.typname::text, 'pg_type'::regclass, t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
        WHERE t.typtype IN ('b', 'r', 'm') AND t.typcategory <> 'A' AND n.nspname = current_schema() AND t.oid >= 16384 \
    UNION ALL SELECT 'statistics', s.stxname::text, 'pg_statistic_ext'::regclass, s.oid FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace \
        WHERE n.nspname = current_schema() \
    UNION ALL SELECT 'event trigger', e.evtname::text, 'pg_event_trigger'::regclass, e.oid FROM pg_event_trigger e \
    UNION ALL SELECT 'publication', p.pubname::text, 'pg_publication'::regclass, p.oid FROM pg_publication p \
    UNION ALL SELECT 'foreign data wrapper', w.fdwname::text, 'pg_foreign_data_wrapper'::regclass, w.oid FROM pg_foreign_data_wrapper w WHERE w.oid >= 16384 \
    UNION ALL SELECT 'server', s.srvname::text, 'pg_foreign_server'::regclass, s.oid FROM pg_foreign_server s \
    UNION ALL SELECT 'language', l.lanname::text, 'pg_language'::regclass, l.oid FROM pg_language l WHERE l.oid >= 16384";

/// Lists in `schema.unmanaged` what the database has that aludel does not compare, leaving
/// out what belongs to an extension.
pub(super) async fn read_unmanaged(db: &mut PostgresConn, schema: &mut Schema) -> Result<()> {
    let sql = format!(
        "SELECT u.kind, u.name FROM ({UNMANAGED}) u(kind, name, cls, id) WHERE NOT EXISTS \
         (SELECT 1 FROM pg_depend e WHERE e.classid = u.cls AND e.objid = u.id AND e.deptype = 'e') ORDER BY 1, 2"
    );
    for row in query(db, &sql).await? {
        let (kind, name) = (text(&row, 0), text(&row, 1));
        schema.unmanaged.push(ObjectKey {
            kind: ObjectKind::Other(kind_word(&kind)),
            name,
        });
    }
    Ok(())
}

/// The catalog's word for a kind, as a `'static` name.
fn kind_word(kind: &str) -> &'static str {
    const WORDS: &[&str] = &[
        "rule",
        "policy",
        "foreign table",
        "operator",
        "operator class",
        "operator family",
        "cast",
        "collation",
        "conversion",
        "text search configuration",
        "text search dictionary",
        "type",
        "statistics",
        "event trigger",
        "publication",
        "foreign data wrapper",
        "server",
        "language",
    ];
    WORDS
        .iter()
        .find(|w| **w == kind)
        .copied()
        .unwrap_or("object")
}
