//! Configuration: `aludel.toml`, `[environments.NAME]`, `${VAR}` / `${VAR:-default}`
//! interpolation after loading `.env`, and database URLs ([`DatabaseUrl`], whose `Display`
//! masks the password).
//!
//! Loading goes in three steps: find the file (`-c`, `ALUDEL_CONFIG`, or the nearest
//! `aludel.toml` upwards from the working directory), load the `.env` beside it without
//! overriding variables already set, then read the `[aludel]` table with the selected
//! environment's table laid over it. Only the values in use are interpolated, so an unset
//! variable in another environment does no harm; a problem with the URL is kept and reported
//! by [`Config::url`], so commands that need no database still work.

mod interpolate;
mod raw;
mod url;

pub(crate) use url::normalize_path;
pub use url::{Backend, DatabaseUrl};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{Error, Result};

/// The configuration file's name.
pub const CONFIG_FILE_NAME: &str = "aludel.toml";

/// The URL used when the configuration names none.
pub const DEFAULT_URL: &str = "sqlite:///./app.db";

/// The file-name template used when the configuration names none.
pub const DEFAULT_FILE_TEMPLATE: &str =
    "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s";

/// The environment name used when none is given.
pub const DEFAULT_ENVIRONMENT: &str = "development";

/// How to find and read the configuration; filled from global command-line flags.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `-c/--config`; else `ALUDEL_CONFIG`; else `aludel.toml` found in the working directory
    /// or its nearest ancestor that has one.
    pub config_path: Option<PathBuf>,
    /// `--env`; else `ALUDEL_ENV`, `ENVIRONMENT`, `development`.
    pub env: Option<String>,
    /// `--url`, relative sqlite paths resolved against `cwd`.
    pub url: Option<String>,
    /// `-x KEY=VALUE` pairs.
    pub x: BTreeMap<String, String>,
    /// The working directory (for `--url` and the config search).
    pub cwd: PathBuf,
}

/// `[lint]`: how `aludel lint` runs, as written (rule ids are checked by the linter).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Rule ids to turn on that are off by default (the style rules).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rule ids that never fire.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule id to level: `error`, `warning` or `off`.
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
    /// The PostgreSQL major version the statements must be safe on (default 11).
    pub postgres_version: Option<u32>,
}

/// The loaded configuration, every path absolute.
#[derive(Debug, Clone)]
pub struct Config {
    /// The `aludel.toml` that was read.
    pub path: PathBuf,
    /// The folder holding it; relative paths in it are relative to this.
    pub root: PathBuf,
    /// The selected environment's name.
    pub environment: String,
    /// The migration folder (`script_location`).
    pub script_location: PathBuf,
    /// Folders holding revision files; `script_location/versions` unless configured.
    pub version_locations: Vec<PathBuf>,
    /// Python-style file name template for new revisions.
    pub file_template: String,
    /// Longest slug in a file name.
    pub truncate_slug_length: usize,
    /// Model DDL file patterns, relative to `root`.
    pub models: Vec<String>,
    /// A command printing model DDL on stdout, run in `root`.
    pub models_command: Option<String>,
    /// Scratch database for normalising models on server dialects.
    pub dev_url: Option<DatabaseUrl>,
    /// The version table's name.
    pub version_table: String,
    /// The version table's schema, where the dialect has schemas.
    pub version_table_schema: Option<String>,
    /// One transaction per migration (true) or one for the whole run.
    pub transaction_per_migration: bool,
    /// How long to wait for the migration lock.
    pub lock_timeout: Duration,
    /// How long a connection attempt may take.
    pub connect_timeout: Duration,
    /// Table-name patterns autogenerate considers (all when empty).
    pub include_tables: Vec<String>,
    /// Table-name patterns autogenerate ignores.
    pub exclude_tables: Vec<String>,
    /// `-x` pairs.
    pub x: BTreeMap<String, String>,
    /// `[lint]`.
    pub lint: LintConfig,
    url: std::result::Result<DatabaseUrl, UrlProblem>,
}

