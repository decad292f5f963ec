//! Text transformations of a chapter's Markdown: formulas protected from Markdown, lab links.

/// Escapes every ASCII punctuation character inside `$…$` and `$$…$$` (outside code) with a
/// backslash, so that Markdown renders the formula's text unchanged (`x_i * y_j` would otherwise
/// become emphasis) and KaTeX finds it intact in the page.
pub fn protect_math(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 8);
    let mut in_fence: Option<String> = None;
    let mut display = false;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(fence) = &in_fence {
            if trimmed.starts_with(fence.as_str()) {
                in_fence = None;
            }
            out.push_str(line);
            continue;
        }
        if !display && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            let marker: String = trimmed.chars().take_while(|ch| *ch == '`' || *ch == '~').collect();
            in_fence = Some(marker);
            out.push_str(line);
            continue;
        }
        display = protect_line(line, display, &mut out);
    }
    out
}

/// Processes one line; `display` says whether a `$$` block is open. Returns the new state.
fn protect_line(line: &str, mut display: bool, out: &mut String) -> bool {
    let chars: Vec<char> = line.chars().collect();
    let mut idx = 0;
    while idx < chars.len() {
        let ch = chars[idx];
        if display {
            if ch == '$' && chars.get(idx + 1) == Some(&'$') {
                out.push_str("$$");
                idx += 2;
                display = false;
            } else {
                push_escaped(ch, out);
                idx += 1;
            }
            continue;
        }
        match ch {
            '`' => {
                // Inline code: copy through to the matching run of backticks.
                let run = chars[idx..].iter().take_while(|c| **c == '`').count();
                let close = (idx + run..chars.len()).find(|&pos| {
                    chars[pos..].iter().take_while(|c| **c == '`').count() == run && (pos == 0 || chars[pos - 1] != '`')
                });
                let end = close.map_or(chars.len(), |pos| pos + run);
                out.extend(&chars[idx..end]);
                idx = end;
            }
            '\\' if chars.get(idx + 1) == Some(&'$') => {
                out.push_str("\\$");
                idx += 2;
            }
            '$' if chars.get(idx + 1) == Some(&'$') => {
                out.push_str("$$");
                idx += 2;
                display = true;
            }
            '$' => {
                // Inline math: a closing `$` on the same line, content not starting or ending with
                // a space (so that « 5 $ et 6 $ » stays text).
                let close = (idx + 1..chars.len()).find(|&pos| chars[pos] == '$');
                match close {
                    Some(end)
                        if end > idx + 1 && !chars[idx + 1].is_whitespace() && !chars[end - 1].is_whitespace() =>
                    {
                        out.push('$');
                        for inner in &chars[idx + 1..end] {
                            push_escaped(*inner, out);
                        }
                        out.push('$');
                        idx = end + 1;
                    }
                    _ => {
                        out.push('$');
                        idx += 1;
                    }
                }
            }
            other => {
                out.push(other);
                idx += 1;
            }
        }
    }
    display
}

fn push_escaped(ch: char, out: &mut String) {
    if ch.is_ascii_punctuation() {
        out.push('\\');
    }
    out.push(ch);
}

/// Rewrites Markdown links to a lab (`../../labs/NAME/…` or `../labs/NAME/…`): to the site's
/// `/labs/NAME/` page when `exists(NAME)`, otherwise to plain text marked « à venir ».
pub fn rewrite_lab_links(markdown: &str, exists: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(start) = rest.find("](") {
        let (before, after) = rest.split_at(start);
        let Some(close) = after.find(')') else { break };
        let target = &after[2..close];
        let lab = ["../../labs/", "../labs/", "labs/"].iter().find_map(|prefix| target.strip_prefix(prefix));
        let Some(lab_path) = lab else {
            out.push_str(before);
            out.push_str(&after[..close + 1]);
            rest = &after[close + 1..];
            continue;
        };
        let name = lab_path.split('/').next().unwrap_or_default();
        match before.rfind('[') {
            Some(open) if exists(name) => {
                out.push_str(before);
                out.push_str(&format!("](/labs/{name}/)"));
                let _ = open;
            }
            Some(open) => {
                out.push_str(&before[..open]);
                out.push_str(&before[open + 1..]);
                out.push_str(" (laboratoire à venir)");
            }
            None => out.push_str(before),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Words of prose in a chapter: front matter, code blocks, formulas and HTML tags left out.
pub fn prose_words(markdown: &str) -> usize {
    let body = crate::front::split(markdown).map_or(markdown, |(_, body)| body);
    let mut words = 0;
    let mut in_fence = false;
    let mut in_display = false;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut text = String::new();
        let mut chars = line.chars().peekable();
        let mut in_inline = false;
        while let Some(ch) = chars.next() {
            if ch == '$' {
                if chars.peek() == Some(&'$') {
                    chars.next();
                    in_display = !in_display;
                } else if !in_display {
                    in_inline = !in_inline;
                }
                continue;
            }
            if !in_display && !in_inline {
                text.push(ch);
            }
        }
        if trimmed.starts_with('|') {
            continue;
        }
        words += text.split_whitespace().filter(|word| word.chars().any(char::is_alphabetic)).count();
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_survive_markdown() {
        assert_eq!(protect_math("soit $x_i * y_j$ ici"), "soit $x\\_i \\* y\\_j$ ici");
        assert_eq!(protect_math("$$\n\\sum_i a_i\n$$\n"), "$$\n\\\\sum\\_i a\\_i\n$$\n");
        assert_eq!(protect_math("```python\nx_1 = \"$a_b$\"\n```\n"), "```python\nx_1 = \"$a_b$\"\n```\n");
        assert_eq!(protect_math("code `a_$b_c$` puis 5 $ et 6 $"), "code `a_$b_c$` puis 5 $ et 6 $");
    }

    #[test]
    fn lab_links_point_to_the_site_or_say_later() {
        let text = "Voir [le laboratoire](../../labs/06-regression/) et [l'autre](../../labs/99-x/).";
        let rewritten = rewrite_lab_links(text, |name| name == "06-regression");
        assert_eq!(rewritten, "Voir [le laboratoire](/labs/06-regression/) et l'autre (laboratoire à venir).");
        assert_eq!(rewrite_lab_links("[a](regression.md)", |_| true), "[a](regression.md)");
    }

    #[test]
    fn prose_words_leave_code_and_math_out() {
        let text = "+++\nobjectifs = []\n+++\n# Titre\n\nUn deux $x = 1$ trois.\n\n```python\nprint('non compté')\n```\n$$\na + b\n$$\n";
        assert_eq!(prose_words(text), 4);
    }
}
