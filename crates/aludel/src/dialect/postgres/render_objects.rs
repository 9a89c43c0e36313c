//! PostgreSQL rendering of the objects around the tables: created from the definition the
//! catalog printed, with `COMMENT ON`; dropped by kind (a trigger `ON` its table, a partition
//! detached from its parent); replaced in place where PostgreSQL can (`CREATE OR REPLACE` for a
//! routine whose signature and result stay, `ALTER SEQUENCE`, `ALTER DOMAIN` clause by clause),
//! so that the objects using them need not be dropped.

use crate::dialect::render::Builder;
use crate::schema::{Object, ObjectKind};

/// Double-quotes an identifier, as PostgreSQL does.
pub(super) fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A trigger's key name: its table and its own name, since trigger names are unique only per
/// table.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(super) fn trigger_key(table: &str, trigger: &str) -> String {
    format!("{table}.{trigger}")
}

/// The trigger's own name within its key.
fn trigger_name(o: &Object) -> &str {
    let table = o.table.as_deref().unwrap_or_default();
    o.key
        .name
        .strip_prefix(table)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or(&o.key.name)
}

/// The statements that create `o`, its comment included.
pub(super) fn create(b: &Builder, o: &Object) -> Vec<String> {
    let mut out = Vec::new();
    let definition = b.create_object(o);
    if unchecked_body(o) {
        // A LANGUAGE sql body is checked against the tables when it is created, and the plan
        // creates functions before the tables; pg_dump turns the check off the same way.
        out.push("SET check_function_bodies = false".to_string());
        out.push(definition);
        out.push("RESET check_function_bodies".to_string());
    } else {
        out.push(definition);
    }
    if let Some(c) = &o.comment {
        out.extend(comment(b, o, Some(c)));
    }
    out
}

/// The statement that drops `o`.
pub(super) fn drop(b: &Builder, o: &Object) -> Vec<String> {
    match (o.key.kind, &o.table) {
        (ObjectKind::Trigger, Some(table)) => {
            vec![format!(
                "DROP TRIGGER {} ON {}",
                q(trigger_name(o)),
                q(table)
            )]
        }
        (ObjectKind::Partition, Some(parent)) => vec![detach(b, parent, &o.key.name)],
        (ObjectKind::SequenceOwner, _) => {
            vec![format!("ALTER SEQUENCE {} OWNED BY NONE", q(&o.key.name))]
        }
        (ObjectKind::Constraint, Some(table)) => vec![format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(table),
            q(trigger_name(o))
        )],
        _ => vec![b.drop_object(o, false)],
    }
}

/// `DETACH PARTITION`, in a `DO` block that then drops what the partition had only from its
/// parent: PostgreSQL keeps the cloned keys, indexes and checks on the detached table as its
/// own, while a table that was never attached (the models) has none of them.
fn detach(b: &Builder, parent: &str, child: &str) -> String {
    let reg = b.lit(&q(child));
    let statement = b.lit(&format!(
        "ALTER TABLE {} DETACH PARTITION {}",
        q(parent),
        q(child)
    ));
    format!(
        "DO $aludel$
DECLARE
    inherited text[];
    indexes text[];
    i int;
BEGIN
    SELECT array_agg(k.conname::text) INTO inherited FROM pg_constraint k
        WHERE k.conrelid = {reg}::regclass AND (k.conparentid <> 0 OR (k.contype = 'c' AND NOT k.conislocal));
    SELECT array_agg(x.indexrelid::regclass::text) INTO indexes FROM pg_index x
        JOIN pg_inherits h ON h.inhrelid = x.indexrelid
        WHERE x.indrelid = {reg}::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid);
    EXECUTE {statement};
    FOR i IN 1 .. coalesce(array_length(inherited, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', {reg}, inherited[i]);
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(indexes, 1), 0) LOOP
        EXECUTE 'DROP INDEX ' || indexes[i];
    END LOOP;
END
$aludel$"
    )
}

