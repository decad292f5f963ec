//! HTML helpers shared by the extractors: URL resolution, links to follow, robots meta tags,
//! entity decoding and element text.

use std::collections::HashSet;

use scraper::{ElementRef, Html, Selector};
use url::Url;

/// Most links returned for one page: a hostile page may hold millions of anchors.
pub const MAX_LINKS: usize = 5_000;
/// Longest text kept from one element or field, in bytes.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// Deepest element nesting parsed. The HTML parser's work grows with the square of the depth
/// (each start tag looks through the stack of open elements), so a page of nested `<div>`s a few
/// megabytes long would hold a worker for hours; real pages stay far below a hundred.
pub const MAX_NESTING: usize = 1_000;

/// Elements that never hold children or whose end tag may be left out: they do not deepen the
/// estimate of [`nesting_depth`].
const SHALLOW: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
    "keygen", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup",
    "rb", "rt", "rtc", "rp", "html", "head", "body",
];
/// Elements whose content is text, not markup.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// Most attributes on one tag. The HTML parser drops duplicate attributes by comparing each new
/// one with those already read, so its work grows with the square of their number: 20,000 on
/// one tag took 2 s in a debug build.
pub const MAX_ATTRIBUTES: usize = 1_000;

/// Why a page's markup is refused before parsing, in French; `None` when it can be parsed.
pub fn refuse_markup(body: &str) -> Option<String> {
    let depth = nesting_depth(body, MAX_NESTING);
    if depth > MAX_NESTING {
        return Some(format!(
            "page HTML imbriquée sur plus de {MAX_NESTING} niveaux d'éléments : non lue (les pages réelles en ont moins de 100)"
        ));
    }
    if most_attributes(body) > MAX_ATTRIBUTES {
        return Some(format!("page HTML avec une balise de plus de {MAX_ATTRIBUTES} attributs : non lue"));
    }
    None
}

/// The largest number of attributes on one tag (tokens outside quotes between `<name` and `>`),
/// counting stops just past [`MAX_ATTRIBUTES`].
fn most_attributes(body: &str) -> usize {
    let bytes = body.as_bytes();
    let mut most = 0;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&byte| byte == b'<') {
        at += offset + 1;
        if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name: String = body[at..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase();
        let (mut count, mut quote, mut in_token) = (0usize, None::<u8>, false);
        while let Some(&byte) = bytes.get(at) {
            at += 1;
            match quote {
                Some(open) if byte == open => quote = None,
                Some(_) => {}
                None if byte == b'>' => break,
                None if byte == b'"' || byte == b'\'' => quote = Some(byte),
                None if byte.is_ascii_whitespace() => in_token = false,
                None => {
                    if !in_token {
                        count += 1;
                        in_token = true;
                    }
                }
            }
            if count > MAX_ATTRIBUTES + 1 {
                return count;
            }
        }
        most = most.max(count.saturating_sub(1));
        if RAW_TEXT.contains(&name.as_str()) {
            at += find_ignore_case(&body[at..], &format!("</{name}")).unwrap_or(body.len() - at);
        }
    }
    most
}

/// An estimate of the deepest nesting of elements, from start and end tags, stopping as soon as
/// it exceeds `limit`. It errs on the deep side only for unbalanced markup.
pub fn nesting_depth(body: &str, limit: usize) -> usize {
    let bytes = body.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(offset) = bytes[at..].iter().position(|&byte| byte == b'<') {
        at += offset + 1;
        let rest = &body[at..];
        if rest.starts_with("!--") {
            at += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag_end = rest.find('>').map_or(rest.len(), |end| end + 1);
        let self_closing = rest[..tag_end].ends_with("/>");
        if closing {
            if !SHALLOW.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
        } else if RAW_TEXT.contains(&name.as_str()) {
            let end_tag = format!("</{name}");
            let lower_rest = &rest[tag_end..];
            at += tag_end + find_ignore_case(lower_rest, &end_tag).unwrap_or(lower_rest.len());
            continue;
        } else if !self_closing && !SHALLOW.contains(&name.as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                return deepest;
            }
        }
        at += tag_end;
    }
    deepest
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack.as_bytes().windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle))
}

/// Resolves `href` against `base`; only absolute http(s) URLs come out, without fragment.
pub fn resolve(base: Option<&Url>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.len() > 4096 {
        return None;
    }
    let mut url = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    Some(url.to_string())
}

/// The document's base URL: `<base href>` when present and valid, else the page URL.
pub fn base_url(document: &Html, page_url: &str) -> Option<Url> {
    let page = Url::parse(page_url).ok();
    let selector = Selector::parse("base[href]").ok()?;
    let declared = document.select(&selector).next().and_then(|base| base.attr("href"));
    match (declared, &page) {
        (Some(href), Some(page)) => page.join(href.trim()).ok().or(Some(page.clone())),
        (Some(href), None) => Url::parse(href.trim()).ok(),
        (None, page) => page.clone(),
    }
}

/// What `<meta name="robots">` forbids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RobotsMeta {
    /// `noindex`: the page's content must not be kept.
    pub noindex: bool,
    /// `nofollow`: the page's links must not be followed.
    pub nofollow: bool,
}

