//! Synthetic job postings at scale, for benchmarks of the observatory's store, index and
//! indicators: as many postings as asked, generated lazily from a seed (one posting at a time,
//! so that ten million never sit in memory), shaped like the demo web's and built from its
//! vocabulary.
//!
//! What the generator promises, and the tests check:
//! - the same seed and count give the same postings; ids are `synth-<seed>-<n>`, `n` counting
//!   from 0;
//! - dates spread over the [`N_SYNTH_MONTHS`] months ending at [`crate::TODAY`], more postings in
//!   recent months (growth and seasonality); postings come month after month (the days within a
//!   month are not sorted), so that a writer cutting them into batches touches one or two month
//!   partitions of the record store per batch;
//! - places are the demo web's cities (real postal codes, INSEE region codes of
//!   `records::geo::REGIONS`) weighted by population, so Île-de-France holds about a third;
//! - titles are the demo web's roles; descriptions are 80 to 200 words of French whose
//!   competence keywords are exactly the posting's `competences` (what
//!   [`crate::KeywordMatcher`], the ground truth's matcher, finds in title and description);
//! - 2 to 7 competences per posting, drawn from the role's pool with decreasing weights, plus
//!   rising ones (deep learning, language processing, MLOps) whose share grows over time;
//! - a salary on about 60 % of postings of every contract, per year (CDI, CDD, sometimes per
//!   month), per month (internships, apprenticeships, temporary work) or per day (freelance).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use records::{Contract, JobPosting, Location, Salary, SalaryPeriod};

use crate::calendar::{days_from_civil, iso};
use crate::matcher::KeywordMatcher;
use crate::vocab::{self, CITIES, EMPLOYERS, ROLES, SECTORS};

/// Months the synthetic postings cover, ending with the month of [`crate::TODAY`].
pub const N_SYNTH_MONTHS: i64 = 36;
/// Host of the synthetic postings' `source_url` (a reserved `.test` name, never served).
pub const SYNTH_HOST: &str = "offres-synthetiques.test";
/// Fewest and most words of a description.
pub const DESCRIPTION_WORDS: (usize, usize) = (80, 200);
/// Share of postings that advertise a salary.
const SALARY_SHARE: f64 = 0.6;
/// Competences whose share of postings rises over the period (deep learning, text processing,
/// MLOps), with their share at the start and at the end.
const RISING: [(&str, f64, f64); 3] = [("DS.MST.12", 0.04, 0.30), ("DS.MST.13", 0.02, 0.22), ("DS.INF.10", 0.03, 0.18)];
/// Transversal competences that any posting may ask for, with their share.
const TRANSVERSAL: [(&str, f64); 4] =
    [("DS.TRV.01", 0.12), ("DS.TRV.03", 0.08), ("DS.MET.08", 0.05), ("DS.INF.11", 0.04)];
/// Contract weights (CDI, CDD, internship, apprenticeship, freelance, temporary work).
const CONTRACT_WEIGHTS: [f64; 6] = [62.0, 12.0, 8.0, 9.0, 6.0, 3.0];

/// Keyword-free sentences about the team and its environment, to bring a description to its
/// length. None holds a référentiel keyword (unit-tested).
const CONTEXT_SENTENCES: &[&str] = &[
    "L'équipe compte une douzaine de personnes aux profils variés et travaille en lien étroit avec les directions opérationnelles.",
    "Vous rejoignez un pôle créé il y a trois ans, qui accompagne aujourd'hui l'ensemble des directions de l'entreprise.",
    "Les projets sont menés par petites équipes autonomes, avec des points réguliers et des démonstrations mensuelles.",
    "Le télétravail est possible jusqu'à trois jours par semaine selon l'organisation de l'équipe.",
    "Vous bénéficierez d'un parcours d'intégration de plusieurs semaines et d'un accompagnement par un parrain ou une marraine.",
    "Nos locaux, accessibles en transports en commun, disposent d'espaces de travail calmes et de salles de réunion équipées.",
    "Un budget annuel de formation et la participation à des conférences sont prévus pour chaque membre de l'équipe.",
    "Vous travaillerez avec des interlocuteurs variés : responsables métiers, équipes techniques et partenaires extérieurs.",
    "Les sujets portent sur des enjeux concrets de l'entreprise, du pilotage de l'activité à l'amélioration du service rendu.",
    "La rémunération comprend une part variable et une participation aux résultats de l'entreprise.",
    "Nous attachons une grande importance à la diversité des parcours et à l'équilibre entre vie professionnelle et vie personnelle.",
    "Une première expérience en entreprise, même courte, sera appréciée.",
];

