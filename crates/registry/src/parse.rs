//! Reads a declaration from TOML or JSON and checks everything a registry clerk would, collecting
//! every problem with its field path and (for TOML) its line.
//!
//! Both formats are first turned into the same small tree ([`Node`]) that remembers lines; one
//! walker then checks the tree against the field tables of `spec.rs` and the référentiel.

use std::collections::HashMap;

use skills::{Level, Referentiel};

use crate::date::Date;
use crate::model::{
    AssessmentKind, Claim, Declaration, Diploma, Modality, Outcomes, Placement, PlacementKind, Programme, Project,
    Unit, UnitKind,
};
use crate::spec::{self, Field, Kind};
use crate::{InvalidDeclaration, Problem};

// ---------------------------------------------------------------------------------------------
// The common tree.

/// A value of the document, with the line it starts on (TOML only).
#[derive(Debug)]
struct Node {
    value: NodeValue,
    line: Option<usize>,
}

#[derive(Debug)]
enum NodeValue {
    Str(String),
    Int(i64),
    /// An integer too large for 64 bits, kept as written.
    BigInt(String),
    Float(f64),
    Bool(bool),
    Date(Date),
    /// A TOML date-time, local time or impossible date, kept as written.
    OtherDatetime(String),
    Array(Vec<Node>),
    Table(Vec<Entry>),
    Null,
}

#[derive(Debug)]
struct Entry {
    key: String,
    line: Option<usize>,
    node: Node,
}

/// Byte offset → line number.
struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(idx, _)| idx + 1));
        LineIndex { line_starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).max(1)
    }
}

fn from_toml(value: &toml::Spanned<toml::de::DeValue<'_>>, lines: &LineIndex) -> Node {
    use toml::de::DeValue;
    let line = Some(lines.line(value.span().start));
    let value = match value.get_ref() {
        DeValue::String(text) => NodeValue::Str(text.to_string()),
        DeValue::Integer(integer) => match i64::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(number) => NodeValue::Int(number),
            Err(_) => NodeValue::BigInt(integer.to_string()),
        },
        DeValue::Float(float) => NodeValue::Float(float.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(boolean) => NodeValue::Bool(*boolean),
        DeValue::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => match Date::new(i32::from(date.year), date.month, date.day) {
                Some(date) => NodeValue::Date(date),
                None => NodeValue::OtherDatetime(datetime.to_string()),
            },
            _ => NodeValue::OtherDatetime(datetime.to_string()),
        },
        DeValue::Array(items) => NodeValue::Array(items.iter().map(|item| from_toml(item, lines)).collect()),
        DeValue::Table(table) => NodeValue::Table(toml_entries(table, lines)),
    };
    Node { value, line }
}

fn toml_entries(table: &toml::de::DeTable<'_>, lines: &LineIndex) -> Vec<Entry> {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(key, value)| Entry {
            key: key.get_ref().to_string(),
            line: Some(lines.line(key.span().start)),
            node: from_toml(value, lines),
        })
        .collect();
    // The parser sorts keys; document order reads better in messages.
    entries.sort_by_key(|entry| entry.line);
    entries
}

fn from_json(value: &serde_json::Value) -> Node {
    use serde_json::Value;
    let value = match value {
        Value::Null => NodeValue::Null,
        Value::Bool(boolean) => NodeValue::Bool(*boolean),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => NodeValue::Int(integer),
            None if number.is_u64() => NodeValue::BigInt(number.to_string()),
            None => NodeValue::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => NodeValue::Str(text.clone()),
        Value::Array(items) => NodeValue::Array(items.iter().map(from_json).collect()),
        Value::Object(map) => NodeValue::Table(
            map.iter().map(|(key, value)| Entry { key: key.clone(), line: None, node: from_json(value) }).collect(),
        ),
    };
    Node { value, line: None }
}

/// What a value is, in French, for « type invalide » messages.
fn describe(node: &Node) -> String {
    match &node.value {
        NodeValue::Str(text) => format!("la chaîne « {text} »"),
        NodeValue::Int(number) => format!("l'entier {number}"),
        NodeValue::BigInt(text) => format!("l'entier {text}"),
        NodeValue::Float(number) => format!("le nombre {number}"),
        NodeValue::Bool(boolean) => format!("le booléen {boolean}"),
        NodeValue::Date(date) => format!("la date {date}"),
        NodeValue::OtherDatetime(text) => format!("la date et heure {text}"),
        NodeValue::Array(_) => "une liste".to_owned(),
        NodeValue::Table(_) => "une table".to_owned(),
        NodeValue::Null => "null".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points.

pub(crate) fn parse_toml(
    text: &str,
    referentiel: &Referentiel,
    today: Date,
) -> Result<Declaration, InvalidDeclaration> {
    // Some editors start UTF-8 files with a byte order mark; it is not part of the document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = LineIndex::new(text);
    let (document, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let problems = errors
            .iter()
            .map(|err| Problem {
                line: Some(lines.line(err.span().map_or(0, |span| span.start))),
                path: String::new(),
                message: format!("TOML invalide : {}", french_toml_message(err.message())),
            })
            .collect();
        return Err(InvalidDeclaration::new(problems));
    }
    let root = Node { value: NodeValue::Table(toml_entries(document.get_ref(), &lines)), line: Some(1) };
    check(&root, referentiel, today)
}

pub(crate) fn parse_json(
    text: &str,
    referentiel: &Referentiel,
    today: Date,
) -> Result<Declaration, InvalidDeclaration> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => check(&from_json(&value), referentiel, today),
        Err(err) => Err(InvalidDeclaration::new(vec![Problem {
            line: Some(err.line()),
            path: String::new(),
            message: format!("JSON invalide : {}", french_json_message(&err)),
        }])),
    }
}