/// Reads the robots meta tags meant for every robot (`robots`).
pub fn robots_meta(document: &Html) -> RobotsMeta {
    let mut meta = RobotsMeta::default();
    let Ok(selector) = Selector::parse("meta[name][content]") else { return meta };
    for element in document.select(&selector) {
        let name = element.attr("name").unwrap_or_default();
        if !name.trim().eq_ignore_ascii_case("robots") {
            continue;
        }
        for directive in element.attr("content").unwrap_or_default().split(',') {
            match directive.trim().to_ascii_lowercase().as_str() {
                "noindex" => meta.noindex = true,
                "nofollow" => meta.nofollow = true,
                "none" => {
                    meta.noindex = true;
                    meta.nofollow = true;
                }
                _ => {}
            }
        }
    }
    meta
}

/// Absolute http(s) URLs of `<a href>` and `<area href>` without `rel="nofollow"`, in document
/// order, without duplicates, at most [`MAX_LINKS`].
pub fn links(document: &Html, base: Option<&Url>) -> Vec<String> {
    let Ok(selector) = Selector::parse("a[href], area[href]") else { return Vec::new() };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for element in document.select(&selector) {
        let nofollow = element
            .attr("rel")
            .is_some_and(|rel| rel.split_ascii_whitespace().any(|word| word.eq_ignore_ascii_case("nofollow")));
        if nofollow {
            continue;
        }
        let Some(url) = element.attr("href").and_then(|href| resolve(base, href)) else { continue };
        if seen.insert(url.clone()) {
            out.push(url);
            if out.len() >= MAX_LINKS {
                break;
            }
        }
    }
    out
}

/// Text content of an element, whitespace collapsed, at most [`MAX_FIELD_BYTES`].
pub fn element_text(element: &ElementRef<'_>) -> String {
    let mut out = String::new();
    for piece in element.text() {
        for word in piece.split_whitespace() {
            if out.len() + word.len() + 1 > MAX_FIELD_BYTES {
                return out;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// Decodes every HTML character reference (named and numeric) of `text`, by letting the HTML
/// parser read it as the content of a `<textarea>`, where references are decoded and tags are not.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    // The only way out of a textarea is its end tag; neutralise it before parsing.
    let guarded = text.replace("</", "<\u{200B}/");
    let fragment = Html::parse_fragment(&format!("<textarea>{guarded}</textarea>"));
    let decoded: String = fragment.root_element().text().collect();
    decoded.replace("<\u{200B}/", "</")
}

/// Cuts `text` to at most `max` bytes on a character boundary.
pub fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_absolute_deduplicated_and_respect_nofollow_and_base() {
        let page = r#"<html><head><base href="https://emplois.exemple.fr/offres/"></head><body>
            <a href="12">douze</a><a href="12#haut">encore</a><a href="/contact" rel="nofollow">c</a>
            <a href="mailto:x@y.fr">m</a><a href="javascript:void(0)">j</a><a href="https://autre.fr/a">a</a></body></html>"#;
        let document = Html::parse_document(page);
        let base = base_url(&document, "https://emplois.exemple.fr/");
        assert_eq!(
            links(&document, base.as_ref()),
            vec!["https://emplois.exemple.fr/offres/12".to_string(), "https://autre.fr/a".to_string()]
        );
    }

    #[test]
    fn robots_meta_reads_noindex_and_nofollow() {
        let document = Html::parse_document(r#"<meta name="ROBOTS" content="noindex, NoFollow">"#);
        assert_eq!(robots_meta(&document), RobotsMeta { noindex: true, nofollow: true });
        let document = Html::parse_document(r#"<meta name="googlebot" content="none">"#);
        assert_eq!(robots_meta(&document), RobotsMeta::default());
    }

    #[test]
    fn nesting_depth_ignores_void_optional_and_raw_text_elements() {
        assert_eq!(nesting_depth("<html><body><div><section><p>a<br><img src=x></section></div>", 100), 2);
        assert_eq!(nesting_depth("<ul><li>a<li>b<li>c</ul><!-- <div><div> -->", 100), 1);
        assert_eq!(nesting_depth("<script>if (a<b && c<d) {}</SCRIPT><div/>", 100), 0);
        assert_eq!(nesting_depth(&"<div>".repeat(5_000), 1_000), 1_001);
        assert_eq!(nesting_depth("<div></div>".repeat(5_000).as_str(), 1_000), 1);
    }

    #[test]
    fn tags_with_too_many_attributes_are_refused() {
        let many: String = (0..1_500).map(|index| format!(" a{index}=1")).collect();
        assert!(refuse_markup(&format!("<div{many}>x</div>")).is_some_and(|problem| problem.contains("attributs")));
        let quoted = format!("<meta name=\"description\" content=\"{}\">", "mot ".repeat(5_000));
        assert_eq!(most_attributes(&quoted), 2);
        assert_eq!(refuse_markup(&quoted), None);
        assert_eq!(most_attributes("<a href=x rel=nofollow class='a b'>t</a> 1 < 2"), 3);
        let script = format!("<script>for (i = 0; i <n; i++) {{ {} }}</script><p>", "x = y + z; ".repeat(2_000));
        assert_eq!(most_attributes(&script), 0);
    }

    #[test]
    fn entities_are_decoded_and_end_tags_survive() {
        assert_eq!(
            decode_entities("Caf&eacute; &amp; th&#233; &quot;x&quot; </textarea> &#x41;"),
            "Café & thé \"x\" </textarea> A"
        );
        assert_eq!(truncate("éé", 3), "é");
    }
}
