//! `cargo xtask datasets check`: every folder of `datasets/` carries a `dataset.toml` that agrees
//! with its files (checksums, CSV schemas, row counts), its datasheet in the book, and its uses.
//!
//! The manifest is read from the TOML parser's spanned tree rather than through serde so that one
//! pass reports every problem of a file (missing keys, unknown keys, wrong types), each with its
//! line, instead of stopping at the first.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path};

use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The manifest's name in every dataset folder.
pub const MANIFEST: &str = "dataset.toml";

/// Invalid values reported one by one per column; beyond, they are counted.
const MAX_VALUES_PER_COLUMN: usize = 5;

const ROOT_KEYS: [&str; 2] = ["dataset", "files"];
const DATASET_KEYS: [&str; 8] =
    ["title", "description", "source", "licence", "synthetic", "datasheet", "generator", "seed"];
const FILE_KEYS: [&str; 5] = ["path", "format", "sha256", "rows", "columns"];
const COLUMN_KEYS: [&str; 5] = ["name", "type", "unit", "description", "nullable"];

/// One thing wrong, in a file named from the repository root, at a line when one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path from the repository root (`datasets/edsf/dataset.toml`).
    pub file: String,
    /// Line in that file, from 1.
    pub line: Option<usize>,
    /// What is wrong and what would be accepted, in French.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "{}:{line} : {}", self.file, self.message),
            None => write!(formatter, "{} : {}", self.file, self.message),
        }
    }
}

/// How a data file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line; schema and row count declared.
    Csv,
    /// A TOML document; only its checksum and syntax are checked.
    Toml,
}

/// What the values of a CSV column must parse as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Any text.
    String,
    /// A signed 64-bit integer (`-12`, `2026`).
    Integer,
    /// A finite decimal number (`3.14`, `-1e-3`).
    Float,
    /// A calendar date `YYYY-MM-DD`.
    Date,
    /// `true` or `false`.
    Boolean,
}

impl ColumnType {
    /// The names accepted in `type = "…"`.
    pub const NAMES: [&'static str; 5] = ["string", "integer", "float", "date", "boolean"];

    fn from_name(name: &str) -> Option<ColumnType> {
        match name {
            "string" => Some(ColumnType::String),
            "integer" => Some(ColumnType::Integer),
            "float" => Some(ColumnType::Float),
            "date" => Some(ColumnType::Date),
            "boolean" => Some(ColumnType::Boolean),
            _ => None,
        }
    }

    /// Whether a non-empty value parses as this type.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            ColumnType::String => true,
            ColumnType::Integer => value.parse::<i64>().is_ok(),
            ColumnType::Float => value.parse::<f64>().is_ok_and(f64::is_finite),
            ColumnType::Date => is_date(value),
            ColumnType::Boolean => value == "true" || value == "false",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            ColumnType::String => "une chaîne",
            ColumnType::Integer => "un entier (ex. 42, -7)",
            ColumnType::Float => "un nombre décimal fini (ex. 3.14, -1e-3)",
            ColumnType::Date => "une date AAAA-MM-JJ (ex. 2026-01-31)",
            ColumnType::Boolean => "un booléen (true ou false)",
        }
    }
}

/// One declared column of a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header cell, exactly as in the file (it may be empty in files extracted from spreadsheets).
    pub name: String,
    /// Type of its values; `None` when the manifest gives an unknown one (already reported).
    pub kind: Option<ColumnType>,
    /// Unit of its values (`€`, `ECTS`, `kWh`).
    pub unit: Option<String>,
    /// What a value means.
    pub description: String,
    /// Whether a value may be empty.
    pub nullable: bool,
}

/// One `[[files]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// Line of the entry in the manifest.
    pub line: usize,
    /// Path from the dataset folder.
    pub path: Option<String>,
    /// How it is written.
    pub format: Option<Format>,
    /// Declared SHA-256, with its place in the manifest (for `--fix-checksums`).
    pub sha256: Option<Spanned<String>>,
    /// Declared data rows (CSV), with its place in the manifest.
    pub rows: Option<Spanned<i64>>,
    /// Declared columns in file order (CSV).
    pub columns: Vec<Column>,
}

