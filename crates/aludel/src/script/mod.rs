//! The migration folder: revision files (TOML header, `-- migrate:upgrade` /
//! `-- migrate:downgrade` sections), the statement lexer, checksums, and writing new revision
//! files from `script.sql.j2`.
//!
//! Reading is strict: every `*.sql` file of a version location must be a valid revision, and
//! one that is not is an error naming the file and line rather than a file silently skipped.
//! The graph the scripts form is built and checked by [`RevisionGraph`]; this module only
//! reads and writes files.

mod control;
mod file;
mod init;
mod lexer;
mod summary;
mod template;

pub use control::transaction_control;
pub use file::{Checksum, HEADER_KEYS, Script, Section, checksum_of};
pub use init::init_project;
pub(crate) use lexer::sqlparser_dialect;
pub use lexer::{BATCH_MARKER, Statement, split_statements};
pub use summary::RevisionSummary;
pub use template::{
    DEFAULT_CONFIG, DEFAULT_README, DEFAULT_SCRIPT_TEMPLATE, DOWNGRADE_PLACEHOLDER, NewRevision,
    ScriptContext, UPGRADE_PLACEHOLDER, default_config, format_create_date, fresh_rev_id,
    render_file_name, render_script, slugify,
};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, normalize_path};
use crate::revision::{GraphError, RevisionGraph, RevisionId};
use crate::{Error, Result};

/// The name of the revision template in the migration folder.
pub const SCRIPT_TEMPLATE_NAME: &str = "script.sql.j2";

/// Every revision file of a project, parsed, with the graph they form.
#[derive(Debug, Clone)]
pub struct ScriptDirectory {
    /// The migration folder.
    pub location: PathBuf,
    /// Where revision files are read from.
    pub version_locations: Vec<PathBuf>,
    /// Each revision's script by id.
    pub scripts: BTreeMap<RevisionId, Script>,
    /// The graph the scripts form.
    pub graph: RevisionGraph,
}

impl ScriptDirectory {
    /// Reads every `.sql` file in the configured version locations. A file that is not a valid
    /// revision is an error naming the file and line; so are duplicate ids, unknown parents and
    /// cycles.
    pub fn load(config: &Config) -> Result<ScriptDirectory> {
        let scripts = read_scripts(&config.script_location, &config.version_locations)?;
        let mut directory = ScriptDirectory::from_scripts(config.script_location.clone(), scripts)?;
        directory.version_locations = config.version_locations.clone();
        Ok(directory)
    }

    /// Builds a directory from scripts already in memory (embedded migrations, tests). The
    /// version location is `location/versions`.
    pub fn from_scripts(location: PathBuf, scripts: Vec<Script>) -> Result<ScriptDirectory> {
        let scripts = index_scripts(scripts)?;
        let graph = RevisionGraph::new(
            scripts
                .values()
                .map(|script| script.revision.clone())
                .collect(),
        )
        .map_err(|error| in_file(&scripts, error))?;
        Ok(ScriptDirectory {
            version_locations: vec![location.join("versions")],
            location,
            scripts,
            graph,
        })
    }

    /// The script of a revision in the graph.
    pub fn script(&self, id: &RevisionId) -> &Script {
        &self.scripts[id]
    }

    /// Writes a new revision file as `new` describes and returns its path.
    ///
    /// The file is rendered from `script.sql.j2` in the migration folder (the built-in
    /// template when there is none), named by the configured `file_template`, and written to
    /// the folder [`version_folder`](Self::version_folder) chooses. The folder is created when
    /// missing; an existing file or id is refused. The rendered text is parsed before it is
    /// written, so a broken template never leaves a broken file behind.
    pub fn write_revision(&self, config: &Config, new: &NewRevision) -> Result<PathBuf> {
        self.writer(config).write(new, jiff::Timestamp::now())
    }

    /// The folder a new revision's file goes to, by Alembic's rule: `new.version_path` when
    /// given (it must be one of the version locations; a relative path is relative to the
    /// configuration's folder); else, among several version locations, the folder of the first
    /// parent's file, and a new root is refused there since nothing says which location it
    /// belongs to; else the one version location. A missing migration folder is an error.
    ///
    /// [`write_revision`](Self::write_revision) applies the same rule; calling this first
    /// checks a request before slower work (autogenerate) is done for it.
    pub fn version_folder(&self, config: &Config, new: &NewRevision) -> Result<PathBuf> {
        self.writer(config).target_folder(new)
    }

    fn writer<'a>(&'a self, config: &'a Config) -> RevisionWriter<'a> {
        RevisionWriter {
            config,
            location: &self.location,
            version_locations: &self.version_locations,
            scripts: &self.scripts,
        }
    }
}

