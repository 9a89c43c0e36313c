//! Reading the models (SQL DDL files named by `models` globs, or the output of
//! `models_command`) and normalising them through a scratch database of the target's dialect.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::{Config, DatabaseUrl};
use crate::dialect::{self, Database, dialect_for};
use crate::schema::{Schema, TableFilter};
use crate::script::split_statements;
use crate::{Error, Result};

/// The models' DDL, in the order it is to be loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelSource {
    /// The model files (or the command's output) in order.
    pub files: Vec<ModelFile>,
}

/// One piece of model DDL with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFile {
    /// The file, or `models_command` for a command's output.
    pub path: PathBuf,
    /// Its text.
    pub sql: String,
}

/// Reads the models the configuration names: the files matching `models` (relative to the
/// configuration's folder; patterns in the listed order, each pattern's matches sorted by
/// path, a file matched twice read once), or the standard output of `models_command` run with
/// `sh -c` in that folder.
pub fn load_models(config: &Config) -> Result<ModelSource> {
    if let Some(command) = &config.models_command {
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(&config.root)
            .output()
            .map_err(|e| Error::io(&config.root, e))?;
        if !output.status.success() {
            return Err(Error::refused(format!(
                "models_command `{command}` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        let sql = String::from_utf8(output.stdout).map_err(|_| {
            Error::refused(format!(
                "models_command `{command}` printed text that is not UTF-8"
            ))
        })?;
        return Ok(ModelSource {
            files: vec![ModelFile {
                path: PathBuf::from("models_command"),
                sql,
            }],
        });
    }
    if config.models.is_empty() {
        return Err(Error::refused("no models configured")
            .with_hint("set `models = [\"schema/**/*.sql\"]` or `models_command` in aludel.toml"));
    }
    let mut files: Vec<ModelFile> = Vec::new();
    for pattern in &config.models {
        let full = config.root.join(pattern);
        let bad = |e: String| Error::Config {
            message: format!("invalid models pattern '{pattern}': {e}"),
            hint: None,
        };
        let mut matches: Vec<PathBuf> = glob::glob(&full.to_string_lossy())
            .map_err(|e| bad(e.to_string()))?
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| bad(e.to_string()))?;
        matches.retain(|p| p.is_file());
        if matches.is_empty() {
            return Err(Error::refused(format!(
                "models pattern '{pattern}' matches no file in {}",
                config.root.display()
            )));
        }
        matches.sort();
        for path in matches {
            if files.iter().any(|f| f.path == path) {
                continue;
            }
            let sql = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            files.push(ModelFile { path, sql });
        }
    }
    Ok(ModelSource { files })
}

/// The schema the models describe, as a database of `target`'s dialect spells it: the DDL is
/// loaded into a scratch database and introspected exactly as the target is. SQLite uses an
/// in-memory database; PostgreSQL and MySQL a database created for the purpose on the server
/// of `dev_url` (else of `target`) and always dropped afterwards, error or not.
///
/// Statements run in order; one that fails (a foreign key to a table of a later file, an
/// index on such a table) is retried after the others, as long as retrying makes progress.
/// A statement that never succeeds is an error naming its model file and line.
pub async fn normalise(
    models: &ModelSource,
    target: &DatabaseUrl,
    config: &Config,
) -> Result<Schema> {
    let filter = TableFilter::from_config(config)?;
    let backend = target.backend();
    let dialect = dialect_for(backend);
    if let Some(memory) = dialect.memory_url() {
        let memory = DatabaseUrl::parse(memory, &config.root)?;
        let mut db = Database::connect(&memory, config.connect_timeout).await?;
        let result = load_and_introspect(&mut db, models, &filter).await;
        db.close().await;
        return result;
    }
    let server = match &config.dev_url {
        Some(dev) if dev.backend() != backend => {
            return Err(Error::refused(format!(
                "dev_url {dev} is not a {} database like the target",
                dialect.title()
            ))
            .with_hint("point dev_url at a server of the same kind"));
        }
        Some(dev) => dev.clone(),
        None => target.clone(),
    };
    let mut admin = Database::connect(&server, config.connect_timeout).await?;
    let name = scratch_name();
    let quoted = admin.dialect().quote_ident(&name);
    let options = match admin.dialect().scratch_database_options_query() {
        Some(query) => admin
            .fetch(query)
            .await?
            .into_iter()
            .flatten()
            .flatten()
            .next(),
        None => None,
    };
    let options = options.unwrap_or_default();
    admin
        .run(&format!("CREATE DATABASE {quoted}{options}"))
        .await?;
    let result = async {
        let mut db =
            Database::connect(&server.with_database(&name), config.connect_timeout).await?;
        let result = load_and_introspect(&mut db, models, &filter).await;
        db.close().await;
        result
    }
    .await;
    let drop_sql = admin.dialect().drop_database_sql(&quoted);
    let dropped = admin.run(&drop_sql).await;
    admin.close().await;
    let schema = result?;
    dropped?;
    Ok(schema)
}

/// A database name no other run picks: process id, time and a counter.
fn scratch_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "aludel_scratch_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs the models' statements on `db` (retrying those that fail while others succeed) and
/// introspects the result.
pub(crate) async fn load_and_introspect(
    db: &mut Database,
    models: &ModelSource,
    filter: &TableFilter,
) -> Result<Schema> {
    let backend = db.dialect().backend();
    let mut pending = Vec::new();
    for file in &models.files {
        let statements = split_statements(&file.sql, 1, backend).map_err(|e| match e {
            Error::Script { line, message, .. } => Error::Script {
                path: file.path.clone(),
                line,
                message,
            },
            other => other,
        })?;
        pending.extend(
            statements
                .into_iter()
                .map(|s| (file.path.clone(), s.line, s.sql)),
        );
    }
    if let Some(setup) = db.dialect().scratch_session_sql() {
        db.run(setup).await?;
    }
    // Models usually come in an order that loads as written: where DDL is transactional, try
    // them all in one round trip first, and fall back to one by one only when that fails.
    if db.dialect().transactional_ddl() && !pending.is_empty() {
        let mut script = db.dialect().begin_online().to_string();
        for (_, _, sql) in &pending {
            // The newline first: a statement may end in a line comment.
            script.push_str("\n;\n");
            script.push_str(sql);
        }
        script.push_str("\n;\nCOMMIT");
        if db.execute(&script).await.is_ok() {
            pending.clear();
        } else {
            db.rollback().await;
        }
    }
    while !pending.is_empty() {
        let mut failed = Vec::new();
        let before = pending.len();
        for (path, line, sql) in pending {
            if let Err(message) = db.execute(&sql).await {
                failed.push((path, line, sql, message));
            }
        }
        if failed.len() == before {
            let (path, line, _, message) = failed.swap_remove(0);
            return Err(Error::Script {
                path,
                line,
                message: format!("statement failed in model: {message}"),
            });
        }
        pending = failed.into_iter().map(|(p, l, s, _)| (p, l, s)).collect();
    }
    dialect::introspect(db, filter).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn scratch_names_differ() {
        assert_ne!(super::scratch_name(), super::scratch_name());
    }
}
