//! URL canonicalisation and scope checks: one spelling per page, so that the frontier never
//! stores the same page twice, and the hosts and paths a source allows.

use records::source::Source;
use url::Url;

/// Longest URL accepted, in bytes; longer ones are traps or garbage.
pub const MAX_URL_BYTES: usize = 2048;

/// Query parameters that only track visitors and never change the page.
fn is_tracking_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || matches!(name.as_str(), "fbclid" | "gclid" | "msclkid" | "mc_eid")
}

/// Resolves `href` against `base` (when given) and canonicalises the result; `None` when it is
/// not an http(s) URL or is too long.
///
/// Canonical form: lowercase scheme and host, no default port, no user information, no
/// fragment, dot segments resolved, percent-encoding normalised (unreserved characters
/// decoded, hexadecimal digits uppercase), no empty query, tracking parameters (`utm_*`,
/// `fbclid`, `gclid`, …) removed, the order of the other parameters kept.
pub fn canonicalize(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.len() > MAX_URL_BYTES {
        return None;
    }
    let mut url = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let path = normalize_percent(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    let query = url.query().map(|query| {
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                !is_tracking_parameter(name)
            })
            .map(normalize_percent)
            .collect::<Vec<_>>()
            .join("&")
    });
    match query {
        Some(query) if !query.is_empty() => url.set_query(Some(&query)),
        _ => url.set_query(None),
    }
    (url.as_str().len() <= MAX_URL_BYTES).then_some(url)
}

/// Canonicalises an absolute URL given as text.
pub fn canonical(text: &str) -> Option<Url> {
    canonicalize(None, text)
}

/// Decodes percent-escapes of unreserved characters and uppercases the others.
fn normalize_percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let high = (bytes[index + 1] as char).to_digit(16);
            let low = (bytes[index + 2] as char).to_digit(16);
            if let (Some(high), Some(low)) = (high, low) {
                let byte = (high * 16 + low) as u8;
                if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                    out.push(byte as char);
                } else {
                    out.push('%');
                    out.push(bytes[index + 1].to_ascii_uppercase() as char);
                    out.push(bytes[index + 2].to_ascii_uppercase() as char);
                }
                index += 3;
                continue;
            }
        }
        // Multi-byte characters are copied whole: `text` is valid UTF-8 and only ASCII is inspected.
        let width = utf8_width(bytes[index]);
        out.push_str(&text[index..(index + width).min(text.len())]);
        index += width;
    }
    out
}

fn utf8_width(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// `host` or `host:port` (port only when it is not the scheme's default), lowercase.
pub fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// The URL of the robots.txt file that governs `url`.
pub fn robots_url(url: &Url) -> Url {
    let mut robots = url.clone();
    robots.set_path("/robots.txt");
    robots.set_query(None);
    robots.set_fragment(None);
    robots
}

/// What a source allows the crawler to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Allowed `host` or `host:port`, lowercase; a bare host allows every port.
    pub hosts: Vec<String>,
    /// Allowed path prefixes; empty allows every path.
    pub paths: Vec<String>,
}

impl Scope {
    /// The scope declared by a source.
    pub fn of(source: &Source) -> Scope {
        Scope {
            hosts: source.allowed_hosts.iter().map(|host| host.trim().to_ascii_lowercase()).collect(),
            paths: source.allowed_paths.clone(),
        }
    }

    /// Whether the host of `url` is allowed.
    pub fn allows_host(&self, url: &Url) -> bool {
        let key = host_key(url);
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        self.hosts.iter().any(|allowed| *allowed == key || (!allowed.contains(':') && *allowed == host))
    }

    /// Whether `url` is allowed: an allowed host, and a path under an allowed prefix.
    pub fn allows(&self, url: &Url) -> bool {
        self.allows_host(url)
            && (self.paths.is_empty() || self.paths.iter().any(|prefix| url.path().starts_with(prefix)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        let got = canonical(input).map(|url| url.to_string());
        assert_eq!(got.as_deref(), expected, "canonical({input})");
    }

    #[test]
    fn canonical_forms() {
        check("HTTP://Example.COM:80/a/./b/../c#frag", Some("http://example.com/a/c"));
        check("https://example.com:443", Some("https://example.com/"));
        check("https://example.com:8443/x", Some("https://example.com:8443/x"));
        check("http://example.com/%7euser/%2fa%2Fb/%41", Some("http://example.com/~user/%2Fa%2Fb/A"));
        check("http://example.com/p?", Some("http://example.com/p"));
        check("http://example.com/p?b=2&utm_source=x&a=1&fbclid=z&gclid=y", Some("http://example.com/p?b=2&a=1"));
        check("http://example.com/p?utm_medium=mail", Some("http://example.com/p"));
        check("http://user:pw@example.com/", Some("http://example.com/"));
        check("http://example.com/caf%c3%a9", Some("http://example.com/caf%C3%A9"));
        check("http://example.com/100%", Some("http://example.com/100%"));
        check("http://example.com/a%2", Some("http://example.com/a%2"));
        check("ftp://example.com/", None);
        check("mailto:someone@example.com", None);
        check("javascript:alert(1)", None);
        check("not a url", None);
    }

    #[test]
    fn relative_links_are_resolved() {
        let base = canonical("http://example.com/offres/page?x=1").unwrap();
        let got = canonicalize(Some(&base), "../emplois/1.html#top").unwrap();
        assert_eq!(got.as_str(), "http://example.com/emplois/1.html");
        let long = format!("/{}", "a".repeat(MAX_URL_BYTES));
        assert!(canonicalize(Some(&base), &long).is_none());
    }

    #[test]
    fn scope_checks_hosts_ports_and_paths() {
        let scope = Scope { hosts: vec!["a.test".into(), "127.0.0.1:8080".into()], paths: vec!["/offres/".into()] };
        let allowed = |text: &str| scope.allows(&canonical(text).unwrap());
        assert!(allowed("http://A.test/offres/1"));
        assert!(allowed("http://a.test:9000/offres/1"));
        assert!(allowed("http://127.0.0.1:8080/offres/"));
        assert!(!allowed("http://127.0.0.1:8081/offres/"));
        assert!(!allowed("http://a.test/ailleurs"));
        assert!(!allowed("http://b.test/offres/1"));
        assert_eq!(robots_url(&canonical("http://a.test:81/x?y#z").unwrap()).as_str(), "http://a.test:81/robots.txt");
    }
}
