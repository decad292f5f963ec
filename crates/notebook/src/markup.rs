//! nbgrader's delimiters in cell sources: solution regions replaced by the language's stub,
//! hidden-test regions removed or extracted.
//!
//! The behaviour is that of nbgrader's `ClearSolutions` and `ClearHiddenTests` preprocessors:
//! a line *containing* `BEGIN SOLUTION` opens a region whatever comes before it (`### `, `# `,
//! `// `), the stub takes the indentation of that line, a solution cell without a region is
//! replaced whole, and `metadata.celltoolbar` is dropped from the notebook.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Cell, CellType, Notebook, type_name};
use crate::problem::{Problem, Rule};
use crate::python::{is_space, truthy};

/// A problem at one line of a cell's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// Line number in the source, from 1.
    pub line: usize,
    /// What is wrong and what would be accepted, in French.
    pub message: String,
}

/// A source after a region edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    /// The new source.
    pub source: String,
    /// Whether at least one region was found.
    pub found_region: bool,
}

/// How solutions are replaced (nbgrader's `ClearSolutions` options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearSolutionsConfig {
    /// Stub of code cells per notebook language (`kernelspec.language`).
    pub code_stubs: BTreeMap<String, String>,
    /// Stub of markdown and raw cells.
    pub text_stub: String,
    /// Text whose presence in a line opens a solution region.
    pub begin_delimiter: String,
    /// Text whose presence in a line closes a solution region.
    pub end_delimiter: String,
    /// Whether a solution region outside a solution cell is a problem.
    pub enforce_metadata: bool,
}

impl Default for ClearSolutionsConfig {
    /// nbgrader's defaults, plus Rust (`todo!()`) for the evcxr kernel.
    fn default() -> ClearSolutionsConfig {
        let stubs = [
            ("python", "# YOUR CODE HERE\nraise NotImplementedError()"),
            ("R", "# YOUR CODE HERE\nfail()"),
            ("matlab", "% YOUR CODE HERE\nerror('No Answer Given!')"),
            ("octave", "% YOUR CODE HERE\nerror('No Answer Given!')"),
            ("sas", "/* YOUR CODE HERE */\n %notImplemented;"),
            ("java", "// YOUR CODE HERE"),
            ("rust", "// YOUR CODE HERE\ntodo!()"),
        ];
        ClearSolutionsConfig {
            code_stubs: stubs.iter().map(|(language, stub)| ((*language).to_owned(), (*stub).to_owned())).collect(),
            text_stub: "YOUR ANSWER HERE".to_owned(),
            begin_delimiter: "BEGIN SOLUTION".to_owned(),
            end_delimiter: "END SOLUTION".to_owned(),
            enforce_metadata: true,
        }
    }
}

/// How hidden tests are found (nbgrader's `ClearHiddenTests` options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenTestsConfig {
    /// Text whose presence in a line opens a hidden-test region.
    pub begin_delimiter: String,
    /// Text whose presence in a line closes a hidden-test region.
    pub end_delimiter: String,
    /// Whether a hidden-test region outside a grade cell is a problem.
    pub enforce_metadata: bool,
}

impl Default for HiddenTestsConfig {
    /// nbgrader's defaults.
    fn default() -> HiddenTestsConfig {
        HiddenTestsConfig {
            begin_delimiter: "BEGIN HIDDEN TESTS".to_owned(),
            end_delimiter: "END HIDDEN TESTS".to_owned(),
            enforce_metadata: true,
        }
    }
}

/// The regions of a source: each line either outside, a delimiter, or inside region `n`.
enum LineKind {
    Outside,
    Begin,
    End,
    Inside,
}

/// Classifies the lines (`source.split("\n")`, as nbgrader does) like nbgrader's loop.
fn classify<'a>(source: &'a str, begin: &str, end: &str, what: &str) -> Result<Vec<(&'a str, LineKind)>, LineProblem> {
    let mut lines = Vec::new();
    let mut opened_at: Option<usize> = None;
    for (line_idx, line) in source.split('\n').enumerate() {
        let kind = if line.contains(begin) {
            if let Some(opened) = opened_at {
                return Err(LineProblem {
                    line: line_idx + 1,
                    message: format!(
                        "« {begin} » alors que la région ouverte ligne {opened} n'est pas fermée ; les régions {what} ne s'imbriquent pas : \
                         ajoutez « {end} » avant"
                    ),
                });
            }
            opened_at = Some(line_idx + 1);
            LineKind::Begin
        } else if line.contains(end) {
            opened_at = None;
            LineKind::End
        } else if opened_at.is_some() {
            LineKind::Inside
        } else {
            LineKind::Outside
        };
        lines.push((line, kind));
    }
    if let Some(opened) = opened_at {
        return Err(LineProblem {
            line: opened,
            message: format!("« {begin} » sans « {end} » ; chaque région {what} doit être fermée"),
        });
    }
    Ok(lines)
}

