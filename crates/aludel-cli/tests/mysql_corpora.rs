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

use support::Kind;
use support::corpus::{Edit, corpus, round_trip, run_corpus};

#[test]
fn sakila_from_empty_and_a_dozen_edits() {
    let Some(model) = corpus("sakila-schema.mysql.sql") else {
        return;
    };
    run_corpus(Kind::MySql, "sakila", &model, SAKILA_EDITS);
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
