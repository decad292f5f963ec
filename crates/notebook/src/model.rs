//! The `.ipynb` model: reading with structural checks, typed accessors, and writing back
//! byte for byte when nothing changed, as nbformat would otherwise.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::json::to_nbformat_text;
use crate::problem::{Problem, Rule, list_problems};
use crate::python::splitlines_keepends;

/// The only major nbformat version this crate reads.
pub const NBFORMAT: u64 = 4;
/// The newest minor version of nbformat 4 this crate reads (4.5, with cell ids).
pub const NBFORMAT_MINOR_MAX: u64 = 5;

/// A Jupyter notebook (nbformat 4.0 to 4.5).
///
/// Every key is kept, known or not. [`Notebook::to_json`] gives back the exact text that was
/// read while the notebook is unchanged, and nbformat's own serialisation once it is changed.
#[derive(Debug, Clone)]
pub struct Notebook {
    /// Major format version; always 4 for a notebook this crate read.
    pub nbformat: u64,
    /// Minor format version, 0 to 5.
    pub nbformat_minor: u64,
    /// Notebook metadata (`kernelspec`, `language_info`, `socle`, anything else), as read.
    pub metadata: Map<String, Value>,
    /// The cells, in order.
    pub cells: Vec<Cell>,
    /// Top-level keys other than the four above, as read.
    pub other: Map<String, Value>,
    /// The text this notebook was read from and the value it parsed to, to write it back
    /// unchanged while the model still equals it.
    original: Option<Original>,
}

#[derive(Debug, Clone)]
struct Original {
    text: String,
    value: Value,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Its type.
    pub cell_type: CellType,
    /// Its id (nbformat 4.5), when it has one.
    pub id: Option<String>,
    /// Cell metadata (`nbgrader`, `socle`, anything else), as read.
    pub metadata: Map<String, Value>,
    /// Its source, in the form it was read in.
    pub source: Source,
    /// Its outputs (code cells), or `None` when the key is absent.
    pub outputs: Option<Vec<Output>>,
    /// Other keys (`execution_count`, `attachments`, unknown ones), as read.
    pub other: Map<String, Value>,
}

/// The three cell types of nbformat 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellType {
    /// `code`.
    Code,
    /// `markdown`.
    Markdown,
    /// `raw`.
    Raw,
}

impl CellType {
    /// The name nbformat uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CellType::Code => "code",
            CellType::Markdown => "markdown",
            CellType::Raw => "raw",
        }
    }

    /// Reads nbformat's name of a cell type.
    pub fn from_name(name: &str) -> Option<CellType> {
        match name {
            "code" => Some(CellType::Code),
            "markdown" => Some(CellType::Markdown),
            "raw" => Some(CellType::Raw),
            _ => None,
        }
    }
}

/// A cell's source: nbformat allows one string or a list of lines; the form read is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One string.
    Text(String),
    /// A list of strings, each normally one line with its ending, as nbformat writes them.
    Lines(Vec<String>),
}

impl Source {
    /// A source in nbformat's written form: the text split with Python's `splitlines(True)`.
    pub fn lines_of(text: &str) -> Source {
        Source::Lines(splitlines_keepends(text))
    }

    /// The whole source as one string (lines joined as they are, like nbformat's reader).
    pub fn text(&self) -> String {
        match self {
            Source::Text(text) => text.clone(),
            Source::Lines(lines) => lines.concat(),
        }
    }

    /// Replaces the text, keeping the form: a list of lines is split again as nbformat does.
    pub fn replace_text(&mut self, text: &str) {
        *self = match self {
            Source::Text(_) => Source::Text(text.to_owned()),
            Source::Lines(_) => Source::lines_of(text),
        };
    }

    fn to_value(&self) -> Value {
        match self {
            Source::Text(text) => Value::String(text.clone()),
            Source::Lines(lines) => Value::Array(lines.iter().cloned().map(Value::String).collect()),
        }
    }
}

/// One output of a code cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// `stream`, `display_data`, `execute_result` or `error` (others are kept as read).
    pub output_type: String,
    /// Its other keys, as read.
    pub fields: Map<String, Value>,
}

