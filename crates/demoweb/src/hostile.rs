//! Hostile pages: what they do, what a crawler must do with them, and how they are answered.

use serde::Serialize;

use crate::render::{Rendered, esc, html_page};
use crate::{HOST_ROBOTS_DOWN, HOST_SLOW, HOST_TRAP};

/// Size of the huge body, in bytes (50 MiB).
pub const HUGE_BODY_BYTES: u64 = 50 * 1024 * 1024;

/// A hostile behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostileKind {
    /// `/boucle/n` redirects to `/boucle/n+1` forever.
    EndlessRedirects,
    /// Headers, then one small chunk of bytes every 200 ms, forever.
    NeverEndingBody,
    /// A 50 MiB body, generated on the fly.
    HugeBody,
    /// `charset=utf-8` declared, invalid UTF-8 sent.
    InvalidUtf8,
    /// Latin-1 bytes without any charset declaration.
    UndeclaredLatin1,
    /// JSON-LD that does not parse, and JSON-LD with wrong types.
    MalformedJsonLd,
    /// robots.txt answers 503.
    RobotsUnavailable,
    /// 429 with `Retry-After: 1` the first time, then 200.
    TooManyRequests,
    /// A calendar whose every month links to the previous and next month.
    CalendarTrap,
    /// A page linked from an allowed page but disallowed by robots.txt.
    Disallowed,
    /// robots.txt asks for `Crawl-delay: 2`.
    CrawlDelay,
}

/// One hostile page and its expected handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hostile {
    /// Behaviour.
    pub kind: HostileKind,
    /// URL to start from.
    pub url: String,
    /// What the server does.
    pub behaviour: &'static str,
    /// What a polite, robust crawler does.
    pub expected: &'static str,
}

/// Every hostile page.
pub(crate) fn list() -> Vec<Hostile> {
    let at = |host: &str, path: &str| format!("http://{host}{path}");
    vec![
        Hostile {
            kind: HostileKind::EndlessRedirects,
            url: at(HOST_TRAP, "/boucle/0"),
            behaviour: "302 to /boucle/n+1, forever",
            expected: "give up after at most 5 redirects and report the URL as skipped (too many redirects)",
        },
        Hostile {
            kind: HostileKind::NeverEndingBody,
            url: at(HOST_TRAP, "/sans-fin"),
            behaviour: "200 headers without Content-Length, then a few bytes every 200 ms, never ending",
            expected: "stop at the body size cap or the total timeout, whichever comes first; report it; keep crawling",
        },
        Hostile {
            kind: HostileKind::HugeBody,
            url: at(HOST_TRAP, "/enorme"),
            behaviour: "200 with Content-Length 52428800 and 50 MiB of HTML streamed",
            expected: "stop reading at the body cap (default 2 MiB) without holding the body; report it as truncated or skipped",
        },
        Hostile {
            kind: HostileKind::InvalidUtf8,
            url: at(HOST_TRAP, "/utf8-invalide"),
            behaviour: "charset=utf-8 declared, body holds invalid UTF-8 sequences",
            expected: "decode with replacement characters, never panic",
        },
        Hostile {
            kind: HostileKind::UndeclaredLatin1,
            url: at(HOST_TRAP, "/latin1"),
            behaviour: "text/html without charset, no <meta charset>, body in ISO-8859-1 (« Société Générale d'Études »)",
            expected: "detect Latin-1 / Windows-1252 and decode accents correctly",
        },
        Hostile {
            kind: HostileKind::MalformedJsonLd,
            url: at(HOST_TRAP, "/jsonld-casse"),
            behaviour: "one truncated JSON-LD block and one JobPosting with wrong types (title 42, datePosted « hier »)",
            expected: "report problems, produce no record from the broken block, never panic",
        },
        Hostile {
            kind: HostileKind::RobotsUnavailable,
            url: at(HOST_ROBOTS_DOWN, "/"),
            behaviour: "robots.txt answers 503; the other pages answer 200",
            expected: "fetch nothing but robots.txt on this host (RFC 9309: 5xx means complete disallow)",
        },
        Hostile {
            kind: HostileKind::TooManyRequests,
            url: at(HOST_TRAP, "/trop-vite"),
            behaviour: "429 with Retry-After: 1 on the first request, 200 afterwards",
            expected: "wait at least one second, retry, and store the 200 page",
        },
        Hostile {
            kind: HostileKind::CalendarTrap,
            url: at(HOST_TRAP, "/agenda?mois=2026-11"),
            behaviour: "every month links to the previous and the next month, without end",
            expected: "stop by a page budget, a depth limit or trap detection; the crawl still completes",
        },
        Hostile {
            kind: HostileKind::Disallowed,
            url: at(HOST_TRAP, "/prive/secret"),
            behaviour: "linked from the trap index; robots.txt disallows /prive/ (also /recherche on emplois-alpha.test and /candidature/ on carrieres-beta.test)",
            expected: "never fetched",
        },
        Hostile {
            kind: HostileKind::CrawlDelay,
            url: at(HOST_SLOW, "/"),
            behaviour: "robots.txt says Crawl-delay: 2; five linked pages",
            expected: "no two requests to this host less than 2 s apart",
        },
    ]
}

/// What the server sends for a hostile URL.
pub(crate) enum Special {
    Page(Rendered),
    Redirect(String),
    Trickle,
    Huge,
}

fn html(status: u16, content_type: &'static str, body: Vec<u8>) -> Special {
    Special::Page(Rendered { status, content_type, body, modified: crate::model::today(), extra_headers: Vec::new() })
}

fn page(title: &str, body: &str) -> Special {
    html(200, "text/html; charset=utf-8", html_page(title, "", body).into_bytes())
}