/// A text value of the manifest and the line it is on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Located {
    /// The value.
    pub value: String,
    /// Its line in the manifest, from 1.
    pub line: usize,
}

/// The `[dataset]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetInfo {
    /// Short title.
    pub title: String,
    /// One or two sentences on what it holds.
    pub description: String,
    /// Where it comes from (URL, publication) or the generator for synthetic data.
    pub source: String,
    /// SPDX licence expression.
    pub licence: String,
    /// Whether a generator made it.
    pub synthetic: bool,
    /// The datasheet page, from the repository root.
    pub datasheet: Option<Located>,
    /// The generator script, from the dataset folder (synthetic data only).
    pub generator: Option<Located>,
    /// The generator's fixed seed (synthetic data only).
    pub seed: Option<i64>,
}

/// A parsed `dataset.toml`; what was missing or wrong is empty here and reported beside it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    /// The `[dataset]` table.
    pub dataset: DatasetInfo,
    /// The `[[files]]` entries.
    pub files: Vec<DataFile>,
}

/// What `check` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Names of the dataset folders checked.
    pub datasets: Vec<String>,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

/// What `fix_checksums` did.
#[derive(Debug, Clone, Default)]
pub struct Fix {
    /// One line per value rewritten, in French.
    pub changes: Vec<String>,
    /// What prevented a rewrite.
    pub problems: Vec<Problem>,
}

// ---------------------------------------------------------------------------------------------
// Reading the manifest.

/// Reads a manifest; `file` names it in problems. `None` only when the TOML itself is invalid.
pub fn parse_manifest(text: &str, file: &str) -> (Option<Manifest>, Vec<Problem>) {
    let mut reader = Reader::new(text, file);
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(err) => {
            let offset = err.span().map_or(0, |span| span.start);
            reader.push(offset, format!("TOML invalide : {}", err.message().trim()));
            return (None, reader.problems);
        }
    };
    let root = document.get_ref();
    reader.check_keys(root, &ROOT_KEYS, "la racine du manifeste");
    let dataset = match root.get("dataset") {
        Some(value) => match value.get_ref() {
            DeValue::Table(table) => reader.dataset(table, value.span().start),
            other => {
                reader.push(value.span().start, format!("« dataset » doit être une table, trouvé : {}", kind(other)));
                DatasetInfo::default()
            }
        },
        None => {
            reader.push(0, "table [dataset] absente (title, description, source, licence, synthetic, datasheet)");
            DatasetInfo::default()
        }
    };
    let mut files = Vec::new();
    match root.get("files") {
        Some(value) => match value.get_ref() {
            DeValue::Array(entries) => {
                for entry in entries {
                    match entry.get_ref() {
                        DeValue::Table(table) => files.push(reader.file(table, entry.span().start, files.len() + 1)),
                        other => reader.push(
                            entry.span().start,
                            format!(
                                "chaque entrée de « files » doit être une table [[files]], trouvé : {}",
                                kind(other)
                            ),
                        ),
                    }
                }
                if entries.is_empty() {
                    reader.push(value.span().start, "aucun fichier déclaré : ajoutez au moins une table [[files]]");
                }
            }
            other => reader.push(
                value.span().start,
                format!("« files » doit être une liste de tables [[files]], trouvé : {}", kind(other)),
            ),
        },
        None => reader.push(text.len(), "aucun fichier déclaré : ajoutez au moins une table [[files]]"),
    }
    (Some(Manifest { dataset, files }), reader.problems)
}

