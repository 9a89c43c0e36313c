//! Dependencies between PostgreSQL objects, from `pg_depend` in one query, and the objects
//! aludel does not manage, listed from the catalogs in one query.
//!
//! `pg_depend` records a dependency from the catalog row that holds it: a view's rewrite rule,
//! a column default (`pg_attrdef`), a constraint, an array type. Each side is folded onto
//! the object aludel knows (the rule onto its view, the default and the constraint onto their
//! table or domain, an array type onto its element, a table's row type onto the table, a
//! composite type's relation onto the type), so that each row reads "this object needs that
//! one". Rows between two objects aludel does not know are ignored.

use std::collections::{BTreeSet, HashMap};

use super::PostgresConn;
use super::objects::Identities;
use crate::Result;
use crate::dialect::catalog::{query, text};
use crate::schema::{ObjectKey, ObjectKind, Schema, TableFilter};

/// A catalog row's identity: its catalog's name and its oid.
type CatalogId = (String, String);

/// In one query: every user-level dependency (`d` rows: normal and automatic ones, and the
/// members of extensions), and the folding of the catalog rows that hold dependencies onto
/// the objects they belong to (`m` rows). Each row: its sort, the dependency type, then
/// catalog and oid of both sides. Plain scans of the catalogs, folded in Rust: a join or a
/// subquery per dependency costs a nested loop per row.
const DEPEND: &str = "SELECT 'd', d.deptype::text, d.classid::regclass::text, d.objid::text, \
        d.refclassid::regclass::text, d.refobjid::text FROM pg_depend d \
        WHERE d.objid >= 16384 AND d.refobjid >= 16384 \
        AND (d.deptype IN ('n', 'a') OR (d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass)) \
    UNION ALL SELECT 'm', '', 'pg_rewrite', r.oid::text, 'pg_class', r.ev_class::text FROM pg_rewrite r \
        WHERE r.oid >= 16384 \
    UNION ALL SELECT 'm', '', 'pg_attrdef', a.oid::text, 'pg_class', a.adrelid::text FROM pg_attrdef a \
        WHERE a.oid >= 16384 \
    UNION ALL SELECT 'm', '', 'pg_constraint', k.oid::text, CASE WHEN k.conrelid <> 0 THEN 'pg_class' ELSE 'pg_type' END, \
        (CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END)::text FROM pg_constraint k WHERE k.oid >= 16384 \
    UNION ALL SELECT 'm', '', 'pg_type', t.oid::text, CASE WHEN rc.relkind <> 'c' THEN 'pg_class' ELSE 'pg_type' END, \
        (CASE WHEN rc.relkind <> 'c' THEN rc.oid ELSE b.oid END)::text FROM pg_type t \
        JOIN pg_type b ON b.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END \
        LEFT JOIN pg_class rc ON rc.oid = b.typrelid WHERE t.oid >= 16384 \
    UNION ALL SELECT 'm', '', 'pg_class', x.oid::text, CASE WHEN x.relkind = 'c' THEN 'pg_type' ELSE 'pg_class' END, \
        (CASE WHEN x.relkind = 'c' THEN x.reltype ELSE it.oid END)::text FROM pg_class x \
        LEFT JOIN pg_index ix ON ix.indexrelid = x.oid LEFT JOIN pg_class it ON it.oid = ix.indrelid AND it.relkind IN ('r', 'p') \
        WHERE x.oid >= 16384 AND (x.relkind = 'c' OR it.oid IS NOT NULL)";

/// Fills `depends_on` of the objects and tables in `schema` from `pg_depend`. `ids` maps
/// catalog identities to the objects and tables read.
pub(super) async fn read(
    db: &mut PostgresConn,
    schema: &mut Schema,
    ids: &Identities,
) -> Result<()> {
    let rows = query(db, DEPEND).await?;
    let side = |row: &[Option<String>], i: usize| (text(row, i), text(row, i + 1));
    let mut folds: HashMap<CatalogId, CatalogId> = HashMap::new();
    for row in rows.iter().filter(|r| text(r, 0) == "m") {
        folds.insert(side(row, 2), side(row, 4));
    }
    let fold = |key: (String, String)| folds.get(&key).cloned().unwrap_or(key);
    let deps: Vec<(bool, CatalogId, CatalogId)> = rows
        .iter()
        .filter(|r| text(r, 0) == "d")
        .map(|r| (text(r, 1) == "e", fold(side(r, 2)), fold(side(r, 4))))
        .collect();
    // What belongs to an extension stands for the extension: a column of type citext, an
    // index with gin_trgm_ops or a default calling gen_random_uuid() needs the extension.
    let mut ids = ids.clone();
    for (_, member, extension) in deps.iter().filter(|d| d.0) {
        if let Some(extension) = ids.get(extension).cloned() {
            ids.entry(member.clone()).or_insert(extension);
        }
    }
    let mut edges: BTreeSet<(ObjectKey, ObjectKey)> = BTreeSet::new();
    for (_, from, to) in deps.iter().filter(|d| !d.0) {
        // A sequence needs no table: its OWNED BY column is its ownership object's.
        if let (Some(from), Some(to)) = (ids.get(from), ids.get(to))
            && from != to
            && !(from.kind == ObjectKind::Sequence && to.kind == ObjectKind::Table)
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
    UNION ALL SELECT 'language', l.lanname::text, 'pg_language'::regclass, l.oid FROM pg_language l WHERE l.oid >= 16384 \
    UNION ALL SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' \
        WHEN 'f' THEN 'foreign table' ELSE 'table' END, n.nspname::text || '.' || c.relname::text, 'pg_class'::regclass, c.oid \
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition AND n.nspname <> current_schema() \
        AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' \
    UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, \
        n.nspname::text || '.' || p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'pg_proc'::regclass, p.oid \
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
        WHERE n.nspname <> current_schema() AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

/// Lists in `schema.unmanaged` what the database has that aludel does not compare, leaving
/// out what belongs to an extension: the kinds aludel does not manage, and the relations and
/// routines of other schemas than the current one (introspection reads only that one).
pub(super) async fn read_unmanaged(
    db: &mut PostgresConn,
    schema: &mut Schema,
    filter: &TableFilter,
) -> Result<()> {
    let sql = format!(
        "SELECT u.kind, u.name FROM ({UNMANAGED}) u(kind, name, cls, id) WHERE NOT EXISTS \
         (SELECT 1 FROM pg_depend e WHERE e.classid = u.cls AND e.objid = u.id AND e.deptype = 'e') ORDER BY 1, 2"
    );
    for row in query(db, &sql).await? {
        let (kind, name) = (text(&row, 0), text(&row, 1));
        // aludel's own tables (a version table kept in another schema) are not the user's.
        let relation = name.rsplit('.').next().unwrap_or_default();
        if kind == "table" && !filter.accepts(relation) {
            continue;
        }
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
        "table",
        "view",
        "materialized view",
        "sequence",
        "procedure",
        "aggregate",
        "function",
    ];
    WORDS
        .iter()
        .find(|w| **w == kind)
        .copied()
        .unwrap_or("object")
}
