use std::path::Path;

use super::*;
use crate::config::{Config, LoadOptions};
use crate::script::Script;

fn id(s: &str) -> RevisionId {
    RevisionId::new(s).unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn slugify_as_alembic() {
    assert_eq!(slugify("Add user table", 40), "add_user_table");
    assert_eq!(slugify("  hello,   world! ", 40), "hello_world");
    assert_eq!(
        slugify("add column 'users.phone' (nullable)", 40),
        "add_column_users_phone_nullable"
    );
    assert_eq!(slugify("snake_case already", 40), "snake_case_already");
    assert_eq!(slugify("Ünïcode Méssage", 40), "ünïcode_méssage");
    assert_eq!(slugify("", 40), "");
    assert_eq!(slugify("!!!", 40), "");
}

#[test]
fn slugify_truncates_at_a_word_boundary() {
    let message = "this is a very long message that goes beyond the limit of forty characters";
    assert_eq!(
        slugify(message, 40),
        "this_is_a_very_long_message_that_goes_"
    );
    // Exactly at the limit: unchanged.
    assert_eq!(slugify("abcd efgh", 9), "abcd_efgh");
    // No `_` within the limit: the cut text and a `_`.
    assert_eq!(slugify("abcdefghij klm", 4), "abcd_");
    // A cut right after a `_` drops the empty last piece.
    assert_eq!(slugify("abc def ghi", 4), "abc_");
}

#[test]
fn default_file_template() {
    let name = render_file_name(
        crate::config::DEFAULT_FILE_TEMPLATE,
        "3f2a9c1b7d4e",
        "add_user_table",
        at("2023-12-01T09:05:07Z"),
    )
    .unwrap();
    assert_eq!(name, "20231201_0905_3f2a9c1b7d4e_add_user_table");
}

#[test]
fn file_template_tokens_and_specs() {
    let now = at("2024-02-03T04:05:06Z");
    let render = |template: &str| render_file_name(template, "abcdef012345", "slug", now);
    assert_eq!(render("%(epoch)s").unwrap(), now.as_second().to_string());
    assert_eq!(
        render("%(second)d-%(second).2d-%(second)02d").unwrap(),
        "6-06-06"
    );
    assert_eq!(render("%(rev).4s_%(slug)s").unwrap(), "abcd_slug");
    assert_eq!(render("%(year)6d|%(day)-4d|").unwrap(), "  2024|3   |");
    assert_eq!(render("100%%_%(rev)s").unwrap(), "100%_abcdef012345");
    assert_eq!(
        render("%(slug)6s|%(slug)-6s|%(slug)06s").unwrap(),
        "  slug|slug  |  slug"
    );
    assert_eq!(render("%(month)x%(year)+d").unwrap(), "2+2024");
    assert_eq!(render("%(year)s").unwrap(), "2024");
}

#[test]
fn file_template_errors() {
    let now = at("2024-02-03T04:05:06Z");
    let render = |template: &str| render_file_name(template, "r", "s", now);
    for (template, needle) in [
        ("%(nope)s", "unknown token 'nope'"),
        ("%s", "every '%'"),
        ("%(slug)d", "does not apply"),
        ("%(year", "without its ')'"),
        ("%(year)", "incomplete"),
    ] {
        match render(template) {
            Err(Error::Template { name, message }) => {
                assert_eq!(name, "file_template");
                assert!(message.contains(needle), "{template}: {message}");
            }
            other => panic!("{template}: expected an error, got {other:?}"),
        }
    }
}

#[test]
fn fresh_ids_are_12_lowercase_hex_and_differ() {
    let ids: Vec<RevisionId> = (0..50).map(|_| fresh_rev_id()).collect();
    for id in &ids {
        assert_eq!(id.as_str().len(), 12);
        assert!(
            id.as_str()
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
}

fn context() -> ScriptContext {
    ScriptContext {
        message: "Add user table".into(),
        revision: id("3f2a9c1b7d4e"),
        down_revisions: vec![id("1a2b3c4d5e6f")],
        branch_labels: vec![],
        depends_on: vec![],
        create_date: at("2023-12-01T12:00:00Z"),
        upgrades: Some("CREATE TABLE users (\n    id INTEGER NOT NULL PRIMARY KEY\n);\n\n".into()),
        downgrades: Some("DROP TABLE users;".into()),
        env: "development".into(),
        x: BTreeMap::new(),
    }
}

#[test]
fn default_template_writes_the_documented_format() {
    let text = render_script("script.sql.j2", DEFAULT_SCRIPT_TEMPLATE, &context()).unwrap();
    assert_eq!(
        text,
        r#"-- message = "Add user table"
-- revision = "3f2a9c1b7d4e"
-- down_revision = "1a2b3c4d5e6f"
-- branch_labels = []
-- depends_on = []
-- create_date = "2023-12-01 12:00:00"

-- migrate:upgrade
CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY
);

-- migrate:downgrade
DROP TABLE users;
"#
    );
}

#[test]
fn rendered_files_parse_back() {
    let mut ctx = context();
    ctx.message = "Say \"hi\" \\ to\tall\nnow".into();
    ctx.down_revisions = vec![id("a1"), id("b2")];
    ctx.branch_labels = vec!["billing".into()];
    ctx.depends_on = vec!["core@head".into(), "c3".into()];
    ctx.upgrades = None;
    ctx.downgrades = None;
    let text = render_script("script.sql.j2", DEFAULT_SCRIPT_TEMPLATE, &ctx).unwrap();
    assert!(
        text.contains("-- down_revision = [\"a1\", \"b2\"]\n"),
        "{text}"
    );
    assert!(text.contains(UPGRADE_PLACEHOLDER));
    let script = Script::parse(Path::new("x.sql"), &text).unwrap();
    assert_eq!(script.message, ctx.message);
    assert_eq!(script.revision.down_revisions, ctx.down_revisions);
    assert_eq!(script.revision.branch_labels, ctx.branch_labels);
    assert_eq!(script.revision.depends_on, ctx.depends_on);
    assert_eq!(script.create_date.as_deref(), Some("2023-12-01 12:00:00"));
    // The placeholders are comments: the sections run nothing.
    let path = Path::new("x.sql");
    let backend = crate::config::Backend::Sqlite;
    assert!(
        script
            .upgrade
            .unwrap()
            .statements(path, backend)
            .unwrap()
            .is_empty()
    );
    assert!(
        script
            .downgrade
            .unwrap()
            .statements(path, backend)
            .unwrap()
            .is_empty()
    );

    ctx.down_revisions = vec![];
    let text = render_script("script.sql.j2", DEFAULT_SCRIPT_TEMPLATE, &ctx).unwrap();
    assert!(text.contains("-- down_revision = \"\"\n"), "{text}");
    let script = Script::parse(Path::new("x.sql"), &text).unwrap();
    assert!(script.revision.down_revisions.is_empty());
}

#[test]
fn custom_templates_see_env_and_x() {
    let mut ctx = context();
    ctx.x.insert("owner".into(), "team-a".into());
    let source = "-- revision = {{ revision | toml }}\n-- message = {{ (message ~ ' for ' ~ env ~ ' by ' ~ x.owner) | toml }}\n";
    let text = render_script("custom.j2", source, &ctx).unwrap();
    assert_eq!(
        text,
        "-- revision = \"3f2a9c1b7d4e\"\n-- message = \"Add user table for development by team-a\"\n"
    );
}

#[test]
fn template_errors_name_the_template() {
    for source in ["{{ nope }}", "{% if %}", "{{ x | toml }}"] {
        match render_script("mine.sql.j2", source, &context()) {
            Err(Error::Template { name, .. }) => assert_eq!(name, "mine.sql.j2"),
            other => panic!("{source}: expected a template error, got {other:?}"),
        }
    }
}

#[test]
fn toml_string_escapes() {
    assert_eq!(toml_string("plain"), "\"plain\"");
    assert_eq!(toml_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    let parsed: toml::Table =
        toml::from_str(&format!("k = {}", toml_string("x\"\\\n\t\u{7f}é"))).unwrap();
    assert_eq!(parsed["k"].as_str(), Some("x\"\\\n\t\u{7f}é"));
}

#[test]
fn default_config_is_valid_and_uses_the_script_location() {
    let options = LoadOptions {
        cwd: "/proj".into(),
        ..LoadOptions::default()
    };
    let no_env = |_: &str| None;
    let config = Config::from_text(
        Path::new("/proj/aludel.toml"),
        &default_config("db/migrations"),
        &options,
        &no_env,
    )
    .unwrap();
    assert_eq!(config.script_location, Path::new("/proj/db/migrations"));
    assert_eq!(
        config.version_locations,
        vec![Path::new("/proj/db/migrations/versions")]
    );
    assert_eq!(config.models, vec!["schema/**/*.sql"]);
    assert_eq!(
        config.url().unwrap().sqlite_path(),
        Some(Path::new("/proj/app.db"))
    );
    assert!(default_config("db/migrations").contains("\"db/migrations/versions\""));
    assert_eq!(default_config("migrations"), DEFAULT_CONFIG);
    let env = |name: &str| (name == "DATABASE_URL").then(|| "postgresql://h/db".to_string());
    let config = Config::from_text(
        Path::new("/proj/aludel.toml"),
        DEFAULT_CONFIG,
        &options,
        &env,
    )
    .unwrap();
    assert_eq!(config.url().unwrap().database(), Some("db"));
}

#[test]
fn create_date_format_is_utc() {
    assert_eq!(
        format_create_date(at("2023-12-01T23:59:58+02:00")),
        "2023-12-01 21:59:58"
    );
}
