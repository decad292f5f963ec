//! An assignment read from the teacher's notebook: its questions, checks and probes, validated
//! all at once; and the merge of a submission into the notebook that is actually executed.

use std::collections::{BTreeMap, BTreeSet};

use notebook::{CellRole, CellType, HiddenTestsConfig, Notebook, ProbeLanguage, Problem};

use crate::value::DEFAULT_TOLERANCE;

/// Languages socle grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// ipykernel.
    Python,
    /// evcxr.
    Rust,
}

impl Language {
    /// The kernelspec name used when the notebook names none.
    pub fn default_kernel(self) -> &'static str {
        match self {
            Language::Python => "python3",
            Language::Rust => "rust",
        }
    }

    fn probe_language(self) -> ProbeLanguage {
        match self {
            Language::Python => ProbeLanguage::Python,
            Language::Rust => ProbeLanguage::Rust,
        }
    }
}

/// One probe of a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeSpec {
    /// The expression evaluated in the student's kernel.
    pub expression: String,
    /// Whether it sits in a hidden-test region (its text is then never shown to the learner).
    pub hidden: bool,
}

/// One autograded question: a grade cell of the teacher's notebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Its `grade_id`.
    pub id: String,
    /// Index of its cell in the teacher's notebook.
    pub cell_idx: usize,
    /// Points available.
    pub max: f64,
    /// Competences it assesses.
    pub competences: Vec<String>,
    /// Level it assesses.
    pub level: Option<String>,
    /// Relative tolerance on numbers of its probes.
    pub tolerance: f64,
    /// Its test code, hidden tests included (delimiter lines and probe lines removed); empty
    /// when the cell only has probes.
    pub test_code: String,
    /// Its probes.
    pub probes: Vec<ProbeSpec>,
    /// Whether the cell has hidden tests (its error messages are then never shown).
    pub has_hidden_tests: bool,
    /// `grade_id`s of the answer cells it grades: those between the previous question and it.
    pub answers: Vec<String>,
}

impl Question {
    /// Number of checks sharing the points: one per probe, plus one for the test code.
    pub fn n_checks(&self) -> usize {
        self.probes.len() + usize::from(!self.test_code.trim().is_empty())
    }
}

/// A manually graded cell: not graded here, reported so that totals match nbgrader's.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualQuestion {
    /// Its `grade_id`.
    pub id: String,
    /// Points available.
    pub max: f64,
}

/// What a cell of the teacher's notebook is, for the merge.
#[derive(Debug, Clone, PartialEq)]
enum SourceRole {
    /// An answer cell: the student's text is executed.
    Answer,
    /// A test cell: question index.
    Question(usize),
    /// A read-only cell: the teacher's text is restored.
    ReadOnly,
    /// A manually graded cell (answer or task): the student's text is kept.
    Manual,
}

/// An assignment ready to grade submissions.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// Its name (the notebook's file stem).
    pub name: String,
    /// The kernelspec that runs it.
    pub kernel: String,
    /// Its language.
    pub language: Language,
    /// The teacher's notebook, solutions and hidden tests included.
    pub source: Notebook,
    /// The autograded questions, in notebook order.
    pub questions: Vec<Question>,
    /// The manually graded cells.
    pub manual: Vec<ManualQuestion>,
    /// nbgrader compatibility mode: no probe and no `metadata.socle` anywhere.
    pub compat: bool,
    /// Role of each teacher cell that has a `grade_id`.
    roles: BTreeMap<String, (usize, SourceRole)>,
}

/// Problems that prevent using a notebook as an assignment.
#[derive(Debug, thiserror::Error)]
#[error("le notebook enseignant n'est pas un devoir valide ({} problème(s)) :\n{}", .0.len(), list(.0))]
pub struct InvalidAssignment(pub Vec<Problem>);

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|problem| format!("  - {problem}")).collect::<Vec<_>>().join("\n")
}

fn nbgrader_id(cell: &notebook::Cell) -> Option<String> {
    cell.metadata.get("nbgrader")?.get("grade_id")?.as_str().map(str::to_owned)
}

fn is_delimiter(line: &str, config: &HiddenTestsConfig) -> bool {
    line.contains(&config.begin_delimiter) || line.contains(&config.end_delimiter)
}