impl Output {
    /// The stream's name (`stdout`, `stderr`) for a `stream` output.
    pub fn stream_name(&self) -> Option<&str> {
        self.fields.get("name").and_then(Value::as_str)
    }

    /// The text of a `stream` output, lines joined.
    pub fn text(&self) -> Option<String> {
        multiline(self.fields.get("text")?)
    }

    /// The MIME bundle of a `display_data` or `execute_result` output.
    pub fn data(&self) -> Option<&Map<String, Value>> {
        self.fields.get("data").and_then(Value::as_object)
    }

    /// One MIME type's text from the bundle (`text/plain`, `text/html`…), lines joined.
    pub fn data_text(&self, mime_type: &str) -> Option<String> {
        multiline(self.data()?.get(mime_type)?)
    }

    /// The exception's name of an `error` output.
    pub fn ename(&self) -> Option<&str> {
        self.fields.get("ename").and_then(Value::as_str)
    }

    /// The exception's value of an `error` output.
    pub fn evalue(&self) -> Option<&str> {
        self.fields.get("evalue").and_then(Value::as_str)
    }

    /// The traceback lines of an `error` output.
    pub fn traceback(&self) -> Vec<&str> {
        match self.fields.get("traceback") {
            Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    fn to_value(&self) -> Value {
        let mut map = self.fields.clone();
        map.insert("output_type".to_owned(), Value::String(self.output_type.clone()));
        Value::Object(map)
    }
}

/// A string, or a list of strings joined, as nbformat stores multi-line text.
fn multiline(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => {
            parts.iter().map(|part| part.as_str()).collect::<Option<Vec<_>>>().map(|parts| parts.concat())
        }
        _ => None,
    }
}

/// `metadata.kernelspec`: which kernel runs the notebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kernelspec {
    /// Kernel name (`python3`, `rust`).
    pub name: String,
    /// Name shown to users.
    pub display_name: Option<String>,
    /// Programming language (`python`, `rust`).
    pub language: Option<String>,
}

/// `metadata.language_info`: what the kernel said about its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageInfo {
    /// Language name (`python`, `Rust`).
    pub name: String,
    /// Language version.
    pub version: Option<String>,
    /// File extension of source files, with its dot.
    pub file_extension: Option<String>,
    /// MIME type of source files.
    pub mimetype: Option<String>,
}

impl Cell {
    /// A new cell without id, metadata or outputs, its source in nbformat's list-of-lines form.
    /// Code cells get empty outputs and a null `execution_count`, as nbformat requires.
    pub fn new(cell_type: CellType, source: &str) -> Cell {
        let mut other = Map::new();
        let outputs = match cell_type {
            CellType::Code => {
                other.insert("execution_count".to_owned(), Value::Null);
                Some(Vec::new())
            }
            CellType::Markdown | CellType::Raw => None,
        };
        Cell { cell_type, id: None, metadata: Map::new(), source: Source::lines_of(source), outputs, other }
    }

    /// The source as one string.
    pub fn source_text(&self) -> String {
        self.source.text()
    }

    /// `execution_count` of a code cell that ran.
    pub fn execution_count(&self) -> Option<u64> {
        self.other.get("execution_count").and_then(Value::as_u64)
    }

    /// The outputs, empty when there are none.
    pub fn outputs(&self) -> &[Output] {
        self.outputs.as_deref().unwrap_or_default()
    }

    /// The cell as nbformat JSON.
    pub fn to_value(&self) -> Value {
        let mut map = self.other.clone();
        map.insert("cell_type".to_owned(), Value::String(self.cell_type.as_str().to_owned()));
        if let Some(id) = &self.id {
            map.insert("id".to_owned(), Value::String(id.clone()));
        }
        map.insert("metadata".to_owned(), Value::Object(self.metadata.clone()));
        map.insert("source".to_owned(), self.source.to_value());
        if let Some(outputs) = &self.outputs {
            map.insert("outputs".to_owned(), Value::Array(outputs.iter().map(Output::to_value).collect()));
        }
        Value::Object(map)
    }
}