/// Seasonality of the calendar months (January first): lows in August and December.
const SEASON: [f64; 12] = [1.15, 1.05, 1.15, 1.0, 1.0, 0.95, 0.8, 0.55, 1.2, 1.1, 1.0, 0.75];

/// A competence the generator can plant: its id and the keywords that make the matcher find it
/// and nothing else.
struct Plantable {
    id: String,
    keywords: Vec<String>,
}

/// What the generator draws from, built once per run.
struct Tables {
    /// Per role, the competences of its pool in pool order (the first ones weigh most).
    pools: Vec<Vec<Plantable>>,
    /// Per role, the competences its titles carry (`[title, alternative title]`).
    title_competences: Vec<[Vec<String>; 2]>,
    /// Per contract (of `Contract::ALL`), the competences its title prefix and sentence carry
    /// (« stage » and « alternance » are keywords of the work placement).
    contract_competences: Vec<Vec<String>>,
    rising: Vec<(Plantable, f64, f64)>,
    transversal: Vec<(Plantable, f64)>,
    /// Cumulative weights of months, cities, roles, employers and contracts.
    months: Vec<f64>,
    cities: Vec<f64>,
    roles: Vec<f64>,
    employers: Vec<f64>,
    contracts: Vec<f64>,
    /// First day (days since 1970) and length of each month of the period.
    month_spans: Vec<(i64, i64)>,
}

/// Cumulative sums of `weights`, for [`draw`].
fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .into_iter()
        .map(|weight| {
            total += weight;
            total
        })
        .collect()
}

/// An index drawn with the weights whose cumulative sums are `cumulative`.
fn draw(rng: &mut ChaCha8Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let point = rng.random::<f64>() * total;
    cumulative.partition_point(|sum| *sum <= point).min(cumulative.len().saturating_sub(1))
}

/// First day and length of month `m` of the period (0 = the oldest month).
fn month_span(m: i64) -> (i64, i64) {
    let index = 2026 * 12 + 10 - 1 - (N_SYNTH_MONTHS - 1) + m;
    let (year, month) = ((index / 12) as i32, (index % 12) as u32 + 1);
    let start = days_from_civil(year, month, 1);
    let next = if month == 12 { days_from_civil(year + 1, 1, 1) } else { days_from_civil(year, month + 1, 1) };
    (start, next - start)
}

