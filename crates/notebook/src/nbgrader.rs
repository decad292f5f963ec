//! nbgrader's cell metadata (`metadata.nbgrader`, schema version 3): typed reading, nbgrader's
//! validation rules, and its checksum computed bit for bit.
//!
//! The rules follow `nbgrader/nbgraderformat/v3.py` and its JSON schema `v3.json` (what the
//! `CheckCellMetadata` preprocessor runs), the checksum `nbgrader/utils.py::compute_checksum`.
//! nbgrader stops at the first error; here every problem is reported.

use std::collections::HashMap;

use md5::{Digest, Md5};
use serde_json::{Map, Value};

use crate::model::{Cell, CellType, Notebook, type_name};
use crate::problem::{Problem, Rule};
use crate::python::{float_repr, to_float, to_str, truthy};

/// The version of nbgrader's cell metadata schema this crate reads and writes.
pub const SCHEMA_VERSION: u64 = 3;

/// The keys nbgrader's schema accepts in `metadata.nbgrader`.
pub const NBGRADER_KEYS: [&str; 9] =
    ["schema_version", "grade", "locked", "solution", "task", "grade_id", "points", "checksum", "cell_type"];

/// A cell's `metadata.nbgrader` whose keys have the types nbgrader's schema requires.
#[derive(Debug, Clone, PartialEq)]
pub struct NbgraderCell {
    /// Whether the cell is graded (tests, or a manually graded answer).
    pub grade: bool,
    /// Whether the cell holds the student's answer.
    pub solution: bool,
    /// Whether the cell is read-only (nbgrader ignores it on solution cells).
    pub locked: bool,
    /// Whether the cell is a manually graded task (markdown).
    pub task: bool,
    /// Points of a grade or task cell.
    pub points: Option<f64>,
    /// The cell's id in nbgrader's gradebook.
    pub grade_id: Option<String>,
    /// Schema version, always 3 here.
    pub schema_version: u64,
    /// Checksum recorded by `nbgrader generate_assignment` (student versions).
    pub checksum: Option<String>,
    /// Cell type recorded with the checksum.
    pub cell_type: Option<CellType>,
}

/// What a cell is in an assignment, as nbgrader's « Create Assignment » toolbar names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellRole {
    /// « Manually graded answer »: solution and grade.
    ManuallyGradedAnswer,
    /// « Manually graded task »: a markdown task with points.
    ManuallyGradedTask,
    /// « Autograded answer »: solution, not graded by itself.
    AutogradedAnswer,
    /// « Autograder tests »: grade, not solution.
    AutograderTests,
    /// « Read-only ».
    ReadOnly,
}

impl NbgraderCell {
    /// The cell's role, or `None` for a cell nbgrader leaves alone.
    pub fn role(&self) -> Option<CellRole> {
        if self.task {
            Some(CellRole::ManuallyGradedTask)
        } else if self.solution && self.grade {
            Some(CellRole::ManuallyGradedAnswer)
        } else if self.solution {
            Some(CellRole::AutogradedAnswer)
        } else if self.grade {
            Some(CellRole::AutograderTests)
        } else if self.locked {
            Some(CellRole::ReadOnly)
        } else {
            None
        }
    }
}

/// Checks every cell's `metadata.nbgrader` with nbgrader's rules (and socle's few stricter
/// ones, see [`Rule::rejected_by_nbgrader`]). Returns the typed metadata per cell (`None` where
/// absent or of the wrong types) and every problem.
pub fn check_nbgrader(notebook: &Notebook) -> (Vec<Option<NbgraderCell>>, Vec<Problem>) {
    let mut problems = Vec::new();
    let cells: Vec<Option<NbgraderCell>> =
        notebook.cells.iter().enumerate().map(|(cell_idx, cell)| check_cell(cell_idx, cell, &mut problems)).collect();

    // nbgrader's `validate_nb`: grade ids of grade, solution and read-only cells are unique.
    let mut first_use: HashMap<&str, usize> = HashMap::new();
    for (cell_idx, cell) in notebook.cells.iter().enumerate() {
        let Some(meta) = cell.metadata.get("nbgrader").and_then(Value::as_object) else { continue };
        if !(flag(meta, "grade") || flag(meta, "solution") || flag(meta, "locked")) {
            continue;
        }
        let Some(grade_id) = meta.get("grade_id").and_then(Value::as_str) else { continue };
        if let Some(first_idx) = first_use.get(grade_id) {
            problems.push(Problem::cell(
                cell_idx,
                Some(grade_id),
                Rule::DuplicateGradeId,
                format!("grade_id « {grade_id} » déjà utilisé par la cellule d'index {first_idx} ; chaque grade_id doit être unique"),
            ));
        } else {
            first_use.insert(grade_id, cell_idx);
        }
    }
    problems.sort_by_key(|problem| problem.cell_idx);
    (cells, problems)
}