/// Why the configured URL cannot be used, kept until [`Config::url`] is called.
#[derive(Debug, Clone)]
enum UrlProblem {
    /// Interpolation failed or the value is empty.
    Config(String),
    /// The URL does not parse (already masked).
    Invalid { url: String, reason: String },
}

impl Config {
    /// Finds and reads the configuration as `options` say.
    ///
    /// The `.env` file beside the configuration is loaded into the process environment first;
    /// a variable already set is never overridden.
    ///
    /// An empty or relative `cwd` is taken relative to the process's working directory.
    pub fn load(options: &LoadOptions) -> Result<Config> {
        let mut options = options.clone();
        if !options.cwd.is_absolute() {
            let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
            options.cwd = here.join(&options.cwd);
        }
        let options = &options;
        let env = |name: &str| std::env::var(name).ok();
        let path = find_config(options, &env)?;
        let root = config_root(&path);
        let dotenv = root.join(".env");
        if dotenv.is_file() {
            dotenvy::from_path(&dotenv).map_err(|e| Error::Config {
                message: format!("{}: cannot load: {e}", dotenv.display()),
                hint: None,
            })?;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Config {
            message: format!("{}: cannot read: {e}", path.display()),
            hint: None,
        })?;
        Config::from_text(&path, &text, options, &env)
    }

    /// Reads a configuration from `text` as if it were the file `path`, looking environment
    /// variables up with `env` (no `.env` loading, no search). Useful for embedding and tests.
    pub fn from_text(
        path: &Path,
        text: &str,
        options: &LoadOptions,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config> {
        let path = absolute(&options.cwd, path);
        let root = config_root(&path);
        // The file as seen from its canonical folder, so `path` and `root` agree.
        let path = match path.file_name() {
            Some(name) => root.join(name),
            None => path,
        };
        let file: raw::File = toml::from_str(text).map_err(|e| Error::Config {
            message: format!("{}: {}", path.display(), e.to_string().trim_end()),
            hint: None,
        })?;
        let environment = select_environment(&file, &path, options, env)?;
        let section = match file.environments.get(&environment) {
            Some(overrides) => file.aludel.overlaid(overrides),
            None => file.aludel,
        };
        let lint = file.lint;
        let mut config = build(path, root, environment, section, options, env)?;
        config.lint = lint;
        Ok(config)
    }

    /// The database URL: `--url`, else the environment's `url`, else `[aludel].url`.
    pub fn url(&self) -> Result<&DatabaseUrl> {
        match &self.url {
            Ok(url) => Ok(url),
            Err(UrlProblem::Config(message)) => Err(Error::Config {
                message: message.clone(),
                hint: None,
            }),
            Err(UrlProblem::Invalid { url, reason }) => Err(Error::Url {
                url: url.clone(),
                reason: reason.clone(),
            }),
        }
    }

    /// Replaces the database URL (for example a scratch database for `aludel test`).
    pub fn set_url(&mut self, url: DatabaseUrl) {
        self.url = Ok(url);
    }

    /// Resolves a path written in the configuration against [`root`](Self::root).
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        self.root.join(path)
    }
}

/// The configuration file to read: `-c`, else `ALUDEL_CONFIG`, else the nearest
/// `aludel.toml` from the working directory upwards.
fn find_config(options: &LoadOptions, env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
    let given = options
        .config_path
        .clone()
        .map(|p| (p, "-c/--config"))
        .or_else(|| {
            env("ALUDEL_CONFIG")
                .filter(|v| !v.is_empty())
                .map(|p| (p.into(), "ALUDEL_CONFIG"))
        });
    if let Some((path, source)) = given {
        let path = absolute(&options.cwd, &path);
        if !path.is_file() {
            return Err(Error::Config {
                message: format!(
                    "{}: configuration file not found (given by {source})",
                    path.display()
                ),
                hint: None,
            });
        }
        return Ok(path);
    }
    for dir in options.cwd.ancestors() {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(Error::Config {
        message: format!(
            "no {CONFIG_FILE_NAME} found in {} or any parent directory",
            options.cwd.display()
        ),
        hint: Some("run `aludel init migrations` to create one, or name one with -c FILE".into()),
    })
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

/// The folder holding the configuration, canonical when it exists.
fn config_root(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new("/"));
    std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf())
}

