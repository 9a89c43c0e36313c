//! Differ tests: schemas as data in, ordered changes out, no database.

use super::*;
use crate::schema::{Column, ForeignKey, Index, Table};

fn col(name: &str, type_: &str) -> Column {
    Column {
        name: name.into(),
        type_: type_.into(),
        nullable: true,
        ..Column::default()
    }
}

fn table(name: &str, cols: &[Column]) -> Table {
    Table {
        name: name.into(),
        columns: cols.to_vec(),
        primary_key: vec!["id".into()],
        ..Table::default()
    }
}

fn fk(cols: &str, to: &str) -> ForeignKey {
    ForeignKey {
        columns: vec![cols.into()],
        ref_table: to.into(),
        ref_columns: vec!["id".into()],
        ..ForeignKey::default()
    }
}

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables: tables.into_iter().map(|t| (t.name.clone(), t)).collect(),
        ..Schema::default()
    }
}

fn lines(changes: &[Change]) -> Vec<String> {
    changes.iter().flat_map(Change::describe).collect()
}

#[test]
fn equal_schemas_have_no_changes() {
    let s = schema(vec![table("users", &[col("id", "integer")])]);
    assert!(diff(&s, &s, &[]).is_empty());
}

#[test]
fn added_column_and_widened_type_are_described_as_alembic_does() {
    let a = schema(vec![table(
        "users",
        &[col("id", "integer"), col("username", "varchar(50)")],
    )]);
    let b = schema(vec![table(
        "users",
        &[
            col("id", "integer"),
            col("username", "varchar(100)"),
            col("phone", "text"),
        ],
    )]);
    assert_eq!(
        lines(&diff(&a, &b, &[])),
        vec![
            "Detected type change from varchar(50) to varchar(100) on 'users.username'",
            "Detected added column 'users.phone'",
        ]
    );
}

#[test]
fn referenced_tables_are_created_first_and_dropped_last() {
    let mut orders = table("orders", &[col("id", "integer"), col("user_id", "integer")]);
    orders.foreign_keys.push(fk("user_id", "users"));
    let users = table("users", &[col("id", "integer")]);
    let empty = Schema::default();
    let full = schema(vec![orders, users]);
    let up = diff(&empty, &full, &[]);
    assert_eq!(
        lines(&up),
        vec![
            "Detected added table 'users'",
            "Detected added table 'orders'"
        ]
    );
    let down = diff(&full, &empty, &[]);
    assert_eq!(
        lines(&down),
        vec![
            "Detected removed table 'orders'",
            "Detected removed table 'users'"
        ]
    );
}

#[test]
fn a_cycle_of_new_tables_defers_one_foreign_key() {
    let mut a = table("a", &[col("id", "integer"), col("b_id", "integer")]);
    a.foreign_keys.push(fk("b_id", "b"));
    let mut b = table("b", &[col("id", "integer"), col("a_id", "integer")]);
    b.foreign_keys.push(fk("a_id", "a"));
    let changes = diff(&Schema::default(), &schema(vec![a, b]), &[]);
    assert!(matches!(&changes[0], Change::AddTable(t) if t.foreign_keys.is_empty()));
    assert!(matches!(&changes[1], Change::AddTable(t) if t.foreign_keys.len() == 1));
    assert!(matches!(&changes[2], Change::AddForeignKey { table, .. } if table == "a"));
}

#[test]
fn renames_come_only_from_hints() {
    let a = schema(vec![table(
        "people",
        &[col("id", "integer"), col("name", "text")],
    )]);
    let b = schema(vec![table(
        "users",
        &[col("id", "integer"), col("full_name", "text")],
    )]);
    let guessed = diff(&a, &b, &[]);
    assert_eq!(
        lines(&guessed),
        vec![
            "Detected added table 'users'",
            "Detected removed table 'people'"
        ]
    );
    let w = warnings(&guessed, crate::config::Backend::Sqlite);
    assert!(
        w.iter().any(|w| w.contains("--rename people:users")),
        "{w:?}"
    );
    let hints = [
        Rename::parse("people:users").unwrap(),
        Rename::parse("users.name:full_name").unwrap(),
    ];
    assert_eq!(
        lines(&diff(&a, &b, &hints)),
        vec![
            "Detected renamed table 'people' to 'users'",
            "Detected renamed column 'users.name' to 'users.full_name'"
        ]
    );
}

