//! JSON-LD scripts of an HTML page: every `<script type="application/ld+json">`, parsed on its
//! own so that one malformed script costs only itself.

use scraper::{Html, Selector};
use serde_json::Value;

/// Most JSON-LD scripts read on one page.
const MAX_SCRIPTS: usize = 200;

/// Parsed scripts, and a French problem for each one that could not be read.
pub fn scripts(document: &Html) -> (Vec<Value>, Vec<String>) {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    let Ok(selector) = Selector::parse("script[type]") else { return (values, problems) };
    let mut number = 0;
    for script in document.select(&selector) {
        let kind = script.attr("type").unwrap_or_default();
        let media = kind.split(';').next().unwrap_or_default().trim();
        if !media.eq_ignore_ascii_case("application/ld+json") {
            continue;
        }
        number += 1;
        if number > MAX_SCRIPTS {
            problems.push(format!("plus de {MAX_SCRIPTS} scripts JSON-LD dans la page : les suivants sont ignorés"));
            break;
        }
        let text: String = script.text().collect();
        let name = match script.attr("id") {
            Some(id) => format!("script JSON-LD n° {number} (id « {id} »)"),
            None => format!("script JSON-LD n° {number}"),
        };
        match parse(&text) {
            Ok(Some(value)) => values.push(value),
            Ok(None) => problems.push(format!("{name} : vide, ignoré")),
            Err(problem) => match repair(&text).and_then(|repaired| parse(&repaired).ok().flatten()) {
                Some(value) => {
                    problems.push(format!(
                        "{name} : {problem} ; lu après correction des virgules finales et des retours à la ligne dans les chaînes"
                    ));
                    values.push(value);
                }
                None => problems.push(format!("{name} : {problem} ; ce script est ignoré, le reste de la page est lu")),
            },
        }
    }
    (values, problems)
}

/// One script's JSON. Some sites escape the whole script as HTML (`&quot;`); when the raw text
/// is not JSON, the text with its character references decoded is tried before giving up, and
/// the problem reported is the one of the raw text. Comment markers (`<!-- … -->`) that old
/// pages wrap scripts in are dropped.
pub fn parse(text: &str) -> Result<Option<Value>, String> {
    let trimmed = text.trim().trim_start_matches('\u{feff}');
    let trimmed = trimmed.strip_prefix("<!--").unwrap_or(trimmed);
    let trimmed = trimmed.strip_suffix("-->").unwrap_or(trimmed).trim();
    let trimmed = trimmed.strip_suffix(';').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(value) => Ok(Some(value)),
        Err(error) => {
            if trimmed.contains('&') {
                let decoded = crate::html::decode_entities(trimmed);
                if let Ok(value) = serde_json::from_str::<Value>(&decoded) {
                    return Ok(Some(value));
                }
            }
            Err(describe(&error))
        }
    }
}

/// The two mistakes hand-written JSON-LD makes most: a comma before `}` or `]`, and raw line
/// breaks or tabs inside strings. Returns the corrected text when something was corrected.
pub fn repair(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut changed = false;
    let chars: Vec<char> = text.chars().collect();
    for (index, &character) in chars.iter().enumerate() {
        if in_string {
            match character {
                _ if escaped => {
                    escaped = false;
                    out.push(character);
                }
                '\\' => {
                    escaped = true;
                    out.push(character);
                }
                '"' => {
                    in_string = false;
                    out.push(character);
                }
                '\n' | '\r' | '\t' => {
                    changed = true;
                    out.push_str(match character {
                        '\n' => "\\n",
                        '\r' => "\\r",
                        _ => "\\t",
                    });
                }
                _ => out.push(character),
            }
            continue;
        }
        match character {
            '"' => {
                in_string = true;
                out.push(character);
            }
            ',' if chars[index + 1..]
                .iter()
                .find(|next| !next.is_whitespace())
                .is_some_and(|next| matches!(next, '}' | ']')) =>
            {
                changed = true;
            }
            _ => out.push(character),
        }
    }
    changed.then_some(out)
}

/// A serde_json error told in French: what kind, and where.
pub fn describe(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Eof => "JSON tronqué (fin du texte avant la fin de la valeur)",
        serde_json::error::Category::Syntax => "syntaxe JSON invalide",
        serde_json::error::Category::Data => "valeur JSON inattendue",
        serde_json::error::Category::Io => "lecture impossible",
    };
    format!("{what} ligne {}, colonne {}", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_scripts_are_reported_and_others_kept() {
        let page = r#"<script type="application/ld+json">{"@type": "JobPosting", "title": "A"}</script>
            <script type="application/ld+json" id="casse">{"@type": "JobPosting", "title": </script>
            <script type="APPLICATION/LD+JSON; charset=utf-8">{&quot;@type&quot;: &quot;Dataset&quot;}</script>
            <script type="application/ld+json">   </script>
            <script type="text/javascript">var x = 1;</script>"#;
        let (values, problems) = scripts(&Html::parse_document(page));
        assert_eq!(values.len(), 2);
        assert_eq!(values[1]["@type"], "Dataset");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(repair("{\"a\": [1, 2,],\n}").as_deref(), Some("{\"a\": [1, 2]\n}"));
        assert_eq!(repair("{\"a\": \"x,}\ny\"}").as_deref(), Some("{\"a\": \"x,}\\ny\"}"));
        assert_eq!(repair("{\"a\": 1}"), None);
        assert!(problems[0].starts_with("script JSON-LD n° 2 (id « casse ») : JSON tronqué"), "{problems:?}");
        assert!(problems[1].contains("n° 4") && problems[1].contains("vide"), "{problems:?}");
    }
}
