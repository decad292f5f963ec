//! robots.txt (RFC 9309): tolerant parsing, group selection, longest-match verdicts, Crawl-delay and
//! Sitemap lines.
//!
//! Google's open-source parser (google/robotstxt) is the behavioural reference: its test suite,
//! ported as data in `tests/data/robots-google.toml`, passes unchanged. Where RFC 9309 and that
//! suite disagree, the choice is written next to the code:
//!
//! - Percent-encoding. Patterns are normalised the way Google does it (bytes outside ASCII
//!   percent-encoded, hex digits uppercased); so are the hex digits of the URL. An `Allow` rule is
//!   compared in that form only (Google's suite requires that `Allow: /a/%62` does not allow `/a/b`).
//!   A `Disallow` rule is compared in that form *and* with percent-encoded unreserved characters
//!   decoded on both sides (RFC 9309's table says `/foo/bar/%62%61%7A` and `/foo/bar/baz` are the
//!   same path): the stricter reading, so `Disallow: /%7Euser` also keeps us out of `/~user`.
//! - User agents. The caller's agent is reduced to its product token (`socle-observatoire/0.1` →
//!   `socle-observatoire`); a token with other characters than letters, `-` and `_` (for example
//!   `Foo Bar`) matches no named group, only `*`.
//! - Lines other than `Allow`/`Disallow` (`Sitemap`, `Crawl-delay`, unknown keys) do not end the run
//!   of `User-agent` lines that opens a group, as in Google's current parser.
//!
//! Input is hostile: any bytes are accepted, at most [`MAX_BYTES`] are read, a line keeps at most
//! [`MAX_LINE_BYTES`] bytes (Google's bound), and matching is linear in the path for each rule.

use std::borrow::Cow;
use std::time::Duration;

/// Bytes of a robots.txt that are parsed; the rest is ignored (RFC 9309 asks for at least 500 KiB).
pub const MAX_BYTES: usize = 512 * 1024;

/// Bytes of one line that are kept; the rest of the line is ignored (Google: 8 × 2083 bytes,
/// including the terminating NUL of its C buffer).
pub const MAX_LINE_BYTES: usize = 2083 * 8 - 1;

/// Longest Crawl-delay represented; larger values are clamped (the crawler caps it far lower).
const MAX_CRAWL_DELAY_SECONDS: f64 = 1.0e9;

/// A parsed robots.txt, ready to answer whether a URL may be fetched.
#[derive(Debug, Clone, Default)]
pub struct Robots {
    groups: Vec<Group>,
    sitemaps: Vec<String>,
}

/// One group: the user agents it names and the lines that follow them.
#[derive(Debug, Clone, Default)]
struct Group {
    /// Product tokens named by the group's `User-agent` lines, lowercased.
    agents: Vec<String>,
    /// Whether one of the lines was `User-agent: *`.
    global: bool,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

/// One `Allow` or `Disallow` line.
#[derive(Debug, Clone)]
struct Rule {
    allow: bool,
    /// The pattern, normalised: non-ASCII bytes percent-encoded, hex digits uppercased.
    pattern: String,
    /// For `Disallow` only: the pattern with percent-encoded unreserved characters decoded, when
    /// that differs from `pattern`.
    decoded: Option<String>,
    /// Match priority: the length of the pattern as written (after normalisation).
    priority: usize,
}

/// The kinds of line a robots.txt may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    UserAgent,
    Allow,
    Disallow,
    Sitemap,
    CrawlDelay,
    Unknown,
}