/// Problems of one manifest, located by byte offset.
struct Reader<'a> {
    file: &'a str,
    line_starts: Vec<usize>,
    problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    fn new(text: &str, file: &'a str) -> Reader<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(idx, _)| idx + 1));
        Reader { file, line_starts, problems: Vec::new() }
    }

    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).max(1)
    }

    fn push(&mut self, offset: usize, message: impl Into<String>) {
        let line = self.line(offset);
        self.problems.push(Problem { file: self.file.to_owned(), line: Some(line), message: message.into() });
    }

    fn located(&self, value: Spanned<String>) -> Located {
        Located { line: self.line(value.span().start), value: value.into_inner() }
    }

    fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], context: &str) {
        for key in table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                self.push(
                    key.span().start,
                    format!(
                        "clé inconnue « {} » dans {context} ; clés acceptées : {}",
                        key.get_ref(),
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// A string value; `None` (reported when `required`) when absent or of another type.
    fn text(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        context: &str,
        at: usize,
        required: bool,
    ) -> Option<Spanned<String>> {
        let Some(value) = table.get(key) else {
            if required {
                self.push(at, format!("clé « {key} » absente de {context}"));
            }
            return None;
        };
        match value.get_ref() {
            DeValue::String(text) => Some(Spanned::new(value.span(), text.to_string())),
            other => {
                self.push(value.span().start, format!("« {key} » doit être une chaîne, trouvé : {}", kind(other)));
                None
            }
        }
    }

    /// A required string that must say something.
    fn filled(&mut self, table: &DeTable<'_>, key: &str, context: &str, at: usize) -> String {
        let value = self.text(table, key, context, at, true);
        if let Some(value) = &value
            && value.get_ref().trim().is_empty()
        {
            self.push(value.span().start, format!("« {key} » est vide dans {context}"));
        }
        value.map(Spanned::into_inner).unwrap_or_default()
    }

    fn boolean(&mut self, table: &DeTable<'_>, key: &str, context: &str, at: usize) -> Option<bool> {
        let Some(value) = table.get(key) else {
            self.push(at, format!("clé « {key} » absente de {context} (true ou false)"));
            return None;
        };
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            other => {
                self.push(value.span().start, format!("« {key} » doit être true ou false, trouvé : {}", kind(other)));
                None
            }
        }
    }

    fn integer(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<i64>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Integer(integer) => match i64::from_str_radix(integer.as_str(), integer.radix()) {
                Ok(number) => Some(Spanned::new(value.span(), number)),
                Err(_) => {
                    self.push(value.span().start, format!("« {key} » : entier hors limites"));
                    None
                }
            },
            other => {
                self.push(value.span().start, format!("« {key} » doit être un entier, trouvé : {}", kind(other)));
                None
            }
        }
    }

    fn dataset(&mut self, table: &DeTable<'_>, at: usize) -> DatasetInfo {
        let context = "[dataset]";
        self.check_keys(table, &DATASET_KEYS, context);
        let title = self.filled(table, "title", context, at);
        let description = self.filled(table, "description", context, at);
        let source = self.filled(table, "source", context, at);
        let licence = self.filled(table, "licence", context, at);
        if !licence.trim().is_empty()
            && !is_spdx_expression(&licence)
            && let Some(value) = table.get("licence")
        {
            self.push(
                value.span().start,
                format!(
                    "« licence » n'est pas un identifiant SPDX : « {licence} » ; exemples acceptés : CC-BY-4.0, ODbL-1.0, etalab-2.0, MIT OR Apache-2.0"
                ),
            );
        }
        let synthetic = self.boolean(table, "synthetic", context, at);
        let datasheet = self.text(table, "datasheet", context, at, true);
        let generator = self.text(table, "generator", context, at, false);
        let seed = self.integer(table, "seed");
        match synthetic {
            Some(true) => {
                if generator.is_none() {
                    self.push(
                        at,
                        "un jeu synthétique (synthetic = true) nomme son générateur : generator = \"generer.py\"",
                    );
                }
                if seed.is_none() && !table.contains_key("seed") {
                    self.push(at, "un jeu synthétique (synthetic = true) fixe sa graine : seed = 2026");
                }
            }
            Some(false) => {
                for key in ["generator", "seed"] {
                    if let Some(value) = table.get(key) {
                        self.push(
                            value.span().start,
                            format!("« {key} » ne vaut que pour un jeu synthétique (synthetic = true)"),
                        );
                    }
                }
            }
            None => {}
        }
        if let Some(generator) = &generator
            && !is_relative_inside(generator.get_ref())
        {
            self.push(
                generator.span().start,
                "« generator » doit être un chemin relatif au dossier du jeu, sans « .. »",
            );
        }
        DatasetInfo {
            title,
            description,
            source,
            licence,
            synthetic: synthetic.unwrap_or(false),
            datasheet: datasheet.map(|value| self.located(value)),
            generator: generator.map(|value| self.located(value)),
            seed: seed.map(Spanned::into_inner),
        }
    }

    fn file(&mut self, table: &DeTable<'_>, at: usize, number: usize) -> DataFile {
        let path = self.text(table, "path", &format!("[[files]] n° {number}"), at, true);
        let context = match &path {
            Some(path) => format!("[[files]] « {} »", path.get_ref()),
            None => format!("[[files]] n° {number}"),
        };
        self.check_keys(table, &FILE_KEYS, &context);
        if let Some(path) = &path
            && !is_relative_inside(path.get_ref())
        {
            self.push(path.span().start, "« path » doit être un chemin relatif au dossier du jeu, sans « .. »");
        }
        let format =
            self.text(table, "format", &context, at, true).and_then(|format| match format.get_ref().as_str() {
                "csv" => Some(Format::Csv),
                "toml" => Some(Format::Toml),
                other => {
                    self.push(
                        format.span().start,
                        format!("format inconnu « {other} » ; formats acceptés : csv, toml"),
                    );
                    None
                }
            });
        let sha256 = self.text(table, "sha256", &context, at, true);
        if let Some(sha256) = &sha256
            && !is_sha256(sha256.get_ref())
        {
            self.push(
                sha256.span().start,
                "« sha256 » doit compter 64 chiffres hexadécimaux minuscules ; cargo xtask datasets check --fix-checksums l'écrit",
            );
        }
        let rows = self.integer(table, "rows");
        if let Some(rows) = &rows
            && *rows.get_ref() < 0
        {
            self.push(rows.span().start, "« rows » ne peut pas être négatif");
        }
        let mut columns = Vec::new();
        match format {
            Some(Format::Csv) => {
                if !table.contains_key("rows") {
                    self.push(at, format!("clé « rows » absente de {context} (nombre de lignes de données d'un csv)"));
                }
                match table.get("columns") {
                    None => {
                        self.push(at, format!("colonnes absentes de {context} : déclarez-les en [[files.columns]]"))
                    }
                    Some(value) => match value.get_ref() {
                        DeValue::Array(entries) if !entries.is_empty() => {
                            for entry in entries {
                                match entry.get_ref() {
                                    DeValue::Table(column) => {
                                        columns.push(self.column(
                                            column,
                                            entry.span().start,
                                            &context,
                                            columns.len() + 1,
                                        ));
                                    }
                                    other => self.push(
                                        entry.span().start,
                                        format!(
                                            "chaque colonne doit être une table [[files.columns]], trouvé : {}",
                                            kind(other)
                                        ),
                                    ),
                                }
                            }
                        }
                        DeValue::Array(_) => {
                            self.push(value.span().start, format!("aucune colonne déclarée pour {context}"))
                        }
                        other => self.push(
                            value.span().start,
                            format!(
                                "« columns » doit être une liste de tables [[files.columns]], trouvé : {}",
                                kind(other)
                            ),
                        ),
                    },
                }
            }
            Some(Format::Toml) => {
                for key in ["rows", "columns"] {
                    if let Some(value) = table.get(key) {
                        self.push(value.span().start, format!("« {key} » ne vaut que pour un fichier csv"));
                    }
                }
            }
            None => {}
        }
        DataFile { line: self.line(at), path: path.map(Spanned::into_inner), format, sha256, rows, columns }
    }

    fn column(&mut self, table: &DeTable<'_>, at: usize, file_context: &str, number: usize) -> Column {
        let name = self.text(table, "name", &format!("la colonne n° {number} de {file_context}"), at, true);
        let context = match &name {
            Some(name) => format!("la colonne « {} » de {file_context}", name.get_ref()),
            None => format!("la colonne n° {number} de {file_context}"),
        };
        self.check_keys(table, &COLUMN_KEYS, &context);
        let kind = self.text(table, "type", &context, at, true).and_then(|kind| {
            let parsed = ColumnType::from_name(kind.get_ref());
            if parsed.is_none() {
                self.push(
                    kind.span().start,
                    format!("type inconnu « {} » ; types acceptés : {}", kind.get_ref(), ColumnType::NAMES.join(", ")),
                );
            }
            parsed
        });
        let unit = self.text(table, "unit", &context, at, false);
        if let Some(unit) = &unit
            && unit.get_ref().trim().is_empty()
        {
            self.push(unit.span().start, "« unit » est vide : retirez la clé si la colonne n'a pas d'unité");
        }
        let description = self.filled(table, "description", &context, at);
        // When `nullable` is missing or wrong (already reported), empty values are not reported too.
        let nullable = self.boolean(table, "nullable", &context, at).unwrap_or(true);
        Column {
            name: name.map(Spanned::into_inner).unwrap_or_default(),
            kind,
            unit: unit.map(Spanned::into_inner),
            description,
            nullable,
        }
    }
}

