//! The generated model of the demo web: offers and their publications, funding events, projects
//! and datasets, built from one seeded ChaCha8 generator and nothing else (no clock, no other
//! randomness), so that one seed always gives the same web.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use records::{Contract, Salary, SalaryPeriod};

use crate::calendar::{days_from_civil, iso};
use crate::matcher::KeywordMatcher;
use crate::vocab::{self, CITIES, ROLES, SECTORS};
use crate::{JobSite, PersonalDatum, PersonalKind};

/// Number of distinct job offers.
pub const N_OFFERS: usize = 5000;
/// Number of funding events.
pub const N_FUNDINGS: usize = 300;
/// Number of projects.
pub const N_PROJECTS: usize = 200;
/// Number of open datasets.
pub const N_DATASETS: usize = 150;
/// Months covered, ending with the corpus's « today ».
pub const N_MONTHS: i64 = 24;

/// The corpus's fixed « today » (2026-10-31) as a day count.
pub fn today() -> i64 {
    days_from_civil(2026, 10, 31)
}

pub(crate) struct Employer {
    pub name: String,
    pub domain: String,
    pub sector: usize,
    pub city: usize,
}

/// A person named on a page (a recruiter, a founder), with their contact details.
#[derive(Clone)]
pub(crate) struct Contact {
    pub first: &'static str,
    pub last: &'static str,
    pub feminine: bool,
    pub email: String,
    pub phone: String,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
    pub fn civility(&self) -> &'static str {
        if self.feminine { "Mme" } else { "M." }
    }
}

pub(crate) struct Publication {
    pub site: JobSite,
    /// Site-local number, used in the URL.
    pub number: usize,
    pub url: String,
    pub title: String,
    /// Description without any personal data.
    pub description: String,
    /// Sentence naming a recruiter, appended to the published description.
    pub contact_sentence: Option<String>,
    /// Recruiter given in structured form (JSON-LD contact, France Travail `contact`).
    pub structured_contact: Option<Contact>,
    /// Competences recognisable in this page's title and description.
    pub competences: Vec<String>,
}

pub(crate) struct Offer {
    pub role: usize,
    pub senior: u8,
    pub employer: usize,
    pub city: usize,
    pub contract: Contract,
    pub date: i64,
    pub valid_days: i64,
    pub salary: Option<Salary>,
    pub remote: bool,
    /// Keywords deliberately written into the descriptions.
    pub keywords: Vec<String>,
    pub publications: Vec<Publication>,
}

pub(crate) enum FundingKind {
    Contest,
    Regional,
    SeedFund,
}

pub(crate) struct FundingEvent {
    pub kind: FundingKind,
    pub number: usize,
    pub url: String,
    pub title: String,
    pub text: String,
    pub funder: String,
    pub recipient: String,
    pub amount: f64,
    pub date: i64,
    pub programme: String,
    pub stage: Option<&'static str>,
    pub sector: usize,
    pub city: usize,
    /// Founder quoted on the page (personal data).
    pub quote: Option<(String, String)>,
}

pub(crate) struct ProjectItem {
    pub number: usize,
    /// On the CORDIS-shaped CSV rather than on a JSON-LD page.
    pub cordis: bool,
    pub url: String,
    pub acronym: String,
    pub title: String,
    pub description: String,
    pub organisations: Vec<(String, usize)>,
    pub start: i64,
    pub end: i64,
    pub budget: f64,
    pub funder: String,
    pub sector: usize,
}

pub(crate) struct DatasetItem {
    pub id: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub description: String,
    pub publisher: &'static str,
    pub licence: &'static str,
    pub formats: Vec<&'static str>,
    pub created: i64,
    pub updated: i64,
}

pub(crate) struct Model {
    pub employers: Vec<Employer>,
    pub offers: Vec<Offer>,
    pub fundings: Vec<FundingEvent>,
    pub projects: Vec<ProjectItem>,
    pub datasets: Vec<DatasetItem>,
    pub personal_data: Vec<PersonalDatum>,
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut draw = rng.random_range(0..total);
    for (index, weight) in weights.iter().enumerate() {
        if draw < *weight {
            return index;
        }
        draw -= weight;
    }
    weights.len() - 1
}

