//! SQLite URLs: the forms accepted, and the file path (or memory) they name.

use std::path::Path;

use super::{Kind, decode, normalize_path, query_pairs};

/// The SQLite forms of SQLAlchemy: `sqlite:///relative.db`, `sqlite:////absolute.db`,
/// `sqlite://` and `sqlite:///:memory:` (and sqlx's `sqlite::memory:`). A file named any
/// other way (`sqlite:x.db`, `sqlite:/x.db`, `sqlite://x.db`) is most likely a typo in a deploy
/// URL: guessing would create an empty database somewhere and report success.
pub(super) fn check_form(text: &str) -> std::result::Result<(), String> {
    let after_scheme = text.split_once(':').map_or("", |(_, rest)| rest);
    let location = after_scheme.split('?').next().unwrap_or_default();
    let accepted = location == ":memory:"
        || location
            .strip_prefix("//")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest == ":memory:");
    if accepted {
        return Ok(());
    }
    Err(
        "not a SQLite URL form aludel accepts; use sqlite:///relative/path.db (relative to \
         aludel.toml's folder, or to the working directory for --url), \
         sqlite:////absolute/path.db, or sqlite:// (also sqlite:///:memory:) for an in-memory \
         database"
            .to_string(),
    )
}

pub(super) fn parse(rest: &str, base: &Path) -> std::result::Result<Kind, String> {
    let (location, query) = match rest.split_once('?') {
        Some((location, query)) => (location, (!query.is_empty()).then(|| query.to_string())),
        None => (rest, None),
    };
    let memory_mode = query
        .as_deref()
        .is_some_and(|q| query_pairs(q).any(|(k, v)| k == "mode" && v == "memory"));
    let decoded = decode(location)?;
    // `sqlite:///x` names the relative path `x`, `sqlite:////x` the absolute `/x`; sqlx's
    // `sqlite://x` is relative as well.
    let path = decoded.strip_prefix('/').unwrap_or(&decoded);
    if path.is_empty() || path == ":memory:" || memory_mode {
        return Ok(Kind::Sqlite { path: None, query });
    }
    let path = Path::new(path);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    Ok(Kind::Sqlite {
        path: Some(normalize_path(&path)),
        query,
    })
}
