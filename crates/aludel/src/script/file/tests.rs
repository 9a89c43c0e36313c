use super::*;

const EXAMPLE: &str = r#"-- message = "Add user table"
-- revision = "3f2a9c1b7d4e"
-- down_revision = "1a2b3c4d5e6f"
-- branch_labels = []
-- depends_on = []
-- create_date = "2023-12-01 12:00:00"

-- migrate:upgrade
CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    username VARCHAR(50) NOT NULL
);
CREATE UNIQUE INDEX ix_users_username ON users (username);

-- migrate:downgrade
DROP INDEX ix_users_username;
DROP TABLE users;
"#;

fn parse(text: &str) -> Result<Script> {
    Script::parse(Path::new("versions/x.sql"), text)
}

fn id(s: &str) -> RevisionId {
    RevisionId::new(s).unwrap()
}

fn error(text: &str) -> (usize, String) {
    match parse(text) {
        Err(Error::Script {
            path,
            line,
            message,
        }) => {
            assert_eq!(path, Path::new("versions/x.sql"));
            (line, message)
        }
        other => panic!("expected a script error, got {other:?}"),
    }
}

#[test]
fn the_design_example_parses() {
    let script = parse(EXAMPLE).unwrap();
    assert_eq!(script.revision.id, id("3f2a9c1b7d4e"));
    assert_eq!(script.revision.down_revisions, vec![id("1a2b3c4d5e6f")]);
    assert!(script.revision.branch_labels.is_empty());
    assert!(script.revision.depends_on.is_empty());
    assert_eq!(script.message, "Add user table");
    assert_eq!(script.create_date.as_deref(), Some("2023-12-01 12:00:00"));
    assert_eq!(script.path, Path::new("versions/x.sql"));
    assert!(script.transactional);
    assert!(!script.template);
    let upgrade = script.upgrade.as_ref().unwrap();
    assert_eq!(upgrade.first_line, 9);
    assert!(upgrade.text.starts_with("CREATE TABLE users (\n"));
    assert!(upgrade.text.ends_with("ON users (username);\n\n"));
    let downgrade = script.downgrade.as_ref().unwrap();
    assert_eq!(downgrade.first_line, 16);
    assert_eq!(
        downgrade.text,
        "DROP INDEX ix_users_username;\nDROP TABLE users;\n"
    );
    assert!(script.is_reversible());
}

#[test]
fn statements_carry_file_lines() {
    let script = parse(EXAMPLE).unwrap();
    let path = Path::new("versions/x.sql");
    let up = script
        .upgrade
        .as_ref()
        .unwrap()
        .statements(path, Backend::Sqlite)
        .unwrap();
    assert_eq!(up.len(), 2);
    assert_eq!((up[0].line, up[1].line), (9, 13));
    let down = script
        .downgrade
        .as_ref()
        .unwrap()
        .statements(path, Backend::Sqlite)
        .unwrap();
    assert_eq!(down[1].line, 17);
}

