//! The declaration form of the provider space.
//!
//! The form has one input per field of a declaration, and one group of inputs per teaching unit,
//! project and placement. What it sends is turned into the JSON tree of a declaration and checked
//! by `registry::Declaration::from_json`, so that a form and a file are judged by the same rules;
//! each problem the registry finds (`units[2].hours`) is brought back to the input it is about
//! (`units-2-hours`), with the French name of the field in front of the registry's message.

use std::collections::BTreeMap;

use registry::{AssessmentKind, Diploma, Modality, PlacementKind, REGIONS, UnitKind};
use serde_json::{Map, Value};

/// Most rows a repeated section (units, projects, placements) may have.
pub const MAX_ROWS: usize = 80;

/// Longest text one field accepts, in characters.
pub const MAX_FIELD_CHARS: usize = 2000;

/// The parts of a declaration, in the order of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `[programme]`.
    Programme,
    /// `[[units]]`.
    Units,
    /// `[[projects]]`.
    Projects,
    /// `[[placements]]`.
    Placements,
    /// `[outcomes]`.
    Outcomes,
}

impl Section {
    /// The key of the section in a declaration, also the start of its inputs' names.
    pub fn key(self) -> &'static str {
        match self {
            Section::Programme => "programme",
            Section::Units => "units",
            Section::Projects => "projects",
            Section::Placements => "placements",
            Section::Outcomes => "outcomes",
        }
    }

    fn from_key(key: &str) -> Option<Section> {
        [Section::Programme, Section::Units, Section::Projects, Section::Placements, Section::Outcomes]
            .into_iter()
            .find(|section| section.key() == key)
    }

    /// Whether the section holds several rows.
    fn repeated(self) -> bool {
        matches!(self, Section::Units | Section::Projects | Section::Placements)
    }

    /// The French name of one row (« Unité 2 »).
    fn row_name(self, row: usize) -> String {
        match self {
            Section::Units => format!("Unité {}", row + 1),
            Section::Projects => format!("Projet {}", row + 1),
            Section::Placements => format!("Période en entreprise {}", row + 1),
            Section::Programme => "Formation".to_owned(),
            Section::Outcomes => "Devenir des diplômés".to_owned(),
        }
    }

    fn specs(self) -> &'static [Spec] {
        match self {
            Section::Programme => &PROGRAMME,
            Section::Units => &UNIT,
            Section::Projects => &PROJECT,
            Section::Placements => &PLACEMENT,
            Section::Outcomes => &OUTCOMES,
        }
    }
}

/// The fixed lists a choice is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Options {
    Diploma,
    Level,
    Region,
    Modality,
    UnitKind,
    Sector,
    Assessment,
    PlacementKind,
}

/// How a field is entered, and the JSON value it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Free text (a JSON string).
    Text,
    /// An address (a JSON string; the input has `type="url"`).
    Url,
    /// A date `AAAA-MM-JJ` (a JSON string, which the registry reads as a date).
    Date,
    /// A number, decimal comma accepted (a JSON number, or the text as typed when it is not one).
    Number,
    /// One code from a list (a JSON string; a number for the niveau).
    Choice(Options),
    /// Several codes from a list (a JSON array of strings).
    Codes(Options),
    /// A checkbox (a JSON boolean).
    Bool,
    /// Competences with their level, `DS.INF.01 N2, DS.MST.06 N3` (a JSON array of claims).
    Claims,
}

/// One field of the form.
#[derive(Debug)]
struct Spec {
    key: &'static str,
    label: &'static str,
    kind: Kind,
    required: bool,
    help: &'static str,
}

const fn spec(key: &'static str, label: &'static str, kind: Kind, required: bool, help: &'static str) -> Spec {
    Spec { key, label, kind, required, help }
}

const CLAIMS_HELP: &str = "Identifiants du référentiel suivis du niveau visé (N1 à N4), séparés par des virgules : \
     DS.INF.01 N2, DS.MST.06 N3.";

