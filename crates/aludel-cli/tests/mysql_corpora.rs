//! The MySQL samples of `../shared/corpora` (Sakila as its unedited DDL with `DELIMITER` blocks,
//! views, triggers, procedures and functions; Chinook) as model files on MariaDB, through the
//! real binary: from an empty database, `revision --autogenerate` and `upgrade head`, then
//! `check` is clean and `mariadb-dump --no-data --routines --triggers` of the database equals
//! the dump of the same models loaded by the `mariadb` client. Then a series of edits of
//! different kinds, each with the same checks, and each downgraded once (`downgrade -1` gives
//! the previous dump back) and upgraded again; at the end `downgrade base` leaves nothing.
//!
//! Normalised in the dumps: `AUTO_INCREMENT=` counters, definers, and aludel's own tables. The
//! client loads the models with `--comments` and `--default-character-set=utf8mb4`, so it sends
//! the server the same text with the same character set as aludel does (by default it strips
//! comments from routine bodies and uses the terminal's character set).
//!
//! Without `../shared/corpora` (searched upwards from the crate) the tests print a notice and
//! pass; without a server they skip unless `ALUDEL_REQUIRE_SERVERS=1`.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use support::{Kind, Project, TestDb};

/// `../shared/corpora`, searched from the crate upwards (the main checkout and worktrees).
fn corpora() -> Option<PathBuf> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join("shared/corpora"))
        .find(|dir| dir.join("README.md").is_file())
}

fn sample(name: &str) -> Option<String> {
    match corpora() {
        Some(dir) => Some(std::fs::read_to_string(dir.join(name)).unwrap()),
        None => {
            eprintln!("notice: skipping, ../shared/corpora not found");
            None
        }
    }
}

/// Runs the `mariadb` client on `database` with `input`; panics with its message on failure.
fn client(database: &str, input: &str) {
    let mut child = Command::new("mariadb")
        .args([
            "-h127.0.0.1",
            "-uroot",
            "--comments",
            "--default-character-set=utf8mb4",
            database,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mariadb client");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mariadb {database}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `mariadb-dump --no-data --routines --triggers` of `database`, normalised.
fn dump(database: &str) -> String {
    let out = Command::new("mariadb-dump")
        .args([
            "-h127.0.0.1",
            "-uroot",
            "--no-data",
            "--routines",
            "--triggers",
            "--skip-comments",
            &format!("--ignore-table={database}.aludel_version"),
            &format!("--ignore-table={database}.aludel_history"),
            database,
        ])
        .output()
        .expect("mariadb-dump");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .map(|line| normalise(line).replace(database, "DB"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A dump line without `AUTO_INCREMENT=n` and `DEFINER=user@host`.
fn normalise(line: &str) -> String {
    let mut out = line.to_string();
    if let Some(at) = out.find(" AUTO_INCREMENT=") {
        let end = out[at + 1..].find(' ').map_or(out.len(), |e| at + 1 + e);
        out.replace_range(at..end, "");
    }
    while let Some(at) = out.find("DEFINER=`") {
        let rest = &out[at..];
        let end = rest
            .find("` ")
            .or_else(|| rest.find("`*/"))
            .map_or(out.len(), |e| at + e + 1);
        out.replace_range(at..end, "DEFINER");
    }
    out
}

/// One edit of the models: replace `from` (which must be there) by `to`, or append `to`.
struct Edit {
    name: &'static str,
    from: &'static str,
    to: &'static str,
}

const fn edit(name: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit { name, from, to }
}

fn apply(models: &str, e: &Edit) -> String {
    if e.from.is_empty() {
        return format!("{models}\n{}\n", e.to);
    }
    assert!(
        models.contains(e.from),
        "edit '{}': '{}' not in the models",
        e.name,
        e.from
    );
    models.replacen(e.from, e.to, 1)
}

/// The database's objects other than aludel's tables, as `kind name` lines.
fn leftovers(db: &TestDb) -> Vec<String> {
    db.column(
        "SELECT CONCAT(TABLE_TYPE, ' ', TABLE_NAME) FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT IN ('aludel_version', 'aludel_history') \
         UNION ALL SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) FROM information_schema.ROUTINES \
         WHERE ROUTINE_SCHEMA = DATABASE() \
         UNION ALL SELECT CONCAT('TRIGGER ', TRIGGER_NAME) FROM information_schema.TRIGGERS \
         WHERE TRIGGER_SCHEMA = DATABASE()",
    )
}

/// The whole run for one sample and its edits.
fn evolve(test: &str, models: String, edits: &[Edit]) {
    let Some(db) = TestDb::new(Kind::MySql, test) else {
        return;
    };
    let Some(reference) = TestDb::new(Kind::MySql, &format!("{test}_ref")) else {
        return;
    };
    let project = Project::new(&db.url, "models = [\"models/*.sql\"]");
    std::fs::create_dir_all(project.path().join("models")).unwrap();
    let mut models = models;
    let mut previous: Option<String> = None;
    for (step, e) in std::iter::once(&edit("from empty", "", ""))
        .chain(edits)
        .enumerate()
    {
        models = apply(&models, e);
        std::fs::write(project.path().join("models/schema.sql"), &models).unwrap();
        recreate(&reference);
        client(reference.name(), &models);
        let expected = dump(reference.name());

        let generated = project.ok(&["revision", "--autogenerate", "-m", &format!("step {step}")]);
        project.ok(&["upgrade", "head"]);
        let check = project.cmd().arg("check").output().unwrap();
        assert!(
            check.status.success(),
            "step {step} ({}): check is not clean\n{}{}\nrevision said:\n{generated}",
            e.name,
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let upgraded = dump(db.name());
        assert_same(&expected, &upgraded, &format!("step {step} ({})", e.name));
        if let Some(before) = &previous {
            project.ok(&["downgrade", "-1"]);
            let downgraded = dump(db.name());
            assert_same(
                before,
                &downgraded,
                &format!("step {step} ({}) downgraded", e.name),
            );
            project.ok(&["upgrade", "head"]);
            assert_same(&expected, &dump(db.name()), &format!("step {step} again"));
        }
        previous = Some(upgraded);
    }
    project.ok(&["downgrade", "base"]);
    assert_eq!(leftovers(&db), Vec::<String>::new(), "after downgrade base");
}

/// Drops and creates the reference database again, empty.
fn recreate(reference: &TestDb) {
    let name = reference.name();
    let admin = TestDb::new(Kind::MySql, "admin").unwrap();
    admin.query(&format!("DROP DATABASE IF EXISTS {name}"));
    admin.query(&format!("CREATE DATABASE {name}"));
}

fn assert_same(expected: &str, actual: &str, what: &str) {
    if expected == actual {
        return;
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = first.saturating_sub(5);
    panic!(
        "{what}: the dump differs from the models loaded by the client at line {}\n--- client ---\n{}\n--- aludel ---\n{}",
        first + 1,
        e[from..(first + 10).min(e.len())].join("\n"),
        a[from..(first + 10).min(a.len())].join("\n")
    );
}

#[test]
fn sakila_from_empty_and_a_dozen_edits() {
    let Some(models) = sample("sakila-schema.mysql.sql") else {
        return;
    };
    evolve("sakila", models, SAKILA_EDITS);
}

#[test]
fn chinook_from_empty_and_edits() {
    let Some(models) = sample("chinook-schema.mysql.sql") else {
        return;
    };
    evolve("chinook", models, CHINOOK_EDITS);
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