/// The French name of a TOML value's type, for messages.
fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "une chaîne",
        DeValue::Integer(_) => "un entier",
        DeValue::Float(_) => "un nombre décimal",
        DeValue::Boolean(_) => "un booléen",
        DeValue::Datetime(_) => "une date",
        DeValue::Array(_) => "une liste",
        DeValue::Table(_) => "une table",
    }
}

/// An SPDX license expression, checked for its shape: identifiers (`CC-BY-4.0`,
/// `LicenseRef-…`) joined by `AND`, `OR` or `WITH`, with optional parentheses.
fn is_spdx_expression(text: &str) -> bool {
    let spaced = text.replace('(', " ( ").replace(')', " ) ");
    let mut expect_identifier = true;
    let mut depth = 0i32;
    for token in spaced.split_whitespace() {
        match token {
            "(" if expect_identifier => depth += 1,
            ")" if !expect_identifier => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            "AND" | "OR" | "WITH" if !expect_identifier => expect_identifier = true,
            identifier if expect_identifier => {
                let identifier = identifier.strip_suffix('+').unwrap_or(identifier);
                if identifier.is_empty()
                    || !identifier.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '.')
                {
                    return false;
                }
                expect_identifier = false;
            }
            _ => return false,
        }
    }
    !expect_identifier && depth == 0
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.chars().all(|ch| ch.is_ascii_digit() || ('a'..='f').contains(&ch))
}

