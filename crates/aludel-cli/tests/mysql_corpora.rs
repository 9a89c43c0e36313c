//! MySQL/MariaDB through the real binary, with the shared harness (`support::corpus`):
//!
//! - the samples of `../shared/corpora` as model files: Sakila (its unedited DDL with
//!   `DELIMITER` blocks, views, triggers, procedures and functions, a FULLTEXT index,
//!   `ON UPDATE CURRENT_TIMESTAMP`, charsets) and Chinook (`NO ACTION` foreign keys added
//!   after the tables), from an empty database and then through a series of edits of
//!   different kinds, each compared with the models loaded by the `mariadb` client (dump and
//!   catalog), downgraded once and upgraded again; `downgrade base` leaves nothing;
//! - a round trip per object kind and per column or table attribute MySQL has.
//!
//! Without `../shared/corpora` the corpus tests print a notice and pass; without a server
//! every test skips unless `ALUDEL_REQUIRE_SERVERS=1`.

mod support;

use support::corpus::{Edit, corpus, round_trip, run_corpus};
use support::{Kind, TestDb};

#[test]
fn sakila_from_empty_and_a_dozen_edits() {
    let Some(model) = corpus("sakila-schema.mysql.sql") else {
        return;
    };
    run_corpus(Kind::MySql, "sakila", &model, SAKILA_EDITS);
}

/// `mariadb-dump --no-data --routines --triggers` output as it is, with its executable
/// comments, stand-in tables for views and `DELIMITER ;;` blocks, as the model.
#[test]
fn sakila_as_mariadb_dump_output() {
    let Some(model) = corpus("sakila-schema.mysql.sql") else {
        return;
    };
    let Some(source) = TestDb::new(Kind::MySql, "sakila_dump_source") else {
        return;
    };
    source.load_with_client(&model);
    // Events are not managed: listed by the catalog, left out of the comparison.
    source.query("CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM rental WHERE 1 = 0");
    let unmanaged: Vec<String> = source
        .catalog()
        .unmanaged
        .iter()
        .map(|k| format!("{} {}", k.kind.describe(), k.name))
        .collect();
    assert_eq!(unmanaged, ["event nightly"]);
    source.query("DROP EVENT nightly");
    let dump = source.raw_dump();
    assert!(dump.contains("DELIMITER ;;") && dump.contains("/*!50003 CREATE*/"));
    run_corpus(Kind::MySql, "sakila_dump", &dump, &[]);
}

#[test]
fn chinook_from_empty_and_edits() {
    let Some(model) = corpus("chinook-schema.mysql.sql") else {
        return;
    };
    run_corpus(Kind::MySql, "chinook_mysql", &model, CHINOOK_EDITS);
}

const fn edit(name: &'static str, find: &'static str, replace: &'static str) -> Edit {
    Edit {
        name,
        find,
        replace,
    }
}

