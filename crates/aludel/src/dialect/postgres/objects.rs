//! The PostgreSQL objects around the tables, read from `pg_catalog` into [`Schema::objects`]:
//! extensions, schemas, domains, composite types, sequences, views, materialized views and
//! their indexes, functions, procedures, aggregates, triggers and partitions. One query per
//! kind, for the current schema.
//!
//! Each definition is the statement that creates the object as the database prints it back
//! (`pg_get_viewdef`, `pg_get_functiondef`, `pg_get_triggerdef`, `pg_get_indexdef`), or, where
//! PostgreSQL has no such function (domains, composite types, sequences, aggregates), a
//! statement written here from the catalog row in one fixed layout. Both sides of a comparison
//! go through the same queries, so equal text means an equal object. Objects that belong to
//! an extension are the extension's and are left out.
//!
//! Every object is also recorded by its catalog identity (`pg_class` and its oid, ...) so that
//! [`super::depend`] can turn `pg_depend` rows into [`Object::depends_on`].

use std::collections::HashMap;

use super::PostgresConn;
use super::expr::round_trip;
use super::render_objects::{q, trigger_key};
use crate::Result;
use crate::dialect::catalog::{opt, query, text};
use crate::schema::{Identity, Object, ObjectKey, ObjectKind, Schema};

/// Catalog identities (`(catalog, oid)`) of the objects and tables read, to resolve
/// `pg_depend` rows.
pub(super) type Identities = HashMap<(String, String), ObjectKey>;

/// Not a member of an extension: `{catalog}` and `{oid}` are filled in per query.
fn own(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass \
         AND e.objid = {oid} AND e.deptype = 'e')"
    )
}

/// Reads every managed object kind into `schema.objects`, and returns their identities
/// (with the tables').
pub(super) async fn read(db: &mut PostgresConn, schema: &mut Schema) -> Result<Identities> {
    let mut found = Identities::new();
    let ids = &mut found;
    let in_schema = "n.nspname = current_schema()";

    let sql = format!(
        "SELECT x.oid::text, x.extname::text, n.nspname::text, obj_description(x.oid, 'pg_extension') \
         FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace \
         WHERE x.extname <> 'plpgsql' AND {} ORDER BY 2",
        own("pg_extension", "x.oid")
    );
    for row in query(db, &sql).await? {
        let name = text(&row, 1);
        let definition = format!(
            "CREATE EXTENSION {} WITH SCHEMA {}",
            q(&name),
            q(&text(&row, 2))
        );
        let o = object(ObjectKind::Extension, name, definition, opt(&row, 3));
        add(schema, ids, "pg_extension", text(&row, 0), o);
    }

    let sql = format!(
        "SELECT n.oid::text, n.nspname::text, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n \
         WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'public') \
         AND n.nspname <> current_schema() AND n.nspname NOT LIKE '\\_aludel%' AND {} ORDER BY 2",
        own("pg_namespace", "n.oid")
    );
    for row in query(db, &sql).await? {
        let name = text(&row, 1);
        let definition = format!("CREATE SCHEMA {}", q(&name));
        let o = object(ObjectKind::Namespace, name, definition, opt(&row, 2));
        add(schema, ids, "pg_namespace", text(&row, 0), o);
    }

    let sql = format!(
        "SELECT t.oid::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull::text, t.typdefault, \
         (SELECT quote_ident(c.collname) FROM pg_collation c WHERE c.oid = t.typcollation \
            AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)), \
         array_to_string(ARRAY(SELECT quote_ident(k.conname) || chr(30) || pg_get_constraintdef(k.oid) \
            FROM pg_constraint k WHERE k.contypid = t.oid ORDER BY k.conname), chr(31)), \
         obj_description(t.oid, 'pg_type') \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
         WHERE t.typtype = 'd' AND {in_schema} AND {} ORDER BY 2",
        own("pg_type", "t.oid")
    );
    for row in query(db, &sql).await? {
        let name = text(&row, 1);
        let definition = domain_definition(&name, &row);
        let o = object(ObjectKind::Domain, name, definition, opt(&row, 7));
        add(schema, ids, "pg_type", text(&row, 0), o);
    }

    let sql = format!(
        "SELECT t.oid::text, t.typname::text, array_to_string(ARRAY(SELECT quote_ident(a.attname) || ' ' || \
            format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = t.typrelid \
            AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), chr(31)), obj_description(t.oid, 'pg_type') \
         FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid JOIN pg_namespace n ON n.oid = t.typnamespace \
         WHERE t.typtype = 'c' AND c.relkind = 'c' AND {in_schema} AND {} ORDER BY 2",
        own("pg_type", "t.oid")
    );
    for row in query(db, &sql).await? {
        let name = text(&row, 1);
        let fields: Vec<String> = text(&row, 2).split('\u{1f}').map(str::to_string).collect();
        let definition = format!(
            "CREATE TYPE {} AS (\n    {}\n)",
            q(&name),
            fields.join(",\n    ")
        );
        let o = object(ObjectKind::CompositeType, name, definition, opt(&row, 3));
        add(schema, ids, "pg_type", text(&row, 0), o);
    }

    read_sequences(db, schema, ids).await?;
    read_relations(db, schema, ids).await?;
    read_routines(db, schema, ids).await?;

    let sql = format!(
        "SELECT t.oid::text, c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid), \
         obj_description(t.oid, 'pg_trigger') FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND {in_schema} AND {} ORDER BY 2, 3",
        own("pg_trigger", "t.oid")
    );
    for row in query(db, &sql).await? {
        let table = text(&row, 1);
        let mut o = object(
            ObjectKind::Trigger,
            trigger_key(&table, &text(&row, 2)),
            text(&row, 3),
            opt(&row, 4),
        );
        o.table = Some(table);
        add(schema, ids, "pg_trigger", text(&row, 0), o);
    }
    Ok(found)
}