/// Reads and parses every `*.sql` file (not recursively, sorted by name) of each version
/// location. A version location that does not exist holds no revision (git keeps no empty
/// folder); a missing migration folder is an error.
pub fn read_scripts(location: &Path, version_locations: &[PathBuf]) -> Result<Vec<Script>> {
    if !location.is_dir() {
        return Err(Error::Config {
            message: format!(
                "{}: the migration folder does not exist",
                location.display()
            ),
            hint: Some(
                "run `aludel init` to create it, or set script_location in aludel.toml".into(),
            ),
        });
    }
    let mut scripts = Vec::new();
    for folder in version_locations {
        if !folder.exists() {
            continue;
        }
        let entries = std::fs::read_dir(folder).map_err(|e| Error::io(folder, e))?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(folder, e))?;
            let name = entry.file_name();
            if !name.as_encoded_bytes().ends_with(b".sql") {
                continue;
            }
            // The directory listing usually knows the type already; only links cost a stat.
            let is_file = match entry.file_type() {
                Ok(kind) if kind.is_symlink() => entry.path().is_file(),
                Ok(kind) => kind.is_file(),
                Err(_) => entry.path().is_file(),
            };
            if is_file {
                paths.push((name, entry.path()));
            }
        }
        // One folder: the names alone order the files, and compare faster than whole paths.
        paths.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let paths: Vec<PathBuf> = paths.into_iter().map(|(_, path)| path).collect();
        scripts.extend(read_files(&paths)?);
    }
    Ok(scripts)
}

/// Reads and parses `paths` in order, on as many threads as the machine has (up to 8): a
/// project's history can hold thousands of files, and reading them is most of what a
/// `heads` or `history` costs.
fn read_files(paths: &[PathBuf]) -> Result<Vec<Script>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = paths.len().div_ceil(threads).max(256);
    if paths.len() <= chunk {
        return read_chunk(paths);
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(move || read_chunk(part)))
            .collect();
        let mut scripts = Vec::with_capacity(paths.len());
        for worker in workers {
            match worker.join() {
                Ok(part) => scripts.extend(part?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(scripts)
    })
}

/// Reads and parses files one after the other, reusing one buffer.
fn read_chunk(paths: &[PathBuf]) -> Result<Vec<Script>> {
    use std::io::Read;
    let mut buffer = Vec::with_capacity(8192);
    let mut scripts = Vec::with_capacity(paths.len());
    for path in paths {
        buffer.clear();
        std::fs::File::open(path)
            .and_then(|mut file| file.read_to_end(&mut buffer))
            .map_err(|e| Error::io(path, e))?;
        let text = std::str::from_utf8(&buffer).map_err(|e| Error::Script {
            path: path.clone(),
            line: buffer[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1,
            message: "the file is not valid UTF-8".to_string(),
        })?;
        scripts.push(Script::parse(path, text)?);
    }
    Ok(scripts)
}

/// Indexes scripts by id; a second file declaring an id is an error naming both files.
fn index_scripts(scripts: Vec<Script>) -> Result<BTreeMap<RevisionId, Script>> {
    let mut index: BTreeMap<RevisionId, Script> = BTreeMap::new();
    for script in scripts {
        if let Some(first) = index.get(&script.revision.id) {
            return Err(Error::Script {
                path: script.path.clone(),
                line: 0,
                message: format!(
                    "revision {} is also declared by {}",
                    script.revision.id,
                    first.path.display()
                ),
            });
        }
        index.insert(script.revision.id.clone(), script);
    }
    Ok(index)
}

/// A graph error while building the graph from files, naming the file of the revision at
/// fault (the first on a cycle) as well as the revision.
fn in_file(scripts: &BTreeMap<RevisionId, Script>, error: GraphError) -> Error {
    let revision = match &error {
        GraphError::Cycle { revisions } => revisions.first(),
        GraphError::UnknownParent { revision, .. }
        | GraphError::DuplicateLabel { revision, .. } => Some(revision),
        GraphError::DuplicateRevision { id } => Some(id),
        _ => None,
    };
    Error::Graph(match revision.and_then(|id| scripts.get(id)) {
        Some(script) => GraphError::InFile {
            file: script.path.clone(),
            error: Box::new(error),
        },
        None => error,
    })
}

/// The text of a rendered revision file up to its `-- migrate:downgrade` line, for an
/// irreversible revision.
fn without_downgrade_section(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "-- migrate:downgrade" {
            break;
        }
        kept.push_str(line);
    }
    format!("{}\n", kept.trim_end())
}

/// Writes new revision files; separate from [`ScriptDirectory`] so it needs no graph.
struct RevisionWriter<'a> {
    config: &'a Config,
    location: &'a Path,
    version_locations: &'a [PathBuf],
    scripts: &'a BTreeMap<RevisionId, Script>,
}