/// A relative path that stays inside its folder.
fn is_relative_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path).components().all(|component| matches!(component, Component::Normal(_)))
}

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if !text.is_ascii() || bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: Range<usize>| {
        let digits = &text[range];
        if digits.bytes().all(|byte| byte.is_ascii_digit()) { digits.parse::<u32>().ok() } else { None }
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else { return false };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

// ---------------------------------------------------------------------------------------------
// Checking the datasets of a repository.

/// Checks every dataset folder under `root/datasets/`, with `root` the repository root.
pub fn check(root: &Path) -> Report {
    let mut report = Report::default();
    let names = match dataset_names(root) {
        Ok(names) => names,
        Err(err) => {
            report.problems.push(Problem { file: "datasets".to_owned(), line: None, message: err });
            return report;
        }
    };
    let mut manifests = Vec::new();
    for name in &names {
        let file = format!("datasets/{name}/{MANIFEST}");
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            report.problems.push(Problem {
                file,
                line: None,
                message: "manifeste absent : chaque jeu de données décrit sa source, sa licence et ses fichiers (voir datasets/README.md)"
                    .to_owned(),
            });
            continue;
        };
        let (manifest, problems) = parse_manifest(&text, &file);
        report.problems.extend(problems);
        if let Some(manifest) = manifest {
            check_dataset(root, name, &manifest, &mut report.problems);
            manifests.push((name.clone(), manifest));
        }
    }
    // Datasheets describe their dataset; they do not count as a use of it.
    let datasheets: BTreeSet<String> =
        manifests.iter().filter_map(|(_, manifest)| Some(manifest.dataset.datasheet.as_ref()?.value.clone())).collect();
    let corpus = course_texts(root, &datasheets);
    for (name, manifest) in &manifests {
        let mut needles = vec![format!("datasets/{name}")];
        needles.extend(manifest.files.iter().filter_map(|file| {
            let path = file.path.as_deref()?;
            Some(Path::new(path).file_name()?.to_string_lossy().into_owned())
        }));
        if !corpus.iter().any(|text| needles.iter().any(|needle| mentions(text, needle))) {
            report.problems.push(Problem {
                file: format!("datasets/{name}/{MANIFEST}"),
                line: None,
                message: format!(
                    "jeu utilisé par aucun laboratoire ni chapitre : ni « datasets/{name} » ni le nom d'un de ses fichiers n'apparaît sous labs/ ou book/src/ (fiches descriptives non comprises)"
                ),
            });
        }
    }
    report.datasets = names;
    report
}