fn object(kind: ObjectKind, name: String, definition: String, comment: Option<String>) -> Object {
    Object {
        key: ObjectKey { kind, name },
        table: None,
        definition,
        depends_on: Vec::new(),
        comment,
    }
}

/// `CREATE DOMAIN` in a fixed layout, one clause per line (the renderer compares the lines to
/// alter a domain in place): type, collation, default, NOT NULL, then each named constraint.
fn domain_definition(name: &str, row: &[Option<String>]) -> String {
    let mut lines = vec![format!("CREATE DOMAIN {} AS {}", q(name), text(row, 2))];
    if let Some(collation) = opt(row, 5) {
        lines.push(format!("    COLLATE {collation}"));
    }
    if let Some(default) = opt(row, 4) {
        lines.push(format!("    DEFAULT {}", round_trip(&default)));
    }
    if text(row, 3) == "true" {
        lines.push("    NOT NULL".to_string());
    }
    let constraints = text(row, 6);
    for c in constraints.split('\u{1f}').filter(|c| !c.is_empty()) {
        let (cname, def) = c.split_once('\u{1e}').unwrap_or((c, ""));
        lines.push(format!("    CONSTRAINT {cname} {}", round_trip(def)));
    }
    lines.join("\n")
}

/// Records `o` in `schema` and its catalog identity in `ids`.
fn add(schema: &mut Schema, ids: &mut Identities, catalog: &str, oid: String, o: Object) {
    ids.insert((catalog.to_string(), oid), o.key.clone());
    schema.objects.insert(o.key.clone(), o);
}

