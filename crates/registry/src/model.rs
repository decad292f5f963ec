//! The validated declaration of a programme: what a provider tells the registry.
//!
//! Values are built only by the parser (`parse.rs`), which checks every field; the fields are
//! public so that criteria and tests read them directly.

use serde::Serialize;
use skills::Level;

use crate::date::Date;

/// Declares an enum whose variants are written as fixed codes in declarations, with a French label
/// for each (used in messages and pages).
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the documentation lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// What the value is, in French (for messages).
            pub const WHAT: &'static str = $what;

            /// The code written in declarations.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The French name.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// Parses a code.
            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.code() == code)
            }

            /// Every code, in order.
            pub fn codes() -> Vec<&'static str> {
                $name::ALL.iter().map(|value| value.code()).collect()
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }
    };
}

code_enum!(
    /// The kind of diploma or course.
    Diploma, "type de diplôme", {
        /// Licence (national diploma, niveau 6).
        Licence => "licence", "licence";
        /// Licence professionnelle (national diploma, niveau 6).
        LicencePro => "licence_pro", "licence professionnelle";
        /// Bachelor universitaire de technologie (national diploma, niveau 6).
        But => "but", "bachelor universitaire de technologie (BUT)";
        /// Brevet de technicien supérieur (national diploma, niveau 5).
        Bts => "bts", "brevet de technicien supérieur (BTS)";
        /// Master (national diploma, niveau 7).
        Master => "master", "master";
        /// Diplôme d'ingénieur accredited by the CTI (niveau 7).
        Ingenieur => "ingenieur", "diplôme d'ingénieur";
        /// Doctorat (national diploma, niveau 8).
        Doctorat => "doctorat", "doctorat";
        /// Mastère spécialisé of the Conférence des grandes écoles (niveau 7, registered in the RNCP).
        MsCge => "ms_cge", "mastère spécialisé (CGE)";
        /// A certificate or professional title registered in the RNCP or the répertoire spécifique.
        Certificat => "certificat", "certificat ou titre certifié";
        /// A short continuing-education course.
        Court => "court", "formation courte";
        /// A massive open online course.
        Mooc => "mooc", "MOOC";
    }
);

impl Diploma {
    /// The RNCP niveau the diploma always has, for diplomas that fix one.
    pub fn fixed_level(self) -> Option<u8> {
        match self {
            Diploma::Bts => Some(5),
            Diploma::Licence | Diploma::LicencePro | Diploma::But => Some(6),
            Diploma::Master | Diploma::Ingenieur | Diploma::MsCge => Some(7),
            Diploma::Doctorat => Some(8),
            Diploma::Certificat | Diploma::Court | Diploma::Mooc => None,
        }
    }

    /// Whether it is a national diploma (or the CTI-accredited engineering degree), registered in
    /// the RNCP by right.
    pub fn is_national(self) -> bool {
        matches!(
            self,
            Diploma::Licence
                | Diploma::LicencePro
                | Diploma::But
                | Diploma::Bts
                | Diploma::Master
                | Diploma::Ingenieur
                | Diploma::Doctorat
        )
    }

    /// Short courses and MOOCs, which never carry a niveau.
    pub fn is_short_course(self) -> bool {
        matches!(self, Diploma::Court | Diploma::Mooc)
    }
}

code_enum!(
    /// How the programme is taught.
    Modality, "modalité", {
        /// On site.
        Presentiel => "presentiel", "présentiel";
        /// Remote.
        Distanciel => "distanciel", "à distance";
        /// Partly on site, partly remote.
        Hybride => "hybride", "hybride";
    }
);

code_enum!(
    /// Whether a teaching unit belongs to the common core.
    UnitKind, "nature d'unité", {
        /// Common core (tronc commun), followed by every learner.
        Core => "core", "tronc commun";
        /// Sector specialisation (différenciation tardive).
        Specialisation => "specialisation", "spécialisation";
    }
);

code_enum!(
    /// A graded assessment method.
    AssessmentKind, "modalité d'évaluation", {
        /// Written or on-screen examination.
        Exam => "exam", "examen";
        /// Graded lab work.
        GradedLab => "graded_lab", "travaux pratiques notés";
        /// Graded project.
        Project => "project", "projet noté";
        /// Placement report.
        InternshipReport => "internship_report", "rapport de stage";
        /// Oral examination or defence.
        Oral => "oral", "oral";
    }
);

code_enum!(
    /// The kind of company placement.
    PlacementKind, "type d'immersion", {
        /// Internship.
        Stage => "stage", "stage";
        /// Work-study (apprenticeship or professionalisation contract).
        Alternance => "alternance", "alternance";
    }
);

/// A competence of the référentiel claimed at a target level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// Competence id, known to the référentiel (`DS.MST.06`).
    pub id: String,
    /// Target level.
    #[serde(serialize_with = "serialize_level")]
    pub level: Level,
}

fn serialize_level<S: serde::Serializer>(level: &Level, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(level.code())
}