/// The dataset folders, sorted.
fn dataset_names(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("datasets");
    let entries = std::fs::read_dir(&dir).map_err(|err| format!("dossier illisible ({err})"))?;
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// Everything a dataset's manifest says about its folder and the book.
fn check_dataset(root: &Path, name: &str, manifest: &Manifest, problems: &mut Vec<Problem>) {
    let manifest_file = format!("datasets/{name}/{MANIFEST}");
    let dir = root.join("datasets").join(name);
    let at_manifest = |line: usize, message: String| Problem { file: manifest_file.clone(), line: Some(line), message };
    let info = &manifest.dataset;
    if let Some(Located { value: datasheet, line }) = &info.datasheet {
        let line = *line;
        let page = datasheet.strip_prefix("book/src/");
        match page {
            Some(page) if is_relative_inside(page) => {
                match std::fs::read_to_string(root.join(datasheet)) {
                    Err(_) => problems.push(at_manifest(line, format!("fiche descriptive absente : {datasheet}"))),
                    Ok(text) => {
                        if info.synthetic && !text.to_lowercase().contains("synthétique") {
                            problems.push(Problem {
                                file: datasheet.clone(),
                                line: None,
                                message: format!(
                                    "la fiche de « {name} » doit dire clairement que les données sont synthétiques (le mot « synthétique » n'y figure pas)"
                                ),
                            });
                        }
                    }
                }
                let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap_or_default();
                if !summary.contains(&format!("]({page})")) {
                    problems.push(at_manifest(
                        line,
                        format!(
                        "la fiche {datasheet} n'est pas au sommaire du livre (book/src/SUMMARY.md, lien « ]({page}) »)"
                    ),
                    ));
                }
            }
            _ => problems.push(at_manifest(
                line,
                format!(
                "« datasheet » doit être une page du livre sous book/src/, chemin depuis la racine du dépôt ; trouvé : « {datasheet} »"
            ),
            )),
        }
    }
    let mut declared: BTreeSet<String> = [MANIFEST.to_owned(), "README.md".to_owned()].into();
    if let Some(Located { value: generator, line }) = &info.generator
        && is_relative_inside(generator)
    {
        declared.insert(generator.clone());
        if !dir.join(generator).is_file() {
            problems.push(at_manifest(*line, format!("générateur absent : datasets/{name}/{generator}")));
        }
    }
    for file in &manifest.files {
        let Some(path) = file.path.as_deref().filter(|path| is_relative_inside(path)) else { continue };
        declared.insert(path.to_owned());
        let data_file = format!("datasets/{name}/{path}");
        let Ok(bytes) = std::fs::read(dir.join(path)) else {
            problems.push(Problem {
                file: manifest_file.clone(),
                line: Some(file.line),
                message: format!("fichier déclaré absent : {data_file}"),
            });
            continue;
        };
        let actual = sha256_hex(&bytes);
        if let Some(expected) = &file.sha256
            && is_sha256(expected.get_ref())
            && *expected.get_ref() != actual
        {
            problems.push(Problem {
                file: data_file.clone(),
                line: None,
                message: format!(
                    "somme sha256 {actual}, {MANIFEST} (entrée ligne {}) déclare {} ; fichier modifié ? S'il a été régénéré exprès : cargo xtask datasets check --fix-checksums",
                    file.line,
                    expected.get_ref()
                ),
            });
        }
        match file.format {
            Some(Format::Csv) => check_csv(&bytes, &data_file, file, problems),
            Some(Format::Toml) => check_toml(&bytes, &data_file, problems),
            None => {}
        }
    }
    let mut present = Vec::new();
    list_files(&dir, Path::new(""), &mut present);
    for path in present {
        if !declared.contains(&path) {
            problems.push(Problem {
                file: format!("datasets/{name}/{path}"),
                line: None,
                message: format!(
                    "fichier non déclaré dans {MANIFEST} (ni somme de contrôle ni schéma) : déclarez-le dans [[files]] ou retirez-le"
                ),
            });
        }
    }
}

/// Files under `dir`, as `/`-joined paths relative to it; hidden entries and caches skipped.
fn list_files(dir: &Path, prefix: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir.join(prefix)) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if name_text.starts_with('.') || name_text == "__pycache__" {
            continue;
        }
        let relative = prefix.join(&name);
        if entry.path().is_dir() {
            list_files(dir, &relative, out);
        } else {
            let parts: Vec<String> =
                relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(parts.join("/"));
        }
    }
}

