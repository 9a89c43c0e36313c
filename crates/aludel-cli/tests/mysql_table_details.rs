//! MySQL/MariaDB index and trigger details, one round trip per change through the real
//! binary (`support::corpus::round_trip`): up (`check` clean, `mariadb-dump` and the catalog
//! equal to `after` loaded by the client) and down (both equal to `before` again).

mod support;

use support::Kind;
use support::corpus::round_trip;

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
