//! The extraction measured on the demo web (`demoweb`, seed 2026): every page is read with the
//! rules of `observatory/sources/demo.toml`, and the records are compared field by field with
//! the ground truth (`job_pages`, `fundings`, `projects`, `datasets`), matched by `source_url`.
//! The job posting fields the issue requires (title, description, date, employer, city, region,
//! contract) must each reach F1 ≥ 0.98. Then the near-duplicate merging (`dedup`) runs on every
//! job posting extracted, and its pairs are compared with the truth's duplicate groups: pairwise
//! precision ≥ 0.95 and recall ≥ 0.85. Prints precision, recall and F1 per field and the
//! merging's figures (`cargo test -p extract --test golden_demo -- --nocapture`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::LazyLock;

use extract::{Extractor, Page, dedup};
use records::source::{Adapter, Source};
use records::{JobPosting, Record};

/// Windows-1252 bytes 0x80–0x9F (the rest is Latin-1); unassigned bytes become U+FFFD.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž', '\u{fffd}', '\u{fffd}',
    '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}', 'ž', 'Ÿ',
];

fn decode(body: &[u8], content_type: &str) -> String {
    if content_type.to_ascii_lowercase().contains("windows-1252") {
        body.iter()
            .map(
                |&byte| {
                    if (0x80..0xA0).contains(&byte) { CP1252_HIGH[usize::from(byte - 0x80)] } else { char::from(byte) }
                },
            )
            .collect()
    } else {
        String::from_utf8_lossy(body).into_owned()
    }
}

fn host(url: &str) -> String {
    url::Url::parse(url).ok().and_then(|url| url.host_str().map(str::to_owned)).unwrap_or_default()
}

/// A record's fields as comparable text, nested objects flattened (`location.city`); the
/// generator's ids and the bookkeeping fields are left out.
fn fields(record: &serde_json::Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(object) = record.as_object() else { return out };
    for (key, value) in object {
        if matches!(key.as_str(), "id" | "kind" | "duplicate_urls" | "source_url") {
            continue;
        }
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) if items.is_empty() => {}
            serde_json::Value::String(text) if text.is_empty() => {}
            serde_json::Value::Object(inner) if key == "location" => {
                for (sub, sub_value) in inner {
                    if !sub_value.is_null() {
                        out.insert(format!("{key}.{sub}"), sub_value.to_string());
                    }
                }
            }
            other => {
                out.insert(key.clone(), other.to_string());
            }
        }
    }
    out
}

/// A wrong field: site, expected value, extracted value.
type Mistake = (String, Option<String>, Option<String>);

#[derive(Default, Debug)]
struct Counts {
    true_positive: usize,
    false_positive: usize,
    false_negative: usize,
}

impl Counts {
    fn scores(&self) -> (f64, f64, f64) {
        let ratio = |a: usize, b: usize| if a + b == 0 { 1.0 } else { a as f64 / (a + b) as f64 };
        let precision = ratio(self.true_positive, self.false_positive);
        let recall = ratio(self.true_positive, self.false_negative);
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        (precision, recall, f1)
    }
}

/// The demo web and every record extracted from it, computed once for the tests of this file.
struct Demo {
    web: demoweb::DemoWeb,
    /// Records by kind, then by source URL.
    extracted: BTreeMap<&'static str, HashMap<String, Record>>,
    /// Records met twice for one URL.
    repeated: usize,
}

static DEMO: LazyLock<Demo> = LazyLock::new(|| {
    let web = demoweb::generate(demoweb::DEFAULT_SEED);
    let sources_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../observatory/sources/demo.toml");
    let sources: Vec<Source> = records::source::parse(&std::fs::read_to_string(sources_path).expect("demo.toml"))
        .expect("demo.toml is valid")
        .sources;
    let referentiel = skills::embedded().expect("référentiel");
    let extractor = Extractor::new(&referentiel);

    let mut extracted: BTreeMap<&'static str, HashMap<String, Record>> = BTreeMap::new();
    let mut problems: BTreeMap<String, usize> = BTreeMap::new();
    let mut repeated = 0;
    for page in web.pages() {
        let page_host = host(&page.url);
        let Some(source) = sources.iter().find(|source| source.allowed_hosts.contains(&page_host)) else { continue };
        let adapter: Option<Adapter> = source.seeds.iter().find_map(|seed| seed.adapter);
        let body = decode(&page.body, &page.content_type);
        let extraction = extractor.extract(&Page {
            url: &page.url,
            content_type: Some(&page.content_type),
            body: &body,
            adapter,
            rules: &source.rules,
        });
        for problem in extraction.problems {
            let short: String = problem.chars().take(70).collect();
            *problems.entry(format!("{page_host}: {short}")).or_default() += 1;
        }
        for record in extraction.records {
            let url = record.source_url().to_owned();
            if extracted.entry(record.kind().as_str()).or_default().insert(url, record).is_some() {
                repeated += 1;
            }
        }
    }
    for problem in problems.iter().map(|(problem, count)| format!("  problème ×{count} : {problem}")) {
        eprintln!("{problem}");
    }
    Demo { web, extracted, repeated }
});

