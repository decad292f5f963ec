//! Normalisation of extracted values into the records' vocabulary: ISO dates, contract types,
//! salaries and amounts, places (INSEE regions), sector slugs, remote work, stable ids, plain
//! text, and [`finish`], the last step before a record leaves the extraction (personal data
//! removed, competences recognised).
//!
//! Every function takes hostile text: it never panics, reads a bounded prefix of long inputs and
//! answers `None` rather than a guess it cannot support.

mod geo;
mod money;
mod sectors;
mod text;

use std::sync::LazyLock;

use chrono::NaiveDate;
use records::{Contract, Kind, Record};
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::competences::Recogniser;
use crate::pii;

pub use geo::{REGIONS, location, region_code, region_name};
pub use money::{amount, salary_schema, salary_text};
pub use sectors::{SECTORS, sector};
pub use text::text;

/// Longest prefix of a field read by the short-field normalisers (dates, contracts, remote work).
const SHORT_FIELD: usize = 500;

fn prefix(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Month names and abbreviations (French and English, folded) with their number.
const MONTHS: &[(&str, u32)] = &[
    ("janvier", 1),
    ("janv", 1),
    ("jan", 1),
    ("january", 1),
    ("fevrier", 2),
    ("fevr", 2),
    ("fev", 2),
    ("feb", 2),
    ("february", 2),
    ("mars", 3),
    ("mar", 3),
    ("march", 3),
    ("avril", 4),
    ("avr", 4),
    ("apr", 4),
    ("april", 4),
    ("mai", 5),
    ("may", 5),
    ("juin", 6),
    ("jun", 6),
    ("june", 6),
    ("juillet", 7),
    ("juil", 7),
    ("jul", 7),
    ("july", 7),
    ("aout", 8),
    ("aug", 8),
    ("august", 8),
    ("septembre", 9),
    ("sept", 9),
    ("sep", 9),
    ("september", 9),
    ("octobre", 10),
    ("oct", 10),
    ("october", 10),
    ("novembre", 11),
    ("nov", 11),
    ("november", 11),
    ("decembre", 12),
    ("dec", 12),
    ("december", 12),
];

fn month_number(name: &str) -> Option<u32> {
    MONTHS.iter().find(|(known, _)| *known == name).map(|(_, number)| *number)
}

fn iso(year: i32, month: u32, day: u32) -> Option<String> {
    if !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day).map(|date| date.format("%Y-%m-%d").to_string())
}

fn full_year(year: &str) -> Option<i32> {
    let value: i32 = year.parse().ok()?;
    match year.len() {
        4 => Some(value),
        2 => Some(2000 + value),
        _ => None,
    }
}

/// A calendar date as `YYYY-MM-DD`: ISO dates and datetimes (`2026-03-14T09:00:00+01:00`, the
/// date as written, zone ignored), `14/03/2026` (also with `-` or `.`, two-digit years read as
/// 20xx), `14 mars 2026`, `1er mars 2026`, `lundi 14 mars 2026`, abbreviated months
/// (`14 janv. 2026`), RFC 2822 (`Sat, 14 Mar 2026 10:00:00 +0100`) and `March 14, 2026`.
/// Impossible dates (`31/02/2026`) give `None`.
pub fn date(text: &str) -> Option<String> {
    static ISO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s_]|Z)").expect("valid ISO pattern"));
    static ISO_COMPACT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(\d{4})(\d{2})(\d{2})\s*$").expect("valid compact pattern"));
    static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d])(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{4}|\d{2})(?:$|[^\d])").expect("valid pattern")
    });
    static WORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d])(\d{1,2})\s*(?:er)?\s+([a-z]{3,9})\.?,?\s+(\d{4})(?:$|[^\d])").expect("valid pattern")
    });
    static ENGLISH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b").expect("valid"));
    let text = prefix(text, SHORT_FIELD);
    if let Some(captures) = ISO.captures(text) {
        return iso(captures[1].parse().ok()?, captures[2].parse().ok()?, captures[3].parse().ok()?);
    }
    if let Some(captures) = ISO_COMPACT.captures(text) {
        return iso(captures[1].parse().ok()?, captures[2].parse().ok()?, captures[3].parse().ok()?);
    }
    if let Some(captures) = NUMERIC.captures(text)
        && captures[2] == captures[4]
    {
        return iso(full_year(&captures[5])?, captures[3].parse().ok()?, captures[1].parse().ok()?);
    }
    let folded = skills::fold(text);
    if let Some(captures) = WORDS.captures(&folded) {
        let month = month_number(&captures[2])?;
        return iso(captures[3].parse().ok()?, month, captures[1].parse().ok()?);
    }
    if let Some(captures) = ENGLISH.captures(&folded) {
        let month = month_number(&captures[1])?;
        return iso(captures[3].parse().ok()?, month, captures[2].parse().ok()?);
    }
    None
}