/// Lowercase ASCII slug of a text.
pub(crate) fn slug(text: &str) -> String {
    let folded = skills::fold(text);
    let mut out = String::new();
    for ch in folded.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A phone number from the ranges ARCEP reserves for fiction (01 99 00 xx xx, 06 39 98 xx xx),
/// written in one of the forms French pages use.
fn phone(rng: &mut ChaCha8Rng) -> String {
    let prefix = if rng.random_bool(0.5) { "019900" } else { "063998" };
    let digits = format!("{prefix}{:04}", rng.random_range(0..10_000));
    let pairs: Vec<&str> = (0..5).map(|pair| &digits[pair * 2..pair * 2 + 2]).collect();
    match rng.random_range(0..7) {
        0 => pairs.join(" "),
        1 => pairs.join("."),
        2 => digits.clone(),
        3 => format!("+33 {} {}", &digits[1..2], pairs[1..].join(" ")),
        4 => format!("+33 (0){} {}", &digits[1..2], pairs[1..].join(" ")),
        5 => pairs.join("-"),
        _ => format!("+33{}", &digits[1..]),
    }
}

fn contact(rng: &mut ChaCha8Rng, domain: &str) -> Contact {
    let first_index = rng.random_range(0..vocab::FIRST_NAMES.len());
    let first = vocab::FIRST_NAMES[first_index];
    let last = pick(rng, vocab::LAST_NAMES);
    let email = match rng.random_range(0..3) {
        0 => format!("{}.{}@{domain}", slug(first), slug(last)),
        1 => format!("{}{}@{domain}", &slug(first)[..1], slug(last)),
        _ => format!("{}.{}.rh@{domain}", slug(first), slug(last)),
    };
    Contact { first, last, feminine: vocab::is_feminine(first_index), email, phone: phone(rng) }
}

/// A contact sentence for a description and the personal data it holds.
fn contact_sentence(rng: &mut ChaCha8Rng, person: &Contact) -> (String, Vec<(PersonalKind, String)>) {
    let name = person.full_name();
    match rng.random_range(0..4) {
        0 => (
            format!("Contact : {} {name} – {} – {}.", person.civility(), person.email, person.phone),
            vec![
                (PersonalKind::Name, name),
                (PersonalKind::Email, person.email.clone()),
                (PersonalKind::Phone, person.phone.clone()),
            ],
        ),
        1 => (
            format!("Pour postuler, écrivez à {} ou appelez {name} au {}.", person.email, person.phone),
            vec![
                (PersonalKind::Email, person.email.clone()),
                (PersonalKind::Name, name),
                (PersonalKind::Phone, person.phone.clone()),
            ],
        ),
        2 => (
            format!("Renseignements auprès de {} {name} au {}.", person.civility(), person.phone),
            vec![(PersonalKind::Name, name), (PersonalKind::Phone, person.phone.clone())],
        ),
        _ => (
            format!("Envoyez votre candidature à {}.", person.email),
            vec![(PersonalKind::Email, person.email.clone())],
        ),
    }
}

const SITE_WEIGHTS: [u32; 5] = [35, 20, 15, 12, 18];

/// Month weights: a growing trend (+80 % over the period) times a seasonality with lows in
/// August and December and highs in January, March and September.
fn month_weights() -> Vec<f64> {
    const SEASON: [f64; 12] = [1.15, 1.05, 1.15, 1.0, 1.0, 0.95, 0.8, 0.55, 1.2, 1.1, 1.0, 0.75];
    let (_, first_month, _) = crate::calendar::civil_from_days(today() - 730);
    (0..N_MONTHS)
        .map(|m| {
            let calendar_month = ((i64::from(first_month) - 1 + m + 1) % 12) as usize;
            (1.0 + 0.8 * m as f64 / (N_MONTHS - 1) as f64) * SEASON[calendar_month]
        })
        .collect()
}

/// First day of month `m` (0 = November 2024) of the period, and its length.
fn month_span(m: i64) -> (i64, i64) {
    let (year, month, _) = crate::calendar::civil_from_days(today());
    let index = i64::from(year) * 12 + i64::from(month) - 1 - (N_MONTHS - 1) + m;
    let (year, month) = ((index / 12) as i32, (index % 12) as u32 + 1);
    let start = days_from_civil(year, month, 1);
    let next = if month == 12 { days_from_civil(year + 1, 1, 1) } else { days_from_civil(year, month + 1, 1) };
    (start, next - start)
}

fn salary_for(rng: &mut ChaCha8Rng, role: &vocab::Role, senior: u8, contract: Contract, paris: bool) -> Salary {
    let eur = |min: f64, max: f64, period| Salary { min: Some(min), max: Some(max), currency: "EUR".into(), period };
    let fixed = rng.random_bool(0.25);
    match contract {
        Contract::Stage => {
            let value = f64::from(rng.random_range(7..=15) * 100);
            eur(value, value, SalaryPeriod::Month)
        }
        Contract::Alternance => {
            let low = f64::from(rng.random_range(10..=16) * 100);
            if fixed { eur(low, low, SalaryPeriod::Month) } else { eur(low, low + 200.0, SalaryPeriod::Month) }
        }
        Contract::Freelance => {
            let low = f64::from(rng.random_range(8..=15) * 50);
            if fixed { eur(low, low, SalaryPeriod::Day) } else { eur(low, low + 100.0, SalaryPeriod::Day) }
        }
        Contract::Interim => {
            let cents = rng.random_range(1200..=1900) / 10 * 10;
            let value = f64::from(cents) / 100.0;
            eur(value, value, SalaryPeriod::Hour)
        }
        Contract::Cdi | Contract::Cdd => {
            let mut base = f64::from(role.base_salary_k + u32::from(senior) * 9 + rng.random_range(0..4));
            if paris {
                base = (base * 1.12).round();
            }
            let low = base * 1000.0;
            if fixed {
                eur(low, low, SalaryPeriod::Year)
            } else {
                eur(low, low + f64::from(rng.random_range(3..=10)) * 1000.0, SalaryPeriod::Year)
            }
        }
    }
}

fn role_title(
    role: &vocab::Role,
    contract: Contract,
    variant: usize,
    city: &str,
    employer: &str,
    senior: u8,
) -> String {
    let base = if variant == 1 { role.title_alt } else { role.title };
    let level = ["junior", "confirmé", "senior"][usize::from(senior)];
    let core = match variant {
        0 => format!("{base} (H/F)"),
        1 => format!("{base} H/F – {city}"),
        _ => format!("{base} {level} – {employer}"),
    };
    match contract {
        Contract::Stage => format!("Stage – {core}"),
        Contract::Alternance => format!("Alternance – {core}"),
        _ => core,
    }
}

fn description(
    rng: &mut ChaCha8Rng,
    role: &vocab::Role,
    contract: Contract,
    keywords: &[String],
    variant: usize,
    employer: &str,
    city: &str,
) -> String {
    let role_name = if variant == 1 { role.title_alt } else { role.title };
    let intro = vocab::INTRO_TEMPLATES[(variant + rng.random_range(0..2)) % vocab::INTRO_TEMPLATES.len()]
        .replace("{employer}", employer)
        .replace("{city}", city)
        .replace("{role}", &role_name.to_lowercase());
    let mut missions = Vec::new();
    let mut profile = Vec::new();
    let split = keywords.len().div_ceil(2);
    for (index, keyword) in keywords.iter().enumerate() {
        if index < split {
            let template = vocab::MISSION_TEMPLATES[(index + variant * 2) % vocab::MISSION_TEMPLATES.len()];
            missions.push(template.replace("{kw}", keyword));
        } else {
            let template = vocab::PROFILE_TEMPLATES[(index + variant) % vocab::PROFILE_TEMPLATES.len()];
            profile.push(template.replace("{kw}", keyword));
        }
    }
    if variant > 0 {
        missions.reverse();
        profile.reverse();
    }
    let contract_sentence = match contract {
        Contract::Stage => "Ce stage de six mois débute au printemps.".to_string(),
        Contract::Alternance => {
            "Ce poste est proposé en alternance, sur un rythme de trois semaines en entreprise.".to_string()
        }
        Contract::Cdd => "Contrat à durée déterminée de douze mois.".to_string(),
        Contract::Interim => "Mission d'intérim de six mois, renouvelable.".to_string(),
        Contract::Freelance => "Mission en indépendant de six mois, renouvelable.".to_string(),
        Contract::Cdi => "Poste en contrat à durée indéterminée.".to_string(),
    };
    let closing = vocab::CLOSING_SENTENCES[(variant + rng.random_range(0..3)) % vocab::CLOSING_SENTENCES.len()];
    let (missions_head, profile_head) = if variant == 0 {
        ("Vos missions :", "Votre profil :")
    } else {
        ("Ce que vous ferez :", "Ce que nous attendons :")
    };
    format!(
        "{intro} {missions_head} {} {profile_head} {} {contract_sentence} {closing}",
        missions.join(" "),
        profile.join(" ")
    )
}

/// Generates the whole model from `seed`.
pub(crate) fn generate(seed: u64, referentiel: &skills::Referentiel) -> Model {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let matcher = KeywordMatcher::new(referentiel);
    let employers: Vec<Employer> = vocab::EMPLOYERS
        .iter()
        .map(|(stem, sector)| {
            // Employers once drew a random sector here; the draw is kept so that the rest of the
            // web (volumes, URLs, the API ranges `observatory/sources/demo.toml` declares) stays
            // the same now that each employer has the sector its name suggests.
            let _former_sector_draw = rng.random_range(0..12usize);
            Employer {
                name: stem.to_string(),
                domain: format!("{}.test", slug(stem)),
                sector: SECTORS.iter().position(|(slug, _)| slug == sector).unwrap_or(0),
                city: weighted(&mut rng, &CITIES.iter().map(|city| city.weight).collect::<Vec<_>>()),
            }
        })
        .collect();
    let mut personal_data = Vec::new();
    let offers = generate_offers(&mut rng, referentiel, &matcher, &employers, &mut personal_data);
    let fundings = generate_fundings(&mut rng, &mut personal_data);
    let projects = generate_projects(&mut rng, &employers);
    let datasets = generate_datasets(&mut rng);
    Model { employers, offers, fundings, projects, datasets, personal_data }
}

fn generate_offers(
    rng: &mut ChaCha8Rng,
    referentiel: &skills::Referentiel,
    matcher: &KeywordMatcher,
    employers: &[Employer],
    personal_data: &mut Vec<PersonalDatum>,
) -> Vec<Offer> {
    // Spread the offers over the months by weight, the remainder to the latest months.
    let weights = month_weights();
    let total: f64 = weights.iter().sum();
    let mut per_month: Vec<usize> = weights.iter().map(|w| (w / total * N_OFFERS as f64).floor() as usize).collect();
    let mut missing = N_OFFERS - per_month.iter().sum::<usize>();
    for count in per_month.iter_mut().rev() {
        if missing == 0 {
            break;
        }
        *count += 1;
        missing -= 1;
    }
    let mut dates = Vec::with_capacity(N_OFFERS);
    for (m, count) in per_month.iter().enumerate() {
        let (start, length) = month_span(m as i64);
        for _ in 0..*count {
            dates.push(start + rng.random_range(0..length));
        }
    }
    dates.sort_unstable();
    let role_weights: Vec<u32> = ROLES.iter().map(|role| role.weight).collect();
    let city_weights: Vec<u32> = CITIES.iter().map(|city| city.weight).collect();
    let mut counters = [0usize; 5];
    let mut offers = Vec::with_capacity(N_OFFERS);
    for date in dates {
        let role_index = weighted(rng, &role_weights);
        let role = &ROLES[role_index];
        let employer_index = rng.random_range(0..employers.len());
        let employer = &employers[employer_index];
        let city_index = if rng.random_bool(0.6) { employer.city } else { weighted(rng, &city_weights) };
        let city = &CITIES[city_index];
        let contract = Contract::ALL[weighted(rng, &[62, 12, 8, 9, 6, 3])];
        let senior =
            if matches!(contract, Contract::Stage | Contract::Alternance) { 0 } else { rng.random_range(0..3) };
        let salary = rng.random_bool(0.65).then(|| salary_for(rng, role, senior, contract, city.region == "11"));
        let remote = rng.random_bool(0.45);
        // Two to five keywords from the role's pool, one keyword per competence.
        let n_keywords = rng.random_range(2..=5).min(role.pool.len());
        let mut pool: Vec<&str> = role.pool.to_vec();
        let mut keywords = Vec::new();
        for _ in 0..n_keywords {
            let id = pool.remove(rng.random_range(0..pool.len()));
            if let Some(competence) = referentiel.competence(id) {
                let candidates: Vec<&String> = competence.keywords.fr.iter().chain(&competence.keywords.en).collect();
                keywords.push(candidates[rng.random_range(0..candidates.len())].clone());
            }
        }
        // Sites: one, or two or three for the known duplicates. France Travail carries neither
        // internships nor freelance missions.
        let n_sites = if rng.random_bool(0.15) { if rng.random_bool(0.75) { 2 } else { 3 } } else { 1 };
        let mut site_weights = SITE_WEIGHTS;
        if matches!(contract, Contract::Stage | Contract::Freelance) {
            site_weights[4] = 0;
        }
        let mut sites = Vec::new();
        for _ in 0..n_sites {
            let index = weighted(rng, &site_weights);
            site_weights[index] = 0;
            sites.push(JobSite::ALL[index]);
            if site_weights.iter().all(|w| *w == 0) {
                break;
            }
        }
        let mut publications = Vec::new();
        for (variant, site) in sites.into_iter().enumerate() {
            let counter = &mut counters[site as usize];
            *counter += 1;
            let number = *counter;
            let url = site.detail_url(number);
            let title = role_title(role, contract, variant, city.name, &employer.name, senior);
            let description = description(rng, role, contract, &keywords, variant, &employer.name, city.name);
            let competences = matcher.competences(&format!("{title}\n{description}"));
            let mut contact_sentence = None;
            if rng.random_bool(0.2) {
                let person = contact(rng, &employer.domain);
                let (sentence, data) = contact_sentence_for(rng, &person);
                for (kind, text) in data {
                    personal_data.push(PersonalDatum { url: url.clone(), kind, text });
                }
                contact_sentence = Some(sentence);
            }
            let structured_probability = match site {
                JobSite::Alpha => 0.3,
                JobSite::Api => 0.7,
                _ => 0.0,
            };
            let structured_contact = rng.random_bool(structured_probability).then(|| contact(rng, &employer.domain));
            if let Some(person) = &structured_contact {
                personal_data.push(PersonalDatum {
                    url: url.clone(),
                    kind: PersonalKind::Name,
                    text: person.full_name(),
                });
                personal_data.push(PersonalDatum {
                    url: url.clone(),
                    kind: PersonalKind::Email,
                    text: person.email.clone(),
                });
                personal_data.push(PersonalDatum {
                    url: url.clone(),
                    kind: PersonalKind::Phone,
                    text: person.phone.clone(),
                });
            }
            publications.push(Publication {
                site,
                number,
                url,
                title,
                description,
                contact_sentence,
                structured_contact,
                competences,
            });
        }
        offers.push(Offer {
            role: role_index,
            senior,
            employer: employer_index,
            city: city_index,
            contract,
            date,
            valid_days: 60,
            salary,
            remote,
            keywords,
            publications,
        });
    }
    offers
}

fn contact_sentence_for(rng: &mut ChaCha8Rng, person: &Contact) -> (String, Vec<(PersonalKind, String)>) {
    contact_sentence(rng, person)
}

const STARTUP_HEADS: &[&str] =
    &["Neuro", "Géo", "Agri", "Médi", "Flux", "Opti", "Clima", "Vox", "Terra", "Nexa", "Lumi", "Hydro"];
const STARTUP_TAILS: &[&str] = &["lytics", "sense", "mind", "scope", "via", "nova", "metrics", "lab", "grid", "wave"];

fn generate_fundings(rng: &mut ChaCha8Rng, personal_data: &mut Vec<PersonalDatum>) -> Vec<FundingEvent> {
    let city_weights: Vec<u32> = CITIES.iter().map(|city| city.weight).collect();
    let start = today() - 730;
    let mut events = Vec::with_capacity(N_FUNDINGS);
    let (mut epsilon, mut zeta) = (0, 0);
    for index in 0..N_FUNDINGS {
        let kind = match index % 10 {
            0..=2 => FundingKind::Contest,
            3..=5 => FundingKind::Regional,
            _ => FundingKind::SeedFund,
        };
        let kind = if index >= 280 { FundingKind::Contest } else { kind };
        let recipient = format!("{}{}", pick(rng, STARTUP_HEADS), pick(rng, STARTUP_TAILS));
        let city = weighted(rng, &city_weights);
        let sector = rng.random_range(0..SECTORS.len());
        let date = start + rng.random_range(0..731);
        let region = CITIES[city].region;
        let (programme, funder, amount, stage) = match kind {
            FundingKind::Contest => {
                let (programme, funder) = pick(rng, vocab::CONTESTS);
                (programme.to_string(), funder.to_string(), f64::from(rng.random_range(6..=120) * 5000), None)
            }
            FundingKind::Regional => (
                "Aide régionale à l'innovation".to_string(),
                format!("Région {}", vocab::region_name(region)),
                f64::from(rng.random_range(4..=60) * 5000),
                None,
            ),
            FundingKind::SeedFund => {
                let (programme, funder) = pick(rng, vocab::SEED_FUNDS);
                let stage = pick(rng, vocab::STAGES);
                let scale = match stage {
                    "pré-amorçage" => 50_000,
                    "amorçage" => 100_000,
                    _ => 500_000,
                };
                (programme.to_string(), funder.to_string(), f64::from(rng.random_range(3..=12) * scale), Some(stage))
            }
        };
        let number = match kind {
            FundingKind::SeedFund => {
                zeta += 1;
                zeta
            }
            _ => {
                epsilon += 1;
                epsilon
            }
        };
        let url = match kind {
            FundingKind::SeedFund => format!("http://{}/investissements/{number}", crate::HOST_ZETA),
            _ => format!("http://{}/laureats/{number}", crate::HOST_EPSILON),
        };
        let title = match kind {
            FundingKind::Contest => format!("{recipient}, lauréate du {programme}"),
            FundingKind::Regional => format!("{funder} soutient {recipient}"),
            FundingKind::SeedFund => format!("{recipient} lève des fonds auprès du {programme}"),
        };
        let city_name = CITIES[city].name;
        let sector_label = SECTORS[sector].1.to_lowercase();
        let text = format!(
            "La jeune entreprise {recipient}, installée à {city_name}, développe des solutions pour le secteur {sector_label}. \
             Ce financement lui permettra de recruter et d'accélérer son développement commercial."
        );
        let quote = rng.random_bool(0.4).then(|| {
            let first_index = rng.random_range(0..vocab::FIRST_NAMES.len());
            let name = format!("{} {}", vocab::FIRST_NAMES[first_index], pick(rng, vocab::LAST_NAMES));
            let role = if vocab::is_feminine(first_index) { "cofondatrice" } else { "cofondateur" };
            personal_data.push(PersonalDatum { url: url.clone(), kind: PersonalKind::Name, text: name.clone() });
            (
                name,
                format!(
                    "« Ce soutien arrive au bon moment pour notre équipe », se réjouit {{name}}, {role} de {recipient}."
                ),
            )
        });
        events.push(FundingEvent {
            kind,
            number,
            url,
            title,
            text,
            funder,
            recipient,
            amount,
            date,
            programme,
            stage,
            sector,
            city,
            quote,
        });
    }
    events
}

fn generate_projects(rng: &mut ChaCha8Rng, employers: &[Employer]) -> Vec<ProjectItem> {
    let start = today() - 730;
    let mut projects = Vec::with_capacity(N_PROJECTS);
    for index in 0..N_PROJECTS {
        let cordis = index % 5 >= 3;
        let (theme, acronym_stem) = pick(rng, vocab::PROJECT_THEMES);
        let number = if cordis { 101_100_000 + index * 37 } else { index + 1 };
        let acronym = format!("{acronym_stem}-{}", index + 1);
        let coordinator_city = weighted(rng, &CITIES.iter().map(|city| city.weight).collect::<Vec<_>>());
        let mut organisations =
            vec![(format!("Université fictive de {}", CITIES[coordinator_city].name), coordinator_city)];
        for _ in 0..rng.random_range(1..=3) {
            let employer = &employers[rng.random_range(0..employers.len())];
            if !organisations.iter().any(|(name, _)| name == &employer.name) {
                organisations.push((employer.name.clone(), employer.city));
            }
        }
        let region = CITIES[coordinator_city].region;
        let title = format!("{theme} ({})", vocab::region_name(region));
        let description = format!(
            "Le projet {acronym} réunit {} partenaires autour d'un objectif commun : {}. \
             Il produira des jeux de données de référence et des outils ouverts.",
            organisations.len(),
            theme.to_lowercase()
        );
        let begin = start + rng.random_range(0..731);
        let end = begin + rng.random_range(24..=48) * 30;
        let budget = f64::from(rng.random_range(4..=160) * 50_000);
        let funder = if cordis {
            "Commission européenne".to_string()
        } else {
            pick(rng, &["Agence nationale de la recherche (fictive)", "Programme Investissements Demain (fictif)"])
                .to_string()
        };
        let url = if cordis {
            format!("http://{}/data/project.csv#{number}", crate::HOST_THETA)
        } else {
            format!("http://{}/projets/{number}", crate::HOST_ETA)
        };
        projects.push(ProjectItem {
            number,
            cordis,
            url,
            acronym,
            title,
            description,
            organisations,
            start: begin,
            end,
            budget,
            funder,
            sector: rng.random_range(0..SECTORS.len()),
        });
    }
    projects
}

fn generate_datasets(rng: &mut ChaCha8Rng) -> Vec<DatasetItem> {
    let mut datasets = Vec::with_capacity(N_DATASETS);
    let mut used_slugs = std::collections::HashSet::new();
    for index in 0..N_DATASETS {
        let theme = vocab::DATASET_THEMES[index % vocab::DATASET_THEMES.len()];
        let publisher = pick(rng, vocab::PUBLISHERS);
        let year = 2019 + (index / vocab::DATASET_THEMES.len()) % 8;
        let title = format!("{theme} – {publisher} ({year})");
        // Two datasets may share a title (same theme, publisher and year): as data.gouv.fr
        // does, the later one's slug gets a numeric suffix, so that every URL is unique.
        let base = slug(&title);
        let mut slug = base.clone();
        let mut suffix = 1;
        while !used_slugs.insert(slug.clone()) {
            suffix += 1;
            slug = format!("{base}-{suffix}");
        }
        let id: String = (0..24).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect();
        let mut formats = Vec::new();
        for _ in 0..rng.random_range(1..=3) {
            let format = pick(rng, vocab::FORMATS);
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        let created = today() - 730 - rng.random_range(0..900);
        let updated = (created + rng.random_range(0..1200)).min(today());
        datasets.push(DatasetItem {
            url: format!("http://{}/fr/datasets/{slug}/", crate::HOST_IOTA),
            id,
            slug,
            description: format!("{theme}, publié par {publisher} pour l'année {year}. Mise à jour régulière."),
            title,
            publisher,
            licence: pick(rng, vocab::LICENCES),
            formats,
            created,
            updated,
        });
    }
    datasets
}

/// `YYYY-MM-DD` helper re-exported for rendering.
pub(crate) fn day(days: i64) -> String {
    iso(days)
}
