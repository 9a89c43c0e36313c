//! Migrations embedded in an application's binary at compile time.
//!
//! The application's `build.rs` calls [`build`], which lists the migration files and writes
//! `$OUT_DIR/aludel_migrations.rs`; the application includes it with
//! [`embedded_migrations!`](crate::embedded_migrations) and brings its database to `head` at
//! start-up with [`Embedded::upgrade_to_head`].
//!
//! There is no stale build: [`build`] tells cargo to rerun it when the `versions` folder changes
//! (a file added, removed or renamed) and when any listed file changes, and each file's text
//! reaches the binary through `include_str!`, which cargo also tracks.
//!
//! ```text
//! // build.rs
//! fn main() {
//!     aludel::embed::build("migrations").expect("cannot embed the migrations");
//! }
//!
//! // src/main.rs
//! static MIGRATIONS: aludel::embed::Embedded = aludel::embedded_migrations!();
//!
//! #[tokio::main]
//! async fn main() -> aludel::Result<()> {
//!     MIGRATIONS.upgrade_to_head("sqlite:///app.db").await?;
//!     Ok(())
//! }
//! ```

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::Result;
use crate::config::{Config, LoadOptions};
use crate::dialect::Database;
use crate::runtime::{Migrator, RunOptions, RunReport};
use crate::script::{Script, ScriptDirectory};

/// The name of the file [`build`] writes in `OUT_DIR`.
pub const GENERATED_FILE: &str = "aludel_migrations.rs";

/// Includes the migrations that [`embed::build`](crate::embed::build) listed, as an
/// [`Embedded`](crate::embed::Embedded) value (usable in a `static`).
#[macro_export]
macro_rules! embedded_migrations {
    () => {
        include!(concat!(env!("OUT_DIR"), "/aludel_migrations.rs"))
    };
}

/// One migration file embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    /// The file's path relative to the application's manifest folder, for messages.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// Every migration file embedded in the binary, sorted by file name.
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    /// The files.
    pub files: &'static [EmbeddedFile],
}

impl Embedded {
    /// Parses the files and builds their revision graph. The migration folder is taken to be
    /// the folder above the first file's `versions` folder.
    pub fn scripts(&self) -> Result<ScriptDirectory> {
        let scripts = self
            .files
            .iter()
            .map(|file| Script::parse(Path::new(file.path), file.text))
            .collect::<Result<Vec<_>>>()?;
        let location = self
            .files
            .first()
            .and_then(|file| Path::new(file.path).parent()?.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        ScriptDirectory::from_scripts(location, scripts)
    }

    /// Brings the database at `url` to `heads` with the default settings (no `aludel.toml` is
    /// read; the version table is `aludel_version`). A relative SQLite path is taken from the
    /// working directory.
    ///
    /// Works from any tokio runtime, multi-threaded included. On SQLite the migration
    /// statements run synchronously on the calling thread, blocking that worker while they
    /// run; at start-up that is usually what is wanted. The future is `Send`, so it may also
    /// run inside `tokio::spawn`.
    pub async fn upgrade_to_head(&self, url: &str) -> Result<RunReport> {
        let scripts = self.scripts()?;
        let config = config_for(url)?;
        let mut db = Database::connect(config.url()?, config.connect_timeout).await?;
        let outcome = Migrator::new(&config, &scripts)
            .upgrade(&mut db, "heads", &RunOptions::default(), &mut |_| {})
            .await;
        db.close().await;
        outcome
    }
}

/// A configuration with every default and `url`, as if from an empty `aludel.toml` in the
/// working directory.
fn config_for(url: &str) -> Result<Config> {
    let cwd = std::env::current_dir().map_err(|e| crate::Error::io(".", e))?;
    let options = LoadOptions {
        url: Some(url.to_string()),
        cwd,
        ..LoadOptions::default()
    };
    Config::from_text(Path::new("aludel.toml"), "[aludel]\n", &options, &|_| None)
}

/// For an application's `build.rs`: embeds `migrations_dir/versions/*.sql` (`migrations_dir`
/// relative to the package's manifest folder) by writing `$OUT_DIR/aludel_migrations.rs`, and
/// prints the `cargo:rerun-if-changed` lines that rebuild it when a file is added, removed or
/// edited.
pub fn build(migrations_dir: impl AsRef<Path>) -> io::Result<()> {
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;
    let relative = migrations_dir.as_ref();
    let versions = manifest_dir.join(relative).join("versions");
    let files = list_versions(&versions, relative)?;
    std::fs::write(out_dir.join(GENERATED_FILE), generate(&files))?;
    print!("{}", rerun_lines(&versions, &files));
    Ok(())
}

/// An environment variable cargo sets for build scripts, as a path.
fn env_path(name: &str) -> io::Result<PathBuf> {
    std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{name} is not set; call aludel::embed::build from a build script"),
        )
    })
}

/// The `.sql` files in `versions`, as (path for messages, absolute path), sorted by name.
/// The message path is `relative/versions/NAME`.
fn list_versions(versions: &Path, relative: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let entries = std::fs::read_dir(versions).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "{}: cannot read the versions folder: {e}",
                versions.display()
            ),
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let is_sql = path.extension().is_some_and(|ext| ext == "sql");
        if !is_sql || !path.is_file() {
            continue;
        }
        let absolute = std::path::absolute(&path)?;
        let shown = relative
            .join("versions")
            .join(path.file_name().unwrap_or_default());
        match (shown.to_str(), absolute.to_str()) {
            (Some(shown), Some(_)) => files.push((shown.replace('\\', "/"), absolute)),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: the path is not valid UTF-8", path.display()),
                ));
            }
        }
    }
    files.sort_by(|a, b| a.1.file_name().cmp(&b.1.file_name()));
    Ok(files)
}

/// The text of `aludel_migrations.rs` for `files`, each (path for messages, absolute path):
/// an [`Embedded`] expression whose files are sorted by file name and read by `include_str!`.
pub fn generate(files: &[(String, PathBuf)]) -> String {
    let mut sorted: Vec<&(String, PathBuf)> = files.iter().collect();
    sorted.sort_by(|a, b| a.1.file_name().cmp(&b.1.file_name()).then(a.0.cmp(&b.0)));
    let mut out = String::from("::aludel::embed::Embedded {\n    files: &[\n");
    for (shown, absolute) in sorted {
        // `{:?}` of a `str` is a valid Rust string literal: quotes and backslashes escaped.
        let _ = writeln!(
            out,
            "        ::aludel::embed::EmbeddedFile {{ path: {:?}, text: include_str!({:?}) }},",
            shown.as_str(),
            absolute.to_string_lossy().as_ref(),
        );
    }
    out.push_str("    ],\n}\n");
    out
}

/// The `cargo:rerun-if-changed` lines: the `versions` folder (cargo rescans it, so a file
/// added or removed reruns the build script) and each file (so an edit reruns it).
pub fn rerun_lines(versions: &Path, files: &[(String, PathBuf)]) -> String {
    let mut out = format!("cargo:rerun-if-changed={}\n", versions.display());
    for (_, absolute) in files {
        let _ = writeln!(out, "cargo:rerun-if-changed={}", absolute.display());
    }
    out
}

#[cfg(test)]
mod tests;