const PROGRAMME: [Spec; 19] = [
    spec(
        "id",
        "Identifiant de la formation",
        Kind::Text,
        true,
        "Unique chez votre organisme : minuscules sans accent, chiffres et tirets (master-science-donnees).",
    ),
    spec("title", "Intitulé", Kind::Text, true, ""),
    spec("provider", "Organisme qui la dispense", Kind::Text, true, ""),
    spec("diploma", "Type de diplôme ou de formation", Kind::Choice(Options::Diploma), true, ""),
    spec(
        "level",
        "Niveau RNCP",
        Kind::Choice(Options::Level),
        false,
        "Obligatoire pour un diplôme ; sans niveau pour une formation courte ou un MOOC.",
    ),
    spec("rncp", "Code RNCP", Kind::Text, false, "« RNCP » suivi de 3 à 6 chiffres (RNCP35184)."),
    spec(
        "rs",
        "Code du répertoire spécifique",
        Kind::Text,
        false,
        "À la place du code RNCP : « RS » et 3 à 6 chiffres.",
    ),
    spec("registration_end", "Fin d'enregistrement de la fiche RNCP ou RS", Kind::Date, false, "AAAA-MM-JJ."),
    spec(
        "region",
        "Région",
        Kind::Choice(Options::Region),
        false,
        "Obligatoire sauf pour une formation entièrement à distance.",
    ),
    spec("city", "Ville", Kind::Text, false, ""),
    spec("modality", "Modalités d'enseignement", Kind::Codes(Options::Modality), true, "Au moins une."),
    spec("language", "Langue d'enseignement", Kind::Text, true, "Code ISO 639-1 en deux lettres : fr, en…"),
    spec(
        "total_ects",
        "Crédits ECTS de toute la formation",
        Kind::Number,
        false,
        "Crédits ECTS ou heures encadrées : au moins l'un des deux.",
    ),
    spec("total_hours", "Heures encadrées de toute la formation", Kind::Number, false, ""),
    spec("semesters", "Nombre de semestres", Kind::Number, false, "Obligatoire quand la formation a un niveau."),
    spec("apprenticeship", "La formation se suit en alternance", Kind::Bool, false, ""),
    spec(
        "practitioner_share",
        "Part des enseignements assurés par des professionnels",
        Kind::Number,
        false,
        "Entre 0 et 1 : 0,15 pour 15 %.",
    ),
    spec("updated", "Date de mise à jour de la déclaration", Kind::Date, true, "AAAA-MM-JJ, pas dans le futur."),
    spec("public_url", "Page publique de la formation", Kind::Url, false, "Adresse complète : https://…"),
];

const UNIT: [Spec; 9] = [
    spec("code", "Code de l'unité", Kind::Text, true, "Unique dans la formation (UE11)."),
    spec("title", "Intitulé de l'unité", Kind::Text, true, ""),
    spec("ects", "Crédits ECTS", Kind::Number, false, "ECTS ou heures : au moins l'un des deux."),
    spec("hours", "Heures encadrées", Kind::Number, false, ""),
    spec("semester", "Semestre", Kind::Number, false, "1 pour le premier."),
    spec("kind", "Nature", Kind::Choice(Options::UnitKind), true, ""),
    spec(
        "sector",
        "Secteur de spécialisation",
        Kind::Choice(Options::Sector),
        false,
        "Pour une unité de spécialisation seulement.",
    ),
    spec("competences", "Compétences enseignées", Kind::Claims, false, CLAIMS_HELP),
    spec("assessments", "Évaluations notées", Kind::Codes(Options::Assessment), false, ""),
];

const PROJECT: [Spec; 12] = [
    spec("title", "Intitulé du projet", Kind::Text, true, ""),
    spec("ects", "Crédits ECTS", Kind::Number, false, "ECTS ou heures : au moins l'un des deux."),
    spec("hours", "Heures encadrées", Kind::Number, false, ""),
    spec("semester", "Semestre", Kind::Number, false, ""),
    spec(
        "data_provenance",
        "Adresse publique des données",
        Kind::Url,
        false,
        "Adresse des données ou partenaire qui les fournit : au moins l'un des deux.",
    ),
    spec("partner", "Partenaire qui fournit les données", Kind::Text, false, ""),
    spec("synthetic", "Les données sont simulées", Kind::Bool, false, ""),
    spec("data_size_gb", "Taille des données (Go)", Kind::Number, false, ""),
    spec("records", "Nombre d'enregistrements", Kind::Number, false, ""),
    spec("sources", "Nombre de sources de données croisées", Kind::Number, false, ""),
    spec("graded", "Le projet est noté", Kind::Bool, false, ""),
    spec("competences", "Compétences exercées", Kind::Claims, false, CLAIMS_HELP),
];

