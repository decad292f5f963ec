//! Python's own semantics where nbformat and nbgrader depend on them: `str.splitlines`,
//! `float()`, `repr(float)`, `str()`, truthiness and `str.isspace`.
//!
//! nbgrader's checksum hashes `str(float(points))` and `str(metadata["grade"])`, and nbformat
//! splits sources with `splitlines(True)`; reproducing them bit for bit needs Python's rules,
//! not Rust's (`1e16` is `1e+16` in Python, `"1_0"` is a valid float, `"\x1c"` ends a line).

use serde_json::Value;

/// Python's `str.isspace` for one character: Unicode `White_Space` plus the four ASCII
/// separators U+001C..U+001F that Python also counts as whitespace.
pub(crate) fn is_space(ch: char) -> bool {
    ch.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&ch)
}

/// Whether Python's `str.splitlines` ends a line at this character.
fn is_line_boundary(ch: char) -> bool {
    matches!(
        ch,
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Python's `text.splitlines(True)`: lines with their endings, `\r\n` counted as one ending.
pub(crate) fn splitlines_keepends(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((idx, ch)) = chars.next() {
        if !is_line_boundary(ch) {
            continue;
        }
        let mut end = idx + ch.len_utf8();
        if ch == '\r'
            && let Some(&(next_idx, '\n')) = chars.peek()
        {
            end = next_idx + 1;
            chars.next();
        }
        lines.push(text[start..end].to_owned());
        start = end;
    }
    if start < text.len() {
        lines.push(text[start..].to_owned());
    }
    lines
}

/// Python's `repr(x)` for a float (`1.0`, `0.5`, `1e-05`, `1e+16`, `inf`, `nan`).
pub(crate) fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    // Rust's `{:e}` gives the shortest digits that read back to the same float, as Python's
    // repr does; only the layout differs.
    let scientific = format!("{:e}", x.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|ch| *ch != '.').collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let decimal_point = exponent + 1;
    let n_digits = digits.len() as i64;
    if !(-4 < decimal_point && decimal_point <= 16) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{first}{fraction}e{exponent_sign}{:02}", exponent.abs())
    } else if decimal_point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat(decimal_point.unsigned_abs() as usize))
    } else if decimal_point >= n_digits {
        format!("{sign}{digits}{}.0", "0".repeat((decimal_point - n_digits) as usize))
    } else {
        let (integer, fraction) = digits.split_at(decimal_point as usize);
        format!("{sign}{integer}.{fraction}")
    }
}

/// Python's `float(text)` for a string: surrounding whitespace, a sign, `inf`/`infinity`/`nan`
/// in any case, underscores between digits. `None` where Python raises `ValueError`.
/// Non-ASCII decimal digits, which Python also accepts, are refused.
pub(crate) fn parse_float(text: &str) -> Option<f64> {
    let trimmed = text.trim_matches(is_space);
    let (negative, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let lower = unsigned.to_ascii_lowercase();
    let magnitude = if lower == "inf" || lower == "infinity" {
        f64::INFINITY
    } else if lower == "nan" {
        f64::NAN
    } else {
        parse_decimal(unsigned)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// An unsigned decimal literal as Python's `float()` reads it, underscores included.
fn parse_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut cleaned = String::with_capacity(text.len());
    for (idx, &byte) in bytes.iter().enumerate() {
        if byte == b'_' {
            let digit_before = idx > 0 && bytes[idx - 1].is_ascii_digit();
            let digit_after = bytes.get(idx + 1).is_some_and(u8::is_ascii_digit);
            if !(digit_before && digit_after) {
                return None;
            }
        } else {
            cleaned.push(char::from(byte));
        }
    }
    let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
        Some(idx) => (&cleaned[..idx], Some(&cleaned[idx + 1..])),
        None => (cleaned.as_str(), None),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if integer.is_empty() && fraction.is_empty() || !all_digits(integer) || !all_digits(fraction) {
        return None;
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !all_digits(digits) {
            return None;
        }
    }
    cleaned.parse().ok()
}

/// Python's truthiness of a JSON value (`bool(value)`).
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|x| x != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

/// Python's `float(value)` for a value read by `json.loads`; `None` where Python raises.
pub(crate) fn to_float(value: &Value) -> Option<f64> {
    match value {
        Value::Bool(flag) => Some(if *flag { 1.0 } else { 0.0 }),
        Value::Number(number) => number.as_f64(),
        Value::String(text) => parse_float(text),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Python's `str(value)` for a value read by `json.loads`.
pub(crate) fn to_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => repr(other),
    }
}

/// Python's `repr(value)` for a value read by `json.loads`. Strings follow CPython's quoting
/// and escaping for ASCII; other characters are kept as they are, as CPython does for every
/// printable one.
fn repr(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(number) => {
            if number.is_f64() {
                float_repr(number.as_f64().unwrap_or(f64::NAN))
            } else {
                number.to_string()
            }
        }
        Value::String(text) => string_repr(text),
        Value::Array(items) => format!("[{}]", items.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(key, item)| format!("{}: {}", string_repr(key), repr(item)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn string_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            ch if (ch as u32) < 0x20 || (0x7f..0xa1).contains(&(ch as u32)) || ch == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", ch as u32));
            }
            ch => out.push(ch),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (1.0, "1.0"),
            (0.5, "0.5"),
            (2.0, "2.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.456, "123.456"),
            (1e100, "1e+100"),
            (f64::INFINITY, "inf"),
        ];
        for (x, expected) in cases {
            assert_eq!(float_repr(x), expected, "repr({x:?})");
        }
    }

    #[test]
    fn parse_float_matches_python() {
        let accepted = [
            ("1", 1.0),
            (" 2 ", 2.0),
            ("1_000.5", 1000.5),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("-Inf", f64::NEG_INFINITY),
        ];
        for (text, expected) in accepted {
            assert_eq!(parse_float(text), Some(expected), "float({text:?})");
        }
        for text in ["", "_1", "1__0", "1_", "1e", ".", "0x10", "1,5", "--1", "e5"] {
            assert_eq!(parse_float(text), None, "float({text:?})");
        }
    }

    #[test]
    fn splitlines_matches_python() {
        assert_eq!(splitlines_keepends("a\nb\r\nc\rd\u{2028}e"), ["a\n", "b\r\n", "c\r", "d\u{2028}", "e"]);
        assert_eq!(splitlines_keepends("a\n"), ["a\n"]);
        assert!(splitlines_keepends("").is_empty());
    }

    #[test]
    fn str_matches_python() {
        assert_eq!(to_str(&serde_json::json!(true)), "True");
        assert_eq!(to_str(&serde_json::json!(null)), "None");
        assert_eq!(to_str(&serde_json::json!([1, "a'b", {"k": false}])), "[1, \"a'b\", {'k': False}]");
    }
}
