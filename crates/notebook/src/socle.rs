//! socle's own data in `metadata.socle`, beside (never inside) `metadata.nbgrader`: the lab on
//! the notebook, competences and level on each graded cell.

use std::fmt;

use serde_json::{Map, Value};

use crate::model::{Notebook, type_name};
use crate::problem::{Problem, Rule};
use crate::python::truthy;

/// The pillars a competence id can name (`DS.<pillar>.<nn>`).
pub const PILLARS: [&str; 5] = ["INF", "MST", "MET", "TRV", "PRJ"];

/// A référentiel competence id of the form `DS.<INF|MST|MET|TRV|PRJ>.<nn>` (`DS.MST.06`).
/// Only the form is checked here; whether the competence exists is the `skills` crate's job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CompetenceId(String);

impl CompetenceId {
    /// Checks the form of an id.
    pub fn parse(text: &str) -> Option<CompetenceId> {
        let mut parts = text.split('.');
        let ok = parts.next() == Some("DS")
            && parts.next().is_some_and(|pillar| PILLARS.contains(&pillar))
            && parts.next().is_some_and(|number| number.len() == 2 && number.bytes().all(|byte| byte.is_ascii_digit()))
            && parts.next().is_none();
        ok.then(|| CompetenceId(text.to_owned()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CompetenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mastery level of the référentiel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// `N1`.
    N1,
    /// `N2`.
    N2,
    /// `N3`.
    N3,
    /// `N4`.
    N4,
}

impl Level {
    /// Reads `N1` to `N4`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "N1" => Some(Level::N1),
            "N2" => Some(Level::N2),
            "N3" => Some(Level::N3),
            "N4" => Some(Level::N4),
            _ => None,
        }
    }

    /// `N1` to `N4`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::N1 => "N1",
            Level::N2 => "N2",
            Level::N3 => "N3",
            Level::N4 => "N4",
        }
    }
}

/// `metadata.socle` of a graded cell.
#[derive(Debug, Clone, PartialEq)]
pub struct SocleCell {
    /// The competences the question assesses (at least one, no repeats).
    pub competences: Vec<CompetenceId>,
    /// The level at which it assesses them.
    pub level: Level,
    /// Absolute tolerance when comparing probe values that are numbers.
    pub tolerance: Option<f64>,
}

/// `metadata.socle` of the notebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocleNotebook {
    /// The lab's id (`[A-Za-z0-9._-]+`).
    pub lab: String,
    /// Its title.
    pub title: String,
    /// The kernel it runs on, when it names one.
    pub kernel: Option<String>,
}

/// Everything socle read from `metadata.socle`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SocleData {
    /// The notebook's, when present and valid.
    pub notebook: Option<SocleNotebook>,
    /// Per cell (same indices as `cells`), when present and valid.
    pub cells: Vec<Option<SocleCell>>,
}

/// Keys accepted in the notebook's `metadata.socle`.
pub const NOTEBOOK_KEYS: [&str; 3] = ["lab", "title", "kernel"];
/// Keys accepted in a cell's `metadata.socle`.
pub const CELL_KEYS: [&str; 3] = ["competences", "level", "tolerance"];

fn unknown_keys(map: &Map<String, Value>, accepted: &[&str]) -> Vec<String> {
    map.keys()
        .filter(|key| !accepted.contains(&key.as_str()))
        .map(|key| format!("clé « {key} » inconnue dans `metadata.socle` ; acceptées : {}", accepted.join(", ")))
        .collect()
}

/// Reads and checks `metadata.socle` on the notebook and on every cell. In a notebook whose
/// metadata has a `socle` entry, every grade or task cell must have one too.
pub fn check_socle(notebook: &Notebook) -> (SocleData, Vec<Problem>) {
    let mut problems = Vec::new();
    let notebook_meta = notebook.metadata.get("socle");
    let socle_notebook = notebook_meta.and_then(|value| {
        let (parsed, messages) = read_notebook(value);
        problems.extend(messages.into_iter().map(|message| Problem::notebook(Rule::Socle, message)));
        parsed
    });
    let mut cells = Vec::with_capacity(notebook.cells.len());
    for (cell_idx, cell) in notebook.cells.iter().enumerate() {
        let nbgrader = cell.metadata.get("nbgrader");
        let grade_id =
            nbgrader.and_then(|meta| meta.get("grade_id")).and_then(Value::as_str).filter(|id| !id.is_empty());
        let graded = ["grade", "task"].iter().any(|key| nbgrader.and_then(|meta| meta.get(*key)).is_some_and(truthy));
        let mut problem = |message: String| problems.push(Problem::cell(cell_idx, grade_id, Rule::Socle, message));
        let Some(value) = cell.metadata.get("socle") else {
            if graded && notebook_meta.is_some() {
                problem(
                    "cellule notée sans `metadata.socle` ; attendu {\"competences\": [\"DS.MST.06\"], \"level\": \"N2\"}".to_owned(),
                );
            }
            cells.push(None);
            continue;
        };
        if !graded {
            problem(
                "`metadata.socle` sur une cellule qui n'est pas notée ; seules les cellules notées (grade ou tâche) portent des compétences"
                    .to_owned(),
            );
        }
        let (parsed, messages) = read_cell(value);
        for message in messages {
            problem(message);
        }
        cells.push(parsed);
    }
    (SocleData { notebook: socle_notebook, cells }, problems)
}

