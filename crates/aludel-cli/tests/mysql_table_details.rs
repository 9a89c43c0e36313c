//! MySQL/MariaDB index and trigger details, one round trip per change through the real
//! binary (`support::corpus::round_trip`): up (`check` clean, `mariadb-dump` and the catalog
//! equal to `after` loaded by the client) and down (both equal to `before` again).

mod support;

use support::corpus::round_trip;
use support::{Kind, TestDb};

const T: &str = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, \
                 body TEXT, n INT);\n";

fn both_ways(test: &str, before: &str, after: &str) {
    round_trip(Kind::MySql, &format!("{test}_up"), before, after);
    round_trip(Kind::MySql, &format!("{test}_down"), after, before);
}

fn with(index: &str) -> String {
    format!("{T}{index}\n")
}

#[test]
fn index_prefix_lengths_and_descending_parts() {
    let plain = with("CREATE INDEX ix ON t (name, n);");
    both_ways(
        "prefix",
        &plain,
        &with("CREATE INDEX ix ON t (name(10), n);"),
    );
    both_ways(
        "desc_part",
        &plain,
        &with("CREATE INDEX ix ON t (name, n DESC);"),
    );
}

#[test]
fn an_ignored_index() {
    let plain = with("CREATE INDEX ix ON t (name);");
    both_ways(
        "ignored",
        &plain,
        &with("CREATE INDEX ix ON t (name) IGNORED;"),
    );
}

#[test]
fn an_index_comment() {
    let plain = with("CREATE INDEX ix ON t (name);");
    both_ways(
        "index_comment",
        &plain,
        &with("CREATE INDEX ix ON t (name) COMMENT 'by name';"),
    );
    both_ways(
        "index_comment_ignored",
        &with("CREATE INDEX ix ON t (name) COMMENT 'it''s \\\\ old';"),
        &with("CREATE INDEX ix ON t (name) COMMENT 'by name' IGNORED;"),
    );
}

#[test]
fn trigger_order() {
    let first = "CREATE TRIGGER a_first BEFORE INSERT ON t FOR EACH ROW SET NEW.n = 1;\n";
    let second = "CREATE TRIGGER b_second BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n * 2;\n";
    let second_first = "CREATE TRIGGER b_second BEFORE INSERT ON t FOR EACH ROW PRECEDES a_first SET NEW.n = NEW.n * 2;\n";
    both_ways(
        "trigger_order",
        &format!("{T}{first}{second}"),
        &format!("{T}{first}{second_first}"),
    );
    let third = "CREATE TRIGGER c_third BEFORE INSERT ON t FOR EACH ROW SET NEW.n = NEW.n + 3;\n";
    let third_second = "CREATE TRIGGER c_third BEFORE INSERT ON t FOR EACH ROW FOLLOWS a_first SET NEW.n = NEW.n + 3;\n";
    both_ways(
        "trigger_order_three",
        &format!("{T}{first}{second}{third}"),
        &format!("{T}{first}{second}{third_second}"),
    );
}

#[test]
fn a_primary_key_with_a_prefix_or_desc_part_is_listed_not_compared() {
    let Some(db) = TestDb::new(Kind::MySql, "pk_parts_catalog") else {
        return;
    };
    db.load_with_client(&format!(
        "{}CREATE TABLE u (a VARCHAR(40) NOT NULL, b INT NOT NULL, PRIMARY KEY (a(5), b DESC));\n",
        T
    ));
    let catalog = db.catalog();
    assert_eq!(catalog.unmanaged.len(), 1);
    assert_eq!(catalog.unmanaged[0].name, "u");
    assert_eq!(
        catalog.unmanaged[0].kind.describe(),
        "primary key prefix or DESC part"
    );
}