impl Robots {
    /// Parses a robots.txt body. At most [`MAX_BYTES`] are read; any bytes are accepted (invalid
    /// UTF-8, a byte order mark, CR, LF or CRLF line endings), and nothing in them can make this
    /// fail or panic.
    pub fn parse(body: &[u8]) -> Robots {
        let truncated = body.len() > MAX_BYTES;
        let mut body = &body[..body.len().min(MAX_BYTES)];
        if truncated {
            // The last line was cut by the size limit: a cut rule could mean something else
            // (`Allow: /public-page` cut to `Allow: /p`), so it is dropped.
            let end = body.iter().rposition(|&byte| byte == b'\n' || byte == b'\r').unwrap_or(0);
            body = &body[..end];
        }
        let body = skip_byte_order_mark(body);

        let mut robots = Robots::default();
        // Whether the last group line seen was a `User-agent` line, so that the next one joins the
        // same group.
        let mut in_agent_run = false;
        for line in body.split(|&byte| byte == b'\n' || byte == b'\r') {
            let line = &line[..line.len().min(MAX_LINE_BYTES)];
            let Some((key, value)) = split_line(line) else { continue };
            match classify(key) {
                Key::UserAgent => {
                    if !in_agent_run || robots.groups.is_empty() {
                        robots.groups.push(Group::default());
                    }
                    in_agent_run = true;
                    if let Some(group) = robots.groups.last_mut() {
                        group.add_agent(value);
                    }
                }
                key @ (Key::Allow | Key::Disallow) => {
                    // Rules before the first `User-agent` line belong to no group and are ignored.
                    if let Some(group) = robots.groups.last_mut() {
                        in_agent_run = false;
                        group.add_rule(key == Key::Allow, value);
                    }
                }
                Key::CrawlDelay => {
                    if let (Some(group), Some(delay)) = (robots.groups.last_mut(), parse_delay(value)) {
                        // Several values in one group: the longest, which is the polite reading.
                        group.crawl_delay = group.crawl_delay.max(Some(delay));
                    }
                }
                Key::Sitemap => {
                    if !value.is_empty() {
                        robots.sitemaps.push(String::from_utf8_lossy(value).into_owned());
                    }
                }
                Key::Unknown => {}
            }
        }
        robots
    }

    /// Builds the rules from the HTTP status of the robots.txt fetch (RFC 9309 §2.3.1): 2xx, the
    /// body is parsed; 4xx (including 404, 401 and 403), the file is "unavailable" and everything is
    /// allowed; 5xx, the file is "unreachable" and nothing is allowed. Redirections are followed by
    /// the fetcher: a 3xx reaching this function means it gave up after too many of them, which
    /// RFC 9309 §2.3.1.2 lets us treat as unavailable. Two departures, both on the polite side: 429
    /// (too many requests) is a server condition like 503 and disallows everything, and so does a
    /// status outside 100–599.
    pub fn from_status(status: u16, body: &[u8]) -> Robots {
        match status {
            200..=299 => Robots::parse(body),
            429 => Robots::disallow_all(),
            300..=499 => Robots::allow_all(),
            _ => Robots::disallow_all(),
        }
    }

    /// Rules that allow everything (no robots.txt, or an unavailable one).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Rules that disallow everything (server error, or robots.txt unreachable).
    pub fn disallow_all() -> Robots {
        let mut group = Group { global: true, ..Group::default() };
        group.add_rule(false, b"/");
        Robots { groups: vec![group], sitemaps: Vec::new() }
    }

    /// Whether `agent` (a user-agent string such as `socle-observatoire/0.1`, or its product token)
    /// may fetch `url` (an absolute URL, or a path with an optional query). The URL is expected
    /// percent-encoded, as a URL on the wire is; `/robots.txt` itself is always allowed.
    pub fn is_allowed(&self, agent: &str, url: &str) -> bool {
        let path = path_and_query(url);
        let path = uppercase_percent_hex(&path);
        if path.split('?').next() == Some("/robots.txt") {
            return true;
        }
        let decoded_path = decode_unreserved(&path);
        let mut best_allow: Option<usize> = None;
        let mut best_disallow: Option<usize> = None;
        for rule in self.applicable_groups(agent).flat_map(|group| group.rules.iter()) {
            let matched = if rule.allow {
                pattern_matches(&rule.pattern, &path)
            } else {
                pattern_matches(&rule.pattern, &path)
                    || ((rule.decoded.is_some() || matches!(decoded_path, Cow::Owned(_)))
                        && pattern_matches(rule.decoded.as_deref().unwrap_or(&rule.pattern), &decoded_path))
            };
            if matched {
                let best = if rule.allow { &mut best_allow } else { &mut best_disallow };
                *best = (*best).max(Some(rule.priority));
            }
        }
        // An empty pattern matches with priority 0, which decides nothing; on a tie, allow wins.
        match (best_allow.unwrap_or(0), best_disallow.unwrap_or(0)) {
            (0, 0) => true,
            (allow, disallow) => disallow <= allow,
        }
    }