#[test]
fn rename_hints_are_parsed_or_refused() {
    assert_eq!(
        Rename::parse("a:b").unwrap(),
        Rename::Table {
            from: "a".into(),
            to: "b".into()
        }
    );
    assert_eq!(
        Rename::parse("t.a:b").unwrap(),
        Rename::Column {
            table: "t".into(),
            from: "a".into(),
            to: "b".into()
        }
    );
    for bad in ["ab", ":b", "a:", ".a:b", "t.a:t.b"] {
        assert!(Rename::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn every_change_reversed_twice_is_itself_and_a_diff_reversed_is_the_opposite_diff() {
    let mut a_users = table(
        "users",
        &[col("id", "integer"), col("email", "varchar(50)")],
    );
    a_users.indexes.insert(
        "ix_old".into(),
        Index {
            name: "ix_old".into(),
            parts: vec!["email".into()],
            ..Index::default()
        },
    );
    let mut b_users = table(
        "users",
        &[
            col("id", "integer"),
            Column {
                nullable: false,
                ..col("email", "varchar(80)")
            },
        ],
    );
    b_users.indexes.insert(
        "ix_new".into(),
        Index {
            name: "ix_new".into(),
            parts: vec!["email".into()],
            unique: true,
            ..Index::default()
        },
    );
    b_users.comment = Some("people".into());
    let mut orders = table("orders", &[col("id", "integer"), col("user_id", "integer")]);
    orders.foreign_keys.push(fk("user_id", "users"));
    let a = schema(vec![a_users]);
    let b = schema(vec![b_users, orders]);
    let up = diff(&a, &b, &[]);
    for c in &up {
        assert_eq!(c.reverse().reverse(), *c);
    }
    let mut down = diff(&b, &a, &[]);
    let mut reversed_up = reversed(&up);
    let key = |c: &Change| format!("{c:?}");
    down.sort_by_key(key);
    reversed_up.sort_by_key(key);
    assert_eq!(down, reversed_up);
}

#[test]
fn destructive_and_locking_changes_warn() {
    let a = schema(vec![table(
        "users",
        &[
            col("id", "integer"),
            col("name", "varchar(100)"),
            col("old", "text"),
        ],
    )]);
    let b = schema(vec![table(
        "users",
        &[
            col("id", "integer"),
            Column {
                nullable: false,
                ..col("name", "varchar(20)")
            },
            Column {
                nullable: false,
                ..col("code", "text")
            },
        ],
    )]);
    let mut b = b;
    b.tables.get_mut("users").unwrap().indexes.insert(
        "ix".into(),
        Index {
            name: "ix".into(),
            parts: vec!["code".into()],
            ..Index::default()
        },
    );
    let w = warnings(&diff(&a, &b, &[]), crate::config::Backend::Postgres);
    let has = |s: &str| w.iter().any(|w| w.contains(s));
    assert!(has("dropping column 'users.old'"), "{w:?}");
    assert!(has("narrowing 'users.name'"), "{w:?}");
    assert!(has("setting NOT NULL on 'users.name'"), "{w:?}");
    assert!(
        has("adding NOT NULL column 'users.code' without a default"),
        "{w:?}"
    );
    assert!(has("without CONCURRENTLY"), "{w:?}");
}

#[test]
fn enum_changes_come_before_tables_that_use_them_and_drops_after() {
    let mut a = Schema::default();
    a.enums.insert("old".into(), vec!["x".into()]);
    a.enums.insert("mood".into(), vec!["sad".into()]);
    let mut b = schema(vec![table(
        "people",
        &[col("id", "integer"), col("mood", "mood")],
    )]);
    b.enums
        .insert("mood".into(), vec!["sad".into(), "happy".into()]);
    b.enums.insert("status".into(), vec!["new".into()]);
    assert_eq!(
        lines(&diff(&a, &b, &[])),
        vec![
            "Detected added enum 'status'",
            "Detected added value 'happy' to enum 'mood'",
            "Detected added table 'people'",
            "Detected removed enum 'old'",
        ]
    );
}

#[test]
fn what_either_side_does_not_manage_is_listed_once_in_order() {
    use crate::schema::{ObjectKey, ObjectKind};
    let key = |kind, name: &str| ObjectKey {
        kind,
        name: name.into(),
    };
    let mut comparison = Comparison::default();
    comparison.database.unmanaged = vec![
        key(ObjectKind::Other("operator"), "===(integer, integer)"),
        key(ObjectKind::Aggregate, "group_concat(text)"),
    ];
    comparison.models.unmanaged = vec![
        key(ObjectKind::Aggregate, "group_concat(text)"),
        key(ObjectKind::Extension, "pg_trgm"),
    ];
    assert_eq!(
        comparison.not_compared(),
        vec![
            key(ObjectKind::Extension, "pg_trgm"),
            key(ObjectKind::Aggregate, "group_concat(text)"),
            key(ObjectKind::Other("operator"), "===(integer, integer)"),
        ]
    );
}

/// Issue 8: from `id` to a key on another column, the old key goes before the column and the
/// new key after the column changes; reversed, the downgrade adds the column before its key.
#[test]
fn a_primary_key_moving_off_a_dropped_column_is_dropped_first_and_added_last() {
    let from = schema(vec![table(
        "t",
        &[col("id", "integer"), col("code", "text")],
    )]);
    let mut to_table = table("t", &[col("code", "text")]);
    to_table.primary_key = vec!["code".into()];
    let to = schema(vec![to_table]);
    let changes = diff(&from, &to, &[]);
    let lines: Vec<String> = changes.iter().flat_map(Change::describe).collect();
    assert_eq!(
        lines,
        vec![
            "Detected removed primary key (id) on 't'",
            "Detected removed column 't.id'",
            "Detected added primary key (code) on 't'",
        ]
    );
    let down: Vec<String> = reversed(&changes)
        .iter()
        .flat_map(Change::describe)
        .collect();
    assert_eq!(
        down,
        vec![
            "Detected removed primary key (code) on 't'",
            "Detected added column 't.id'",
            "Detected added primary key (id) on 't'",
        ]
    );
}
