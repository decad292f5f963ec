//! Runs every case of `tests/data/robots-google.toml` (Google's robots.txt test suite as data, and
//! RFC 9309's status rules) through `crawler::robots`.

use crawler::robots::Robots;
use serde::Deserialize;

/// The data file: a list of cases.
#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

/// One robots.txt body and the verdicts expected from it.
#[derive(Deserialize)]
struct Case {
    test: String,
    robots: String,
    #[serde(default)]
    prefix: Vec<u8>,
    #[serde(default = "ok")]
    status: u16,
    sitemaps: Option<Vec<String>>,
    checks: Vec<Check>,
}

/// One expected verdict.
#[derive(Deserialize)]
struct Check {
    agent: String,
    url: String,
    allowed: bool,
}

fn ok() -> u16 {
    200
}

/// Expands `{{c*N}}` into the character `c` repeated `N` times.
fn expand(text: &str) -> String {
    let mut output = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        output.push_str(&rest[..start]);
        let end = rest[start..].find("}}").map(|end| start + end).expect("« {{ » sans « }} »");
        let (character, count) = rest[start + 2..end].split_once('*').expect("attendu {{c*N}}");
        let count: usize = count.parse().expect("N entier dans {{c*N}}");
        output.push_str(&character.repeat(count));
        rest = &rest[end + 2..];
    }
    output.push_str(rest);
    output
}

fn load() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/robots-google.toml");
    let text = std::fs::read_to_string(path).expect("lecture de robots-google.toml");
    toml::from_str::<Cases>(&text).expect("robots-google.toml invalide").case
}

#[test]
fn every_google_case_and_rfc_status_rule_passes() {
    let cases = load();
    let mut failures = Vec::new();
    let mut n_checks = 0;
    for case in &cases {
        let mut body = case.prefix.clone();
        body.extend_from_slice(expand(&case.robots).as_bytes());
        let robots = Robots::from_status(case.status, &body);
        if let Some(sitemaps) = &case.sitemaps
            && robots.sitemaps() != sitemaps.as_slice()
        {
            failures.push(format!("{}: sitemaps {:?}, expected {sitemaps:?}", case.test, robots.sitemaps()));
        }
        for check in &case.checks {
            n_checks += 1;
            let url = expand(&check.url);
            let allowed = robots.is_allowed(&check.agent, &url);
            if allowed != check.allowed {
                let shown_url: String = url.chars().take(80).collect();
                failures.push(format!(
                    "{} (status {}): agent {:?}, URL {shown_url:?}: allowed = {allowed}, expected {}",
                    case.test, case.status, check.agent, check.allowed
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {n_checks} checks failed:\n{}", failures.len(), failures.join("\n"));
    // Guard against a data file that lost cases: it holds 192 checks.
    assert!(n_checks >= 192, "only {n_checks} checks in robots-google.toml");
}

#[test]
fn the_long_line_cases_really_are_longer_than_the_line_limit() {
    let cases = load();
    let longest = cases.iter().flat_map(|case| expand(&case.robots).lines().map(str::len).collect::<Vec<_>>()).max();
    assert!(longest.is_some_and(|length| length > crawler::robots::MAX_LINE_BYTES), "{longest:?}");
}