/// Sequences: standalone ones, and those owned by a column that is not written as `serial`
/// (a serial column creates its own sequence; an identity column's sequence is the column's).
async fn read_sequences(
    db: &mut PostgresConn,
    schema: &mut Schema,
    ids: &mut Identities,
) -> Result<()> {
    let sql = format!(
        "SELECT c.oid::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqstart::text, \
         s.seqincrement::text, s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle::text, \
         obj_description(c.oid, 'pg_class'), \
         (SELECT r.relname::text || chr(31) || a.attname::text || chr(31) || d.deptype::text FROM pg_depend d \
            JOIN pg_class r ON r.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass \
            AND d.deptype IN ('a', 'i') LIMIT 1) \
         FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'S' AND n.nspname = current_schema() AND {} ORDER BY 2",
        own("pg_class", "c.oid")
    );
    for row in query(db, &sql).await? {
        let name = text(&row, 1);
        if let Some(owner) = opt(&row, 10) {
            let parts: Vec<&str> = owner.split('\u{1f}').collect();
            let serial = schema
                .tables
                .get(parts[0])
                .and_then(|t| t.column(parts[1]))
                .is_some_and(|c| c.identity == Some(Identity::AutoIncrement));
            if serial || parts.get(2) == Some(&"i") {
                continue;
            }
            let definition = format!(
                "ALTER SEQUENCE {} OWNED BY {}.{}",
                q(&name),
                q(parts[0]),
                q(parts.get(1).copied().unwrap_or_default())
            );
            let mut o = object(ObjectKind::SequenceOwner, name.clone(), definition, None);
            o.depends_on = vec![
                ObjectKey {
                    kind: ObjectKind::Sequence,
                    name: name.clone(),
                },
                ObjectKey::table(parts[0]),
            ];
            o.table = Some(parts[0].to_string());
            schema.objects.insert(o.key.clone(), o);
        }
        let definition = format!(
            "CREATE SEQUENCE {} AS {} START WITH {} INCREMENT BY {} MINVALUE {} MAXVALUE {} CACHE {}{}",
            q(&name),
            text(&row, 2),
            text(&row, 3),
            text(&row, 4),
            text(&row, 5),
            text(&row, 6),
            text(&row, 7),
            if text(&row, 8) == "true" {
                " CYCLE"
            } else {
                " NO CYCLE"
            }
        );
        let o = object(ObjectKind::Sequence, name, definition, opt(&row, 9));
        add(schema, ids, "pg_class", text(&row, 0), o);
    }
    Ok(())
}

/// Views, materialized views, the indexes of materialized views, and partitions (each
/// partition an object: its `ATTACH PARTITION` to the parent, the table itself being a table).
async fn read_relations(
    db: &mut PostgresConn,
    schema: &mut Schema,
    ids: &mut Identities,
) -> Result<()> {
    let sql = format!(
        "SELECT c.oid::text, c.relname::text, c.relkind::text, pg_get_viewdef(c.oid), \
         array_to_string(c.reloptions, ', '), obj_description(c.oid, 'pg_class') \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('v', 'm') AND n.nspname = current_schema() AND {} ORDER BY 2",
        own("pg_class", "c.oid")
    );
    for row in query(db, &sql).await? {
        let name = text(&row, 1);
        let body = text(&row, 3);
        let body = body.trim_end().trim_end_matches(';');
        let with = opt(&row, 4)
            .filter(|o| !o.is_empty())
            .map(|o| format!(" WITH ({o})"))
            .unwrap_or_default();
        let (kind, keyword) = if text(&row, 2) == "m" {
            (ObjectKind::MaterializedView, "MATERIALIZED VIEW")
        } else {
            (ObjectKind::View, "VIEW")
        };
        let definition = format!("CREATE {keyword} {}{with} AS\n{body}", q(&name));
        let o = object(kind, name, definition, opt(&row, 5));
        add(schema, ids, "pg_class", text(&row, 0), o);
    }

    let sql = format!(
        "SELECT i.oid::text, i.relname::text, t.relname::text, pg_get_indexdef(i.oid), obj_description(i.oid, 'pg_class') \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE t.relkind = 'm' AND n.nspname = current_schema() AND {} ORDER BY 2",
        own("pg_class", "i.oid")
    );
    for row in query(db, &sql).await? {
        let mut o = object(
            ObjectKind::ViewIndex,
            text(&row, 1),
            text(&row, 3),
            opt(&row, 4),
        );
        o.table = Some(text(&row, 2));
        add(schema, ids, "pg_class", text(&row, 0), o);
    }

    let sql = "SELECT c.relname::text, p.relname::text, pg_get_expr(c.relpartbound, c.oid) \
         FROM pg_class c JOIN pg_inherits h ON h.inhrelid = c.oid JOIN pg_class p ON p.oid = h.inhparent \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relispartition AND c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY 1";
    for row in query(db, sql).await? {
        let (child, parent) = (text(&row, 0), text(&row, 1));
        let definition = format!(
            "ALTER TABLE {} ATTACH PARTITION {} {}",
            q(&parent),
            q(&child),
            text(&row, 2)
        );
        let mut o = object(ObjectKind::Partition, child.clone(), definition, None);
        o.depends_on = vec![ObjectKey::table(&parent), ObjectKey::table(&child)];
        o.table = Some(parent);
        schema.objects.insert(o.key.clone(), o);
    }
    Ok(())
}