/// Replaces each solution region of a source (delimiter lines included) by the stub, indented
/// like the line that opened it.
pub fn replace_solution_regions(
    source: &str,
    stub: &str,
    config: &ClearSolutionsConfig,
) -> Result<Edited, LineProblem> {
    let lines = classify(source, &config.begin_delimiter, &config.end_delimiter, "de solution")?;
    let mut new_lines: Vec<String> = Vec::with_capacity(lines.len());
    let mut found_region = false;
    for (line, kind) in lines {
        match kind {
            LineKind::Begin => {
                found_region = true;
                let indent: String = line.chars().take_while(|ch| is_space(*ch)).collect();
                new_lines.extend(stub.split('\n').map(|stub_line| format!("{indent}{stub_line}")));
            }
            LineKind::Outside => new_lines.push(line.to_owned()),
            LineKind::End | LineKind::Inside => {}
        }
    }
    Ok(Edited { source: new_lines.join("\n"), found_region })
}

/// Removes each hidden-test region of a source, delimiter lines included.
pub fn remove_hidden_tests(source: &str, config: &HiddenTestsConfig) -> Result<Edited, LineProblem> {
    let lines = classify(source, &config.begin_delimiter, &config.end_delimiter, "de tests cachés")?;
    let found_region = lines.iter().any(|(_, kind)| matches!(kind, LineKind::Begin));
    let kept: Vec<&str> =
        lines.into_iter().filter(|(_, kind)| matches!(kind, LineKind::Outside)).map(|(line, _)| line).collect();
    Ok(Edited { source: kept.join("\n"), found_region })
}

/// The hidden-test regions of a source, each as the text between its delimiter lines.
pub fn hidden_test_regions(source: &str, config: &HiddenTestsConfig) -> Result<Vec<String>, LineProblem> {
    let lines = classify(source, &config.begin_delimiter, &config.end_delimiter, "de tests cachés")?;
    let mut regions = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for (line, kind) in lines {
        match kind {
            LineKind::Begin => current = Some(Vec::new()),
            LineKind::Inside => current.get_or_insert_with(Vec::new).push(line),
            LineKind::End => regions.extend(current.take().map(|region| region.join("\n"))),
            LineKind::Outside => {}
        }
    }
    Ok(regions)
}

/// A problem for a cell whose `metadata.nbgrader` is not an object, on which nbgrader's
/// preprocessors fail.
pub(crate) fn nbgrader_not_object(cell_idx: usize, cell: &Cell) -> Option<Problem> {
    let meta = cell.metadata.get("nbgrader").filter(|meta| !meta.is_object())?;
    Some(Problem::cell(
        cell_idx,
        None,
        Rule::NbgraderSchema,
        format!("`metadata.nbgrader` est {} ; attendu un objet", type_name(meta)),
    ))
}

fn nbgrader_flag(cell: &Cell, key: &str) -> bool {
    cell.metadata.get("nbgrader").and_then(|meta| meta.get(key)).is_some_and(truthy)
}

fn grade_id(cell: &Cell) -> Option<&str> {
    cell.metadata
        .get("nbgrader")
        .and_then(|meta| meta.get("grade_id"))
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
}

fn region_problem(cell_idx: usize, cell: &Cell, problem: LineProblem) -> Problem {
    Problem::cell(cell_idx, grade_id(cell), Rule::Region, format!("ligne {} : {}", problem.line, problem.message))
}

