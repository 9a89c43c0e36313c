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
mod render;
mod safe;
mod warnings;

pub use crate::schema::Change;
pub use diff::{Rename, diff};
pub use models::{ModelFile, ModelSource, load_models, normalise};
pub use render::{render, reversed, script};
pub use safe::LOCK_TIMEOUT;
pub use warnings::warnings;

use crate::Result;
use crate::config::Config;
use crate::dialect::{self, Database};
use crate::schema::{Schema, TableFilter};

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
    /// Whether the revision must be written with `transactional = false` (the safe form,
    /// [`Generated::made_safe`], runs concurrent index builds).
    pub non_transactional: bool,
}

/// Both sides of a comparison: the database's schema and the models' normalised schema.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The database as it is.
    pub database: Schema,
    /// The models as the database's dialect spells them.
    pub models: Schema,
}

/// Reads the models and the database `db` is connected to, both filtered alike.
pub async fn schemas(config: &Config, db: &mut Database) -> Result<Comparison> {
    let filter = TableFilter::from_config(config)?;
    let models = load_models(config)?;
    let url = db.url().clone();
    let models = normalise(&models, &url, config).await?;
    let database = dialect::introspect(db, &filter).await?;
    Ok(Comparison { database, models })
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
    let Comparison { database, models } = schemas(config, db).await?;
    Ok(generate(
        &database,
        &models,
        &renames,
        db.dialect().backend(),
    ))
}

/// The differences between the models and the database (empty when they agree), for `check`.
pub async fn compare(config: &Config, db: &mut Database) -> Result<Vec<Change>> {
    let Comparison { database, models } = schemas(config, db).await?;
    Ok(diff(&database, &models, &[]))
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
        non_transactional: false,
    }
}

#[cfg(test)]
mod tests;