/// Contract patterns, tried in order: the first that matches wins, so specific kinds
/// (temporary agency work, work-study, internships, freelance) come before the generic CDD/CDI
/// (`CDI intérimaire` is agency work, `stage pouvant déboucher sur un CDI` an internship).
///
/// France Travail `typeContrat` codes (source: France Travail, API « Offres d'emploi v2 »,
/// référentiel `typesContrats`): CDI; CDD; MIS mission intérimaire; DIN CDI intérimaire; TTI
/// travail temporaire d'insertion (agency work); SAI saisonnier; DDI CDD d'insertion (fixed
/// term); LIB profession libérale; FRA franchise; CCE profession commerciale (independent
/// work). REP (reprise d'entreprise) is no employment contract and gives `None`. schema.org
/// `employmentType`: TEMPORARY → intérim (in French law « travail temporaire » is agency work,
/// Code du travail L1251-1), INTERN → stage, CONTRACTOR and PER_DIEM → freelance; FULL_TIME,
/// PART_TIME, VOLUNTEER and OTHER say nothing about the contract and give `None`.
static CONTRACTS: LazyLock<Vec<(Contract, Regex)>> = LazyLock::new(|| {
    let pattern = |text: &str| Regex::new(text).expect("valid contract pattern");
    vec![
        (
            Contract::Interim,
            pattern(r"\b(?:interim\w*|travail temporaire|mission temporaire|agence d'interim|temporary)\b"),
        ),
        (
            Contract::Alternance,
            pattern(
                r"\b(?:alternance|alternant\w*|apprenti\w*|apprentissage|professionnalisation|contrat pro|work[ -]study|apprenticeship)\b",
            ),
        ),
        (Contract::Stage, pattern(r"\b(?:stages?|stagiaires?|intern|internship|interns|stage de fin d'etudes)\b")),
        (
            Contract::Freelance,
            pattern(
                r"\b(?:free[ -]?lances?|freelancer|independant\w*|contractor|per[_ ]diem|profession liberale|franchise|auto[ -]?entrepreneur\w*|micro[ -]?entrepreneur\w*|portage salarial|consultant externe)\b",
            ),
        ),
        (
            Contract::Cdd,
            pattern(r"\b(?:cdd|duree determinee|fixed[ -]term|saisonnier\w*|contrat saisonnier|contrat temporaire)\b"),
        ),
        (Contract::Cdi, pattern(r"\b(?:cdi|duree indeterminee|permanent|contrat permanent|open[ -]ended)\b")),
    ]
});

/// The contract type named by a field: `CDI`, `Contrat à durée indéterminée`, schema.org
/// `employmentType` values, France Travail `typeContrat` codes and labels, `alternance`,
/// `apprentissage`, `contrat de professionnalisation`, `freelance`, `indépendant`, `stage`…
/// Specific kinds are tried before the generic ones (`CDI intérimaire` is agency work, `stage
/// pouvant déboucher sur un CDI` an internship); schema.org `TEMPORARY` is agency work.
pub fn contract(text: &str) -> Option<Contract> {
    let folded = skills::fold(prefix(text, SHORT_FIELD)).replace(['_', '’'], " ");
    let code = match folded.trim() {
        "rep" => return None,
        "mis" | "din" | "tti" => Some(Contract::Interim),
        "sai" | "ddi" => Some(Contract::Cdd),
        "lib" | "fra" | "cce" => Some(Contract::Freelance),
        _ => None,
    };
    if code.is_some() {
        return code;
    }
    CONTRACTS.iter().find(|(_, pattern)| pattern.is_match(&folded)).map(|(contract, _)| *contract)
}

/// Whether a field offers remote work: `true` for `télétravail partiel`, `TELECOMMUTE`
/// (schema.org `jobLocationType`), `100 % à distance`, `hybride`, `full remote`, `Télétravail :
/// oui`; `false` for `pas de télétravail`, `sans télétravail`, `Télétravail : non`, `100 % sur
/// site`, `présentiel uniquement`; `None` when the text says nothing about it.
pub fn remote(text: &str) -> Option<bool> {
    static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\b(?:pas de|sans|aucun|non|no)\s+(?:teletravail|remote|travail a distance)|(?:teletravail|remote|travail a distance)\s*(?::|-)?\s*(?:non\b|no\b|impossible|exclu|pas possible|non autorise|non possible)|100\s*%\s*(?:sur site|presentiel)|(?:presentiel|sur site)\s+(?:uniquement|exclusivement|obligatoire)|\bon[ -]site only\b",
        )
        .expect("valid negative remote pattern")
    });
    static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\b(?:teletravail|tele-travail|telecommute|telework\w*|remote|a distance|hybride|hybrid|home[ -]?office|travail a domicile|distanciel)\b",
        )
        .expect("valid positive remote pattern")
    });
    let folded = skills::fold(prefix(text, 5 * SHORT_FIELD));
    if NEGATIVE.is_match(&folded) {
        Some(false)
    } else if POSITIVE.is_match(&folded) {
        Some(true)
    } else {
        None
    }
}

