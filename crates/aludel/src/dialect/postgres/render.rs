//! PostgreSQL rendering: `ALTER TABLE … ALTER COLUMN`, `COMMENT ON`, serial and identity
//! columns, and enum types (`ADD VALUE`, or a rebuild of the type when a label goes away).

use super::expr::round_trip;
use super::{PostgresDialect, render_objects, sequence};
use crate::dialect::render::{Builder, unique_name};
use crate::schema::Change;
use crate::schema::{CheckConstraint, Column, Identity, Table};

/// The statements that carry out `changes` on PostgreSQL, one change at a time.
pub(super) fn render(d: &PostgresDialect, changes: &[Change]) -> Vec<String> {
    let b = &Builder {
        d,
        index_method: true,
        named_primary_key: true,
    };
    changes.iter().flat_map(|c| render_one(b, c)).collect()
}

fn render_one(b: &Builder, change: &Change) -> Vec<String> {
    use Change::*;
    let q = |s: &str| b.q(s);
    match change {
        CreateEnum { name, values } => vec![create_enum(b, name, values)],
        DropEnum { name, .. } => vec![format!("DROP TYPE {}", q(name))],
        AlterEnum { name, from, to } => alter_enum(b, name, from, to),
        CreateObject(o) => render_objects::create(b, o),
        DropObject(o) => render_objects::drop(b, o),
        ReplaceObject { from, to } => render_objects::replace(b, from, to),
        AddTable(t) => create_table(b, t),
        DropTable(t) => vec![b.drop_table(&t.name)],
        RenameTable { from, to } => vec![format!("ALTER TABLE {} RENAME TO {}", q(from), q(to))],
        AddColumn { table, column } => {
            let mut out = vec![format!(
                "ALTER TABLE {} ADD COLUMN {}",
                q(table),
                column_def(b, column)
            )];
            out.extend(serial_options(b, table, column));
            if let Some(c) = &column.comment {
                out.push(format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    q(table),
                    q(&column.name),
                    b.lit(c)
                ));
            }
            out
        }
        DropColumn { table, column } => vec![b.drop_column(table, &column.name)],
        RenameColumn { table, from, to } => vec![b.rename_column(table, from, to)],
        AlterColumn { table, from, to } => alter_column(b, table, from, to),
        AlterPrimaryKey {
            table,
            name,
            from,
            to,
        } => {
            let name = name.clone().unwrap_or_else(|| format!("{table}_pkey"));
            let mut out = Vec::new();
            if !from.is_empty() {
                out.push(format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    q(table),
                    q(&name)
                ));
            }
            if !to.is_empty() {
                out.push(format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})",
                    q(table),
                    q(&name),
                    b.list(to)
                ));
            }
            out
        }
        AddIndex { table, index } => vec![b.create_index(table, index)],
        DropIndex { index, .. } => vec![format!("DROP INDEX {}", q(&index.name))],
        AddUnique { .. }
        | DropUnique { .. }
        | AddCheck { .. }
        | DropCheck { .. }
        | AddForeignKey { .. }
        | DropForeignKey { .. } => constraint(b, change),
        AlterTableComment { table, to, .. } => vec![comment_on_table(b, table, to.as_deref())],
        AlterTableOptions { .. } => vec![],
    }
}

/// UNIQUE, CHECK and foreign-key constraints added or dropped; `render_one` sends only these.
fn constraint(b: &Builder, change: &Change) -> Vec<String> {
    use Change::*;
    let q = |s: &str| b.q(s);
    match change {
        AddUnique { table, unique } => vec![b.add_unique(table, unique)],
        DropUnique { table, unique } => {
            let name = unique_name(table, unique);
            vec![format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                q(table),
                q(&name)
            )]
        }
        AddCheck { table, check } => vec![b.add_check(table, &check_as_rendered(check))],
        DropCheck { table, check } => vec![b.drop_check(table, check)],
        AddForeignKey { table, foreign_key } => vec![b.add_foreign_key(table, foreign_key)],
        DropForeignKey { table, foreign_key } => {
            let name = foreign_key
                .name
                .clone()
                .unwrap_or_else(|| format!("{table}_{}_fkey", foreign_key.columns.join("_")));
            vec![format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                q(table),
                q(&name)
            )]
        }
        _ => Vec::new(),
    }
}