impl Assignment {
    /// Reads the teacher's notebook; every problem of its markup is returned at once.
    pub fn from_source(name: &str, source: Notebook) -> Result<Assignment, InvalidAssignment> {
        let mut problems = Vec::new();
        let (nbgrader_cells, nbgrader_problems) = notebook::check_nbgrader(&source);
        problems.extend(nbgrader_problems.into_iter().filter(|problem| problem.rule.rejected_by_nbgrader()));
        let (socle, socle_problems) = notebook::check_socle(&source);
        problems.extend(socle_problems);
        let hidden_config = HiddenTestsConfig::default();
        let (hidden, hidden_problems) = notebook::extract_hidden_tests(&source, &hidden_config);
        problems.extend(hidden_problems);
        let (_, probe_problems) = notebook::notebook_probes(&source);
        problems.extend(probe_problems);

        let language_name = source.language();
        let language = match ProbeLanguage::from_name(&language_name) {
            Some(ProbeLanguage::Python) => Language::Python,
            Some(ProbeLanguage::Rust) => Language::Rust,
            None => {
                problems.push(Problem {
                    cell_idx: None,
                    grade_id: None,
                    rule: notebook::Rule::Language,
                    message: format!(
                        "langage « {language_name} » non pris en charge ; langages acceptés : python, rust"
                    ),
                });
                Language::Python
            }
        };
        let kernel = source
            .kernelspec()
            .map(|spec| spec.name)
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| language.default_kernel().to_owned());

