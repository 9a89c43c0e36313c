//! Configuration: `aludel.toml`, `[environments.NAME]`, `${VAR}` / `${VAR:-default}`
//! interpolation after loading `.env`, and database URLs ([`DatabaseUrl`], whose `Display`
//! masks the password).

mod url;

pub use url::{Backend, DatabaseUrl};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Result;

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
    url: std::result::Result<DatabaseUrl, String>,
}

impl Config {
    /// Finds and reads the configuration as `options` say.
    pub fn load(options: &LoadOptions) -> Result<Config> {
        let _ = options;
        todo!()
    }

    /// The database URL: `--url`, else the environment's `url`, else `[aludel].url`.
    pub fn url(&self) -> Result<&DatabaseUrl> {
        todo!()
    }

    /// Resolves a path written in the configuration against [`root`](Self::root).
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        self.root.join(path)
    }
}