/// Why a notebook could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("impossible de lire {path} : {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The bytes are not UTF-8.
    #[error("le notebook n'est pas du texte UTF-8 valide (octet {offset}) : un .ipynb est du JSON en UTF-8")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The text is not JSON.
    #[error("JSON invalide à la ligne {line}, colonne {column} : {message}")]
    Json {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// What is wrong, in French, with serde_json's own words in parentheses.
        message: String,
    },
    /// The JSON is not an nbformat 4 notebook.
    #[error("{} problème(s) dans la structure du notebook :\n{}", .0.len(), list_problems(.0))]
    Invalid(Vec<Problem>),
}

/// Why a notebook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("impossible d'écrire {path} : {source}")]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// The underlying error.
    pub source: std::io::Error,
}

impl Notebook {
    /// An empty nbformat 4.5 notebook.
    pub fn new() -> Notebook {
        Notebook {
            nbformat: NBFORMAT,
            nbformat_minor: NBFORMAT_MINOR_MAX,
            metadata: Map::new(),
            cells: Vec::new(),
            other: Map::new(),
            original: None,
        }
    }

    /// Reads a notebook file.
    pub fn read(path: &Path) -> Result<Notebook, ReadError> {
        let bytes = std::fs::read(path).map_err(|source| ReadError::Io { path: path.to_owned(), source })?;
        Notebook::from_bytes(&bytes)
    }

    /// Reads a notebook from bytes, which must be UTF-8.
    pub fn from_bytes(bytes: &[u8]) -> Result<Notebook, ReadError> {
        let text = std::str::from_utf8(bytes).map_err(|err| ReadError::NotUtf8 { offset: err.valid_up_to() })?;
        Notebook::parse(text)
    }

    /// Reads a notebook from its JSON text, reporting every structural problem at once.
    pub fn parse(text: &str) -> Result<Notebook, ReadError> {
        if text.starts_with('\u{feff}') {
            return Err(ReadError::Json {
                line: 1,
                column: 1,
                message: "le texte commence par une marque d'ordre d'octets (BOM) ; nbformat la refuse aussi : \
                          enregistrez le fichier en UTF-8 sans BOM"
                    .to_owned(),
            });
        }
        let value: Value = serde_json::from_str(text).map_err(json_error)?;
        let mut notebook = Notebook::from_value(&value).map_err(ReadError::Invalid)?;
        notebook.original = Some(Original { text: text.to_owned(), value });
        Ok(notebook)
    }

    /// Builds a notebook from parsed JSON, reporting every structural problem at once.
    pub fn from_value(value: &Value) -> Result<Notebook, Vec<Problem>> {
        let mut problems = Vec::new();
        let Some(top) = value.as_object() else {
            let found = type_name(value);
            return Err(vec![Problem::notebook(
                Rule::Structure,
                format!(
                    "le JSON est {found} ; un notebook est un objet JSON ({{\"cells\": […], \"metadata\": {{…}}, …}})"
                ),
            )]);
        };
        let Some((nbformat, nbformat_minor)) = read_version(top, &mut problems) else {
            // Other versions have another structure: saying more would only add noise.
            return Err(problems);
        };
        let metadata = match top.get("metadata") {
            Some(Value::Object(map)) => map.clone(),
            Some(other) => {
                problems.push(wrong_type(None, "metadata", other, "un objet"));
                Map::new()
            }
            None => {
                problems
                    .push(Problem::notebook(Rule::Structure, "la clé `metadata` manque ; attendu un objet, même vide"));
                Map::new()
            }
        };
        check_notebook_metadata(&metadata, &mut problems);
        let cells = match top.get("cells") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(cell_idx, item)| read_cell(cell_idx, item, &mut problems))
                .collect(),
            Some(other) => {
                problems.push(wrong_type(None, "cells", other, "une liste de cellules"));
                Vec::new()
            }
            None => {
                problems
                    .push(Problem::notebook(Rule::Structure, "la clé `cells` manque ; attendu une liste de cellules"));
                Vec::new()
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let other = top
            .iter()
            .filter(|(key, _)| !matches!(key.as_str(), "nbformat" | "nbformat_minor" | "metadata" | "cells"))
            .map(|(key, item)| (key.clone(), item.clone()))
            .collect();
        Ok(Notebook { nbformat, nbformat_minor, metadata, cells, other, original: None })
    }

