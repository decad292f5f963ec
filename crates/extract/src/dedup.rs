//! Merging of exact and near-duplicate job postings: the same offer published on several sites,
//! with the title and description worded differently, HTML or plain text, boilerplate added, the
//! salary written another way, dates a few days apart.
//!
//! How: every posting gets a sketch (the folded title's words; a bottom-k MinHash of the
//! description's word 3-grams, from which Jaccard similarity and containment are estimated;
//! employer, place, contract, dates, salary, competences). Candidate pairs come from blocks
//! sharing a key (the employer, the title's words with the region, one of the three smallest
//! description hashes), so no pair of unrelated postings is ever compared; a block too large to
//! compare pair by pair is compared along a window after sorting by title.
//!
//! A candidate pair is a duplicate when no known field contradicts it — another employer, city,
//! region or contract, dates more than 45 days apart, salary bounds more than 5 % apart,
//! competences mostly different (Jaccard < 0.5) — and either the texts nearly coincide (the
//! shorter description at least 90 % contained in the longer with titles sharing a third of
//! their words, or 80 % with titles sharing most of them), or, the wording being different, the
//! facts coincide: the same employer, city and contract, published at most a week apart, with
//! nearly the same competences (Jaccard ≥ 0.75), or the same salary (within 1 %) when
//! competences are too few to compare. Groups are the connected components of the accepted pairs.
//!
//! Measured on the demo web (5,927 postings, 1,100 duplicate pairs, `tests/golden_demo.rs`):
//! pairwise precision 0.98 and recall 0.93.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use records::{JobPosting, Salary, SalaryPeriod};

/// Size of the bottom-k sketches.
const SKETCH: usize = 64;
/// Largest block compared pair by pair.
const MAX_BLOCK: usize = 200;
/// Neighbours compared in a block too large to compare pair by pair.
const WINDOW: usize = 40;
/// Longest description read (characters).
const MAX_DESCRIPTION: usize = 20_000;
/// Dates of one offer on several sites may differ by this many days at most.
const MAX_DAYS_APART: i64 = 45;
/// Salary bounds of one offer published twice differ by at most this share (rounding,
/// monthly figures turned yearly).
const SALARY_TOLERANCE: f64 = 0.05;
/// Postings whose competences (both naming at least two) overlap less than this (Jaccard) are
/// different jobs.
const MIN_COMPETENCE_OVERLAP: f64 = 0.5;
/// Postings told the same by their facts alone are published at most this many days apart…
const FACTS_DAYS_APART: i64 = 7;
/// … and their competences overlap at least this much (Jaccard).
const FACTS_COMPETENCE_OVERLAP: f64 = 0.75;

/// Title words that say nothing about the job itself.
const TITLE_NOISE: &[&str] = &[
    "h",
    "f",
    "hf",
    "fh",
    "x",
    "m",
    "w",
    "cdi",
    "cdd",
    "stage",
    "stagiaire",
    "alternance",
    "alternant",
    "freelance",
    "interim",
    "offre",
    "emploi",
    "poste",
    "job",
    "recrute",
    "recrutement",
    "urgent",
    "et",
    "en",
    "a",
    "de",
    "des",
    "du",
    "la",
    "le",
    "les",
    "l",
    "d",
    "pour",
    "un",
    "une",
    "au",
    "aux",
    "the",
    "of",
    "and",
];

/// Words of legal forms dropped when comparing employers.
const LEGAL_FORMS: &[&str] =
    &["sa", "sas", "sasu", "sarl", "eurl", "sca", "se", "inc", "ltd", "gmbh", "groupe", "group"];

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn folded_words(text: &str) -> Vec<String> {
    skills::fold(text)
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| if word.len() > 3 && word.ends_with('s') { &word[..word.len() - 1] } else { word })
        .map(str::to_owned)
        .collect()
}

fn employer_key(name: &str) -> String {
    folded_words(name).into_iter().filter(|word| !LEGAL_FORMS.contains(&word.as_str())).collect::<Vec<_>>().join(" ")
}

