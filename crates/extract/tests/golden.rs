//! Golden tests of the extraction: every fixture of `tests/golden/` (one per source style) is
//! read by the extractor and its `{records, problems, links}` compared with the checked-in
//! `<name>.expected.json`. `SOCLE_BLESS=1` rewrites the expectations (review them by eye).
//! Independently of the expectations, no output may hold an e-mail address or a phone number.

use std::path::{Path, PathBuf};

use extract::{Extraction, Extractor, Page};
use records::source::{Adapter, Rules};
use serde::Deserialize;

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    url: String,
    content_type: Option<String>,
    adapter: Option<Adapter>,
    sources: Option<String>,
}

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn extractor() -> Extractor {
    let referentiel = skills::embedded().expect("the embedded référentiel loads");
    Extractor::new(&referentiel)
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(folder().join("cases.toml")).expect("cases.toml is readable");
    toml::from_str::<Cases>(&text).expect("cases.toml is valid").case
}

fn run(extractor: &Extractor, case: &Case) -> Extraction {
    let body = std::fs::read_to_string(folder().join(&case.file)).expect("fixture is readable UTF-8");
    let rules: Vec<Rules> = match &case.sources {
        Some(file) => {
            let text = std::fs::read_to_string(folder().join(file)).expect("sources file is readable");
            let parsed = records::source::parse(&text).expect("sources file is valid");
            parsed.sources.into_iter().flat_map(|source| source.rules).collect()
        }
        None => Vec::new(),
    };
    let page = Page {
        url: &case.url,
        content_type: case.content_type.as_deref(),
        body: &body,
        adapter: case.adapter,
        rules: &rules,
    };
    extractor.extract(&page)
}

fn expected_path(file: &str) -> PathBuf {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    folder().join(format!("{stem}.expected.json"))
}

#[test]
fn every_fixture_matches_its_expected_output() {
    let extractor = extractor();
    let bless = std::env::var("SOCLE_BLESS").is_ok_and(|value| value == "1");
    let mut failures = Vec::new();
    for case in cases() {
        let actual = serde_json::to_value(run(&extractor, &case)).expect("an extraction serialises");
        let path = expected_path(&case.file);
        if bless {
            let text = serde_json::to_string_pretty(&actual).expect("serialises") + "\n";
            std::fs::write(&path, text).expect("expected file is writable");
            continue;
        }
        let expected: serde_json::Value = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).expect("expected file is valid JSON"),
            Err(_) => {
                failures.push(format!("{}: no expected file (run with SOCLE_BLESS=1)", case.file));
                continue;
            }
        };
        if actual != expected {
            failures.push(format!(
                "{}: output differs from {}\n--- actual ---\n{}",
                case.file,
                path.display(),
                serde_json::to_string_pretty(&actual).unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_fixture_is_a_case() {
    let listed: Vec<String> = cases().into_iter().flat_map(|case| [Some(case.file), case.sources]).flatten().collect();
    for entry in std::fs::read_dir(folder()).expect("golden folder is readable") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if name == "cases.toml" || name.ends_with(".expected.json") {
            continue;
        }
        assert!(listed.contains(&name), "{name} is in tests/golden/ but not in cases.toml");
    }
}

/// E-mail addresses and French phone numbers (0X XX XX XX XX, +33 X…, with spaces, dots or
/// dashes), searched in the whole serialised output.
fn personal_data(text: &str) -> Vec<String> {
    let email = regex::Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+").unwrap();
    let phone = regex::Regex::new(r"(\+33\s*(\(0\))?\s*|\b0)[1-9]([\s.\-]?\d{2}){4}\b").unwrap();
    email.find_iter(text).chain(phone.find_iter(text)).map(|found| found.as_str().to_owned()).collect()
}

#[test]
fn no_output_holds_an_email_address_or_a_phone_number() {
    assert_eq!(personal_data("écrire à a.b@c.fr ou au 06 12 34 56 78, +33 (0)4 91 22 33 44").len(), 3);
    let extractor = extractor();
    for case in cases() {
        let extraction = run(&extractor, &case);
        let text = serde_json::to_string(&extraction.records).expect("serialises");
        let found = personal_data(&text);
        assert!(found.is_empty(), "{}: personal data left in the records: {found:?}", case.file);
        let names = [
            "Nathalie Giraud",
            "Sophie Marchand",
            "Hélène Prigent",
            "Yann Le Bihan",
            "Camille",
            "Paul Martin",
            "Léa Fabre",
            "Claire Le Goff",
            "Karim Benali",
        ];
        for name in names {
            assert!(!text.contains(name), "{}: the name « {name} » is left in the records", case.file);
        }
    }
}