const SAKILA_EDITS: &[Edit] = &[
    edit(
        "column charset and collation",
        "  email VARCHAR(50) DEFAULT NULL,\n  address_id",
        "  email VARCHAR(50) CHARACTER SET ascii COLLATE ascii_bin DEFAULT NULL,\n  address_id",
    ),
    edit(
        "a column used by views changes type",
        "  first_name VARCHAR(45) NOT NULL,\n  last_name VARCHAR(45) NOT NULL,\n  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  PRIMARY KEY  (actor_id)",
        "  first_name VARCHAR(60) NOT NULL,\n  last_name VARCHAR(45) COLLATE utf8mb3_bin NOT NULL,\n  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  PRIMARY KEY  (actor_id)",
    ),
    edit(
        "ENUM values added",
        "rating ENUM('G','PG','PG-13','R','NC-17') DEFAULT 'G',\n  special_features",
        "rating ENUM('G','PG','PG-13','R','NC-17','X') DEFAULT 'G',\n  special_features",
    ),
    edit(
        "a new trigger",
        "",
        "DELIMITER ;;\nCREATE TRIGGER customer_create_date BEFORE INSERT ON customer FOR EACH ROW BEGIN\n  \
         IF NEW.create_date IS NULL THEN SET NEW.create_date = NOW(); END IF;\nEND;;\nDELIMITER ;",
    ),
    edit(
        "ON UPDATE removed, a default changed",
        "  name VARCHAR(25) NOT NULL,\n  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,",
        "  name VARCHAR(25) NOT NULL DEFAULT 'none',\n  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,",
    ),
    edit(
        "a FULLTEXT index added",
        "  FULLTEXT KEY idx_title_description (title,description)\n",
        "  FULLTEXT KEY idx_title_description (title,description),\n  FULLTEXT KEY idx_description (description)\n",
    ),
    edit(
        "a column added in the middle",
        "  email VARCHAR(50) DEFAULT NULL,\n  store_id INT UNSIGNED NOT NULL,",
        "  email VARCHAR(50) DEFAULT NULL,\n  referrer_id INT UNSIGNED DEFAULT NULL COMMENT 'who brought them',\n  store_id INT UNSIGNED NOT NULL,",
    ),
    edit(
        "a foreign key without an index, NO ACTION, on an existing table",
        "  CONSTRAINT fk_staff_store FOREIGN KEY",
        "  FOREIGN KEY (referrer_id) REFERENCES staff (staff_id) ON DELETE NO ACTION ON UPDATE NO ACTION,\n  CONSTRAINT fk_staff_store FOREIGN KEY",
    ),
    edit(
        "a new function and a view calling it",
        "",
        "DELIMITER $$\nCREATE FUNCTION films_in_category(p_category INT UNSIGNED) RETURNS INT\nREADS SQL DATA\nBEGIN\n  \
         DECLARE n INT;\n  SELECT COUNT(*) INTO n FROM film_category WHERE category_id = p_category;\n  RETURN n;\nEND $$\n\
         DELIMITER ;\nCREATE VIEW category_sizes AS SELECT category_id, name, films_in_category(category_id) AS films FROM category;",
    ),
    edit(
        "a procedure's body changes",
        "     AND store_id = p_store_id\n     AND inventory_in_stock(inventory_id);\n",
        "     AND store_id = p_store_id\n     AND inventory_in_stock(inventory_id)\n     AND inventory_id > 0;\n",
    ),
    edit(
        "table charset and engine",
        "  name CHAR(20) NOT NULL,\n  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  PRIMARY KEY (language_id)\n)ENGINE=InnoDB DEFAULT CHARSET=utf8;",
        "  name CHAR(20) NOT NULL,\n  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n  PRIMARY KEY (language_id)\n)ENGINE=InnoDB DEFAULT CHARSET=latin1;",
    ),
    edit(
        "a view's definition changes",
        "s.store_id AS SID\nFROM staff AS s",
        "s.store_id AS SID, s.email AS email\nFROM staff AS s",
    ),
    edit(
        "a view removed",
        "CREATE VIEW category_sizes AS SELECT category_id, name, films_in_category(category_id) AS films FROM category;",
        "",
    ),
    edit(
        "a trigger removed",
        "CREATE TRIGGER `del_film` AFTER DELETE ON `film` FOR EACH ROW BEGIN\n    DELETE FROM film_text WHERE film_id = old.film_id;\n  END;;",
        "",
    ),
    edit(
        "a check constraint and a new table with a SPATIAL index",
        "",
        "ALTER TABLE payment ADD CONSTRAINT ck_amount CHECK (amount >= 0);\n\
         CREATE TABLE store_location (store_id INT UNSIGNED NOT NULL PRIMARY KEY, spot POINT NOT NULL, \
         SPATIAL KEY idx_spot (spot), CONSTRAINT fk_location_store FOREIGN KEY (store_id) REFERENCES store (store_id)) ENGINE=InnoDB;",
    ),
];

const CHINOOK_EDITS: &[Edit] = &[
    edit(
        "NO ACTION becomes CASCADE",
        "FOREIGN KEY (`ArtistId`) REFERENCES `Artist` (`ArtistId`) ON DELETE NO ACTION ON UPDATE NO ACTION",
        "FOREIGN KEY (`ArtistId`) REFERENCES `Artist` (`ArtistId`) ON DELETE CASCADE ON UPDATE NO ACTION",
    ),
    edit(
        "a view over tracks",
        "",
        "CREATE VIEW `AlbumLength` AS SELECT a.`AlbumId`, a.`Title`, SUM(t.`Milliseconds`) AS `Milliseconds` \
         FROM `Album` a JOIN `Track` t ON t.`AlbumId` = a.`AlbumId` GROUP BY a.`AlbumId`, a.`Title`;",
    ),
    edit(
        "a column the view uses changes type",
        "`Title` NVARCHAR(160) NOT NULL,\n    `ArtistId` INT NOT NULL,",
        "`Title` NVARCHAR(200) NOT NULL,\n    `ArtistId` INT NOT NULL,",
    ),
    edit(
        "a foreign key without an index",
        "",
        "ALTER TABLE `Customer` ADD COLUMN `ReferredBy` INT NULL;\nALTER TABLE `Customer` ADD FOREIGN KEY (`ReferredBy`) REFERENCES `Customer` (`CustomerId`);",
    ),
];