/// The toml parser's messages are English; the usual ones are said again in French, any other is
/// kept as it is.
fn french_toml_message(message: &str) -> String {
    const DESCRIPTIONS: [(&str, &str); 26] = [
        ("duplicate key", "clé ou table déclarée deux fois"),
        ("unclosed array table", "crochets [[ ]] non fermés"),
        ("unclosed array", "liste non fermée"),
        ("unclosed inline table", "table { } non fermée"),
        ("unclosed table", "crochet de table non fermé"),
        ("invalid basic string", "chaîne non fermée ou invalide"),
        ("invalid literal string", "chaîne littérale non fermée ou invalide"),
        ("missing comma between array elements", "virgule manquante entre deux éléments de liste"),
        ("missing comma between key-value pairs", "virgule manquante entre deux champs"),
        ("missing assignment between key-value pairs", "« = » manquant entre la clé et la valeur"),
        ("key with no value", "clé sans valeur"),
        ("missing value for key", "valeur manquante après « = »"),
        ("missing value", "valeur manquante"),
        ("string values must be quoted", "les textes s'écrivent entre guillemets"),
        ("invalid unquoted key", "clé invalide (lettres, chiffres, _ et - sans guillemets)"),
        ("unexpected leading zero", "zéro en tête de nombre non accepté"),
        ("extra comma in array", "virgule en trop dans la liste"),
        ("extra comma in inline table", "virgule en trop dans la table"),
        ("extra `=`", "« = » en trop"),
        ("unexpected content", "contenu inattendu"),
        ("unexpected key or value", "clé ou valeur inattendue"),
        ("invalid value", "valeur invalide"),
        ("invalid key-value pair", "champ invalide"),
        ("missing escaped value", "séquence d'échappement incomplète"),
        ("cannot extend value of type", "impossible de compléter une valeur de type"),
        ("`_` may only go between digits", "« _ » n'est accepté qu'entre deux chiffres"),
    ];
    let message = message.trim();
    let (description, expected) = match message.split_once(", expected ") {
        Some((description, expected)) => (description, Some(expected)),
        None => (message, None),
    };
    let mut french = description.to_owned();
    for (english, replacement) in DESCRIPTIONS {
        if let Some(rest) = description.strip_prefix(english) {
            french = format!("{replacement}{rest}");
            break;
        }
    }
    match expected {
        Some(expected) => format!("{french} ; attendu : {}", quote_literals(expected)),
        None => french,
    }
}

/// Turns the parser's `x` literals into « x », and a newline into « fin de ligne ».
fn quote_literals(expected: &str) -> String {
    expected
        .split('`')
        .enumerate()
        .map(|(idx, part)| match (idx % 2, part) {
            (1, "\n") => "fin de ligne".to_owned(),
            (1, literal) => format!("« {literal} »"),
            (_, text) => text.replace(" or ", " ou "),
        })
        .collect()
}

fn french_json_message(err: &serde_json::Error) -> String {
    const WORDS: [(&str, &str); 10] = [
        ("EOF while parsing a list", "fin du fichier avant la fin d'une liste [ ]"),
        ("EOF while parsing an object", "fin du fichier avant la fin d'un objet { }"),
        ("EOF while parsing a string", "fin du fichier avant la fin d'une chaîne"),
        ("EOF while parsing a value", "fin du fichier avant une valeur"),
        ("expected `,` or `]`", "« , » ou « ] » attendu"),
        ("expected `,` or `}`", "« , » ou « } » attendu"),
        ("expected `:`", "« : » attendu"),
        ("expected value", "valeur attendue"),
        ("trailing comma", "virgule en trop"),
        ("key must be a string", "les clés s'écrivent entre guillemets"),
    ];
    let full = err.to_string();
    // serde_json appends « at line L column C »; the line is reported apart, the column is kept.
    let (detail, _) = full.rsplit_once(" at line ").unwrap_or((&full, ""));
    let mut french = detail.to_owned();
    for (english, replacement) in WORDS {
        if detail.starts_with(english) {
            french = replacement.to_owned();
            break;
        }
    }
    format!("{french} (colonne {})", err.column())
}