#[test]
fn statements_error_names_the_file_and_line() {
    let text = "-- revision = \"a\"\n-- migrate:upgrade\nSELECT 1;\nSELECT 'open;\n";
    let script = parse(text).unwrap();
    let error = script
        .upgrade
        .unwrap()
        .statements(Path::new("v/a.sql"), Backend::Postgres)
        .unwrap_err();
    match error {
        Error::Script { path, line, .. } => {
            assert_eq!(path, Path::new("v/a.sql"));
            assert_eq!(line, 4);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn down_revision_forms() {
    let root = |value: &str| {
        parse(&format!("-- revision = \"b\"\n{value}-- migrate:upgrade\n"))
            .unwrap()
            .revision
    };
    assert!(root("").down_revisions.is_empty());
    assert!(root("-- down_revision = \"\"\n").down_revisions.is_empty());
    assert!(root("-- down_revision = []\n").down_revisions.is_empty());
    assert_eq!(
        root("-- down_revision = \"a\"\n").down_revisions,
        vec![id("a")]
    );
    assert_eq!(
        root("-- down_revision = [\"a1\", \"a2\"]\n").down_revisions,
        vec![id("a1"), id("a2")]
    );
}

#[test]
fn labels_and_dependencies_accept_a_string_or_an_array() {
    let text = "-- revision = \"b\"\n-- branch_labels = \"billing\"\n-- depends_on = [\"a\", \"core@head\"]\n";
    let revision = parse(text).unwrap().revision;
    assert_eq!(revision.branch_labels, vec!["billing"]);
    assert_eq!(revision.depends_on, vec!["a", "core@head"]);
    let text = "-- revision = \"b\"\n-- branch_labels = [\"x\", \"y\"]\n-- depends_on = \"a\"\n";
    let revision = parse(text).unwrap().revision;
    assert_eq!(revision.branch_labels, vec!["x", "y"]);
    assert_eq!(revision.depends_on, vec!["a"]);
}

#[test]
fn flags_and_datetime_create_date() {
    let text = "-- revision = \"c\"\n-- transactional = false\n-- template = true\n-- create_date = 2023-12-01 12:00:00\n\n-- migrate:upgrade\nCREATE INDEX CONCURRENTLY i ON t (x);\n";
    let script = parse(text).unwrap();
    assert!(!script.transactional);
    assert!(script.template);
    assert!(script.create_date.unwrap().starts_with("2023-12-01"));
}

#[test]
fn no_downgrade_section_is_irreversible() {
    let script = parse("-- revision = \"a\"\n\n-- migrate:upgrade\nSELECT 1;\n").unwrap();
    assert!(script.downgrade.is_none());
    assert!(!script.is_reversible());
    assert_eq!(script.message, "");
}

#[test]
fn no_section_at_all_and_sections_in_either_order() {
    let script = parse("-- revision = \"a\"\n").unwrap();
    assert!(script.upgrade.is_none() && script.downgrade.is_none());
    let text = "-- revision = \"a\"\n-- migrate:downgrade\nDROP TABLE t;\n-- migrate:upgrade\nCREATE TABLE t (x INT);\n";
    let script = parse(text).unwrap();
    assert_eq!(script.downgrade.unwrap().text, "DROP TABLE t;\n");
    assert_eq!(script.upgrade.unwrap().text, "CREATE TABLE t (x INT);\n");
}

#[test]
fn missing_revision_is_an_error_naming_the_file() {
    let (line, message) = error("-- message = \"x\"\n-- migrate:upgrade\nSELECT 1;\n");
    assert_eq!(line, 0);
    assert!(message.contains("revision"), "{message}");
    let display = parse("").unwrap_err().to_string();
    assert!(display.starts_with("versions/x.sql:"), "{display}");
}

#[test]
fn unknown_header_key_is_an_error() {
    let (line, message) = error("-- revision = \"a\"\n-- down_revison = \"b\"\n");
    assert_eq!(line, 2);
    assert!(
        message.contains("unknown header key 'down_revison'"),
        "{message}"
    );
}

#[test]
fn invalid_header_values_are_errors_with_the_line() {
    let (line, message) = error("-- revision = a1\n");
    assert_eq!(line, 1);
    assert!(message.contains("revision"), "{message}");
    let (line, message) = error("-- revision = \"a\"\n-- transactional = \"no\"\n");
    assert_eq!(line, 2);
    assert!(message.contains("true or false"), "{message}");
    let (line, message) = error("-- revision = \"a\"\n-- down_revision = [\"x\", 3]\n");
    assert_eq!(line, 2);
    assert!(message.contains("down_revision"), "{message}");
    let (line, _) = error("-- revision = \"a\"\n-- revision = \"b\"\n");
    assert_eq!(line, 2);
}

#[test]
fn invalid_ids_are_errors() {
    let (line, message) = error("-- revision = \"a-b\"\n");
    assert_eq!(line, 1);
    assert!(message.contains("invalid revision id"), "{message}");
    let (line, _) = error("-- revision = \"a\"\n-- down_revision = \"x:y\"\n");
    assert_eq!(line, 2);
}

#[test]
fn blank_lines_in_the_header_and_comments_before_the_first_section() {
    let text = "\n-- revision = \"a\"\n\n-- message = \"m\"\n-- A note about this migration.\n-- It has two lines.\n\n-- migrate:upgrade\nSELECT 1;\n";
    let script = parse(text).unwrap();
    assert_eq!(script.message, "m");
    assert_eq!(script.upgrade.unwrap().first_line, 9);
}

#[test]
fn header_key_after_a_comment_is_an_error() {
    let (line, message) =
        error("-- revision = \"a\"\n-- note\n-- transactional = false\n-- migrate:upgrade\n");
    assert_eq!(line, 3);
    assert!(message.contains("after the header"), "{message}");
}

#[test]
fn text_before_the_first_section_is_an_error() {
    let (line, message) =
        error("-- revision = \"a\"\n\nCREATE TABLE t (x INT);\n-- migrate:upgrade\n");
    assert_eq!(line, 3);
    assert!(message.contains("before the first section"), "{message}");
}

#[test]
fn duplicate_and_unknown_markers_are_errors() {
    let (line, message) =
        error("-- revision = \"a\"\n-- migrate:upgrade\nSELECT 1;\n-- migrate:upgrade\n");
    assert_eq!(line, 4);
    assert!(message.contains("line 2"), "{message}");
    let (line, message) = error("-- revision = \"a\"\n-- migrate:upgrade\n-- migrate:downgade\n");
    assert_eq!(line, 3);
    assert!(message.contains("migrate:downgade"), "{message}");
    let (line, _) = error("-- revision = \"a\"\n-- migrate:batch\n-- migrate:upgrade\n");
    assert_eq!(line, 2);
}

#[test]
fn batch_marker_inside_a_section_is_section_text() {
    let text = "-- revision = \"a\"\n-- migrate:upgrade\n-- migrate:batch\nUPDATE t SET x = 1 WHERE x IS NULL;\n";
    let script = parse(text).unwrap();
    let upgrade = script.upgrade.unwrap();
    assert!(upgrade.text.starts_with("-- migrate:batch\n"));
    let statements = upgrade
        .statements(Path::new("a.sql"), Backend::Postgres)
        .unwrap();
    assert!(statements[0].batch);
    assert_eq!(statements[0].line, 4);
}

#[test]
fn markers_tolerate_spacing() {
    let script = parse("-- revision = \"a\"\n--migrate:upgrade  \r\nSELECT 1;\r\n").unwrap();
    assert_eq!(script.upgrade.unwrap().text, "SELECT 1;\r\n");
}

#[test]
fn crlf_and_bom_files_parse_and_checksum_like_lf() {
    let crlf = format!("\u{feff}{}", EXAMPLE.replace('\n', "\r\n"));
    let a = parse(EXAMPLE).unwrap();
    let b = parse(&crlf).unwrap();
    assert_eq!(b.revision, a.revision);
    assert_eq!(b.message, "Add user table");
    assert_ne!(
        b.upgrade.as_ref().unwrap().text,
        a.upgrade.as_ref().unwrap().text
    );
    assert_eq!(b.upgrade.unwrap().checksum(), a.upgrade.unwrap().checksum());
    assert_eq!(
        b.downgrade.unwrap().checksum(),
        a.downgrade.unwrap().checksum()
    );
}

#[test]
fn checksum_is_sha256_hex_and_sensitive_to_content() {
    assert_eq!(
        checksum_of("").0,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        checksum_of("abc").as_str(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(checksum_of("a\r\nb"), checksum_of("a\nb"));
    assert_eq!(checksum_of("\u{feff}a"), checksum_of("a"));
    assert_ne!(checksum_of("a\nb"), checksum_of("a\n b"));
    let section = Section {
        text: "abc".into(),
        first_line: 1,
    };
    assert_eq!(section.checksum().to_string().len(), 64);
}

#[test]
fn header_line_with_a_trailing_toml_comment() {
    let script = parse("-- revision = \"a\"  # the id\n").unwrap();
    assert_eq!(script.revision.id, id("a"));
}

#[test]
fn message_with_escapes() {
    let script = parse("-- message = \"say \\\"hi\\\"\\nnow\"\n-- revision = \"a\"\n").unwrap();
    assert_eq!(script.message, "say \"hi\"\nnow");
}
