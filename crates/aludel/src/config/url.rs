//! Database URLs in the forms users bring from Alembic (SQLAlchemy) and sqlx.
//!
//! A [`DatabaseUrl`] is parsed once, with relative SQLite paths made absolute, and then gives
//! the string sqlx connects with. Its `Display` never shows a password: the password of the
//! user-info part and a `password=` query parameter are both shown as `***`, and so are the
//! URLs carried by [`Error::Url`](crate::Error::Url).

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::{Error, Result};

/// What a masked password is shown as.
const MASK: &str = "***";

/// Query parameters whose value is a secret and is masked like a password.
const SECRET_PARAMS: &[&str] = &["password", "sslpassword", "pass", "pwd"];

/// The kind of database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// SQLite (a file or in memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

/// The backend a dialect name names: `sqlite`, `postgresql` (or `postgres`), `mysql` (or
/// `mariadb`), in any case.
impl std::str::FromStr for Backend {
    type Err = String;

    fn from_str(name: &str) -> std::result::Result<Backend, String> {
        match name.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgresql" | "postgres" => Ok(Backend::Postgres),
            "mysql" | "mariadb" => Ok(Backend::MySql),
            _ => Err(format!(
                "'{name}' is not a dialect (use postgresql, mysql or sqlite)"
            )),
        }
    }
}

impl Backend {
    /// The dialect name used in templates and messages: `sqlite`, `postgresql` or `mysql`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
            Backend::MySql => "mysql",
        }
    }
}

impl Backend {
    /// The backend a dialect name or URL scheme names: `sqlite`, `postgresql` (`postgres`),
    /// `mysql` (`mariadb`), as `--dialect` takes them.
    pub fn from_name(name: &str) -> Option<Backend> {
        SCHEMES
            .iter()
            .find(|spec| spec.names.contains(&name))
            .map(|spec| spec.backend)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parsed database URL. `Display` shows it with the password as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    kind: Kind,
}

#[derive(Clone, PartialEq, Eq)]
enum Kind {
    /// A SQLite database: `path` is absolute, `None` in memory.
    Sqlite {
        path: Option<PathBuf>,
        query: Option<String>,
    },
    /// A server database.
    Server(Server),
}

/// A URL scheme aludel reads and what it means.
struct SchemeSpec {
    /// The spellings of the scheme (a SQLAlchemy `+driver` suffix is dropped before matching).
    names: &'static [&'static str],
    /// The database it names.
    backend: Backend,
    /// How sqlx is told about a server URL; `None` for SQLite, whose URL is a file path.
    driver: Option<&'static DriverSpelling>,
}

/// How sqlx spells a server URL that users write in Alembic's (SQLAlchemy's) spelling.
#[derive(Debug, PartialEq, Eq)]
struct DriverSpelling {
    /// sqlx's scheme.
    scheme: &'static str,
    /// Query parameters sqlx names differently, `(as written, as sqlx names it)`.
    renamed: &'static [(&'static str, &'static str)],
    /// The port a URL without one means.
    default_port: u16,
}

/// Every scheme aludel reads. URL syntax only: what a database does with a parameter is its
/// dialect's business, not this table's.
const SCHEMES: &[SchemeSpec] = &[
    SchemeSpec {
        names: &["sqlite"],
        backend: Backend::Sqlite,
        driver: None,
    },
    SchemeSpec {
        names: &["postgresql", "postgres"],
        backend: Backend::Postgres,
        driver: Some(&DriverSpelling {
            scheme: "postgres",
            renamed: &[],
            default_port: 5432,
        }),
    },
    SchemeSpec {
        names: &["mysql", "mariadb"],
        backend: Backend::MySql,
        driver: Some(&DriverSpelling {
            scheme: "mysql",
            // PyMySQL names the socket `unix_socket`; sqlx calls it `socket`.
            renamed: &[("unix_socket", "socket")],
            default_port: 3306,
        }),
    },
];