// ---------------------------------------------------------------------------------------------
// Typed values read from a table.

#[derive(Debug, Clone)]
enum Parsed {
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Date(Date),
    Codes(Vec<String>),
    Claims(Vec<Claim>),
}

/// The fields of one table that were present and valid, with their lines.
struct Values {
    path: String,
    line: Option<usize>,
    valid: HashMap<&'static str, (Parsed, Option<usize>)>,
    /// Keys present in the source, valid or not (so that a wrong value is not also « missing »).
    present: Vec<&'static str>,
}

impl Values {
    fn get(&self, key: &str) -> Option<&Parsed> {
        self.valid.get(key).map(|(parsed, _)| parsed)
    }

    fn text(&self, key: &str) -> Option<String> {
        match self.get(key) {
            Some(Parsed::Str(text)) => Some(text.clone()),
            _ => None,
        }
    }

    fn int(&self, key: &str) -> Option<i64> {
        match self.get(key) {
            Some(Parsed::Int(number)) => Some(*number),
            _ => None,
        }
    }

    fn num(&self, key: &str) -> Option<f64> {
        match self.get(key) {
            Some(Parsed::Num(number)) => Some(*number),
            _ => None,
        }
    }

    fn boolean(&self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(Parsed::Bool(boolean)) => Some(*boolean),
            _ => None,
        }
    }

    fn date(&self, key: &str) -> Option<Date> {
        match self.get(key) {
            Some(Parsed::Date(date)) => Some(*date),
            _ => None,
        }
    }

    fn codes<T>(&self, key: &str, from_code: fn(&str) -> Option<T>) -> Vec<T> {
        match self.get(key) {
            Some(Parsed::Codes(codes)) => codes.iter().filter_map(|code| from_code(code)).collect(),
            _ => Vec::new(),
        }
    }

    fn claims(&self, key: &str) -> Vec<Claim> {
        match self.get(key) {
            Some(Parsed::Claims(claims)) => claims.clone(),
            _ => Vec::new(),
        }
    }

    fn has(&self, key: &str) -> bool {
        self.present.contains(&key)
    }

    /// The line of a field, or of its table when the field is absent.
    fn line_of(&self, key: &str) -> Option<usize> {
        self.valid.get(key).and_then(|(_, line)| *line).or(self.line)
    }

    fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn u32_of(number: Option<i64>) -> Option<u32> {
    number.and_then(|number| u32::try_from(number).ok())
}

// ---------------------------------------------------------------------------------------------
// The checker.

struct Checker<'r> {
    referentiel: &'r Referentiel,
    today: Date,
    problems: Vec<Problem>,
}

/// Edit distance, for « vouliez-vous dire » suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// « ; vouliez-vous dire « x » ? » when a known value is close to the unknown one.
fn suggestion<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let folded = unknown.to_lowercase();
    let best = known
        .into_iter()
        .map(|candidate| (distance(&folded, &candidate.to_lowercase()), candidate))
        .min_by_key(|(distance, _)| *distance);
    match best {
        Some((distance, candidate)) if distance <= 2.max(unknown.chars().count() / 4) => {
            format!(" ; vouliez-vous dire « {candidate} » ?")
        }
        _ => String::new(),
    }
}