    /// The Crawl-delay of the group that applies to `agent` (the longest one when the group has
    /// several), as written: the caller caps it.
    pub fn crawl_delay(&self, agent: &str) -> Option<Duration> {
        self.applicable_groups(agent).filter_map(|group| group.crawl_delay).max()
    }

    /// Sitemap URLs declared anywhere in the file, in their order, as written.
    pub fn sitemaps(&self) -> &[String] {
        &self.sitemaps
    }

    /// The groups that apply to `agent`: every group naming its product token, else every `*` group
    /// (several groups for the same agent are merged).
    fn applicable_groups<'a>(&'a self, agent: &str) -> impl Iterator<Item = &'a Group> + 'a {
        let token = product_token(agent)
            .map(str::to_ascii_lowercase)
            .filter(|token| self.groups.iter().any(|group| group.agents.contains(token)));
        self.groups.iter().filter(move |group| match &token {
            Some(token) => group.agents.contains(token),
            None => group.global,
        })
    }
}

impl Group {
    /// Records one `User-agent` value: `*` (possibly followed by space and junk, as Google accepts)
    /// or a product token (the leading letters, `-` and `_`; the rest of the value is ignored).
    fn add_agent(&mut self, value: &[u8]) {
        if value.first() == Some(&b'*') && value.get(1).is_none_or(|&byte| is_space(byte)) {
            self.global = true;
            return;
        }
        let length = value.iter().take_while(|&&byte| is_token_byte(byte)).count();
        if length > 0 {
            let token = String::from_utf8_lossy(&value[..length]).to_ascii_lowercase();
            if !self.agents.contains(&token) {
                self.agents.push(token);
            }
        }
    }

    /// Records one `Allow` or `Disallow` line (and, for `Allow: …/index.html`, Google's reading of
    /// it as also allowing the directory itself).
    fn add_rule(&mut self, allow: bool, value: &[u8]) {
        let pattern = escape_pattern(value);
        if allow
            && let Some(slash) = pattern.rfind('/')
            && pattern[slash..].starts_with("/index.htm")
        {
            let directory = format!("{}$", &pattern[..=slash]);
            self.rules.push(Rule { allow, priority: directory.len(), pattern: directory, decoded: None });
        }
        let decoded = if allow {
            None
        } else {
            match decode_unreserved(&pattern) {
                Cow::Owned(decoded) => Some(decoded),
                Cow::Borrowed(_) => None,
            }
        };
        self.rules.push(Rule { allow, priority: pattern.len(), pattern, decoded });
    }
}

/// Skips a UTF-8 byte order mark, or the part of one that starts the body (as Google does).
fn skip_byte_order_mark(body: &[u8]) -> &[u8] {
    const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
    let length = body.iter().zip(BOM).take_while(|(byte, bom)| **byte == *bom).count();
    &body[length..]
}

/// ASCII whitespace as C's `isspace` knows it (Rust's definition leaves out vertical tab).
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// Characters of a user-agent product token in a robots.txt (RFC 9309 §2.2.1).
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'-' || byte == b'_'
}

/// Removes leading and trailing whitespace.
fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes
        && is_space(*first)
    {
        bytes = rest;
    }
    while let [rest @ .., last] = bytes
        && is_space(*last)
    {
        bytes = rest;
    }
    bytes
}