const PLACEMENT: [Spec; 5] = [
    spec("kind", "Type de période", Kind::Choice(Options::PlacementKind), true, ""),
    spec("weeks", "Durée en semaines", Kind::Number, true, ""),
    spec("mandatory", "Obligatoire pour tous les apprenants", Kind::Bool, false, ""),
    spec("competences", "Compétences exercées", Kind::Claims, false, CLAIMS_HELP),
    spec("assessments", "Évaluations notées", Kind::Codes(Options::Assessment), false, ""),
];

const OUTCOMES: [Spec; 3] = [
    spec("graduates", "Diplômés de la dernière promotion", Kind::Number, false, ""),
    spec(
        "employment_6m",
        "Part des diplômés en emploi à six mois",
        Kind::Number,
        false,
        "Entre 0 et 1 : 0,86 pour 86 %.",
    ),
    spec("published", "Ces chiffres sont publiés sur la page publique", Kind::Bool, false, ""),
];

/// The values typed in one part of the form: one text per field, and the codes ticked for the
/// fields with several choices. A ticked checkbox holds `on`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    values: BTreeMap<&'static str, String>,
    choices: BTreeMap<&'static str, Vec<String>>,
}

impl Row {
    fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    fn is_blank(&self) -> bool {
        self.values.values().all(|value| value.trim().is_empty()) && self.choices.values().all(Vec::is_empty)
    }

    fn set(&mut self, key: &'static str, value: impl Into<String>) {
        self.values.insert(key, value.into());
    }
}

/// Everything the form holds, as typed (nothing is lost when the form is refused).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeclarationForm {
    /// `[programme]`.
    pub programme: Row,
    /// One row per teaching unit.
    pub units: Vec<Row>,
    /// One row per project.
    pub projects: Vec<Row>,
    /// One row per placement.
    pub placements: Vec<Row>,
    /// `[outcomes]`.
    pub outcomes: Row,
}

/// A problem of the form, tied to the `id` of the input it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The `id` of the input (or of the group of inputs) the summary links to.
    pub field: String,
    /// The French message, starting with the name of the field.
    pub message: String,
}

/// The problems of a form, in the shape the shared error summary (`resume-erreurs.html`) reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// Every problem, in the order found.
    pub items: Vec<FieldProblem>,
}

impl Problems {
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a problem.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.items.push(FieldProblem { field: field.into(), message: message.into() });
    }

    /// Every message about `field`, joined.
    fn for_field(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> =
            self.items.iter().filter(|item| item.field == field).map(|item| item.message.as_str()).collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }
}

/// The input `id` (and `name`) of a field.
fn field_id(section: Section, row: Option<usize>, key: &str) -> String {
    match row {
        Some(row) => format!("{}-{row}-{key}", section.key()),
        None => format!("{}-{key}", section.key()),
    }
}

/// The `id` of a row's group of inputs.
pub fn row_id(section: Section, row: usize) -> String {
    format!("{}-{row}", section.key())
}

impl DeclarationForm {
    /// A new declaration: the provider's name, French, updated today, one empty unit.
    pub fn new(provider: &str, today: registry::Date) -> DeclarationForm {
        let mut form = DeclarationForm::default();
        form.programme.set("provider", provider);
        form.programme.set("language", "fr");
        form.programme.set("updated", today.to_string());
        form.units.push(Row::default());
        form
    }

    /// The rows of a repeated section.
    pub fn rows_mut(&mut self, section: Section) -> Option<&mut Vec<Row>> {
        match section {
            Section::Units => Some(&mut self.units),
            Section::Projects => Some(&mut self.projects),
            Section::Placements => Some(&mut self.placements),
            Section::Programme | Section::Outcomes => None,
        }
    }

    fn rows(&self, section: Section) -> &[Row] {
        match section {
            Section::Units => &self.units,
            Section::Projects => &self.projects,
            Section::Placements => &self.placements,
            Section::Programme | Section::Outcomes => &[],
        }
    }

