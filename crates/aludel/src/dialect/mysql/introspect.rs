//! MySQL/MariaDB introspection from `information_schema`, for the tables of the current
//! database.
//!
//! MySQL keeps UNIQUE constraints as unique indexes, so they are read as indexes; the index
//! MySQL creates by itself for a foreign key is left out of the model (it comes and goes with
//! its foreign key) and remembered on the foreign key so a drop can remove it too.

use std::collections::BTreeMap;

use super::{COLUMN_CHECK, MySqlConn, MySqlDialect};
use crate::Result;
use crate::dialect::Dialect;
use crate::dialect::catalog::{opt, query, text};
use crate::dialect::database::Rows;
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Identity, Index, ObjectKey, ObjectKind, Schema, Table,
    TableFilter,
};

const TABLES: &str = "SELECT t.TABLE_NAME, t.ENGINE, ca.CHARACTER_SET_NAME, t.TABLE_COLLATION, t.TABLE_COMMENT \
    FROM information_schema.TABLES t LEFT JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY ca \
    ON ca.COLLATION_NAME = t.TABLE_COLLATION \
    WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY t.TABLE_NAME";

const COLUMNS: &str = "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_COMMENT, EXTRA, \
    CHARACTER_SET_NAME, COLLATION_NAME, GENERATION_EXPRESSION \
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// The key parts of every index, with the index's comment and whether MariaDB ignores it.
const INDEXES: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), COLUMN_NAME, CAST(SUB_PART AS CHAR), COLLATION, INDEX_TYPE, \
    INDEX_COMMENT, IF(IGNORED = 'YES', 'IGNORED', '') \
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const CHECKS: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS \
    WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// [`CHECKS`] on a server without MariaDB's `LEVEL` (column or table) of a check.
const TABLE_CHECKS: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
    WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME";

const FOREIGN_KEYS: &str = "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, \
    k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE \
    FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
    ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
    WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
    ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// [`INDEXES`] on MySQL, which has invisible indexes instead of ignored ones.
const MYSQL_INDEXES: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), COLUMN_NAME, CAST(SUB_PART AS CHAR), COLLATION, INDEX_TYPE, \
    INDEX_COMMENT, IF(IS_VISIBLE = 'NO', 'INVISIBLE', '') \
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// Every base table of the current database, in five whole-schema queries, and the objects
/// around them (`objects`).
pub(super) async fn introspect(db: &mut MySqlConn, filter: &TableFilter) -> Result<Schema> {
    let mut schema = Schema::default();
    for row in query(db, TABLES).await? {
        let name = text(&row, 0);
        if !filter.accepts(&name) {
            continue;
        }
        let mut table = Table {
            name: name.clone(),
            comment: opt(&row, 4).filter(|c| !c.is_empty()),
            ..Table::default()
        };
        table.options.engine = opt(&row, 1);
        table.options.charset = opt(&row, 2);
        table.options.collation = opt(&row, 3);
        schema.tables.insert(name, table);
    }
    add_create_statements(db, &mut schema).await?;
    for row in query(db, COLUMNS).await? {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        let extra = text(&row, 6).to_ascii_lowercase();
        table.columns.push(Column {
            name: text(&row, 1),
            type_: column_type(&row),
            nullable: text(&row, 3) == "YES",
            default: column_default(opt(&row, 4), &extra),
            comment: opt(&row, 5).filter(|c| !c.is_empty()),
            identity: extra
                .contains("auto_increment")
                .then_some(Identity::AutoIncrement),
            sequence: None,
        });
    }
    let checks = match query(db, CHECKS).await {
        Ok(rows) => rows,
        Err(_) => query(db, TABLE_CHECKS).await?,
    };
    for row in checks {
        let Some(table) = schema.tables.get_mut(&text(&row, 0)) else {
            continue;
        };
        // A column's own CHECK (MariaDB's for JSON columns too) is part of its definition:
        // `MODIFY COLUMN` keeps it only when stated again.
        if text(&row, 3) == "Column"
            && let Some(column) = table.columns.iter_mut().find(|c| c.name == text(&row, 1))
        {
            column
                .type_
                .push_str(&format!("{COLUMN_CHECK}{})", text(&row, 2)));
            continue;
        }
        table.checks.push(CheckConstraint {
            name: opt(&row, 1),
            expression: text(&row, 2),
        });
    }
    let mut fks: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
    for row in query(db, FOREIGN_KEYS).await? {
        let fk = fks
            .entry((text(&row, 0), text(&row, 1)))
            .or_insert_with(|| ForeignKey {
                name: opt(&row, 1),
                ref_table: text(&row, 3),
                on_delete: fk_action(&text(&row, 5)),
                on_update: fk_action(&text(&row, 6)),
                ..ForeignKey::default()
            });
        fk.columns.push(text(&row, 2));
        fk.ref_columns.push(text(&row, 4));
    }
    for ((table, _), fk) in fks {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.foreign_keys.push(fk);
        }
    }
    let indexes = match query(db, INDEXES).await {
        Ok(rows) => rows,
        Err(_) => query(db, MYSQL_INDEXES).await?,
    };
    add_indexes(&mut schema, indexes);
    super::objects::add_objects(db, &mut schema, filter).await?;
    Ok(schema)
}