/// Splits a line into key and value: a comment (`#` to the end) is removed, the separator is a
/// colon, or, when there is none, the whitespace between exactly two words (`disallow /`).
fn split_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let line = match line.iter().position(|&byte| byte == b'#') {
        Some(hash) => &line[..hash],
        None => line,
    };
    let line = trim(line);
    let (key, value) = match line.iter().position(|&byte| byte == b':') {
        Some(colon) => (&line[..colon], &line[colon + 1..]),
        None => {
            let space = line.iter().position(|&byte| byte == b' ' || byte == b'\t')?;
            let value = trim(&line[space..]);
            if value.iter().any(|&byte| byte == b' ' || byte == b'\t') {
                return None;
            }
            (&line[..space], value)
        }
    };
    let key = trim(key);
    (!key.is_empty()).then(|| (key, trim(value)))
}

/// Recognises a key, case-insensitively, by its start, with the typos Google accepts.
fn classify(key: &[u8]) -> Key {
    let starts =
        |prefix: &str| key.len() >= prefix.len() && key[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes());
    if ["user-agent", "useragent", "user agent"].into_iter().any(starts) {
        Key::UserAgent
    } else if starts("allow") {
        Key::Allow
    } else if ["disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"].into_iter().any(starts) {
        Key::Disallow
    } else if ["sitemap", "site-map"].into_iter().any(starts) {
        Key::Sitemap
    } else if ["crawl-delay", "crawldelay", "crawl delay", "crawl_delay"].into_iter().any(starts) {
        Key::CrawlDelay
    } else {
        Key::Unknown
    }
}

/// Reads a Crawl-delay value: decimal seconds (`10`, `0.5`, or with a decimal comma `1,5`).
fn parse_delay(value: &[u8]) -> Option<Duration> {
    if value.is_empty() || !value.iter().all(|&byte| byte.is_ascii_digit() || byte == b'.' || byte == b',') {
        return None;
    }
    let text: String = value.iter().map(|&byte| if byte == b',' { '.' } else { char::from(byte) }).collect();
    let seconds: f64 = text.parse().ok()?;
    seconds.is_finite().then(|| Duration::from_secs_f64(seconds.clamp(0.0, MAX_CRAWL_DELAY_SECONDS)))
}

/// Normalises a pattern: bytes outside ASCII are percent-encoded, the hex digits of existing
/// percent-escapes uppercased.
fn escape_pattern(value: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut escaped = String::with_capacity(value.len());
    let mut index = 0;
    while index < value.len() {
        let byte = value[index];
        if byte == b'%' && value.get(index + 1..index + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
            escaped.push('%');
            escaped.push(char::from(value[index + 1].to_ascii_uppercase()));
            escaped.push(char::from(value[index + 2].to_ascii_uppercase()));
            index += 3;
            continue;
        }
        if byte.is_ascii() {
            escaped.push(char::from(byte));
        } else {
            escaped.push('%');
            escaped.push(char::from(HEX[usize::from(byte >> 4)]));
            escaped.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
        index += 1;
    }
    escaped
}

/// Uppercases the hex digits of percent-escapes (`%2f` → `%2F`).
fn uppercase_percent_hex(text: &str) -> Cow<'_, str> {
    map_escapes(text, |high, low| Some(format!("%{}{}", high.to_ascii_uppercase(), low.to_ascii_uppercase())))
}

/// Decodes percent-escapes of unreserved characters (RFC 3986: letters, digits, `-._~`) and
/// uppercases the hex digits of the others.
fn decode_unreserved(text: &str) -> Cow<'_, str> {
    map_escapes(text, |high, low| {
        let value = u8::from_str_radix(&format!("{high}{low}"), 16).ok()?;
        if value.is_ascii_alphanumeric() || matches!(value, b'-' | b'.' | b'_' | b'~') {
            Some(char::from(value).to_string())
        } else {
            Some(format!("%{}{}", high.to_ascii_uppercase(), low.to_ascii_uppercase()))
        }
    })
}

