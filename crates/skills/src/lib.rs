//! The référentiel de compétences: model, loading with validation, look-ups and exports.
#![doc = include_str!("../README.md")]

pub mod export;
mod load;

use std::fmt;
use std::path::PathBuf;

pub use load::{EMBEDDED_FILES, Source, embedded, load_dir, load_sources};

/// A text in French and English.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Text {
    /// French text, the one users read first.
    pub fr: String,
    /// English text.
    pub en: String,
}

/// The five pillars of the référentiel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pillar {
    /// Informatique.
    Inf,
    /// Mathématiques et statistique.
    Mst,
    /// Métier et domaine.
    Met,
    /// Transversal competences, weighted over the three disciplinary pillars.
    Trv,
    /// Integrative project competences, weighted over the three disciplinary pillars.
    Prj,
}

impl Pillar {
    /// Every pillar, in the order the référentiel presents them.
    pub const ALL: [Pillar; 5] = [Pillar::Inf, Pillar::Mst, Pillar::Met, Pillar::Trv, Pillar::Prj];

    /// The three pillars that volumes and weights are split over.
    pub const DISCIPLINARY: [Pillar; 3] = [Pillar::Inf, Pillar::Mst, Pillar::Met];

    /// The three-letter code used in ids (`INF`, `MST`, …).
    pub fn code(self) -> &'static str {
        match self {
            Pillar::Inf => "INF",
            Pillar::Mst => "MST",
            Pillar::Met => "MET",
            Pillar::Trv => "TRV",
            Pillar::Prj => "PRJ",
        }
    }

    /// Parses a three-letter code.
    pub fn from_code(code: &str) -> Option<Pillar> {
        Pillar::ALL.into_iter().find(|pillar| pillar.code() == code)
    }
}

impl fmt::Display for Pillar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The four mastery levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Sensibilisation (Bloom 1–2).
    N1,
    /// Mise en œuvre (Bloom 3–4).
    N2,
    /// Maîtrise (Bloom 5).
    N3,
    /// Expertise (Bloom 6).
    N4,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [Level::N1, Level::N2, Level::N3, Level::N4];

    /// The code `N1` … `N4`.
    pub fn code(self) -> &'static str {
        match self {
            Level::N1 => "N1",
            Level::N2 => "N2",
            Level::N3 => "N3",
            Level::N4 => "N4",
        }
    }

    /// Parses `N1` … `N4`.
    pub fn from_code(code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|level| level.code() == code)
    }

    /// Position of the level, 0 for N1.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A pillar as the référentiel describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct PillarInfo {
    /// Which pillar.
    pub id: Pillar,
    /// Its name.
    pub label: Text,
    /// Whether its competences are weighted over the disciplinary pillars.
    pub transversal: bool,
}

/// A group of competences inside one pillar.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Identifier such as `MST-STAT`.
    pub id: String,
    /// The pillar it belongs to.
    pub pillar: Pillar,
    /// Its name.
    pub label: Text,
}

/// A mastery level as the référentiel describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelInfo {
    /// Which level.
    pub id: Level,
    /// Its name (« Sensibilisation », …).
    pub label: Text,
    /// The Bloom taxonomy levels it corresponds to.
    pub bloom: String,
}

/// A specialisation sector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    /// Identifier such as `assurance`.
    pub id: String,
    /// Its name.
    pub label: Text,
}

/// How a competence's volume is split over the three disciplinary pillars; sums to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Share of informatique.
    pub inf: f64,
    /// Share of mathématiques et statistique.
    pub mst: f64,
    /// Share of métier et domaine.
    pub met: f64,
}

impl Weights {
    /// The weight of one disciplinary pillar (0 for TRV and PRJ, which are never targets).
    pub fn get(&self, pillar: Pillar) -> f64 {
        match pillar {
            Pillar::Inf => self.inf,
            Pillar::Mst => self.mst,
            Pillar::Met => self.met,
            Pillar::Trv | Pillar::Prj => 0.0,
        }
    }
}

/// Links from a competence to other frameworks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crosswalk {
    /// EDISON CF-DS competence ids (`DSDA02`, …).
    pub edsf: Vec<String>,
    /// ESCO skill labels (English preferred labels).
    pub esco: Vec<String>,
    /// ROME job codes (`M1405`, …).
    pub rome: Vec<String>,
}

/// Words that recognise the competence in a job posting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keywords {
    /// French keywords, lowercase.
    pub fr: Vec<String>,
    /// English keywords, lowercase.
    pub en: Vec<String>,
}

/// Where something was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name, relative to the référentiel folder.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, ligne {}", self.file, self.line)
    }
}

