//! Rendering tests: the SQL each dialect writes for a change, checked without a server.

use crate::autogen::{diff, render, reversed, script};
use crate::config::Backend;
use crate::schema::{CheckConstraint, Column, Index, Schema, Table};

fn col(name: &str, type_: &str) -> Column {
    Column {
        name: name.into(),
        type_: type_.into(),
        nullable: true,
        ..Column::default()
    }
}

fn one(table: Table) -> Schema {
    Schema {
        tables: [(table.name.clone(), table)].into(),
        ..Schema::default()
    }
}

fn users(cols: &[Column]) -> Table {
    Table {
        name: "users".into(),
        columns: cols.to_vec(),
        primary_key: vec!["id".into()],
        ..Table::default()
    }
}

#[test]
fn postgres_alters_a_column_in_place() {
    let a = one(users(&[
        col("id", "integer"),
        col("name", "character varying(50)"),
    ]));
    let b = one(users(&[
        col("id", "integer"),
        Column {
            nullable: false,
            ..col("name", "character varying(100)")
        },
    ]));
    let changes = diff(&a, &b, &[]);
    assert_eq!(
        render(&changes, &a, &b, Backend::Postgres),
        vec![
            "ALTER TABLE \"users\" ALTER COLUMN \"name\" TYPE character varying(100) USING \"name\"::character varying(100)",
            "ALTER TABLE \"users\" ALTER COLUMN \"name\" SET NOT NULL",
        ]
    );
    assert_eq!(
        render(&reversed(&changes), &b, &a, Backend::Postgres),
        vec![
            "ALTER TABLE \"users\" ALTER COLUMN \"name\" TYPE character varying(50) USING \"name\"::character varying(50)",
            "ALTER TABLE \"users\" ALTER COLUMN \"name\" DROP NOT NULL",
        ]
    );
}

#[test]
fn mysql_modifies_the_whole_column() {
    let a = one(users(&[col("id", "int(11)"), col("name", "varchar(50)")]));
    let b = one(users(&[
        col("id", "int(11)"),
        Column {
            comment: Some("it's".into()),
            ..col("name", "varchar(100)")
        },
    ]));
    let sql = render(&diff(&a, &b, &[]), &a, &b, Backend::MySql);
    assert_eq!(
        sql,
        vec!["ALTER TABLE `users` MODIFY COLUMN `name` varchar(100) NULL COMMENT 'it''s'"]
    );
}

#[test]
fn sqlite_rebuilds_a_table_it_cannot_alter_and_keeps_indexes() {
    let mut a_t = users(&[col("id", "INTEGER"), col("name", "VARCHAR(50)")]);
    a_t.sql = Some("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))".into());
    let mut b_t = users(&[col("id", "INTEGER"), col("name", "VARCHAR(50)")]);
    b_t.sql = Some(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) CHECK (name <> ''))".into(),
    );
    b_t.checks.push(CheckConstraint {
        name: None,
        expression: "name <> ''".into(),
    });
    b_t.indexes.insert(
        "ix_name".into(),
        Index {
            name: "ix_name".into(),
            parts: vec!["name".into()],
            ..Index::default()
        },
    );
    let (a, b) = (one(a_t), one(b_t));
    let sql = render(&diff(&a, &b, &[]), &a, &b, Backend::Sqlite);
    assert_eq!(
        sql,
        vec![
            "CREATE TABLE \"_aludel_tmp_users\" (id INTEGER PRIMARY KEY, name VARCHAR(50) CHECK (name <> ''))",
            "INSERT INTO \"_aludel_tmp_users\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"users\"",
            "DROP TABLE \"users\"",
            "ALTER TABLE \"_aludel_tmp_users\" RENAME TO \"users\"",
            "CREATE INDEX \"ix_name\" ON \"users\" (name)",
        ]
    );
}

#[test]
fn sqlite_adds_a_plain_column_with_alter() {
    let a = one(users(&[col("id", "INTEGER")]));
    let b = one(users(&[col("id", "INTEGER"), col("phone", "TEXT")]));
    assert_eq!(
        render(&diff(&a, &b, &[]), &a, &b, Backend::Sqlite),
        vec!["ALTER TABLE \"users\" ADD COLUMN \"phone\" TEXT"]
    );
    assert_eq!(
        render(&diff(&b, &a, &[]), &b, &a, Backend::Sqlite),
        vec!["ALTER TABLE \"users\" DROP COLUMN \"phone\""]
    );
}

#[test]
fn postgres_enum_values_are_added_in_place_and_removed_by_a_rebuild() {
    let mut a = Schema::default();
    a.enums
        .insert("mood".into(), vec!["sad".into(), "happy".into()]);
    let mut b = Schema::default();
    b.enums.insert(
        "mood".into(),
        vec!["sad".into(), "ok".into(), "happy".into(), "elated".into()],
    );
    let changes = diff(&a, &b, &[]);
    assert_eq!(
        render(&changes, &a, &b, Backend::Postgres),
        vec![
            "ALTER TYPE \"mood\" ADD VALUE 'ok' BEFORE 'happy'",
            "ALTER TYPE \"mood\" ADD VALUE 'elated' AFTER 'happy'",
        ]
    );
    let down = render(&reversed(&changes), &b, &a, Backend::Postgres);
    assert_eq!(
        down[0],
        "ALTER TYPE \"mood\" RENAME TO \"mood__aludel_old\""
    );
    assert_eq!(down[1], "CREATE TYPE \"mood\" AS ENUM ('sad', 'happy')");
    assert!(
        down[2].starts_with("DO $aludel$") && down[2].contains("USING %I::text::%s"),
        "{}",
        down[2]
    );
    assert_eq!(down[3], "DROP TYPE \"mood__aludel_old\"");
}

#[test]
fn scripts_end_each_statement() {
    assert_eq!(script(&["A".into(), "B".into()]), "A;\n\nB;\n");
}
