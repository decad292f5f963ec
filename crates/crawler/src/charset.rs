//! Character set detection: which encoding a fetched body is written in, and its text.
//!
//! Order: a byte order mark, the `charset` of the Content-Type header, a `<meta charset>` or
//! `<meta http-equiv="Content-Type">` in the first KiB, else UTF-8 when the bytes are valid
//! UTF-8, else Windows-1252 (a superset of the Latin-1 many French sites send undeclared).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into the body a `<meta>` declaration is looked for.
pub const META_SCAN_BYTES: usize = 1024;

/// A decoded body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text; malformed sequences are replaced by U+FFFD.
    pub text: String,
    /// Canonical name of the encoding used (`UTF-8`, `windows-1252`, …).
    pub encoding: &'static str,
    /// Whether malformed sequences were replaced.
    pub had_errors: bool,
}

/// Picks the encoding of `body` given the Content-Type header value.
pub fn detect(content_type: Option<&str>, body: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(body) {
        return encoding;
    }
    if let Some(encoding) =
        content_type.and_then(charset_parameter).and_then(|label| Encoding::for_label(label.as_bytes()))
    {
        return encoding;
    }
    if let Some(encoding) = meta_charset(&body[..body.len().min(META_SCAN_BYTES)]) {
        return encoding;
    }
    if std::str::from_utf8(body).is_ok() { UTF_8 } else { WINDOWS_1252 }
}

/// Detects the encoding and decodes; never fails.
pub fn decode(content_type: Option<&str>, body: &[u8]) -> Decoded {
    let encoding = detect(content_type, body);
    // `decode` removes a BOM of the detected encoding itself.
    let (text, used, had_errors) = encoding.decode(body);
    Decoded { text: text.into_owned(), encoding: used.name(), had_errors }
}

/// The `charset` parameter of a Content-Type value.
fn charset_parameter(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// The encoding named by a `<meta charset=…>` or `<meta http-equiv … content="…; charset=…">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(found) = find(&lower[from..], b"<meta") {
        let start = from + found;
        let end = lower[start..].iter().position(|&byte| byte == b'>').map_or(lower.len(), |offset| start + offset);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&byte| {
                        matches!(byte, b'"' | b'\'' | b';' | b' ' | b'/' | b'>') || byte.is_ascii_whitespace()
                    })
                    .unwrap_or(rest.len());
                if let Some(encoding) = Encoding::for_label(&rest[..label_end]) {
                    // A page that claims UTF-16 in ASCII-compatible bytes is really UTF-8 (HTML standard).
                    return Some(if encoding.is_single_byte() || encoding == UTF_8 { encoding } else { UTF_8 });
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|byte| byte.is_ascii_whitespace()).count();
    &bytes[skip..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(content_type: Option<&str>, body: &[u8], encoding: &str, text: &str) {
        let decoded = decode(content_type, body);
        assert_eq!(decoded.encoding, encoding, "{content_type:?} {body:?}");
        assert!(decoded.text.contains(text), "{:?} does not contain {text:?}", decoded.text);
    }

    #[test]
    fn detection_order() {
        check(Some("text/html; charset=ISO-8859-1"), b"caf\xe9", "windows-1252", "café");
        check(Some("text/html;charset=\"utf-8\""), "café".as_bytes(), "UTF-8", "café");
        check(
            Some("text/html"),
            b"<html><head><meta charset=\"windows-1252\"></head>\x80 caf\xe9",
            "windows-1252",
            "€ café",
        );
        check(
            None,
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-15\">\xa4",
            "ISO-8859-15",
            "€",
        );
        check(None, "déjà vu".as_bytes(), "UTF-8", "déjà vu");
        check(None, b"Ing\xe9nieur donn\xe9es", "windows-1252", "Ingénieur données");
        check(Some("text/html; charset=latin1"), b"\xef\xbb\xbfd\xc3\xa9j\xc3\xa0", "UTF-8", "déjà");
        check(Some("text/html; charset=nonsense"), b"plain", "UTF-8", "plain");
    }

    #[test]
    fn invalid_utf8_declared_as_utf8_is_replaced_not_fatal() {
        let decoded = decode(Some("text/html; charset=utf-8"), b"ok \xff\xfe\xc3 end");
        assert!(decoded.had_errors);
        assert!(decoded.text.starts_with("ok ") && decoded.text.ends_with(" end"));
    }

    #[test]
    fn meta_after_the_first_kib_is_ignored() {
        let mut body = vec![b' '; META_SCAN_BYTES];
        body.extend_from_slice(b"<meta charset=\"iso-8859-15\">");
        assert_eq!(detect(None, &body), UTF_8);
    }
}
