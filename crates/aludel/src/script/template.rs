//! New revision files: the file-name template and `script.sql.j2`.
//!
//! File names follow Alembic: a Python `%`-format (`%(rev)s_%(slug)s`, `%(month).2d`) over
//! the tokens `rev slug year month day hour minute second epoch`, with the slug made by
//! [`slugify`] exactly as Alembic makes it. The file itself is rendered from
//! `script.sql.j2` with minijinja; the header values go through the `toml` filter so any
//! message is written as a valid TOML string. Dates are UTC.
//!
//! The texts `init` writes (the default template, README and configuration) live here too.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use minijinja::value::{Value, ValueKind};

use crate::revision::RevisionId;
use crate::{Error, Result};

/// What `revision` and `merge` ask for.
#[derive(Debug, Clone, Default)]
pub struct NewRevision {
    /// `-m`.
    pub message: String,
    /// `--rev-id`, else a fresh 12-hex id.
    pub rev_id: Option<RevisionId>,
    /// Parents (`--head`, or the merged heads).
    pub down_revisions: Vec<RevisionId>,
    /// `--branch-label`.
    pub branch_labels: Vec<String>,
    /// `--depends-on`.
    pub depends_on: Vec<String>,
    /// `--version-path`.
    pub version_path: Option<std::path::PathBuf>,
    /// Upgrade SQL to put in the file (autogenerate), else a placeholder.
    pub upgrade_sql: Option<String>,
    /// Downgrade SQL to put in the file.
    pub downgrade_sql: Option<String>,
    /// The file has no downgrade section (the revision is irreversible): an imported
    /// revision whose downgrade could not be rendered.
    pub irreversible: bool,
    /// The create date for the header and the file name (an imported revision's own); else
    /// the time of writing.
    pub create_date: Option<Timestamp>,
    /// Write `-- transactional = false` in the header (autogenerate's safe form needs it).
    pub non_transactional: bool,
}

/// `text` (a rendered revision file) with `line` added at the end of its header, the leading
/// run of `-- key = value` lines.
pub(crate) fn with_header_line(text: &str, line: &str) -> String {
    let header_end = text
        .lines()
        .take_while(|l| l.starts_with("--") && l.contains('='))
        .map(|l| l.len() + 1)
        .sum::<usize>()
        .min(text.len());
    format!("{}{line}\n{}", &text[..header_end], &text[header_end..])
}

/// The template `init` writes to `migrations/script.sql.j2`, and the one used when a project
/// has none.
pub const DEFAULT_SCRIPT_TEMPLATE: &str = r#"-- message = {{ message | toml }}
-- revision = {{ revision | toml }}
-- down_revision = {{ down_revision | toml }}
-- branch_labels = {{ branch_labels | toml }}
-- depends_on = {{ depends_on | toml }}
-- create_date = {{ create_date | toml }}

-- migrate:upgrade
{{ upgrades }}

-- migrate:downgrade
{{ downgrades }}
"#;

/// The placeholder of an upgrade section written without SQL.
pub const UPGRADE_PLACEHOLDER: &str = "-- Write the upgrade statements here.";

/// The placeholder of a downgrade section written without SQL.
pub const DOWNGRADE_PLACEHOLDER: &str = "-- Write the downgrade statements here. Delete this section, marker included, to make the\n-- revision irreversible.";

/// The README `init` writes into the migration folder.
pub const DEFAULT_README: &str = r#"# Migrations

