//! The programme registry: declarations, the label criteria C1–C14 and the label workflow.
#![doc = include_str!("../README.md")]

pub mod credential;
pub mod criteria;
mod date;
pub mod fr;
mod model;
mod parse;
pub mod schema;
mod spec;
pub mod volume;
pub mod workflow;

use std::fmt;
use std::path::Path;

use skills::Referentiel;

pub use criteria::{CRITERIA, Criterion, CriterionResult, Report, Status, Verdict, evaluate};
pub use date::{Date, Timestamp};
pub use model::{
    AssessmentKind, Claim, Container, Declaration, Diploma, Modality, Outcomes, Placement, PlacementKind, Programme,
    Project, Unit, UnitKind,
};
pub use spec::{REGIONS, region_name};

/// One thing wrong in a declaration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// 1-based line in the file (TOML and JSON syntax errors; every TOML problem).
    pub line: Option<usize>,
    /// Field path such as `units[2].competences[0].level` (indices from 0); empty for the file.
    pub path: String,
    /// What is wrong and what would be accepted, in French.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.path.is_empty()) {
            (Some(line), false) => write!(f, "ligne {line}, {} : {}", self.path, self.message),
            (Some(line), true) => write!(f, "ligne {line} : {}", self.message),
            (None, false) => write!(f, "{} : {}", self.path, self.message),
            (None, true) => f.write_str(&self.message),
        }
    }
}

/// A declaration that cannot be accepted, with every problem found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} problème(s) dans la déclaration :\n{}", .problems.len(), list(.problems))]
pub struct InvalidDeclaration {
    /// The problems, file-level ones first, then by line.
    pub problems: Vec<Problem>,
}

impl InvalidDeclaration {
    fn new(mut problems: Vec<Problem>) -> InvalidDeclaration {
        // Stable: problems of one line keep the order they were found in.
        problems.sort_by_key(|problem| problem.line);
        InvalidDeclaration { problems }
    }
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|problem| format!("  - {problem}")).collect::<Vec<_>>().join("\n")
}

/// The two formats a declaration is written in; both have the same structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the format providers write by hand.
    Toml,
    /// JSON, the same structure (what the web form and the API exchange).
    Json,
}

impl Format {
    /// The format of a file: by its extension (`.toml`, `.json`), otherwise by its content (JSON
    /// starts with `{`).
    pub fn guess(path: Option<&Path>, text: &str) -> Format {
        match path.and_then(Path::extension).and_then(|extension| extension.to_str()) {
            Some(extension) if extension.eq_ignore_ascii_case("json") => Format::Json,
            Some(extension) if extension.eq_ignore_ascii_case("toml") => Format::Toml,
            _ if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') => Format::Json,
            _ => Format::Toml,
        }
    }
}

impl Declaration {
    /// Reads and checks a TOML declaration against the référentiel; `today` bounds the dates.
    pub fn from_toml(text: &str, referentiel: &Referentiel, today: Date) -> Result<Declaration, InvalidDeclaration> {
        parse::parse_toml(text, referentiel, today)
    }

    /// Reads and checks a JSON declaration (same structure as the TOML one).
    pub fn from_json(text: &str, referentiel: &Referentiel, today: Date) -> Result<Declaration, InvalidDeclaration> {
        parse::parse_json(text, referentiel, today)
    }

    /// Reads a declaration in the given format.
    pub fn parse(
        text: &str,
        format: Format,
        referentiel: &Referentiel,
        today: Date,
    ) -> Result<Declaration, InvalidDeclaration> {
        match format {
            Format::Toml => Declaration::from_toml(text, referentiel, today),
            Format::Json => Declaration::from_json(text, referentiel, today),
        }
    }
}
