//! Reading and normalising models: file order, `models_command`, errors naming the model file
//! and line, table filters, and scratch databases that never outlive a run.

use std::path::Path;
use std::time::Duration;

use aludel::autogen::{self, Change};
use aludel::config::{Config, DatabaseUrl, LoadOptions};
use aludel::dialect::Database;

fn project(dir: &Path, url: &str, extra: &str, files: &[(&str, &str)]) -> Config {
    for (name, sql) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, sql).unwrap();
    }
    std::fs::write(
        dir.join("aludel.toml"),
        format!("[aludel]\nurl = \"{url}\"\n{extra}\n"),
    )
    .unwrap();
    Config::load(&LoadOptions {
        config_path: Some(dir.join("aludel.toml")),
        cwd: dir.to_path_buf(),
        ..LoadOptions::default()
    })
    .unwrap()
}

fn sqlite_url(dir: &Path) -> DatabaseUrl {
    DatabaseUrl::parse("sqlite://", dir).unwrap()
}

#[tokio::test]
async fn files_are_read_in_listed_order_with_each_glob_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let config = project(
        dir.path(),
        "sqlite://",
        "models = [\"late/*.sql\", \"schema/*.sql\"]",
        &[
            ("schema/b.sql", "CREATE TABLE b (id INTEGER);"),
            ("schema/a.sql", "CREATE TABLE a (id INTEGER);"),
            ("late/z.sql", "CREATE TABLE z (id INTEGER);"),
        ],
    );
    let models = autogen::load_models(&config).unwrap();
    let names: Vec<String> = models
        .files
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["z.sql", "a.sql", "b.sql"]);
}

#[tokio::test]
async fn a_failing_model_statement_names_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = project(
        dir.path(),
        "sqlite://",
        "models = [\"schema/*.sql\"]",
        &[(
            "schema/users.sql",
            "CREATE TABLE users (id INTEGER);\n\nCREATE TABLE broken (id INTEGER,);\n",
        )],
    );
    let models = autogen::load_models(&config).unwrap();
    let err = autogen::normalise(&models, &sqlite_url(dir.path()), &config)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("users.sql:3:"), "{err}");
}

#[tokio::test]
async fn models_command_output_is_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let config = project(
        dir.path(),
        "sqlite://",
        "models_command = \"echo 'CREATE TABLE t (id INTEGER);'\"",
        &[],
    );
    let schema = autogen::normalise(
        &autogen::load_models(&config).unwrap(),
        &sqlite_url(dir.path()),
        &config,
    )
    .await
    .unwrap();
    assert_eq!(schema.tables.keys().collect::<Vec<_>>(), vec!["t"]);
    let failing = project(
        dir.path(),
        "sqlite://",
        "models_command = \"echo oops >&2; exit 3\"",
        &[],
    );
    let err = autogen::load_models(&failing).unwrap_err().to_string();
    assert!(err.contains("oops"), "{err}");
}

#[tokio::test]
async fn a_pattern_matching_nothing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = project(dir.path(), "sqlite://", "models = [\"nothing/*.sql\"]", &[]);
    assert!(
        autogen::load_models(&config)
            .unwrap_err()
            .to_string()
            .contains("matches no file")
    );
}

#[tokio::test]
async fn compare_honours_table_filters_and_skips_aludel_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("app.db");
    let url = format!("sqlite:///{}", db_path.display());
    let config = project(
        dir.path(),
        &url,
        "models = [\"schema/*.sql\"]\nexclude_tables = [\"legacy_*\"]",
        &[("schema/app.sql", "CREATE TABLE users (id INTEGER);")],
    );
    let mut db = Database::connect(
        &DatabaseUrl::parse(&url, dir.path()).unwrap(),
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    for sql in [
        "CREATE TABLE users (id INTEGER)",
        "CREATE TABLE legacy_orders (id INTEGER)",
        "CREATE TABLE aludel_version (version_num VARCHAR(255) NOT NULL PRIMARY KEY)",
        "CREATE TABLE aludel_history (id INTEGER)",
    ] {
        db.run(sql).await.unwrap();
    }
    assert_eq!(
        autogen::compare(&config, &mut db).await.unwrap(),
        Vec::<Change>::new()
    );
    db.run("CREATE TABLE extra (id INTEGER)").await.unwrap();
    let changes = autogen::compare(&config, &mut db).await.unwrap();
    assert_eq!(
        changes
            .iter()
            .flat_map(Change::describe)
            .collect::<Vec<_>>(),
        vec!["Detected removed table 'extra'"]
    );
}

