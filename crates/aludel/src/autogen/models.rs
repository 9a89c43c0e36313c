//! Reading the models (SQL DDL files named by `models` globs, or the output of
//! `models_command`) and normalising them through a scratch database of the target's dialect.

use std::path::PathBuf;

use crate::config::{Backend, Config, DatabaseUrl};
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
/// `sh -c` in that folder, with `ALUDEL_DIALECT` set to the target's dialect name (`sqlite`,
/// `postgresql`, `mysql`) so a command such as `python -m aludel.sqlalchemy` prints DDL for it.
pub fn load_models(config: &Config) -> Result<ModelSource> {
    if let Some(command) = &config.models_command {
        let mut run = std::process::Command::new("sh");
        run.arg("-c").arg(command).current_dir(&config.root);
        if let Ok(url) = config.url() {
            run.env("ALUDEL_DIALECT", dialect_for(url.backend()).name());
        }
        let output = run.output().map_err(|e| Error::io(&config.root, e))?;
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
            ))
            .with_hint(format!(
                "write the desired schema as SQL DDL in a file matching {pattern} under {} (e.g. CREATE TABLE statements in schema/tables.sql), or set `models_command` in aludel.toml",
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
/// in-memory database; PostgreSQL and MySQL a scratch database on the server of `dev_url`
/// (else of `target`), kept for the next run where the server allows it (see `scratch`),
/// else created for this run and always dropped afterwards, error or not. On a server the
/// models are introspected on a connection they never ran on, so their session settings do
/// not reach the introspection.
///
/// Statements run in order; one that fails (a foreign key to a table of a later file, an
/// index on such a table) is retried after the others, as long as retrying makes progress.
/// A statement that never succeeds is an error naming its model file and line.
pub async fn normalise(
    models: &ModelSource,
    target: &DatabaseUrl,
    config: &Config,
) -> Result<Schema> {
    let statements = statements(models, target.backend())?;
    normalise_statements(models, &statements, target, config).await
}

/// [`normalise`] with the models' statements already split.
pub(crate) async fn normalise_statements(
    models: &ModelSource,
    statements: &[Statement],
    target: &DatabaseUrl,
    config: &Config,
) -> Result<Schema> {
    let filter = TableFilter::from_config(config)?;
    let backend = target.backend();
    let dialect = dialect_for(backend);
    if let Some(memory) = dialect.memory_url() {
        let memory = DatabaseUrl::parse(memory, &config.root)?;
        let mut db = Database::connect(&memory, config.connect_timeout).await?;
        let result = match load(&mut db, statements).await {
            Ok(()) => dialect::introspect(&mut db, &filter).await,
            Err(e) => Err(e),
        };
        db.close().await;
        return result;
    }
    let server = dialect::scratch_server(config, target)?;
    super::scratch::normalise_on_server(models, statements, &server, config, &filter).await
}

/// One model statement: its file, its line, its text.
pub(crate) type Statement = (PathBuf, usize, String);

/// The models' statements, each with its file and line. Lines that are psql meta-commands
/// `pg_dump` writes around its output (`\restrict KEY`, `\unrestrict KEY`) are the client's,
/// not SQL: they are left out, the line numbers kept.
pub(crate) fn statements(models: &ModelSource, backend: Backend) -> Result<Vec<Statement>> {
    let mut pending = Vec::new();
    for file in &models.files {
        let sql: String = file
            .sql
            .split_inclusive('\n')
            .map(|line| if is_client_command(line) { "\n" } else { line })
            .collect();
        let statements = split_statements(&sql, 1, backend).map_err(|e| match e {
            Error::Script { line, message, .. } => Error::Script {
                path: file.path.clone(),
                line,
                message,
            },
            other => other,
        })?;
        for statement in &statements {
            // `mysqldump --databases` writes `USE app;`: the rest of the file would then run
            // in that database, which may be the target itself, instead of the scratch one.
            if leading_word(&statement.sql).eq_ignore_ascii_case("USE") {
                return Err(Error::Script {
                    path: file.path.clone(),
                    line: statement.line,
                    message: "a model may not switch databases (USE): the models are loaded into \
                              a scratch database; remove the line (mysqldump writes it with \
                              --databases)"
                        .into(),
                });
            }
        }
        pending.extend(
            statements
                .into_iter()
                .filter(|s| !dialect_for(backend).is_internal_statement(&s.sql))
                .map(|s| (file.path.clone(), s.line, s.sql)),
        );
    }
    Ok(pending)
}

/// The first word of `sql` after whitespace and comments (`--`, `#`, `/* */`; not MySQL's
/// executable `/*! */` comments, which are statements), without tokenizing the rest.
fn leading_word(sql: &str) -> &str {
    let mut rest = sql.trim_start();
    loop {
        if rest.starts_with("--") || rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("/*") && !rest.starts_with("/*!") {
            rest = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// A model file whose `CREATE` statements left nothing in the scratch database: a session
/// setting in the file, a schema outside the default one, a `CREATE` that did something
/// else than the file meant. `check` is never clean with one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unproduced {
    /// The model file (`models_command` for a command's output).
    pub path: PathBuf,
    /// The tables its `CREATE TABLE` statements name, none of which the models' schema has;
    /// empty when the file creates other objects and the models' schema has nothing at all.
    pub tables: Vec<String>,
}

impl std::fmt::Display for Unproduced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.tables.is_empty() {
            write!(
                f,
                "model file {} has CREATE statements but loading the models produced no object",
                self.path.display()
            )
        } else {
            write!(
                f,
                "model file {} creates {} but loading it produced none of them \
                 (a session setting such as search_path, or a schema other than the default?)",
                self.path.display(),
                self.tables.join(", ")
            )
        }
    }
}

/// The model files whose `CREATE` statements produced nothing in `schema` (the models'
/// schema, filtered by `filter`): every table a file's `CREATE TABLE`s name (that the filter
/// keeps) is missing, or the file creates something and the whole schema is empty.
pub fn unproduced(
    models: &ModelSource,
    schema: &Schema,
    filter: &TableFilter,
    backend: Backend,
) -> Result<Vec<Unproduced>> {
    let statements = statements(models, backend)?;
    Ok(unproduced_in(models, &statements, schema, filter, backend))
}

/// [`unproduced`] over the models' statements already split. A file is read only as far as
/// its first `CREATE TABLE` whose table the schema has, which is usually its first.
pub(crate) fn unproduced_in(
    models: &ModelSource,
    statements: &[Statement],
    schema: &Schema,
    filter: &TableFilter,
    backend: Backend,
) -> Vec<Unproduced> {
    let empty = schema.tables.is_empty() && schema.objects.is_empty() && schema.enums.is_empty();
    // Unquoted names are folded by some databases and kept as written by others.
    let produced = |t: &String| schema.tables.keys().any(|n| n.eq_ignore_ascii_case(t));
    let mut out = Vec::new();
    for file in &models.files {
        let of_file = || statements.iter().filter(|(p, _, _)| *p == file.path);
        let mut tables = of_file()
            .filter(|(_, _, sql)| crate::schema::text::may_contain_word(sql, "TABLE"))
            .flat_map(|(_, _, sql)| crate::lint::classify(sql, backend))
            .filter_map(|action| match action {
                crate::lint::Action::CreateTable { table, .. } => Some(table),
                _ => None,
            })
            .filter(|t| filter.accepts(t));
        if tables.by_ref().any(|t| produced(&t)) {
            continue;
        }
        let missing: Vec<String> = of_file()
            .filter(|(_, _, sql)| crate::schema::text::may_contain_word(sql, "TABLE"))
            .flat_map(|(_, _, sql)| crate::lint::classify(sql, backend))
            .filter_map(|action| match action {
                crate::lint::Action::CreateTable { table, .. } => Some(table),
                _ => None,
            })
            .filter(|t| filter.accepts(t))
            .collect();
        if !missing.is_empty() {
            out.push(Unproduced {
                path: file.path.clone(),
                tables: missing,
            });
        } else if empty && of_file().any(|(_, _, sql)| starts_with_create(sql, backend)) {
            out.push(Unproduced {
                path: file.path.clone(),
                tables: Vec::new(),
            });
        }
    }
    out
}

/// Whether the first word of `sql`, after any comments, is `CREATE`.
fn starts_with_create(sql: &str, backend: Backend) -> bool {
    let dialect = dialect_for(backend).sqlparser_dialect();
    crate::scan::scan_prefix(sql, dialect.as_ref())
        .iter()
        .find(|t| crate::scan::is_significant(&t.token))
        .is_some_and(|t| crate::scan::is_keyword(&t.token, "CREATE"))
}

/// `\restrict KEY` and `\unrestrict KEY`, which `pg_dump` (since 17.6, 16.10, 15.14) puts
/// around a dump for psql.
fn is_client_command(line: &str) -> bool {
    let mut words = line.split_whitespace();
    matches!(words.next(), Some("\\restrict" | "\\unrestrict"))
        && words.next().is_some()
        && words.next().is_none()
}

/// Runs the models' statements on `db`, retrying those that fail while others succeed.
pub(crate) async fn load(db: &mut Database, statements: &[Statement]) -> Result<()> {
    let mut pending = statements.to_vec();
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{ModelFile, ModelSource, Unproduced, unproduced};
    use crate::config::Backend;
    use crate::schema::{Object, ObjectKey, ObjectKind, Schema, Table, TableFilter};

    fn files(texts: &[(&str, &str)]) -> ModelSource {
        ModelSource {
            files: texts
                .iter()
                .map(|(path, sql)| ModelFile {
                    path: PathBuf::from(path),
                    sql: sql.to_string(),
                })
                .collect(),
        }
    }

    fn with_tables(names: &[&str]) -> Schema {
        let mut schema = Schema::default();
        for name in names {
            schema.tables.insert(
                name.to_string(),
                Table {
                    name: name.to_string(),
                    ..Table::default()
                },
            );
        }
        schema
    }

    #[test]
    fn a_file_whose_tables_are_all_missing_is_unproduced() {
        let models = files(&[
            (
                "a.sql",
                "SET search_path = '';\nCREATE TABLE public.a (id int);",
            ),
            (
                "b.sql",
                "-- b\nCREATE TABLE \"B\" (id int);\nCREATE TABLE c (id int);",
            ),
            ("v.sql", "CREATE VIEW v AS SELECT 1;"),
            ("none.sql", "SELECT 1;"),
        ]);
        let filter = TableFilter::default();
        let schema = with_tables(&["B"]);
        assert_eq!(
            unproduced(&models, &schema, &filter, Backend::Postgres).unwrap(),
            vec![Unproduced {
                path: PathBuf::from("a.sql"),
                tables: vec!["a".into()],
            }]
        );
        // Nothing at all: every file that creates something is named.
        let empty = unproduced(&models, &Schema::default(), &filter, Backend::Postgres).unwrap();
        let paths: Vec<_> = empty.iter().map(|u| u.path.to_str().unwrap()).collect();
        assert_eq!(paths, ["a.sql", "b.sql", "v.sql"]);
        assert!(empty[2].tables.is_empty());
        // An object is something: the view file is then not reported.
        let mut view_only = Schema::default();
        let key = ObjectKey {
            kind: ObjectKind::View,
            name: "v".into(),
        };
        view_only.objects.insert(
            key.clone(),
            Object {
                key,
                table: None,
                definition: String::new(),
                depends_on: vec![],
                comment: None,
            },
        );
        let some = unproduced(&models, &view_only, &filter, Backend::Postgres).unwrap();
        assert_eq!(some.len(), 2, "{some:?}");
    }

    #[test]
    fn tables_a_filter_leaves_out_are_not_expected() {
        let config = crate::config::Config::from_text(
            std::path::Path::new("/proj/aludel.toml"),
            "[aludel]\nscript_location = \"m\"\nurl = \"sqlite:///x.db\"\nexclude_tables = [\"legacy_*\"]\n",
            &crate::config::LoadOptions {
                cwd: PathBuf::from("/proj"),
                ..Default::default()
            },
            &|_| None,
        )
        .unwrap();
        let filter = TableFilter::from_config(&config).unwrap();
        let models = files(&[("l.sql", "CREATE TABLE legacy_x (id int);")]);
        let schema = with_tables(&["other"]);
        assert!(
            unproduced(&models, &schema, &filter, Backend::Sqlite)
                .unwrap()
                .is_empty()
        );
    }
    #[test]
    fn a_model_that_switches_databases_is_refused_at_its_line() {
        let models = files(&[(
            "dump.sql",
            "CREATE DATABASE IF NOT EXISTS app;\n\n-- switch\nUSE `app`;\nCREATE TABLE t (id int);",
        )]);
        let err = super::statements(&models, Backend::MySql).unwrap_err();
        assert!(
            matches!(&err, crate::Error::Script { line: 3 | 4, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("USE"), "{err}");
        assert_eq!(super::leading_word("/* a */ -- b\n  use app"), "use");
        assert_eq!(super::leading_word("/*!40101 SET NAMES utf8 */"), "");
        assert_eq!(super::leading_word("USER_TABLES"), "USER_TABLES");
    }

    #[test]
    fn pg_dump_restrict_lines_are_the_clients() {
        assert!(super::is_client_command("\\restrict ygUGzpFydRREt9uD\n"));
        assert!(super::is_client_command("\\unrestrict ygUGzpFydRREt9uD"));
        assert!(!super::is_client_command("\\restrict\n"));
        assert!(!super::is_client_command("SELECT '\\restrict x'"));
    }
}