/// Rewrites every `%XY` escape (X, Y hex digits) with `replace`, borrowing when nothing changes.
fn map_escapes(text: &str, replace: impl Fn(char, char) -> Option<String>) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let mut output = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((index, character)) = chars.next() {
        if character == '%'
            && let Some(hex) = text.get(index + 1..index + 3)
            && hex.bytes().all(|byte| byte.is_ascii_hexdigit())
        {
            let mut digits = hex.chars();
            if let (Some(high), Some(low)) = (digits.next(), digits.next())
                && let Some(replacement) = replace(high, low)
            {
                output.push_str(&replacement);
                chars.next();
                chars.next();
                continue;
            }
        }
        output.push(character);
    }
    if output == text { Cow::Borrowed(text) } else { Cow::Owned(output) }
}

/// The path, parameters and query of a URL, without scheme, authority and fragment; always starts
/// with `/` (`/` when the URL has no path or cannot be read). Accepts absolute URLs, scheme-less
/// ones (`example.com/a`), network-path references (`//host/a`) and paths.
fn path_and_query(url: &str) -> Cow<'_, str> {
    let start = if url.starts_with("//") { 2 } else { 0 };
    let rest = &url[start..];
    let first_delimiter = rest.find(['/', '?', ';']);
    let after_scheme = match rest.find("://") {
        Some(scheme_end) if first_delimiter.is_none_or(|delimiter| scheme_end < delimiter) => scheme_end + 3,
        _ => 0,
    };
    let Some(path_start) = rest[after_scheme..].find(['/', '?', ';']).map(|offset| offset + after_scheme) else {
        return Cow::Borrowed("/");
    };
    let fragment = rest.find('#');
    if fragment.is_some_and(|hash| hash < path_start) {
        return Cow::Borrowed("/");
    }
    let path = &rest[path_start..fragment.unwrap_or(rest.len())];
    if path.starts_with('/') { Cow::Borrowed(path) } else { Cow::Owned(format!("/{path}")) }
}

/// The product token of a user-agent string: the part before the first `/`, if it is a valid token
/// (letters, `-`, `_`); `None` otherwise, in which case only `*` groups apply.
fn product_token(agent: &str) -> Option<&str> {
    let token = agent.split('/').next().unwrap_or("");
    (!token.is_empty() && token.bytes().all(is_token_byte)).then_some(token)
}

