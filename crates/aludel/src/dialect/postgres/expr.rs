//! Expressions (CHECK conditions, defaults) rendered so that PostgreSQL deparses them back to
//! the very text it printed.
//!
//! PostgreSQL prints `role IN ('owner', 'admin')` on a `varchar` column as
//! `(role)::text = ANY ((ARRAY['owner'::character varying, ...])::text[])`: a cast of the
//! whole array. Read back, the parser pushes a cast written on an `ARRAY[...]` constructor into
//! its elements (`ARRAY[('owner'::character varying)::text, ...]`), so running the printed
//! text gives a different catalog text, and the upgraded database is not the models loaded
//! directly. Writing the array's own element type first (`(ARRAY[...]::character
//! varying[])::text[]`) keeps the outer cast a cast of an array, which PostgreSQL prints
//! exactly as the original.

/// `expr` with every cast of an `ARRAY[...]` constructor made explicit as described above, so
/// that PostgreSQL deparses the result to `expr` again. Text without such a cast is returned
/// as it is.
pub(super) fn round_trip(expr: &str) -> String {
    let bytes = expr.as_bytes();
    let mut out = String::with_capacity(expr.len() + 16);
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => i = skip_quoted(bytes, i),
            b'(' if expr[i + 1..].starts_with("ARRAY[") => {
                let open = i + "(ARRAY".len();
                if let Some(close) = matching_bracket(bytes, open)
                    && expr[close + 1..].starts_with(")::")
                    && let Some(elem) = element_type(&expr[open + 1..close])
                {
                    out.push_str(&expr[copied..close + 1]);
                    out.push_str(&format!("::{elem}[]"));
                    copied = close + 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out.push_str(&expr[copied..]);
    out
}

/// The index after the quoted text starting at `start` (a doubled quote stays inside).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The `]` that closes the `[` at `open`, skipping quoted text and nested brackets.
fn matching_bracket(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => {
                i = skip_quoted(bytes, i);
                continue;
            }
            b'[' => depth += 1,
            b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The type of the first element of an array constructor's list, when PostgreSQL printed it
/// with a cast (`'owner'::character varying`, `(1)::bigint`).
fn element_type(items: &str) -> Option<String> {
    let bytes = items.as_bytes();
    let (mut i, mut depth, mut end) = (0, 0i32, items.len());
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => {
                i = skip_quoted(bytes, i);
                continue;
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b',' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    let first = &items[..end];
    let (_, type_) = first.rsplit_once("::")?;
    let simple = type_
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '"' | '(' | ')' | ','));
    (simple && !type_.is_empty() && !type_.contains("'")).then(|| type_.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::round_trip;

    #[test]
    fn an_in_list_on_varchar_keeps_its_array_cast() {
        let printed = "((role)::text = ANY ((ARRAY['owner'::character varying, 'admin'::character varying])::text[]))";
        assert_eq!(
            round_trip(printed),
            "((role)::text = ANY ((ARRAY['owner'::character varying, 'admin'::character varying]::character varying[])::text[]))"
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        for text in [
            "(n = ANY (ARRAY[(1)::bigint, (2)::bigint]))",
            "nextval('t_id_seq'::regclass)",
            "'(ARRAY[''a'']'::text",
            "(a > 0)",
        ] {
            assert_eq!(round_trip(text), text);
        }
    }

    #[test]
    fn nested_and_quoted_brackets_are_skipped() {
        let printed =
            "(x = ANY ((ARRAY['a]'::character varying, 'b'::character varying])::text[]))";
        assert_eq!(
            round_trip(printed),
            "(x = ANY ((ARRAY['a]'::character varying, 'b'::character varying]::character varying[])::text[]))"
        );
    }
}