#[derive(Clone, PartialEq, Eq)]
struct Server {
    /// The scheme as written, driver suffix dropped (`postgres`, `postgresql`, `mysql`, `mariadb`).
    scheme: String,
    /// How sqlx is told about this URL.
    driver: &'static DriverSpelling,
    /// The user name, percent-decoded.
    user: Option<String>,
    /// The password, percent-decoded.
    password: Option<String>,
    /// The host as written (a name, an address, `[ipv6]`), empty for a default or unix socket.
    host: String,
    port: Option<u16>,
    /// The database name, percent-decoded.
    database: Option<String>,
    /// The query string as written, without `?`.
    query: Option<String>,
}

impl DatabaseUrl {
    /// Parses `text`; a relative SQLite path is resolved against `base`.
    ///
    /// ```
    /// use std::path::Path;
    /// use aludel::config::{Backend, DatabaseUrl};
    ///
    /// let url = DatabaseUrl::parse("postgresql+psycopg2://app:s3cret@db:5432/shop", Path::new("/")).unwrap();
    /// assert_eq!(url.backend(), Backend::Postgres);
    /// assert_eq!(url.to_string(), "postgresql://app:***@db:5432/shop");
    /// ```
    pub fn parse(text: &str, base: &Path) -> Result<DatabaseUrl> {
        let text = text.trim();
        let fail = |reason: String| Error::Url {
            url: mask_raw(text),
            reason,
        };
        let Some((scheme, rest)) = split_scheme(text) else {
            return Err(fail(
                "expected a URL such as sqlite:///app.db or postgresql://user@host/db".into(),
            ));
        };
        let scheme = scheme.to_ascii_lowercase();
        // SQLAlchemy names the driver after a `+`; the driver is ours to choose.
        let scheme = scheme.split('+').next().unwrap_or_default().to_string();
        let Some(spec) = SCHEMES
            .iter()
            .find(|spec| spec.names.contains(&scheme.as_str()))
        else {
            return Err(fail(format!(
                "unsupported scheme '{scheme}' (expected sqlite, postgresql, postgres, mysql or mariadb)"
            )));
        };
        let backend = spec.backend;
        let kind = match spec.driver {
            None => {
                sqlite::check_form(text).map_err(fail)?;
                sqlite::parse(rest, base).map_err(fail)?
            }
            Some(driver) => Kind::Server(parse_server(scheme, driver, rest).map_err(fail)?),
        };
        Ok(DatabaseUrl { backend, kind })
    }