/// The statements that turn `from` into `to` (the same key), in place where PostgreSQL can.
pub(super) fn replace(b: &Builder, from: &Object, to: &Object) -> Vec<String> {
    if from.definition == to.definition {
        return comment(b, to, to.comment.as_deref());
    }
    let mut out = match to.key.kind {
        ObjectKind::Function | ObjectKind::Procedure if same_signature(from, to) => {
            let mut out = create(
                b,
                &Object {
                    comment: None,
                    ..to.clone()
                },
            );
            out.retain(|s| !s.is_empty());
            out
        }
        ObjectKind::Sequence => {
            vec![
                b.create_object(to)
                    .replacen("CREATE SEQUENCE", "ALTER SEQUENCE", 1),
            ]
        }
        ObjectKind::Domain => match alter_domain(from, to) {
            Some(out) => out,
            None => return [drop(b, from), create(b, to)].concat(),
        },
        _ => return [drop(b, from), create(b, to)].concat(),
    };
    if from.comment != to.comment {
        out.extend(comment(b, to, to.comment.as_deref()));
    }
    out
}

/// Whether `o` is a LANGUAGE sql routine whose body PostgreSQL checks at creation (not a
/// `BEGIN ATOMIC` body, which records its dependencies instead).
fn unchecked_body(o: &Object) -> bool {
    matches!(o.key.kind, ObjectKind::Function | ObjectKind::Procedure)
        && o.definition.lines().any(|l| l.trim() == "LANGUAGE sql")
        && !o.definition.contains("BEGIN ATOMIC")
}

/// Whether `CREATE OR REPLACE` can turn `from` into `to`: the same header (name, argument
/// names and types) and the same result.
fn same_signature(from: &Object, to: &Object) -> bool {
    let head = |o: &Object| {
        let mut lines = o.definition.lines();
        let first = lines.next().unwrap_or_default().to_string();
        let returns = lines
            .find(|l| l.trim_start().starts_with("RETURNS"))
            .unwrap_or_default()
            .to_string();
        (first, returns)
    };
    head(from) == head(to)
}

/// `COMMENT ON` the object, `None` removing the comment.
fn comment(b: &Builder, o: &Object, text: Option<&str>) -> Vec<String> {
    let target = match o.key.kind {
        ObjectKind::Function => format!("FUNCTION {}", o.key.name),
        ObjectKind::Procedure => format!("PROCEDURE {}", o.key.name),
        ObjectKind::Aggregate => format!("AGGREGATE {}", o.key.name),
        ObjectKind::Trigger | ObjectKind::Constraint => format!(
            "{} {} ON {}",
            o.key.kind.describe().to_uppercase(),
            q(trigger_name(o)),
            q(o.table.as_deref().unwrap_or_default())
        ),
        ObjectKind::Extension => format!("EXTENSION {}", q(&o.key.name)),
        ObjectKind::Namespace => format!("SCHEMA {}", q(&o.key.name)),
        ObjectKind::Domain => format!("DOMAIN {}", q(&o.key.name)),
        ObjectKind::CompositeType => format!("TYPE {}", q(&o.key.name)),
        ObjectKind::Sequence => format!("SEQUENCE {}", q(&o.key.name)),
        ObjectKind::View => format!("VIEW {}", q(&o.key.name)),
        ObjectKind::MaterializedView => format!("MATERIALIZED VIEW {}", q(&o.key.name)),
        ObjectKind::ViewIndex => format!("INDEX {}", q(&o.key.name)),
        _ => return Vec::new(),
    };
    let value = text.map_or("NULL".to_string(), |c| b.lit(c));
    vec![format!("COMMENT ON {target} IS {value}")]
}

