//! The catalogue of indicators declared in `observatory/indicators.toml`: what each indicator
//! means, its unit, dimensions, theme, chart and method note. Parsing reports every problem at
//! once, in French, naming the indicator and the key.

use std::collections::BTreeSet;

/// The catalogue shipped with socle.
const BUILTIN: &str = include_str!("../../../observatory/indicators.toml");

/// Keys an `[[indicateur]]` table accepts, in the order of the file.
const KEYS: [&str; 10] =
    ["id", "titre", "definition", "unite", "dimensions", "theme", "graphique", "methode", "source", "commentaire"];

/// Keys that must be present (every key but `commentaire`, a free note for the file's authors).
const REQUIRED: [&str; 9] =
    ["id", "titre", "definition", "unite", "dimensions", "theme", "graphique", "methode", "source"];

/// A dimension an indicator is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// Calendar month (`YYYY-MM`).
    Month,
    /// Calendar quarter (`2026-T3`).
    Quarter,
    /// INSEE region.
    Region,
    /// Competence of the référentiel.
    Competence,
    /// Contract type of a posting.
    Contract,
    /// Sector of activity.
    Sector,
    /// ROME occupation code.
    Rome,
    /// Stage of a funded organisation.
    Stage,
    /// Funding programme.
    Programme,
    /// Funder.
    Funder,
}

impl Dimension {
    /// Every dimension, in the order of the file's documentation.
    pub const ALL: [Dimension; 10] = [
        Dimension::Month,
        Dimension::Quarter,
        Dimension::Region,
        Dimension::Competence,
        Dimension::Contract,
        Dimension::Sector,
        Dimension::Rome,
        Dimension::Stage,
        Dimension::Programme,
        Dimension::Funder,
    ];

    /// Identifier used in the catalogue file.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Month => "mois",
            Dimension::Quarter => "trimestre",
            Dimension::Region => "region",
            Dimension::Competence => "competence",
            Dimension::Contract => "contrat",
            Dimension::Sector => "secteur",
            Dimension::Rome => "rome",
            Dimension::Stage => "stade",
            Dimension::Programme => "programme",
            Dimension::Funder => "financeur",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Month => "Mois",
            Dimension::Quarter => "Trimestre",
            Dimension::Region => "Région",
            Dimension::Competence => "Compétence",
            Dimension::Contract => "Type de contrat",
            Dimension::Sector => "Secteur d'activité",
            Dimension::Rome => "Métier (code ROME)",
            Dimension::Stage => "Stade de développement",
            Dimension::Programme => "Programme de financement",
            Dimension::Funder => "Financeur",
        }
    }

    /// The dimension named by a [`Dimension::code`].
    pub fn parse(code: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|dimension| dimension.code() == code)
    }
}

/// The dashboard's themes, one tab each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Theme {
    /// Job postings.
    Jobs,
    /// Funding events.
    Funding,
    /// Projects.
    Projects,
    /// Competences: demand against supply.
    Competences,
}

impl Theme {
    /// Every theme, in display order.
    pub const ALL: [Theme; 4] = [Theme::Jobs, Theme::Funding, Theme::Projects, Theme::Competences];

    /// Identifier used in the catalogue file and in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Theme::Jobs => "emplois",
            Theme::Funding => "financements",
            Theme::Projects => "projets",
            Theme::Competences => "competences",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Theme::Jobs => "Emplois",
            Theme::Funding => "Financements",
            Theme::Projects => "Projets",
            Theme::Competences => "Compétences",
        }
    }

    /// The theme named by a [`Theme::code`].
    pub fn parse(code: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|theme| theme.code() == code)
    }
}

/// How an indicator is best shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// A line over time.
    Line,
    /// Horizontal or vertical bars.
    Bar,
    /// A map of the regions.
    Map,
    /// A table.
    Table,
}

impl ChartKind {
    /// Every chart kind.
    pub const ALL: [ChartKind; 4] = [ChartKind::Line, ChartKind::Bar, ChartKind::Map, ChartKind::Table];

    /// Identifier used in the catalogue file.
    pub fn code(self) -> &'static str {
        match self {
            ChartKind::Line => "ligne",
            ChartKind::Bar => "barres",
            ChartKind::Map => "carte",
            ChartKind::Table => "tableau",
        }
    }

    /// The chart kind named by a [`ChartKind::code`].
    pub fn parse(code: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|chart| chart.code() == code)
    }
}

/// One declared indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// Stable identifier (kebab-case ASCII), used in URLs and by the engine.
    pub id: String,
    /// French title.
    pub title: String,
    /// French definition, one or two sentences.
    pub definition: String,
    /// French unit (« offres », « euros », « % »…).
    pub unit: String,
    /// Dimensions the indicator is broken down by.
    pub dimensions: Vec<Dimension>,
    /// Dashboard theme.
    pub theme: Theme,
    /// Preferred chart.
    pub chart: ChartKind,
    /// French method note: how it is computed, what is excluded, limits.
    pub method: String,
    /// French description of the records it is computed from.
    pub source: String,
}

/// The declared indicators, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// The indicators.
    pub indicators: Vec<Definition>,
}