    /// Reads the submitted fields (`programme-title`, `units-2-hours`, …). Unknown names are
    /// ignored; a row number beyond [`MAX_ROWS`] and a text longer than [`MAX_FIELD_CHARS`] are
    /// problems.
    pub fn from_pairs(pairs: &[(String, String)]) -> (DeclarationForm, Problems) {
        let mut form = DeclarationForm::default();
        let mut problems = Problems::default();
        let mut too_many: Vec<Section> = Vec::new();
        for (name, value) in pairs {
            let Some((section_key, rest)) = name.split_once('-') else { continue };
            let Some(section) = Section::from_key(section_key) else { continue };
            let (row, key) = if section.repeated() {
                let Some((index, key)) = rest.split_once('-') else { continue };
                if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) || index.len() > 6 {
                    continue;
                }
                let Ok(index) = index.parse::<usize>() else { continue };
                if index >= MAX_ROWS {
                    if !too_many.contains(&section) {
                        too_many.push(section);
                        problems.add(
                            section.key(),
                            format!(
                                "{} : {MAX_ROWS} lignes au plus dans le formulaire ; pour une déclaration plus longue, téléversez un fichier",
                                section_title(section)
                            ),
                        );
                    }
                    continue;
                }
                (Some(index), key)
            } else {
                (None, rest)
            };
            let Some(spec) = section.specs().iter().find(|spec| spec.key == key) else { continue };
            let target = match row {
                Some(index) => {
                    let Some(rows) = form.rows_mut(section) else { continue };
                    if rows.len() <= index {
                        rows.resize_with(index + 1, Row::default);
                    }
                    &mut rows[index]
                }
                None if section == Section::Programme => &mut form.programme,
                None => &mut form.outcomes,
            };
            if value.chars().count() > MAX_FIELD_CHARS {
                problems.add(
                    field_id(section, row, spec.key),
                    format!(
                        "{} : texte de {} caractères ; {MAX_FIELD_CHARS} caractères au plus sont acceptés",
                        context(section, row, spec),
                        value.chars().count()
                    ),
                );
            }
            match spec.kind {
                Kind::Codes(_) => target.choices.entry(spec.key).or_default().push(value.clone()),
                _ => {
                    target.values.entry(spec.key).or_insert_with(|| value.clone());
                }
            }
        }
        (form, problems)
    }

    /// Fills the form from a stored declaration (its JSON form).
    pub fn from_declaration(declaration: &Value) -> DeclarationForm {
        let mut form = DeclarationForm {
            programme: row_from_json(&declaration["programme"], &PROGRAMME),
            outcomes: row_from_json(&declaration["outcomes"], &OUTCOMES),
            ..DeclarationForm::default()
        };
        for section in [Section::Units, Section::Projects, Section::Placements] {
            let rows: Vec<Row> = declaration[section.key()]
                .as_array()
                .map(|items| items.iter().map(|item| row_from_json(item, section.specs())).collect())
                .unwrap_or_default();
            if let Some(target) = form.rows_mut(section) {
                *target = rows;
            }
        }
        form
    }

    /// The declaration as a JSON tree for `registry::Declaration::from_json`, with the map from
    /// the positions in that tree back to the rows of the form (blank rows are left out).
    pub fn to_json(&self) -> (Value, RowMap) {
        let mut root = Map::new();
        root.insert("programme".to_owned(), Value::Object(row_to_json(&self.programme, &PROGRAMME)));
        let mut map = RowMap::default();
        for section in [Section::Units, Section::Projects, Section::Placements] {
            let mut items = Vec::new();
            let mut positions = Vec::new();
            for (index, row) in self.rows(section).iter().enumerate() {
                if row.is_blank() {
                    continue;
                }
                items.push(Value::Object(row_to_json(row, section.specs())));
                positions.push(index);
            }
            // Units are required: an empty list makes the registry say so.
            if !items.is_empty() || section == Section::Units {
                root.insert(section.key().to_owned(), Value::Array(items));
            }
            map.rows.insert(section.key(), positions);
        }
        if !self.outcomes.is_blank() {
            root.insert("outcomes".to_owned(), Value::Object(row_to_json(&self.outcomes, &OUTCOMES)));
        }
        (Value::Object(root), map)
    }

    /// The declared programme id, as typed.
    pub fn programme_id(&self) -> &str {
        self.programme.value("id").trim()
    }

    /// Brings the registry's problems back to the inputs they are about.
    pub fn problems_from_registry(&self, problems: &[registry::Problem], map: &RowMap) -> Problems {
        let mut out = Problems::default();
        for problem in problems {
            let (field, name) = map.locate(&problem.path);
            out.add(field, format!("{name} : {}", problem.message));
        }
        out
    }

    /// What the page shows: every section, its fields with their values and problems.
    pub fn view(&self, problems: &Problems, referentiel: &skills::Referentiel) -> FormView {
        let fields = |section: Section, row: Option<usize>, values: &Row| -> Vec<FieldView> {
            section.specs().iter().map(|spec| field_view(section, row, spec, values, problems, referentiel)).collect()
        };
        let rows = |section: Section| -> Vec<RowView> {
            self.rows(section)
                .iter()
                .enumerate()
                .map(|(index, values)| RowView {
                    id: row_id(section, index),
                    title: section.row_name(index),
                    remove_action: format!("retirer-{}-{index}", section.key()),
                    error: problems.for_field(&row_id(section, index)),
                    fields: fields(section, Some(index), values),
                })
                .collect()
        };
        FormView {
            programme: fields(Section::Programme, None, &self.programme),
            units: rows(Section::Units),
            projects: rows(Section::Projects),
            placements: rows(Section::Placements),
            outcomes: fields(Section::Outcomes, None, &self.outcomes),
            units_error: problems.for_field("units"),
            projects_error: problems.for_field("projects"),
            placements_error: problems.for_field("placements"),
            outcomes_error: problems.for_field("outcomes"),
            programme_error: problems.for_field("programme"),
        }
    }
}

