//! The fields of a declaration, once: their kind, whether they are always required, and their
//! French description. The parser checks against these tables and the JSON Schema is generated
//! from them, so the two cannot disagree on which keys exist or what type each holds.

use crate::model::{AssessmentKind, Diploma, Modality, PlacementKind, UnitKind};

/// A string format checked by a small function (the schema states the same rule as a pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeFormat {
    /// `RNCP` followed by 3 to 6 digits.
    Rncp,
    /// `RS` followed by 3 to 6 digits.
    Rs,
    /// Two lowercase letters (ISO 639-1).
    Language,
    /// Lowercase letters and digits in words joined by single hyphens.
    Slug,
}

impl CodeFormat {
    /// The same rule as a regular expression, for the JSON Schema.
    pub(crate) fn pattern(self) -> &'static str {
        match self {
            CodeFormat::Rncp => "^RNCP[0-9]{3,6}$",
            CodeFormat::Rs => "^RS[0-9]{3,6}$",
            CodeFormat::Language => "^[a-z]{2}$",
            CodeFormat::Slug => "^[a-z0-9]+(-[a-z0-9]+)*$",
        }
    }

    /// Whether a text follows the format.
    pub(crate) fn accepts(self, text: &str) -> bool {
        let digits = |rest: &str| (3..=6).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit());
        match self {
            CodeFormat::Rncp => text.strip_prefix("RNCP").is_some_and(digits),
            CodeFormat::Rs => text.strip_prefix("RS").is_some_and(digits),
            CodeFormat::Language => text.len() == 2 && text.bytes().all(|b| b.is_ascii_lowercase()),
            CodeFormat::Slug => {
                text.len() <= SLUG_MAX_LEN
                    && !text.is_empty()
                    && text.split('-').all(|word| {
                        !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    })
            }
        }
    }

    /// What is accepted, in French.
    pub(crate) fn expected(self) -> String {
        match self {
            CodeFormat::Rncp => "un code RNCP : « RNCP » suivi de 3 à 6 chiffres, par exemple \"RNCP35184\"".to_owned(),
            CodeFormat::Rs => {
                "un code du répertoire spécifique : « RS » suivi de 3 à 6 chiffres, par exemple \"RS5487\"".to_owned()
            }
            CodeFormat::Language => {
                "un code de langue ISO 639-1 en deux lettres minuscules, par exemple \"fr\"".to_owned()
            }
            CodeFormat::Slug => format!(
                "un identifiant de {SLUG_MAX_LEN} caractères au plus, en lettres minuscules sans accent, chiffres et tirets simples, par exemple \"master-sd\""
            ),
        }
    }
}

/// Longest accepted programme id.
pub(crate) const SLUG_MAX_LEN: usize = 64;

/// Largest accepted number of semesters (a five-year programme has 10).
pub(crate) const MAX_SEMESTERS: i64 = 12;

/// Longest accepted placement, in weeks (three years of work-study).
pub(crate) const MAX_WEEKS: i64 = 156;

/// What a field holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// A non-empty string.
    Text,
    /// A string with a fixed format.
    Code(CodeFormat),
    /// An http or https address.
    Url,
    /// One code among a fixed list.
    Choice(fn() -> Vec<&'static str>),
    /// A list of distinct codes among a fixed list; `min_items` is 0 or 1.
    ChoiceList { codes: fn() -> Vec<&'static str>, min_items: usize },
    /// An INSEE region code.
    Region,
    /// A specialisation sector of the référentiel.
    Sector,
    /// An integer within bounds (`max` absent: no upper bound).
    Integer { min: i64, max: Option<i64> },
    /// A number strictly above zero.
    Positive,
    /// A number zero or above.
    NonNegative,
    /// A number between 0 and 1.
    Share,
    /// true or false.
    Bool,
    /// A calendar date.
    Date,
    /// A list of `{ id, level }` competence claims.
    Claims,
}

/// One field of a table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// Its key.
    pub key: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether every declaration must give it (conditional requirements are checked apart).
    pub required: bool,
    /// French description, shown in the schema and in messages about a missing field.
    pub description: &'static str,
}

