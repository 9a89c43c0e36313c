//! MySQL/MariaDB views, triggers, procedures and functions as [`Object`]s, and the events
//! aludel does not manage as [`Schema::unmanaged`].
//!
//! Each definition is the server's own `SHOW CREATE ...` text, so the models' scratch
//! database and the target compare the same normalised text: the `DEFINER=` clause is left
//! out (each database names its own user; the object is created as the migrating user), and
//! a trigger's or routine's `sql_mode`, when it is not the server's default, leads the
//! definition as the `SET sql_mode = '...';` it needs (mariadb-dump writes the same).
//! Dependencies are the tables, views and routines a definition names (MariaDB has no
//! `VIEW_TABLE_USAGE`; the names are read with the scanner, not guessed from text).

use std::collections::BTreeSet;

use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::Token;

use super::{MySqlConn, SQL_MODE_PREFIX};
use crate::Result;
use crate::dialect::catalog::{opt, query, text};
use crate::scan::scan_prefix;
use crate::schema::{Object, ObjectKey, ObjectKind, Schema, TableFilter};

const VIEWS: &str = "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() \
    ORDER BY TABLE_NAME";

const TRIGGERS: &str = "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION \
    FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
    ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER";

const ROUTINES: &str = "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES \
    WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_TYPE, ROUTINE_NAME";

const EVENTS: &str = "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() \
    ORDER BY EVENT_NAME";

/// Adds the views, triggers, procedures and functions of the current database to `schema`
/// (whose tables are read already), and lists its events as unmanaged.
pub(super) async fn add_objects(
    db: &mut MySqlConn,
    schema: &mut Schema,
    filter: &TableFilter,
) -> Result<()> {
    let default_mode = query(db, "SELECT @@GLOBAL.sql_mode")
        .await?
        .first()
        .map(|row| text(row, 0))
        .unwrap_or_default();
    let mut objects = Vec::new();
    for row in query(db, VIEWS).await? {
        let name = text(&row, 0);
        if !filter.accepts(&name) {
            continue;
        }
        let shown = show(db, "VIEW", &name).await?;
        let definition = strip_definer(&text(&shown, 1));
        objects.push(object(ObjectKind::View, name, None, definition));
    }
    // Triggers of one table, timing and event fire in the order they were created: each
    // needs the one before it.
    let mut previous: Option<(Vec<String>, ObjectKey)> = None;
    for row in query(db, TRIGGERS).await? {
        let (name, table) = (text(&row, 0), text(&row, 1));
        if !schema.tables.contains_key(&table) {
            continue;
        }
        let shown = show(db, "TRIGGER", &name).await?;
        let mut definition = with_mode(&shown, 1, 2, &default_mode);
        let group = vec![text(&row, 1), text(&row, 2), text(&row, 3)];
        let before = previous.as_ref().filter(|(g, _)| *g == group);
        // `SHOW CREATE TRIGGER` leaves the order out: stated, it is compared and kept.
        if let Some((_, before)) = before {
            definition = follows(&definition, &before.name);
        }
        let mut o = object(ObjectKind::Trigger, name, Some(table), definition);
        if let Some((_, before)) = before {
            o.depends_on.push(before.clone());
        }
        previous = Some((group, o.key.clone()));
        objects.push(o);
    }
    for row in query(db, ROUTINES).await? {
        let (name, routine) = (text(&row, 0), text(&row, 1));
        let kind = match routine.as_str() {
            "FUNCTION" => ObjectKind::Function,
            "PROCEDURE" => ObjectKind::Procedure,
            other => {
                let word = match other {
                    "PACKAGE" => "package",
                    "PACKAGE BODY" => "package body",
                    _ => "routine",
                };
                schema.unmanaged.push(ObjectKey {
                    kind: ObjectKind::Other(word),
                    name,
                });
                continue;
            }
        };
        let shown = show(db, &routine, &name).await?;
        let definition = with_mode(&shown, 1, 2, &default_mode);
        objects.push(object(kind, name, None, definition));
    }
    for row in query(db, EVENTS).await? {
        schema.unmanaged.push(ObjectKey {
            kind: ObjectKind::Other("event"),
            name: text(&row, 0),
        });
    }
    let names = Names::of(schema, &objects);
    for mut o in objects {
        let used = names.used_by(&o);
        o.depends_on.extend(used);
        schema.objects.insert(o.key.clone(), o);
    }
    Ok(())
}

