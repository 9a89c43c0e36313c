//! MySQL rendering as data: changes in, statements out, no server.

use super::MySqlDialect;
use super::render::render;
use crate::schema::{
    Change, Column, ForeignKey, Identity, Index, Object, ObjectKey, ObjectKind, Schema, Table,
};

/// A NOT NULL column.
fn col(name: &str, type_: &str) -> Column {
    Column {
        name: name.into(),
        type_: type_.into(),
        ..Column::default()
    }
}

fn fk(name: Option<&str>, implicit: Option<&str>) -> ForeignKey {
    ForeignKey {
        name: name.map(Into::into),
        columns: vec!["ref_id".into()],
        ref_table: "u".into(),
        ref_columns: vec!["id".into()],
        on_delete: Some("NO ACTION".into()),
        on_update: Some("RESTRICT".into()),
        implicit_index: implicit.map(Into::into),
        ..ForeignKey::default()
    }
}

fn sql(changes: &[Change]) -> Vec<String> {
    render(
        &MySqlDialect,
        changes,
        &Schema::default(),
        &Schema::default(),
    )
}

#[test]
fn no_action_is_rendered_and_named_in_full() {
    let add = Change::AddForeignKey {
        table: "t".into(),
        foreign_key: fk(Some("t_ibfk_1"), Some("ref_id")),
    };
    assert_eq!(
        sql(std::slice::from_ref(&add)),
        [
            "ALTER TABLE `t` ADD KEY `ref_id` (`ref_id`), ADD CONSTRAINT `t_ibfk_1` FOREIGN KEY (`ref_id`) REFERENCES `u` (`id`) ON DELETE NO ACTION ON UPDATE RESTRICT"
        ]
    );
    assert_eq!(
        add.describe(),
        [
            "Detected added foreign key (ref_id)(id) on table t, referencing u(id) ON DELETE NO ACTION ON UPDATE RESTRICT"
        ]
    );
    // The downgrade drops the key and the index the upgrade made under the models' name.
    assert_eq!(
        sql(&[add.reverse()]),
        [
            "ALTER TABLE `t` DROP FOREIGN KEY `t_ibfk_1`",
            "DROP INDEX `ref_id` ON `t`"
        ]
    );
    // Without an implicit index (an index of the table serves the key) nothing more.
    let plain = Change::AddForeignKey {
        table: "t".into(),
        foreign_key: fk(Some("fk"), None),
    };
    assert_eq!(
        sql(&[plain.reverse()]),
        ["ALTER TABLE `t` DROP FOREIGN KEY `fk`"]
    );
}

