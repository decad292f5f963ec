//! The JSON Schema (draft 2020-12) of a declaration, generated from the same field tables the
//! parser checks against, with the référentiel's competence ids and sectors as enumerations.
//!
//! The schema states the structure: keys, types, ranges, formats, the fields each kind of programme
//! requires. The parser checks a few things a schema cannot, listed in [`BEYOND_SCHEMA`].

use serde_json::{Map, Value, json};
use skills::{Level, Referentiel};

use crate::model::{Diploma, Modality, UnitKind};
use crate::spec::{self, Field, Kind};

/// Checks made by `socle label check` that the schema does not express, in French.
pub const BEYOND_SCHEMA: [&str; 6] = [
    "la date de mise à jour (updated) n'est pas dans le futur",
    "les codes d'unité sont uniques et une compétence n'est déclarée qu'une fois par unité, projet ou période",
    "le semestre de chaque unité est renseigné quand la formation déclare ses semestres, et ne dépasse pas leur nombre",
    "les ECTS et les heures des unités et projets ne dépassent pas les totaux de la formation",
    "un taux d'emploi n'est pas déclaré sans diplômés",
    "les textes ne sont pas faits que d'espaces",
];

/// The schema of a declaration checked against this référentiel.
pub fn schema(referentiel: &Referentiel) -> Value {
    let properties = |fields: &[Field]| -> Map<String, Value> {
        fields.iter().map(|field| (field.key.to_owned(), property(field, referentiel))).collect()
    };
    let required = |fields: &[Field]| -> Vec<&str> {
        fields.iter().filter(|field| field.required).map(|field| field.key).collect()
    };
    let diplomas_with_level: Vec<&str> =
        Diploma::ALL.iter().filter(|diploma| diploma.fixed_level().is_some()).map(|diploma| diploma.code()).collect();
    let short_courses: Vec<&str> =
        Diploma::ALL.iter().filter(|diploma| diploma.is_short_course()).map(|diploma| diploma.code()).collect();

    let programme = json!({
        "type": "object",
        "description": description(&spec::TOP, "programme"),
        "additionalProperties": false,
        "properties": properties(&spec::PROGRAMME),
        "required": required(&spec::PROGRAMME),
        "dependentRequired": { "level": ["semesters"] },
        "allOf": [
            {
                "description": "Une formation courte ou un MOOC n'a pas de niveau RNCP.",
                "if": { "properties": { "diploma": { "enum": short_courses } }, "required": ["diploma"] },
                "then": { "not": { "required": ["level"] } }
            },
            {
                "description": "Un diplôme a un niveau RNCP.",
                "if": { "properties": { "diploma": { "enum": diplomas_with_level } }, "required": ["diploma"] },
                "then": { "required": ["level"] }
            },
            {
                "description": "Le volume total est donné en ECTS, en heures, ou les deux.",
                "anyOf": [{ "required": ["total_ects"] }, { "required": ["total_hours"] }]
            },
            {
                "description": "Une fiche RNCP ou une fiche RS, pas les deux.",
                "not": { "required": ["rncp", "rs"] }
            },
            {
                "description": "La région est obligatoire sauf pour une formation entièrement à distance.",
                "if": {
                    "properties": { "modality": { "const": [Modality::Distanciel.code()] } },
                    "required": ["modality"]
                },
                "else": { "required": ["region"] }
            }
        ]
    });
    let unit = json!({
        "type": "object",
        "description": "Une unité d'enseignement.",
        "additionalProperties": false,
        "properties": properties(&spec::UNIT),
        "required": required(&spec::UNIT),
        "allOf": [
            {
                "description": "Une unité de spécialisation nomme son secteur ; une unité du tronc commun n'en a pas.",
                "if": {
                    "properties": { "kind": { "const": UnitKind::Specialisation.code() } },
                    "required": ["kind"]
                },
                "then": { "required": ["sector"] },
                "else": { "not": { "required": ["sector"] } }
            },
            {
                "description": "Le volume est donné en ECTS, en heures, ou les deux.",
                "anyOf": [{ "required": ["ects"] }, { "required": ["hours"] }]
            }
        ]
    });
    let project = json!({
        "type": "object",
        "description": "Un projet sur données.",
        "additionalProperties": false,
        "properties": properties(&spec::PROJECT),
        "required": required(&spec::PROJECT),
        "allOf": [
            {
                "description": "Le volume est donné en ECTS, en heures, ou les deux.",
                "anyOf": [{ "required": ["ects"] }, { "required": ["hours"] }]
            },
            {
                "description": "La provenance des données est une adresse publique ou un partenaire.",
                "anyOf": [{ "required": ["data_provenance"] }, { "required": ["partner"] }]
            }
        ]
    });
    let placement = json!({
        "type": "object",
        "description": "Une période en entreprise.",
        "additionalProperties": false,
        "properties": properties(&spec::PLACEMENT),
        "required": required(&spec::PLACEMENT)
    });
    let outcomes = json!({
        "type": "object",
        "description": description(&spec::TOP, "outcomes"),
        "additionalProperties": false,
        "properties": properties(&spec::OUTCOMES),
        "required": required(&spec::OUTCOMES)
    });
    let competence_ids: Vec<&str> = referentiel.competences.iter().map(|competence| competence.id.as_str()).collect();
    let levels: Vec<&str> = Level::ALL.iter().map(|level| level.code()).collect();
    let claim = json!({
        "type": "object",
        "description": "Une compétence du référentiel et le niveau visé.",
        "additionalProperties": false,
        "properties": {
            "id": { "description": description(&spec::CLAIM, "id"), "enum": competence_ids },
            "level": { "description": description(&spec::CLAIM, "level"), "enum": levels }
        },
        "required": ["id", "level"]
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:socle:declaration-formation",
        "title": "Déclaration d'une formation en science des données",
        "description": format!(
            "Déclaration d'une formation au registre socle, vérifiée contre le référentiel {} (socle label check). Le même contenu s'écrit en TOML ou en JSON.",
            referentiel.version
        ),
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "programme": { "$ref": "#/$defs/programme" },
            "units": {
                "description": description(&spec::TOP, "units"),
                "type": "array",
                "minItems": 1,
                "items": { "$ref": "#/$defs/unit" }
            },
            "projects": {
                "description": description(&spec::TOP, "projects"),
                "type": "array",
                "items": { "$ref": "#/$defs/project" }
            },
            "placements": {
                "description": description(&spec::TOP, "placements"),
                "type": "array",
                "items": { "$ref": "#/$defs/placement" }
            },
            "outcomes": { "$ref": "#/$defs/outcomes" }
        },
        "required": ["programme", "units"],
        "$defs": {
            "programme": programme,
            "unit": unit,
            "project": project,
            "placement": placement,
            "outcomes": outcomes,
            "competence": claim
        }
    })
}