impl Tables {
    fn new() -> Tables {
        // The référentiel compiled into `skills` is checked by CI; it cannot be invalid here.
        let referentiel = skills::embedded().expect("the embedded référentiel is valid");
        let matcher = KeywordMatcher::new(&referentiel);
        let plantable = |id: &str| -> Option<Plantable> {
            let competence = referentiel.competence(id)?;
            let keywords: Vec<String> = competence
                .keywords
                .fr
                .iter()
                .chain(&competence.keywords.en)
                .filter(|keyword| matcher.competences(keyword) == [id])
                .cloned()
                .collect();
            (!keywords.is_empty()).then(|| Plantable { id: id.to_owned(), keywords })
        };
        let pools = ROLES.iter().map(|role| role.pool.iter().filter_map(|id| plantable(id)).collect()).collect();
        let title_competences =
            ROLES.iter().map(|role| [matcher.competences(role.title), matcher.competences(role.title_alt)]).collect();
        let contract_competences = Contract::ALL
            .iter()
            .map(|contract| {
                matcher.competences(&format!("{} {}", title_prefix(*contract), contract_sentence(*contract)))
            })
            .collect();
        let rising = RISING.iter().filter_map(|(id, from, to)| Some((plantable(id)?, *from, *to))).collect();
        let transversal = TRANSVERSAL.iter().filter_map(|(id, share)| Some((plantable(id)?, *share))).collect();
        let month_spans: Vec<(i64, i64)> = (0..N_SYNTH_MONTHS).map(month_span).collect();
        let months = cumulative(month_spans.iter().enumerate().map(|(m, (start, _))| {
            let (_, calendar_month, _) = crate::calendar::civil_from_days(*start);
            (1.0 + 1.5 * m as f64 / (N_SYNTH_MONTHS - 1) as f64) * SEASON[calendar_month as usize - 1]
        }));
        Tables {
            pools,
            title_competences,
            contract_competences,
            rising,
            transversal,
            months,
            cities: cumulative(CITIES.iter().map(|city| f64::from(city.weight))),
            roles: cumulative(ROLES.iter().map(|role| f64::from(role.weight))),
            // A few large recruiters and many small ones.
            employers: cumulative((0..EMPLOYERS.len()).map(|index| 1.0 + (index * 7 % 11) as f64)),
            contracts: cumulative(CONTRACT_WEIGHTS),
            month_spans,
        }
    }
}

/// The synthetic postings' generator; see [`postings`].
struct Postings {
    seed: u64,
    next: usize,
    count: usize,
    /// Postings of each month of the period, and the month being generated.
    per_month: Vec<usize>,
    month: usize,
    done_in_month: usize,
    rng: ChaCha8Rng,
    tables: Tables,
}

/// `count` shared between the months by their weights (floors, the remainder to the latest
/// months).
fn per_month(tables: &Tables, count: usize) -> Vec<usize> {
    let total = tables.months.last().copied().unwrap_or(1.0);
    let mut previous = 0.0;
    let mut counts: Vec<usize> = tables
        .months
        .iter()
        .map(|sum| {
            let weight = sum - previous;
            previous = *sum;
            (weight / total * count as f64).floor() as usize
        })
        .collect();
    let mut missing = count - counts.iter().sum::<usize>().min(count);
    for month_count in counts.iter_mut().rev() {
        if missing == 0 {
            break;
        }
        *month_count += 1;
        missing -= 1;
    }
    counts
}

/// `count` synthetic job postings generated from `seed` (see the module's documentation),
/// lazily: memory does not grow with `count`.
pub fn postings(seed: u64, count: usize) -> impl Iterator<Item = JobPosting> {
    let tables = Tables::new();
    let per_month = per_month(&tables, count);
    Postings {
        seed,
        next: 0,
        count,
        per_month,
        month: 0,
        done_in_month: 0,
        rng: ChaCha8Rng::seed_from_u64(seed),
        tables,
    }
}

impl Iterator for Postings {
    type Item = JobPosting;

    fn next(&mut self) -> Option<JobPosting> {
        if self.next >= self.count {
            return None;
        }
        while self.done_in_month >= self.per_month[self.month] {
            self.month += 1;
            self.done_in_month = 0;
        }
        let posting = generate(&mut self.rng, &self.tables, self.seed, self.next, self.month);
        self.next += 1;
        self.done_in_month += 1;
        Some(posting)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count - self.next;
        (left, Some(left))
    }
}

