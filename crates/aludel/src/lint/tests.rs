use std::path::Path;

use super::classify::{Cursor, column_type, tokens};
use super::*;

/// A revision file `id` (parent `down`) with `upgrade` starting at file line 5.
fn script(id: &str, down: &str, upgrade: &str, downgrade: &str) -> Script {
    let text = format!(
        "-- revision = \"{id}\"\n-- down_revision = \"{down}\"\n\n-- migrate:upgrade\n{upgrade}\n\n-- migrate:downgrade\n{downgrade}\n"
    );
    Script::parse(Path::new(&format!("{id}.sql")), &text).unwrap()
}

/// Lints one revision after a base revision that creates `users`.
fn lint_after_base(upgrade: &str, backend: Backend) -> Vec<Finding> {
    let base = script(
        "a1",
        "",
        "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, age SMALLINT);",
        "DROP TABLE users;",
    );
    let next = script("b2", "a1", upgrade, "");
    // The lock timeout rule has its own tests; here it would fire on every first statement.
    let mut config = crate::config::LintConfig::default();
    config.disable.push("missing-lock-timeout".into());
    let settings = Settings::from_config(&config, "aludel.toml").unwrap();
    lint_run(&[&base], &[&next], backend, &settings).unwrap()
}

fn rules(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.id()).collect()
}

#[test]
fn drop_table_is_a_warning_with_file_and_line() {
    let findings = lint_after_base(
        "SELECT 1;\nDROP TABLE IF EXISTS public.users;",
        Backend::Sqlite,
    );
    assert_eq!(rules(&findings), ["drop-table"]);
    let f = &findings[0];
    assert_eq!(f.level, Level::Warning);
    assert_eq!(f.line, 6);
    assert_eq!(f.path, Path::new("b2.sql"));
    assert_eq!(f.revision.as_str(), "b2");
    assert!(f.message.contains("users"), "{}", f.message);
    assert!(!f.hint.is_empty());
}

#[test]
fn downgrade_sections_are_not_linted() {
    // The base revision's downgrade drops `users`; only the upgrade counts.
    assert!(lint_after_base("SELECT 1;", Backend::Sqlite).is_empty());
}

#[test]
fn drop_column_with_and_without_keyword() {
    let findings = lint_after_base(
        "ALTER TABLE users DROP COLUMN age;\nALTER TABLE users DROP name;\nALTER TABLE users DROP CONSTRAINT users_pk;",
        Backend::MySql,
    );
    assert_eq!(rules(&findings), ["drop-column", "drop-column"]);
    assert_eq!(findings[1].line, 6);
    assert_eq!(findings[0].level, Level::Warning);
}

#[test]
fn not_null_column_without_default_on_existing_table_is_an_error() {
    let findings = lint_after_base(
        "ALTER TABLE users ADD COLUMN email TEXT NOT NULL;\n\
         ALTER TABLE users ADD COLUMN a TEXT NOT NULL DEFAULT '';\n\
         ALTER TABLE users ADD b TEXT;\n\
         ALTER TABLE users ADD c INT NOT NULL GENERATED ALWAYS AS IDENTITY;",
        Backend::Postgres,
    );
    assert_eq!(rules(&findings), ["add-not-null-column"]);
    assert_eq!(findings[0].level, Level::Error);
    assert_eq!(findings[0].line, 5);
}