fn description(fields: &[Field], key: &str) -> &'static str {
    fields.iter().find(|field| field.key == key).map_or("", |field| field.description)
}

/// Where a URL's host must contain a dot and nothing may be blank, as the parser checks.
const URL_PATTERN: &str = r"^https?://[^\s/?#.][^\s/?#]*\.[^\s/?#]*([/?#]\S*)?$";

fn property(field: &Field, referentiel: &Referentiel) -> Value {
    let mut schema = match field.kind {
        Kind::Text => json!({ "type": "string", "pattern": r"\S" }),
        Kind::Code(format) => json!({ "type": "string", "pattern": format.pattern() }),
        Kind::Url => json!({ "type": "string", "pattern": URL_PATTERN }),
        Kind::Choice(codes) => json!({ "type": "string", "enum": codes() }),
        Kind::ChoiceList { codes, min_items } => json!({
            "type": "array",
            "items": { "enum": codes() },
            "uniqueItems": true,
            "minItems": min_items
        }),
        Kind::Region => {
            let codes: Vec<&str> = spec::REGIONS.iter().map(|(code, _)| *code).collect();
            json!({ "type": "string", "enum": codes })
        }
        Kind::Sector => {
            let sectors: Vec<&str> = referentiel.sectors.iter().map(|sector| sector.id.as_str()).collect();
            json!({ "type": "string", "enum": sectors })
        }
        Kind::Integer { min, max } => match max {
            Some(max) => json!({ "type": "integer", "minimum": min, "maximum": max }),
            None => json!({ "type": "integer", "minimum": min }),
        },
        Kind::Positive => json!({ "type": "number", "exclusiveMinimum": 0 }),
        Kind::NonNegative => json!({ "type": "number", "minimum": 0 }),
        Kind::Share => json!({ "type": "number", "minimum": 0, "maximum": 1 }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Date => json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        Kind::Claims => json!({ "type": "array", "items": { "$ref": "#/$defs/competence" } }),
    };
    if let Value::Object(map) = &mut schema {
        map.insert("description".to_owned(), Value::from(field.description));
    }
    schema
}