/// The `[programme]` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Programme {
    /// Slug, unique within the provider.
    pub id: String,
    /// Title of the programme.
    pub title: String,
    /// The organisation that provides it.
    pub provider: String,
    /// Kind of diploma or course.
    pub diploma: Diploma,
    /// RNCP niveau 5–8; absent for short courses and MOOCs (and RS certificates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// RNCP registration code (`RNCP12345`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rncp: Option<String>,
    /// Répertoire spécifique registration code (`RS1234`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rs: Option<String>,
    /// Last day of the RNCP/RS registration, when the provider gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_end: Option<Date>,
    /// INSEE region code (`84`); may be absent for remote-only programmes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// City where it is taught.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Teaching modalities, at least one.
    pub modality: Vec<Modality>,
    /// Teaching language (ISO 639-1 code).
    pub language: String,
    /// Total ECTS credits of the whole programme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_ects: Option<f64>,
    /// Total supervised hours of the whole programme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_hours: Option<f64>,
    /// Number of semesters; required when the programme has a niveau.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semesters: Option<u32>,
    /// Whether the programme is taught in work-study (alternance).
    pub apprenticeship: bool,
    /// Share of teaching given by practitioners from outside academia, 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practitioner_share: Option<f64>,
    /// Date the declaration was last updated.
    pub updated: Date,
    /// Public web page of the programme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Marks a fictional programme used for demonstrations.
    pub example: bool,
}

/// A teaching unit (`[[units]]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    /// Code, unique within the programme (`UE11`).
    pub code: String,
    /// Title.
    pub title: String,
    /// ECTS credits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ects: Option<f64>,
    /// Supervised hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    /// Semester, 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semester: Option<u32>,
    /// Common core or specialisation.
    pub kind: UnitKind,
    /// Specialisation sector (a sector id of the référentiel), for specialisation units only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Competences taught, with target level.
    pub competences: Vec<Claim>,
    /// How the unit is assessed.
    pub assessments: Vec<AssessmentKind>,
}

/// A data project (`[[projects]]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    /// Title.
    pub title: String,
    /// ECTS credits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ects: Option<f64>,
    /// Supervised hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    /// Semester, 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semester: Option<u32>,
    /// Public address of the data (http or https URL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_provenance: Option<String>,
    /// Partner organisation that provides the data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// Whether the data are simulated rather than real.
    pub synthetic: bool,
    /// Size of the data in gigabytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_size_gb: Option<f64>,
    /// Number of records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
    /// Number of distinct data sources combined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<u32>,
    /// Whether the project is graded.
    pub graded: bool,
    /// Competences exercised, with target level.
    pub competences: Vec<Claim>,
}

/// A company placement (`[[placements]]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    /// Internship or work-study.
    pub kind: PlacementKind,
    /// Length in weeks.
    pub weeks: u32,
    /// Whether every learner does it.
    pub mandatory: bool,
    /// Competences exercised, with target level.
    pub competences: Vec<Claim>,
    /// How the placement is assessed.
    pub assessments: Vec<AssessmentKind>,
}

/// What became of the graduates (`[outcomes]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcomes {
    /// Graduates of the last cohort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graduates: Option<u32>,
    /// Share of graduates employed six months after graduating, 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_6m: Option<f64>,
    /// Whether these figures are published on the public page.
    pub published: bool,
}

/// A whole programme declaration, validated against the référentiel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Declaration {
    /// The programme itself.
    pub programme: Programme,
    /// Teaching units, at least one.
    pub units: Vec<Unit>,
    /// Data projects.
    pub projects: Vec<Project>,
    /// Company placements.
    pub placements: Vec<Placement>,
    /// Outcomes of past cohorts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Outcomes>,
}

impl Declaration {
    /// Whether the label treats it as a short course: a `court` or `mooc`, or a certificate
    /// without niveau. Such programmes are judged on fewer criteria (see the criteria).
    pub fn is_short(&self) -> bool {
        self.programme.diploma.is_short_course() || self.programme.level.is_none()
    }

    /// The JSON form of the declaration, which [`Declaration::from_json`] reads back to an equal value.
    pub fn to_json(&self) -> serde_json::Value {
        // Serialising plain structs, strings and finite numbers cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Every competence claim with where it is made, units first, then projects, then placements.
    pub fn claims(&self) -> impl Iterator<Item = (Container<'_>, &Claim)> {
        let units =
            self.units.iter().flat_map(|unit| unit.competences.iter().map(move |claim| (Container::Unit(unit), claim)));
        let projects = self
            .projects
            .iter()
            .flat_map(|project| project.competences.iter().map(move |claim| (Container::Project(project), claim)));
        let placements = self.placements.iter().flat_map(|placement| {
            placement.competences.iter().map(move |claim| (Container::Placement(placement), claim))
        });
        units.chain(projects).chain(placements)
    }
}

/// Where a competence is claimed.
#[derive(Debug, Clone, Copy)]
pub enum Container<'a> {
    /// In a teaching unit.
    Unit(&'a Unit),
    /// In a project.
    Project(&'a Project),
    /// In a placement.
    Placement(&'a Placement),
}

impl Container<'_> {
    /// Whether the learner is graded on it: a unit or placement with at least one assessment, a
    /// graded project.
    pub fn is_assessed(&self) -> bool {
        match self {
            Container::Unit(unit) => !unit.assessments.is_empty(),
            Container::Project(project) => project.graded,
            Container::Placement(placement) => !placement.assessments.is_empty(),
        }
    }

    /// A short French name (« l'unité UE11 », « le projet « … » », « le stage »).
    pub fn name(&self) -> String {
        match self {
            Container::Unit(unit) => format!("l'unité {}", unit.code),
            Container::Project(project) => format!("le projet « {} »", project.title),
            Container::Placement(placement) => format!("l'immersion ({})", placement.kind.label()),
        }
    }
}