    /// `host:port` of a server URL, the scheme's default port filled in (`localhost` for a
    /// URL without a host); `None` for SQLite.
    pub fn server_address(&self) -> Option<String> {
        let Kind::Server(server) = &self.kind else {
            return None;
        };
        let host = match server.host.as_str() {
            "" => "localhost",
            host => host,
        };
        Some(format!(
            "{host}:{}",
            server.port.unwrap_or(server.driver.default_port)
        ))
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, or `None` for an in-memory database or a server URL.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Sqlite { path, .. } => path.as_deref(),
            Kind::Server(_) => None,
        }
    }

    /// Whether this is an in-memory SQLite database.
    pub fn is_memory(&self) -> bool {
        matches!(&self.kind, Kind::Sqlite { path: None, .. })
    }

    /// The URL sqlx connects with (driver suffix dropped, path absolute), password included.
    ///
    /// A SQLite file is opened with `mode=rwc` (created when missing) unless the URL names a
    /// `mode` itself.
    pub fn connect_string(&self) -> String {
        match &self.kind {
            Kind::Sqlite { path: None, .. } => "sqlite::memory:".to_string(),
            Kind::Sqlite {
                path: Some(path),
                query,
            } => {
                let mut out = format!("sqlite://{}", encode_path(&path.to_string_lossy()));
                let has_mode = query
                    .as_deref()
                    .is_some_and(|q| query_pairs(q).any(|(k, _)| k == "mode"));
                let mut params: Vec<String> = query.iter().cloned().collect();
                if !has_mode {
                    params.push("mode=rwc".to_string());
                }
                out.push('?');
                out.push_str(&params.join("&"));
                out
            }
            Kind::Server(server) => {
                let driver = server.driver;
                let query = server.query.as_deref().map(|q| {
                    driver
                        .renamed
                        .iter()
                        .fold(q.to_string(), |q, (from, to)| rename_param(&q, from, to))
                });
                server.render(
                    driver.scheme,
                    server.password.as_deref().map(encode_component),
                    query.as_deref(),
                )
            }
        }
    }

    /// The password, for handing to a client tool through its environment. Never print it.
    pub fn password(&self) -> Option<&str> {
        match &self.kind {
            Kind::Server(server) => server.password.as_deref(),
            Kind::Sqlite { .. } => None,
        }
    }

    /// The database name for server URLs.
    pub fn database(&self) -> Option<&str> {
        match &self.kind {
            Kind::Server(server) => server.database.as_deref(),
            Kind::Sqlite { .. } => None,
        }
    }

    /// The same server and credentials with another database name (server URLs), or another
    /// file in the same folder (SQLite). An in-memory database stays in memory.
    pub fn with_database(&self, name: &str) -> DatabaseUrl {
        let kind = match &self.kind {
            Kind::Server(server) => Kind::Server(Server {
                database: Some(name.to_string()),
                ..server.clone()
            }),
            Kind::Sqlite {
                path: Some(path),
                query,
            } => Kind::Sqlite {
                path: Some(path.with_file_name(name)),
                query: query.clone(),
            },
            memory @ Kind::Sqlite { path: None, .. } => memory.clone(),
        };
        DatabaseUrl {
            backend: self.backend,
            kind,
        }
    }
}

impl Server {
    /// Renders the URL with `password` already encoded (or masked) and `query` as given.
    fn render(&self, scheme: &str, password: Option<String>, query: Option<&str>) -> String {
        let mut out = format!("{scheme}://");
        if self.user.is_some() || password.is_some() {
            out.push_str(&encode_component(self.user.as_deref().unwrap_or_default()));
            if let Some(password) = password {
                out.push(':');
                out.push_str(&password);
            }
            out.push('@');
        }
        out.push_str(&self.host);
        if let Some(port) = self.port {
            out.push_str(&format!(":{port}"));
        }
        if let Some(database) = &self.database {
            out.push('/');
            out.push_str(&encode_component(database));
        }
        if let Some(query) = query {
            out.push('?');
            out.push_str(query);
        }
        out
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Sqlite { path: None, query } => {
                f.write_str("sqlite:///:memory:")?;
                if let Some(query) = query {
                    write!(f, "?{}", mask_query(query))?;
                }
                Ok(())
            }
            Kind::Sqlite {
                path: Some(path),
                query,
            } => {
                // An absolute path after `sqlite:///` gives the four-slash form of SQLAlchemy.
                write!(f, "sqlite:///{}", path.display())?;
                if let Some(query) = query {
                    write!(f, "?{}", mask_query(query))?;
                }
                Ok(())
            }
            Kind::Server(server) => {
                let password = server.password.as_ref().map(|_| MASK.to_string());
                let query = server.query.as_deref().map(mask_query);
                f.write_str(&server.render(&server.scheme, password, query.as_deref()))
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Splits `scheme://rest`; also accepts sqlx's `sqlite:path` and `sqlite::memory:`.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    if let Some((scheme, rest)) = text.split_once("://") {
        let valid = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        return valid.then_some((scheme, rest));
    }
    let (scheme, rest) = text.split_once(':')?;
    // `sqlite:app.db` and `sqlite::memory:` are sqlx spellings without the slashes.
    scheme
        .eq_ignore_ascii_case("sqlite")
        .then_some((scheme, rest))
}

fn parse_server(
    scheme: String,
    driver: &'static DriverSpelling,
    rest: &str,
) -> std::result::Result<Server, String> {
    let (userinfo, rest) = match userinfo_end(rest) {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(info) => match info.split_once(':') {
            Some((user, password)) => (Some(decode(user)?), Some(decode(password)?)),
            None => (Some(decode(info)?), None),
        },
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, (!query.is_empty()).then(|| query.to_string())),
        None => (rest, None),
    };
    let (hostport, database) = match rest.split_once('/') {
        Some((hostport, database)) => (hostport, (!database.is_empty()).then_some(database)),
        None => (rest, None),
    };
    let database = database.map(decode).transpose()?;
    let (host, port) = split_host_port(hostport)?;
    Ok(Server {
        scheme,
        driver,
        user,
        password,
        host: host.to_string(),
        port,
        database,
        query,
    })
}

