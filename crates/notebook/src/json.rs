//! JSON text exactly as nbformat writes it: Python's `json.dumps(nb, sort_keys=True, indent=1,
//! separators=(",", ": "), ensure_ascii=False)` followed by one newline.

use serde_json::{Map, Value};

use crate::python::float_repr;

/// Serialises a value the way nbformat's JSON writer does, with the final newline that
/// `nbformat.write` adds.
pub(crate) fn to_nbformat_text(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_value(out: &mut String, value: &Value, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => {
            if number.is_f64() {
                // Python writes floats with `float.__repr__` (`1e-05`, `1e+16`), not as ryu does.
                out.push_str(&float_repr(number.as_f64().unwrap_or(f64::NAN)));
            } else {
                out.push_str(&number.to_string());
            }
        }
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_value(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) => write_object(out, map, depth),
    }
}

fn write_object(out: &mut String, map: &Map<String, Value>, depth: usize) {
    if map.is_empty() {
        out.push_str("{}");
        return;
    }
    // Python sorts keys by code point; comparing UTF-8 bytes gives the same order.
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|left, right| left.0.cmp(right.0));
    out.push('{');
    for (idx, (key, item)) in entries.into_iter().enumerate() {
        if idx > 0 {
            out.push(',');
        }
        newline(out, depth + 1);
        write_string(out, key);
        out.push_str(": ");
        write_value(out, item, depth + 1);
    }
    newline(out, depth);
    out.push('}');
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push(' ');
    }
}

/// Python's string encoder with `ensure_ascii=False`: only `"`, `\` and control characters
/// below U+0020 are escaped, with lowercase hex digits.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            ch if (ch as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", ch as u32)),
            ch => out.push(ch),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_python() {
        let value = serde_json::json!({"b": [1, 2.5, {}], "a": {"z": null, "é": "x\"\u{1}\u{7f}"}, "c": []});
        let expected = "{\n \"a\": {\n  \"z\": null,\n  \"é\": \"x\\\"\\u0001\u{7f}\"\n },\n \"b\": [\n  1,\n  2.5,\n  {}\n ],\n \"c\": []\n}\n";
        assert_eq!(to_nbformat_text(&value), expected);
    }
}
