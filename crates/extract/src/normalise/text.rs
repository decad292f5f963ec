//! HTML or text to plain text: entities decoded, tags and scripts dropped, whitespace collapsed.

/// Named HTML entities decoded (the ones French pages use; others are kept as written).
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("eacute", 'é'),
    ("Eacute", 'É'),
    ("egrave", 'è'),
    ("Egrave", 'È'),
    ("ecirc", 'ê'),
    ("Ecirc", 'Ê'),
    ("euml", 'ë'),
    ("agrave", 'à'),
    ("Agrave", 'À'),
    ("acirc", 'â'),
    ("Acirc", 'Â'),
    ("auml", 'ä'),
    ("ccedil", 'ç'),
    ("Ccedil", 'Ç'),
    ("icirc", 'î'),
    ("Icirc", 'Î'),
    ("iuml", 'ï'),
    ("ocirc", 'ô'),
    ("Ocirc", 'Ô'),
    ("ouml", 'ö'),
    ("ucirc", 'û'),
    ("ugrave", 'ù'),
    ("uuml", 'ü'),
    ("yuml", 'ÿ'),
    ("oelig", 'œ'),
    ("OElig", 'Œ'),
    ("aelig", 'æ'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("hellip", '…'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("euro", '€'),
    ("pound", '£'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("deg", '°'),
    ("middot", '·'),
    ("bull", '•'),
    ("times", '×'),
    ("thinsp", '\u{2009}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("shy", '\u{ad}'),
    ("sect", '§'),
    ("para", '¶'),
];

/// Elements whose content is no text for a reader.
const HIDDEN: &[&str] = &["script", "style", "noscript", "template", "head"];

fn decode_entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        // NUL, surrogates and out-of-range code points become the replacement character.
        return Some(char::from_u32(code).filter(|ch| *ch != '\0').unwrap_or('\u{fffd}'));
    }
    ENTITIES.iter().find(|(known, _)| *known == name).map(|(_, ch)| *ch)
}

/// Decodes entities (named and numeric) in a text without tags.
fn decode(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.char_indices().take(12).find(|(_, ch)| *ch == ';').map(|(index, _)| index);
        match end.and_then(|end| decode_entity(&after[..end]).map(|ch| (ch, end))) {
            Some((ch, end)) => {
                out.push(ch);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Plain text of HTML or text: tags dropped (the content of `script`, `style` and similar
/// elements too), comments dropped, entities decoded once (named and numeric), every run of
/// whitespace (non-breaking spaces included) turned into one space, ends trimmed. A `<` that
/// opens no tag (`a < b`) is kept.
pub fn text(html_or_text: &str) -> String {
    let mut decoded = String::with_capacity(html_or_text.len());
    let lower = html_or_text.to_ascii_lowercase();
    let mut rest = html_or_text;
    while let Some(start) = rest.find('<') {
        decode(&rest[..start], &mut decoded);
        let after = &rest[start + 1..];
        let opens_tag = after.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '/' || ch == '!' || ch == '?');
        if !opens_tag {
            decoded.push('<');
            rest = after;
            continue;
        }
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            decoded.push(' ');
            continue;
        }
        let Some(end) = after.find('>') else {
            // An unterminated tag: the rest is markup, not text.
            rest = "";
            break;
        };
        let name: String =
            after.chars().take_while(|ch| ch.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        rest = &after[end + 1..];
        decoded.push(' ');
        if HIDDEN.contains(&name.as_str()) && !after[..end].ends_with('/') {
            let closing = format!("</{name}");
            // The lowercase copy is made once: searching a fresh copy per element would be
            // quadratic on a page of many scripts.
            let offset = html_or_text.len() - rest.len();
            rest = match lower[offset..].find(&closing) {
                Some(position) => {
                    let tail = &rest[position..];
                    tail.find('>').map_or("", |close| &tail[close + 1..])
                }
                None => "",
            };
        }
    }
    decode(rest, &mut decoded);
    // Soft hyphens and zero-width characters would split words for every later reader.
    decoded.retain(|ch| !matches!(ch, '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}'));
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}