impl Catalogue {
    /// Parses an indicators file; every problem, in French.
    pub fn parse(text: &str) -> Result<Catalogue, Vec<String>> {
        let document: toml::Table = text.parse().map_err(|error: toml::de::Error| {
            vec![format!("le fichier d'indicateurs n'est pas du TOML valide : {}", error.message())]
        })?;
        let mut problems = Vec::new();
        for key in document.keys().filter(|key| *key != "indicateur") {
            problems.push(format!(
                "clé « {key} » inconnue au premier niveau : seules des tables [[indicateur]] sont attendues"
            ));
        }
        let entries = match document.get("indicateur") {
            None => Vec::new(),
            Some(toml::Value::Array(entries)) => entries.iter().collect(),
            Some(_) => {
                problems.push("« indicateur » doit être une liste de tables [[indicateur]]".into());
                Vec::new()
            }
        };
        if entries.is_empty() && problems.is_empty() {
            problems.push("le fichier ne déclare aucun indicateur ([[indicateur]])".into());
        }
        let mut indicators = Vec::new();
        let mut seen = BTreeSet::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let Some(table) = entry.as_table() else {
                problems.push(format!("l'indicateur n° {} n'est pas une table [[indicateur]]", index + 1));
                continue;
            };
            if let Some(definition) = parse_indicator(index, table, &mut problems) {
                if !seen.insert(definition.id.clone()) {
                    problems.push(format!(
                        "indicateur n° {} : l'identifiant « {} » est déjà utilisé par un indicateur précédent",
                        index + 1,
                        definition.id
                    ));
                }
                indicators.push(definition);
            }
        }
        if problems.is_empty() { Ok(Catalogue { indicators }) } else { Err(problems) }
    }

    /// The catalogue shipped with socle (`observatory/indicators.toml`, compiled in).
    pub fn builtin() -> Result<Catalogue, Vec<String>> {
        Catalogue::parse(BUILTIN)
    }

    /// The indicator with this id.
    pub fn get(&self, id: &str) -> Option<&Definition> {
        self.indicators.iter().find(|definition| definition.id == id)
    }

    /// The indicators of a theme, in file order.
    pub fn by_theme(&self, theme: Theme) -> impl Iterator<Item = &Definition> {
        self.indicators.iter().filter(move |definition| definition.theme == theme)
    }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

/// Checks one `[[indicateur]]` table; pushes its problems and returns it when it has none.
fn parse_indicator(index: usize, table: &toml::Table, problems: &mut Vec<String>) -> Option<Definition> {
    let before = problems.len();
    let name = match table.get("id").and_then(toml::Value::as_str) {
        Some(id) => format!("indicateur n° {} ({id})", index + 1),
        None => format!("indicateur n° {}", index + 1),
    };
    for key in table.keys().filter(|key| !KEYS.contains(&key.as_str())) {
        problems.push(format!("{name} : clé « {key} » inconnue ; clés acceptées : {}", KEYS.join(", ")));
    }
    for key in REQUIRED.iter().filter(|key| !table.contains_key(**key)) {
        problems.push(format!("{name} : la clé obligatoire « {key} » manque"));
    }
    let mut text = |key: &str| -> String {
        match table.get(key) {
            Some(toml::Value::String(value)) if !value.trim().is_empty() => value.trim().to_string(),
            Some(toml::Value::String(_)) => {
                problems.push(format!("{name} : la clé « {key} » est vide"));
                String::new()
            }
            Some(_) => {
                problems.push(format!("{name} : la clé « {key} » doit être une chaîne de caractères"));
                String::new()
            }
            None => String::new(),
        }
    };
    let id = text("id");
    let title = text("titre");
    let definition = text("definition");
    let unit = text("unite");
    let theme_code = text("theme");
    let chart_code = text("graphique");
    let method = text("methode");
    let source = text("source");
    let _ = text("commentaire");
    if !id.is_empty() && !is_kebab(&id) {
        problems.push(format!(
            "{name} : l'identifiant « {id} » n'est pas en kebab-case ASCII (minuscules, chiffres et tirets, \
             par exemple offres-par-mois)"
        ));
    }
    let theme = Theme::parse(&theme_code);
    if theme.is_none() && !theme_code.is_empty() {
        let accepted: Vec<&str> = Theme::ALL.iter().map(|theme| theme.code()).collect();
        problems.push(format!(
            "{name} : thème « {theme_code} » inconnu pour la clé « theme » ; valeurs acceptées : {}",
            accepted.join(", ")
        ));
    }
    let chart = ChartKind::parse(&chart_code);
    if chart.is_none() && !chart_code.is_empty() {
        let accepted: Vec<&str> = ChartKind::ALL.iter().map(|chart| chart.code()).collect();
        problems.push(format!(
            "{name} : graphique « {chart_code} » inconnu pour la clé « graphique » ; valeurs acceptées : {}",
            accepted.join(", ")
        ));
    }
    let mut dimensions = Vec::new();
    match table.get("dimensions") {
        Some(toml::Value::Array(values)) => {
            for value in values {
                match value.as_str().map(|code| (code, Dimension::parse(code))) {
                    Some((_, Some(dimension))) if dimensions.contains(&dimension) => problems.push(format!(
                        "{name} : la dimension « {} » est répétée dans « dimensions »",
                        dimension.code()
                    )),
                    Some((_, Some(dimension))) => dimensions.push(dimension),
                    Some((code, None)) => {
                        let accepted: Vec<&str> = Dimension::ALL.iter().map(|dimension| dimension.code()).collect();
                        problems.push(format!(
                            "{name} : dimension « {code} » inconnue dans « dimensions » ; valeurs acceptées : {}",
                            accepted.join(", ")
                        ));
                    }
                    None => problems
                        .push(format!("{name} : la clé « dimensions » doit être une liste de chaînes de caractères")),
                }
            }
        }
        Some(_) => {
            problems.push(format!("{name} : la clé « dimensions » doit être une liste de chaînes de caractères"))
        }
        None => {}
    }
    if problems.len() > before {
        return None;
    }
    Some(Definition { id, title, definition, unit, dimensions, theme: theme?, chart: chart?, method, source })
}