/// One change of each kind MySQL has, up and down (`support::corpus::round_trip`).
mod object_kinds {
    use super::*;

    const T: &str = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, \
                     body TEXT, made TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, ref_id INT NULL);";

    fn with(extra: &str) -> String {
        format!("{T}\n{extra}\n")
    }

    #[test]
    fn view() {
        round_trip(
            Kind::MySql,
            "kind_view",
            T,
            &with("CREATE VIEW v AS SELECT id, UPPER(name) AS shout FROM t WHERE id > 0;"),
        );
    }

    #[test]
    fn view_changed_and_view_over_a_view() {
        round_trip(
            Kind::MySql,
            "kind_view_changed",
            &with("CREATE VIEW v AS SELECT id, name FROM t;"),
            &with(
                "CREATE VIEW v AS SELECT id, name, made FROM t;\nCREATE VIEW w AS SELECT id FROM v;",
            ),
        );
    }

    #[test]
    fn trigger_in_a_delimiter_block() {
        round_trip(
            Kind::MySql,
            "kind_trigger",
            T,
            &with(
                "DELIMITER //\nCREATE TRIGGER t_name BEFORE INSERT ON t FOR EACH ROW BEGIN\n  \
                 IF NEW.name = '' THEN SET NEW.name = 'none'; END IF;\nEND //\nDELIMITER ;",
            ),
        );
    }

    #[test]
    fn procedure_and_function_under_their_own_sql_mode() {
        round_trip(
            Kind::MySql,
            "kind_routines",
            T,
            &with(
                "SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='TRADITIONAL';\nDELIMITER ;;\n\
                 CREATE FUNCTION t_count() RETURNS INT READS SQL DATA BEGIN\n  \
                 DECLARE n INT; -- counted\n  SELECT COUNT(*) INTO n FROM t; RETURN n;\nEND;;\n\
                 CREATE PROCEDURE t_clear(IN keep INT) MODIFIES SQL DATA BEGIN\n  \
                 DELETE FROM t WHERE id > keep AND t_count() > 0;\nEND;;\nDELIMITER ;\n\
                 SET SQL_MODE=@OLD_SQL_MODE;",
            ),
        );
    }

    #[test]
    fn view_calling_a_function() {
        round_trip(
            Kind::MySql,
            "kind_view_function",
            T,
            &with(
                "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;\n\
                 CREATE VIEW counted AS SELECT id, twice(id) AS two FROM t;",
            ),
        );
    }

    #[test]
    fn column_used_by_a_view_changes_type() {
        round_trip(
            Kind::MySql,
            "kind_view_column",
            &with("CREATE VIEW v AS SELECT id, name FROM t;"),
            &with("CREATE VIEW v AS SELECT id, name FROM t;")
                .replace("name VARCHAR(40)", "name VARCHAR(80)"),
        );
    }

    #[test]
    fn foreign_key_no_action_added_to_an_existing_table() {
        // No index on ref_id: the server makes one, named after the column here; the
        // downgrade must drop the index the target has.
        round_trip(
            Kind::MySql,
            "kind_fk_no_action",
            T,
            &with(
                "CREATE TABLE u (id INT NOT NULL PRIMARY KEY);\n\
                 ALTER TABLE t ADD FOREIGN KEY (ref_id) REFERENCES u (id) ON DELETE NO ACTION ON UPDATE NO ACTION;",
            ),
        );
    }

    #[test]
    fn foreign_key_restrict_becomes_no_action() {
        let fk = |action: &str| {
            with(&format!(
                "CREATE TABLE u (id INT NOT NULL PRIMARY KEY);\n\
                 ALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY (ref_id) REFERENCES u (id){action};"
            ))
        };
        round_trip(
            Kind::MySql,
            "kind_fk_action",
            &fk(""),
            &fk(" ON DELETE NO ACTION"),
        );
    }

    #[test]
    fn column_charset_and_collation() {
        round_trip(
            Kind::MySql,
            "kind_collation",
            T,
            &T.replace(
                "name VARCHAR(40)",
                "name VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin",
            )
            .replace(
                "body TEXT",
                "body TEXT CHARACTER SET utf8mb3 COLLATE utf8mb3_bin",
            ),
        );
    }

    #[test]
    fn on_update_current_timestamp() {
        round_trip(
            Kind::MySql,
            "kind_on_update",
            T,
            &T.replace(
                "DEFAULT CURRENT_TIMESTAMP,",
                "DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,",
            )
            .replace(
                "ref_id INT NULL",
                "ref_id INT NULL, seen TIMESTAMP NULL ON UPDATE CURRENT_TIMESTAMP",
            ),
        );
    }

    #[test]
    fn fulltext_and_spatial_indexes() {
        round_trip(
            Kind::MySql,
            "kind_fulltext",
            &with("CREATE TABLE places (id INT NOT NULL PRIMARY KEY, spot POINT NOT NULL);"),
            &with(
                "CREATE TABLE places (id INT NOT NULL PRIMARY KEY, spot POINT NOT NULL);\n\
                 CREATE FULLTEXT INDEX ft_body ON t (name, body);\nCREATE SPATIAL INDEX sp_spot ON places (spot);",
            ),
        );
    }

    #[test]
    fn table_engine_charset_and_collation() {
        round_trip(
            Kind::MySql,
            "kind_table_options",
            T,
            &T.replace(
                ");",
                ") ENGINE=Aria DEFAULT CHARSET=latin1 COLLATE=latin1_bin;",
            ),
        );
    }

    #[test]
    fn json_column_and_checks() {
        round_trip(
            Kind::MySql,
            "kind_json",
            T,
            &T.replace(
                "ref_id INT NULL",
                "ref_id INT NULL CHECK (ref_id > 0), doc JSON, CONSTRAINT ck_name CHECK (name <> '')",
            ),
        );
    }

    #[test]
    fn generated_columns() {
        round_trip(
            Kind::MySql,
            "kind_generated",
            T,
            &T.replace(
                "ref_id INT NULL",
                "ref_id INT NULL, loud VARCHAR(40) AS (UPPER(name)) VIRTUAL, twice INT AS (id * 2) STORED",
            ),
        );
    }
}

