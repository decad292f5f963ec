//! Decoding the `repr` of a Python string, as a kernel's `text/plain` shows it.

/// The string a Python `repr` of a `str` stands for (`'a\'b'` → `a'b`), or `None` when `text` is
/// not such a repr.
pub(crate) fn python_str(text: &str) -> Option<String> {
    let text = text.trim();
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            // An unescaped closing quote inside: not one literal.
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = chars.next()?;
        match escaped {
            '\\' | '\'' | '"' => out.push(escaped),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' => out.push('\0'),
            'x' | 'u' | 'U' => {
                let len = match escaped {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let digits: String = chars.by_ref().take(len).collect();
                if digits.len() != len {
                    return None;
                }
                out.push(char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The beginning of a long text, for an error message.
pub(crate) fn preview(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_of_json_texts_decode() {
        let check = |repr: &str, expect: Option<&str>| assert_eq!(python_str(repr).as_deref(), expect, "{repr}");
        check(r#"'{"a": [1, 2.5, "x"]}'"#, Some(r#"{"a": [1, 2.5, "x"]}"#));
        check(r#"'"it\'s"'"#, Some(r#""it's""#));
        check(r#""it's""#, Some("it's"));
        check(r"'\\n\x41\u00e9\U0001f600'", Some("\\nAé😀"));
        check("'unterminated", None);
        check("42", None);
        check("'a'b'", None);
        check(r"'\q'", None);
    }
}
