//! Rendering of `template = true` sections with minijinja: `env`, `dialect`, `x`,
//! `getenv(name, default)`, the filter `sql_literal` (a value quoted as an SQL string literal by
//! the dialect) and, online only, the inspector functions `has_table`,
//! `has_column` and `has_index` over a snapshot of the database's catalog.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use minijinja::{Environment, ErrorKind, context};

use crate::config::Backend;
use crate::dialect::{Database, dialect_for};
use crate::{Error, Result};

/// The tables, columns and indexes of the database at one moment, for the inspector functions.
#[derive(Debug, Clone, Default)]
pub struct CatalogSnapshot {
    columns: BTreeMap<String, BTreeSet<String>>,
    indexes: BTreeMap<String, BTreeSet<String>>,
}

impl CatalogSnapshot {
    /// Reads the catalog of the connection's current schema.
    pub async fn read(db: &mut Database) -> Result<CatalogSnapshot> {
        let mut snapshot = CatalogSnapshot::default();
        for row in db.fetch(&db.dialect().catalog_columns_query()).await? {
            if let [Some(table), Some(column)] = row.as_slice() {
                snapshot
                    .columns
                    .entry(table.clone())
                    .or_default()
                    .insert(column.clone());
            }
        }
        for row in db.fetch(&db.dialect().catalog_indexes_query()).await? {
            if let [Some(table), Some(index)] = row.as_slice() {
                snapshot
                    .indexes
                    .entry(table.clone())
                    .or_default()
                    .insert(index.clone());
            }
        }
        Ok(snapshot)
    }
}

/// What a template sees besides the inspector.
#[derive(Debug, Clone)]
pub struct TemplateContext {
    /// The environment name.
    pub env: String,
    /// `sqlite`, `postgresql` or `mysql`.
    pub dialect: String,
    /// The database the section is rendered for; its dialect quotes `sql_literal` values.
    pub backend: Backend,
    /// The `-x` pairs.
    pub x: BTreeMap<String, String>,
    /// `--tag`, if given.
    pub tag: Option<String>,
}

/// Renders one section. `catalog` is `None` offline, where the inspector functions refuse.
pub fn render_section(
    name: &str,
    text: &str,
    ctx: &TemplateContext,
    catalog: Option<CatalogSnapshot>,
) -> Result<String> {
    let mut env = Environment::new();
    // Keep the section's final newline and its line structure, so statement line numbers still
    // point into the file.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_function(
        "getenv",
        |name: String, default: Option<String>| -> String {
            std::env::var(&name).ok().or(default).unwrap_or_default()
        },
    );
    // `-x` values and the environment are the user's text: pasted raw into SQL, a quote in
    // them ends the literal. `{{ x.note | sql_literal }}` quotes them as the database does.
    let dialect = dialect_for(ctx.backend);
    env.add_filter("sql_literal", move |value: minijinja::Value| {
        if value.is_undefined() || value.is_none() {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                "sql_literal was given no value (is the -x key missing?)",
            ));
        }
        let text = match value.as_str() {
            Some(text) => text.to_string(),
            None => value.to_string(),
        };
        Ok(dialect.quote_literal(&text))
    });
    let catalog = catalog.map(Arc::new);
    let offline = |function: &str| {
        minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "{function}() needs a live database and is not available in offline mode (--sql)"
            ),
        )
    };
    let c = catalog.clone();
    env.add_function("has_table", move |table: String| match &c {
        Some(c) => Ok(c.columns.contains_key(&table)),
        None => Err(offline("has_table")),
    });
    let c = catalog.clone();
    env.add_function(
        "has_column",
        move |table: String, column: String| match &c {
            Some(c) => Ok(c
                .columns
                .get(&table)
                .is_some_and(|cols| cols.contains(&column))),
            None => Err(offline("has_column")),
        },
    );
    let c = catalog;
    env.add_function("has_index", move |table: String, index: String| match &c {
        Some(c) => Ok(c
            .indexes
            .get(&table)
            .is_some_and(|ixs| ixs.contains(&index))),
        None => Err(offline("has_index")),
    });
    let failed = |e: minijinja::Error| Error::Template {
        name: name.to_string(),
        message: describe(&e),
    };
    env.add_template(name, text).map_err(failed)?;
    let template = env.get_template(name).map_err(failed)?;
    template
        .render(context! { env => &ctx.env, dialect => &ctx.dialect, x => &ctx.x, tag => &ctx.tag })
        .map_err(failed)
}

fn describe(e: &minijinja::Error) -> String {
    let mut message = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.kind().to_string());
    if let Some(line) = e.line() {
        message = format!("line {line} of the section: {message}");
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(env: &str) -> TemplateContext {
        let mut x = BTreeMap::new();
        x.insert("tenant".to_string(), "acme".to_string());
        TemplateContext {
            env: env.into(),
            dialect: "postgresql".into(),
            backend: Backend::Postgres,
            x,
            tag: None,
        }
    }

    #[test]
    fn environment_specific_sections() {
        let text = "{% if env == 'production' %}CREATE INDEX CONCURRENTLY ix ON users (email);{% else %}CREATE INDEX ix ON users (email);{% endif %}\n";
        assert_eq!(
            render_section("t", text, &ctx("production"), None).unwrap(),
            "CREATE INDEX CONCURRENTLY ix ON users (email);\n"
        );
        assert_eq!(
            render_section("t", text, &ctx("development"), None).unwrap(),
            "CREATE INDEX ix ON users (email);\n"
        );
    }

    #[test]
    fn x_dialect_and_getenv() {
        let out = render_section("t", "{{ x.tenant }} {{ dialect }} {{ getenv('ALUDEL_SURELY_UNSET_VAR', 'dflt') }} {{ x.missing is undefined }}", &ctx("d"), None).unwrap();
        assert_eq!(out, "acme postgresql dflt True");
    }

    #[test]
    fn sql_literal_quotes_values_for_the_dialect() {
        let mut c = ctx("d");
        c.x.insert("note".into(), "x'); DROP TABLE victim; --".into());
        let text = "INSERT INTO notes VALUES ({{ x.note | sql_literal }});";
        assert_eq!(
            render_section("t", text, &c, None).unwrap(),
            "INSERT INTO notes VALUES ('x''); DROP TABLE victim; --');"
        );
        c.backend = Backend::MySql;
        c.x.insert("note".into(), r"a\'b".into());
        assert_eq!(
            render_section("t", "{{ x.note | sql_literal }}", &c, None).unwrap(),
            r"'a\\''b'"
        );
        assert_eq!(
            render_section("t", "{{ 5 | sql_literal }}", &c, None).unwrap(),
            "'5'"
        );
        let missing = render_section("t", "{{ x.nope | sql_literal }}", &c, None).unwrap_err();
        assert!(missing.to_string().contains("no value"), "{missing}");
    }

    #[test]
    fn inspector_reads_snapshot_and_refuses_offline() {
        let mut snap = CatalogSnapshot::default();
        snap.columns
            .entry("users".into())
            .or_default()
            .insert("id".into());
        snap.indexes
            .entry("users".into())
            .or_default()
            .insert("ix_users_id".into());
        let text = "{{ has_table('users') }} {{ has_column('users', 'avatar_url') }} {{ has_index('users', 'ix_users_id') }} {{ has_table('nope') }}";
        assert_eq!(
            render_section("t", text, &ctx("d"), Some(snap)).unwrap(),
            "True False True False"
        );
        let err = render_section(
            "t",
            "{% if not has_column('users', 'a') %}x{% endif %}",
            &ctx("d"),
            None,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("has_column() needs a live database"),
            "{err}"
        );
    }
}