/// Lowercase hexadecimal SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn check_toml(bytes: &[u8], data_file: &str, problems: &mut Vec<Problem>) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        problems.push(Problem { file: data_file.to_owned(), line: None, message: "n'est pas en UTF-8".to_owned() });
        return;
    };
    if let Err(err) = DeTable::parse(text) {
        let line = err.span().map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        problems.push(Problem {
            file: data_file.to_owned(),
            line,
            message: format!("TOML invalide : {}", err.message().trim()),
        });
    }
}

fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(bytes)
}

/// The number of data rows of a CSV file (records after the header line).
pub fn count_csv_rows(bytes: &[u8]) -> u64 {
    let mut reader = csv_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        rows += 1;
    }
    rows
}

fn quoted_list(names: &[&str]) -> String {
    names.iter().map(|name| format!("« {name} »")).collect::<Vec<_>>().join(", ")
}

/// A value as quoted in a message: long ones are cut.
fn excerpt(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(MAX).collect::<String>())
    }
}

fn check_csv(bytes: &[u8], data_file: &str, declared: &DataFile, problems: &mut Vec<Problem>) {
    let problem = |line: Option<usize>, message: String| Problem { file: data_file.to_owned(), line, message };
    let mut reader = csv_reader(bytes);
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(err) => {
            problems.push(problem(Some(1), format!("en-tête illisible : {err}")));
            return;
        }
    };
    let found: Vec<&str> = header.iter().collect();
    let expected: Vec<&str> = declared.columns.iter().map(|column| column.name.as_str()).collect();
    // Values are checked against their declared column only when the header matches; otherwise
    // every value of a shifted column would be reported too.
    let header_matches = found == expected;
    if !header_matches && !declared.columns.is_empty() {
        problems.push(problem(
            Some(1),
            format!(
                "l'en-tête ne correspond pas aux colonnes déclarées (même ordre attendu) : trouvé {} ; déclaré {}",
                quoted_list(&found),
                quoted_list(&expected)
            ),
        ));
    }
    let mut invalid = vec![0usize; declared.columns.len()];
    let mut rows: i64 = 0;
    for result in reader.records() {
        rows += 1;
        let record = match result {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(|position| position.line() as usize);
                problems.push(problem(line, format!("ligne illisible : {err}")));
                continue;
            }
        };
        let line = record.position().map(|position| position.line() as usize);
        if record.len() != header.len() {
            problems.push(problem(line, format!("{} champ(s), l'en-tête en compte {}", record.len(), header.len())));
            continue;
        }
        if !header_matches {
            continue;
        }
        for (idx, (value, column)) in record.iter().zip(&declared.columns).enumerate() {
            let message = if value.is_empty() {
                (!column.nullable).then(|| {
                    format!(
                        "colonne « {} » : valeur vide, or la colonne n'admet pas de vide (nullable = false)",
                        column.name
                    )
                })
            } else {
                column.kind.filter(|kind| !kind.accepts(value)).map(|kind| {
                    format!("colonne « {} » : « {} » n'est pas {}", column.name, excerpt(value), kind.expected())
                })
            };
            if let Some(message) = message {
                invalid[idx] += 1;
                if invalid[idx] <= MAX_VALUES_PER_COLUMN {
                    problems.push(problem(line, message));
                }
            }
        }
    }
    for (count, column) in invalid.iter().zip(&declared.columns) {
        if *count > MAX_VALUES_PER_COLUMN {
            problems.push(problem(
                None,
                format!(
                    "colonne « {} » : {} autre(s) valeur(s) invalide(s) non détaillée(s)",
                    column.name,
                    count - MAX_VALUES_PER_COLUMN
                ),
            ));
        }
    }
    if let Some(expected_rows) = &declared.rows
        && *expected_rows.get_ref() != rows
    {
        problems.push(problem(
            None,
            format!(
                "{rows} ligne(s) de données (en-tête non compris), {MANIFEST} (entrée ligne {}) en déclare rows = {}",
                declared.line,
                expected_rows.get_ref()
            ),
        ));
    }
}