/// The job posting fields the issue requires.
const REQUIRED_JOB_FIELDS: [&str; 7] =
    ["title", "description", "date_posted", "employer", "location.city", "location.region_code", "contract"];

#[test]
fn job_fields_of_the_demo_web_are_extracted() {
    let web = &DEMO.web;
    let mut extracted: BTreeMap<&'static str, HashMap<String, serde_json::Value>> = DEMO
        .extracted
        .iter()
        .map(|(kind, records)| {
            let values = records
                .iter()
                .map(|(url, record)| (url.clone(), serde_json::to_value(record).expect("serialises")))
                .collect();
            (*kind, values)
        })
        .collect();
    eprintln!("enregistrements extraits deux fois pour une même URL : {}", DEMO.repeated);
    assert_eq!(DEMO.repeated, 0, "every record has its own URL");

    let truth = web.truth();
    let as_values = |records: Vec<serde_json::Value>| records;
    let expected: [(&str, Vec<serde_json::Value>); 4] = [
        (
            "job",
            as_values(truth.job_pages.iter().map(|record| serde_json::to_value(record).expect("serialises")).collect()),
        ),
        ("funding", truth.fundings.iter().map(|record| serde_json::to_value(record).expect("serialises")).collect()),
        ("project", truth.projects.iter().map(|record| serde_json::to_value(record).expect("serialises")).collect()),
        ("dataset", truth.datasets.iter().map(|record| serde_json::to_value(record).expect("serialises")).collect()),
    ];
    let mut job_worst = 1.0f64;
    let mut job_required: BTreeMap<String, f64> = BTreeMap::new();
    let mut job_matched = 0.0;
    for (kind, records) in expected {
        let mut found_records = extracted.remove(kind).unwrap_or_default();
        let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
        let mut mistakes: BTreeMap<String, Vec<Mistake>> = BTreeMap::new();
        let mut matched = 0;
        for record in &records {
            let url = record["source_url"].as_str().unwrap_or_default().to_owned();
            let found = found_records.remove(&url);
            matched += usize::from(found.is_some());
            let want = fields(record);
            let got = found.as_ref().map(fields).unwrap_or_default();
            let names: std::collections::BTreeSet<&String> = want.keys().chain(got.keys()).collect();
            for name in names {
                let (want, got) = (want.get(name).cloned(), got.get(name).cloned());
                let entry = counts.entry(name.clone()).or_default();
                if want.is_some() && want == got {
                    entry.true_positive += 1;
                    continue;
                }
                entry.false_positive += usize::from(got.is_some());
                entry.false_negative += usize::from(want.is_some());
                let examples = mistakes.entry(name.clone()).or_default();
                if examples.len() < 3 || (examples.len() < 8 && examples.iter().all(|(site, _, _)| *site != host(&url)))
                {
                    examples.push((host(&url), want, got));
                }
            }
        }
        for unexpected in found_records.values() {
            for name in fields(unexpected).into_keys() {
                counts.entry(name).or_default().false_positive += 1;
            }
        }
        eprintln!("== {kind} : vérité {}, retrouvés {matched}, en trop {}", records.len(), found_records.len());
        for (name, count) in &counts {
            let (precision, recall, f1) = count.scores();
            eprintln!("{name:>22}: précision {precision:.4}  rappel {recall:.4}  F1 {f1:.4}  {count:?}");
            for (site, want, got) in mistakes.get(name).into_iter().flatten() {
                let cut =
                    |value: &Option<String>| value.as_deref().map(|text| text.chars().take(90).collect::<String>());
                eprintln!("        {site}: attendu {:?}, obtenu {:?}", cut(want), cut(got));
            }
            if kind == "job" && REQUIRED_JOB_FIELDS.contains(&name.as_str()) {
                job_worst = job_worst.min(f1);
                job_required.insert(name.clone(), f1);
            }
        }
        if kind == "job" {
            job_matched = matched as f64 / records.len().max(1) as f64;
        }
    }
    assert!(job_matched >= 0.98, "only {:.1} % of the job pages found", 100.0 * job_matched);
    for name in REQUIRED_JOB_FIELDS {
        assert!(job_required.contains_key(name), "required field {name} was never measured");
    }
    assert!(job_worst >= 0.98, "a required job field's F1 is below 0.98: {job_required:?}");
}

/// Every unordered pair of URLs within each group.
fn pairs<'a>(groups: impl IntoIterator<Item = Vec<&'a str>>) -> BTreeSet<(&'a str, &'a str)> {
    let mut out = BTreeSet::new();
    for group in groups {
        for (position, a) in group.iter().enumerate() {
            for b in &group[position + 1..] {
                out.insert(if a < b { (*a, *b) } else { (*b, *a) });
            }
        }
    }
    out
}