const fn field(key: &'static str, kind: Kind, required: bool, description: &'static str) -> Field {
    Field { key, kind, required, description }
}

/// The INSEE codes of the 18 French regions (2016 map) with their names, and the name of a
/// region from its code: the observatory's shared table (`records::geo`).
pub use records::geo::{REGIONS, region_name};

/// Top-level keys of a declaration.
pub(crate) const TOP: [Field; 5] = [
    field("programme", Kind::Text, true, "La formation : identité, diplôme, niveau, lieu, volumes, mise à jour."),
    field("units", Kind::Text, true, "Les unités d'enseignement ([[units]]), au moins une."),
    field("projects", Kind::Text, false, "Les projets sur données ([[projects]])."),
    field("placements", Kind::Text, false, "Les périodes en entreprise : stages et alternance ([[placements]])."),
    field("outcomes", Kind::Text, false, "Le devenir des diplômés ([outcomes])."),
];

/// Keys of `[programme]`.
pub(crate) const PROGRAMME: [Field; 20] = [
    field(
        "id",
        Kind::Code(CodeFormat::Slug),
        true,
        "Identifiant de la formation, unique chez l'organisme : minuscules, chiffres et tirets.",
    ),
    field("title", Kind::Text, true, "Intitulé de la formation."),
    field("provider", Kind::Text, true, "Organisme qui la dispense (université, école, organisme de formation)."),
    field("diploma", Kind::Choice(Diploma::codes), true, "Type de diplôme ou de formation."),
    field(
        "level",
        Kind::Integer { min: 5, max: Some(8) },
        false,
        "Niveau RNCP de 5 à 8 ; obligatoire pour un diplôme, absent pour une formation courte ou un MOOC, facultatif pour un certificat.",
    ),
    field(
        "rncp",
        Kind::Code(CodeFormat::Rncp),
        false,
        "Code de la fiche au Répertoire national des certifications professionnelles.",
    ),
    field("rs", Kind::Code(CodeFormat::Rs), false, "Code de la fiche au Répertoire spécifique (à la place de rncp)."),
    field("registration_end", Kind::Date, false, "Date de fin d'enregistrement de la fiche RNCP ou RS."),
    field(
        "region",
        Kind::Region,
        false,
        "Code INSEE de la région où la formation est dispensée ; obligatoire sauf pour une formation entièrement à distance.",
    ),
    field("city", Kind::Text, false, "Ville où la formation est dispensée."),
    field(
        "modality",
        Kind::ChoiceList { codes: Modality::codes, min_items: 1 },
        true,
        "Modalités d'enseignement, au moins une.",
    ),
    field("language", Kind::Code(CodeFormat::Language), true, "Langue d'enseignement (code ISO 639-1)."),
    field(
        "total_ects",
        Kind::Positive,
        false,
        "Crédits ECTS de toute la formation ; total_ects ou total_hours est obligatoire.",
    ),
    field(
        "total_hours",
        Kind::Positive,
        false,
        "Heures encadrées de toute la formation ; total_ects ou total_hours est obligatoire.",
    ),
    field(
        "semesters",
        Kind::Integer { min: 1, max: Some(MAX_SEMESTERS) },
        false,
        "Nombre de semestres ; obligatoire quand la formation a un niveau.",
    ),
    field(
        "apprenticeship",
        Kind::Bool,
        false,
        "La formation se suit en alternance (apprentissage ou contrat de professionnalisation) ; false par défaut.",
    ),
    field(
        "practitioner_share",
        Kind::Share,
        false,
        "Part des enseignements assurés par des professionnels en activité, entre 0 et 1 (0.15 pour 15 %).",
    ),
    field("updated", Kind::Date, true, "Date de dernière mise à jour de la déclaration (pas dans le futur)."),
    field("public_url", Kind::Url, false, "Adresse de la page publique de la formation."),
    field("example", Kind::Bool, false, "Formation fictive de démonstration ; false par défaut."),
];