    /// The notebook as nbformat JSON.
    pub fn to_value(&self) -> Value {
        let mut map = self.other.clone();
        map.insert("nbformat".to_owned(), Value::from(self.nbformat));
        map.insert("nbformat_minor".to_owned(), Value::from(self.nbformat_minor));
        map.insert("metadata".to_owned(), Value::Object(self.metadata.clone()));
        map.insert("cells".to_owned(), Value::Array(self.cells.iter().map(Cell::to_value).collect()));
        Value::Object(map)
    }

    /// Whether the notebook differs from the text it was read from (always true for a notebook
    /// built in memory).
    pub fn is_modified(&self) -> bool {
        match &self.original {
            Some(original) => self.to_value() != original.value,
            None => true,
        }
    }

    /// The notebook's JSON text: the exact text read while unchanged, else
    /// [`Notebook::to_nbformat_json`].
    pub fn to_json(&self) -> String {
        match &self.original {
            Some(original) if self.to_value() == original.value => original.text.clone(),
            _ => self.to_nbformat_json(),
        }
    }

    /// The notebook serialised as `nbformat.write` does: transient metadata dropped
    /// (`signature`, `orig_nbformat`, `orig_nbformat_minor`, cells' `trusted`), keys sorted,
    /// indent of one space, non-ASCII characters kept, Python's number formatting, one final
    /// newline. Unlike nbformat, multi-line strings keep the form they had (one string or a
    /// list of lines); new cells use nbformat's list form.
    pub fn to_nbformat_json(&self) -> String {
        let mut value = self.to_value();
        strip_transient(&mut value);
        to_nbformat_text(&value)
    }

    /// Writes the notebook to a file ([`Notebook::to_json`]).
    pub fn write(&self, path: &Path) -> Result<(), WriteError> {
        std::fs::write(path, self.to_json()).map_err(|source| WriteError { path: path.to_owned(), source })
    }

    /// `metadata.kernelspec`, when it has a string `name`.
    pub fn kernelspec(&self) -> Option<Kernelspec> {
        let spec = self.metadata.get("kernelspec")?.as_object()?;
        Some(Kernelspec {
            name: spec.get("name")?.as_str()?.to_owned(),
            display_name: string_field(spec, "display_name"),
            language: string_field(spec, "language"),
        })
    }

    /// `metadata.language_info`, when it has a string `name`.
    pub fn language_info(&self) -> Option<LanguageInfo> {
        let info = self.metadata.get("language_info")?.as_object()?;
        Some(LanguageInfo {
            name: info.get("name")?.as_str()?.to_owned(),
            version: string_field(info, "version"),
            file_extension: string_field(info, "file_extension"),
            mimetype: string_field(info, "mimetype"),
        })
    }

    /// The notebook's language as nbgrader decides it: `kernelspec.language`, else `python`.
    pub fn language(&self) -> String {
        let language = self.metadata.get("kernelspec").and_then(|spec| spec.get("language")).and_then(Value::as_str);
        language.unwrap_or("python").to_owned()
    }
}

impl Default for Notebook {
    fn default() -> Notebook {
        Notebook::new()
    }
}

fn string_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn strip_transient(value: &mut Value) {
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in ["orig_nbformat", "orig_nbformat_minor", "signature"] {
            metadata.shift_remove(key);
        }
    }
    if let Some(cells) = value.get_mut("cells").and_then(Value::as_array_mut) {
        for cell in cells {
            if let Some(metadata) = cell.get_mut("metadata").and_then(Value::as_object_mut) {
                metadata.shift_remove("trusted");
            }
        }
    }
}

fn json_error(err: serde_json::Error) -> ReadError {
    let what = match err.classify() {
        serde_json::error::Category::Eof => "le texte s'arrête avant la fin du JSON : fichier tronqué ?",
        serde_json::error::Category::Io => "erreur de lecture",
        serde_json::error::Category::Syntax | serde_json::error::Category::Data => {
            "syntaxe JSON invalide ; NaN, Infinity, les commentaires et les virgules finales ne sont pas du JSON"
        }
    };
    // serde_json's message ends with the position, which the error already gives.
    let detail = err.to_string();
    let detail = detail.rsplit_once(" at line ").map_or(detail.as_str(), |(detail, _)| detail).to_owned();
    ReadError::Json { line: err.line(), column: err.column(), message: format!("{what} (serde_json : {detail})") }
}