impl Checker<'_> {
    fn problem(&mut self, line: Option<usize>, path: &str, message: String) {
        self.problems.push(Problem { line, path: path.to_owned(), message });
    }

    /// Reports unknown keys of a table and missing required ones; returns the known keys' entries.
    fn keys<'n>(
        &mut self,
        entries: &'n [Entry],
        line: Option<usize>,
        path: &str,
        fields: &'static [Field],
    ) -> Vec<(&'static Field, &'n Entry)> {
        let mut known = Vec::new();
        for entry in entries {
            match fields.iter().find(|field| field.key == entry.key) {
                Some(field) => known.push((field, entry)),
                None => {
                    let hint = suggestion(&entry.key, fields.iter().map(|field| field.key));
                    self.problem(
                        entry.line,
                        &join(path, &entry.key),
                        format!("clé inconnue « {} »{hint} ; clés acceptées : {}", entry.key, spec::keys(fields)),
                    );
                }
            }
        }
        for field in fields {
            if field.required && !known.iter().any(|(known, _)| known.key == field.key) {
                self.problem(
                    line,
                    &join(path, field.key),
                    format!("champ obligatoire « {} » manquant ({})", field.key, lowercase_first(field.description)),
                );
            }
        }
        known
    }

    /// Reads a table whose keys are described by `fields`; unknown keys, missing required fields
    /// and wrong values are reported.
    fn table(&mut self, node: &Node, path: &str, fields: &'static [Field], what: &str) -> Option<Values> {
        let NodeValue::Table(entries) = &node.value else {
            self.problem(node.line, path, format!("type invalide ({}) ; attendu : {what}", describe(node)));
            return None;
        };
        let mut values = Values { path: path.to_owned(), line: node.line, valid: HashMap::new(), present: Vec::new() };
        for (field, entry) in self.keys(entries, node.line, path, fields) {
            values.present.push(field.key);
            if let Some(parsed) = self.value(&entry.node, &join(path, field.key), field.kind) {
                values.valid.insert(field.key, (parsed, entry.line));
            }
        }
        Some(values)
    }

    /// One code among a list.
    fn choice(&mut self, node: &Node, path: &str, codes: &[&str]) -> Option<String> {
        match &node.value {
            NodeValue::Str(text) if codes.contains(&text.as_str()) => Some(text.clone()),
            NodeValue::Str(text) => {
                let hint = suggestion(text, codes.iter().copied());
                self.problem(
                    node.line,
                    path,
                    format!("valeur inconnue « {text} »{hint} ; valeurs acceptées : {}", codes.join(", ")),
                );
                None
            }
            _ => {
                self.type_error(node, path, &format!("une valeur entre guillemets parmi : {}", codes.join(", ")));
                None
            }
        }
    }

    fn type_error(&mut self, node: &Node, path: &str, expected: &str) {
        self.problem(node.line, path, format!("type invalide ({}) ; attendu : {expected}", describe(node)));
    }

    /// Checks one value against its kind.
    fn value(&mut self, node: &Node, path: &str, kind: Kind) -> Option<Parsed> {
        match kind {
            Kind::Text => match &node.value {
                NodeValue::Str(text) if text.trim().is_empty() => {
                    self.problem(node.line, path, "texte vide ; attendu : un texte non vide".to_owned());
                    None
                }
                NodeValue::Str(text) => Some(Parsed::Str(text.trim().to_owned())),
                _ => {
                    self.type_error(node, path, "un texte entre guillemets");
                    None
                }
            },
            Kind::Code(format) => match &node.value {
                NodeValue::Str(text) if format.accepts(text) => Some(Parsed::Str(text.clone())),
                NodeValue::Str(text) => {
                    self.problem(
                        node.line,
                        path,
                        format!("« {text} » n'est pas accepté ; attendu : {}", format.expected()),
                    );
                    None
                }
                _ => {
                    self.type_error(node, path, &format.expected());
                    None
                }
            },
            Kind::Url => match &node.value {
                NodeValue::Str(text) if is_url(text) => Some(Parsed::Str(text.clone())),
                NodeValue::Str(text) => {
                    self.problem(
                        node.line,
                        path,
                        format!("adresse « {text} » invalide ; attendu : une adresse complète commençant par https:// ou http://, sans espace"),
                    );
                    None
                }
                _ => {
                    self.type_error(node, path, "une adresse https://… entre guillemets");
                    None
                }
            },
            Kind::Choice(codes) => self.choice(node, path, &codes()).map(Parsed::Str),
            Kind::ChoiceList { codes, min_items } => {
                let codes = codes();
                let NodeValue::Array(items) = &node.value else {
                    let example = codes.first().copied().unwrap_or_default();
                    self.type_error(
                        node,
                        path,
                        &format!("une liste de valeurs parmi : {} (par exemple [\"{example}\"])", codes.join(", ")),
                    );
                    return None;
                };
                if items.len() < min_items {
                    self.problem(
                        node.line,
                        path,
                        format!("liste vide ; attendu : au moins une valeur parmi : {}", codes.join(", ")),
                    );
                    return None;
                }
                let mut seen: Vec<String> = Vec::new();
                let mut ok = true;
                for (idx, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{idx}]");
                    match self.choice(item, &item_path, &codes) {
                        Some(code) if seen.contains(&code) => {
                            self.problem(item.line, &item_path, format!("valeur « {code} » répétée dans la liste"));
                            ok = false;
                        }
                        Some(code) => seen.push(code),
                        None => ok = false,
                    }
                }
                ok.then_some(Parsed::Codes(seen))
            }
            Kind::Region => match &node.value {
                NodeValue::Str(text) if spec::region_name(text).is_some() => Some(Parsed::Str(text.clone())),
                NodeValue::Str(text) => {
                    self.problem(
                        node.line,
                        path,
                        format!("code de région INSEE inconnu « {text} » ; codes acceptés : {}", region_codes()),
                    );
                    None
                }
                _ => {
                    self.type_error(
                        node,
                        path,
                        &format!(
                            "un code de région INSEE entre guillemets (par exemple \"84\") parmi : {}",
                            region_codes()
                        ),
                    );
                    None
                }
            },
            Kind::Sector => {
                let sectors: Vec<&str> = self.referentiel.sectors.iter().map(|sector| sector.id.as_str()).collect();
                match &node.value {
                    NodeValue::Str(text) if sectors.contains(&text.as_str()) => Some(Parsed::Str(text.clone())),
                    NodeValue::Str(text) => {
                        let hint = suggestion(text, sectors.iter().copied());
                        let list = sectors.join(", ");
                        self.problem(
                            node.line,
                            path,
                            format!("secteur inconnu « {text} »{hint} ; secteurs du référentiel : {list}"),
                        );
                        None
                    }
                    _ => {
                        let list = sectors.join(", ");
                        self.type_error(
                            node,
                            path,
                            &format!("un secteur du référentiel entre guillemets parmi : {list}"),
                        );
                        None
                    }
                }
            }
            Kind::Integer { min, max } => {
                let expected = match max {
                    Some(max) => format!("un entier de {min} à {max}"),
                    None => format!("un entier supérieur ou égal à {min}"),
                };
                let number = match &node.value {
                    NodeValue::Int(number) => *number,
                    NodeValue::Float(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => *number as i64,
                    NodeValue::BigInt(text) => {
                        self.problem(node.line, path, format!("entier {text} trop grand ; attendu : {expected}"));
                        return None;
                    }
                    _ => {
                        self.type_error(node, path, &expected);
                        return None;
                    }
                };
                if number < min || max.is_some_and(|max| number > max) {
                    self.problem(node.line, path, format!("valeur {number} hors limites ; attendu : {expected}"));
                    return None;
                }
                Some(Parsed::Int(number))
            }
            Kind::Positive | Kind::NonNegative | Kind::Share => {
                let expected = match kind {
                    Kind::Positive => "un nombre strictement positif",
                    Kind::NonNegative => "un nombre positif ou nul",
                    _ => "une part entre 0 et 1 (0.15 pour 15 %)",
                };
                let number = match &node.value {
                    NodeValue::Int(number) => *number as f64,
                    NodeValue::Float(number) if number.is_finite() => *number,
                    _ => {
                        self.type_error(node, path, expected);
                        return None;
                    }
                };
                let ok = match kind {
                    Kind::Positive => number > 0.0,
                    Kind::NonNegative => number >= 0.0,
                    _ => (0.0..=1.0).contains(&number),
                };
                if !ok {
                    let expected = if matches!(kind, Kind::Share) && number > 1.0 && number <= 100.0 {
                        format!("une part entre 0 et 1 : pour {number} %, écrivez {}", number / 100.0)
                    } else {
                        expected.to_owned()
                    };
                    self.problem(node.line, path, format!("valeur {number} refusée ; attendu : {expected}"));
                    return None;
                }
                Some(Parsed::Num(number))
            }
            Kind::Bool => match node.value {
                NodeValue::Bool(boolean) => Some(Parsed::Bool(boolean)),
                _ => {
                    self.type_error(node, path, "true ou false, sans guillemets");
                    None
                }
            },
            Kind::Date => match &node.value {
                NodeValue::Date(date) => Some(Parsed::Date(*date)),
                NodeValue::Str(text) if Date::parse(text).is_some() => Date::parse(text).map(Parsed::Date),
                NodeValue::Str(text) => {
                    let message = format!(
                        "date « {text} » invalide ; attendu : une date existante AAAA-MM-JJ, par exemple 2026-09-01"
                    );
                    self.problem(node.line, path, message);
                    None
                }
                _ => {
                    self.type_error(node, path, "une date AAAA-MM-JJ sans heure, par exemple 2026-09-01");
                    None
                }
            },
            Kind::Claims => self.claims(node, path),
        }
    }

    fn claims(&mut self, node: &Node, path: &str) -> Option<Parsed> {
        let NodeValue::Array(items) = &node.value else {
            self.type_error(node, path, "une liste de compétences [{ id = \"DS.INF.01\", level = \"N2\" }, …]");
            return None;
        };
        let mut claims: Vec<(Claim, String)> = Vec::new();
        let mut ok = true;
        for (idx, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{idx}]");
            let Some(values) =
                self.table(item, &item_path, &spec::CLAIM, "une compétence { id = \"DS.INF.01\", level = \"N2\" }")
            else {
                ok = false;
                continue;
            };
            let id = values.text("id").and_then(|id| {
                if self.referentiel.competence(&id).is_some() {
                    return Some(id);
                }
                let hint = suggestion(&id, self.referentiel.competences.iter().map(|competence| competence.id.as_str()));
                self.problem(
                    values.line_of("id"),
                    &values.path_of("id"),
                    format!(
                        "compétence inconnue « {id} »{hint} ; attendu : l'identifiant d'une compétence du référentiel {} (DS.<PILIER>.<nn>, liste : socle referentiel export --format json)",
                        self.referentiel.version
                    ),
                );
                None
            });
            let level = values.text("level").and_then(|code| {
                let level = Level::from_code(&code);
                if level.is_none() {
                    self.problem(
                        values.line_of("level"),
                        &values.path_of("level"),
                        format!("niveau « {code} » inconnu ; niveaux acceptés : N1, N2, N3, N4"),
                    );
                }
                level
            });
            match (id, level) {
                (Some(id), Some(level)) => {
                    if let Some((_, first)) = claims.iter().find(|(claim, _)| claim.id == id) {
                        self.problem(
                            values.line_of("id"),
                            &values.path_of("id"),
                            format!("compétence {id} déjà déclarée dans cette liste ({first}) ; déclarez-la une fois, au niveau le plus haut visé"),
                        );
                        ok = false;
                    } else {
                        claims.push((Claim { id, level }, item_path));
                    }
                }
                _ => ok = false,
            }
        }
        ok.then(|| Parsed::Claims(claims.into_iter().map(|(claim, _)| claim).collect()))
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect::<String>().trim_end_matches('.').to_owned(),
        None => String::new(),
    }
}

