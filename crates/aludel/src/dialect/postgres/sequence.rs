//! The options of the sequence behind an identity or serial column, as clauses of
//! `CREATE SEQUENCE` that differ from what PostgreSQL picks by itself for the column's type
//! (`START WITH 100 INCREMENT BY 2`), so that a plain identity column states nothing.

/// The clauses that differ from the defaults for a sequence of `type_`, from the packed
/// `pg_sequence` values: start, increment, min, max, cache, cycle. `None` when all are
/// defaults.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(super) fn options(type_: &str, values: &[&str]) -> Option<String> {
    let [start, increment, min, max, cache, cycle] = values else {
        return None;
    };
    let (type_min, type_max) = match type_ {
        "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    let n = |v: &str| v.parse::<i64>().unwrap_or_default();
    let ascending = n(increment) > 0;
    let (default_min, default_max) = if ascending {
        (1, type_max)
    } else {
        (type_min, -1)
    };
    let mut clauses = Vec::new();
    if n(increment) != 1 {
        clauses.push(format!("INCREMENT BY {increment}"));
    }
    if n(min) != default_min {
        clauses.push(format!("MINVALUE {min}"));
    }
    if n(max) != default_max {
        clauses.push(format!("MAXVALUE {max}"));
    }
    if n(start) != if ascending { n(min) } else { n(max) } {
        clauses.push(format!("START WITH {start}"));
    }
    if n(cache) != 1 {
        clauses.push(format!("CACHE {cache}"));
    }
    if *cycle == "true" {
        clauses.push("CYCLE".to_string());
    }
    Some(clauses.join(" ")).filter(|c| !c.is_empty())
}

/// The clauses of `options` text, each as `(keyword, value)` (`("START WITH", "100")`,
/// `("CYCLE", "")`).
fn clauses(options: Option<&str>) -> Vec<(String, String)> {
    let words: Vec<&str> = options.unwrap_or_default().split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let width = match words[i] {
            "INCREMENT" | "START" => 2,
            "CYCLE" => 0,
            _ => 1,
        };
        let keyword = words[i..(i + width).min(words.len())].join(" ");
        let keyword = if width == 0 {
            words[i].to_string()
        } else {
            keyword
        };
        let value = if width == 0 {
            String::new()
        } else {
            words
                .get(i + width)
                .copied()
                .unwrap_or_default()
                .to_string()
        };
        out.push((keyword, value));
        i += width + 1;
    }
    out
}

/// The clauses that turn a sequence with options `from` into one with options `to`: every
/// clause of `to`, and for each clause only `from` has, the one that restores the default.
pub(super) fn alter(from: Option<&str>, to: Option<&str>) -> Vec<String> {
    let to_clauses = clauses(to);
    let has = |k: &str| to_clauses.iter().any(|(key, _)| key == k);
    let value = |k: &str| {
        to_clauses
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let mut out: Vec<String> = to_clauses
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k} {v}")
            }
        })
        .collect();
    for (k, _) in clauses(from) {
        if has(&k) {
            continue;
        }
        let descending = value("INCREMENT BY").is_some_and(|v| v.starts_with('-'));
        out.push(match k.as_str() {
            "INCREMENT BY" => "INCREMENT BY 1".to_string(),
            "MINVALUE" => "NO MINVALUE".to_string(),
            "MAXVALUE" => "NO MAXVALUE".to_string(),
            "START WITH" if descending => {
                format!("START WITH {}", value("MAXVALUE").unwrap_or("-1".into()))
            }
            "START WITH" => format!("START WITH {}", value("MINVALUE").unwrap_or("1".into())),
            "CACHE" => "CACHE 1".to_string(),
            _ => "NO CYCLE".to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_differs_from_the_defaults_is_stated() {
        let plain = ["1", "1", "1", "2147483647", "1", "false"];
        assert_eq!(options("integer", &plain), None);
        let big = ["100", "2", "1", "9223372036854775807", "10", "true"];
        assert_eq!(
            options("bigint", &big).as_deref(),
            Some("INCREMENT BY 2 START WITH 100 CACHE 10 CYCLE")
        );
        let down = ["-1", "-1", "-32768", "-1", "1", "false"];
        assert_eq!(
            options("smallint", &down).as_deref(),
            Some("INCREMENT BY -1")
        );
    }

    #[test]
    fn an_alter_restores_the_defaults_of_dropped_clauses() {
        assert_eq!(
            alter(
                Some("INCREMENT BY 2 MINVALUE 5 START WITH 100 CYCLE"),
                Some("CACHE 3")
            ),
            vec![
                "CACHE 3",
                "INCREMENT BY 1",
                "NO MINVALUE",
                "START WITH 1",
                "NO CYCLE"
            ]
        );
    }
}