/// Whether an nbgrader flag is set, with Python's truthiness as nbgrader tests it.
fn flag(meta: &Map<String, Value>, key: &str) -> bool {
    meta.get(key).is_some_and(truthy)
}

/// Whether a `grade_id` passes nbgrader's schema pattern `^[a-zA-Z0-9_\-]*$` under Python's
/// `re.search`, where `$` also matches before one final newline.
fn grade_id_pattern_ok(grade_id: &str) -> bool {
    let body = grade_id.strip_suffix('\n').unwrap_or(grade_id);
    body.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
}

fn check_cell(cell_idx: usize, cell: &Cell, problems: &mut Vec<Problem>) -> Option<NbgraderCell> {
    let raw = cell.metadata.get("nbgrader")?;
    let grade_id = raw.get("grade_id").and_then(Value::as_str).filter(|grade_id| !grade_id.is_empty());
    let mut problem = |rule: Rule, message: String| problems.push(Problem::cell(cell_idx, grade_id, rule, message));
    let Some(meta) = raw.as_object() else {
        problem(Rule::NbgraderSchema, format!("`metadata.nbgrader` est {} ; attendu un objet", type_name(raw)));
        return None;
    };
    let mut types_ok = true;

    // nbgrader compares `schema_version` (0 when absent) with 3 before anything else.
    let accepted_version = "accepté : l'entier 3 ; `nbgrader update` met à jour les anciens notebooks";
    match meta.get("schema_version") {
        None => {
            types_ok = false;
            problem(
                Rule::SchemaVersion,
                format!("`schema_version` manque (nbgrader le lit comme 0, trop ancien) ; {accepted_version}"),
            )
        }
        Some(version @ (Value::Bool(_) | Value::Number(_))) => {
            let number = to_float(version).unwrap_or(f64::NAN);
            if number < SCHEMA_VERSION as f64 {
                types_ok = false;
                problem(Rule::SchemaVersion, format!("schéma nbgrader {version} trop ancien ; {accepted_version}"));
            } else if number > SCHEMA_VERSION as f64 {
                types_ok = false;
                problem(Rule::SchemaVersion, format!("schéma nbgrader {version} trop récent ; {accepted_version}"));
            } else if version.as_u64().is_none() {
                types_ok = false;
                problem(
                    Rule::NbgraderSchema,
                    format!("`schema_version` vaut {version}, pas un entier ; {accepted_version}"),
                );
            }
        }
        Some(other) => {
            types_ok = false;
            problem(Rule::SchemaVersion, format!("`schema_version` est {} ; {accepted_version}", type_name(other)))
        }
    }

    // The JSON schema v3.
    for key in meta.keys().filter(|key| !NBGRADER_KEYS.contains(&key.as_str())) {
        types_ok = false;
        problem(
            Rule::NbgraderSchema,
            format!(
                "clé « {key} » inconnue de nbgrader ; acceptées : {} (les données de socle vont dans `metadata.socle`)",
                NBGRADER_KEYS.join(", ")
            ),
        );
    }
    for key in ["grade", "locked", "solution", "task"] {
        match meta.get(key) {
            Some(Value::Bool(_)) => {}
            None if key == "task" => {}
            None => {
                types_ok = false;
                problem(Rule::NbgraderSchema, format!("`{key}` manque ; attendu true ou false"));
            }
            Some(other) => {
                types_ok = false;
                problem(Rule::NbgraderSchema, format!("`{key}` est {} ; attendu true ou false", type_name(other)));
            }
        }
    }
    match meta.get("grade_id") {
        None => {}
        Some(Value::String(id)) if grade_id_pattern_ok(id) => {}
        Some(Value::String(id)) => {
            types_ok = false;
            problem(
                Rule::NbgraderSchema,
                format!("grade_id « {id} » invalide ; acceptés : lettres ASCII, chiffres, `_` et `-` ([a-zA-Z0-9_-]+)"),
            );
        }
        Some(other) => {
            types_ok = false;
            problem(
                Rule::NbgraderSchema,
                format!("`grade_id` est {} ; attendu une chaîne [a-zA-Z0-9_-]+", type_name(other)),
            );
        }
    }
    match meta.get("points") {
        None => {}
        Some(Value::Number(points)) if points.as_f64().is_some_and(|points| points >= 0.0) => {}
        Some(Value::Number(points)) => {
            types_ok = false;
            problem(Rule::NbgraderSchema, format!("`points` vaut {points} ; attendu un nombre positif ou nul"));
        }
        Some(other) => {
            types_ok = false;
            problem(
                Rule::NbgraderSchema,
                format!("`points` est {} ; attendu un nombre positif ou nul", type_name(other)),
            );
        }
    }
    match meta.get("checksum") {
        None => {}
        Some(Value::String(checksum)) if checksum.chars().count() == 32 => {}
        Some(other) => {
            types_ok = false;
            problem(
                Rule::NbgraderSchema,
                format!("`checksum` vaut {other} ; attendu une chaîne de 32 caractères (MD5 en hexadécimal)"),
            );
        }
    }
    let recorded_type = match meta.get("cell_type") {
        None => None,
        Some(Value::String(name)) if CellType::from_name(name).is_some() => CellType::from_name(name),
        Some(other) => {
            types_ok = false;
            problem(
                Rule::NbgraderSchema,
                format!("`cell_type` vaut {other} ; acceptés : « code », « markdown », « raw »"),
            );
            None
        }
    };

    // The rules of `MetadataValidatorV3.validate_cell`, on truthiness as nbgrader does.
    let (grade, solution, locked, task) =
        (flag(meta, "grade"), flag(meta, "solution"), flag(meta, "locked"), flag(meta, "task"));
    if let Some(recorded) = meta.get("cell_type").filter(|recorded| recorded.as_str() != Some(cell.cell_type.as_str()))
    {
        problem(
            Rule::CellTypeChanged,
            format!(
                "la cellule était de type {recorded} à la génération du devoir, elle est maintenant « {} »",
                cell.cell_type.as_str()
            ),
        );
    }
    if grade || solution || locked {
        match meta.get("grade_id") {
            None => problem(
                Rule::MissingGradeId,
                "une cellule notée, solution ou en lecture seule doit avoir un `grade_id` ([a-zA-Z0-9_-]+)".to_owned(),
            ),
            Some(Value::String(id)) if id.is_empty() => {
                problem(Rule::EmptyGradeId, "`grade_id` est vide ; attendu un identifiant [a-zA-Z0-9_-]+".to_owned())
            }
            Some(Value::String(id)) if id.ends_with('\n') => problem(
                Rule::GradeIdNewline,
                "`grade_id` finit par un saut de ligne (nbgrader l'accepte, socle non) ; attendu [a-zA-Z0-9_-]+"
                    .to_owned(),
            ),
            Some(_) => {}
        }
    }
    if grade && !meta.contains_key("points") {
        problem(Rule::MissingPoints, "une cellule notée doit avoir des `points` (nombre positif ou nul)".to_owned());
    }
    let is_markdown = cell.cell_type == CellType::Markdown;
    if !task {
        if is_markdown && grade && !solution {
            problem(
                Rule::MarkdownGradeNotSolution,
                "une cellule markdown notée doit aussi être une cellule solution (« Manually graded answer »)"
                    .to_owned(),
            );
        }
        if is_markdown && !grade && solution {
            problem(
                Rule::MarkdownSolutionNotGrade,
                "une cellule markdown solution doit aussi être notée (« Manually graded answer »)".to_owned(),
            );
        }
    } else if !is_markdown {
        problem(
            Rule::TaskNotMarkdown,
            format!("une cellule tâche doit être en markdown, pas « {} »", cell.cell_type.as_str()),
        );
    }
    if solution && meta.get("locked") == Some(&Value::Bool(true)) {
        problem(
            Rule::SolutionLocked,
            "une cellule solution ne peut pas être en lecture seule (`locked`) : l'élève doit y écrire ; nbgrader ignore ce `locked`"
                .to_owned(),
        );
    }

    if !types_ok {
        return None;
    }
    Some(NbgraderCell {
        grade,
        solution,
        locked,
        task,
        points: meta.get("points").and_then(Value::as_f64),
        grade_id: meta.get("grade_id").and_then(Value::as_str).map(str::to_owned),
        schema_version: SCHEMA_VERSION,
        checksum: meta.get("checksum").and_then(Value::as_str).map(str::to_owned),
        cell_type: recorded_type,
    })
}