/// Yearly equivalents of a salary's bounds (a single bound stands for both), to compare
/// salaries written per month or per year.
fn yearly(salary: &Salary) -> Option<(f64, f64)> {
    let (low, high) = match (salary.min, salary.max) {
        (Some(low), Some(high)) => (low, high),
        (Some(value), None) | (None, Some(value)) => (value, value),
        (None, None) => return None,
    };
    let factor = match salary.period {
        SalaryPeriod::Year => 1.0,
        SalaryPeriod::Month => 12.0,
        SalaryPeriod::Day => 218.0,
        SalaryPeriod::Hour => 1607.0,
    };
    Some((low * factor, high * factor))
}

/// Whether two yearly salary ranges differ: a bound more than [`SALARY_TOLERANCE`] away from
/// the other's. One offer published twice states one salary, whatever the writing (`45-55 k€`,
/// `45 000 à 55 000 € par an`, `3 750 € par mois`).
fn salaries_differ((low_a, high_a): (f64, f64), (low_b, high_b): (f64, f64)) -> bool {
    let apart = |a: f64, b: f64| (a - b).abs() > SALARY_TOLERANCE * a.max(b);
    apart(low_a, low_b) || apart(high_a, high_b)
}

/// What the comparison needs of a posting.
#[derive(Debug)]
struct Sketch {
    title: HashSet<String>,
    title_key: String,
    employer: Option<String>,
    region: Option<String>,
    city: Option<String>,
    contract: Option<records::Contract>,
    date: Option<NaiveDate>,
    yearly_salary: Option<(f64, f64)>,
    /// Référentiel competences recognised in the posting.
    competences: HashSet<String>,
    /// The smallest shingle hashes, sorted.
    bottom: Vec<u64>,
    /// Number of distinct shingles.
    shingles: usize,
    exact: u64,
}

