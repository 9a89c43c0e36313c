//! Autogenerate: compare the models with a database and write the migration between them.
//!
//! The flow is: [`load_models`] reads the DDL, [`normalise`] loads it into a scratch database
//! of the target's dialect and introspects it ([`crate::dialect::introspect`]), [`diff`]
//! compares that with the target's own introspection and yields ordered [`Change`]s (pure
//! data in [`crate::schema`], each with its reverse), [`render`] has the dialect write them as
//! SQL, and [`warnings`] flags what is
//! destructive or locks. [`autogenerate`] and [`compare`] are the entry points of
//! `revision --autogenerate` and `check`.

mod diff;
mod models;
mod objects;
mod render;
mod safe;
mod scratch;
mod warnings;

pub use crate::schema::Change;
pub use diff::{Rename, diff};
pub use models::{ModelFile, ModelSource, Unproduced, load_models, normalise, unproduced};
pub use render::{render, reversed, script};
pub use safe::LOCK_TIMEOUT;
pub use scratch::project_prefix as scratch_prefix;
pub use warnings::warnings;

use crate::config::Config;
use crate::dialect::{self, Database};
use crate::schema::{ObjectKey, Schema, TableFilter};
use crate::{Error, Result};

/// A generated migration.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// What differs, as ordered operations from the database to the models.
    pub changes: Vec<Change>,
    /// The upgrade section's SQL.
    pub upgrade_sql: String,
    /// The downgrade section's SQL (the changes reversed).
    pub downgrade_sql: String,
    /// One line per detected difference, in Alembic's words.
    pub detected: Vec<String>,
    /// Destructive or locking changes, and drops that may be renames.
    pub warnings: Vec<String>,
    /// What either side has that aludel does not manage: listed, never compared.
    pub not_compared: Vec<ObjectKey>,
    /// Whether the revision must be written with `transactional = false` (the safe form,
    /// [`Generated::made_safe`], runs concurrent index builds).
    pub non_transactional: bool,
}

/// What `check` found: the differences, and what it could not compare.
#[derive(Debug, Clone, Default)]
pub struct Check {
    /// What differs, as ordered operations from the database to the models.
    pub changes: Vec<Change>,
    /// What either side has that aludel does not manage: listed, never compared.
    pub not_compared: Vec<ObjectKey>,
    /// Model files whose `CREATE` statements produced nothing.
    pub unproduced: Vec<Unproduced>,
}

impl Check {
    /// Whether the database matches the models: no difference, and every model file that
    /// creates something produced it. Objects that are not compared do not count.
    pub fn is_clean(&self) -> bool {
        self.changes.is_empty() && self.unproduced.is_empty()
    }
}

/// Both sides of a comparison: the database's schema and the models' normalised schema.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The database as it is.
    pub database: Schema,
    /// The models as the database's dialect spells them.
    pub models: Schema,
    /// Model files whose `CREATE` statements produced nothing in the models' schema.
    pub unproduced: Vec<Unproduced>,
}