/// Whether `pattern` (anchored at the start of `path`; `*` matches any run of characters; a final
/// `$` anchors the end) matches `path`. Greedy leftmost matching of the pieces between `*` is exact
/// for such patterns, and linear in the path for each piece.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (body, anchored) = match pattern.strip_suffix('$') {
        Some(body) => (body, true),
        None => (pattern, false),
    };
    let mut pieces = body.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(rest) = path.strip_prefix(first) else { return false };
    let Some((middle, last)) =
        body[first.len()..].strip_prefix('*').map(|tail| tail.rsplit_once('*').unwrap_or(("", tail)))
    else {
        // No wildcard at all.
        return !anchored || rest.is_empty();
    };
    let mut region = rest;
    if anchored {
        if region.len() < last.len() || !region.ends_with(last) {
            return false;
        }
        region = &region[..region.len() - last.len()];
    }
    for piece in middle.split('*').filter(|piece| !piece.is_empty()) {
        match region.find(piece) {
            Some(found) => region = &region[found + piece.len()..],
            None => return false,
        }
    }
    anchored || region.contains(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(robots: &[u8], agent: &str, url: &str) -> bool {
        Robots::parse(robots).is_allowed(agent, url)
    }

    #[test]
    fn a_disallow_after_the_size_cap_is_not_seen() {
        let mut body = b"User-agent: *\nDisallow: /early\n".to_vec();
        while body.len() < 600 * 1024 {
            body.extend_from_slice(b"# filler comment line, long enough to matter a little\n");
        }
        body.extend_from_slice(b"Disallow: /late\n");
        let robots = Robots::parse(&body);
        assert!(!robots.is_allowed("bot", "/early"));
        assert!(robots.is_allowed("bot", "/late"));
        // Within the cap, the same line is seen.
        let mut small = b"User-agent: *\n".to_vec();
        small.extend(std::iter::repeat_n(b"#\n".as_slice(), 1000).flatten());
        small.extend_from_slice(b"Disallow: /late\n");
        assert!(!allowed(&small, "bot", "/late"));
    }

    #[test]
    fn a_line_cut_by_the_size_cap_is_dropped() {
        let mut body = b"User-agent: *\nDisallow: /\n".to_vec();
        body.resize(MAX_BYTES - 10, b'\n');
        body.extend_from_slice(b"Allow: /public-page-with-a-long-name\n");
        // The cut leaves "Allow: /p" (or so) inside the cap: it must not allow /p….
        assert!(!allowed(&body, "bot", "/private"));
    }

    #[test]
    fn invalid_utf8_is_tolerated() {
        let body = b"User-agent: *\nDisallow: /caf\xE9\nDisallow: /\xFF\xFE\nAllow: /ok\n";
        let robots = Robots::parse(body);
        assert!(!robots.is_allowed("bot", "/caf%E9/menu"));
        assert!(!robots.is_allowed("bot", "/caf%e9"));
        assert!(!robots.is_allowed("bot", "/%FF%FE"));
        assert!(robots.is_allowed("bot", "/ok"));
        assert!(robots.is_allowed("bot", "/cafe"));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let body = b"\xEF\xBB\xBFUser-agent: foo\nDisallow: /\n";
        assert!(!allowed(body, "foo", "/x"));
        // A BOM elsewhere makes the line unreadable, as in Google's parser.
        let body = b"User-agent: foo\n\xEF\xBB\xBFDisallow: /\n";
        assert!(allowed(body, "foo", "/x"));
    }

    #[test]
    fn every_line_ending_is_accepted() {
        for body in [
            &b"User-agent: foo\rAllow: /a\rUser-agent: bar\r\r\rDisallow: /\r"[..],
            b"User-agent: foo\r\nAllow: /a\r\nUser-agent: bar\r\n\r\n\r\nDisallow: /\r\n",
            b"User-agent: foo\nAllow: /a\nUser-agent: bar\n\n\nDisallow: /",
        ] {
            let robots = Robots::parse(body);
            assert!(robots.is_allowed("foo", "/b"));
            assert!(!robots.is_allowed("bar", "/b"));
        }
    }

    #[test]
    fn crawl_delay_comes_from_the_group_that_applies() {
        let body = b"User-agent: *\nCrawl-delay: 5\nDisallow: /x\n\nUser-agent: socle-observatoire\nCrawl-delay: 0.5\nDisallow: /y\n\nUser-agent: other\ncrawl-delay: 1,5\n";
        let robots = Robots::parse(body);
        assert_eq!(robots.crawl_delay("socle-observatoire/0.1"), Some(Duration::from_millis(500)));
        assert_eq!(robots.crawl_delay("Other"), Some(Duration::from_millis(1500)));
        assert_eq!(robots.crawl_delay("unknown-bot"), Some(Duration::from_secs(5)));
        let robots = Robots::parse(b"User-agent: *\nCrawl-delay: soon\nCrawl-delay: -3\nCrawl-delay: 1e9\n");
        assert_eq!(robots.crawl_delay("bot"), None);
        let robots = Robots::parse(b"User-agent: *\nCrawl-delay: 99999999999999999999999\n");
        assert_eq!(robots.crawl_delay("bot"), Some(Duration::from_secs(1_000_000_000)));
        assert_eq!(Robots::parse(b"Crawl-delay: 4\n").crawl_delay("bot"), None);
    }

    #[test]
    fn sitemaps_are_global_and_kept_in_order() {
        let body = b"Sitemap: https://a.example/s1.xml\nUser-agent: foo\nDisallow: /\nsite-map: https://a.example/s2.xml # comment\nSitemap:\n";
        let robots = Robots::parse(body);
        assert_eq!(robots.sitemaps(), ["https://a.example/s1.xml", "https://a.example/s2.xml"]);
        assert!(Robots::allow_all().sitemaps().is_empty());
    }

    #[test]
    fn the_product_token_of_a_full_user_agent_is_matched() {
        let body = b"User-agent: *\nDisallow: /\n\nUser-agent: Socle-Observatoire\nDisallow: /private\n";
        let robots = Robots::parse(body);
        assert!(robots.is_allowed("socle-observatoire/0.1", "https://site.example/page"));
        assert!(!robots.is_allowed("socle-observatoire/0.1", "https://site.example/private/x"));
        assert!(!robots.is_allowed("Mozilla 5.0", "https://site.example/page"));
    }

    #[test]
    fn disallow_compares_decoded_unreserved_characters() {
        let robots = Robots::parse(b"User-agent: *\nDisallow: /%7Euser\nDisallow: /b\n");
        assert!(!robots.is_allowed("bot", "/~user/page"));
        assert!(!robots.is_allowed("bot", "/%7euser"));
        assert!(!robots.is_allowed("bot", "/%62ar"));
        assert!(robots.is_allowed("bot", "/%2Fbar"));
    }

    #[test]
    fn robots_txt_itself_is_always_allowed() {
        let robots = Robots::disallow_all();
        assert!(robots.is_allowed("bot", "https://site.example/robots.txt"));
        assert!(!robots.is_allowed("bot", "https://site.example/robots.txt.bak"));
        assert!(!robots.is_allowed("bot", "https://site.example/"));
    }

    #[test]
    fn statuses_follow_rfc_9309() {
        let body = b"User-agent: *\nDisallow: /\n";
        for (status, expected) in [
            (200, false),
            (206, false),
            (301, true),
            (401, true),
            (403, true),
            (404, true),
            (410, true),
            (429, false),
            (500, false),
            (503, false),
            (99, false),
            (600, false),
        ] {
            assert_eq!(Robots::from_status(status, body).is_allowed("bot", "/page"), expected, "status {status}");
        }
    }

    #[test]
    fn patterns_match_like_the_naive_definition() {
        // Compare the greedy matcher with a naive backtracking one on small generated inputs.
        fn naive(pattern: &[u8], path: &[u8]) -> bool {
            match pattern {
                [] => true,
                [b'$'] => path.is_empty(),
                [b'*', rest @ ..] => (0..=path.len()).any(|skip| naive(rest, &path[skip..])),
                [first, rest @ ..] => path.first() == Some(first) && naive(rest, &path[1..]),
            }
        }
        let alphabet = [b'a', b'b', b'*', b'$'];
        let mut patterns = vec![Vec::new()];
        for _ in 0..4 {
            let longer: Vec<Vec<u8>> =
                patterns.iter().flat_map(|p| alphabet.iter().map(move |&c| [p.as_slice(), &[c]].concat())).collect();
            patterns.extend(longer);
        }
        patterns.sort();
        patterns.dedup();
        let paths: Vec<&[u8]> = vec![b"", b"a", b"b", b"ab", b"ba", b"aab", b"abab", b"bbba", b"a$b"];
        for pattern in &patterns {
            for path in &paths {
                let text_pattern = std::str::from_utf8(pattern).unwrap_or_default();
                let text_path = std::str::from_utf8(path).unwrap_or_default();
                assert_eq!(
                    pattern_matches(text_pattern, text_path),
                    naive(pattern, path),
                    "{text_pattern:?} on {text_path:?}"
                );
            }
        }
    }

    #[test]
    fn hostile_patterns_are_answered() {
        // Many wildcards against a long path: each piece is a substring search, no backtracking.
        let pattern = format!("/{}b$", "a*".repeat(5000));
        let path = format!("/{}", "a".repeat(20_000));
        let body = format!("User-agent: *\nDisallow: {pattern}\n");
        assert!(allowed(body.as_bytes(), "bot", &path));
    }
}