/// Functions and procedures (`pg_get_functiondef`) and aggregates (written from
/// `pg_aggregate`), keyed by name and argument types as `regprocedure` prints them.
async fn read_routines(
    db: &mut PostgresConn,
    schema: &mut Schema,
    ids: &mut Identities,
) -> Result<()> {
    let sql = format!(
        "SELECT p.oid::text, p.oid::regprocedure::text, p.prokind::text, \
         CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END, obj_description(p.oid, 'pg_proc'), \
         p.proname::text, pg_get_function_arguments(p.oid), a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL), \
         NULLIF(a.aggfinalfn::oid, 0)::regproc::text, a.agginitval, NULLIF(a.aggcombinefn::oid, 0)::regproc::text, \
         NULLIF(a.aggsortop::oid, 0)::regoperator::text \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid \
         WHERE p.prokind IN ('f', 'p', 'a') AND n.nspname = current_schema() AND {} ORDER BY 2",
        own("pg_proc", "p.oid")
    );
    for row in query(db, &sql).await? {
        let name = text(&row, 1);
        let (kind, definition) = match text(&row, 2).as_str() {
            "p" => (ObjectKind::Procedure, text(&row, 3)),
            "f" => (ObjectKind::Function, text(&row, 3)),
            _ => (ObjectKind::Aggregate, aggregate_definition(&row)),
        };
        let definition = definition.trim_end().to_string();
        let o = object(kind, name, definition, opt(&row, 4));
        add(schema, ids, "pg_proc", text(&row, 0), o);
    }
    Ok(())
}

/// `CREATE AGGREGATE name(args) (SFUNC = ..., STYPE = ..., ...)` from its `pg_aggregate` row.
fn aggregate_definition(row: &[Option<String>]) -> String {
    let mut items = vec![
        format!("SFUNC = {}", text(row, 7)),
        format!("STYPE = {}", text(row, 8)),
    ];
    if let Some(f) = opt(row, 9) {
        items.push(format!("FINALFUNC = {f}"));
    }
    if let Some(v) = opt(row, 10) {
        items.push(format!("INITCOND = '{}'", v.replace('\'', "''")));
    }
    if let Some(f) = opt(row, 11) {
        items.push(format!("COMBINEFUNC = {f}"));
    }
    if let Some(op) = opt(row, 12) {
        let op = op.split('(').next().unwrap_or_default();
        items.push(format!("SORTOP = {op}"));
    }
    // Ordered-set aggregates' arguments come with their ORDER BY from
    // pg_get_function_arguments already.
    let args = text(row, 6);
    format!(
        "CREATE AGGREGATE {}({args}) (\n    {}\n)",
        q(&text(row, 5)),
        items.join(",\n    ")
    )
}