This folder is managed by [aludel](https://crates.io/crates/aludel). Each file in `versions/`
is one revision: a header of `-- key = value` lines, then a `-- migrate:upgrade` section and,
optionally, a `-- migrate:downgrade` section (without one, the revision is irreversible).

    aludel revision -m "add users"     # new revision file from script.sql.j2
    aludel revision --autogenerate -m "sync models"
    aludel upgrade head                # apply every pending revision
    aludel downgrade -1                # revert the last one
    aludel current / history / heads   # where things stand
    aludel status                      # pending revisions and edited applied files

`script.sql.j2` is the minijinja template new revision files are made from; edit it to
change their layout. Settings are in `aludel.toml`.
"#;

/// The `aludel.toml` that `init` writes for the migration folder `migrations`.
pub const DEFAULT_CONFIG: &str = r#"# aludel configuration. Relative paths are relative to this file's folder.
# ${VAR} and ${VAR:-default} are read from the environment (after loading .env, which never
# overrides a variable that is already set).

[aludel]
# The migration folder: script.sql.j2 and versions/.
script_location = "migrations"

# The database. SQLAlchemy-style URLs work: sqlite:///relative.db, sqlite:////absolute.db,
# postgresql://user:pass@host:5432/db, mysql://user:pass@host/db.
url = "${DATABASE_URL:-sqlite:///./app.db}"

# New revision file names; tokens: rev slug year month day hour minute second epoch (UTC).
file_template = "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s"
truncate_slug_length = 40

# The desired schema for autogenerate and check: SQL DDL files, read in order.
models = ["schema/**/*.sql"]
# models_command = "cargo run --quiet --bin print-schema"   # alternative: DDL on stdout
# dev_url = "postgresql://localhost/aludel_dev"            # scratch database for models

# "alembic_version" takes over a database that Alembic managed.
version_table = "aludel_version"
# false: the whole run is one transaction where the dialect allows.
transaction_per_migration = true
# version_locations = ["migrations/versions", "plugins/billing/versions"]
# lock_timeout = 60      # seconds to wait for another run's lock
# connect_timeout = 10   # seconds

# Selected by --env production or ALUDEL_ENV=production; its keys override [aludel].
# [environments.production]
# url = "${PROD_DATABASE_URL}"
"#;

/// The `aludel.toml` that `init` writes, for a migration folder named `script_location`
/// (relative to the configuration's folder).
pub fn default_config(script_location: &str) -> String {
    DEFAULT_CONFIG
        .replace(
            "script_location = \"migrations\"",
            &format!("script_location = {}", toml_string(script_location)),
        )
        .replace(
            "\"migrations/versions\"",
            &toml_string(&format!("{script_location}/versions")),
        )
}

/// The slug of a message for file names, as Alembic makes it: the message's words joined by
/// `_`, lower-cased, and when longer than `truncate`, cut at the last `_` within the first
/// `truncate` characters, with a `_` appended.
///
/// ```
/// use aludel::script::slugify;
///
/// assert_eq!(slugify("Add user table!", 40), "add_user_table");
/// assert_eq!(slugify("add a very long message", 12), "add_a_very_");
/// ```
pub fn slugify(message: &str, truncate: usize) -> String {
    let words: Vec<&str> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let slug = words.join("_").to_lowercase();
    if slug.chars().count() <= truncate {
        return slug;
    }
    let head: String = slug.chars().take(truncate).collect();
    let kept = match head.rsplit_once('_') {
        Some((before, _)) => before,
        None => head.as_str(),
    };
    format!("{kept}_")
}

/// A fresh revision id: 12 lowercase hex characters.
pub fn fresh_rev_id() -> RevisionId {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_i128(Timestamp::now().as_nanosecond());
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let id = format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff);
    RevisionId::new(id).expect("hex digits are a valid revision id")
}