impl Sketch {
    fn new(posting: &JobPosting) -> Sketch {
        let city = posting.location.city.as_deref().map(employer_key).filter(|city| !city.is_empty());
        let city_words: HashSet<String> = city.iter().flat_map(|city| folded_words(city)).collect();
        let title: HashSet<String> = folded_words(&posting.title)
            .into_iter()
            .filter(|word| !TITLE_NOISE.contains(&word.as_str()) && !city_words.contains(word))
            .collect();
        let mut sorted_title: Vec<&String> = title.iter().collect();
        sorted_title.sort();
        let title_key = sorted_title.iter().map(|word| word.as_str()).collect::<Vec<_>>().join(" ");
        let description: String = posting.description.chars().take(MAX_DESCRIPTION).collect();
        let plain = crate::normalise::text(&description);
        let words = folded_words(&plain);
        let mut hashes: Vec<u64> = if words.len() >= 3 {
            words.windows(3).map(|window| hash_of(&window)).collect()
        } else {
            words.iter().map(hash_of).collect()
        };
        hashes.sort_unstable();
        hashes.dedup();
        let shingles = hashes.len();
        let exact = hash_of(&(title_key.as_str(), &words));
        hashes.truncate(SKETCH);
        Sketch {
            title,
            title_key,
            employer: posting.employer.as_deref().map(employer_key).filter(|key| !key.is_empty()),
            region: posting.location.region_code.clone(),
            city,
            contract: posting.contract,
            date: posting.date_posted.as_deref().and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()),
            yearly_salary: posting.salary.as_ref().and_then(yearly),
            competences: posting.competences.iter().cloned().collect(),
            bottom: hashes,
            shingles,
            exact,
        }
    }

    /// Estimated Jaccard similarity of the description shingles (bottom-k estimator).
    fn jaccard(&self, other: &Sketch) -> f64 {
        if self.bottom.is_empty() || other.bottom.is_empty() {
            return 0.0;
        }
        let (mut left, mut right, mut taken, mut shared) = (0, 0, 0, 0);
        while taken < SKETCH && (left < self.bottom.len() || right < other.bottom.len()) {
            let a = self.bottom.get(left).copied().unwrap_or(u64::MAX);
            let b = other.bottom.get(right).copied().unwrap_or(u64::MAX);
            if a == b {
                shared += 1;
                left += 1;
                right += 1;
            } else if a < b {
                left += 1;
            } else {
                right += 1;
            }
            taken += 1;
        }
        shared as f64 / taken as f64
    }

    /// Estimated share of the shorter description found in the longer one: boilerplate added on
    /// one site does not lower it.
    fn containment(&self, other: &Sketch) -> f64 {
        let jaccard = self.jaccard(other);
        let (small, large) = (self.shingles.min(other.shingles) as f64, self.shingles.max(other.shingles) as f64);
        if small == 0.0 {
            return 0.0;
        }
        let intersection = jaccard * (small + large) / (1.0 + jaccard);
        (intersection / small).min(1.0)
    }

    fn title_similarity(&self, other: &Sketch) -> f64 {
        if self.title.is_empty() || other.title.is_empty() {
            return 0.0;
        }
        let shared = self.title.intersection(&other.title).count() as f64;
        let union = self.title.union(&other.title).count() as f64;
        let smaller = self.title.len().min(other.title.len()) as f64;
        // One title's words all in the other (`Data scientist` and `Data scientist confirmé`)
        // counts as close, when there are at least two of them.
        if shared == smaller && smaller >= 2.0 { (shared / union).max(0.8) } else { shared / union }
    }

    /// Jaccard similarity of the competences, when both postings name at least two.
    fn competence_similarity(&self, other: &Sketch) -> Option<f64> {
        if self.competences.len() < 2 || other.competences.len() < 2 {
            return None;
        }
        let shared = self.competences.intersection(&other.competences).count() as f64;
        let union = self.competences.union(&other.competences).count() as f64;
        Some(shared / union)
    }

    /// Whether a known field contradicts the pair: another employer, region, city or contract,
    /// dates too far apart, other salaries, competences mostly different (a
    /// posting asking for other skills is another job, however alike the boilerplate).
    fn contradicts(&self, other: &Sketch) -> bool {
        if self.competence_similarity(other).is_some_and(|similarity| similarity < MIN_COMPETENCE_OVERLAP) {
            return true;
        }
        let differ = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => a != b && !a.contains(b.as_str()) && !b.contains(a.as_str()),
            _ => false,
        };
        if differ(&self.employer, &other.employer) || differ(&self.city, &other.city) {
            return true;
        }
        if let (Some(a), Some(b)) = (&self.region, &other.region)
            && a != b
        {
            return true;
        }
        if let (Some(a), Some(b)) = (self.contract, other.contract)
            && a != b
        {
            return true;
        }
        if let (Some(a), Some(b)) = (self.date, other.date)
            && (a - b).num_days().abs() > MAX_DAYS_APART
        {
            return true;
        }
        if let (Some(a), Some(b)) = (self.yearly_salary, other.yearly_salary)
            && salaries_differ(a, b)
        {
            return true;
        }
        false
    }

    /// Whether two postings publish the same offer: nothing contradicts it, and either the
    /// descriptions nearly coincide with titles sharing words, or the titles are close with
    /// descriptions mostly shared, or (descriptions too short to judge) the titles coincide and
    /// the employer is the same, or the facts coincide (`same_facts`).
    fn same(&self, other: &Sketch) -> bool {
        if self.exact == other.exact && !self.title_key.is_empty() {
            return !self.contradicts(other);
        }
        if self.contradicts(other) {
            return false;
        }
        let title = self.title_similarity(other);
        let short = self.shingles.min(other.shingles) < 8;
        if short {
            return (title >= 0.8 && self.employer.is_some() && self.employer == other.employer)
                || self.same_facts(other);
        }
        let containment = self.containment(other);
        (containment >= 0.9 && title >= 0.34) || (containment >= 0.8 && title >= 0.6) || self.same_facts(other)
    }

    /// Whether the facts of two postings coincide although their wording differs (a title and a
    /// description rewritten for another site): the same employer, city and contract, published
    /// at most [`FACTS_DAYS_APART`] days apart, the same salary when both give one (checked by
    /// `contradicts`), and nearly the same competences (at least two each) — or, when either
    /// names fewer than two, the same salary (within 1 %) given by both.
    fn same_facts(&self, other: &Sketch) -> bool {
        let known_and_equal = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        if !known_and_equal(&self.employer, &other.employer) || !known_and_equal(&self.city, &other.city) {
            return false;
        }
        if self.contract.is_none() || self.contract != other.contract {
            return false;
        }
        let (Some(a), Some(b)) = (self.date, other.date) else { return false };
        if (a - b).num_days().abs() > FACTS_DAYS_APART {
            return false;
        }
        match self.competence_similarity(other) {
            Some(similarity) => similarity >= FACTS_COMPETENCE_OVERLAP,
            // Too few competences to compare: the very same stated salary must vouch for it.
            None => match (self.yearly_salary, other.yearly_salary) {
                (Some((low_a, high_a)), Some((low_b, high_b))) => {
                    let equal = |a: f64, b: f64| (a - b).abs() <= 0.01 * a.max(b);
                    equal(low_a, low_b) && equal(high_a, high_b)
                }
                _ => false,
            },
        }
    }
}