/// The answer of a hostile host; `first_429` is true when `/trop-vite` has not been answered yet.
pub(crate) fn answer(host: &str, target: &str, first_429: impl FnOnce() -> bool) -> Option<Special> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match host {
        HOST_TRAP => trap(path, query, first_429),
        HOST_ROBOTS_DOWN => Some(match path {
            "/robots.txt" => html(503, "text/plain; charset=utf-8", b"Service indisponible\n".to_vec()),
            "/" => page(
                "En panne",
                "<h1>Hôte dont robots.txt est en panne</h1>\n<ul><li><a href=\"/page/1\">Page 1</a></li><li><a href=\"/page/2\">Page 2</a></li></ul>",
            ),
            _ if path.starts_with("/page/") => page("Page", "<p>Cette page n'aurait jamais dû être demandée.</p>"),
            _ => return None,
        }),
        HOST_SLOW => Some(match path {
            "/robots.txt" => {
                html(200, "text/plain; charset=utf-8", b"User-agent: *\nCrawl-delay: 2\nAllow: /\n".to_vec())
            }
            "/" => {
                let links: String = (1..=5).map(|n| format!("<li><a href=\"/page/{n}\">Page {n}</a></li>")).collect();
                page("Lent Kappa", &format!("<h1>Site lent</h1>\n<ul>{links}</ul>"))
            }
            _ if path.starts_with("/page/") => {
                page("Page lente", "<p>Une page d'un site qui demande de la patience.</p>")
            }
            _ => return None,
        }),
        _ => None,
    }
}

fn trap(path: &str, query: &str, first_429: impl FnOnce() -> bool) -> Option<Special> {
    Some(match path {
        "/robots.txt" => html(200, "text/plain; charset=utf-8", b"User-agent: *\nDisallow: /prive/\n".to_vec()),
        "/" => {
            let links: String = list()
                .iter()
                .filter(|h| h.url.starts_with(&format!("http://{HOST_TRAP}/")))
                .map(|h| {
                    let path = h.url.trim_start_matches(&format!("http://{HOST_TRAP}"));
                    format!("<li><a href=\"{}\">{}</a></li>\n", esc(path), esc(path))
                })
                .collect();
            page("Piège", &format!("<h1>Pages hostiles</h1>\n<ul>\n{links}</ul>"))
        }
        "/sans-fin" => Special::Trickle,
        "/enorme" => Special::Huge,
        "/utf8-invalide" => {
            let mut body = b"<!DOCTYPE html><html lang=\"fr\"><head><title>UTF-8 invalide</title></head><body><p>Octets invalides : ".to_vec();
            body.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, b' ', 0xc3]);
            body.extend_from_slice("</p><p>Suite lisible : données.</p></body></html>".as_bytes());
            html(200, "text/html; charset=utf-8", body)
        }
        "/latin1" => {
            let text = "<!DOCTYPE html><html><head><title>Société Générale d'Études</title></head><body><h1>Société Générale d'Études</h1><p>Offre à Besançon : ingénieur réseaux, télétravail possible, rémunération à négocier.</p></body></html>";
            html(200, "text/html", text.chars().map(|c| if (c as u32) < 256 { c as u32 as u8 } else { b'?' }).collect())
        }
        "/jsonld-casse" => {
            let head = "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"@type\": \"JobPosting\", \"title\": \"Offre tronquée\", \"description\": \"</script>\n\
                        <script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"@type\": \"JobPosting\", \"title\": 42, \"datePosted\": \"hier\", \"hiringOrganization\": [null, 7], \"baseSalary\": \"beaucoup\"}</script>\n";
            html(
                200,
                "text/html; charset=utf-8",
                html_page("JSON-LD cassé", head, "<h1>JSON-LD cassé</h1>").into_bytes(),
            )
        }
        "/trop-vite" => {
            if first_429() {
                let mut rendered = Rendered {
                    status: 429,
                    content_type: "text/plain; charset=utf-8",
                    body: "Trop de requêtes : réessayez dans une seconde.\n".as_bytes().to_vec(),
                    modified: crate::model::today(),
                    extra_headers: Vec::new(),
                };
                rendered.extra_headers.push(("Retry-After".into(), "1".into()));
                Special::Page(rendered)
            } else {
                page("Patience", "<h1>Merci d'avoir patienté</h1>")
            }
        }
        "/agenda" => {
            let month = query.split('&').find_map(|pair| pair.strip_prefix("mois=")).unwrap_or("2026-11");
            let parsed =
                month.split_once('-').and_then(|(y, m)| Some((y.parse::<i64>().ok()?, m.parse::<i64>().ok()?)));
            let Some((year, number)) = parsed.filter(|(y, m)| (1..=12).contains(m) && (0..=9999).contains(y)) else {
                return Some(html(
                    400,
                    "text/plain; charset=utf-8",
                    format!("Mois « {month} » invalide : attendu AAAA-MM.\n").into_bytes(),
                ));
            };
            let index = year * 12 + number - 1;
            let name = |i: i64| format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1);
            page(
                "Agenda",
                &format!(
                    "<h1>Agenda {}</h1>\n<p>Aucun événement.</p>\n<a href=\"/agenda?mois={}\">Mois précédent</a> <a href=\"/agenda?mois={}\">Mois suivant</a>",
                    name(index),
                    name(index - 1),
                    name(index + 1)
                ),
            )
        }
        _ if path.starts_with("/boucle/") => {
            let n: u64 = path["/boucle/".len()..].parse().unwrap_or(0);
            Special::Redirect(format!("/boucle/{}", n.saturating_add(1)))
        }
        _ if path.starts_with("/prive/") => page("Privé", "<p>Page exclue par robots.txt.</p>"),
        _ => return None,
    })
}
