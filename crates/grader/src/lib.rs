//! Autograding: assignment + submission → grade report with mastery per competence.
#![doc = include_str!("../README.md")]

pub mod assignment;
pub mod canary;
pub mod feedback;
pub mod labkit;
pub mod report;
pub mod run;
pub mod score;
pub mod secrets;
pub mod value;

use std::path::Path;

pub use assignment::{Assignment, InvalidAssignment, Language};
pub use kernel::{ExecuteLimits, KernelConfig};
pub use report::{CompetenceReport, GradeReport, Integrity, QuestionReport, Status};
pub use score::Expected;

/// nbgrader's « generate assignment »: solutions replaced by the language's stub, hidden tests
/// removed, outputs cleared, checksums written. This is what learners may see of a lab.
pub fn student_version(source: &notebook::Notebook) -> (notebook::Notebook, Vec<notebook::Problem>) {
    let (cleared, mut problems) = notebook::clear_solutions(source, &notebook::ClearSolutionsConfig::default());
    let (mut student, hidden_problems) =
        notebook::clear_hidden_tests(&cleared, &notebook::HiddenTestsConfig::default());
    problems.extend(hidden_problems);
    for cell in &mut student.cells {
        if cell.outputs.is_some() {
            cell.outputs = Some(Vec::new());
            cell.other.insert("execution_count".to_owned(), serde_json::Value::Null);
        }
    }
    let (student, checksum_problems) = notebook::compute_checksums(&student);
    problems.extend(checksum_problems);
    (student, problems)
}

/// How to grade.
#[derive(Debug, Clone, Default)]
pub struct GradeConfig {
    /// The kernel and its sandbox.
    pub kernel: KernelConfig,
    /// Per-cell limits (timeout, output cap).
    pub limits: ExecuteLimits,
    /// Lab data files copied into each kernel's scratch folder.
    pub data_files: Vec<std::path::PathBuf>,
}

/// Why grading could not start at all (a single submission never fails: it gets a report).
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// The kernel could not be found or started.
    #[error("noyau « {kernel} »")]
    Kernel {
        /// Kernelspec name.
        kernel: String,
        /// What went wrong.
        source: kernel::KernelError,
    },
}

/// The kernelspec an assignment runs in. Notebooks often name a kernel that only exists under
/// another name (old nbgrader examples say « python »): the language's usual kernel is the
/// fallback, as in Jupyter front ends.
pub fn kernelspec(assignment: &Assignment) -> Result<kernel::KernelSpec, kernel::KernelError> {
    let search_path = kernel::search_path();
    kernel::find_kernelspec(&assignment.kernel, &search_path)
        .or_else(|_| kernel::find_kernelspec(assignment.language.default_kernel(), &search_path))
}

/// Starts a sandboxed kernel for an assignment and copies the lab data into its scratch folder.
pub async fn start_kernel(assignment: &Assignment, config: &GradeConfig) -> Result<kernel::Kernel, GradeError> {
    let kernel_error = |source| GradeError::Kernel { kernel: assignment.kernel.clone(), source };
    let spec = kernelspec(assignment).map_err(kernel_error)?;
    let mut kernel_config = config.kernel.clone();
    kernel_config.execution = config.limits.clone();
    let kernel = kernel::Kernel::start(&spec, &kernel_config).await.map_err(kernel_error)?;
    for file in &config.data_files {
        if let Some(name) = file.file_name() {
            // A missing data file shows up as the learner's code failing to open it.
            let _ = std::fs::copy(file, kernel.scratch_dir().join(name));
        }
    }
    Ok(kernel)
}

/// Runs the teacher's notebook (solutions included) to compute the expected probe values; the
/// second element lists what is wrong with the solution itself.
pub async fn solution_run(
    assignment: &Assignment,
    config: &GradeConfig,
) -> Result<(Expected, Vec<String>), GradeError> {
    let mut kernel = start_kernel(assignment, config).await?;
    let merged = assignment.merge(None);
    let execution = run::execute(assignment, &merged, &mut kernel, &config.limits, None).await;
    kernel.shutdown().await;
    Ok(score::expected_from_solution(assignment, &execution))
}

/// Everything grading one submission gives.
#[derive(Debug, Clone)]
pub struct Graded {
    /// The report.
    pub report: GradeReport,
    /// The feedback notebook (nbformat JSON), absent when the submission was unreadable.
    pub feedback: Option<String>,
}

/// Grades one submission file in a fresh kernel (taken from the caller, who may have started it
/// ahead of time); `name` is how the report names the submission. Never fails: an unreadable
/// submission gets a report saying why, with score 0.
pub async fn grade_file(
    assignment: &Assignment,
    expected: &Expected,
    path: &Path,
    name: &str,
    kernel: Result<kernel::Kernel, GradeError>,
    config: &GradeConfig,
    seed: u64,
) -> Graded {
    let submission = match notebook::Notebook::read(path) {
        Ok(submission) => submission,
        Err(err) => {
            if let Ok(kernel) = kernel {
                kernel.shutdown().await;
            }
            return Graded {
                report: score::unreadable(assignment, name, &format!("copie illisible : {err}")),
                feedback: None,
            };
        }
    };
    let mut kernel = match kernel {
        Ok(kernel) => kernel,
        Err(err) => {
            return Graded {
                report: score::unreadable(assignment, name, &format!("correction impossible : {err}")),
                feedback: None,
            };
        }
    };
    let merged = assignment.merge(Some(&submission));
    let execution = run::execute(assignment, &merged, &mut kernel, &config.limits, Some(seed)).await;
    // The kernel stops in the background: the next submission need not wait for it.
    tokio::spawn(kernel.shutdown());
    let report = score::score(assignment, &merged, &execution, expected, name);
    let feedback = feedback::feedback_notebook(assignment, &merged, &execution, &report);
    Graded { report, feedback: Some(feedback) }
}