        let hidden_cells: BTreeSet<usize> = hidden.iter().map(|found| found.cell_idx).collect();
        let mut questions = Vec::new();
        let mut manual = Vec::new();
        let mut roles = BTreeMap::new();
        let mut pending_answers = Vec::new();
        let mut any_socle = socle.notebook.is_some();
        let mut any_probe = false;
        for (cell_idx, cell) in source.cells.iter().enumerate() {
            let Some(Some(meta)) = nbgrader_cells.get(cell_idx) else { continue };
            let Some(role) = meta.role() else { continue };
            let Some(grade_id) = meta.grade_id.clone() else { continue };
            let socle_cell = socle.cells.get(cell_idx).cloned().flatten();
            any_socle |= socle_cell.is_some();
            let source_role = match role {
                CellRole::AutogradedAnswer => {
                    pending_answers.push(grade_id.clone());
                    SourceRole::Answer
                }
                CellRole::ManuallyGradedAnswer | CellRole::ManuallyGradedTask => {
                    manual.push(ManualQuestion { id: grade_id.clone(), max: meta.points.unwrap_or(0.0) });
                    SourceRole::Manual
                }
                CellRole::ReadOnly => SourceRole::ReadOnly,
                CellRole::AutograderTests if cell.cell_type != CellType::Code => SourceRole::ReadOnly,
                CellRole::AutograderTests => {
                    let full = cell.source_text();
                    let without_delimiters: String = full
                        .split('\n')
                        .filter(|line| !is_delimiter(line, &hidden_config))
                        .collect::<Vec<_>>()
                        .join("\n");
                    let (probed, _) = notebook::parse_probes(&without_delimiters, language.probe_language());
                    let visible = notebook::remove_hidden_tests(&full, &hidden_config)
                        .map(|edited| edited.source)
                        .unwrap_or_else(|_| full.clone());
                    let (visible_probes, _) = notebook::parse_probes(&visible, language.probe_language());
                    let visible_expressions: BTreeSet<&str> =
                        visible_probes.probes.iter().map(|probe| probe.expression.as_str()).collect();
                    let probes: Vec<ProbeSpec> = probed
                        .probes
                        .iter()
                        .map(|probe| ProbeSpec {
                            expression: probe.expression.clone(),
                            hidden: !visible_expressions.contains(probe.expression.as_str()),
                        })
                        .collect();
                    any_probe |= !probes.is_empty();
                    questions.push(Question {
                        id: grade_id.clone(),
                        cell_idx,
                        max: meta.points.unwrap_or(0.0),
                        competences: socle_cell
                            .as_ref()
                            .map(|data| data.competences.iter().map(|id| id.as_str().to_owned()).collect())
                            .unwrap_or_default(),
                        level: socle_cell.as_ref().map(|data| data.level.as_str().to_owned()),
                        tolerance: socle_cell.as_ref().and_then(|data| data.tolerance).unwrap_or(DEFAULT_TOLERANCE),
                        test_code: if probed.test_code.trim().is_empty() { String::new() } else { probed.test_code },
                        probes,
                        has_hidden_tests: hidden_cells.contains(&cell_idx),
                        answers: std::mem::take(&mut pending_answers),
                    });
                    SourceRole::Question(questions.len() - 1)
                }
            };
            roles.insert(grade_id, (cell_idx, source_role));
        }
        if !problems.is_empty() {
            return Err(InvalidAssignment(problems));
        }
        Ok(Assignment {
            name: name.to_owned(),
            kernel,
            language,
            source,
            questions,
            manual,
            compat: !any_probe && !any_socle,
            roles,
        })
    }

    /// Points available on autograded questions.
    pub fn max_points(&self) -> f64 {
        self.questions.iter().map(|question| question.max).sum()
    }

    /// The notebook as it is executed for a submission: the submission's cells, with test and
    /// read-only cells restored from the teacher's notebook (a student who edits or deletes
    /// them gains nothing), answer cells kept, and cells the student deleted put back where
    /// they were (answers excepted). With `None`, the teacher's own notebook (solution run).
    pub fn merge(&self, submission: Option<&Notebook>) -> Merged {
        let Some(submission) = submission else {
            let cells = self
                .source
                .cells
                .iter()
                .enumerate()
                .map(|(cell_idx, cell)| self.teacher_cell(cell_idx, cell))
                .collect();
            return Merged { cells, missing_answers: BTreeSet::new(), unchanged_answers: BTreeSet::new() };
        };
        let mut cells: Vec<MergedCell> = Vec::new();
        let mut unchanged_answers = BTreeSet::new();
        // Teacher cell index → position in `cells`, to put deleted cells back.
        let mut placed: BTreeMap<usize, usize> = BTreeMap::new();
        for cell in &submission.cells {
            let role = nbgrader_id(cell).and_then(|id| self.roles.get(&id).map(|role| (id, role)));
            match role {
                Some((_, (source_idx, _))) if placed.contains_key(source_idx) => {
                    // A second cell claiming the same grade_id: plain student code at most.
                    cells.push(MergedCell::student(cell));
                }
                Some((_, (source_idx, role))) => {
                    placed.insert(*source_idx, cells.len());
                    if matches!(role, SourceRole::Answer | SourceRole::Manual) && notebook::checksum_unchanged(cell) {
                        unchanged_answers.insert(nbgrader_id(cell).unwrap_or_default());
                    }
                    let merged = match role {
                        SourceRole::Answer | SourceRole::Manual => MergedCell {
                            kind: kind_of(&self.source.cells[*source_idx]),
                            text: cell.source_text(),
                            origin: Origin::Student,
                            source_idx: Some(*source_idx),
                        },
                        SourceRole::Question(_) | SourceRole::ReadOnly => {
                            self.teacher_cell(*source_idx, &self.source.cells[*source_idx])
                        }
                    };
                    cells.push(merged);
                }
                None => cells.push(MergedCell::student(cell)),
            }
        }
        let mut missing_answers = BTreeSet::new();
        for (grade_id, (source_idx, role)) in &self.roles {
            if placed.contains_key(source_idx) {
                continue;
            }
            match role {
                SourceRole::Answer | SourceRole::Manual => {
                    missing_answers.insert(grade_id.clone());
                }
                SourceRole::Question(_) | SourceRole::ReadOnly => {}
            }
        }
        // Put deleted test and read-only cells back after the nearest earlier teacher cell that
        // is present, in teacher order.
        let mut restore: Vec<usize> = self
            .roles
            .values()
            .filter(|(source_idx, role)| {
                !placed.contains_key(source_idx) && matches!(role, SourceRole::Question(_) | SourceRole::ReadOnly)
            })
            .map(|(source_idx, _)| *source_idx)
            .collect();
        restore.sort_unstable();
        for source_idx in restore {
            let position = placed.range(..source_idx).next_back().map_or(0, |(_, position)| position + 1);
            cells.insert(position, self.teacher_cell(source_idx, &self.source.cells[source_idx]));
            for value in placed.values_mut() {
                if *value >= position {
                    *value += 1;
                }
            }
            placed.insert(source_idx, position);
        }
        Merged { cells, missing_answers, unchanged_answers }
    }

    fn teacher_cell(&self, cell_idx: usize, cell: &notebook::Cell) -> MergedCell {
        let question = self.questions.iter().position(|question| question.cell_idx == cell_idx);
        MergedCell {
            kind: match question {
                Some(question_idx) => CellKind::Question(question_idx),
                None => kind_of(cell),
            },
            text: cell.source_text(),
            origin: Origin::Teacher,
            source_idx: Some(cell_idx),
        }
    }
}