/// The `@` that ends the user-info. It is the last `@` before the query when the text before
/// the query has one (so `?application_name=a@b` is left alone), else the last `@` of all (so
/// a password with an unencoded `?` or `@` still works). A user name never holds `/`, which
/// tells a query's `@` from a user-info's when there is no user-info.
fn userinfo_end(rest: &str) -> Option<usize> {
    let at = match rest.find('?') {
        Some(query) if rest[..query].contains('@') => rest[..query].rfind('@'),
        _ => rest.rfind('@'),
    }?;
    let user = rest[..at].split(':').next().unwrap_or_default();
    (!user.contains('/')).then_some(at)
}

fn split_host_port(hostport: &str) -> std::result::Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(after) = hostport.strip_prefix('[') {
        let end = after.find(']').ok_or("unterminated '[' in an IPv6 host")?;
        let host = &hostport[..end + 2];
        match &hostport[end + 2..] {
            "" => (host, None),
            tail => match tail.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("unexpected '{tail}' after the host")),
            },
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(port) => Some(
            port.parse::<u16>()
                .map_err(|_| format!("invalid port '{port}'"))?,
        ),
    };
    Ok((host, port))
}

/// Masks the password of a URL that could not be parsed, for error messages.
pub(crate) fn mask_raw(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let (rest, query) = match userinfo_end(rest) {
        Some(at) => {
            let (info, after) = (&rest[..at], &rest[at..]);
            let masked = match info.split_once(':') {
                Some((user, _)) => format!("{user}:{MASK}"),
                None => info.to_string(),
            };
            let (after, query) = split_query(after);
            (format!("{masked}{after}"), query)
        }
        None => {
            let (rest, query) = split_query(rest);
            (rest.to_string(), query)
        }
    };
    match query {
        Some(query) => format!("{scheme}://{rest}?{}", mask_query(query)),
        None => format!("{scheme}://{rest}"),
    }
}

fn split_query(text: &str) -> (&str, Option<&str>) {
    match text.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (text, None),
    }
}

/// Masks the value of every secret parameter of a query string.
fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if SECRET_PARAMS.contains(&key.to_ascii_lowercase().as_str()) => {
                format!("{key}={MASK}")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn rename_param(query: &str, from: &str, to: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if key == from => format!("{to}={value}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The decoded key/value pairs of a query string.
fn query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let plus = |s: &str| s.replace('+', " ");
            (
                decode(&plus(key)).unwrap_or_else(|_| key.to_string()),
                decode(&plus(value)).unwrap_or_else(|_| value.to_string()),
            )
        })
}

/// Percent-decodes `text`; invalid UTF-8 after decoding is refused.
fn decode(text: &str) -> std::result::Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' => {
                match (
                    bytes.get(i + 1).and_then(|b| hex(*b)),
                    bytes.get(i + 2).and_then(|b| hex(*b)),
                ) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "percent-encoded text is not valid UTF-8".to_string())
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Encodes the characters sqlx would read as URL syntax in a SQLite path.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Removes `.` and resolves `..` without touching the file system.
pub(crate) fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

mod sqlite;
#[cfg(test)]
mod tests;