/// The French title of a section.
fn section_title(section: Section) -> &'static str {
    match section {
        Section::Programme => "Formation",
        Section::Units => "Unités d'enseignement",
        Section::Projects => "Projets sur données",
        Section::Placements => "Périodes en entreprise",
        Section::Outcomes => "Devenir des diplômés",
    }
}

/// « Unité 2, Heures encadrées » or « Intitulé »: how messages name a field.
fn context(section: Section, row: Option<usize>, spec: &Spec) -> String {
    match (section, row) {
        (Section::Programme, _) => spec.label.to_owned(),
        (_, Some(row)) => format!("{}, {}", section.row_name(row), lower_first(spec.label)),
        (_, None) => format!("{}, {}", section_title(section), lower_first(spec.label)),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where the rows of the JSON tree came from in the form.
#[derive(Debug, Clone, Default)]
pub struct RowMap {
    rows: BTreeMap<&'static str, Vec<usize>>,
}

impl RowMap {
    /// The input a registry path (`units[2].competences[0].level`) is about, and how to name it.
    fn locate(&self, path: &str) -> (String, String) {
        let head_end = path.find(['.', '[']).unwrap_or(path.len());
        let Some(section) = Section::from_key(&path[..head_end]) else {
            return ("formulaire-declaration".to_owned(), "Déclaration".to_owned());
        };
        let mut rest = &path[head_end..];
        let mut row = None;
        if section.repeated() {
            let Some(index) = rest.strip_prefix('[').and_then(|tail| tail.split_once(']')) else {
                return (section.key().to_owned(), section_title(section).to_owned());
            };
            let position: usize = index.0.parse().unwrap_or(0);
            let form_row =
                self.rows.get(section.key()).and_then(|rows| rows.get(position)).copied().unwrap_or(position);
            row = Some(form_row);
            rest = index.1;
        }
        let key = rest.strip_prefix('.').map(|tail| &tail[..tail.find(['.', '[']).unwrap_or(tail.len())]);
        match key.and_then(|key| section.specs().iter().find(|spec| spec.key == key)) {
            Some(spec) => (field_id(section, row, spec.key), context(section, row, spec)),
            None => match row {
                Some(row) => (row_id(section, row), section.row_name(row)),
                None => (section.key().to_owned(), section_title(section).to_owned()),
            },
        }
    }
}

/// A number as typed, French style accepted (`1 095`, `0,15`): a JSON number, or the text itself
/// when it is not one (the registry then says what it expected).
fn number(text: &str) -> Value {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    let compact = compact.replace(',', ".");
    if let Ok(integer) = compact.parse::<i64>() {
        return Value::from(integer);
    }
    match compact.parse::<f64>() {
        Ok(float) if float.is_finite() && compact.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) => {
            serde_json::Number::from_f64(float).map_or_else(|| Value::from(text.trim()), Value::Number)
        }
        _ => Value::from(text.trim()),
    }
}

/// `DS.INF.01 N2, DS.MST.06 N3` as claims; an item without level is kept without it, so that the
/// registry says the level is missing.
fn claims(text: &str) -> Value {
    let items: Vec<Value> = text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let mut tokens = item.split(|c: char| c.is_whitespace() || c == ':' || c == '=').filter(|t| !t.is_empty());
            let mut claim = Map::new();
            if let Some(id) = tokens.next() {
                claim.insert("id".to_owned(), Value::from(id.to_uppercase()));
            }
            let level: Vec<&str> = tokens.collect();
            if !level.is_empty() {
                claim.insert("level".to_owned(), Value::from(level.join(" ").to_uppercase()));
            }
            Value::Object(claim)
        })
        .collect();
    Value::Array(items)
}