fn salary(rng: &mut ChaCha8Rng, role: &vocab::Role, senior: u8, contract: Contract, paris: bool, t: f64) -> Salary {
    let eur = |min: f64, max: f64, period| Salary { min: Some(min), max: Some(max), currency: "EUR".into(), period };
    let fixed = rng.random_bool(0.25);
    match contract {
        Contract::Stage => {
            let value = f64::from(rng.random_range(7..=15) * 100);
            eur(value, value, SalaryPeriod::Month)
        }
        Contract::Alternance | Contract::Interim => {
            let low = f64::from(rng.random_range(10..=22) * 100);
            if fixed { eur(low, low, SalaryPeriod::Month) } else { eur(low, low + 200.0, SalaryPeriod::Month) }
        }
        Contract::Freelance => {
            let low = f64::from(rng.random_range(8..=15) * 50);
            if fixed { eur(low, low, SalaryPeriod::Day) } else { eur(low, low + 100.0, SalaryPeriod::Day) }
        }
        Contract::Cdi | Contract::Cdd => {
            // Three years of wage growth, about 2 % a year.
            let mut base =
                f64::from(role.base_salary_k + u32::from(senior) * 9 + rng.random_range(0..4)) * (1.0 + 0.06 * t);
            if paris {
                base *= 1.12;
            }
            let low = base.round() * 1000.0;
            let high = if fixed { low } else { low + f64::from(rng.random_range(3..=10)) * 1000.0 };
            if rng.random_bool(0.2) {
                // Some boards give the monthly gross, rounded to 50 euros.
                let monthly = |yearly: f64| (yearly / 12.0 / 50.0).round() * 50.0;
                eur(monthly(low), monthly(high), SalaryPeriod::Month)
            } else {
                eur(low, high, SalaryPeriod::Year)
            }
        }
    }
}

fn title(role: &vocab::Role, contract: Contract, variant: usize, city: &str, employer: &str, senior: u8) -> String {
    let base = if variant == 1 { role.title_alt } else { role.title };
    let level = ["junior", "confirmé", "senior"][usize::from(senior)];
    let core = match variant {
        0 => format!("{base} (H/F)"),
        1 => format!("{base} H/F – {city}"),
        _ => format!("{base} {level} – {employer}"),
    };
    format!("{}{core}", title_prefix(contract))
}

/// What a title starts with for this contract.
fn title_prefix(contract: Contract) -> &'static str {
    match contract {
        Contract::Stage => "Stage – ",
        Contract::Alternance => "Alternance – ",
        _ => "",
    }
}

fn contract_sentence(contract: Contract) -> &'static str {
    match contract {
        Contract::Stage => "Ce stage de six mois débute au printemps.",
        Contract::Alternance => "Ce poste est proposé en alternance, sur un rythme de trois semaines en entreprise.",
        Contract::Cdd => "Contrat à durée déterminée de douze mois.",
        Contract::Interim => "Mission d'intérim de six mois, renouvelable.",
        Contract::Freelance => "Mission en indépendant de six mois, renouvelable.",
        Contract::Cdi => "Poste en contrat à durée indéterminée.",
    }
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The description: introduction, missions and profile carrying the keywords, the contract,
/// context sentences up to a drawn length, and a closing sentence.
fn description(
    rng: &mut ChaCha8Rng,
    role_name: &str,
    contract: Contract,
    keywords: &[&str],
    employer: &str,
    city: &str,
) -> String {
    let intro = vocab::INTRO_TEMPLATES[rng.random_range(0..vocab::INTRO_TEMPLATES.len())]
        .replace("{employer}", employer)
        .replace("{city}", city)
        .replace("{role}", &role_name.to_lowercase());
    let split = keywords.len().div_ceil(2);
    let mut parts = vec![intro, "Vos missions :".to_owned()];
    let offset = rng.random_range(0..5usize);
    for (index, keyword) in keywords.iter().enumerate() {
        if index == split {
            parts.push("Votre profil :".to_owned());
        }
        let template = if index < split {
            vocab::MISSION_TEMPLATES[(index + offset) % vocab::MISSION_TEMPLATES.len()]
        } else {
            vocab::PROFILE_TEMPLATES[(index + offset) % vocab::PROFILE_TEMPLATES.len()]
        };
        parts.push(template.replace("{kw}", keyword));
    }
    parts.push(contract_sentence(contract).to_owned());
    let closing = vocab::CLOSING_SENTENCES[rng.random_range(0..vocab::CLOSING_SENTENCES.len())];
    let mut n_words: usize = parts.iter().map(|part| words(part)).sum::<usize>() + words(closing);
    let target = rng.random_range(DESCRIPTION_WORDS.0 + 5..=DESCRIPTION_WORDS.1 - 20);
    let first = rng.random_range(0..CONTEXT_SENTENCES.len());
    for step in 0..CONTEXT_SENTENCES.len() {
        if n_words >= target {
            break;
        }
        let sentence = CONTEXT_SENTENCES[(first + step * 5) % CONTEXT_SENTENCES.len()];
        if n_words + words(sentence) > DESCRIPTION_WORDS.1 {
            break;
        }
        n_words += words(sentence);
        parts.push(sentence.to_owned());
    }
    parts.push(closing.to_owned());
    parts.join(" ")
}