fn region_codes() -> String {
    spec::REGIONS.iter().map(|(code, name)| format!("{code} ({name})")).collect::<Vec<_>>().join(", ")
}

fn is_url(text: &str) -> bool {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        host.contains('.') && !host.starts_with('.') && !text.chars().any(char::is_whitespace)
    })
}

// ---------------------------------------------------------------------------------------------
// The declaration.

fn check(root: &Node, referentiel: &Referentiel, today: Date) -> Result<Declaration, InvalidDeclaration> {
    let mut checker = Checker { referentiel, today, problems: Vec::new() };
    let declaration = checker.declaration(root);
    let mut problems = checker.problems;
    match declaration {
        Some(declaration) if problems.is_empty() => Ok(declaration),
        _ => {
            if problems.is_empty() {
                problems.push(Problem {
                    line: None,
                    path: String::new(),
                    message: "déclaration incomplète".to_owned(),
                });
            }
            Err(InvalidDeclaration::new(problems))
        }
    }
}

impl Checker<'_> {
    fn declaration(&mut self, root: &Node) -> Option<Declaration> {
        let NodeValue::Table(entries) = &root.value else {
            self.type_error(root, "", "un document avec une table [programme] et des tables [[units]]");
            return None;
        };
        let sections: HashMap<&str, &Node> = self
            .keys(entries, None, "", &spec::TOP)
            .into_iter()
            .map(|(field, entry)| (field.key, &entry.node))
            .collect();

        let programme_values = sections
            .get("programme")
            .and_then(|node| self.table(node, "programme", &spec::PROGRAMME, "une table [programme]"));
        let unit_values = self.section(sections.get("units").copied(), "units", &spec::UNIT);
        if let Some(node) = sections.get("units")
            && matches!(&node.value, NodeValue::Array(items) if items.is_empty())
        {
            self.problem(node.line, "units", "aucune unité ; attendu : au moins une table [[units]]".to_owned());
        }
        let project_values = self.section(sections.get("projects").copied(), "projects", &spec::PROJECT);
        let placement_values = self.section(sections.get("placements").copied(), "placements", &spec::PLACEMENT);
        let outcomes = sections
            .get("outcomes")
            .and_then(|node| self.table(node, "outcomes", &spec::OUTCOMES, "une table [outcomes]"))
            .and_then(|values| self.outcomes(&values));

        let programme = programme_values.as_ref().and_then(|values| self.programme(values));
        // Taken from the values, so that units are checked even when the programme has problems.
        let semesters = programme_values.as_ref().and_then(|values| u32_of(values.int("semesters")));
        let units: Vec<Option<Unit>> = unit_values.iter().map(|values| self.unit(values, semesters)).collect();
        self.duplicate_codes(&unit_values);
        let projects: Vec<Option<Project>> =
            project_values.iter().map(|values| self.project(values, semesters)).collect();
        let placements: Vec<Option<Placement>> = placement_values.iter().map(|values| self.placement(values)).collect();
        if let Some(values) = &programme_values {
            self.totals(values, &unit_values, &project_values);
        }
        Some(Declaration {
            programme: programme?,
            units: units.into_iter().collect::<Option<_>>()?,
            projects: projects.into_iter().collect::<Option<_>>()?,
            placements: placements.into_iter().collect::<Option<_>>()?,
            outcomes,
        })
    }

    /// Reads an array of tables such as `[[units]]`.
    fn section(&mut self, node: Option<&Node>, name: &str, fields: &'static [Field]) -> Vec<Values> {
        let Some(node) = node else { return Vec::new() };
        let what = format!("des tables [[{name}]]");
        let NodeValue::Array(items) = &node.value else {
            self.type_error(node, name, &what);
            return Vec::new();
        };
        let what = format!("une table [[{name}]]");
        items
            .iter()
            .enumerate()
            .filter_map(|(idx, item)| self.table(item, &format!("{name}[{idx}]"), fields, &what))
            .collect()
    }

    fn programme(&mut self, values: &Values) -> Option<Programme> {
        let diploma = values.text("diploma").and_then(|code| Diploma::from_code(&code));
        let level = u32_of(values.int("level")).and_then(|level| u8::try_from(level).ok());
        if let Some(diploma) = diploma {
            match (diploma.is_short_course(), values.has("level")) {
                (true, true) => self.problem(
                    values.line_of("level"),
                    &values.path_of("level"),
                    format!("une {} n'a pas de niveau RNCP ; supprimez level", diploma.label()),
                ),
                (false, false) if diploma != Diploma::Certificat => {
                    let example = diploma
                        .fixed_level()
                        .map_or(String::new(), |level| format!(" ; pour un {} : level = {level}", diploma.label()));
                    self.problem(
                        values.line,
                        &values.path_of("level"),
                        format!("niveau RNCP manquant (level, entier de 5 à 8){example}"),
                    );
                }
                _ => {}
            }
        }
        if values.has("rncp") && values.has("rs") {
            self.problem(
                values.line_of("rs"),
                &values.path_of("rs"),
                "une formation est enregistrée au RNCP ou au répertoire spécifique, pas aux deux ; gardez rncp ou rs"
                    .to_owned(),
            );
        }
        let modality = values.codes("modality", Modality::from_code);
        let remote_only = modality == [Modality::Distanciel];
        if !values.has("region") && values.has("modality") && !remote_only {
            self.problem(
                values.line,
                &values.path_of("region"),
                "région manquante (region, code INSEE entre guillemets comme \"84\") ; elle n'est facultative que pour une formation entièrement à distance".to_owned(),
            );
        }
        if values.has("level") && !values.has("semesters") && !diploma.is_some_and(Diploma::is_short_course) {
            self.problem(
                values.line,
                &values.path_of("semesters"),
                "nombre de semestres manquant (semesters) ; obligatoire pour une formation qui a un niveau".to_owned(),
            );
        }
        if !values.has("total_ects") && !values.has("total_hours") {
            self.problem(
                values.line,
                &values.path_of("total_ects"),
                "volume total manquant ; attendu : total_ects (crédits ECTS) ou total_hours (heures encadrées), ou les deux".to_owned(),
            );
        }
        if let Some(updated) = values.date("updated")
            && updated > self.today
        {
            self.problem(
                values.line_of("updated"),
                &values.path_of("updated"),
                format!(
                    "date de mise à jour {updated} dans le futur ; attendu : une date passée ou celle d'aujourd'hui ({})",
                    self.today
                ),
            );
        }
        Some(Programme {
            id: values.text("id")?,
            title: values.text("title")?,
            provider: values.text("provider")?,
            diploma: diploma?,
            level,
            rncp: values.text("rncp"),
            rs: values.text("rs"),
            registration_end: values.date("registration_end"),
            region: values.text("region"),
            city: values.text("city"),
            modality,
            language: values.text("language")?,
            total_ects: values.num("total_ects"),
            total_hours: values.num("total_hours"),
            semesters: u32_of(values.int("semesters")),
            apprenticeship: values.boolean("apprenticeship").unwrap_or(false),
            practitioner_share: values.num("practitioner_share"),
            updated: values.date("updated")?,
            public_url: values.text("public_url"),
            example: values.boolean("example").unwrap_or(false),
        })
    }

    fn volume(&mut self, values: &Values, what: &str) {
        if !values.has("ects") && !values.has("hours") {
            self.problem(
                values.line,
                &values.path_of("hours"),
                format!(
                    "volume manquant pour {what} ; attendu : ects (crédits), hours (heures encadrées), ou les deux"
                ),
            );
        }
    }

    fn semester(&mut self, values: &Values, semesters: Option<u32>, what: &str) {
        let Some(semester) = u32_of(values.int("semester")) else { return };
        if let Some(semesters) = semesters
            && semester > semesters
        {
            self.problem(
                values.line_of("semester"),
                &values.path_of("semester"),
                format!("semestre {semester} pour {what}, alors que la formation n'en compte que {semesters} (programme.semesters)"),
            );
        }
    }

    fn unit(&mut self, values: &Values, semesters: Option<u32>) -> Option<Unit> {
        let code = values.text("code");
        let what = format!("l'unité {}", code.as_deref().unwrap_or("sans code"));
        self.volume(values, &what);
        self.semester(values, semesters, &what);
        if semesters.is_some() && !values.has("semester") {
            self.problem(
                values.line,
                &values.path_of("semester"),
                format!("semestre manquant pour {what} (semester, de 1 à programme.semesters)"),
            );
        }
        let kind = values.text("kind").and_then(|code| UnitKind::from_code(&code));
        match (kind, values.has("sector")) {
            (Some(UnitKind::Specialisation), false) => self.problem(
                values.line,
                &values.path_of("sector"),
                format!(
                    "{what} est une spécialisation sans secteur ; attendu : sector = un secteur du référentiel parmi : {}",
                    self.sector_list()
                ),
            ),
            (Some(UnitKind::Core), true) => self.problem(
                values.line_of("sector"),
                &values.path_of("sector"),
                format!("{what} appartient au tronc commun (kind = \"core\") et ne peut pas avoir de secteur ; supprimez sector ou écrivez kind = \"specialisation\""),
            ),
            _ => {}
        }
        Some(Unit {
            code: code?,
            title: values.text("title")?,
            ects: values.num("ects"),
            hours: values.num("hours"),
            semester: u32_of(values.int("semester")),
            kind: kind?,
            sector: values.text("sector"),
            competences: values.claims("competences"),
            assessments: values.codes("assessments", AssessmentKind::from_code),
        })
    }

    fn sector_list(&self) -> String {
        self.referentiel.sectors.iter().map(|sector| sector.id.as_str()).collect::<Vec<_>>().join(", ")
    }

    fn duplicate_codes(&mut self, units: &[Values]) {
        let mut seen: HashMap<String, (String, Option<usize>)> = HashMap::new();
        for values in units {
            let Some(code) = values.text("code") else { continue };
            match seen.get(&code) {
                Some((first_path, first_line)) => {
                    let place = first_line.map_or(first_path.clone(), |line| format!("{first_path}, ligne {line}"));
                    self.problem(
                        values.line_of("code"),
                        &values.path_of("code"),
                        format!("code d'unité « {code} » déjà utilisé ({place}) ; chaque unité a un code unique"),
                    );
                }
                None => {
                    seen.insert(code, (values.path.clone(), values.line_of("code")));
                }
            }
        }
    }

    fn project(&mut self, values: &Values, semesters: Option<u32>) -> Option<Project> {
        let title = values.text("title");
        let what = format!("le projet « {} »", title.as_deref().unwrap_or("sans titre"));
        self.volume(values, &what);
        self.semester(values, semesters, &what);
        if !values.has("data_provenance") && !values.has("partner") {
            self.problem(
                values.line,
                &values.path_of("data_provenance"),
                format!("provenance des données manquante pour {what} ; attendu : data_provenance (adresse publique des données) ou partner (organisme qui les fournit)"),
            );
        }
        Some(Project {
            title: title?,
            ects: values.num("ects"),
            hours: values.num("hours"),
            semester: u32_of(values.int("semester")),
            data_provenance: values.text("data_provenance"),
            partner: values.text("partner"),
            synthetic: values.boolean("synthetic").unwrap_or(false),
            data_size_gb: values.num("data_size_gb"),
            records: values.int("records").and_then(|records| u64::try_from(records).ok()),
            sources: u32_of(values.int("sources")),
            graded: values.boolean("graded")?,
            competences: values.claims("competences"),
        })
    }

    fn placement(&mut self, values: &Values) -> Option<Placement> {
        Some(Placement {
            kind: values.text("kind").and_then(|code| PlacementKind::from_code(&code))?,
            weeks: u32_of(values.int("weeks"))?,
            mandatory: values.boolean("mandatory")?,
            competences: values.claims("competences"),
            assessments: values.codes("assessments", AssessmentKind::from_code),
        })
    }

    fn outcomes(&mut self, values: &Values) -> Option<Outcomes> {
        if values.int("graduates") == Some(0) && values.has("employment_6m") {
            self.problem(
                values.line_of("employment_6m"),
                &values.path_of("employment_6m"),
                "taux d'emploi déclaré sans diplômés (graduates = 0) ; supprimez employment_6m tant qu'aucune promotion n'est sortie".to_owned(),
            );
        }
        Some(Outcomes {
            graduates: u32_of(values.int("graduates")),
            employment_6m: values.num("employment_6m"),
            published: values.boolean("published")?,
        })
    }

    /// The units and projects cannot hold more credits or hours than the whole programme.
    fn totals(&mut self, programme: &Values, units: &[Values], projects: &[Values]) {
        for (total_key, key, unit_name) in [("total_ects", "ects", "crédits ECTS"), ("total_hours", "hours", "heures")]
        {
            let Some(total) = programme.num(total_key) else { continue };
            let sum: f64 = units.iter().chain(projects).filter_map(|values| values.num(key)).sum();
            if sum > total + 1e-9 {
                self.problem(
                    programme.line_of(total_key),
                    &programme.path_of(total_key),
                    format!(
                        "les unités et projets totalisent {} {unit_name}, plus que la formation entière ({total_key} = {}) ; corrigez {total_key} ou les volumes des unités et projets",
                        crate::fr::number(sum),
                        crate::fr::number(total)
                    ),
                );
            }
        }
    }
}