fn find(parents: &mut [usize], mut index: usize) -> usize {
    while parents[index] != index {
        parents[index] = parents[parents[index]];
        index = parents[index];
    }
    index
}

fn union(parents: &mut [usize], a: usize, b: usize) {
    let (root_a, root_b) = (find(parents, a), find(parents, b));
    if root_a != root_b {
        parents[root_a.max(root_b)] = root_a.min(root_b);
    }
}

/// The groups of duplicate postings found (indices into `postings`, ascending), each with at
/// least two members, ordered by their first index. Postings published once appear in no group.
pub fn groups(postings: &[JobPosting]) -> Vec<Vec<usize>> {
    let sketches: Vec<Sketch> = postings.iter().map(Sketch::new).collect();
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, sketch) in sketches.iter().enumerate() {
        let url = postings[index].source_url.trim();
        if !url.is_empty() {
            blocks.entry(format!("u:{url}")).or_default().push(index);
        }
        if let Some(employer) = &sketch.employer {
            blocks.entry(format!("e:{employer}")).or_default().push(index);
        }
        if !sketch.title_key.is_empty() {
            let region = sketch.region.as_deref().unwrap_or("");
            blocks.entry(format!("t:{}|{region}", sketch.title_key)).or_default().push(index);
        }
        for hash in sketch.bottom.iter().take(3) {
            blocks.entry(format!("m:{hash:x}")).or_default().push(index);
        }
    }
    let mut parents: Vec<usize> = (0..postings.len()).collect();
    let mut compared: HashSet<(usize, usize)> = HashSet::new();
    let mut consider = |a: usize, b: usize, parents: &mut Vec<usize>| {
        let pair = (a.min(b), a.max(b));
        if a == b || find(parents, a) == find(parents, b) || !compared.insert(pair) {
            return;
        }
        let same_url =
            postings[a].source_url.trim() == postings[b].source_url.trim() && !postings[a].source_url.trim().is_empty();
        if same_url || sketches[a].same(&sketches[b]) {
            union(parents, a, b);
        }
    };
    let mut keys: Vec<&String> = blocks.keys().collect();
    keys.sort();
    for key in keys {
        let mut members = blocks[key].clone();
        if members.len() <= MAX_BLOCK {
            for (position, &a) in members.iter().enumerate() {
                for &b in &members[position + 1..] {
                    consider(a, b, &mut parents);
                }
            }
        } else {
            members.sort_by(|&a, &b| sketches[a].title_key.cmp(&sketches[b].title_key).then(a.cmp(&b)));
            for (position, &a) in members.iter().enumerate() {
                for &b in members.iter().skip(position + 1).take(WINDOW) {
                    consider(a, b, &mut parents);
                }
            }
        }
    }
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for index in 0..postings.len() {
        let root = find(&mut parents, index);
        by_root.entry(root).or_default().push(index);
    }
    let mut groups: Vec<Vec<usize>> = by_root.into_values().filter(|group| group.len() > 1).collect();
    groups.sort();
    groups
}

