use std::collections::HashMap;

use super::*;

struct Env(HashMap<&'static str, &'static str>);

impl Env {
    fn new(pairs: &[(&'static str, &'static str)]) -> Env {
        Env(pairs.iter().copied().collect())
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).map(|v| v.to_string())
    }
}

fn options(cwd: &str) -> LoadOptions {
    LoadOptions {
        cwd: PathBuf::from(cwd),
        ..LoadOptions::default()
    }
}

fn load_with(text: &str, options: &LoadOptions, env: &Env) -> Result<Config> {
    Config::from_text(Path::new("/proj/aludel.toml"), text, options, &|n| {
        env.get(n)
    })
}

fn load(text: &str) -> Config {
    load_with(text, &options("/proj"), &Env::new(&[])).unwrap()
}

fn config_error(result: Result<Config>) -> String {
    match result {
        Err(Error::Config { message, .. }) => message,
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn empty_file_gives_the_defaults() {
    let config = load("");
    assert_eq!(config.path, Path::new("/proj/aludel.toml"));
    assert_eq!(config.root, Path::new("/proj"));
    assert_eq!(config.environment, "development");
    assert_eq!(config.script_location, Path::new("/proj/migrations"));
    assert_eq!(
        config.version_locations,
        vec![PathBuf::from("/proj/migrations/versions")]
    );
    assert_eq!(config.file_template, DEFAULT_FILE_TEMPLATE);
    assert_eq!(config.truncate_slug_length, 40);
    assert!(config.models.is_empty());
    assert_eq!(config.models_command, None);
    assert_eq!(config.dev_url, None);
    assert_eq!(config.version_table, "aludel_version");
    assert_eq!(config.version_table_schema, None);
    assert!(config.transaction_per_migration);
    assert_eq!(config.lock_timeout, Duration::from_secs(60));
    assert_eq!(config.connect_timeout, Duration::from_secs(10));
    assert!(config.include_tables.is_empty() && config.exclude_tables.is_empty());
    assert_eq!(
        config.url().unwrap().sqlite_path(),
        Some(Path::new("/proj/app.db"))
    );
}

#[test]
fn every_key_is_read() {
    let config = load(
        r#"
[aludel]
script_location = "db/migrations"
url = "postgresql://app@localhost/app"
file_template = "%(rev)s_%(slug)s"
truncate_slug_length = 20
models = ["schema/**/*.sql", "extra.sql"]
models_command = "cargo run --bin print-schema"
dev_url = "postgresql://localhost/dev"
version_table = "alembic_version"
version_table_schema = "meta"
transaction_per_migration = false
version_locations = ["db/migrations/versions", "plugins/billing/versions"]
lock_timeout = 5
connect_timeout = 2.5
include_tables = ["app_*"]
exclude_tables = ["spatial_ref_sys"]
"#,
    );
    assert_eq!(config.script_location, Path::new("/proj/db/migrations"));
    assert_eq!(
        config.version_locations,
        vec![
            PathBuf::from("/proj/db/migrations/versions"),
            PathBuf::from("/proj/plugins/billing/versions")
        ]
    );
    assert_eq!(config.url().unwrap().backend(), Backend::Postgres);
    assert_eq!(config.file_template, "%(rev)s_%(slug)s");
    assert_eq!(config.truncate_slug_length, 20);
    assert_eq!(config.models, vec!["schema/**/*.sql", "extra.sql"]);
    assert_eq!(
        config.models_command.as_deref(),
        Some("cargo run --bin print-schema")
    );
    assert_eq!(config.dev_url.as_ref().unwrap().database(), Some("dev"));
    assert_eq!(config.version_table, "alembic_version");
    assert_eq!(config.version_table_schema.as_deref(), Some("meta"));
    assert!(!config.transaction_per_migration);
    assert_eq!(config.lock_timeout, Duration::from_secs(5));
    assert_eq!(config.connect_timeout, Duration::from_millis(2500));
    assert_eq!(config.include_tables, vec!["app_*"]);
    assert_eq!(config.exclude_tables, vec!["spatial_ref_sys"]);
}

#[test]
fn unknown_key_is_an_error_naming_key_file_and_line() {
    let message = config_error(load_with(
        "[aludel]\nurl = \"sqlite://\"\nscript_locaton = \"m\"\n",
        &options("/proj"),
        &Env::new(&[]),
    ));
    assert!(message.starts_with("/proj/aludel.toml: "), "{message}");
    assert!(message.contains("script_locaton"), "{message}");
    assert!(message.contains("line 3"), "{message}");
}

#[test]
fn unknown_key_in_an_environment_and_unknown_table_are_errors() {
    let message = config_error(load_with(
        "[environments.prod]\nurll = \"x\"\n",
        &options("/proj"),
        &Env::new(&[]),
    ));
    assert!(message.contains("urll"), "{message}");
    let message = config_error(load_with("[alembic]\n", &options("/proj"), &Env::new(&[])));
    assert!(message.contains("alembic"), "{message}");
}

#[test]
fn wrong_value_type_is_an_error() {
    let message = config_error(load_with(
        "[aludel]\ntruncate_slug_length = \"forty\"\n",
        &options("/proj"),
        &Env::new(&[]),
    ));
    assert!(message.contains("line 2"), "{message}");
    let message = config_error(load_with(
        "[aludel]\nlock_timeout = -1\n",
        &options("/proj"),
        &Env::new(&[]),
    ));
    assert!(message.contains("lock_timeout"), "{message}");
}

const ENVIRONMENTS: &str = r#"
[aludel]
url = "sqlite:///dev.db"
version_table = "v"

[environments.production]
url = "${PROD_DATABASE_URL}"
version_table = "prod_v"

[environments.staging]
url = "postgresql://stage/app"
"#;

#[test]
fn environment_from_env_option_overrides_keys() {
    let opts = LoadOptions {
        env: Some("staging".into()),
        ..options("/proj")
    };
    let config = load_with(ENVIRONMENTS, &opts, &Env::new(&[])).unwrap();
    assert_eq!(config.environment, "staging");
    assert_eq!(config.url().unwrap().database(), Some("app"));
    // A key the environment does not set comes from [aludel].
    assert_eq!(config.version_table, "v");
}

#[test]
fn environment_precedence_env_option_then_aludel_env_then_environment() {
    let env = Env::new(&[
        ("ALUDEL_ENV", "staging"),
        ("ENVIRONMENT", "production"),
        ("PROD_DATABASE_URL", "postgresql://prod/app"),
    ]);
    let config = load_with(ENVIRONMENTS, &options("/proj"), &env).unwrap();
    assert_eq!(config.environment, "staging");
    let opts = LoadOptions {
        env: Some("production".into()),
        ..options("/proj")
    };
    let config = load_with(ENVIRONMENTS, &opts, &env).unwrap();
    assert_eq!(config.environment, "production");
    assert_eq!(config.version_table, "prod_v");
    let env = Env::new(&[
        ("ENVIRONMENT", "production"),
        ("PROD_DATABASE_URL", "mysql://p/app"),
    ]);
    let config = load_with(ENVIRONMENTS, &options("/proj"), &env).unwrap();
    assert_eq!(config.environment, "production");
    assert_eq!(config.url().unwrap().backend(), Backend::MySql);
}

#[test]
fn explicit_unknown_environment_is_an_error_listing_known_names() {
    let opts = LoadOptions {
        env: Some("prodution".into()),
        ..options("/proj")
    };
    let message = config_error(load_with(ENVIRONMENTS, &opts, &Env::new(&[])));
    assert!(message.contains("'prodution'"), "{message}");
    assert!(message.contains("--env"), "{message}");
    assert!(
        message.contains("known environments: production, staging"),
        "{message}"
    );
    let env = Env::new(&[("ALUDEL_ENV", "qa")]);
    let message = config_error(load_with(ENVIRONMENTS, &options("/proj"), &env));
    assert!(message.contains("ALUDEL_ENV"), "{message}");
    let message = config_error(load_with("", &options("/proj"), &env));
    assert!(message.contains("known environments: none"), "{message}");
}

#[test]
fn environment_variable_naming_no_section_falls_back_to_aludel() {
    let env = Env::new(&[("ENVIRONMENT", "test")]);
    let config = load_with(ENVIRONMENTS, &options("/proj"), &env).unwrap();
    assert_eq!(config.environment, "test");
    assert_eq!(
        config.url().unwrap().sqlite_path(),
        Some(Path::new("/proj/dev.db"))
    );
    let config = load_with(ENVIRONMENTS, &options("/proj"), &Env::new(&[])).unwrap();
    assert_eq!(config.environment, "development");
}

#[test]
fn unset_variable_in_another_environment_is_fine() {
    // PROD_DATABASE_URL is unset, but production is not selected.
    let config = load_with(ENVIRONMENTS, &options("/proj"), &Env::new(&[])).unwrap();
    assert!(config.url().is_ok());
}

#[test]
fn unset_variable_in_the_url_is_reported_by_url_only() {
    let opts = LoadOptions {
        env: Some("production".into()),
        ..options("/proj")
    };
    let config = load_with(ENVIRONMENTS, &opts, &Env::new(&[])).unwrap();
    assert_eq!(config.version_table, "prod_v");
    let message = match config.url() {
        Err(Error::Config { message, .. }) => message,
        other => panic!("expected an error, got {other:?}"),
    };
    assert!(
        message.contains("PROD_DATABASE_URL is not set"),
        "{message}"
    );
    assert!(message.contains("/proj/aludel.toml"), "{message}");
}

#[test]
fn unset_variable_in_another_key_in_use_is_an_error_at_load() {
    let message = config_error(load_with(
        "[aludel]\nversion_table = \"${TABLE_NAME}\"\n",
        &options("/proj"),
        &Env::new(&[]),
    ));
    assert!(
        message.contains("version_table") && message.contains("TABLE_NAME"),
        "{message}"
    );
}

#[test]
fn invalid_url_is_reported_by_url_with_the_password_masked() {
    let config = load("[aludel]\nurl = \"postgresql://u:topsecret@h:bad/db\"\n");
    match config.url() {
        Err(Error::Url { url, reason }) => {
            assert_eq!(url, "postgresql://u:***@h:bad/db");
            assert!(reason.contains("invalid port"));
        }
        other => panic!("expected a URL error, got {other:?}"),
    }
}

#[test]
fn interpolation_with_defaults_in_several_keys() {
    let env = Env::new(&[
        ("DATABASE_URL", "postgresql://u:p@h/db"),
        ("SCHEMA", "meta"),
    ]);
    let text = r#"
[aludel]
url = "${DATABASE_URL:-sqlite:///./app.db}"
version_table_schema = "${SCHEMA}"
models = ["${MODELS_DIR:-schema}/*.sql"]
dev_url = "${DEV_URL:-}"
"#;
    let config = load_with(text, &options("/proj"), &env).unwrap();
    assert_eq!(config.url().unwrap().to_string(), "postgresql://u:***@h/db");
    assert_eq!(config.version_table_schema.as_deref(), Some("meta"));
    assert_eq!(config.models, vec!["schema/*.sql"]);
    assert_eq!(config.dev_url, None);
    let config = load_with(text, &options("/proj"), &Env::new(&[("SCHEMA", "s")])).unwrap();
    assert_eq!(
        config.url().unwrap().sqlite_path(),
        Some(Path::new("/proj/app.db"))
    );
}

#[test]
fn url_precedence_command_line_then_environment_then_aludel() {
    let opts = LoadOptions {
        url: Some("sqlite:///local.db".into()),
        env: Some("staging".into()),
        ..options("/proj/sub")
    };
    let config = load_with(ENVIRONMENTS, &opts, &Env::new(&[])).unwrap();
    // A relative --url is relative to the working directory, not the config's folder.
    assert_eq!(
        config.url().unwrap().sqlite_path(),
        Some(Path::new("/proj/sub/local.db"))
    );
}

#[test]
fn relative_sqlite_url_in_config_is_relative_to_its_folder() {
    let opts = options("/proj/deep/sub");
    let config = load_with(
        "[aludel]\nurl = \"sqlite:///data/app.db\"\n",
        &opts,
        &Env::new(&[]),
    )
    .unwrap();
    assert_eq!(
        config.url().unwrap().sqlite_path(),
        Some(Path::new("/proj/data/app.db"))
    );
}

#[test]
fn empty_url_is_reported_by_url() {
    let config = load_with(
        "[aludel]\nurl = \"${DB:-}\"\n",
        &options("/proj"),
        &Env::new(&[]),
    )
    .unwrap();
    assert!(
        matches!(config.url(), Err(Error::Config { message, .. }) if message.contains("empty"))
    );
}

#[test]
fn set_url_replaces_the_url() {
    let mut config = load("");
    config.set_url(DatabaseUrl::parse("sqlite://", Path::new("/")).unwrap());
    assert!(config.url().unwrap().is_memory());
}

#[test]
fn x_pairs_are_kept() {
    let mut opts = options("/proj");
    opts.x.insert("tenant".into(), "acme".into());
    let config = load_with("", &opts, &Env::new(&[])).unwrap();
    assert_eq!(config.x.get("tenant").map(String::as_str), Some("acme"));
}

#[test]
fn find_config_searches_ancestors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join(CONFIG_FILE_NAME), "").unwrap();
    let sub = root.join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    let found = find_config(
        &LoadOptions {
            cwd: sub.clone(),
            ..LoadOptions::default()
        },
        &|_| None,
    )
    .unwrap();
    assert_eq!(found, root.join(CONFIG_FILE_NAME));
}