/// The file name (without `.sql`) for revision `rev` with `slug`, created at `now`, rendered
/// from a Python `%`-format `template` as Alembic's `file_template`.
///
/// ```
/// use aludel::script::render_file_name;
///
/// let now: jiff::Timestamp = "2023-12-01T09:05:00Z".parse().unwrap();
/// let name = render_file_name("%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s", "3f2a9c1b7d4e", "add_users", now).unwrap();
/// assert_eq!(name, "20231201_3f2a9c1b7d4e_add_users");
/// ```
pub fn render_file_name(template: &str, rev: &str, slug: &str, now: Timestamp) -> Result<String> {
    let at = now.to_zoned(TimeZone::UTC);
    let lookup = |name: &str| {
        Some(match name {
            "rev" => Token::Str(rev),
            "slug" => Token::Str(slug),
            "year" => Token::Int(at.year().into()),
            "month" => Token::Int(at.month().into()),
            "day" => Token::Int(at.day().into()),
            "hour" => Token::Int(at.hour().into()),
            "minute" => Token::Int(at.minute().into()),
            "second" => Token::Int(at.second().into()),
            "epoch" => Token::Int(now.as_second()),
            _ => return None,
        })
    };
    percent_format(template, &lookup).map_err(|message| Error::Template {
        name: "file_template".to_string(),
        message,
    })
}

/// A value for a `%(name)` conversion.
#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    Str(&'a str),
    Int(i64),
}

/// Python's `%` operator with a mapping: `%(name)[flags][width][.precision]type` and `%%`.
fn percent_format<'v>(
    template: &str,
    lookup: &dyn Fn(&str) -> Option<Token<'v>>,
) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        if chars.next() != Some('(') {
            return Err(format!(
                "'{template}': every '%' must be '%%' or start a '%(name)…' conversion"
            ));
        }
        let mut name = String::new();
        loop {
            match chars.next() {
                Some(')') => break,
                Some(c) => name.push(c),
                None => return Err(format!("'{template}': '%(' without its ')'")),
            }
        }
        let mut flags = String::new();
        while let Some(&c) = chars.peek().filter(|c| "#0- +".contains(**c)) {
            flags.push(c);
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut digits = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_ascii_digit()) {
                digits.push(c);
                chars.next();
            }
            digits.parse::<usize>().ok()
        };
        let width = number(&mut chars);
        let precision = if chars.peek() == Some(&'.') {
            chars.next();
            Some(number(&mut chars).unwrap_or(0))
        } else {
            None
        };
        let conversion = chars
            .next()
            .ok_or_else(|| format!("'{template}': incomplete format"))?;
        let value = lookup(&name).ok_or_else(|| {
            format!(
                "unknown token '{name}' in '{template}' (known: rev, slug, year, month, day, hour, minute, second, epoch)"
            )
        })?;
        let text = match (conversion, value) {
            ('s' | 'r', Token::Str(s)) => match precision {
                Some(p) => s.chars().take(p).collect(),
                None => s.to_string(),
            },
            ('s', Token::Int(n)) => n.to_string(),
            ('d' | 'i' | 'u' | 'x' | 'X' | 'o', Token::Int(n)) => {
                format_int(n, conversion, &flags, precision)
            }
            (conversion, _) => {
                return Err(format!(
                    "'%(… ){conversion}' does not apply to token '{name}' in '{template}'"
                ));
            }
        };
        let numeric = matches!(conversion, 'd' | 'i' | 'u' | 'x' | 'X' | 'o');
        out.push_str(&pad(&text, &flags, width, numeric));
    }
    Ok(out)
}

/// An integer's digits with its sign and precision (minimum digits), before padding.
fn format_int(n: i64, conversion: char, flags: &str, precision: Option<usize>) -> String {
    let magnitude = n.unsigned_abs();
    let digits = match conversion {
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        'o' => format!("{magnitude:o}"),
        _ => magnitude.to_string(),
    };
    let digits = format!("{digits:0>width$}", width = precision.unwrap_or(0));
    let sign = if n < 0 {
        "-"
    } else if flags.contains('+') {
        "+"
    } else if flags.contains(' ') {
        " "
    } else {
        ""
    };
    format!("{sign}{digits}")
}