/// `ALTER DOMAIN` statements for a domain whose type and collation stay: the definition has
/// one clause per line (see `objects::domain_definition`), so the lines that differ are the
/// clauses to change. `None` when the type or collation changes.
fn alter_domain(from: &Object, to: &Object) -> Option<Vec<String>> {
    let mut old: Vec<&str> = from.definition.lines().map(str::trim).collect();
    let mut new: Vec<&str> = to.definition.lines().map(str::trim).collect();
    let collation = |l: &[&str]| {
        l.iter()
            .find(|c| c.starts_with("COLLATE"))
            .map(|c| c.to_string())
    };
    if old.first() != new.first() || collation(&old) != collation(&new) {
        return None;
    }
    old.remove(0);
    new.remove(0);
    let name = q(&to.key.name);
    let mut out = Vec::new();
    let find = |lines: &[&str], prefix: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .map(|l| l.to_string())
    };
    match (find(&old, "DEFAULT "), find(&new, "DEFAULT ")) {
        (a, Some(d)) if a.as_ref() != Some(&d) => out.push(format!("ALTER DOMAIN {name} SET {d}")),
        (Some(_), None) => out.push(format!("ALTER DOMAIN {name} DROP DEFAULT")),
        _ => {}
    }
    match (old.contains(&"NOT NULL"), new.contains(&"NOT NULL")) {
        (false, true) => out.push(format!("ALTER DOMAIN {name} SET NOT NULL")),
        (true, false) => out.push(format!("ALTER DOMAIN {name} DROP NOT NULL")),
        _ => {}
    }
    for gone in old
        .iter()
        .filter(|l| l.starts_with("CONSTRAINT ") && !new.contains(l))
    {
        let cname = gone["CONSTRAINT ".len()..]
            .split(" CHECK ")
            .next()
            .unwrap_or_default();
        out.push(format!("ALTER DOMAIN {name} DROP CONSTRAINT {cname}"));
    }
    for added in new
        .iter()
        .filter(|l| l.starts_with("CONSTRAINT ") && !old.contains(l))
    {
        out.push(format!("ALTER DOMAIN {name} ADD {added}"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::postgres::PostgresDialect;
    use crate::schema::ObjectKey;

    fn object(kind: ObjectKind, name: &str, definition: &str) -> Object {
        Object {
            key: ObjectKey {
                kind,
                name: name.into(),
            },
            table: None,
            definition: definition.into(),
            depends_on: vec![],
            comment: None,
        }
    }

    fn builder(d: &PostgresDialect) -> Builder<'_> {
        Builder {
            d,
            index_method: true,
            named_primary_key: true,
        }
    }

    #[test]
    fn a_domain_changes_clause_by_clause() {
        let d = PostgresDialect;
        let from = object(
            ObjectKind::Domain,
            "year",
            "CREATE DOMAIN \"year\" AS integer\n    CONSTRAINT year_check CHECK ((VALUE >= 1901))",
        );
        let to = object(
            ObjectKind::Domain,
            "year",
            "CREATE DOMAIN \"year\" AS integer\n    DEFAULT 2000\n    NOT NULL\n    CONSTRAINT year_check CHECK ((VALUE >= 1900))",
        );
        assert_eq!(
            replace(&builder(&d), &from, &to),
            vec![
                "ALTER DOMAIN \"year\" SET DEFAULT 2000",
                "ALTER DOMAIN \"year\" SET NOT NULL",
                "ALTER DOMAIN \"year\" DROP CONSTRAINT year_check",
                "ALTER DOMAIN \"year\" ADD CONSTRAINT year_check CHECK ((VALUE >= 1900))",
            ]
        );
    }

    #[test]
    fn a_function_keeping_its_signature_is_replaced_in_place() {
        let d = PostgresDialect;
        let def = |body: &str| {
            format!(
                "CREATE OR REPLACE FUNCTION public.f(a integer)\n RETURNS integer\n LANGUAGE sql\nAS $function$ {body} $function$"
            )
        };
        let from = object(ObjectKind::Function, "f(integer)", &def("SELECT a"));
        let to = object(ObjectKind::Function, "f(integer)", &def("SELECT a + 1"));
        let out = replace(&builder(&d), &from, &to);
        assert_eq!(out[0], "SET check_function_bodies = false");
        assert!(out[1].starts_with("CREATE OR REPLACE FUNCTION"));
        let mut returns_text = to.clone();
        returns_text.definition = returns_text
            .definition
            .replace("RETURNS integer", "RETURNS text");
        let out = replace(&builder(&d), &from, &returns_text);
        assert_eq!(out[0], "DROP FUNCTION f(integer)");
    }

    #[test]
    fn triggers_and_partitions_drop_by_their_table() {
        let d = PostgresDialect;
        let mut t = object(
            ObjectKind::Trigger,
            "actor.last_updated",
            "CREATE TRIGGER ...",
        );
        t.table = Some("actor".into());
        assert_eq!(
            drop(&builder(&d), &t),
            vec!["DROP TRIGGER \"last_updated\" ON \"actor\""]
        );
        let mut p = object(ObjectKind::Partition, "payment_p1", "ALTER TABLE ...");
        p.table = Some("payment".into());
        let detach = drop(&builder(&d), &p);
        assert!(
            detach[0].contains("EXECUTE 'ALTER TABLE \"payment\" DETACH PARTITION \"payment_p1\"'")
        );
    }
}