fn read_notebook(value: &Value) -> (Option<SocleNotebook>, Vec<String>) {
    let Some(map) = value.as_object() else {
        return (
            None,
            vec![format!("`metadata.socle` est {} ; attendu un objet {{\"lab\": …, \"title\": …}}", type_name(value))],
        );
    };
    let mut messages = unknown_keys(map, &NOTEBOOK_KEYS);
    let lab = match map.get("lab") {
        Some(Value::String(lab))
            if !lab.is_empty() && lab.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-')) =>
        {
            Some(lab.clone())
        }
        Some(Value::String(lab)) => {
            messages.push(format!("`lab` « {lab} » invalide ; attendu un identifiant [A-Za-z0-9._-]+"));
            None
        }
        Some(other) => {
            messages.push(format!("`lab` est {} ; attendu un identifiant [A-Za-z0-9._-]+", type_name(other)));
            None
        }
        None => {
            messages.push("`lab` manque ; attendu l'identifiant du lab, par exemple « regression-01 »".to_owned());
            None
        }
    };
    let title = match map.get("title") {
        Some(Value::String(title)) if !title.trim().is_empty() => Some(title.clone()),
        Some(Value::String(_)) => {
            messages.push("`title` est vide ; attendu le titre du lab".to_owned());
            None
        }
        Some(other) => {
            messages.push(format!("`title` est {} ; attendu une chaîne", type_name(other)));
            None
        }
        None => {
            messages.push("`title` manque ; attendu le titre du lab".to_owned());
            None
        }
    };
    let kernel = match map.get("kernel") {
        None => None,
        Some(Value::String(kernel)) if !kernel.is_empty() => Some(kernel.clone()),
        Some(other) => {
            messages.push(format!("`kernel` vaut {other} ; attendu un nom de noyau non vide (« python3 », « rust »)"));
            None
        }
    };
    let parsed = match (lab, title) {
        (Some(lab), Some(title)) if messages.is_empty() => Some(SocleNotebook { lab, title, kernel }),
        _ => None,
    };
    (parsed, messages)
}

fn read_cell(value: &Value) -> (Option<SocleCell>, Vec<String>) {
    let Some(map) = value.as_object() else {
        return (
            None,
            vec![format!(
                "`metadata.socle` est {} ; attendu un objet {{\"competences\": […], \"level\": …}}",
                type_name(value)
            )],
        );
    };
    let mut messages = unknown_keys(map, &CELL_KEYS);
    let accepted_ids = "de la forme DS.<INF|MST|MET|TRV|PRJ>.<nn>, par exemple « DS.MST.06 »";
    let mut competences = Vec::new();
    match map.get("competences") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for item in items {
                match item.as_str().and_then(CompetenceId::parse) {
                    Some(id) if competences.contains(&id) => {
                        messages.push(format!("compétence « {id} » répétée ; une fois suffit"))
                    }
                    Some(id) => competences.push(id),
                    None => {
                        messages.push(format!("compétence {item} invalide ; attendu un identifiant {accepted_ids}"))
                    }
                }
            }
        }
        Some(Value::Array(_)) => {
            messages.push(format!("`competences` est vide ; attendu au moins un identifiant {accepted_ids}"))
        }
        Some(other) => messages
            .push(format!("`competences` est {} ; attendu une liste d'identifiants {accepted_ids}", type_name(other))),
        None => messages.push(format!("`competences` manque ; attendu une liste d'identifiants {accepted_ids}")),
    }
    let level = match map.get("level") {
        Some(Value::String(level)) if Level::parse(level).is_some() => Level::parse(level),
        Some(other) => {
            messages.push(format!("`level` vaut {other} ; acceptés : « N1 », « N2 », « N3 », « N4 »"));
            None
        }
        None => {
            messages.push("`level` manque ; acceptés : « N1 », « N2 », « N3 », « N4 »".to_owned());
            None
        }
    };
    let tolerance = match map.get("tolerance") {
        None => None,
        Some(Value::Number(number))
            if number.as_f64().is_some_and(|tolerance| tolerance.is_finite() && tolerance >= 0.0) =>
        {
            number.as_f64()
        }
        Some(other) => {
            messages.push(format!("`tolerance` vaut {other} ; attendu un nombre positif ou nul, par exemple 1e-6"));
            None
        }
    };
    let parsed = match level {
        Some(level) if messages.is_empty() => Some(SocleCell { competences, level, tolerance }),
        _ => None,
    };
    (parsed, messages)
}