/// The scratch database on a server is kept for the next run of the same models, replaced
/// when they change (the old one dropped), and never kept when a model fails.
#[tokio::test]
async fn postgres_scratch_databases_are_reused_replaced_and_never_kept_half_loaded() {
    scratch_databases_are_reused(
        "postgresql://postgres@127.0.0.1:5432/postgres",
        "SELECT datname::text, shobj_description(oid, 'pg_database') FROM pg_database \
         WHERE starts_with(datname, '{prefix}') ORDER BY 1",
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)",
    )
    .await;
}

/// As on PostgreSQL, with MariaDB's database comments as the label.
#[tokio::test]
async fn mariadb_scratch_databases_are_reused_replaced_and_never_kept_half_loaded() {
    scratch_databases_are_reused(
        "mysql://root@127.0.0.1:3306/mysql",
        "SELECT SCHEMA_NAME, SCHEMA_COMMENT FROM information_schema.SCHEMATA \
         WHERE LEFT(SCHEMA_NAME, CHAR_LENGTH('{prefix}')) = '{prefix}' ORDER BY 1",
        "DROP DATABASE IF EXISTS `{name}`",
    )
    .await;
}

async fn scratch_databases_are_reused(url: &str, list: &str, drop: &str) {
    let dir = tempfile::tempdir().unwrap();
    let server = DatabaseUrl::parse(url, dir.path()).unwrap();
    let mut admin = match Database::connect(&server, Duration::from_secs(5)).await {
        Ok(db) => db,
        Err(e) if std::env::var("ALUDEL_REQUIRE_SERVERS").as_deref() != Ok("1") => {
            eprintln!("notice: skipping, {url} unreachable ({e})");
            return;
        }
        Err(e) => panic!("{url} required: {e}"),
    };
    // Every configuration below lives in `dir`: one project, one name prefix.
    let query = list.replace("{prefix}", &autogen::scratch_prefix(dir.path()));
    let config = |folder: &str, sql: &str| {
        project(
            dir.path(),
            url,
            &format!("models = [\"{folder}/*.sql\"]"),
            &[(&format!("{folder}/a.sql"), sql)],
        )
    };
    let normalise = |config: aludel::config::Config| {
        let server = server.clone();
        async move {
            autogen::normalise(&autogen::load_models(&config).unwrap(), &server, &config).await
        }
    };
    let failing = config(
        "m",
        "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (x nosuchtype);\n",
    );
    let err = normalise(failing).await.unwrap_err().to_string();
    assert!(err.contains("a.sql:2:"), "{err}");
    assert_eq!(
        admin.fetch(&query).await.unwrap(),
        Vec::<Vec<Option<String>>>::new()
    );

    let schema = normalise(config("n", "CREATE TABLE a (id INTEGER);"))
        .await
        .unwrap();
    assert!(schema.tables.contains_key("a"));
    let first = admin.fetch(&query).await.unwrap();
    assert_eq!(first.len(), 1, "{first:?}");
    let label = format!("aludel models of {}", dir.path().display());
    assert_eq!(first[0][1].as_deref(), Some(label.as_str()));
    // The same models again: the same database, not loaded again (a table added behind its
    // back shows up, which a fresh load would not have).
    let name = first[0][0].clone().unwrap();
    let scratch = server.with_database(&name);
    let mut inside = Database::connect(&scratch, Duration::from_secs(5))
        .await
        .unwrap();
    inside
        .run("CREATE TABLE planted (id INTEGER)")
        .await
        .unwrap();
    inside.close().await;
    let again = normalise(config("n", "CREATE TABLE a (id INTEGER);"))
        .await
        .unwrap();
    assert!(
        again.tables.contains_key("planted"),
        "{:?}",
        again.tables.keys()
    );
    assert_eq!(admin.fetch(&query).await.unwrap(), first);

    // New models: a new database, and the old one dropped.
    let changed = normalise(config("n2", "CREATE TABLE c (id INTEGER);"))
        .await
        .unwrap();
    assert_eq!(changed.tables.keys().collect::<Vec<_>>(), vec!["c"]);
    let now = admin.fetch(&query).await.unwrap();
    assert_eq!(now.len(), 1, "{now:?}");
    assert_ne!(now[0][0], first[0][0]);
    for row in now {
        let name = row[0].clone().unwrap();
        admin.run(&drop.replace("{name}", &name)).await.unwrap();
    }
    admin.close().await;
}