/// How much a posting says: the survivor of a group is the one that says most.
fn filled(posting: &JobPosting) -> usize {
    [
        posting.date_posted.is_some(),
        posting.valid_through.is_some(),
        posting.employer.is_some(),
        posting.location.city.is_some(),
        posting.location.postal_code.is_some(),
        posting.location.region_code.is_some(),
        posting.remote.is_some(),
        posting.contract.is_some(),
        posting.salary.is_some(),
        posting.rome_code.is_some(),
        posting.sector.is_some(),
        !posting.description.is_empty(),
    ]
    .into_iter()
    .filter(|filled| *filled)
    .count()
}

fn complete<T: Clone>(field: &mut Option<T>, other: &Option<T>) {
    if field.is_none() {
        field.clone_from(other);
    }
}

/// Merges duplicates: one survivor per group (the posting with the most fields filled, then the
/// earliest published, then the smallest source URL), its missing fields completed from the
/// others in that order, competences united, and every other source URL (and those they had
/// merged before) in `duplicate_urls`. Postings keep their input order, the survivor taking the
/// place of its group's first member.
pub fn merge(postings: Vec<JobPosting>) -> Vec<JobPosting> {
    let groups = groups(&postings);
    let mut slots: Vec<Option<JobPosting>> = postings.into_iter().map(Some).collect();
    let mut replacement: HashMap<usize, JobPosting> = HashMap::new();
    for group in &groups {
        let mut members: Vec<JobPosting> = group.iter().filter_map(|&index| slots[index].take()).collect();
        members.sort_by(|a, b| {
            filled(b)
                .cmp(&filled(a))
                .then_with(|| a.date_posted.is_none().cmp(&b.date_posted.is_none()))
                .then_with(|| a.date_posted.cmp(&b.date_posted))
                .then_with(|| a.source_url.cmp(&b.source_url))
        });
        let mut members = members.into_iter();
        let Some(mut survivor) = members.next() else { continue };
        for other in members {
            complete(&mut survivor.date_posted, &other.date_posted);
            complete(&mut survivor.valid_through, &other.valid_through);
            complete(&mut survivor.employer, &other.employer);
            complete(&mut survivor.location.city, &other.location.city);
            complete(&mut survivor.location.postal_code, &other.location.postal_code);
            complete(&mut survivor.location.region_code, &other.location.region_code);
            complete(&mut survivor.location.country, &other.location.country);
            complete(&mut survivor.remote, &other.remote);
            complete(&mut survivor.contract, &other.contract);
            complete(&mut survivor.salary, &other.salary);
            complete(&mut survivor.rome_code, &other.rome_code);
            complete(&mut survivor.sector, &other.sector);
            if survivor.description.is_empty() {
                survivor.description = other.description.clone();
            }
            survivor.competences.extend(other.competences);
            survivor.duplicate_urls.push(other.source_url);
            survivor.duplicate_urls.extend(other.duplicate_urls);
        }
        survivor.competences.sort();
        survivor.competences.dedup();
        let source = survivor.source_url.clone();
        survivor.duplicate_urls.retain(|url| *url != source);
        survivor.duplicate_urls.sort();
        survivor.duplicate_urls.dedup();
        replacement.insert(group[0], survivor);
    }
    slots.into_iter().enumerate().filter_map(|(index, slot)| slot.or_else(|| replacement.remove(&index))).collect()
}