/// Posting number `n`.
fn generate(rng: &mut ChaCha8Rng, tables: &Tables, seed: u64, n: usize, month: usize) -> JobPosting {
    let (start, length) = tables.month_spans[month];
    let date = start + rng.random_range(0..length);
    // Position in the period, 0 at the start and 1 at the end.
    let t = month as f64 / (N_SYNTH_MONTHS - 1) as f64;
    let role_index = draw(rng, &tables.roles);
    let role = &ROLES[role_index];
    let (employer, employer_sector) = EMPLOYERS[draw(rng, &tables.employers)];
    let city = &CITIES[draw(rng, &tables.cities)];
    let contract = Contract::ALL[draw(rng, &tables.contracts)];
    let senior = if matches!(contract, Contract::Stage | Contract::Alternance) { 0 } else { rng.random_range(0..3) };
    let variant = rng.random_range(0..3usize);

    // Competences: two to five of the role's pool (earlier ones more often), then the rising
    // and transversal ones by their share, at most seven in all.
    let pool = &tables.pools[role_index];
    let title_competences = &tables.title_competences[role_index][usize::from(variant == 1)];
    let contract_competences = &tables.contract_competences[contract as usize];
    let most = 7usize.saturating_sub(title_competences.len() + contract_competences.len()).max(2);
    let mut chosen: Vec<&Plantable> = Vec::new();
    let wanted = rng.random_range(2..=5usize).min(pool.len()).min(most);
    let mut weights: Vec<f64> = (0..pool.len()).map(|rank| (rank as f64 + 1.0).powf(-1.5)).collect();
    while chosen.len() < wanted {
        let index = draw(rng, &cumulative(weights.iter().copied()));
        weights[index] = 0.0;
        chosen.push(&pool[index]);
    }
    for (competence, from, to) in &tables.rising {
        if rng.random_bool(from + (to - from) * t)
            && chosen.len() < most
            && !chosen.iter().any(|c| c.id == competence.id)
        {
            chosen.push(competence);
        }
    }
    for (competence, share) in &tables.transversal {
        if rng.random_bool(*share) && chosen.len() < most && !chosen.iter().any(|c| c.id == competence.id) {
            chosen.push(competence);
        }
    }
    let keywords: Vec<&str> = chosen
        .iter()
        .map(|competence| competence.keywords[rng.random_range(0..competence.keywords.len())].as_str())
        .collect();
    let title = title(role, contract, variant, city.name, employer, senior);
    let role_name = if variant == 1 { role.title_alt } else { role.title };
    let description = description(rng, role_name, contract, &keywords, employer, city.name);
    let mut competences: Vec<String> = chosen.iter().map(|competence| competence.id.clone()).collect();
    competences.extend(title_competences.iter().chain(contract_competences).cloned());
    competences.sort();
    competences.dedup();

    let salary = rng.random_bool(SALARY_SHARE).then(|| salary(rng, role, senior, contract, city.region == "11", t));
    let sector = if rng.random_bool(0.9) {
        employer_sector.to_owned()
    } else {
        SECTORS[rng.random_range(0..SECTORS.len())].0.to_owned()
    };
    let remote = rng.random_bool(0.3 + 0.2 * t);
    JobPosting {
        id: format!("synth-{seed}-{n}"),
        title,
        description,
        date_posted: Some(iso(date)),
        valid_through: Some(iso(date + 60)),
        employer: Some(employer.to_owned()),
        location: Location {
            city: Some(city.name.to_owned()),
            postal_code: Some(city.postal_code.to_owned()),
            region_code: Some(city.region.to_owned()),
            country: Some("FR".to_owned()),
        },
        remote: remote.then_some(true),
        contract: Some(contract),
        salary,
        competences,
        rome_code: Some(role.rome.to_owned()),
        sector: Some(sector),
        source_url: format!("http://{SYNTH_HOST}/offres/{seed}/{n}"),
        duplicate_urls: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_postings_month_after_month() {
        let first: Vec<JobPosting> = postings(7, 300).collect();
        assert_eq!(first.len(), 300);
        assert_eq!(first, postings(7, 300).collect::<Vec<_>>());
        let months: Vec<&str> = first.iter().map(|posting| &posting.date_posted.as_deref().unwrap()[..7]).collect();
        assert!(months.is_sorted(), "{months:?}");
        assert_eq!((months[0], months[299]), ("2023-11", "2026-10"));
        assert_eq!(postings(7, 1).count(), 1);
        let other: Vec<JobPosting> = postings(8, 300).collect();
        assert_ne!(first, other);
        assert_eq!(first[0].id, "synth-7-0");
        assert_eq!(first[299].id, "synth-7-299");
        assert_eq!(postings(7, 0).count(), 0);
        assert_eq!(postings(7, 12).size_hint(), (12, Some(12)));
    }

    #[test]
    fn every_field_is_valid() {
        let referentiel = skills::embedded().unwrap();
        let matcher = KeywordMatcher::new(&referentiel);
        let (first_day, _) = month_span(0);
        let first_day = iso(first_day);
        let mut ids = BTreeSet::new();
        for posting in postings(2026, 3000) {
            assert!(ids.insert(posting.id.clone()), "id en double : {}", posting.id);
            let region = posting.location.region_code.as_deref().unwrap();
            assert!(records::geo::region_name(region).is_some(), "{region}");
            let postal = posting.location.postal_code.as_deref().unwrap();
            assert!(postal.len() == 5 && postal.bytes().all(|byte| byte.is_ascii_digit()), "{postal}");
            let date = posting.date_posted.as_deref().unwrap();
            assert!(chrono_like(date), "{date}");
            assert!(date >= first_day.as_str() && date <= crate::TODAY, "{date}");
            assert!(posting.valid_through.as_deref().unwrap() > date);
            assert!(records::sector_label(posting.sector.as_deref().unwrap()).is_some());
            assert!((2..=7).contains(&posting.competences.len()), "{:?}", posting.competences);
            for id in &posting.competences {
                assert!(referentiel.competence(id).is_some(), "{id}");
            }
            // The competences are exactly what the ground truth's matcher reads in the text.
            let found = matcher.competences(&format!("{}\n{}", posting.title, posting.description));
            assert_eq!(found, posting.competences, "{}\n{}", posting.title, posting.description);
            let n_words = words(&posting.description);
            assert!((DESCRIPTION_WORDS.0..=DESCRIPTION_WORDS.1).contains(&n_words), "{n_words} mots");
            assert!(posting.rome_code.as_deref().is_some_and(|code| code.len() == 5));
            if let Some(salary) = &posting.salary {
                assert!(salary.min.unwrap() > 0.0 && salary.min <= salary.max, "{salary:?}");
                assert_eq!(salary.currency, "EUR");
            }
        }
    }

    /// `YYYY-MM-DD` with a month and a day in range.
    fn chrono_like(date: &str) -> bool {
        let parts: Vec<u32> = date.split('-').filter_map(|part| part.parse().ok()).collect();
        date.len() == 10 && parts.len() == 3 && (1..=12).contains(&parts[1]) && (1..=31).contains(&parts[2])
    }

    #[test]
    fn fixed_sentences_and_names_carry_no_competence_keyword() {
        let matcher = KeywordMatcher::new(&skills::embedded().unwrap());
        let mut texts: Vec<String> = CONTEXT_SENTENCES.iter().map(|text| text.to_string()).collect();
        texts.extend(vocab::CLOSING_SENTENCES.iter().map(|text| text.to_string()));
        texts.extend(vocab::INTRO_TEMPLATES.iter().map(|text| text.replace("{role}", "")));
        texts.extend(
            vocab::MISSION_TEMPLATES.iter().chain(vocab::PROFILE_TEMPLATES).map(|text| text.replace("{kw}", "")),
        );
        let contracts = [Contract::Cdi, Contract::Cdd, Contract::Freelance, Contract::Interim];
        texts.extend(contracts.iter().map(|contract| contract_sentence(*contract).to_owned()));
        texts.extend(EMPLOYERS.iter().map(|(name, _)| name.to_string()));
        texts.extend(CITIES.iter().map(|city| city.name.to_string()));
        for text in texts {
            assert_eq!(matcher.competences(&text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn distributions_look_like_the_labour_market() {
        let n = 20_000;
        let all: Vec<JobPosting> = postings(11, n).collect();
        let share = |count: usize| count as f64 / n as f64;
        let region = |code: &str| all.iter().filter(|p| p.location.region_code.as_deref() == Some(code)).count();
        // Île-de-France is the first region, far ahead of the second.
        let ile_de_france = share(region("11"));
        assert!((0.28..0.45).contains(&ile_de_france), "{ile_de_france}");
        assert!(region("11") > 2 * region("84"));
        assert!(region("94") > 0 && region("06") > 0, "la Corse et Mayotte ont quelques offres");
        // Salaries on about 60 % of the postings of each period kind's contracts.
        for contracts in
            [&[Contract::Cdi, Contract::Cdd][..], &[Contract::Stage, Contract::Alternance], &[Contract::Freelance]]
        {
            let of_kind: Vec<&JobPosting> = all.iter().filter(|p| contracts.contains(&p.contract.unwrap())).collect();
            let paid = of_kind.iter().filter(|p| p.salary.is_some()).count() as f64 / of_kind.len() as f64;
            assert!((0.55..0.65).contains(&paid), "{contracts:?} : {paid}");
        }
        let periods: BTreeSet<String> =
            all.iter().filter_map(|p| p.salary.as_ref()).map(|s| format!("{:?}", s.period)).collect();
        assert_eq!(periods, BTreeSet::from(["Day".to_owned(), "Month".to_owned(), "Year".to_owned()]));
        // CDI first.
        let cdi = share(all.iter().filter(|p| p.contract == Some(Contract::Cdi)).count());
        assert!((0.55..0.70).contains(&cdi), "{cdi}");
        // Growth: the last year has more postings than the first.
        let in_year = |from: &str, to: &str| {
            all.iter().filter(|p| (from..=to).contains(&&p.date_posted.as_deref().unwrap()[..7])).count()
        };
        let (first_year, last_year) = (in_year("2023-11", "2024-10"), in_year("2025-11", "2026-10"));
        assert!(last_year as f64 > 1.4 * first_year as f64, "{first_year} → {last_year}");
        // Some competences far more frequent than others, and deep learning rising.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for posting in &all {
            for id in &posting.competences {
                *counts.entry(id.as_str()).or_default() += 1;
            }
        }
        let (most, least) = (counts.values().max().unwrap(), counts.values().min().unwrap());
        assert!(counts.len() >= 25 && *most > 8 * least, "{counts:?}");
        let deep_share = |from: &str, to: &str| {
            let in_period: Vec<&JobPosting> =
                all.iter().filter(|p| (from..=to).contains(&&p.date_posted.as_deref().unwrap()[..7])).collect();
            in_period.iter().filter(|p| p.competences.iter().any(|id| id == "DS.MST.12")).count() as f64
                / in_period.len() as f64
        };
        let (before, after) = (deep_share("2023-11", "2024-10"), deep_share("2025-11", "2026-10"));
        assert!(after > 1.8 * before, "apprentissage profond : {before} → {after}");
        let words_mean = all.iter().map(|p| words(&p.description)).sum::<usize>() as f64 / n as f64;
        assert!((100.0..170.0).contains(&words_mean), "{words_mean}");
    }
}