impl RevisionWriter<'_> {
    fn write(&self, new: &NewRevision, now: jiff::Timestamp) -> Result<PathBuf> {
        let now = new.create_date.unwrap_or(now);
        let id = match &new.rev_id {
            Some(id) => id.clone(),
            None => loop {
                let id = fresh_rev_id();
                if !self.scripts.contains_key(&id) {
                    break id;
                }
            },
        };
        if let Some(existing) = self.scripts.get(&id) {
            return Err(Error::refused(format!(
                "revision id {id} already exists in {}",
                existing.path.display()
            )));
        }
        let folder = self.target_folder(new)?;
        let slug = slugify(&new.message, self.config.truncate_slug_length);
        let name = render_file_name(&self.config.file_template, id.as_str(), &slug, now)?;
        let path = folder.join(format!("{name}.sql"));
        if name.is_empty()
            || name.contains(['/', '\\'])
            || name.contains("..")
            || Path::new(&name).is_absolute()
            || path.parent() != Some(folder.as_path())
        {
            return Err(Error::refused(format!(
                "the new revision's file name '{}' would leave the version folder {}",
                crate::error::clip(&name, crate::error::MESSAGE_LIMIT),
                folder.display()
            ))
            .with_hint("check `file_template` in aludel.toml and the revision id"));
        }

        let custom = self.location.join(SCRIPT_TEMPLATE_NAME);
        let source = match std::fs::read_to_string(&custom) {
            Ok(source) => source,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_SCRIPT_TEMPLATE.into(),
            Err(e) => return Err(Error::io(&custom, e)),
        };
        let context = ScriptContext {
            message: new.message.clone(),
            revision: id.clone(),
            down_revisions: new.down_revisions.clone(),
            branch_labels: new.branch_labels.clone(),
            depends_on: new.depends_on.clone(),
            create_date: now,
            upgrades: new.upgrade_sql.clone(),
            downgrades: new.downgrade_sql.clone(),
            env: self.config.environment.clone(),
            x: self.config.x.clone(),
        };
        let mut text = render_script(SCRIPT_TEMPLATE_NAME, &source, &context)?;
        if new.irreversible {
            text = without_downgrade_section(&text);
        }
        if new.non_transactional {
            text = template::with_header_line(&text, "-- transactional = false");
        }
        let parsed = Script::parse(&path, &text).map_err(|e| Error::Template {
            name: custom.display().to_string(),
            message: format!("the rendered revision file is not valid: {e}"),
        })?;
        if parsed.revision.id != id
            || parsed.revision.down_revisions != new.down_revisions
            || (new.irreversible && parsed.downgrade.is_some())
        {
            return Err(Error::Template {
                name: custom.display().to_string(),
                message:
                    "the rendered revision file does not declare the new revision's id and parents"
                        .into(),
            });
        }

        std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => {
                    Error::refused(format!("{}: file already exists", path.display()))
                }
                _ => Error::io(&path, e),
            })?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    }

    /// The folder the new file goes to: see [`ScriptDirectory::version_folder`].
    fn target_folder(&self, new: &NewRevision) -> Result<PathBuf> {
        if !self.location.is_dir() {
            return Err(Error::Config {
                message: format!(
                    "{}: the migration folder does not exist",
                    self.location.display()
                ),
                hint: Some("run `aludel init` to create it".into()),
            });
        }
        let locations: Vec<PathBuf> = self
            .version_locations
            .iter()
            .map(|l| normalize_path(l))
            .collect();
        let given = match &new.version_path {
            Some(given) => Some(given.clone()),
            // Among several locations a child goes beside its first parent, as Alembic does;
            // a new root has no parent to follow, so it must say where it goes.
            None if locations.len() > 1 => {
                let beside_parent = new
                    .down_revisions
                    .first()
                    .and_then(|id| self.scripts.get(id))
                    .and_then(|script| script.path.parent());
                match beside_parent {
                    Some(folder) => Some(folder.to_path_buf()),
                    None => {
                        return Err(Error::refused(
                            "multiple version locations present, please specify --version-path",
                        ));
                    }
                }
            }
            None => None,
        };
        let Some(given) = given else {
            return locations
                .first()
                .cloned()
                .ok_or_else(|| Error::refused("no version location is configured"));
        };
        let wanted = normalize_path(&self.config.root.join(&given));
        if !locations.contains(&wanted) {
            return Err(Error::refused(format!(
                "path {} is not represented in the current version locations ({})",
                given.display(),
                locations
                    .iter()
                    .map(|l| l.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(wanted)
    }
}

#[cfg(test)]
mod tests;
