//! The scratch database on a server that the models are loaded into.
//!
//! Creating a database, loading hundreds of tables into it and dropping it again is most of
//! what autogenerate and `check` cost on a server: the catalog work is file work on the
//! server, and `DROP DATABASE` waits for a checkpoint. Where the dialect can label a database
//! and lock across sessions ([`ScratchKeeping`]), the scratch database is therefore kept for
//! the next run: its name carries the project and the models' content
//! (`aludel_scratch_<project>_<models>`), its label is written only once the models loaded
//! completely, and a session lock inside it serialises the runs that use it. A run whose
//! models are unchanged only introspects it; a run with new models loads a fresh one and
//! then drops its project's older scratch databases and those of projects whose folder no
//! longer exists (temporary projects), each only when no session uses it. Elsewhere a
//! scratch database lives for one run and is always dropped.
//!
//! Models are loaded on one connection and introspected on another: whatever a model file
//! sets for its session (`set_config('search_path', '', false)` in every `pg_dump`, `SET
//! NAMES`, `SET FOREIGN_KEY_CHECKS`) never reaches the introspection.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::models::{ModelSource, Statement, load};
use crate::config::{Config, DatabaseUrl};
use crate::dialect::{self, Database, Dialect, ScratchDatabase, ScratchKeeping};
use crate::schema::{Schema, TableFilter};
use crate::{Error, Result};

/// The prefix of every scratch database's name.
const PREFIX: &str = "aludel_scratch_";
/// The label of a kept scratch database, before its project's folder.
const LABEL: &str = "aludel models of ";

/// The models normalised through a scratch database on `server`.
pub(super) async fn normalise_on_server(
    models: &ModelSource,
    statements: &[Statement],
    server: &DatabaseUrl,
    config: &Config,
    filter: &TableFilter,
) -> Result<Schema> {
    let mut admin = Database::connect(server, config.connect_timeout).await?;
    let dialect = admin.dialect();
    // A server of the dialect that cannot answer the label query (MySQL has no database
    // comments, MariaDB has) gets a scratch database for this run only.
    let keeping = match dialect.scratch_keeping() {
        Some(keeping) => {
            let probe = (keeping.label_query)(&dialect.quote_literal(PREFIX));
            admin.execute(&probe).await.is_ok().then_some(keeping)
        }
        None => None,
    };
    let result = match keeping {
        Some(keeping) => {
            let options = match dialect::create_database_options(&mut admin).await {
                Ok(options) => options,
                Err(e) => {
                    admin.close().await;
                    return Err(e);
                }
            };
            let scratch = Kept {
                keeping,
                server,
                config,
                name: kept_name(&config.root, models, &options),
                options,
            };
            scratch.normalise(&mut admin, statements, filter).await
        }
        None => temporary(statements, server, config, filter).await,
    };
    admin.close().await;
    result
}

/// A scratch database for this run only, dropped afterwards whatever happens.
async fn temporary(
    statements: &[Statement],
    server: &DatabaseUrl,
    config: &Config,
    filter: &TableFilter,
) -> Result<Schema> {
    let scratch = ScratchDatabase::create(server, config.connect_timeout).await?;
    // Cloned: a borrow of the scratch database (not `Sync`) across an await would make this
    // future not `Send`.
    let url = scratch.url().clone();
    let result = async {
        let mut loader = Database::connect(&url, config.connect_timeout).await?;
        let loaded = load(&mut loader, statements).await;
        loader.close().await;
        loaded?;
        introspect_fresh(&url, config, filter).await
    }
    .await;
    let dropped = scratch.remove().await;
    let schema = result?;
    dropped?;
    Ok(schema)
}

/// Introspects the database at `url` on a new connection, one the models never touched.
async fn introspect_fresh(
    url: &DatabaseUrl,
    config: &Config,
    filter: &TableFilter,
) -> Result<Schema> {
    let mut db = Database::connect(url, config.connect_timeout).await?;
    let schema = dialect::introspect(&mut db, filter).await;
    db.close().await;
    schema
}

/// A scratch database kept between runs (see the module's documentation).
struct Kept<'a> {
    keeping: ScratchKeeping,
    server: &'a DatabaseUrl,
    config: &'a Config,
    name: String,
    /// What follows `CREATE DATABASE name` (the target's defaults; part of the name).
    options: String,
}

/// What a kept scratch database holds when a run has its lock.
enum Found {
    /// The models, completely loaded by an earlier run.
    Loaded,
    /// Nothing yet: this run created it.
    Created,
    /// Whatever an interrupted or failed run left.
    Unfinished,
}

