//! Writes a stored declaration (its JSON form) back as a TOML file, in the layout of the format's
//! documentation: `[programme]`, then each `[[units]]`, `[[projects]]`, `[[placements]]`, then
//! `[outcomes]`; competences as inline tables; dates as TOML dates.
//!
//! `registry::Declaration::from_toml` reads the result back to the same declaration (tested on
//! every demo declaration).

use serde_json::Value;

/// The keys whose values are calendar dates (written without quotes).
const DATE_KEYS: [&str; 2] = ["updated", "registration_end"];

/// The TOML text of a declaration, headed by a comment naming where it comes from.
pub fn declaration_toml(declaration: &Value, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        // A comment holds no control character: the header may quote a title with some.
        let line: String = line.chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect();
        out.push_str("# ");
        out.push_str(&line);
        out.push('\n');
    }
    table(&mut out, "[programme]", &declaration["programme"]);
    for section in ["units", "projects", "placements"] {
        for item in declaration[section].as_array().into_iter().flatten() {
            table(&mut out, &format!("[[{section}]]"), item);
        }
    }
    if declaration["outcomes"].is_object() {
        table(&mut out, "[outcomes]", &declaration["outcomes"]);
    }
    out
}

fn table(out: &mut String, heading: &str, value: &Value) {
    out.push('\n');
    out.push_str(heading);
    out.push('\n');
    for (key, value) in value.as_object().into_iter().flatten() {
        out.push_str(&bare_or_quoted_key(key));
        out.push_str(" = ");
        match value {
            Value::String(text) if DATE_KEYS.contains(&key.as_str()) && registry::Date::parse(text).is_some() => {
                out.push_str(text);
            }
            other => inline(out, other),
        }
        out.push('\n');
    }
}

/// A value written inline: strings, numbers, booleans, arrays, inline tables.
fn inline(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("\"\""),
        Value::Bool(boolean) => out.push_str(if *boolean { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => quoted(out, text),
        Value::Array(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                inline(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{ ");
            for (idx, (key, item)) in map.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                out.push_str(&bare_or_quoted_key(key));
                out.push_str(" = ");
                inline(out, item);
            }
            out.push_str(" }");
        }
    }
}

fn bare_or_quoted_key(key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        key.to_owned()
    } else {
        let mut out = String::new();
        quoted(&mut out, key);
        out
    }
}

/// A TOML basic string: backslash, quote and control characters escaped.
fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_declaration_comes_back_the_same_through_toml() {
        let referentiel = skills::embedded().expect("référentiel");
        let today = registry::Date::new(2026, 11, 28).expect("date");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/formations-demo");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).expect("dossier des démos") {
            let path = entry.expect("entrée").path();
            if path.extension().is_none_or(|extension| extension != "toml") || path.ends_with("dataset.toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("lecture");
            let declaration = registry::Declaration::from_toml(&text, &referentiel, today).expect("déclaration");
            let written = declaration_toml(&declaration.to_json(), "exportée\npour le test");
            let again = registry::Declaration::from_toml(&written, &referentiel, today)
                .unwrap_or_else(|error| panic!("{}: {error}\n{written}", path.display()));
            assert_eq!(again, declaration, "{}", path.display());
            seen += 1;
        }
        assert_eq!(seen, 30);
    }

    #[test]
    fn hostile_text_is_escaped() {
        let value =
            serde_json::json!({ "programme": { "title": "a\"b\\c\nd\u{0007}é <script>", "updated": "pas une date" } });
        let written = declaration_toml(&value, "titre a\u{0}b\u{7}c\rd");
        assert!(written.starts_with("# titre a b c d\n"), "{written}");
        assert!(written.contains(r#"title = "a\"b\\c\nd\u0007é <script>""#), "{written}");
        assert!(written.contains(r#"updated = "pas une date""#), "{written}");
    }
}