/// Each table's `SHOW CREATE TABLE` text in [`Table::sql`] (without its `AUTO_INCREMENT=`
/// counter), which creates the table exactly as the database states it: keys in their order,
/// inline column checks, options. A few hundred statements go in each round trip.
async fn add_create_statements(db: &mut MySqlConn, schema: &mut Schema) -> Result<()> {
    let names: Vec<String> = schema.tables.keys().cloned().collect();
    for chunk in names.chunks(200) {
        let batch: Vec<String> = chunk
            .iter()
            .map(|n| format!("SHOW CREATE TABLE `{}`", n.replace('`', "``")))
            .collect();
        for row in query(db, &batch.join(";\n")).await? {
            if let Some(table) = schema.tables.get_mut(&text(&row, 0)) {
                table.sql = Some(without_counter(&text(&row, 1)));
            }
        }
    }
    Ok(())
}

/// `CREATE TABLE` text without the ` AUTO_INCREMENT=n` table option, which only counts rows.
fn without_counter(sql: &str) -> String {
    // The options follow the line that closes the definitions: `) ENGINE=InnoDB ...`.
    let Some(close) = sql.find("\n)") else {
        return sql.to_string();
    };
    let end = sql[close + 1..]
        .find('\n')
        .map_or(sql.len(), |e| close + 1 + e);
    let options: Vec<&str> = sql[close..end]
        .split(' ')
        .filter(|word| !word.starts_with("AUTO_INCREMENT="))
        .collect();
    format!("{}{}{}", &sql[..close], options.join(" "), &sql[end..])
}

/// The column's type as its definition states it: `COLUMN_TYPE`, then the character set and
/// collation of a text column (always stated: a table's default applies only to columns
/// created after it is set), then a generated column's expression.
fn column_type(row: &[Option<String>]) -> String {
    let mut type_ = text(row, 2);
    if let (Some(charset), Some(collation)) = (opt(row, 7), opt(row, 8)) {
        type_.push_str(&format!(" CHARACTER SET {charset} COLLATE {collation}"));
    }
    let extra = text(row, 6).to_ascii_uppercase();
    if let Some(expression) = opt(row, 9).filter(|_| extra.contains("GENERATED")) {
        let kind = if extra.contains("STORED") {
            "STORED"
        } else {
            "VIRTUAL"
        };
        type_.push_str(&format!(" GENERATED ALWAYS AS ({expression}) {kind}"));
    }
    type_
}

/// The server default as `SHOW CREATE TABLE` states it, `ON UPDATE` included
/// (`current_timestamp() ON UPDATE current_timestamp()`, `NULL ON UPDATE ...` for a nullable
/// column without default, `ON UPDATE ...` alone for one that is NOT NULL).
fn column_default(default: Option<String>, extra: &str) -> Option<String> {
    let on_update = extra.find("on update ").map(|at| {
        extra[at + "on update ".len()..]
            .split_whitespace()
            .next()
            .unwrap_or("")
    });
    match (default, on_update) {
        (Some(d), Some(u)) => Some(format!("{d} ON UPDATE {u}")),
        (None, Some(u)) => Some(format!("ON UPDATE {u}")),
        (Some(d), None) if d == "NULL" => None,
        (d, None) => d,
    }
}

/// A foreign-key action as the catalog states it. MySQL and MariaDB store `NO ACTION` and
/// `RESTRICT` apart (and a key declared without a clause as `RESTRICT`), so both are kept as
/// stated: compared, and rendered with the clause.
fn fk_action(text: &str) -> Option<String> {
    let upper = text.trim().to_ascii_uppercase();
    Some(upper).filter(|a| !a.is_empty())
}

