//! The JSON Schema against a real draft 2020-12 validator (boon): valid declarations pass it,
//! broken ones fail it, and it agrees with the parser on which fields exist and are required.

mod common;

use common::{fixture, referentiel, today};
use registry::Declaration;
use serde_json::{Value, json};

/// The schema compiled by boon, with format assertions on (dates are checked).
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        let schema = registry::schema::schema(referentiel());
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        let location = "https://socle.invalid/declaration-formation.schema.json";
        compiler.add_resource(location, schema).expect("ressource");
        let index = compiler.compile(location, &mut schemas).unwrap_or_else(|err| panic!("schéma invalide : {err:#}"));
        Validator { schemas, index }
    }

    fn accepts(&self, instance: &Value) -> bool {
        self.schemas.validate(instance, self.index).is_ok()
    }

    fn errors(&self, instance: &Value) -> String {
        match self.schemas.validate(instance, self.index) {
            Ok(()) => String::new(),
            Err(err) => format!("{err}"),
        }
    }
}

fn parser_accepts(instance: &Value) -> bool {
    Declaration::from_json(&instance.to_string(), referentiel(), today()).is_ok()
}

#[test]
fn the_schema_says_what_it_is_in_french() {
    let schema = registry::schema::schema(referentiel());
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["title"], "Déclaration d'une formation en science des données");
    let level = &schema["$defs"]["programme"]["properties"]["level"];
    assert_eq!(level["minimum"], 5);
    assert_eq!(level["maximum"], 8);
    assert!(level["description"].as_str().is_some_and(|text| text.starts_with("Niveau RNCP")));
    let ids = schema["$defs"]["competence"]["properties"]["id"]["enum"].as_array().expect("identifiants");
    assert_eq!(ids.len(), referentiel().competences.len());
}

#[test]
fn the_golden_declarations_converted_to_json_validate() {
    let validator = Validator::new();
    for name in ["master.toml", "court.toml"] {
        let json = fixture(name).to_json();
        assert!(validator.accepts(&json), "{name} refusé par le schéma : {}", validator.errors(&json));
    }
}

#[test]
fn broken_declarations_fail_the_schema() {
    let validator = Validator::new();
    let master = fixture("master.toml").to_json();
    let cases: Vec<(&str, Mutation)> = vec![
        ("clé inconnue", Box::new(|json| json["programme"]["tittle"] = json!("x"))),
        ("niveau 9", Box::new(|json| json["programme"]["level"] = json!(9))),
        ("niveau pour une formation courte", Box::new(|json| json["programme"]["diploma"] = json!("court"))),
        ("niveau manquant", Box::new(|json| remove(json, "/programme", "level"))),
        (
            "rncp et rs",
            Box::new(|json| {
                json["programme"]["rncp"] = json!("RNCP35184");
                json["programme"]["rs"] = json!("RS5487");
            }),
        ),
        (
            "région hybride manquante",
            Box::new(|json| {
                remove(json, "/programme", "region");
                json["programme"]["modality"] = json!(["hybride"]);
            }),
        ),
        ("région inconnue", Box::new(|json| json["programme"]["region"] = json!("99"))),
        ("date invalide", Box::new(|json| json["programme"]["updated"] = json!("2026-02-30"))),
        ("part en pourcentage", Box::new(|json| json["programme"]["practitioner_share"] = json!(15))),
        ("sans unité", Box::new(|json| json["units"] = json!([]))),
        ("spécialisation sans secteur", Box::new(|json| remove(json, "/units/12", "sector"))),
        ("tronc commun avec secteur", Box::new(|json| json["units"][0]["sector"] = json!("assurance"))),
        ("secteur inconnu", Box::new(|json| json["units"][12]["sector"] = json!("assurances"))),
        ("compétence inconnue", Box::new(|json| json["units"][0]["competences"][0]["id"] = json!("DS.INF.99"))),
        ("niveau N5", Box::new(|json| json["units"][0]["competences"][0]["level"] = json!("N5"))),
        ("heures négatives", Box::new(|json| json["units"][0]["hours"] = json!(-60))),
        ("évaluation inconnue", Box::new(|json| json["units"][0]["assessments"] = json!(["qcm"]))),
        ("projet sans provenance", Box::new(|json| remove(json, "/projects/0", "data_provenance"))),
        ("stage de 0 semaine", Box::new(|json| json["placements"][0]["weeks"] = json!(0))),
        ("adresse sans schéma", Box::new(|json| json["programme"]["public_url"] = json!("exemple.fr/master"))),
    ];
    for (name, mutate) in cases {
        let mut json = master.clone();
        mutate(&mut json);
        assert!(!validator.accepts(&json), "le schéma accepte : {name}");
        assert!(!parser_accepts(&json), "le parseur accepte : {name}");
    }
}

/// A change that breaks a declaration.
type Mutation = Box<dyn Fn(&mut Value)>;

fn remove(json: &mut Value, pointer: &str, key: &str) {
    let removed = json.pointer_mut(pointer).and_then(Value::as_object_mut).and_then(|object| object.remove(key));
    assert!(removed.is_some(), "{pointer}/{key} absent");
}

/// Removing any one field, or giving it a value of the wrong shape, is accepted or refused by the
/// schema and the parser alike (except where the schema documents that it cannot tell).
#[test]
fn schema_and_parser_agree_field_by_field() {
    let validator = Validator::new();
    let master = fixture("master.toml").to_json();
    let mut places: Vec<String> = vec![String::new(), "/programme".to_owned(), "/outcomes".to_owned()];
    places
        .extend(["/units/0", "/units/12", "/projects/0", "/placements/0", "/units/0/competences/0"].map(str::to_owned));
    let mut compared = 0;
    for place in &places {
        let keys: Vec<String> =
            master.pointer(place).and_then(Value::as_object).expect(place).keys().cloned().collect();
        for key in keys {
            let mut without = master.clone();
            remove(&mut without, if place.is_empty() { "" } else { place }, &key);
            let path = format!("{place}/{key}");
            // The parser also needs a unit's semester when the programme declares semesters.
            let beyond_schema = place.starts_with("/units/") && key == "semester";
            if !beyond_schema {
                assert_eq!(
                    validator.accepts(&without),
                    parser_accepts(&without),
                    "sans {path} : schéma et parseur en désaccord ({})",
                    validator.errors(&without)
                );
            }
            let mut wrong = master.clone();
            if let Some(object) = wrong.pointer_mut(place).and_then(Value::as_object_mut) {
                object.insert(key.clone(), json!({ "inattendu": true }));
            }
            assert!(!validator.accepts(&wrong), "{path} = table : accepté par le schéma");
            assert!(!parser_accepts(&wrong), "{path} = table : accepté par le parseur");
            compared += 1;
        }
    }
    assert!(compared > 50, "{compared} champs comparés");
}