fn row_to_json(row: &Row, specs: &[Spec]) -> Map<String, Value> {
    let mut object = Map::new();
    for spec in specs {
        let text = row.value(spec.key).trim();
        let value = match spec.kind {
            Kind::Bool => Some(Value::Bool(!text.is_empty())),
            Kind::Codes(_) => {
                let codes = row.choices.get(spec.key).cloned().unwrap_or_default();
                // Lists the registry requires (modalities) are sent even empty, so that it says so.
                (spec.required || !codes.is_empty()).then(|| Value::from(codes))
            }
            _ if text.is_empty() => None,
            Kind::Number | Kind::Choice(Options::Level) => Some(number(text)),
            Kind::Claims => Some(claims(text)),
            Kind::Text | Kind::Url | Kind::Date | Kind::Choice(_) => Some(Value::from(text)),
        };
        if let Some(value) = value {
            object.insert(spec.key.to_owned(), value);
        }
    }
    object
}

fn row_from_json(value: &Value, specs: &[Spec]) -> Row {
    let mut row = Row::default();
    let Some(object) = value.as_object() else { return row };
    for spec in specs {
        let Some(value) = object.get(spec.key) else { continue };
        match (spec.kind, value) {
            (Kind::Codes(_), Value::Array(items)) => {
                row.choices.insert(spec.key, items.iter().filter_map(Value::as_str).map(str::to_owned).collect());
            }
            (Kind::Claims, Value::Array(items)) => {
                let text: Vec<String> = items
                    .iter()
                    .map(|claim| {
                        format!(
                            "{} {}",
                            claim["id"].as_str().unwrap_or_default(),
                            claim["level"].as_str().unwrap_or_default()
                        )
                    })
                    .collect();
                row.set(spec.key, text.join(", "));
            }
            (Kind::Bool, Value::Bool(true)) => row.set(spec.key, "on"),
            (Kind::Bool, _) => {}
            (_, Value::String(text)) => row.set(spec.key, text.clone()),
            (_, Value::Number(number)) => row.set(spec.key, number_text(number)),
            _ => {}
        }
    }
    row
}

/// A stored number as an input shows it: `120`, `0.15`.
fn number_text(number: &serde_json::Number) -> String {
    match (number.as_i64(), number.as_f64()) {
        (Some(integer), _) => integer.to_string(),
        (None, Some(float)) => float.to_string(),
        _ => number.to_string(),
    }
}

/// One choice of a list, as a page shows it.
#[derive(Debug, Clone)]
pub struct OptionView {
    /// The code sent.
    pub value: String,
    /// The French name.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
    /// The `id` of its checkbox (for lists of checkboxes).
    pub id: String,
}

/// One field of the form, as a page shows it.
#[derive(Debug, Clone)]
pub struct FieldView {
    /// Its `id` and `name`.
    pub id: String,
    /// Its French label.
    pub label: &'static str,
    /// `text`, `select`, `checkbox`, `checkboxes` or `textarea`.
    pub control: &'static str,
    /// The `type` of a text input.
    pub input_type: &'static str,
    /// The `inputmode` of a text input (empty: none).
    pub inputmode: &'static str,
    /// The value typed.
    pub value: String,
    /// Whether a checkbox is ticked.
    pub checked: bool,
    /// The choices of a list.
    pub options: Vec<OptionView>,
    /// Help text (empty: none).
    pub help: &'static str,
    /// Whether the registry always requires it.
    pub required: bool,
    /// The problems about it.
    pub error: Option<String>,
}