#[test]
fn find_config_prefers_option_then_aludel_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join(CONFIG_FILE_NAME), "").unwrap();
    std::fs::write(root.join("other.toml"), "").unwrap();
    std::fs::write(root.join("third.toml"), "").unwrap();
    let env = |name: &str| (name == "ALUDEL_CONFIG").then(|| "third.toml".to_string());
    let opts = LoadOptions {
        cwd: root.clone(),
        ..LoadOptions::default()
    };
    assert_eq!(find_config(&opts, &env).unwrap(), root.join("third.toml"));
    let opts = LoadOptions {
        config_path: Some("other.toml".into()),
        ..opts
    };
    assert_eq!(find_config(&opts, &env).unwrap(), root.join("other.toml"));
}

#[test]
fn find_config_errors() {
    let dir = tempfile::tempdir().unwrap();
    let opts = LoadOptions {
        cwd: dir.path().to_path_buf(),
        config_path: Some("missing.toml".into()),
        ..LoadOptions::default()
    };
    let message = config_error(find_config(&opts, &|_| None).map(|_| load("")));
    assert!(
        message.contains("missing.toml") && message.contains("-c/--config"),
        "{message}"
    );
}

#[test]
fn load_reads_the_file_from_a_subdirectory_and_resolves_paths_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join(CONFIG_FILE_NAME),
        "[aludel]\nscript_location = \"db\"\nurl = \"sqlite:///var/app.db\"\n",
    )
    .unwrap();
    let sub = root.join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    let config = Config::load(&LoadOptions {
        cwd: sub,
        ..LoadOptions::default()
    })
    .unwrap();
    assert_eq!(config.root, root);
    assert_eq!(config.script_location, root.join("db"));
    assert_eq!(
        config.url().unwrap().sqlite_path(),
        Some(root.join("var/app.db").as_path())
    );
}