/// One competence of the référentiel.
#[derive(Debug, Clone, PartialEq)]
pub struct Competence {
    /// Identifier `DS.<PILLAR>.<nn>`.
    pub id: String,
    /// The pillar named in the id.
    pub pillar: Pillar,
    /// Group identifier.
    pub group: String,
    /// Whether it belongs to the common core (tronc commun).
    pub core: bool,
    /// Specialisation sector, for competences outside the common core.
    pub sector: Option<String>,
    /// Short name.
    pub label: Text,
    /// What the competence covers.
    pub description: Text,
    /// Split of its volume over the disciplinary pillars.
    pub weights: Weights,
    /// Descriptor of each level, N1 first.
    pub levels: [String; 4],
    /// Links to other frameworks.
    pub crosswalk: Crosswalk,
    /// Words that recognise it in job postings.
    pub keywords: Keywords,
    /// Where it is declared.
    pub location: Location,
}

impl Competence {
    /// The descriptor of one level.
    pub fn level(&self, level: Level) -> &str {
        &self.levels[level.index()]
    }
}

/// The whole référentiel, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Referentiel {
    /// Version such as `2026.1`.
    pub version: String,
    /// Publication date of this version (ISO 8601).
    pub published: String,
    /// Its title.
    pub title: Text,
    /// Licence of the data.
    pub licence: String,
    /// The pillars, in presentation order.
    pub pillars: Vec<PillarInfo>,
    /// The groups, in presentation order.
    pub groups: Vec<Group>,
    /// The four levels.
    pub levels: Vec<LevelInfo>,
    /// The specialisation sectors.
    pub sectors: Vec<Sector>,
    /// Every competence, sorted by id.
    pub competences: Vec<Competence>,
}

impl Referentiel {
    /// Looks a competence up by id.
    pub fn competence(&self, id: &str) -> Option<&Competence> {
        self.competences.iter().find(|competence| competence.id == id)
    }

    /// Looks a group up by id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|group| group.id == id)
    }

    /// Looks a pillar up.
    pub fn pillar(&self, pillar: Pillar) -> Option<&PillarInfo> {
        self.pillars.iter().find(|info| info.id == pillar)
    }

    /// Looks a sector up by id.
    pub fn sector(&self, id: &str) -> Option<&Sector> {
        self.sectors.iter().find(|sector| sector.id == id)
    }

    /// Looks a level up.
    pub fn level(&self, level: Level) -> Option<&LevelInfo> {
        self.levels.iter().find(|info| info.id == level)
    }

    /// The competences of one group, in id order.
    pub fn competences_in_group<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Competence> + 'a {
        self.competences.iter().filter(move |competence| competence.group == group)
    }
}

/// One thing wrong in the référentiel's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub location: Location,
    /// What is wrong and what would be accepted, in French.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} : {}", self.location, self.message)
    }
}

/// Why a référentiel could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or the folder could not be read.
    #[error("impossible de lire {path} : {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The files were read but are not a valid référentiel.
    #[error("{} problème(s) dans le référentiel :\n{}", .0.len(), list_problems(.0))]
    Invalid(Vec<Problem>),
}

fn list_problems(problems: &[Problem]) -> String {
    problems.iter().map(|problem| format!("  - {problem}")).collect::<Vec<_>>().join("\n")
}

/// Lowercases a text and removes French diacritics (é → e, œ → oe), so that « Régression »
/// and « regression » compare equal. Used for search and keyword recognition.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match ch {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => folded.push('a'),
            'ç' => folded.push('c'),
            'è' | 'é' | 'ê' | 'ë' => folded.push('e'),
            'ì' | 'í' | 'î' | 'ï' => folded.push('i'),
            'ñ' => folded.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => folded.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => folded.push('u'),
            'ý' | 'ÿ' => folded.push('y'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            '’' | 'ʼ' => folded.push('\''),
            other => folded.push(other),
        }
    }
    folded
}

impl Competence {
    /// Whether every word of a query (already passed through [`fold`]) appears in the id,
    /// labels, description or keywords.
    pub fn matches(&self, folded_query: &str) -> bool {
        let haystack = fold(&format!(
            "{} {} {} {} {} {} {}",
            self.id,
            self.label.fr,
            self.label.en,
            self.description.fr,
            self.description.en,
            self.keywords.fr.join(" "),
            self.keywords.en.join(" ")
        ));
        folded_query.split_whitespace().all(|word| haystack.contains(word))
    }
}

/// The EDISON CF-DS definition of a crosswalk target, in English, when the id is known.
pub fn edsf_definition(id: &str) -> Option<String> {
    load::edsf_table().into_iter().find(|(known, _)| known == id).map(|(_, definition)| definition)
}