impl FieldView {
    /// The `aria-describedby` of the field: its help and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.help.is_empty() {
            ids.push(format!("{}-aide", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-erreur", self.id));
        }
        ids.join(" ")
    }
}

/// One row of a repeated section, as a page shows it.
#[derive(Debug, Clone)]
pub struct RowView {
    /// The `id` of its group.
    pub id: String,
    /// « Unité 2 ».
    pub title: String,
    /// The `action` value of its « Retirer » button.
    pub remove_action: String,
    /// Problems about the row as a whole.
    pub error: Option<String>,
    /// Its fields.
    pub fields: Vec<FieldView>,
}

/// The whole form, as a page shows it.
#[derive(Debug, Clone)]
pub struct FormView {
    /// `[programme]`.
    pub programme: Vec<FieldView>,
    /// The units.
    pub units: Vec<RowView>,
    /// The projects.
    pub projects: Vec<RowView>,
    /// The placements.
    pub placements: Vec<RowView>,
    /// `[outcomes]`.
    pub outcomes: Vec<FieldView>,
    /// Problems about the programme as a whole.
    pub programme_error: Option<String>,
    /// Problems about the units as a whole (« aucune unité »).
    pub units_error: Option<String>,
    /// Problems about the projects as a whole.
    pub projects_error: Option<String>,
    /// Problems about the placements as a whole.
    pub placements_error: Option<String>,
    /// Problems about the outcomes as a whole.
    pub outcomes_error: Option<String>,
}

fn options(kind: Options, referentiel: &skills::Referentiel) -> Vec<(String, String)> {
    let none = |label: &str| (String::new(), label.to_owned());
    match kind {
        Options::Diploma => std::iter::once(none("— choisir —"))
            .chain(Diploma::ALL.iter().map(|diploma| (diploma.code().to_owned(), diploma.label().to_owned())))
            .collect(),
        Options::Level => std::iter::once(none("sans niveau (formation courte, MOOC)"))
            .chain((5..=8).map(|level| (level.to_string(), format!("niveau {level}"))))
            .collect(),
        Options::Region => std::iter::once(none("— aucune (formation entièrement à distance) —"))
            .chain(REGIONS.iter().map(|(code, name)| ((*code).to_owned(), format!("{name} ({code})"))))
            .collect(),
        Options::Modality => {
            Modality::ALL.iter().map(|modality| (modality.code().to_owned(), modality.label().to_owned())).collect()
        }
        Options::UnitKind => std::iter::once(none("— choisir —"))
            .chain(UnitKind::ALL.iter().map(|kind| (kind.code().to_owned(), kind.label().to_owned())))
            .collect(),
        Options::Sector => std::iter::once(none("— aucun (tronc commun) —"))
            .chain(referentiel.sectors.iter().map(|sector| (sector.id.clone(), sector.label.fr.clone())))
            .collect(),
        Options::Assessment => {
            AssessmentKind::ALL.iter().map(|kind| (kind.code().to_owned(), kind.label().to_owned())).collect()
        }
        Options::PlacementKind => std::iter::once(none("— choisir —"))
            .chain(PlacementKind::ALL.iter().map(|kind| (kind.code().to_owned(), kind.label().to_owned())))
            .collect(),
    }
}

