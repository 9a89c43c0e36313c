use super::review::{python_function, review_source};
use super::*;

fn backend(name: &str) -> crate::config::Backend {
    dialect_named(name).unwrap().backend()
}

#[test]
fn offline_sql_loses_alembic_bookkeeping_and_keeps_the_rest() {
    // As `alembic upgrade 1a:2b --sql` prints it for PostgreSQL.
    let sql = "BEGIN;\n\n-- Running upgrade 1a -> 2b\n\nALTER TABLE users ADD COLUMN phone VARCHAR(20);\n\n\
               UPDATE users SET phone = 'x;y' WHERE id = 1;\n\n\
               UPDATE \"ops\".\"alembic_version\" SET version_num='2b' WHERE alembic_version.version_num = '1a';\n\n\
               COMMIT;\n\n";
    assert_eq!(
        clean_offline_sql(sql, backend("postgresql"), "alembic_version").unwrap(),
        "ALTER TABLE users ADD COLUMN phone VARCHAR(20);\n\nUPDATE users SET phone = 'x;y' WHERE id = 1;"
    );
    // A root's upgrade creates the table; a downgrade to base deletes its row and drops it.
    let sql = "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL\n);\n\n\
               INSERT INTO alembic_version (version_num) VALUES ('1a') RETURNING version_num;\n\n\
               DELETE FROM alembic_version WHERE alembic_version.version_num = '1a';\n\n\
               DROP TABLE alembic_version;\n\nDROP TABLE alembic_version_archive;\n";
    assert_eq!(
        clean_offline_sql(sql, backend("sqlite"), "alembic_version").unwrap(),
        "DROP TABLE alembic_version_archive;"
    );
    // Another configured version table leaves alembic_version alone.
    let sql = "INSERT INTO alembic_version VALUES ('x');\nINSERT INTO my_versions VALUES ('x');\n";
    assert_eq!(
        clean_offline_sql(sql, backend("mysql"), "my_versions").unwrap(),
        "INSERT INTO alembic_version VALUES ('x');"
    );
}

#[test]
fn the_guides_runtime_patterns_are_flagged_by_line() {
    let source = "import os\nfrom sqlalchemy import inspect\n\ndef upgrade():\n    # op.get_bind() in a comment\n    inspector = inspect(op.get_bind())\n    env = os.getenv('ENVIRONMENT', 'development')\n    if context.get_x_argument(as_dictionary=True).get('data'):\n        pass\n    if op.get_context().dialect.name == 'sqlite':\n        pass\n";
    let found: Vec<(usize, ReviewReason)> = review_source(source)
        .into_iter()
        .map(|(line, reason, _)| (line, reason))
        .collect();
    assert_eq!(
        found,
        [
            (6, ReviewReason::UsesConnection),
            (6, ReviewReason::InspectsDatabase),
            (7, ReviewReason::ReadsEnvironment),
            (8, ReviewReason::ReadsArguments),
            (10, ReviewReason::ReadsContext),
        ]
    );
}

#[test]
fn an_unknown_dialect_or_a_missing_alembic_ini_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let options = AlembicImport {
        from: dir.path().to_path_buf(),
        python: "python3".into(),
        dialect: None,
        overwrite: Overwrite::Refuse,
    };
    let error = import_alembic(&options).unwrap_err().to_string();
    assert!(error.contains("no alembic.ini"), "{error}");
    std::fs::write(dir.path().join("alembic.ini"), "[alembic]\n").unwrap();
    let error = import_alembic(&AlembicImport {
        dialect: Some("oracle".into()),
        ..options.clone()
    })
    .unwrap_err()
    .to_string();
    assert!(error.contains("unknown dialect 'oracle'"), "{error}");
    std::fs::write(dir.path().join("aludel.toml"), "").unwrap();
    let error = import_alembic(&options).unwrap_err().to_string();
    assert!(error.contains("already exists"), "{error}");
    assert!(!dir.path().join("migrations").exists());
}

#[test]
fn an_imported_revision_keeps_its_date_and_may_have_no_downgrade_section() {
    let dir = tempfile::tempdir().unwrap();
    crate::script::init_project(dir.path(), Path::new("migrations")).unwrap();
    let config = Config::load(&LoadOptions {
        config_path: Some(dir.path().join("aludel.toml")),
        env: None,
        url: None,
        x: Default::default(),
        cwd: dir.path().to_path_buf(),
    })
    .unwrap();
    let scripts = ScriptDirectory::load(&config).unwrap();
    let new = NewRevision {
        message: "Conditional migration".into(),
        rev_id: Some(RevisionId::new("20231201_170000").unwrap()),
        create_date: Some("2023-12-01T12:05:00Z".parse().unwrap()),
        upgrade_sql: Some("SELECT 1;".into()),
        irreversible: true,
        ..NewRevision::default()
    };
    let path = scripts.write_revision(&config, &new).unwrap();
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "20231201_1205_20231201_170000_conditional_migration.sql"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("-- create_date = \"2023-12-01 12:05:00\""),
        "{text}"
    );
    assert!(!text.contains("migrate:downgrade"), "{text}");
    let reread = ScriptDirectory::load(&config).unwrap();
    let script = reread.script(&RevisionId::new("20231201_170000").unwrap());
    assert!(!script.is_reversible());
}

#[test]
fn a_python_function_is_cut_at_the_next_top_level_statement() {
    let source = "import os\n\ndef upgrade() -> None:\n    # Check\n    if x:\n\n        op.add_column('users',\n)\n\ndef downgrade() -> None:\n    pass\n";
    assert_eq!(
        python_function(source, "upgrade").unwrap(),
        "def upgrade() -> None:\n    # Check\n    if x:\n\n        op.add_column('users',\n)"
    );
    assert_eq!(
        python_function(source, "downgrade").unwrap(),
        "def downgrade() -> None:\n    pass"
    );
    assert_eq!(python_function(source, "missing"), None);
}