/// Pads a converted value to `width` as Python does (`-` left-aligns, `0` pads with zeros
/// after the sign).
fn pad(text: &str, flags: &str, width: Option<usize>, numeric: bool) -> String {
    let width = width.unwrap_or(0);
    let len = text.chars().count();
    if len >= width {
        return text.to_string();
    }
    let fill = width - len;
    if flags.contains('-') {
        format!("{text}{}", " ".repeat(fill))
    } else if flags.contains('0') && numeric {
        let split = text.find(|c: char| c.is_ascii_hexdigit()).unwrap_or(0);
        format!("{}{}{}", &text[..split], "0".repeat(fill), &text[split..])
    } else {
        format!("{}{text}", " ".repeat(fill))
    }
}

/// The values `script.sql.j2` is rendered with.
#[derive(Debug, Clone)]
pub struct ScriptContext {
    /// The revision's message.
    pub message: String,
    /// The new revision's id.
    pub revision: RevisionId,
    /// Its parents.
    pub down_revisions: Vec<RevisionId>,
    /// Its branch labels.
    pub branch_labels: Vec<String>,
    /// What it depends on.
    pub depends_on: Vec<String>,
    /// When it was made.
    pub create_date: Timestamp,
    /// The upgrade section's SQL, else a placeholder.
    pub upgrades: Option<String>,
    /// The downgrade section's SQL, else a placeholder.
    pub downgrades: Option<String>,
    /// The selected environment's name.
    pub env: String,
    /// The `-x` pairs.
    pub x: BTreeMap<String, String>,
}

/// `create_date` as written in headers: UTC, `YYYY-MM-DD HH:MM:SS`.
pub fn format_create_date(at: Timestamp) -> String {
    at.to_zoned(TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Renders a revision file from the template `source` (named `name` in errors).
///
/// Variables: `message`, `revision`, `down_revision` (a string for one parent, a list for a
/// merge, `""` for a root), `branch_labels`, `depends_on`, `create_date`, `upgrades`,
/// `downgrades`, `env` and `x`. The `toml` filter writes a value as TOML.
pub fn render_script(name: &str, source: &str, context: &ScriptContext) -> Result<String> {
    let fail = |e: minijinja::Error| Error::Template {
        name: name.to_string(),
        message: format!("{e:#}"),
    };
    let mut env = minijinja::Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .map_err(fail)?,
    );
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("toml", toml_filter);
    let ids = |ids: &[RevisionId]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
    let down_revision = match context.down_revisions.as_slice() {
        [] => Value::from(""),
        [one] => Value::from(one.to_string()),
        many => Value::from(ids(many)),
    };
    let section = |sql: &Option<String>, placeholder: &str| match sql {
        Some(sql) if !sql.trim().is_empty() => sql.trim_end().to_string(),
        _ => placeholder.to_string(),
    };
    let values = minijinja::context! {
        message => context.message.clone(),
        revision => context.revision.to_string(),
        down_revision => down_revision,
        branch_labels => context.branch_labels.clone(),
        depends_on => context.depends_on.clone(),
        create_date => format_create_date(context.create_date),
        upgrades => section(&context.upgrades, UPGRADE_PLACEHOLDER),
        downgrades => section(&context.downgrades, DOWNGRADE_PLACEHOLDER),
        env => context.env.clone(),
        x => context.x.clone(),
    };
    let template = env.template_from_named_str(name, source).map_err(fail)?;
    template.render(values).map_err(fail)
}

/// The `toml` filter: a string, list, boolean or number as a TOML value.
fn toml_filter(value: Value) -> std::result::Result<String, minijinja::Error> {
    match value.kind() {
        ValueKind::String => Ok(toml_string(value.as_str().unwrap_or_default())),
        ValueKind::Undefined | ValueKind::None => Ok("\"\"".to_string()),
        ValueKind::Bool => Ok(value.is_true().to_string()),
        ValueKind::Number => Ok(value.to_string()),
        ValueKind::Seq | ValueKind::Iterable => {
            let items = value
                .try_iter()?
                .map(toml_filter)
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", items.join(", ")))
        }
        other => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("the toml filter cannot write a {other}"),
        )),
    }
}

/// A TOML basic string.
pub(crate) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