/// Texts of the labs and the book, where a dataset's use shows; the datasheets are left out.
fn course_texts(root: &Path, datasheets: &BTreeSet<String>) -> Vec<String> {
    let mut texts = Vec::new();
    for folder in ["labs", "book/src"] {
        let mut files = Vec::new();
        list_files(&root.join(folder), Path::new(""), &mut files);
        for file in files {
            let path = format!("{folder}/{file}");
            if datasheets.contains(&path) {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(root.join(&path)) {
                texts.push(text);
            }
        }
    }
    texts
}

/// Whether `needle` appears in `text` as a whole name: not inside a longer name.
fn mentions(text: &str, needle: &str) -> bool {
    let is_name_char = |ch: char| ch.is_alphanumeric() || ch == '_' || ch == '-';
    text.match_indices(needle).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + needle.len()..].chars().next();
        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
    })
}

// ---------------------------------------------------------------------------------------------
// Rewriting checksums and row counts.

/// Rewrites in every manifest the `sha256` and `rows` values that differ from the files, keeping
/// the rest of the manifest as written. Keys must exist (`sha256 = ""`, `rows = 0` for a new file).
pub fn fix_checksums(root: &Path) -> Fix {
    let mut fix = Fix::default();
    let names = match dataset_names(root) {
        Ok(names) => names,
        Err(err) => {
            fix.problems.push(Problem { file: "datasets".to_owned(), line: None, message: err });
            return fix;
        }
    };
    for name in names {
        let file = format!("datasets/{name}/{MANIFEST}");
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else { continue };
        let (Some(manifest), _) = parse_manifest(&text, &file) else { continue };
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for entry in &manifest.files {
            let Some(path) = entry.path.as_deref().filter(|path| is_relative_inside(path)) else { continue };
            let Ok(bytes) = std::fs::read(root.join("datasets").join(&name).join(path)) else { continue };
            let actual = sha256_hex(&bytes);
            match &entry.sha256 {
                Some(declared) if *declared.get_ref() != actual => {
                    edits.push((declared.span(), format!("\"{actual}\"")));
                    fix.changes.push(format!("datasets/{name}/{path} : sha256 = {actual}"));
                }
                Some(_) => {}
                None => fix.problems.push(Problem {
                    file: file.clone(),
                    line: Some(entry.line),
                    message: format!(
                        "clé sha256 absente pour {path} : écrivez sha256 = \"\" pour qu'elle soit remplie"
                    ),
                }),
            }
            if entry.format != Some(Format::Csv) {
                continue;
            }
            let rows = count_csv_rows(&bytes);
            match &entry.rows {
                Some(declared) if u64::try_from(*declared.get_ref()).ok() != Some(rows) => {
                    edits.push((declared.span(), rows.to_string()));
                    fix.changes.push(format!("datasets/{name}/{path} : rows = {rows}"));
                }
                Some(_) => {}
                None => fix.problems.push(Problem {
                    file: file.clone(),
                    line: Some(entry.line),
                    message: format!("clé rows absente pour {path} : écrivez rows = 0 pour qu'elle soit remplie"),
                }),
            }
        }
        if edits.is_empty() {
            continue;
        }
        let mut updated = text.clone();
        edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
        for (span, replacement) in edits {
            updated.replace_range(span, &replacement);
        }
        if let Err(err) = std::fs::write(root.join(&file), updated) {
            fix.problems.push(Problem { file, line: None, message: format!("écriture impossible ({err})") });
        }
    }
    fix
}
