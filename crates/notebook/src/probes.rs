//! Probes: `# probe: <expression>` (Python) or `// probe: <expression>` (Rust) lines in a
//! grade cell, each an expression the grader evaluates in the student's kernel and compares
//! with its value after the teacher's solution ran.

use serde_json::Value;

use crate::markup::LineProblem;
use crate::model::{CellType, Notebook};
use crate::problem::{Problem, Rule};
use crate::python::{is_space, truthy};

/// A language whose comments can carry probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProbeLanguage {
    /// `# probe: expression`.
    Python,
    /// `// probe: expression`.
    Rust,
}

impl ProbeLanguage {
    /// From a kernel language name (`python`, `rust`, any case).
    pub fn from_name(name: &str) -> Option<ProbeLanguage> {
        match name.to_ascii_lowercase().as_str() {
            "python" => Some(ProbeLanguage::Python),
            "rust" => Some(ProbeLanguage::Rust),
            _ => None,
        }
    }

    /// The line-comment marker that starts a probe line.
    pub fn comment(self) -> &'static str {
        match self {
            ProbeLanguage::Python => "#",
            ProbeLanguage::Rust => "//",
        }
    }
}

/// One probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Line of the probe in the cell's source, from 1.
    pub line: usize,
    /// The expression, trimmed.
    pub expression: String,
}

/// A grade cell's source split into its probes and the rest of its test code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProbedSource {
    /// The probes, in source order.
    pub probes: Vec<Probe>,
    /// The source without its probe lines.
    pub test_code: String,
}

/// The expression of a probe line, `Some("")` for a probe line without expression, `None` for
/// any other line. Leading whitespace and whitespace after the comment marker are allowed.
fn probe_expression(line: &str, language: ProbeLanguage) -> Option<&str> {
    let rest = line.trim_start_matches(is_space).strip_prefix(language.comment())?;
    let rest = rest.trim_start_matches(is_space).strip_prefix("probe:")?;
    Some(rest.trim_matches(is_space))
}

/// Splits a source into probes and remaining test code. A probe line without expression is
/// reported and dropped.
pub fn parse_probes(source: &str, language: ProbeLanguage) -> (ProbedSource, Vec<LineProblem>) {
    let mut parsed = ProbedSource::default();
    let mut problems = Vec::new();
    let mut kept = Vec::new();
    for (line_idx, line) in source.split('\n').enumerate() {
        match probe_expression(line, language) {
            None => kept.push(line),
            Some("") => problems.push(LineProblem {
                line: line_idx + 1,
                message: format!(
                    "sonde sans expression ; attendu « {} probe: <expression> », par exemple « {0} probe: sq(7) »",
                    language.comment()
                ),
            }),
            Some(expression) => parsed.probes.push(Probe { line: line_idx + 1, expression: expression.to_owned() }),
        }
    }
    parsed.test_code = kept.join("\n");
    (parsed, problems)
}

/// The probes of one grade cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProbes {
    /// Index of the cell.
    pub cell_idx: usize,
    /// Its nbgrader `grade_id`.
    pub grade_id: Option<String>,
    /// Its probes and remaining test code.
    pub probed: ProbedSource,
}

/// The probes of every grade code cell (those with at least one probe). Probe lines in other
/// code cells are reported: only grade cells are judged.
pub fn notebook_probes(notebook: &Notebook) -> (Vec<CellProbes>, Vec<Problem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let language_name = notebook.language();
    let Some(language) = ProbeLanguage::from_name(&language_name) else {
        return (found, problems);
    };
    for (cell_idx, cell) in notebook.cells.iter().enumerate() {
        if cell.cell_type != CellType::Code {
            continue;
        }
        let meta = cell.metadata.get("nbgrader");
        let grade_id = meta.and_then(|meta| meta.get("grade_id")).and_then(Value::as_str).filter(|id| !id.is_empty());
        let is_grade = meta.and_then(|meta| meta.get("grade")).is_some_and(truthy);
        let (probed, line_problems) = parse_probes(&cell.source_text(), language);
        for problem in line_problems {
            problems.push(Problem::cell(
                cell_idx,
                grade_id,
                Rule::Probe,
                format!("ligne {} : {}", problem.line, problem.message),
            ));
        }
        if probed.probes.is_empty() {
            continue;
        }
        if !is_grade {
            let lines: Vec<String> = probed.probes.iter().map(|probe| probe.line.to_string()).collect();
            problems.push(Problem::cell(
                cell_idx,
                grade_id,
                Rule::Probe,
                format!(
                    "sonde(s) ligne(s) {} dans une cellule qui n'est pas notée ; les sondes vont dans une cellule « Autograder tests »",
                    lines.join(", ")
                ),
            ));
            continue;
        }
        found.push(CellProbes { cell_idx, grade_id: grade_id.map(str::to_owned), probed });
    }
    (found, problems)
}