#[test]
fn not_null_column_on_table_created_in_the_same_revision_is_fine() {
    let findings = lint_after_base(
        "CREATE TABLE posts (id INT);\nALTER TABLE posts ADD COLUMN title TEXT NOT NULL;\nCREATE INDEX posts_title ON posts (title);\nALTER TABLE posts DROP COLUMN id;",
        Backend::Postgres,
    );
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn a_table_created_before_the_run_is_existing() {
    let base = script("a1", "", "CREATE TABLE posts (id INT);", "");
    let next = script("b2", "a1", "ALTER TABLE posts ADD title TEXT NOT NULL;", "");
    let settings = Settings::default();
    let findings = lint_run(&[&base], &[&next], Backend::Sqlite, &settings).unwrap();
    assert_eq!(rules(&findings), ["add-not-null-column"]);
}

#[test]
fn objects_created_by_an_earlier_revision_of_the_run_are_new() {
    let base = script(
        "a1",
        "",
        "CREATE TABLE posts (id INT);\nCREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n FROM posts;\nCREATE INDEX posts_id ON posts (id);",
        "",
    );
    let next = script(
        "b2",
        "a1",
        "ALTER TABLE posts ADD title TEXT NOT NULL;\nCREATE INDEX totals_n ON totals (n);\nDROP INDEX posts_id;\nALTER TABLE posts ALTER COLUMN title SET NOT NULL;",
        "",
    );
    let settings = Settings::default();
    let findings = lint_run(&[], &[&base, &next], Backend::Postgres, &settings).unwrap();
    assert!(findings.is_empty(), "{findings:?}");
    // Linted revision by revision (`aludel lint` without a range), b2 finds them existing.
    assert!(lint(&[&base, &next], Backend::Postgres).unwrap().len() >= 4);
    // A third revision of the run still sees them as new; one linted after the run does not.
    let third = script("c3", "b2", "CREATE INDEX posts_title ON posts (title);", "");
    let run = lint_run(&[], &[&base, &next, &third], Backend::Postgres, &settings).unwrap();
    assert!(run.is_empty(), "{run:?}");
    let after = lint_run(&[&base, &next], &[&third], Backend::Postgres, &settings).unwrap();
    assert_eq!(
        rules(&after),
        ["create-index-non-concurrent", "missing-lock-timeout"]
    );
}

#[test]
fn type_change_is_a_warning_and_known_narrowing_an_error() {
    let findings = lint_after_base(
        "ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(50);\n\
         ALTER TABLE users ALTER COLUMN name SET DATA TYPE VARCHAR(200);\n\
         ALTER TABLE users ALTER COLUMN nick TYPE TEXT USING nick::text;",
        Backend::Postgres,
    );
    assert_eq!(
        rules(&findings),
        [
            "narrow-column-type",
            "change-column-type",
            "change-column-type"
        ]
    );
    assert_eq!(findings[0].level, Level::Error);
    assert!(
        findings[0].message.contains("VARCHAR(100)") && findings[0].message.contains("VARCHAR(50)"),
        "{}",
        findings[0].message
    );
    assert_eq!(findings[1].level, Level::Warning);
    assert!(
        findings[2].message.contains("to TEXT"),
        "{}",
        findings[2].message
    );
}

#[test]
fn mysql_modify_and_change() {
    let findings = lint_after_base(
        "ALTER TABLE users MODIFY age TINYINT;\n\
         ALTER TABLE users MODIFY COLUMN name VARCHAR(100) NOT NULL;\n\
         ALTER TABLE users CHANGE name full_name VARCHAR(20);",
        Backend::MySql,
    );
    // Same type through MODIFY is no change; CHANGE narrows and renames.
    assert_eq!(
        rules(&findings),
        ["narrow-column-type", "narrow-column-type", "rename-column"]
    );
    assert_eq!(findings[2].line, 7);
}

#[test]
fn renames_are_warnings() {
    let findings = lint_after_base(
        "ALTER TABLE users RENAME COLUMN name TO full_name;\n\
         ALTER TABLE users RENAME TO people;\n\
         ALTER TABLE people RENAME CONSTRAINT a TO b;",
        Backend::Sqlite,
    );
    assert_eq!(rules(&findings), ["rename-column", "rename-table"]);
    assert!(findings.iter().all(|f| f.level == Level::Warning));
    let mysql = lint_after_base("RENAME TABLE users TO people, a TO b;", Backend::MySql);
    assert_eq!(rules(&mysql), ["rename-table", "rename-table"]);
}

#[test]
fn renamed_table_keeps_its_known_columns() {
    let findings = lint_after_base(
        "ALTER TABLE users RENAME TO people;\nALTER TABLE people ALTER COLUMN name TYPE VARCHAR(10);",
        Backend::Postgres,
    );
    assert_eq!(rules(&findings), ["rename-table", "narrow-column-type"]);
}

#[test]
fn postgres_index_without_concurrently_on_existing_table_is_an_error() {
    let sql = "CREATE INDEX users_name ON users (name);\n\
               CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_age ON ONLY public.users (age);";
    let findings = lint_after_base(sql, Backend::Postgres);
    // The concurrent build is fine for the lock, but not in the revision's transaction.
    assert_eq!(
        rules(&findings),
        ["create-index-non-concurrent", "concurrent-in-transaction"]
    );
    assert_eq!(findings[0].level, Level::Error);
    assert_eq!(findings[0].line, 5);
    // Other dialects have no CONCURRENTLY: the rule is PostgreSQL's only.
    assert!(lint_after_base(sql, Backend::Sqlite).is_empty());
    assert!(lint_after_base(sql, Backend::MySql).is_empty());
}

#[test]
fn ignore_comment_suppresses_the_named_rule_only() {
    let findings = lint_after_base(
        "-- aludel:lint-ignore drop-column\nALTER TABLE users DROP COLUMN age;\n\
         -- aludel:lint-ignore rename-table, drop-table\n-- the users table is gone\nDROP TABLE users;\n\
         -- aludel:lint-ignore rename-column\nALTER TABLE users DROP COLUMN name;",
        Backend::Sqlite,
    );
    assert_eq!(rules(&findings), ["drop-column"]);
    assert_eq!(findings[0].line, 11);
}

#[test]
fn ignore_comment_must_be_right_above_the_statement() {
    let findings = lint_after_base(
        "-- aludel:lint-ignore drop-table\nSELECT 1;\nDROP TABLE users;",
        Backend::Sqlite,
    );
    assert_eq!(rules(&findings), ["drop-table"]);
}

#[test]
fn statements_that_do_not_parse_are_still_classified() {
    let findings = lint_after_base(
        "ALTER TABLE users DROP COLUMN age, ADD COLUMN x INT NOT NULL, RENAME INDEX a TO b;\nDO $$ BEGIN DROP TABLE inside_body; END $$;",
        Backend::Postgres,
    );
    assert_eq!(rules(&findings), ["drop-column", "add-not-null-column"]);
}

#[test]
fn column_types_and_narrowing() {
    let ty = |sql: &str| {
        let toks = tokens(sql, Backend::Postgres);
        column_type(&mut Cursor::new(&toks)).unwrap()
    };
    assert_eq!(
        ty("character varying(30) NOT NULL").text,
        "CHARACTER VARYING(30)"
    );
    assert_eq!(ty("numeric(10, 2)").args, [10, 2]);
    assert!(ty("varchar(5)").narrower_than(&ty("VARCHAR(6)")));
    assert!(!ty("varchar(7)").narrower_than(&ty("VARCHAR(6)")));
    assert!(ty("int").narrower_than(&ty("bigint")));
    assert!(!ty("bigint").narrower_than(&ty("integer")));
    assert!(!ty("text").narrower_than(&ty("varchar(10)")));
}

#[test]
fn catalog_types_are_read_with_their_arguments() {
    // Autogenerate reads the catalog's spelling of both types of a changed column.
    let ty = ColumnType::read("character varying(50)", Backend::Postgres);
    assert_eq!(
        (ty.base.as_str(), ty.args.as_slice()),
        ("CHARACTER VARYING", &[50][..])
    );
    assert_eq!(ty.written, "character varying(50)");
    assert_eq!(
        ColumnType::read("NUMERIC(10,2)", Backend::MySql).args,
        [10, 2]
    );
    assert!(ColumnType::read("text", Backend::Sqlite).args.is_empty());
}

#[test]
fn json_form_is_what_lint_json_printed_before() {
    let findings = lint_after_base(
        "DROP TABLE users;\nCREATE INDEX i ON users (name);",
        Backend::Postgres,
    );
    let report = Report::new(findings.clone()).relative_to(Path::new(""));
    // The object `aludel lint --json` used to build by hand, field by field.
    let by_hand = serde_json::json!({
        "findings": findings.iter().map(|f| serde_json::json!({
            "rule": f.rule.id(),
            "level": f.level.as_str(),
            "revision": f.revision.as_str(),
            "path": f.path.display().to_string(),
            "line": f.line,
            "lock": f.lock,
            "message": f.message,
            "hint": f.hint,
        })).collect::<Vec<_>>(),
        "errors": 1,
        "warnings": 1,
    });
    assert_eq!(
        serde_json::to_string_pretty(&report).unwrap(),
        serde_json::to_string_pretty(&by_hand).unwrap()
    );
}

#[test]
fn rule_ids_round_trip() {
    for &rule in Rule::ALL {
        assert_eq!(Rule::from_id(rule.id()), Some(rule));
    }
    assert_eq!(Rule::from_id("nope"), None);
}

#[test]
fn lexing_error_names_the_file() {
    let bad = script("c3", "", "SELECT 'unterminated;", "");
    let error = lint(&[&bad], Backend::Sqlite).unwrap_err();
    assert!(error.to_string().contains("c3.sql"), "{error}");
}

#[test]
fn sqlite_not_null_column_without_default_on_existing_table_is_an_error() {
    // sqlite3 refuses it once the table has a row: "Cannot add a NOT NULL column with
    // default value NULL".
    let findings = lint_after_base(
        "ALTER TABLE users ADD COLUMN email TEXT NOT NULL;\nALTER TABLE users ADD COLUMN nick TEXT NOT NULL DEFAULT '';",
        Backend::Sqlite,
    );
    assert_eq!(rules(&findings), ["add-not-null-column"]);
    assert_eq!(findings[0].level, Level::Error);
}
