//! One thing wrong in a notebook, said in French with the cell it is about, and the rule it
//! breaks.

use std::fmt;

/// One thing wrong in a notebook. Checks return every problem they find, never only the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Index of the cell in `cells` (from 0), or `None` for the notebook as a whole.
    pub cell_idx: Option<usize>,
    /// The cell's nbgrader `grade_id`, when it has a usable one.
    pub grade_id: Option<String>,
    /// Which rule is broken.
    pub rule: Rule,
    /// What is wrong and what would be accepted, in French.
    pub message: String,
}

impl Problem {
    pub(crate) fn notebook(rule: Rule, message: impl Into<String>) -> Problem {
        Problem { cell_idx: None, grade_id: None, rule, message: message.into() }
    }

    pub(crate) fn cell(cell_idx: usize, grade_id: Option<&str>, rule: Rule, message: impl Into<String>) -> Problem {
        Problem { cell_idx: Some(cell_idx), grade_id: grade_id.map(str::to_owned), rule, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.cell_idx, &self.grade_id) {
            (Some(cell_idx), Some(grade_id)) => write!(f, "cellule d'index {cell_idx} (grade_id « {grade_id} »)")?,
            (Some(cell_idx), None) => write!(f, "cellule d'index {cell_idx}")?,
            (None, _) => f.write_str("notebook")?,
        }
        write!(f, " : {}", self.message)
    }
}

/// Formats problems one per line, for error messages.
pub(crate) fn list_problems(problems: &[Problem]) -> String {
    problems.iter().map(|problem| format!("  - {problem}")).collect::<Vec<_>>().join("\n")
}

/// The rule a [`Problem`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The JSON does not have the structure of an nbformat 4 notebook.
    Structure,
    /// `metadata.nbgrader` breaks nbgrader's JSON schema (version 3): unknown key, wrong type,
    /// missing required key, bad pattern, negative points, bad checksum length.
    NbgraderSchema,
    /// `schema_version` is absent, older or newer than 3.
    SchemaVersion,
    /// A grade, solution or read-only cell has no `grade_id`.
    MissingGradeId,
    /// A grade, solution or read-only cell has an empty `grade_id`.
    EmptyGradeId,
    /// Two grade, solution or read-only cells share a `grade_id`.
    DuplicateGradeId,
    /// A grade cell has no `points`.
    MissingPoints,
    /// A markdown grade cell is not also a solution cell.
    MarkdownGradeNotSolution,
    /// A markdown solution cell is not also a grade cell.
    MarkdownSolutionNotGrade,
    /// A task cell is not a markdown cell.
    TaskNotMarkdown,
    /// The `cell_type` recorded by nbgrader differs from the cell's type (nbgrader only warns).
    CellTypeChanged,
    /// A solution cell is marked `locked` (nbgrader silently ignores `locked` there).
    SolutionLocked,
    /// A `grade_id` ends with a newline (nbgrader's pattern lets one through).
    GradeIdNewline,
    /// A solution or hidden-test region is unterminated, nested, or in the wrong kind of cell.
    Region,
    /// The notebook's language has no solution stub, or no probe syntax.
    Language,
    /// A probe line is malformed or outside a grade cell.
    Probe,
    /// `metadata.socle` is malformed.
    Socle,
}

impl Rule {
    /// Whether nbgrader itself refuses a notebook breaking this rule (when validating the
    /// metadata or generating the student version). The other rules are socle's own.
    pub fn rejected_by_nbgrader(self) -> bool {
        match self {
            Rule::Structure
            | Rule::NbgraderSchema
            | Rule::SchemaVersion
            | Rule::MissingGradeId
            | Rule::EmptyGradeId
            | Rule::DuplicateGradeId
            | Rule::MissingPoints
            | Rule::MarkdownGradeNotSolution
            | Rule::MarkdownSolutionNotGrade
            | Rule::TaskNotMarkdown
            | Rule::Region
            | Rule::Language => true,
            Rule::CellTypeChanged | Rule::SolutionLocked | Rule::GradeIdNewline | Rule::Probe | Rule::Socle => false,
        }
    }
}