impl Comparison {
    /// What either side has that aludel does not manage, sorted, each once.
    pub fn not_compared(&self) -> Vec<ObjectKey> {
        let mut keys: Vec<ObjectKey> = self
            .database
            .unmanaged
            .iter()
            .chain(&self.models.unmanaged)
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// Reads the models and the database `db` is connected to, both filtered alike.
pub async fn schemas(config: &Config, db: &mut Database) -> Result<Comparison> {
    let filter = TableFilter::from_config(config)?;
    let models = load_models(config)?;
    let url = db.url().clone();
    let (normalised, statements, database) =
        if dialect::dialect_for(url.backend()).memory_url().is_some() {
            // An in-memory scratch database does its work on the thread that drives it: the
            // models are split, loaded and read on a thread of their own while this one reads
            // the target.
            let (m, u, c) = (models.clone(), url.clone(), config.clone());
            let side = tokio::task::spawn_blocking(move || {
                let statements = models::statements(&m, u.backend())?;
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| {
                        Error::refused(format!("cannot start a runtime for the models: {e}"))
                    })?;
                let schema =
                    runtime.block_on(models::normalise_statements(&m, &statements, &u, &c))?;
                Ok::<_, Error>((schema, statements))
            });
            let database = dialect::introspect(db, &filter).await;
            let side = side
                .await
                .map_err(|e| Error::refused(format!("reading the models failed: {e}")))?;
            let (normalised, statements) = side?;
            (normalised, statements, database?)
        } else {
            let statements = models::statements(&models, url.backend())?;
            // The scratch database and the target are read at the same time, on their own
            // connections: on a server, each side is mostly the server's work.
            let (normalised, database) = tokio::join!(
                models::normalise_statements(&models, &statements, &url, config),
                dialect::introspect(db, &filter)
            );
            (normalised?, statements, database?)
        };
    let unproduced =
        models::unproduced_in(&models, &statements, &normalised, &filter, url.backend());
    Ok(Comparison {
        database,
        models: normalised,
        unproduced,
    })
}

/// The migration from the database `db` is connected to up to the models, with `renames`
/// (`old:new`, `table.old:new`) as hints. The caller checks first that the database is at
/// head, as Alembic does.
///
/// ```no_run
/// # async fn run(config: &aludel::config::Config, db: &mut aludel::dialect::Database) -> aludel::Result<()> {
/// let generated = aludel::autogen::autogenerate(config, db, &["users.name:full_name".into()]).await?;
/// for line in &generated.detected {
///     eprintln!("{line}");
/// }
/// # Ok(()) }
/// ```
pub async fn autogenerate(
    config: &Config,
    db: &mut Database,
    renames: &[String],
) -> Result<Generated> {
    let renames = renames
        .iter()
        .map(|r| Rename::parse(r))
        .collect::<Result<Vec<_>>>()?;
    let comparison = schemas(config, db).await?;
    // Models that produced nothing would make a migration that drops what they meant to keep.
    if !comparison.unproduced.is_empty() {
        let files: Vec<String> = comparison
            .unproduced
            .iter()
            .map(|u| u.to_string())
            .collect();
        let error = Error::refused(format!("cannot autogenerate: {}", files.join("; ")));
        return Err(error.with_hint(
            "load the file with the database's client into an empty database to see where its tables go",
        ));
    }
    let mut generated = generate(
        &comparison.database,
        &comparison.models,
        &renames,
        db.dialect().backend(),
    );
    generated.not_compared = comparison.not_compared();
    Ok(generated)
}

/// The differences between the models and the database (empty when they agree).
pub async fn compare(config: &Config, db: &mut Database) -> Result<Vec<Change>> {
    let Comparison {
        database, models, ..
    } = schemas(config, db).await?;
    Ok(diff(&database, &models, &[]))
}

/// What `check` reports: the differences between the models and the database, what was not
/// compared, and model files that produced nothing.
pub async fn check(config: &Config, db: &mut Database) -> Result<Check> {
    let comparison = schemas(config, db).await?;
    Ok(Check {
        changes: diff(&comparison.database, &comparison.models, &[]),
        not_compared: comparison.not_compared(),
        unproduced: comparison.unproduced,
    })
}

/// The migration from `database` to `models` on `backend`: pure, no I/O.
pub fn generate(
    database: &Schema,
    models: &Schema,
    renames: &[Rename],
    backend: crate::config::Backend,
) -> Generated {
    let changes = diff(database, models, renames);
    let upgrade = render(&changes, database, models, backend);
    let downgrade = render(&reversed(&changes), models, database, backend);
    Generated {
        detected: changes.iter().flat_map(Change::describe).collect(),
        warnings: warnings(&changes, backend),
        upgrade_sql: script(&upgrade),
        downgrade_sql: script(&downgrade),
        changes,
        not_compared: Vec::new(),
        non_transactional: false,
    }
}

#[cfg(test)]
mod tests;