/// A French name for a JSON value's type, to say what was found.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "un booléen",
        Value::Number(_) => "un nombre",
        Value::String(_) => "une chaîne",
        Value::Array(_) => "une liste",
        Value::Object(_) => "un objet",
    }
}

fn wrong_type(cell_idx: Option<usize>, key: &str, found: &Value, expected: &str) -> Problem {
    let message = format!("`{key}` est {} ; attendu {expected}", type_name(found));
    match cell_idx {
        Some(cell_idx) => Problem::cell(cell_idx, None, Rule::Structure, message),
        None => Problem::notebook(Rule::Structure, message),
    }
}

fn read_version(top: &Map<String, Value>, problems: &mut Vec<Problem>) -> Option<(u64, u64)> {
    let accepted = "accepté : nbformat 4, mineure 0 à 5 (4.0 à 4.5)";
    let major = match top.get("nbformat") {
        Some(Value::Number(number)) if number.as_u64() == Some(NBFORMAT) => NBFORMAT,
        Some(Value::Number(number)) if number.as_u64().is_some_and(|major| major < NBFORMAT) => {
            problems.push(Problem::notebook(
                Rule::Structure,
                format!(
                    "format nbformat {number} trop ancien ; {accepted} : ouvrez-le puis enregistrez-le avec \
                     Jupyter, ou lancez `jupyter nbconvert --to notebook --inplace`"
                ),
            ));
            return None;
        }
        Some(Value::Number(number)) => {
            problems.push(Problem::notebook(Rule::Structure, format!("format nbformat {number} inconnu ; {accepted}")));
            return None;
        }
        Some(other) => {
            problems.push(wrong_type(None, "nbformat", other, "l'entier 4"));
            return None;
        }
        None => {
            let hint = if top.contains_key("worksheets") {
                " (ce fichier a des `worksheets` : c'est un nbformat 3)"
            } else {
                ""
            };
            problems.push(Problem::notebook(Rule::Structure, format!("la clé `nbformat` manque{hint} ; {accepted}")));
            return None;
        }
    };
    let minor = match top.get("nbformat_minor") {
        Some(Value::Number(number)) => match number.as_u64() {
            Some(minor) if minor <= NBFORMAT_MINOR_MAX => minor,
            _ => {
                problems.push(Problem::notebook(
                    Rule::Structure,
                    format!("version mineure `nbformat_minor` {number} ; {accepted}"),
                ));
                return None;
            }
        },
        Some(other) => {
            problems.push(wrong_type(None, "nbformat_minor", other, "un entier de 0 à 5"));
            return None;
        }
        None => {
            problems.push(Problem::notebook(Rule::Structure, format!("la clé `nbformat_minor` manque ; {accepted}")));
            return None;
        }
    };
    Some((major, minor))
}

fn check_notebook_metadata(metadata: &Map<String, Value>, problems: &mut Vec<Problem>) {
    let checks: [(&str, &[&str], &[&str]); 2] = [
        ("kernelspec", &["name"], &["name", "display_name", "language"]),
        ("language_info", &["name"], &["name", "version", "file_extension", "mimetype"]),
    ];
    for (key, required, strings) in checks {
        let Some(value) = metadata.get(key) else { continue };
        let Some(map) = value.as_object() else {
            problems.push(wrong_type(None, &format!("metadata.{key}"), value, "un objet"));
            continue;
        };
        for field in required {
            if !map.contains_key(*field) {
                problems.push(Problem::notebook(
                    Rule::Structure,
                    format!("`metadata.{key}.{field}` manque ; attendu une chaîne"),
                ));
            }
        }
        for field in strings {
            if let Some(found) = map.get(*field).filter(|found| !found.is_string()) {
                problems.push(wrong_type(None, &format!("metadata.{key}.{field}"), found, "une chaîne"));
            }
        }
    }
}