/// A stable identifier: the kind, `-`, then 16 hexadecimal digits of the SHA-256 of the parts
/// folded (accents, case and whitespace), so that the same record read again, from the same
/// source, gets the same id (`job-3f2a…`).
pub fn stable_id(kind: Kind, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        let folded = skills::fold(part);
        let collapsed = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        hasher.update(collapsed.as_bytes());
        hasher.update([0x1f]);
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(8).map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{hex}", kind.as_str())
}

/// Trims and collapses whitespace; empty strings become `None`.
fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clean_free_text(text: &str) -> String {
    clean(&pii::scrub(text))
}

/// An optional name of an organisation: personal data scrubbed, dropped when it names a person
/// or nothing is left.
fn organisation(name: Option<String>) -> Option<String> {
    let name = clean(&pii::scrub(&name?));
    (!name.is_empty() && !pii::looks_like_person(&name) && !name.contains(pii::MARKER)).then_some(name)
}

fn optional(text: Option<String>) -> Option<String> {
    text.map(|text| clean_free_text(&text)).filter(|text| !text.is_empty())
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.retain(|item| !item.is_empty());
    items.sort();
    items.dedup();
    items
}

/// Non-empty items in their source order, each kept once (the first time it appears).
fn unique_in_order(mut items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| !item.is_empty() && seen.insert(item.clone()));
    items
}

/// The last step before a record leaves the extraction: personal data removed from every
/// free-text field ([`pii::scrub`]: contact sentences removed whole), employers, funders,
/// recipients, publishers and organisations dropped only when they clearly name a person
/// ([`pii::looks_like_person`]), competences recognised in a job's title and description (added
/// to those the source gave) and sorted, duplicate URLs sorted, a project's organisations and a
/// dataset's formats deduplicated in their source order (the coordinator first, the main format
/// first), strings trimmed and empty ones dropped.
pub fn finish(record: Record, recogniser: &Recogniser) -> Record {
    match record {
        Record::Job(mut job) => {
            job.title = clean_free_text(&job.title);
            job.description = clean_free_text(&job.description);
            job.employer = organisation(job.employer);
            job.location.city = optional(job.location.city);
            job.location.postal_code = job.location.postal_code.map(|code| clean(&code)).filter(|c| !c.is_empty());
            job.rome_code = job.rome_code.map(|code| clean(&code).to_uppercase()).filter(|c| !c.is_empty());
            job.sector = job.sector.map(|sector| clean(&sector)).filter(|s| !s.is_empty());
            let mut competences = std::mem::take(&mut job.competences);
            competences.extend(recogniser.recognise(&format!("{}\n{}", job.title, job.description)));
            job.competences = sorted(competences);
            job.source_url = job.source_url.trim().to_owned();
            let source = job.source_url.clone();
            job.duplicate_urls = sorted(job.duplicate_urls.into_iter().map(|url| url.trim().to_owned()).collect());
            job.duplicate_urls.retain(|url| *url != source);
            Record::Job(job)
        }
        Record::Funding(mut funding) => {
            funding.title = clean_free_text(&funding.title);
            funding.funder = organisation(funding.funder);
            funding.recipient = organisation(funding.recipient);
            funding.programme = optional(funding.programme);
            funding.stage = optional(funding.stage);
            funding.source_url = funding.source_url.trim().to_owned();
            Record::Funding(funding)
        }
        Record::Project(mut project) => {
            project.title = clean_free_text(&project.title);
            project.description = clean_free_text(&project.description);
            project.organisations = unique_in_order(
                std::mem::take(&mut project.organisations)
                    .into_iter()
                    .filter_map(|name| organisation(Some(name)))
                    .collect(),
            );
            project.funder = organisation(project.funder);
            project.source_url = project.source_url.trim().to_owned();
            Record::Project(project)
        }
        Record::Dataset(mut dataset) => {
            dataset.title = clean_free_text(&dataset.title);
            dataset.publisher = organisation(dataset.publisher);
            dataset.licence = optional(dataset.licence);
            dataset.formats =
                unique_in_order(dataset.formats.iter().map(|format| clean(format).to_lowercase()).collect());
            dataset.source_url = dataset.source_url.trim().to_owned();
            Record::Dataset(dataset)
        }
    }
}