/// Keys of a `[[units]]` entry.
pub(crate) const UNIT: [Field; 9] = [
    field("code", Kind::Text, true, "Code de l'unité, unique dans la formation."),
    field("title", Kind::Text, true, "Intitulé de l'unité."),
    field("ects", Kind::Positive, false, "Crédits ECTS ; ects ou hours est obligatoire."),
    field("hours", Kind::Positive, false, "Heures encadrées (cours, TD, TP) ; ects ou hours est obligatoire."),
    field(
        "semester",
        Kind::Integer { min: 1, max: Some(MAX_SEMESTERS) },
        false,
        "Semestre de l'unité (1 pour le premier) ; obligatoire quand la formation déclare ses semestres.",
    ),
    field("kind", Kind::Choice(UnitKind::codes), true, "Tronc commun (core) ou spécialisation (specialisation)."),
    field(
        "sector",
        Kind::Sector,
        false,
        "Secteur du référentiel ; obligatoire pour une unité de spécialisation, interdit pour une unité du tronc commun.",
    ),
    field("competences", Kind::Claims, false, "Compétences du référentiel enseignées, avec le niveau visé."),
    field(
        "assessments",
        Kind::ChoiceList { codes: AssessmentKind::codes, min_items: 0 },
        false,
        "Modalités d'évaluation notées de l'unité.",
    ),
];

/// Keys of a `[[projects]]` entry.
pub(crate) const PROJECT: [Field; 12] = [
    field("title", Kind::Text, true, "Intitulé du projet."),
    field("ects", Kind::Positive, false, "Crédits ECTS ; ects ou hours est obligatoire."),
    field("hours", Kind::Positive, false, "Heures encadrées ; ects ou hours est obligatoire."),
    field("semester", Kind::Integer { min: 1, max: Some(MAX_SEMESTERS) }, false, "Semestre du projet."),
    field(
        "data_provenance",
        Kind::Url,
        false,
        "Adresse publique des données ; data_provenance ou partner est obligatoire.",
    ),
    field(
        "partner",
        Kind::Text,
        false,
        "Organisme partenaire qui fournit les données ; data_provenance ou partner est obligatoire.",
    ),
    field("synthetic", Kind::Bool, false, "Les données sont simulées plutôt que réelles ; false par défaut."),
    field("data_size_gb", Kind::NonNegative, false, "Taille des données, en gigaoctets."),
    field("records", Kind::Integer { min: 0, max: None }, false, "Nombre d'enregistrements (lignes) des données."),
    field("sources", Kind::Integer { min: 1, max: None }, false, "Nombre de sources de données distinctes croisées."),
    field("graded", Kind::Bool, true, "Le projet est noté."),
    field("competences", Kind::Claims, false, "Compétences du référentiel exercées, avec le niveau visé."),
];

/// Keys of a `[[placements]]` entry.
pub(crate) const PLACEMENT: [Field; 5] = [
    field("kind", Kind::Choice(PlacementKind::codes), true, "Stage ou alternance."),
    field("weeks", Kind::Integer { min: 1, max: Some(MAX_WEEKS) }, true, "Durée en semaines."),
    field("mandatory", Kind::Bool, true, "Obligatoire pour tous les apprenants."),
    field("competences", Kind::Claims, false, "Compétences du référentiel exercées, avec le niveau visé."),
    field(
        "assessments",
        Kind::ChoiceList { codes: AssessmentKind::codes, min_items: 0 },
        false,
        "Modalités d'évaluation notées de la période.",
    ),
];

/// Keys of `[outcomes]`.
pub(crate) const OUTCOMES: [Field; 3] = [
    field("graduates", Kind::Integer { min: 0, max: None }, false, "Nombre de diplômés de la dernière promotion."),
    field("employment_6m", Kind::Share, false, "Part des diplômés en emploi six mois après le diplôme, entre 0 et 1."),
    field("published", Kind::Bool, true, "Ces chiffres sont publiés sur la page publique de la formation."),
];

/// Keys of one competence claim.
pub(crate) const CLAIM: [Field; 2] = [
    field("id", Kind::Text, true, "Identifiant d'une compétence du référentiel, par exemple DS.MST.06."),
    field("level", Kind::Text, true, "Niveau visé : N1, N2, N3 ou N4."),
];

/// The keys of a table, for messages.
pub(crate) fn keys(fields: &[Field]) -> String {
    fields.iter().map(|field| field.key).collect::<Vec<_>>().join(", ")
}