/// The environment's name: `--env`, `ALUDEL_ENV`, `ENVIRONMENT`, `development`. A name given
/// explicitly (`--env`, `ALUDEL_ENV`) must have a section, so a typo cannot reach the default
/// database.
fn select_environment(
    file: &raw::File,
    path: &Path,
    options: &LoadOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String> {
    let non_empty = |v: String| (!v.is_empty()).then_some(v);
    let (name, explicit) = if let Some(name) = options.env.clone().and_then(non_empty) {
        (name, Some("--env"))
    } else if let Some(name) = env("ALUDEL_ENV").and_then(non_empty) {
        (name, Some("ALUDEL_ENV"))
    } else if let Some(name) = env("ENVIRONMENT").and_then(non_empty) {
        (name, None)
    } else {
        (DEFAULT_ENVIRONMENT.to_string(), None)
    };
    if let Some(source) = explicit
        && !file.environments.contains_key(&name)
    {
        let known = if file.environments.is_empty() {
            "none".to_string()
        } else {
            file.environments
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(Error::Config {
            message: format!(
                "{}: environment '{name}' (from {source}) has no [environments.{name}] section; known environments: {known}",
                path.display()
            ),
            hint: None,
        });
    }
    Ok(name)
}

/// The longest table or schema name accepted for the version table, in bytes.
const IDENTIFIER_LIMIT: usize = 63;

/// Interpolates and checks the values in use and assembles the [`Config`].
fn build(
    path: PathBuf,
    root: PathBuf,
    environment: String,
    section: raw::Section,
    options: &LoadOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config> {
    let values = Values {
        file: path.display().to_string(),
        env,
    };
    let script_location = values.text(
        "script_location",
        section.script_location.as_deref().unwrap_or("migrations"),
    )?;
    let script_location = root.join(script_location);
    let version_locations = match section.version_locations {
        Some(locations) => locations
            .iter()
            .map(|l| values.text("version_locations", l).map(|l| root.join(l)))
            .collect::<Result<Vec<_>>>()?,
        None => vec![script_location.join("versions")],
    };
    let dev_url = match values.optional("dev_url", section.dev_url)? {
        Some(value) => Some(DatabaseUrl::parse(&value, &root)?),
        None => None,
    };
    // A bad URL is kept, not raised here: it is reported when `Config::url` is asked for it.
    let url = match &options.url {
        Some(given) => DatabaseUrl::parse(given, &options.cwd).map_err(url_problem),
        None => values.url(section.url.as_deref(), &environment, &root),
    };
    Ok(Config {
        environment,
        script_location,
        version_locations,
        file_template: values.text(
            "file_template",
            section
                .file_template
                .as_deref()
                .unwrap_or(DEFAULT_FILE_TEMPLATE),
        )?,
        truncate_slug_length: section.truncate_slug_length.unwrap_or(40),
        models: values.list("models", section.models)?,
        models_command: values.optional("models_command", section.models_command)?,
        dev_url,
        version_table: values.identifier(
            "version_table",
            &values.text(
                "version_table",
                section.version_table.as_deref().unwrap_or("aludel_version"),
            )?,
        )?,
        version_table_schema: match values
            .optional("version_table_schema", section.version_table_schema)?
        {
            Some(schema) => Some(values.identifier("version_table_schema", &schema)?),
            None => None,
        },
        transaction_per_migration: section.transaction_per_migration.unwrap_or(true),
        lock_timeout: values.duration("lock_timeout", section.lock_timeout, 60)?,
        connect_timeout: values.duration("connect_timeout", section.connect_timeout, 10)?,
        include_tables: values.list("include_tables", section.include_tables)?,
        exclude_tables: values.list("exclude_tables", section.exclude_tables)?,
        x: options.x.clone(),
        lint: LintConfig::default(),
        url,
        path,
        root,
    })
}

/// Reads the values of one configuration file: `${VAR}` interpolated, and every error naming
/// the file and the key.
struct Values<'a> {
    file: String,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Values<'_> {
    /// A value interpolated.
    fn text(&self, key: &str, value: &str) -> Result<String> {
        interpolate::interpolate(value, self.env).map_err(|reason| Error::Config {
            message: format!("{}: key '{key}': {reason}", self.file),
            hint: None,
        })
    }

    /// An optional value interpolated; a value that interpolates to empty counts as absent.
    fn optional(&self, key: &str, value: Option<String>) -> Result<Option<String>> {
        Ok(match value {
            Some(value) => Some(self.text(key, &value)?).filter(|v| !v.is_empty()),
            None => None,
        })
    }

    /// A list with each entry interpolated.
    fn list(&self, key: &str, values: Option<Vec<String>>) -> Result<Vec<String>> {
        values
            .unwrap_or_default()
            .iter()
            .map(|v| self.text(key, v))
            .collect()
    }

    /// A table or schema name aludel creates: not empty, no control characters, and at most
    /// [`IDENTIFIER_LIMIT`] bytes, so that it fits every database (PostgreSQL cuts longer names
    /// to 63 bytes, MySQL refuses more than 64) instead of failing at the first run.
    fn identifier(&self, key: &str, value: &str) -> Result<String> {
        let problem = if value.trim().is_empty() {
            Some("is empty".to_string())
        } else if value.chars().any(char::is_control) {
            Some("contains a control character".to_string())
        } else if value.len() > IDENTIFIER_LIMIT {
            Some(format!(
                "is {} bytes long; table names are limited to {IDENTIFIER_LIMIT} bytes \
                 (PostgreSQL's limit; MySQL's is 64)",
                value.len()
            ))
        } else {
            None
        };
        match problem {
            None => Ok(value.to_string()),
            Some(problem) => Err(Error::Config {
                message: format!("{}: key '{key}' {problem}", self.file),
                hint: Some(format!(
                    "set {key} to a short name such as 'aludel_version', or remove it for the default"
                )),
            }),
        }
    }

    /// A number of seconds, `default` when absent.
    fn duration(&self, key: &str, value: Option<f64>, default: u64) -> Result<Duration> {
        match value {
            None => Ok(Duration::from_secs(default)),
            Some(seconds) => Duration::try_from_secs_f64(seconds).map_err(|_| Error::Config {
                message: format!(
                    "{}: key '{key}': expected a non-negative number of seconds",
                    self.file
                ),
                hint: None,
            }),
        }
    }

    /// The section's `url` (or the default), interpolated and parsed against `root`.
    fn url(
        &self,
        written: Option<&str>,
        environment: &str,
        root: &Path,
    ) -> std::result::Result<DatabaseUrl, UrlProblem> {
        let written = written.unwrap_or(DEFAULT_URL);
        match interpolate::interpolate(written, self.env) {
            Err(reason) => Err(UrlProblem::Config(format!(
                "{}: key 'url': {reason}",
                self.file
            ))),
            Ok(value) if value.trim().is_empty() => Err(UrlProblem::Config(format!(
                "{}: key 'url' is empty for environment '{environment}'",
                self.file
            ))),
            Ok(value) => DatabaseUrl::parse(&value, root).map_err(url_problem),
        }
    }
}

fn url_problem(error: Error) -> UrlProblem {
    match error {
        Error::Url { url, reason } => UrlProblem::Invalid { url, reason },
        other => UrlProblem::Config(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