fn create_enum(b: &Builder, name: &str, values: &[String]) -> String {
    let labels: Vec<String> = values.iter().map(|v| b.lit(v)).collect();
    format!("CREATE TYPE {} AS ENUM ({})", b.q(name), labels.join(", "))
}

/// `ADD VALUE` when `from` keeps its order inside `to`; otherwise the type is rebuilt: renamed
/// away, created anew, every column of it converted through text (with its default, and the
/// indexes and checks that mention the type dropped and recreated around it), the old type
/// dropped. The rebuild finds the columns in the catalog when it runs, so it is right whatever
/// else the migration changed before it.
fn alter_enum(b: &Builder, name: &str, from: &[String], to: &[String]) -> Vec<String> {
    let kept: Vec<&String> = to.iter().filter(|v| from.contains(v)).collect();
    let only_added = kept.len() == from.len() && kept.iter().zip(from).all(|(a, b)| *a == b);
    if only_added {
        return add_enum_values(b, name, from, to);
    }
    let old = format!("{name}__aludel_old");
    let (qn, qo) = (b.q(name), b.q(&old));
    vec![
        format!("ALTER TYPE {qn} RENAME TO {qo}"),
        create_enum(b, name, to),
        convert_enum_users(b, name, &old),
        format!("DROP TYPE {qo}"),
    ]
}

/// One `ADD VALUE` per new label, placed before the next kept label (or after the previous
/// label when none follows), so the type ends up in `to`'s order.
fn add_enum_values(b: &Builder, name: &str, from: &[String], to: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, v) in to.iter().enumerate() {
        if from.contains(v) {
            continue;
        }
        let place = match to[i + 1..].iter().find(|n| from.contains(n)) {
            Some(next) => format!(" BEFORE {}", b.lit(next)),
            None => match to[..i].last() {
                Some(prev) => format!(" AFTER {}", b.lit(prev)),
                None => String::new(),
            },
        };
        out.push(format!(
            "ALTER TYPE {} ADD VALUE {}{place}",
            b.q(name),
            b.lit(v)
        ));
    }
    out
}