impl Kept<'_> {
    fn dialect(&self) -> &'static dyn Dialect {
        dialect::dialect_for(self.server.backend())
    }

    fn label(&self) -> String {
        format!("{LABEL}{}", self.config.root.display())
    }

    async fn normalise(
        &self,
        admin: &mut Database,
        statements: &[Statement],
        filter: &TableFilter,
    ) -> Result<Schema> {
        let url = self.server.with_database(&self.name);
        // Two rounds at most: a database an interrupted run left half-loaded is dropped and
        // made again once.
        for round in 0..2 {
            let created = self.create_if_missing(admin).await?;
            let mut holder = Database::connect(&url, self.config.connect_timeout).await?;
            let literal = self.dialect().quote_literal(&self.name);
            holder.fetch(&(self.keeping.lock_sql)(&literal)).await?;
            let found = match self.read_label(admin).await? {
                Some(label) if label == self.label() => Found::Loaded,
                _ if created => Found::Created,
                _ => Found::Unfinished,
            };
            if let Found::Loaded = found {
                // This session never ran the models: it introspects, then lets go of the lock.
                let schema = dialect::introspect(&mut holder, filter).await;
                holder.close().await;
                return schema;
            }
            if let (Found::Unfinished, 0) = (&found, round) {
                holder.close().await;
                self.drop_scratch(admin).await?;
                continue;
            }
            let loaded = load(&mut holder, statements).await;
            if let Err(e) = loaded {
                holder.close().await;
                // A failed load is not kept: the next run starts clean.
                let _ = self.drop_scratch(admin).await;
                return Err(e);
            }
            let schema = introspect_fresh(&url, self.config, filter).await;
            if schema.is_ok() {
                let quoted = self.dialect().quote_ident(&self.name);
                let label = self.dialect().quote_literal(&self.label());
                admin
                    .run(&(self.keeping.label_sql)(&quoted, &label))
                    .await?;
            }
            holder.close().await;
            self.sweep(admin).await;
            return schema;
        }
        Err(Error::refused(format!(
            "the scratch database {} could not be prepared",
            self.name
        )))
    }

    /// Creates the scratch database unless it exists; whether this call created it.
    async fn create_if_missing(&self, admin: &mut Database) -> Result<bool> {
        let literal = self.dialect().quote_literal(&self.name);
        if !admin
            .fetch(&(self.keeping.label_query)(&literal))
            .await?
            .is_empty()
        {
            return Ok(false);
        }
        let quoted = self.dialect().quote_ident(&self.name);
        match admin
            .run(&format!("CREATE DATABASE {quoted}{}", self.options))
            .await
        {
            Ok(_) => Ok(true),
            // Another run created it in the meantime: it is used as found.
            Err(_)
                if !admin
                    .fetch(&(self.keeping.label_query)(&literal))
                    .await?
                    .is_empty() =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    async fn read_label(&self, admin: &mut Database) -> Result<Option<String>> {
        let literal = self.dialect().quote_literal(&self.name);
        let rows = admin.fetch(&(self.keeping.label_query)(&literal)).await?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten()))
    }

    async fn drop_scratch(&self, admin: &mut Database) -> Result<()> {
        let quoted = self.dialect().quote_ident(&self.name);
        admin
            .run(&self.dialect().drop_database_sql(&quoted))
            .await
            .map(|_| ())
    }

    /// Drops the project's scratch databases of earlier models, and those of projects whose
    /// folder is gone, unless a session uses them. Best effort: a database that cannot be
    /// dropped now is dropped by a later run.
    async fn sweep(&self, admin: &mut Database) {
        let Ok(rows) = admin.fetch(self.keeping.list_query).await else {
            return;
        };
        let project = project_prefix(&self.config.root);
        for row in rows {
            let mut values = row.into_iter();
            let (Some(Some(name)), label) = (values.next(), values.next().flatten()) else {
                continue;
            };
            let orphan = label
                .as_deref()
                .and_then(|l| l.strip_prefix(LABEL))
                .is_some_and(|root| !Path::new(root).exists());
            if name != self.name && (name.starts_with(&project) || orphan) {
                let quoted = self.dialect().quote_ident(&name);
                let _ = admin
                    .execute(&(self.keeping.drop_if_unused_sql)(&quoted))
                    .await;
            }
        }
    }
}

/// `aludel_scratch_<project>_`: the start of the name of every scratch database kept for the
/// project in `root` (the folder of its `aludel.toml`), for tools that clean up after a
/// project they made for a while (a test's temporary project).
pub fn project_prefix(root: &Path) -> String {
    let project = hex(&Sha256::digest(root.to_string_lossy().as_bytes()));
    format!("{PREFIX}{}_", &project[..12])
}

/// The kept scratch database of the project in `root` with these models: the same name for
/// the same models, whatever their files are called in between.
fn kept_name(root: &Path, models: &ModelSource, options: &str) -> String {
    let mut content = Sha256::new();
    content.update(options.as_bytes());
    content.update([0]);
    for file in &models.files {
        content.update(file.sql.as_bytes());
        content.update([0]);
    }
    let content = hex(&content.finalize());
    format!("{}{}", project_prefix(root), &content[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::super::models::{ModelFile, ModelSource};
    use super::*;

    fn models(sql: &str) -> ModelSource {
        ModelSource {
            files: vec![ModelFile {
                path: PathBuf::from("m.sql"),
                sql: sql.to_string(),
            }],
        }
    }

    #[test]
    fn kept_names_follow_the_project_and_the_models_and_fit_every_server() {
        let a = kept_name(Path::new("/p"), &models("CREATE TABLE t (id int);"), "");
        assert_eq!(
            a,
            kept_name(Path::new("/p"), &models("CREATE TABLE t (id int);"), "")
        );
        assert_ne!(
            a,
            kept_name(Path::new("/p"), &models("CREATE TABLE u (id int);"), "")
        );
        assert_ne!(
            a,
            kept_name(Path::new("/q"), &models("CREATE TABLE t (id int);"), "")
        );
        assert!(a.starts_with(&project_prefix(Path::new("/p"))));
        // PostgreSQL truncates names at 63 bytes, MySQL refuses more than 64.
        assert!(a.len() <= 63, "{a}");
    }
}
