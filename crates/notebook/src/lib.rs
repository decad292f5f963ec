//! The `.ipynb` model (nbformat 4.0–4.5) and nbgrader's assignment markup, read and written
//! losslessly.
#![doc = include_str!("../README.md")]

mod json;
mod markup;
mod model;
mod nbgrader;
mod probes;
mod problem;
mod python;
mod socle;

pub use markup::{
    ClearSolutionsConfig, Edited, HiddenTests, HiddenTestsConfig, LineProblem, clear_hidden_tests, clear_solutions,
    extract_hidden_tests, hidden_test_regions, remove_hidden_tests, replace_solution_regions,
};
pub use model::{
    Cell, CellType, Kernelspec, LanguageInfo, NBFORMAT, NBFORMAT_MINOR_MAX, Notebook, Output, ReadError, Source,
    WriteError,
};
pub use nbgrader::{
    CellRole, ChecksumError, NBGRADER_KEYS, NbgraderCell, SCHEMA_VERSION, check_nbgrader, checksum_unchanged,
    compute_checksum, compute_checksums,
};
pub use probes::{CellProbes, Probe, ProbeLanguage, ProbedSource, notebook_probes, parse_probes};
pub use problem::{Problem, Rule};
pub use socle::{
    CELL_KEYS, CompetenceId, Level, NOTEBOOK_KEYS, PILLARS, SocleCell, SocleData, SocleNotebook, check_socle,
};

/// serde_json's map and value, the types of metadata and unknown keys.
pub use serde_json::{Map, Value};