/// The `DO` block of an enum rebuild: moves every column of the type renamed to `old` onto
/// the new type `name`, dropping and recreating its default and the indexes and checks that
/// mention the type around the conversion.
fn convert_enum_users(b: &Builder, name: &str, old: &str) -> String {
    let qn = b.q(name);
    // Catalog text spells the type unquoted unless it must be quoted; either way the old name
    // is the new one plus a suffix, so replacing the plain names rewrites it.
    let (pn, po) = (b.lit(name), b.lit(old));
    let (ln, lo) = (b.lit(&qn), b.lit(&b.q(old)));
    format!(
        "DO $aludel$
DECLARE
    r record;
    index_names text[];
    index_defs text[];
    check_tables text[];
    check_names text[];
    check_defs text[];
    i int;
BEGIN
    SELECT array_agg(x.indexrelid::regclass::text), array_agg(pg_get_indexdef(x.indexrelid))
        INTO index_names, index_defs
        FROM pg_index x
        WHERE pg_get_indexdef(x.indexrelid) LIKE '%' || {po} || '%'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'));
    FOR i IN 1 .. coalesce(array_length(index_names, 1), 0) LOOP
        EXECUTE 'DROP INDEX ' || index_names[i];
    END LOOP;
    SELECT array_agg(k.conrelid::regclass::text), array_agg(k.conname::text), array_agg(pg_get_constraintdef(k.oid))
        INTO check_tables, check_names, check_defs
        FROM pg_constraint k WHERE k.contype = 'c' AND pg_get_constraintdef(k.oid) LIKE '%' || {po} || '%';
    FOR i IN 1 .. coalesce(array_length(check_names, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', check_tables[i], check_names[i]);
    END LOOP;
    FOR r IN SELECT c.oid::regclass::text AS tbl, a.attname, pg_get_expr(d.adbin, d.adrelid) AS def
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.atttypid = {lo}::regtype AND c.relkind IN ('r', 'p') AND NOT a.attisdropped
    LOOP
        IF r.def IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', r.tbl, r.attname);
        END IF;
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE %s USING %I::text::%s', r.tbl, r.attname, {ln}, r.attname, {ln});
        IF r.def IS NOT NULL THEN
            EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', r.tbl, r.attname, replace(r.def, {po}, {pn}));
        END IF;
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(check_names, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', check_tables[i], check_names[i], replace(check_defs[i], {po}, {pn}));
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(index_defs, 1), 0) LOOP
        EXECUTE replace(index_defs[i], {po}, {pn});
    END LOOP;
END
$aludel$"
    )
}

/// A CHECK with its condition written so that PostgreSQL prints it back as it was read.
fn check_as_rendered(check: &CheckConstraint) -> CheckConstraint {
    CheckConstraint {
        expression: round_trip(&check.expression),
        ..check.clone()
    }
}

fn create_table(b: &Builder, t: &Table) -> Vec<String> {
    let rendered = Table {
        checks: t.checks.iter().map(check_as_rendered).collect(),
        ..t.clone()
    };
    let suffix = t
        .partition_by
        .as_ref()
        .map(|p| format!(" PARTITION BY {p}"))
        .unwrap_or_default();
    let mut out = vec![b.create_table(&rendered, |c| column_def(b, c), &suffix)];
    out.extend(t.columns.iter().flat_map(|c| serial_options(b, &t.name, c)));
    if let Some(c) = &t.comment {
        out.push(comment_on_table(b, &t.name, Some(c)));
    }
    for c in &t.columns {
        if let Some(text) = &c.comment {
            out.push(format!(
                "COMMENT ON COLUMN {}.{} IS {}",
                b.q(&t.name),
                b.q(&c.name),
                b.lit(text)
            ));
        }
    }
    out.extend(t.indexes.values().map(|ix| b.create_index(&t.name, ix)));
    out
}

fn comment_on_table(b: &Builder, table: &str, comment: Option<&str>) -> String {
    format!(
        "COMMENT ON TABLE {} IS {}",
        b.q(table),
        comment.map_or("NULL".to_string(), |c| b.lit(c))
    )
}

/// A column definition; a serial column is written with its serial type, which creates and
/// owns the sequence as the model's did.
fn column_def(b: &Builder, c: &Column) -> String {
    let type_ = match (c.identity, c.type_.as_str()) {
        (Some(Identity::AutoIncrement), "integer") => "serial",
        (Some(Identity::AutoIncrement), "bigint") => "bigserial",
        (Some(Identity::AutoIncrement), "smallint") => "smallserial",
        _ => c.type_.as_str(),
    };
    let mut sql = format!("{} {type_}", b.q(&c.name));
    if let Some(identity) = identity_clause(c) {
        sql.push(' ');
        sql.push_str(&identity);
    }
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        sql.push_str(&format!(" DEFAULT {}", round_trip(d)));
    }
    sql
}

/// `GENERATED … AS IDENTITY` with the sequence's options, for an identity column.
fn identity_clause(c: &Column) -> Option<String> {
    let kind = match c.identity {
        Some(Identity::Always) => "ALWAYS",
        Some(Identity::ByDefault) => "BY DEFAULT",
        _ => return None,
    };
    let options = c
        .sequence
        .as_ref()
        .map(|o| format!(" ({o})"))
        .unwrap_or_default();
    Some(format!("GENERATED {kind} AS IDENTITY{options}"))
}

/// A serial column's sequence given the options of the models' (a serial type creates it
/// with the defaults), restarted so that it numbers from its start.
fn serial_options(b: &Builder, table: &str, c: &Column) -> Option<String> {
    let options = c.sequence.as_ref()?;
    (c.identity == Some(Identity::AutoIncrement)).then(|| {
        format!(
            "ALTER SEQUENCE {} {options} RESTART",
            b.q(&format!("{table}_{}_seq", c.name))
        )
    })
}

fn alter_column(b: &Builder, table: &str, from: &Column, to: &Column) -> Vec<String> {
    let at = format!("ALTER TABLE {} ALTER COLUMN {}", b.q(table), b.q(&to.name));
    let mut out = Vec::new();
    let type_changes = from.type_ != to.type_;
    let default_changes = from.default != to.default;
    if type_changes && from.default.is_some() {
        out.push(format!("{at} DROP DEFAULT"));
    }
    if type_changes {
        out.push(format!(
            "{at} TYPE {} USING {}::{}",
            to.type_,
            b.q(&to.name),
            to.type_
        ));
    }
    if from.identity != to.identity {
        match (from.identity, to.identity) {
            (Some(Identity::Always | Identity::ByDefault), _) => {
                out.push(format!("{at} DROP IDENTITY IF EXISTS"))
            }
            (Some(Identity::AutoIncrement), _) => out.push(format!("{at} DROP DEFAULT")),
            _ => {}
        }
        if let Some(identity) = identity_clause(to) {
            out.push(format!("{at} ADD {identity}"));
        }
    } else if from.sequence != to.sequence {
        let clauses = sequence::alter(from.sequence.as_deref(), to.sequence.as_deref());
        match to.identity {
            Some(Identity::AutoIncrement) => out.push(format!(
                "ALTER SEQUENCE {} {}",
                b.q(&format!("{table}_{}_seq", to.name)),
                clauses.join(" ")
            )),
            Some(_) => {
                let set: Vec<String> = clauses.iter().map(|c| format!("SET {c}")).collect();
                out.push(format!("{at} {}", set.join(" ")));
            }
            None => {}
        }
    }
    if default_changes || (type_changes && from.default.is_some()) {
        match &to.default {
            Some(d) => out.push(format!("{at} SET DEFAULT {}", round_trip(d))),
            None if !type_changes => out.push(format!("{at} DROP DEFAULT")),
            None => {}
        }
    }
    if from.nullable != to.nullable {
        out.push(format!(
            "{at} {} NOT NULL",
            if to.nullable { "DROP" } else { "SET" }
        ));
    }
    if from.comment != to.comment {
        let value = to
            .comment
            .as_deref()
            .map_or("NULL".to_string(), |c| b.lit(c));
        out.push(format!(
            "COMMENT ON COLUMN {}.{} IS {value}",
            b.q(table),
            b.q(&to.name)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Change;

    #[test]
    fn a_partitioned_table_keeps_its_key_and_checks_round_trip() {
        let table = Table {
            name: "member".into(),
            columns: vec![Column {
                name: "role".into(),
                type_: "character varying(10)".into(),
                default: Some("'owner'::character varying".into()),
                ..Column::default()
            }],
            checks: vec![CheckConstraint {
                name: Some("member_role_check".into()),
                expression: "(role)::text = ANY ((ARRAY['owner'::character varying, 'admin'::character varying])::text[])".into(),
            }],
            partition_by: Some("LIST (role)".into()),
            ..Table::default()
        };
        let sql = render(&PostgresDialect, &[Change::AddTable(table)]);
        assert!(sql[0].ends_with(") PARTITION BY LIST (role)"), "{}", sql[0]);
        assert!(
            sql[0].contains("(ARRAY['owner'::character varying, 'admin'::character varying]::character varying[])::text[]"),
            "{}",
            sql[0]
        );
    }
}