#[test]
fn a_table_created_from_its_statement_keeps_its_keys_and_defers_cycles() {
    let text = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `ref_id` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `fk_t_u` (`ref_id`),\n  CONSTRAINT `fk_t_u` FOREIGN KEY (`ref_id`) REFERENCES `u` (`id`),\n  CONSTRAINT `fk_t_v` FOREIGN KEY (`id`) REFERENCES `v` (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";
    let mut deferred = fk(Some("fk_t_u"), Some("fk_t_u"));
    deferred.on_delete = None;
    deferred.on_update = None;
    let table = Table {
        name: "t".into(),
        sql: Some(text.into()),
        foreign_keys: vec![ForeignKey {
            name: Some("fk_t_v".into()),
            columns: vec!["id".into()],
            ref_table: "v".into(),
            ref_columns: vec!["id".into()],
            ..ForeignKey::default()
        }],
        ..Table::default()
    };
    let out = sql(&[
        Change::AddTable(table),
        Change::AddForeignKey {
            table: "t".into(),
            foreign_key: deferred,
        },
    ]);
    assert_eq!(
        out,
        [
            text.replace(
                ",\n  CONSTRAINT `fk_t_u` FOREIGN KEY (`ref_id`) REFERENCES `u` (`id`)",
                ""
            ),
            // The statement made the key's index already.
            "ALTER TABLE `t` ADD CONSTRAINT `fk_t_u` FOREIGN KEY (`ref_id`) REFERENCES `u` (`id`)"
                .to_string()
        ]
    );
}

#[test]
fn fulltext_spatial_and_hash_indexes() {
    let index = |name: &str, method: Option<&str>| Index {
        name: name.into(),
        parts: vec!["`body`".into()],
        method: method.map(Into::into),
        ..Index::default()
    };
    let add = |i: Index| Change::AddIndex {
        table: "t".into(),
        index: i,
    };
    assert_eq!(
        sql(&[
            add(index("ft", Some("FULLTEXT"))),
            add(index("sp", Some("SPATIAL"))),
            add(index("h", Some("HASH"))),
        ]),
        [
            "CREATE FULLTEXT INDEX `ft` ON `t` (`body`)",
            "CREATE SPATIAL INDEX `sp` ON `t` (`body`)",
            "CREATE INDEX `h` ON `t` (`body`) USING HASH",
        ]
    );
    let mut table = Table {
        name: "t".into(),
        columns: vec![col("body", "text")],
        ..Table::default()
    };
    table
        .indexes
        .insert("ft".into(), index("ft", Some("FULLTEXT")));
    assert_eq!(
        sql(&[Change::AddTable(table)]),
        ["CREATE TABLE `t` (\n    `body` text NOT NULL,\n    FULLTEXT KEY `ft` (`body`)\n)"]
    );
}

#[test]
fn columns_with_on_update_generation_and_position() {
    let mut to = Schema::default();
    let columns = vec![
        col("id", "int(11)"),
        Column {
            nullable: false,
            default: Some("current_timestamp() ON UPDATE current_timestamp()".into()),
            ..col("made", "timestamp")
        },
        Column {
            nullable: false,
            default: Some("ON UPDATE current_timestamp()".into()),
            ..col("seen", "timestamp")
        },
        col(
            "loud",
            "varchar(9) CHARACTER SET ascii COLLATE ascii_bin GENERATED ALWAYS AS (upper(`id`)) VIRTUAL",
        ),
        Column {
            default: Some("2".into()),
            comment: Some("two".into()),
            ..col("e", "int(11) CHECK (`e` > 1)")
        },
        Column {
            identity: Some(Identity::AutoIncrement),
            nullable: false,
            ..col("n", "bigint(20)")
        },
    ];
    to.tables.insert(
        "t".into(),
        Table {
            name: "t".into(),
            columns: columns.clone(),
            ..Table::default()
        },
    );
    let add = |c: &Column| Change::AddColumn {
        table: "t".into(),
        column: c.clone(),
    };
    let changes: Vec<Change> = columns.iter().map(add).collect();
    assert_eq!(
        render(&MySqlDialect, &changes, &Schema::default(), &to),
        [
            "ALTER TABLE `t` ADD COLUMN `id` int(11) NOT NULL FIRST",
            "ALTER TABLE `t` ADD COLUMN `made` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp() AFTER `id`",
            "ALTER TABLE `t` ADD COLUMN `seen` timestamp NOT NULL ON UPDATE current_timestamp() AFTER `made`",
            "ALTER TABLE `t` ADD COLUMN `loud` varchar(9) CHARACTER SET ascii COLLATE ascii_bin GENERATED ALWAYS AS (upper(`id`)) VIRTUAL AFTER `seen`",
            "ALTER TABLE `t` ADD COLUMN `e` int(11) NOT NULL DEFAULT 2 COMMENT 'two' CHECK (`e` > 1) AFTER `loud`",
            "ALTER TABLE `t` ADD COLUMN `n` bigint(20) NOT NULL AUTO_INCREMENT",
        ]
    );
}

#[test]
fn objects_run_under_their_sql_mode_and_drop_by_quoted_name() {
    let object = |kind, name: &str, definition: &str| Object {
        key: ObjectKey {
            kind,
            name: name.into(),
        },
        table: None,
        definition: definition.into(),
        depends_on: vec![],
        comment: None,
    };
    let f = object(
        ObjectKind::Function,
        "f`x",
        "SET sql_mode = 'TRADITIONAL';\nCREATE FUNCTION `f``x`() RETURNS int(11)\nRETURN 1",
    );
    assert_eq!(
        sql(&[Change::CreateObject(f.clone())]),
        [
            "SET @aludel_sql_mode = @@SESSION.sql_mode",
            "SET SESSION sql_mode = 'TRADITIONAL'",
            "CREATE FUNCTION `f``x`() RETURNS int(11)\nRETURN 1",
            "SET SESSION sql_mode = @aludel_sql_mode",
        ]
    );
    assert_eq!(sql(&[Change::DropObject(f)]), ["DROP FUNCTION `f``x`"]);
    let v = object(ObjectKind::View, "v", "CREATE VIEW `v` AS select 1 AS `1`");
    let w = object(ObjectKind::View, "v", "CREATE VIEW `v` AS select 2 AS `2`");
    assert_eq!(
        sql(&[Change::ReplaceObject { from: v, to: w }]),
        ["DROP VIEW `v`", "CREATE VIEW `v` AS select 2 AS `2`"]
    );
}