fn read_cell(cell_idx: usize, item: &Value, problems: &mut Vec<Problem>) -> Option<Cell> {
    let Some(map) = item.as_object() else {
        problems.push(Problem::cell(
            cell_idx,
            None,
            Rule::Structure,
            format!("la cellule est {} ; attendu un objet avec `cell_type`, `metadata` et `source`", type_name(item)),
        ));
        return None;
    };
    let n_problems = problems.len();
    let cell_type = match map.get("cell_type") {
        Some(Value::String(name)) => match CellType::from_name(name) {
            Some(cell_type) => Some(cell_type),
            None => {
                let hint = if name == "heading" { " (les cellules `heading` sont du nbformat 3)" } else { "" };
                problems.push(Problem::cell(
                    cell_idx,
                    None,
                    Rule::Structure,
                    format!("type de cellule « {name} » inconnu{hint} ; acceptés : code, markdown, raw"),
                ));
                None
            }
        },
        Some(other) => {
            problems.push(wrong_type(Some(cell_idx), "cell_type", other, "« code », « markdown » ou « raw »"));
            None
        }
        None => {
            problems.push(Problem::cell(
                cell_idx,
                None,
                Rule::Structure,
                "la clé `cell_type` manque ; acceptés : code, markdown, raw",
            ));
            None
        }
    };
    let metadata = match map.get("metadata") {
        Some(Value::Object(metadata)) => Some(metadata.clone()),
        Some(other) => {
            problems.push(wrong_type(Some(cell_idx), "metadata", other, "un objet"));
            None
        }
        None => {
            problems.push(Problem::cell(
                cell_idx,
                None,
                Rule::Structure,
                "la clé `metadata` manque ; attendu un objet, même vide",
            ));
            None
        }
    };
    let source = match map.get("source") {
        Some(Value::String(text)) => Some(Source::Text(text.clone())),
        Some(Value::Array(lines)) => {
            match lines.iter().map(|line| line.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>() {
                Some(lines) => Some(Source::Lines(lines)),
                None => {
                    problems.push(Problem::cell(
                    cell_idx,
                    None,
                    Rule::Structure,
                    "`source` est une liste qui contient autre chose que des chaînes ; attendu une chaîne ou une liste de chaînes",
                ));
                    None
                }
            }
        }
        Some(other) => {
            problems.push(wrong_type(Some(cell_idx), "source", other, "une chaîne ou une liste de chaînes"));
            None
        }
        None => {
            problems.push(Problem::cell(
                cell_idx,
                None,
                Rule::Structure,
                "la clé `source` manque ; attendu une chaîne ou une liste de chaînes (vide pour une cellule vide)",
            ));
            None
        }
    };
    let id = match map.get("id") {
        None => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(other) => {
            problems.push(wrong_type(Some(cell_idx), "id", other, "une chaîne"));
            None
        }
    };
    let outputs = match map.get("outputs") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(output_idx, item)| read_output(cell_idx, output_idx, item, problems))
                .collect(),
        ),
        Some(other) => {
            problems.push(wrong_type(Some(cell_idx), "outputs", other, "une liste de sorties"));
            None
        }
    };
    if problems.len() > n_problems {
        return None;
    }
    let other = map
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "cell_type" | "id" | "metadata" | "source" | "outputs"))
        .map(|(key, item)| (key.clone(), item.clone()))
        .collect();
    Some(Cell { cell_type: cell_type?, id, metadata: metadata?, source: source?, outputs, other })
}

fn read_output(cell_idx: usize, output_idx: usize, item: &Value, problems: &mut Vec<Problem>) -> Option<Output> {
    let accepted = "attendu un objet avec `output_type` (stream, display_data, execute_result, error)";
    let Some(map) = item.as_object() else {
        problems.push(Problem::cell(
            cell_idx,
            None,
            Rule::Structure,
            format!("la sortie {output_idx} est {} ; {accepted}", type_name(item)),
        ));
        return None;
    };
    let Some(output_type) = map.get("output_type").and_then(Value::as_str) else {
        problems.push(Problem::cell(
            cell_idx,
            None,
            Rule::Structure,
            format!("la sortie {output_idx} n'a pas de `output_type` textuel ; {accepted}"),
        ));
        return None;
    };
    let fields = map
        .iter()
        .filter(|(key, _)| key.as_str() != "output_type")
        .map(|(key, item)| (key.clone(), item.clone()))
        .collect();
    Some(Output { output_type: output_type.to_owned(), fields })
}
