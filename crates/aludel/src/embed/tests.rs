use std::path::{Path, PathBuf};

use super::*;

fn file(shown: &str, absolute: &str) -> (String, PathBuf) {
    (shown.to_string(), PathBuf::from(absolute))
}

#[test]
fn generate_includes_each_file_sorted_by_name() {
    let files = [
        file(
            "migrations/versions/b_second.sql",
            "/app/migrations/versions/b_second.sql",
        ),
        file(
            "migrations/versions/a_first.sql",
            "/app/migrations/versions/a_first.sql",
        ),
    ];
    let text = generate(&files);
    let expected = "::aludel::embed::Embedded {\n    files: &[\n        \
        ::aludel::embed::EmbeddedFile { path: \"migrations/versions/a_first.sql\", text: include_str!(\"/app/migrations/versions/a_first.sql\") },\n        \
        ::aludel::embed::EmbeddedFile { path: \"migrations/versions/b_second.sql\", text: include_str!(\"/app/migrations/versions/b_second.sql\") },\n    \
        ],\n}\n";
    assert_eq!(text, expected);
}

#[test]
fn generate_sorts_by_file_name_not_by_folder() {
    let files = [
        file("z/versions/a.sql", "/z/versions/a.sql"),
        file("a/versions/b.sql", "/a/versions/b.sql"),
    ];
    let text = generate(&files);
    let a = text.find("/z/versions/a.sql").unwrap();
    let b = text.find("/a/versions/b.sql").unwrap();
    assert!(a < b, "{text}");
}

#[test]
fn generate_escapes_quotes_and_backslashes() {
    let files = [file(
        "m/versions/say \"hi\".sql",
        r#"C:\app\m\versions\say "hi".sql"#,
    )];
    let text = generate(&files);
    assert!(
        text.contains(r#"path: "m/versions/say \"hi\".sql""#),
        "{text}"
    );
    assert!(
        text.contains(r#"include_str!("C:\\app\\m\\versions\\say \"hi\".sql")"#),
        "{text}"
    );
}

#[test]
fn generate_with_no_files_is_an_empty_list() {
    assert_eq!(
        generate(&[]),
        "::aludel::embed::Embedded {\n    files: &[\n    ],\n}\n"
    );
}

#[test]
fn rerun_lines_name_the_folder_then_each_file() {
    let files = [
        file("m/versions/a.sql", "/app/m/versions/a.sql"),
        file("m/versions/b.sql", "/app/m/versions/b.sql"),
    ];
    assert_eq!(
        rerun_lines(Path::new("/app/m/versions"), &files),
        "cargo:rerun-if-changed=/app/m/versions\n\
         cargo:rerun-if-changed=/app/m/versions/a.sql\n\
         cargo:rerun-if-changed=/app/m/versions/b.sql\n"
    );
}

#[test]
fn list_versions_keeps_sql_files_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let versions = dir.path().join("migrations/versions");
    std::fs::create_dir_all(versions.join("nested.sql")).unwrap();
    std::fs::write(versions.join("b.sql"), "").unwrap();
    std::fs::write(versions.join("a.sql"), "").unwrap();
    std::fs::write(versions.join("notes.txt"), "").unwrap();
    let files = list_versions(&versions, Path::new("migrations")).unwrap();
    let shown: Vec<&str> = files.iter().map(|(shown, _)| shown.as_str()).collect();
    assert_eq!(
        shown,
        ["migrations/versions/a.sql", "migrations/versions/b.sql"]
    );
    assert_eq!(files[0].1, versions.join("a.sql"));
}

#[test]
fn list_versions_of_a_missing_folder_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let versions = dir.path().join("versions");
    let err = list_versions(&versions, Path::new("migrations")).unwrap_err();
    assert!(err.to_string().contains("versions folder"), "{err}");
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
}

static FILES: &[EmbeddedFile] = &[
    EmbeddedFile {
        path: "migrations/versions/0001_things.sql",
        text: "-- revision = \"aaa111\"\n-- down_revision = \"\"\n\n-- migrate:upgrade\nCREATE TABLE things (id INTEGER PRIMARY KEY);\n\n-- migrate:downgrade\nDROP TABLE things;\n",
    },
    EmbeddedFile {
        path: "migrations/versions/0002_names.sql",
        text: "-- revision = \"bbb222\"\n-- down_revision = \"aaa111\"\n\n-- migrate:upgrade\nALTER TABLE things ADD COLUMN name TEXT;\n\n-- migrate:downgrade\nALTER TABLE things DROP COLUMN name;\n",
    },
];

static EMBEDDED: Embedded = Embedded { files: FILES };

#[test]
fn scripts_parse_into_a_graph() {
    let scripts = EMBEDDED.scripts().unwrap();
    assert_eq!(scripts.scripts.len(), 2);
    assert_eq!(scripts.location, PathBuf::from("migrations"));
    let heads: Vec<String> = scripts
        .graph
        .heads()
        .iter()
        .map(|id| id.to_string())
        .collect();
    assert_eq!(heads, ["bbb222"]);
}

#[test]
fn a_bad_file_is_an_error_naming_it() {
    static BAD: Embedded = Embedded {
        files: &[EmbeddedFile {
            path: "migrations/versions/broken.sql",
            text: "no header here\n",
        }],
    };
    let err = BAD.scripts().unwrap_err();
    assert!(err.to_string().contains("broken.sql"), "{err}");
}

#[tokio::test]
async fn upgrade_to_head_twice_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    let report = EMBEDDED.upgrade_to_head(&url).await.unwrap();
    assert_eq!(report.steps.len(), 2);
    let heads: Vec<String> = report.heads_after.iter().map(|id| id.to_string()).collect();
    assert_eq!(heads, ["bbb222"]);
    let again = EMBEDDED.upgrade_to_head(&url).await.unwrap();
    assert!(again.steps.is_empty());
    let heads: Vec<String> = again.heads_after.iter().map(|id| id.to_string()).collect();
    assert_eq!(heads, ["bbb222"]);
}

#[tokio::test]
async fn upgrade_to_head_in_memory() {
    let report = EMBEDDED.upgrade_to_head("sqlite://").await.unwrap();
    assert_eq!(report.steps.len(), 2);
}

/// Applications start migrations from `tokio::spawn` too, which needs a `Send` future.
#[test]
fn upgrade_to_head_can_be_spawned() {
    fn assert_send<T: Send>(_: &T) {}
    static EMPTY: Embedded = Embedded { files: &[] };
    let future = EMPTY.upgrade_to_head("sqlite://");
    assert_send(&future);
}