#[test]
fn near_duplicates_of_the_demo_web_are_merged() {
    let truth = DEMO.web.truth();
    let mut postings: Vec<JobPosting> = DEMO.extracted["job"]
        .values()
        .filter_map(|record| match record {
            Record::Job(job) => Some(job.clone()),
            _ => None,
        })
        .collect();
    postings.sort_by(|a, b| a.source_url.cmp(&b.source_url));
    assert_eq!(postings.len(), truth.job_pages.len(), "every job page is extracted");

    let found_groups = dedup::groups(&postings);
    let found = pairs(
        found_groups.iter().map(|group| group.iter().map(|&index| postings[index].source_url.as_str()).collect()),
    );
    let expected = pairs(truth.duplicate_groups.iter().map(|group| group.iter().map(String::as_str).collect()));
    let shared = found.intersection(&expected).count();
    let precision = if found.is_empty() { 1.0 } else { shared as f64 / found.len() as f64 };
    let recall = if expected.is_empty() { 1.0 } else { shared as f64 / expected.len() as f64 };
    eprintln!(
        "doublons : {} groupes trouvés, {} attendus ; paires trouvées {}, attendues {}, communes {shared}",
        found_groups.len(),
        truth.duplicate_groups.len(),
        found.len(),
        expected.len()
    );
    eprintln!("doublons : précision {precision:.4}  rappel {recall:.4}");
    let by_url: HashMap<&str, &JobPosting> = postings.iter().map(|job| (job.source_url.as_str(), job)).collect();
    let show = |(a, b): &(&str, &str)| {
        let (a, b) = (by_url[a], by_url[b]);
        let facts = |job: &JobPosting| {
            let salary = job.salary.as_ref().map(|salary| (salary.min, salary.max));
            format!(
                "{:?} {:?} {:?} {:?} {salary:?} {:?}",
                job.employer, job.location.city, job.contract, job.date_posted, job.competences
            )
        };
        format!("{} « {} » {}\n      {} « {} » {}", a.source_url, a.title, facts(a), b.source_url, b.title, facts(b))
    };
    for pair in found.difference(&expected).take(5) {
        eprintln!("  fusion à tort : {}", show(pair));
    }
    for pair in expected.difference(&found).take(5) {
        eprintln!("  doublon manqué : {}", show(pair));
    }

    // Merging keeps every URL exactly once, one record per group.
    let merged = dedup::merge(postings.clone());
    let members: usize = found_groups.iter().map(Vec::len).sum();
    assert_eq!(merged.len(), postings.len() - members + found_groups.len());
    let mut urls: Vec<&str> = merged
        .iter()
        .flat_map(|job| std::iter::once(job.source_url.as_str()).chain(job.duplicate_urls.iter().map(String::as_str)))
        .collect();
    urls.sort_unstable();
    let all: Vec<&str> = postings.iter().map(|job| job.source_url.as_str()).collect();
    assert_eq!(urls, all, "every source URL is kept once");

    assert!(precision >= 0.95, "near-duplicate precision {precision:.4} < 0.95");
    assert!(recall >= 0.85, "near-duplicate recall {recall:.4} < 0.85");
}

/// Every string of a record's JSON but its id.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        // Ids are hexadecimal hashes, not text (`job-0776507754a37e98` is no phone number).
        serde_json::Value::Object(map) => {
            map.iter().filter(|(key, _)| *key != "id").for_each(|(_, item)| strings(item, out))
        }
        _ => {}
    }
}

#[test]
fn no_record_of_the_demo_web_holds_personal_data() {
    let mut texts: Vec<String> = Vec::new();
    for records in DEMO.extracted.values() {
        for record in records.values() {
            strings(&serde_json::to_value(record).expect("serialises"), &mut texts);
        }
    }
    assert!(texts.len() > 50_000, "{} texts", texts.len());
    let leaks: Vec<(&String, Vec<String>)> =
        texts.iter().map(|text| (text, extract::pii::find(text))).filter(|(_, found)| !found.is_empty()).collect();
    assert!(leaks.is_empty(), "{} texts hold personal data, e.g. {:?}", leaks.len(), leaks.first());
    // Every planted datum is looked for in the record read from its page.
    let planted = &DEMO.web.truth().personal_data;
    let mut checked = 0;
    let mut found: Vec<&str> = Vec::new();
    for datum in planted {
        for records in DEMO.extracted.values() {
            let Some(record) = records.get(&datum.url) else { continue };
            let mut texts = Vec::new();
            strings(&serde_json::to_value(record).expect("serialises"), &mut texts);
            checked += 1;
            if texts.iter().any(|text| text.contains(&datum.text)) {
                found.push(&datum.text);
            }
        }
    }
    eprintln!(
        "données personnelles plantées : {}, cherchées dans l'enregistrement de leur page : {checked}",
        planted.len()
    );
    assert!(checked > 1000, "only {checked} planted data checked");
    assert!(found.is_empty(), "{} planted personal data found in the records, e.g. {:?}", found.len(), found.first());
    // The contact sentences are gone whole: no marker is left in a job description.
    let marked = DEMO.extracted["job"]
        .values()
        .filter(|record| matches!(record, Record::Job(job) if job.description.contains(extract::pii::MARKER)))
        .count();
    assert_eq!(marked, 0);
}
