use crate::autogen::diff::diff;
use crate::schema::{Change, Column, Object, ObjectKey, ObjectKind, Schema, Table};

fn key(kind: ObjectKind, name: &str) -> ObjectKey {
    ObjectKey {
        kind,
        name: name.into(),
    }
}

fn object(kind: ObjectKind, name: &str, definition: &str, depends_on: Vec<ObjectKey>) -> Object {
    Object {
        key: key(kind, name),
        table: None,
        definition: definition.into(),
        depends_on,
        comment: None,
    }
}

fn add(schema: &mut Schema, o: Object) {
    schema.objects.insert(o.key.clone(), o);
}

fn table(name: &str, type_: &str) -> Table {
    Table {
        name: name.into(),
        columns: vec![Column {
            name: "total".into(),
            type_: type_.into(),
            nullable: true,
            ..Column::default()
        }],
        ..Table::default()
    }
}

/// Each change as `verb kind name`, to compare orders at a glance.
fn plan(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| match c {
            Change::CreateObject(o) => format!("create {}", o.key.name),
            Change::DropObject(o) => format!("drop {}", o.key.name),
            Change::ReplaceObject { to, .. } => format!("replace {}", to.key.name),
            Change::AddTable(t) => format!("create table {}", t.name),
            Change::DropTable(t) => format!("drop table {}", t.name),
            Change::AlterColumn { table, .. } => format!("alter {table}"),
            other => format!("{other:?}"),
        })
        .collect()
}

/// The models of a small application: a function the table's default calls, a view on the
/// table, a view on that view, and a trigger on the table calling a trigger function.
fn application() -> Schema {
    let mut s = Schema::default();
    let mut orders = table("orders", "integer");
    orders.depends_on = vec![key(ObjectKind::Function, "next_id()")];
    s.tables.insert("orders".into(), orders);
    add(
        &mut s,
        object(
            ObjectKind::Function,
            "next_id()",
            "CREATE FUNCTION next_id() ...",
            vec![],
        ),
    );
    add(
        &mut s,
        object(
            ObjectKind::Function,
            "audit()",
            "CREATE FUNCTION audit() ...",
            vec![],
        ),
    );
    add(
        &mut s,
        object(
            ObjectKind::View,
            "totals",
            "CREATE VIEW totals AS SELECT total FROM orders",
            vec![ObjectKey::table("orders")],
        ),
    );
    add(
        &mut s,
        object(
            ObjectKind::View,
            "big_totals",
            "CREATE VIEW big_totals AS SELECT total FROM totals WHERE total > 10",
            vec![key(ObjectKind::View, "totals")],
        ),
    );
    let mut trigger = object(
        ObjectKind::Trigger,
        "orders_audit",
        "CREATE TRIGGER orders_audit ...",
        vec![key(ObjectKind::Function, "audit()")],
    );
    trigger.table = Some("orders".into());
    add(&mut s, trigger);
    s
}

#[test]
fn from_empty_functions_come_before_the_table_and_views_and_triggers_after() {
    let changes = diff(&Schema::default(), &application(), &[]);
    assert_eq!(
        plan(&changes),
        [
            "create audit()",
            "create next_id()",
            "create table orders",
            "create totals",
            "create big_totals",
            "create orders_audit",
        ]
    );
    let down: Vec<Change> = changes.iter().rev().map(Change::reverse).collect();
    assert_eq!(
        plan(&down),
        [
            "drop orders_audit",
            "drop big_totals",
            "drop totals",
            "drop table orders",
            "drop next_id()",
            "drop audit()",
        ]
    );
}

#[test]
fn views_on_a_column_whose_type_changes_are_dropped_before_and_created_after() {
    let from = application();
    let mut to = application();
    to.tables.insert("orders".into(), table("orders", "bigint"));
    to.tables.get_mut("orders").unwrap().depends_on = from.tables["orders"].depends_on.clone();
    let changes = diff(&from, &to, &[]);
    assert_eq!(
        plan(&changes),
        [
            "drop orders_audit",
            "drop big_totals",
            "drop totals",
            "alter orders",
            "create totals",
            "create big_totals",
            "create orders_audit",
        ]
    );
}

#[test]
fn a_changed_view_is_dropped_and_created_and_a_changed_function_replaced_in_place() {
    let from = application();
    let mut to = application();
    to.objects
        .get_mut(&key(ObjectKind::View, "totals"))
        .unwrap()
        .definition = "CREATE VIEW totals AS SELECT total * 2 AS total FROM orders".into();
    to.objects
        .get_mut(&key(ObjectKind::Function, "next_id()"))
        .unwrap()
        .definition = "CREATE FUNCTION next_id() ... changed".into();
    let changes = diff(&from, &to, &[]);
    assert_eq!(
        plan(&changes),
        [
            "drop big_totals",
            "drop totals",
            "replace next_id()",
            "create totals",
            "create big_totals",
        ]
    );
}

#[test]
fn what_uses_a_changed_early_object_is_dropped_before_it_and_created_after() {
    let from = application();
    let mut to = application();
    to.objects
        .get_mut(&key(ObjectKind::Function, "audit()"))
        .unwrap()
        .definition = "CREATE FUNCTION audit() ... returning something else".into();
    let changes = diff(&from, &to, &[]);
    assert_eq!(
        plan(&changes),
        [
            "drop orders_audit",
            "replace audit()",
            "create orders_audit"
        ]
    );
    let down: Vec<Change> = changes.iter().rev().map(Change::reverse).collect();
    assert_eq!(
        plan(&down),
        [
            "drop orders_audit",
            "replace audit()",
            "create orders_audit"
        ]
    );
}

#[test]
fn views_over_a_column_of_a_changed_enum_are_dropped_before_and_created_after() {
    let mut from = application();
    from.tables.insert("orders".into(), table("orders", "mood"));
    from.enums
        .insert("mood".into(), vec!["sad".into(), "ok".into()]);
    let mut to = from.clone();
    to.enums.insert(
        "mood".into(),
        vec!["sad".into(), "ok".into(), "happy".into()],
    );
    let changes = diff(&from, &to, &[]);
    assert_eq!(
        plan(&changes)
            .iter()
            .filter(|c| !c.starts_with("AlterEnum"))
            .collect::<Vec<_>>(),
        [
            "drop orders_audit",
            "drop big_totals",
            "drop totals",
            "create totals",
            "create big_totals",
            "create orders_audit",
        ]
    );
    assert!(
        matches!(changes[3], Change::AlterEnum { .. }),
        "{changes:?}"
    );
}

#[test]
fn identical_objects_give_no_change() {
    assert!(diff(&application(), &application(), &[]).is_empty());
}