fn kind_of(cell: &notebook::Cell) -> CellKind {
    match cell.cell_type {
        CellType::Code => CellKind::Code,
        CellType::Markdown | CellType::Raw => CellKind::Text,
    }
}

/// Who wrote a merged cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The teacher's notebook.
    Teacher,
    /// The submission.
    Student,
}

/// What to do with a merged cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Run it.
    Code,
    /// Grade it: the question's index.
    Question(usize),
    /// Markdown or raw: nothing to run.
    Text,
}

/// One cell of the executed notebook.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedCell {
    /// What to do with it.
    pub kind: CellKind,
    /// Its text (for questions, the teacher's full cell).
    pub text: String,
    /// Who wrote it.
    pub origin: Origin,
    /// The teacher cell it stands for, if any.
    pub source_idx: Option<usize>,
}

impl MergedCell {
    fn student(cell: &notebook::Cell) -> MergedCell {
        MergedCell { kind: kind_of(cell), text: cell.source_text(), origin: Origin::Student, source_idx: None }
    }
}

/// The notebook to execute for one submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// Its cells in execution order.
    pub cells: Vec<MergedCell>,
    /// Answer cells absent from the submission.
    pub missing_answers: BTreeSet<String>,
    /// Answer cells the student left as distributed (their nbgrader checksum is unchanged).
    pub unchanged_answers: BTreeSet<String>,
}

impl Assignment {
    /// Variables a Rust question relies on across an earlier question: evcxr keeps definitions
    /// (functions, types, constants) when a panic restarts its subprocess, but not the values of
    /// `let` bindings, so a panic in the question between them (a learner's `todo!()`) would fail
    /// this one too. One French sentence per such variable; empty for Python.
    pub fn state_warnings(&self) -> Vec<String> {
        if self.language != Language::Rust {
            return Vec::new();
        }
        let question_cells: Vec<usize> = self.questions.iter().map(|question| question.cell_idx).collect();
        let mut warnings = Vec::new();
        for (idx, cell) in self.source.cells.iter().enumerate() {
            if cell.cell_type != notebook::CellType::Code || question_cells.contains(&idx) {
                continue;
            }
            // The first question after the defining cell runs before any later panic could intervene.
            let later = self.questions.iter().filter(|question| question.cell_idx > idx).skip(1);
            let names = let_bindings(&cell.source_text());
            for question in later {
                let uses: Vec<&String> = names
                    .iter()
                    .filter(|name| {
                        mentions(&question.test_code, name)
                            || question.probes.iter().any(|probe| mentions(&probe.expression, name))
                    })
                    .collect();
                for name in uses {
                    warnings.push(format!(
                        "la question « {} » utilise la variable « {name} » définie par `let` dans la cellule {} ; \
                         si une question intermédiaire panique (un `todo!()` non rempli), evcxr perd cette variable \
                         et la question échoue à tort : définissez plutôt une fonction ou une constante",
                        question.id,
                        idx + 1
                    ));
                }
            }
        }
        warnings
    }
}

/// Names bound by the top-level `let` statements of a Rust cell (none if it does not parse).
pub(crate) fn let_bindings(code: &str) -> Vec<String> {
    let Ok(block) = syn::parse_str::<syn::Block>(&format!("{{\n{code}\n}}")) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for statement in block.stmts {
        if let syn::Stmt::Local(local) = statement {
            pattern_names(&local.pat, &mut names);
        }
    }
    names
}

fn pattern_names(pattern: &syn::Pat, names: &mut Vec<String>) {
    match pattern {
        syn::Pat::Ident(ident) => names.push(ident.ident.to_string()),
        syn::Pat::Type(typed) => pattern_names(&typed.pat, names),
        syn::Pat::Tuple(tuple) => tuple.elems.iter().for_each(|elem| pattern_names(elem, names)),
        _ => {}
    }
}

/// Whether `name` occurs in `code` as a whole identifier.
pub(crate) fn mentions(code: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn let_bindings_and_identifier_mentions() {
        assert_eq!(
            let_bindings("let a = 1;\nlet (b, mut c): (i32, i32) = (2, 3);\nfn f() { let d = 4; }"),
            ["a", "b", "c"]
        );
        assert!(let_bindings(":dep x = \"1\"").is_empty());
        assert!(mentions("assert_eq!(df.height(), 3);", "df"));
        assert!(!mentions("assert_eq!(df2.height(), 3); let pdf = 1;", "df"));
    }
}