/// What `SHOW CREATE TABLE` writes after an index's key parts: `COMMENT '…'`, then `IGNORED`
/// or `INVISIBLE`.
fn index_options(comment: &str, hidden: &str) -> Option<String> {
    let comment =
        (!comment.is_empty()).then(|| format!("COMMENT {}", MySqlDialect.quote_literal(comment)));
    let hidden = (!hidden.is_empty()).then(|| hidden.to_string());
    let parts: Vec<String> = comment.into_iter().chain(hidden).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The indexes of every table from `information_schema.STATISTICS`, one row per key part:
/// `PRIMARY` is the primary key, the index the server made for a foreign key is remembered on
/// that key, and the others are the table's indexes.
fn add_indexes(schema: &mut Schema, rows: Rows) {
    let mut indexes: BTreeMap<(String, String), (Index, Vec<String>)> = BTreeMap::new();
    for row in rows {
        let entry = indexes
            .entry((text(&row, 0), text(&row, 1)))
            .or_insert_with(|| {
                let method = Some(text(&row, 6)).filter(|m| m != "BTREE");
                (
                    Index {
                        name: text(&row, 1),
                        unique: text(&row, 2) == "0",
                        method,
                        options: index_options(&text(&row, 7), &text(&row, 8)),
                        ..Index::default()
                    },
                    vec![],
                )
            });
        let column = text(&row, 3);
        let mut part = format!("`{}`", column.replace('`', "``"));
        // A SPATIAL key part reports the length of the geometry's key, which is no prefix.
        if let Some(len) = opt(&row, 4).filter(|_| text(&row, 6) != "SPATIAL") {
            part.push_str(&format!("({len})"));
        }
        if text(&row, 5) == "D" {
            part.push_str(" DESC");
        }
        entry.0.parts.push(part);
        entry.1.push(column);
    }
    for ((table_name, index_name), (index, columns)) in indexes {
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        if index_name == "PRIMARY" {
            table.primary_key = columns;
            // The model's primary key is its columns: a prefix length or a DESC part is not
            // compared, and said so.
            if index
                .parts
                .iter()
                .any(|p| p.ends_with(')') || p.ends_with(" DESC"))
            {
                schema.unmanaged.push(ObjectKey {
                    kind: ObjectKind::Other("primary key prefix or DESC part"),
                    name: table_name,
                });
            }
            continue;
        }
        let owner = table.foreign_keys.iter_mut().find(|fk| {
            !index.unique
                && fk.implicit_index.is_none()
                && fk.columns == columns
                && (fk.name.as_deref() == Some(index_name.as_str()) || fk.columns[0] == index_name)
        });
        match owner {
            Some(fk) => fk.implicit_index = Some(index_name),
            None => {
                table.indexes.insert(index_name, index);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_options_as_show_create_table_writes_them() {
        assert_eq!(index_options("", ""), None);
        assert_eq!(index_options("", "IGNORED").as_deref(), Some("IGNORED"));
        assert_eq!(
            index_options("it's", "INVISIBLE").as_deref(),
            Some("COMMENT 'it''s' INVISIBLE")
        );
    }

    #[test]
    fn defaults_carry_on_update_as_show_create_table_states_it() {
        let on = "on update current_timestamp()";
        let d = |default: Option<&str>, extra: &str| column_default(default.map(Into::into), extra);
        assert_eq!(
            d(Some("current_timestamp()"), on).as_deref(),
            Some("current_timestamp() ON UPDATE current_timestamp()")
        );
        assert_eq!(
            d(Some("NULL"), on).as_deref(),
            Some("NULL ON UPDATE current_timestamp()")
        );
        assert_eq!(
            d(None, on).as_deref(),
            Some("ON UPDATE current_timestamp()")
        );
        assert_eq!(d(Some("NULL"), ""), None);
        assert_eq!(d(Some("'x'"), "").as_deref(), Some("'x'"));
    }

    #[test]
    fn types_carry_charset_collation_and_generation() {
        let row = |extra: &str, cs: Option<&str>, gen_: Option<&str>| -> Vec<Option<String>> {
            let mut r: Vec<Option<String>> = vec![None; 10];
            r[2] = Some("varchar(9)".into());
            r[6] = Some(extra.into());
            r[7] = cs.map(Into::into);
            r[8] = cs.map(|c| format!("{c}_bin"));
            r[9] = gen_.map(Into::into);
            r
        };
        assert_eq!(column_type(&row("", None, None)), "varchar(9)");
        assert_eq!(
            column_type(&row("", Some("ascii"), None)),
            "varchar(9) CHARACTER SET ascii COLLATE ascii_bin"
        );
        assert_eq!(
            column_type(&row("STORED GENERATED", Some("ascii"), Some("upper(`a`)"))),
            "varchar(9) CHARACTER SET ascii COLLATE ascii_bin GENERATED ALWAYS AS (upper(`a`)) STORED"
        );
    }

    #[test]
    fn the_row_counter_is_left_out_of_create_statements() {
        let sql = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COMMENT='AUTO_INCREMENT=1 )'";
        assert_eq!(
            without_counter(sql),
            "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='AUTO_INCREMENT=1 )'"
        );
    }
}