fn field_view(
    section: Section,
    row: Option<usize>,
    spec: &Spec,
    values: &Row,
    problems: &Problems,
    referentiel: &skills::Referentiel,
) -> FieldView {
    let id = field_id(section, row, spec.key);
    let value = values.value(spec.key).to_owned();
    let (control, input_type, inputmode) = match spec.kind {
        Kind::Text => ("text", "text", ""),
        Kind::Url => ("text", "url", ""),
        Kind::Date => ("text", "date", ""),
        Kind::Number => ("text", "text", "decimal"),
        Kind::Choice(_) => ("select", "", ""),
        Kind::Codes(_) => ("checkboxes", "", ""),
        Kind::Bool => ("checkbox", "checkbox", ""),
        Kind::Claims => ("textarea", "", ""),
    };
    let option_views = match spec.kind {
        Kind::Choice(kind) => options(kind, referentiel)
            .into_iter()
            .map(|(code, label)| OptionView { selected: code == value.trim(), id: String::new(), value: code, label })
            .collect(),
        Kind::Codes(kind) => {
            let chosen = values.choices.get(spec.key).cloned().unwrap_or_default();
            options(kind, referentiel)
                .into_iter()
                .map(|(code, label)| OptionView {
                    selected: chosen.contains(&code),
                    id: format!("{id}-{code}"),
                    value: code,
                    label,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    FieldView {
        error: problems.for_field(&id),
        checked: spec.kind == Kind::Bool && !value.trim().is_empty(),
        id,
        label: spec.label,
        control,
        input_type,
        inputmode,
        value,
        options: option_views,
        help: spec.help,
        required: spec.required,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
    }

    #[test]
    fn numbers_are_read_the_french_way_and_kept_as_typed_otherwise() {
        assert_eq!(number("1 095"), Value::from(1095));
        assert_eq!(number("0,15"), serde_json::json!(0.15));
        assert_eq!(number("12.5"), serde_json::json!(12.5));
        assert_eq!(number("douze"), Value::from("douze"));
        assert_eq!(number("inf"), Value::from("inf"));
        assert_eq!(number("NaN"), Value::from("NaN"));
    }

    #[test]
    fn competences_are_read_with_their_levels() {
        assert_eq!(
            claims("ds.inf.01 n2, DS.MST.06:N3;DS.MET.01"),
            serde_json::json!([
                { "id": "DS.INF.01", "level": "N2" },
                { "id": "DS.MST.06", "level": "N3" },
                { "id": "DS.MET.01" }
            ])
        );
    }

    #[test]
    fn blank_rows_are_left_out_and_problems_come_back_to_their_row() {
        let (form, problems) = DeclarationForm::from_pairs(&pairs(&[
            ("programme-title", "Master"),
            ("units-0-code", ""),
            ("units-0-title", ""),
            ("units-1-code", "UE2"),
            ("units-1-hours", "-3"),
            ("units-1-assessments", "exam"),
            ("units-1-assessments", "oral"),
            ("programme-modality", "presentiel"),
            ("inconnu", "x"),
        ]));
        assert!(problems.is_empty());
        let (json, map) = form.to_json();
        assert_eq!(json["units"].as_array().map(Vec::len), Some(1));
        assert_eq!(json["units"][0]["hours"], Value::from(-3));
        assert_eq!(json["units"][0]["assessments"], serde_json::json!(["exam", "oral"]));
        assert_eq!(json["programme"]["modality"], serde_json::json!(["presentiel"]));
        assert_eq!(map.locate("units[0].hours"), ("units-1-hours".to_owned(), "Unité 2, heures encadrées".to_owned()));
        assert_eq!(map.locate("units[0].competences[1].level").0, "units-1-competences");
        assert_eq!(map.locate("units").0, "units");
        assert_eq!(map.locate("programme.modality[0]").0, "programme-modality");
        assert_eq!(map.locate("outcomes.published").0, "outcomes-published");
        assert_eq!(map.locate("").0, "formulaire-declaration");
    }

    #[test]
    fn rows_beyond_the_limit_and_long_texts_are_problems() {
        let long = "x".repeat(MAX_FIELD_CHARS + 1);
        let (_, problems) = DeclarationForm::from_pairs(&pairs(&[
            ("units-99999-code", "UE"),
            ("units-80-code", "UE"),
            ("programme-title", &long),
        ]));
        assert_eq!(problems.items.len(), 2, "{problems:?}");
        assert_eq!(problems.items[0].field, "units");
        assert_eq!(problems.items[1].field, "programme-title");
    }

    #[test]
    fn a_stored_declaration_fills_the_form_and_comes_back_the_same() {
        let referentiel = skills::embedded().expect("référentiel");
        let text = include_str!("../../../../datasets/formations-demo/02-master-science-donnees-lyon.toml");
        let today = registry::Date::new(2026, 11, 28).expect("date");
        let declaration = registry::Declaration::from_toml(text, &referentiel, today).expect("déclaration");
        let form = DeclarationForm::from_declaration(&declaration.to_json());
        let (json, _) = form.to_json();
        let again = registry::Declaration::from_json(&json.to_string(), &referentiel, today).expect("relue");
        // The form has no field for the example flag: everything else comes back.
        let mut expected = declaration;
        expected.programme.example = false;
        assert_eq!(again, expected);
    }
}