/// A database whose default collation is not the server's: the models' scratch database takes
/// the target's defaults, so a table made there without a charset compares equal to one the
/// client makes in the target.
#[test]
fn the_models_take_the_target_databases_default_collation() {
    let Some(db) = TestDb::new(Kind::MySql, "default_collation") else {
        return;
    };
    db.query(&format!(
        "ALTER DATABASE {} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        db.name()
    ));
    let model = "CREATE TABLE a (id INT PRIMARY KEY, name VARCHAR(20));\n";
    let project = upgraded_to(&db, model);
    db.load_with_client("CREATE TABLE b (id INT PRIMARY KEY, name VARCHAR(20));");
    let both = format!("{model}CREATE TABLE b (id INT PRIMARY KEY, name VARCHAR(20));\n");
    std::fs::write(project.path().join("models/m.sql"), both).unwrap();
    project.ok(&["check"]);
    assert_eq!(
        db.column("SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'a'"),
        ["utf8mb4_unicode_ci"]
    );
}

/// Triggers of one table, timing and event fire in creation order: the migration creates
/// them in the models' order, not by name (the dumps of the harness are sorted, so this looks
/// at the catalog's order).
#[test]
fn triggers_are_created_in_the_models_order() {
    let Some(db) = TestDb::new(Kind::MySql, "trigger_order") else {
        return;
    };
    let model = "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20));\n\
        CREATE TRIGGER z_first BEFORE INSERT ON t FOR EACH ROW SET NEW.name = CONCAT(NEW.name, 'z');\n\
        CREATE TRIGGER a_second BEFORE INSERT ON t FOR EACH ROW SET NEW.name = CONCAT(NEW.name, 'a');\n";
    upgraded_to(&db, model).ok(&["check"]);
    db.query("INSERT INTO t (id, name) VALUES (1, '')");
    assert_eq!(db.column("SELECT name FROM t"), ["za"]);
}

/// A project on `db` whose models are `model`, autogenerated and upgraded to head.
fn upgraded_to(db: &TestDb, model: &str) -> support::Project {
    let project = support::Project::new(&db.url, "models = [\"models/*.sql\"]");
    std::fs::create_dir_all(project.path().join("models")).unwrap();
    std::fs::write(project.path().join("models/m.sql"), model).unwrap();
    project.ok(&["revision", "--autogenerate", "-m", "models"]);
    project.ok(&["upgrade", "head"]);
    project
}