/// Why nbgrader's checksum cannot be computed for a cell (nbgrader raises an exception).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChecksumError {
    /// The cell has no `metadata.nbgrader`.
    #[error("la cellule n'a pas de `metadata.nbgrader` ; le checksum ne concerne que les cellules de nbgrader")]
    NoMetadata,
    /// `metadata.nbgrader` is not an object.
    #[error("`metadata.nbgrader` est {found} ; attendu un objet")]
    NotAnObject {
        /// What was found.
        found: &'static str,
    },
    /// No `grade_id`.
    #[error("`grade_id` manque ; le checksum en a besoin")]
    MissingGradeId,
    /// `grade_id` is not a string.
    #[error("`grade_id` est {found} ; attendu une chaîne")]
    GradeIdNotString {
        /// What was found.
        found: &'static str,
    },
    /// A grade cell without `points`.
    #[error("cellule notée sans `points` ; le checksum en a besoin")]
    MissingPoints,
    /// `points` that Python's `float()` refuses.
    #[error("`points` vaut {found}, que Python ne convertit pas en nombre ; attendu un nombre")]
    BadPoints {
        /// The value, as JSON.
        found: String,
    },
}

/// nbgrader's checksum of a cell (`nbgrader.utils.compute_checksum`): MD5 over the source,
/// the cell type, `str()` of the grade, solution and locked flags as nbgrader reads them, the
/// `grade_id` and, for grade cells, `str(float(points))`.
pub fn compute_checksum(cell: &Cell) -> Result<String, ChecksumError> {
    let raw = cell.metadata.get("nbgrader").ok_or(ChecksumError::NoMetadata)?;
    let meta = raw.as_object().ok_or(ChecksumError::NotAnObject { found: type_name(raw) })?;
    let no = Value::Bool(false);
    // `utils.is_grade` and `utils.is_solution` return the raw value, not a bool.
    let grade = meta.get("grade").unwrap_or(&no);
    let solution = meta.get("solution").unwrap_or(&no);
    let locked = if truthy(solution) {
        "False".to_owned()
    } else if truthy(grade) {
        "True".to_owned()
    } else {
        to_str(meta.get("locked").unwrap_or(&no))
    };
    let grade_id = match meta.get("grade_id") {
        None => return Err(ChecksumError::MissingGradeId),
        Some(Value::String(grade_id)) => grade_id,
        Some(other) => return Err(ChecksumError::GradeIdNotString { found: type_name(other) }),
    };
    let mut hasher = Md5::new();
    hasher.update(cell.source_text().as_bytes());
    hasher.update(cell.cell_type.as_str().as_bytes());
    hasher.update(to_str(grade).as_bytes());
    hasher.update(to_str(solution).as_bytes());
    hasher.update(locked.as_bytes());
    hasher.update(grade_id.as_bytes());
    if truthy(grade) {
        let points = meta.get("points").ok_or(ChecksumError::MissingPoints)?;
        let points = to_float(points).ok_or_else(|| ChecksumError::BadPoints { found: points.to_string() })?;
        hasher.update(float_repr(points).as_bytes());
    }
    Ok(hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Whether a cell still has the checksum recorded in its metadata (for a solution cell:
/// the student did not answer, which nbgrader grades 0).
pub fn checksum_unchanged(cell: &Cell) -> bool {
    let recorded = cell.metadata.get("nbgrader").and_then(|meta| meta.get("checksum")).and_then(Value::as_str);
    match (recorded, compute_checksum(cell)) {
        (Some(recorded), Ok(computed)) => recorded == computed,
        _ => false,
    }
}

/// nbgrader's `ComputeChecksums` preprocessor: records `checksum` and `cell_type` in the
/// metadata of every grade, solution and read-only cell. Cells whose checksum cannot be
/// computed are left as they are and reported.
pub fn compute_checksums(notebook: &Notebook) -> (Notebook, Vec<Problem>) {
    let mut notebook = notebook.clone();
    let mut problems = Vec::new();
    for (cell_idx, cell) in notebook.cells.iter_mut().enumerate() {
        if let Some(problem) = crate::markup::nbgrader_not_object(cell_idx, cell) {
            problems.push(problem);
            continue;
        }
        let Some(meta) = cell.metadata.get("nbgrader").and_then(Value::as_object) else { continue };
        let solution = flag(meta, "solution");
        let grade = flag(meta, "grade");
        // `utils.is_locked`: solution cells never, grade cells always, else the flag.
        let locked = !solution && (grade || flag(meta, "locked"));
        if !(grade || solution || locked) {
            continue;
        }
        let grade_id = meta.get("grade_id").and_then(Value::as_str).map(str::to_owned);
        match compute_checksum(cell) {
            Ok(checksum) => {
                if let Some(meta) = cell.metadata.get_mut("nbgrader").and_then(Value::as_object_mut) {
                    meta.insert("checksum".to_owned(), Value::String(checksum));
                    meta.insert("cell_type".to_owned(), Value::String(cell.cell_type.as_str().to_owned()));
                }
            }
            Err(err) => {
                let rule = match err {
                    ChecksumError::MissingGradeId => Rule::MissingGradeId,
                    ChecksumError::MissingPoints => Rule::MissingPoints,
                    _ => Rule::NbgraderSchema,
                };
                problems.push(Problem::cell(cell_idx, grade_id.as_deref(), rule, err.to_string()));
            }
        }
    }
    (notebook, problems)
}
