//! XML sitemaps (sitemaps.org 0.9): a `urlset` lists pages with their `lastmod`, a
//! `sitemapindex` lists other sitemaps. Gzipped sitemaps are not read.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Most entries read from one sitemap (the protocol's own limit).
pub const MAX_ENTRIES: usize = 50_000;
/// Largest sitemap read, in bytes (the protocol's own limit); the rest is ignored.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// What a sitemap lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitemapKind {
    /// `<urlset>`: pages.
    UrlSet,
    /// `<sitemapindex>`: other sitemaps.
    Index,
}

/// One `<url>` or `<sitemap>` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// `<loc>`, trimmed.
    pub loc: String,
    /// `<lastmod>`, as written.
    pub lastmod: Option<String>,
}

/// A parsed sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitemap {
    /// Pages or sitemaps.
    pub kind: SitemapKind,
    /// Entries, in document order.
    pub entries: Vec<SitemapEntry>,
}

/// Why a sitemap could not be read, in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SitemapError {
    /// Neither `<urlset>` nor `<sitemapindex>` at the root.
    #[error("ce document n'est pas un sitemap : élément racine « {0} », attendu urlset ou sitemapindex")]
    NotASitemap(String),
    /// The XML is malformed before any entry could be read.
    #[error("sitemap XML illisible : {0}")]
    Xml(String),
}

/// Reads a sitemap. Malformed XML after some entries keeps the entries read so far.
pub fn parse(body: &[u8]) -> Result<Sitemap, SitemapError> {
    let body = &body[..body.len().min(MAX_BYTES)];
    let text = String::from_utf8_lossy(body);
    let mut reader = Reader::from_str(&text);
    reader.config_mut().trim_text(true);
    let mut kind = None;
    let mut entries = Vec::new();
    let mut current: Option<SitemapEntry> = None;
    let mut field: Option<&'static str> = None;
    let mut value = String::new();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) if kind.is_none() => return Err(SitemapError::Xml(error.to_string())),
            Err(_) => break,
        };
        match event {
            Event::Start(start) => {
                let name = start.local_name();
                let name = name.as_ref();
                match (kind, name) {
                    (None, b"urlset") => kind = Some(SitemapKind::UrlSet),
                    (None, b"sitemapindex") => kind = Some(SitemapKind::Index),
                    (None, other) => {
                        return Err(SitemapError::NotASitemap(String::from_utf8_lossy(other).into_owned()));
                    }
                    (Some(_), b"url" | b"sitemap") => {
                        current = Some(SitemapEntry { loc: String::new(), lastmod: None })
                    }
                    (Some(_), b"loc") if current.is_some() => {
                        field = Some("loc");
                        value.clear();
                    }
                    (Some(_), b"lastmod") if current.is_some() => {
                        field = Some("lastmod");
                        value.clear();
                    }
                    _ => {}
                }
            }
            Event::Text(text) if field.is_some() => {
                if let Ok(text) = text.decode() {
                    value.push_str(&text);
                }
            }
            Event::CData(data) if field.is_some() => {
                if let Ok(text) = data.decode() {
                    value.push_str(&text);
                }
            }
            Event::GeneralRef(reference) if field.is_some() => {
                if let Ok(Some(character)) = reference.resolve_char_ref() {
                    value.push(character);
                } else if let Ok(name) = reference.decode() {
                    value.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(end) => match end.local_name().as_ref() {
                b"loc" | b"lastmod" => {
                    if let (Some(entry), Some(name)) = (current.as_mut(), field.take()) {
                        let text = value.trim().to_string();
                        if name == "loc" {
                            entry.loc = text;
                        } else if !text.is_empty() {
                            entry.lastmod = Some(text);
                        }
                    }
                }
                b"url" | b"sitemap" => {
                    if let Some(entry) = current.take().filter(|entry| !entry.loc.is_empty()) {
                        entries.push(entry);
                        if entries.len() >= MAX_ENTRIES {
                            break;
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    match kind {
        Some(kind) => Ok(Sitemap { kind, entries }),
        None => Err(SitemapError::NotASitemap(String::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlset_with_lastmod_and_entities() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://a.test/offres/1?x=1&amp;y=2 </loc><lastmod>2026-01-05</lastmod></url>
  <url><loc><![CDATA[https://a.test/offres/2]]></loc></url>
  <url><lastmod>2026-01-05</lastmod></url>
</urlset>"#;
        let sitemap = parse(xml).unwrap();
        assert_eq!(sitemap.kind, SitemapKind::UrlSet);
        assert_eq!(
            sitemap.entries,
            [
                SitemapEntry { loc: "https://a.test/offres/1?x=1&y=2".into(), lastmod: Some("2026-01-05".into()) },
                SitemapEntry { loc: "https://a.test/offres/2".into(), lastmod: None },
            ]
        );
    }

    #[test]
    fn index_and_errors() {
        let xml = b"<sitemapindex><sitemap><loc>https://a.test/s1.xml</loc></sitemap></sitemapindex>";
        let sitemap = parse(xml).unwrap();
        assert_eq!(sitemap.kind, SitemapKind::Index);
        assert_eq!(sitemap.entries[0].loc, "https://a.test/s1.xml");
        assert!(
            matches!(parse(b"<html><body>x</body></html>"), Err(SitemapError::NotASitemap(name)) if name == "html")
        );
        assert!(parse(b"").is_err());
        assert!(parse(&[0xff, 0xfe, 0x00, 0x3c]).is_err());
        // Truncated after one entry: the entry is kept.
        let torn = parse(b"<urlset><url><loc>https://a.test/1</loc></url><url><loc>https://a.te").unwrap();
        assert_eq!(torn.entries.len(), 1);
    }
}