/// nbgrader's `ClearSolutions`: in every cell, solution regions become the stub of the
/// notebook's language (code cells) or the text stub (other cells); solution cells without a
/// region are replaced whole. Cells with a problem are left unchanged.
pub fn clear_solutions(notebook: &Notebook, config: &ClearSolutionsConfig) -> (Notebook, Vec<Problem>) {
    let mut notebook = notebook.clone();
    let mut problems = Vec::new();
    let language = notebook.language();
    let code_stub = config.code_stubs.get(&language);
    if code_stub.is_none() {
        let known: Vec<&str> = config.code_stubs.keys().map(String::as_str).collect();
        problems.push(Problem::notebook(
            Rule::Language,
            format!(
                "langage « {language} » (metadata.kernelspec.language) sans texte de remplacement des solutions ; acceptés : {}",
                known.join(", ")
            ),
        ));
    }
    for (cell_idx, cell) in notebook.cells.iter_mut().enumerate() {
        if let Some(problem) = nbgrader_not_object(cell_idx, cell) {
            problems.push(problem);
            continue;
        }
        let stub = match cell.cell_type {
            CellType::Code => match code_stub {
                Some(stub) => stub,
                None => continue,
            },
            CellType::Markdown | CellType::Raw => &config.text_stub,
        };
        let source = cell.source_text();
        let edited = match replace_solution_regions(&source, stub, config) {
            Ok(edited) => edited,
            Err(problem) => {
                problems.push(region_problem(cell_idx, cell, problem));
                continue;
            }
        };
        let is_solution = nbgrader_flag(cell, "solution");
        if edited.found_region && !is_solution && config.enforce_metadata {
            problems.push(Problem::cell(
                cell_idx,
                grade_id(cell),
                Rule::Region,
                "région de solution dans une cellule qui n'est pas une cellule solution ; marquez-la « Autograded answer » \
                 ou « Manually graded answer »",
            ));
            continue;
        }
        let new_source = if is_solution && !edited.found_region { stub.clone() } else { edited.source };
        if new_source != source {
            cell.source.replace_text(&new_source);
        }
    }
    notebook.metadata.shift_remove("celltoolbar");
    (notebook, problems)
}

/// nbgrader's `ClearHiddenTests`: removes every hidden-test region. Cells with a problem are
/// left unchanged.
pub fn clear_hidden_tests(notebook: &Notebook, config: &HiddenTestsConfig) -> (Notebook, Vec<Problem>) {
    let mut notebook = notebook.clone();
    let mut problems = Vec::new();
    for (cell_idx, cell) in notebook.cells.iter_mut().enumerate() {
        if let Some(problem) = nbgrader_not_object(cell_idx, cell) {
            problems.push(problem);
            continue;
        }
        let source = cell.source_text();
        let edited = match remove_hidden_tests(&source, config) {
            Ok(edited) => edited,
            Err(problem) => {
                problems.push(region_problem(cell_idx, cell, problem));
                continue;
            }
        };
        if edited.found_region && !nbgrader_flag(cell, "grade") && config.enforce_metadata {
            problems.push(Problem::cell(
                cell_idx,
                grade_id(cell),
                Rule::Region,
                "tests cachés dans une cellule qui n'est pas notée ; marquez-la « Autograder tests »",
            ));
            continue;
        }
        if edited.source != source {
            cell.source.replace_text(&edited.source);
        }
    }
    notebook.metadata.shift_remove("celltoolbar");
    (notebook, problems)
}

/// The hidden tests of one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenTests {
    /// Index of the cell.
    pub cell_idx: usize,
    /// Its nbgrader `grade_id`.
    pub grade_id: Option<String>,
    /// The code of each region, without its delimiter lines.
    pub regions: Vec<String>,
}

/// Every cell's hidden tests, for the grader's side.
pub fn extract_hidden_tests(notebook: &Notebook, config: &HiddenTestsConfig) -> (Vec<HiddenTests>, Vec<Problem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (cell_idx, cell) in notebook.cells.iter().enumerate() {
        match hidden_test_regions(&cell.source_text(), config) {
            Ok(regions) if regions.is_empty() => {}
            Ok(regions) => {
                if !nbgrader_flag(cell, "grade") && config.enforce_metadata {
                    problems.push(Problem::cell(
                        cell_idx,
                        grade_id(cell),
                        Rule::Region,
                        "tests cachés dans une cellule qui n'est pas notée ; marquez-la « Autograder tests »",
                    ));
                }
                found.push(HiddenTests { cell_idx, grade_id: grade_id(cell).map(str::to_owned), regions });
            }
            Err(problem) => problems.push(region_problem(cell_idx, cell, problem)),
        }
    }
    (found, problems)
}