fn object(kind: ObjectKind, name: String, table: Option<String>, definition: String) -> Object {
    Object {
        key: ObjectKey { kind, name },
        table,
        definition,
        depends_on: Vec::new(),
        comment: None,
    }
}

/// The one row of `SHOW CREATE <what> name`.
async fn show(db: &mut MySqlConn, what: &str, name: &str) -> Result<Vec<Option<String>>> {
    let sql = format!("SHOW CREATE {what} `{}`", name.replace('`', "``"));
    Ok(query(db, &sql)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// The statement at column `statement` of a `SHOW CREATE` row without its definer, led by
/// the `sql_mode` at column `mode` when that is not the server's default.
fn with_mode(row: &[Option<String>], mode: usize, statement: usize, default: &str) -> String {
    let definition = strip_definer(&text(row, statement));
    match opt(row, mode) {
        Some(mode) if mode != default => format!("{SQL_MODE_PREFIX}{mode}';\n{definition}"),
        _ => definition,
    }
}

/// A trigger's `definition` with `FOLLOWS previous` after its `FOR EACH ROW`.
fn follows(definition: &str, previous: &str) -> String {
    use crate::schema::text::{is_word, tokens};
    let toks = tokens(definition);
    let at = toks.windows(3).find(|w| {
        ["FOR", "EACH", "ROW"]
            .iter()
            .zip(w.iter())
            .all(|(word, t)| is_word(definition, t, word))
    });
    match at {
        Some(w) => format!(
            "{} FOLLOWS `{}`{}",
            &definition[..w[2].end],
            previous.replace('`', "``"),
            &definition[w[2].end..]
        ),
        None => definition.to_string(),
    }
}

/// `definition` without its `DEFINER=user@host ` clause.
pub(super) fn strip_definer(definition: &str) -> String {
    let upper = definition.to_ascii_uppercase();
    let Some(at) = upper.find("DEFINER=") else {
        return definition.to_string();
    };
    // Only a clause before the object's body: CREATE [ALGORITHM=...] DEFINER=...
    if !upper[..at].trim_start().starts_with("CREATE") || upper[..at].contains(" AS ") {
        return definition.to_string();
    }
    let rest = &definition[at + "DEFINER=".len()..];
    let user_end = account_part_end(rest);
    let host_end = match rest[user_end..].strip_prefix('@') {
        Some(host) => user_end + 1 + account_part_end(host),
        None => user_end,
    };
    let after = rest[host_end..].trim_start();
    format!("{}{after}", &definition[..at])
}

/// The end of one part of `user@host`: a quoted name, or a bare word.
fn account_part_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(&q @ (b'`' | b'\'' | b'"')) => {
            let mut i = 1;
            while i < bytes.len() {
                if bytes[i] == q {
                    if bytes.get(i + 1) == Some(&q) {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            bytes.len()
        }
        _ => text
            .find(|c: char| c == '@' || c.is_whitespace())
            .unwrap_or(text.len()),
    }
}

/// The names a definition may use: tables, views and routines.
struct Names {
    tables: BTreeSet<String>,
    views: BTreeSet<String>,
    /// Routines by lower-cased name (routine names are not case-sensitive).
    routines: Vec<(String, ObjectKey)>,
}

impl Names {
    fn of(schema: &Schema, objects: &[Object]) -> Names {
        let of_kind = |kind: ObjectKind| {
            objects
                .iter()
                .filter(move |o| o.key.kind == kind)
                .map(|o| o.key.clone())
        };
        Names {
            tables: schema.tables.keys().cloned().collect(),
            views: of_kind(ObjectKind::View).map(|k| k.name).collect(),
            routines: of_kind(ObjectKind::Function)
                .chain(of_kind(ObjectKind::Procedure))
                .map(|k| (k.name.to_lowercase(), k))
                .collect(),
        }
    }

    /// What `o` needs to exist first: a view its tables, views and functions; a trigger its
    /// table and the routines it calls; a routine the routines it calls (MySQL checks a
    /// routine's tables only when it runs).
    fn used_by(&self, o: &Object) -> Vec<ObjectKey> {
        let mut out = BTreeSet::new();
        if let Some(table) = &o.table {
            out.insert(ObjectKey::table(table));
        }
        let body = o
            .definition
            .strip_prefix(SQL_MODE_PREFIX)
            .and_then(|rest| rest.split_once(";\n").map(|(_, d)| d))
            .unwrap_or(&o.definition);
        for token in scan_prefix(body, &MySqlDialect {}) {
            let Token::Word(word) = token.token else {
                continue;
            };
            let name = word.value;
            if o.key.kind == ObjectKind::View {
                if self.tables.contains(&name) {
                    out.insert(ObjectKey::table(&name));
                }
                if self.views.contains(&name) {
                    out.insert(ObjectKey {
                        kind: ObjectKind::View,
                        name: name.clone(),
                    });
                }
            }
            let lower = name.to_lowercase();
            for (routine, key) in &self.routines {
                if *routine == lower && *key != o.key {
                    out.insert(key.clone());
                }
            }
        }
        out.remove(&o.key);
        out.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trigger_states_the_one_it_follows() {
        assert_eq!(
            follows(
                "CREATE TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET NEW.a = 1",
                "a`b"
            ),
            "CREATE TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW FOLLOWS `a``b` SET NEW.a = 1"
        );
    }

    #[test]
    fn definers_are_left_out() {
        assert_eq!(
            strip_definer(
                "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`127.0.0.1` SQL SECURITY INVOKER VIEW `v` AS select 1 AS `1`"
            ),
            "CREATE ALGORITHM=UNDEFINED SQL SECURITY INVOKER VIEW `v` AS select 1 AS `1`"
        );
        assert_eq!(
            strip_definer(
                "CREATE DEFINER=`a``b`@`%` TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET NEW.a = 1"
            ),
            "CREATE TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET NEW.a = 1"
        );
        assert_eq!(
            strip_definer("CREATE DEFINER=root@localhost PROCEDURE `p`() SELECT 1"),
            "CREATE PROCEDURE `p`() SELECT 1"
        );
        // A body that mentions DEFINER= is left alone.
        let view = "CREATE VIEW `v` AS select 'DEFINER=x' AS `a`";
        assert_eq!(strip_definer(view), view);
    }

    #[test]
    fn dependencies_are_the_names_a_definition_uses() {
        let mut schema = Schema::default();
        for t in ["film", "film_text", "rental"] {
            schema.tables.insert(t.into(), Default::default());
        }
        let objects = vec![
            object(ObjectKind::View, "v".into(), None, "CREATE VIEW `v` AS select `f`.`a` from `film` `f` where `Stock`(1)".into()),
            object(ObjectKind::View, "w".into(), None, "CREATE VIEW `w` AS select * from `v`".into()),
            object(ObjectKind::Function, "stock".into(), None, format!("{SQL_MODE_PREFIX}TRADITIONAL';\nCREATE FUNCTION `stock`(i INT) RETURNS INT RETURN (select count(*) from rental)")),
            object(ObjectKind::Trigger, "ins".into(), Some("film".into()), "CREATE TRIGGER `ins` AFTER INSERT ON `film` FOR EACH ROW INSERT INTO film_text VALUES (stock(1))".into()),
        ];
        let names = Names::of(&schema, &objects);
        let deps = |i: usize| -> Vec<String> {
            names
                .used_by(&objects[i])
                .iter()
                .map(|k| format!("{} {}", k.kind.describe(), k.name))
                .collect()
        };
        assert_eq!(deps(0), ["function stock", "table film"]);
        assert_eq!(deps(1), ["view v"]);
        assert!(deps(2).is_empty(), "{:?}", deps(2));
        assert_eq!(deps(3), ["function stock", "table film"]);
    }
}