#[test]
fn load_reads_dotenv_without_overriding_set_variables() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    // PATH is always set, so the .env value must lose; the other variable is only in .env.
    std::fs::write(
        root.join(".env"),
        "PATH=overridden\nALUDEL_CONFIG_TEST_DOTENV_URL=postgresql://envhost/envdb\n",
    )
    .unwrap();
    std::fs::write(
        root.join(CONFIG_FILE_NAME),
        "[aludel]\nurl = \"${ALUDEL_CONFIG_TEST_DOTENV_URL}\"\nmodels = [\"${PATH}\"]\n",
    )
    .unwrap();
    let path_before = std::env::var("PATH").unwrap();
    let config = Config::load(&LoadOptions {
        cwd: root,
        ..LoadOptions::default()
    })
    .unwrap();
    assert_eq!(config.url().unwrap().database(), Some("envdb"));
    assert_eq!(config.models, vec![path_before]);
}

#[test]
fn load_names_the_file_and_line_of_a_toml_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join(CONFIG_FILE_NAME), "[aludel]\nurl = \n").unwrap();
    let message = config_error(Config::load(&LoadOptions {
        cwd: root.clone(),
        ..LoadOptions::default()
    }));
    assert!(
        message.contains(&root.join(CONFIG_FILE_NAME).display().to_string()),
        "{message}"
    );
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn load_with_a_relative_cwd_uses_the_process_directory() {
    // The crate's own folder has no aludel.toml above it that we control, so name the file.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("custom.toml"),
        "[aludel]\nversion_table = \"t\"\n",
    )
    .unwrap();
    let options = LoadOptions {
        config_path: Some(root.join("custom.toml")),
        ..LoadOptions::default()
    };
    let config = Config::load(&options).unwrap();
    assert_eq!(config.path, root.join("custom.toml"));
    assert_eq!(config.root, root);
    assert_eq!(config.version_table, "t");
}

#[test]
fn version_table_names_are_checked_at_load() {
    let env = Env::new(&[]);
    let error = |text: &str| config_error(load_with(text, &options("/proj"), &env));
    let empty = error("[aludel]\nversion_table = \"\"\n");
    assert!(
        empty.contains("/proj/aludel.toml") && empty.contains("'version_table' is empty"),
        "{empty}"
    );
    assert!(error("[aludel]\nversion_table = \"  \"\n").contains("is empty"));
    let long = error(&format!(
        "[aludel]\nversion_table = \"{}\"\n",
        "v".repeat(64)
    ));
    assert!(long.contains("64 bytes long"), "{long}");
    let schema = error(&format!(
        "[aludel]\nversion_table_schema = \"{}\"\n",
        "s".repeat(100)
    ));
    assert!(schema.contains("'version_table_schema'"), "{schema}");
    let fits = load(&format!(
        "[aludel]\nversion_table = \"{}\"\n",
        "v".repeat(63)
    ));
    assert_eq!(fits.version_table.len(), 63);
}
