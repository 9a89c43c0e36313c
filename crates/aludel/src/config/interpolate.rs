//! `${VAR}` and `${VAR:-default}` in configuration values.
//!
//! `${VAR:-default}` uses the default when `VAR` is unset or empty, as a shell does; the
//! default may itself hold `${…}`. `$${` writes a literal `${`. A `$` not followed by `{` is
//! kept as written, so passwords with `$` need no escaping.

/// Replaces every `${…}` in `value`, looking variables up with `env`.
pub(super) fn interpolate(
    value: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(escaped) = after.strip_prefix("${") {
            out.push_str("${");
            rest = escaped;
            continue;
        }
        let Some(body_and_rest) = after.strip_prefix('{') else {
            out.push('$');
            rest = after;
            continue;
        };
        let close = matching_brace(body_and_rest)
            .ok_or_else(|| format!("unterminated '${{' in '{value}'"))?;
        out.push_str(&expand(&body_and_rest[..close], env)?);
        rest = &body_and_rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The index of the `}` closing an expression whose `${` has been consumed.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Expands the inside of one `${…}`.
fn expand(body: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let (name, default) = match body.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (body, None),
    };
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "invalid interpolation '${{{body}}}': expected ${{NAME}} or ${{NAME:-default}}"
        ));
    }
    match (
        env(name).filter(|v| !v.is_empty() || default.is_none()),
        default,
    ) {
        (Some(value), _) => Ok(value),
        (None, Some(default)) => interpolate(default, env),
        (None, None) => Err(format!("environment variable {name} is not set")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOST" => Some("db.local".into()),
            "EMPTY" => Some(String::new()),
            "PORT" => Some("5432".into()),
            _ => None,
        }
    }

    fn run(value: &str) -> Result<String, String> {
        interpolate(value, &env)
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(run("sqlite:///./app.db").unwrap(), "sqlite:///./app.db");
        assert_eq!(run("pa$word$").unwrap(), "pa$word$");
    }

    #[test]
    fn variables_are_replaced() {
        assert_eq!(
            run("postgresql://${HOST}:${PORT}/db").unwrap(),
            "postgresql://db.local:5432/db"
        );
    }

    #[test]
    fn defaults_apply_when_unset_or_empty() {
        assert_eq!(
            run("${MISSING:-sqlite:///./app.db}").unwrap(),
            "sqlite:///./app.db"
        );
        assert_eq!(run("${EMPTY:-fallback}").unwrap(), "fallback");
        assert_eq!(run("${HOST:-fallback}").unwrap(), "db.local");
        assert_eq!(run("${MISSING:-}").unwrap(), "");
        assert_eq!(run("${EMPTY}").unwrap(), "");
    }

    #[test]
    fn defaults_may_nest() {
        assert_eq!(run("${MISSING:-${HOST}}").unwrap(), "db.local");
        assert_eq!(run("${MISSING:-${ALSO_MISSING:-x}}y").unwrap(), "xy");
    }

    #[test]
    fn escaped_dollar_brace_is_literal() {
        assert_eq!(run("$${HOST}").unwrap(), "${HOST}");
    }

    #[test]
    fn unset_variable_is_an_error_naming_it() {
        let error = run("${PROD_DATABASE_URL}").unwrap_err();
        assert_eq!(error, "environment variable PROD_DATABASE_URL is not set");
    }

    #[test]
    fn malformed_expressions_are_errors() {
        assert!(run("${HOST").unwrap_err().contains("unterminated"));
        assert!(run("${1X}").unwrap_err().contains("invalid interpolation"));
        assert!(
            run("${HOST:?x}")
                .unwrap_err()
                .contains("invalid interpolation")
        );
    }
}
