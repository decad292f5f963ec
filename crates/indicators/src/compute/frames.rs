//! Lazy frames over the store's files: the current list of data files of a kind, each scanned
//! with the columns the indicators need (renamed to short names, a missing optional column read
//! as nulls, the month taken from the partition's directory), filtered, then collected with
//! damaged files skipped and reported.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use records::Kind;

use super::{Engine, Filters};
use crate::Error;

/// One data file of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataFile {
    pub(crate) path: PathBuf,
    /// `YYYY-MM` or `inconnu`, from the partition's directory.
    pub(crate) month: String,
}

/// The data files of a kind (`kind=<k>/month=*/<file>.parquet`, hidden ones skipped), sorted;
/// empty when the kind has no directory.
pub(crate) fn list_files(root: &Path, kind: Kind) -> Result<Vec<DataFile>, Error> {
    let kind_dir = root.join(format!("kind={}", kind.as_str()));
    let Ok(entries) = fs::read_dir(&kind_dir) else { return Ok(Vec::new()) };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(Error::io("lire le dossier", &kind_dir))?;
        let Ok(name) = entry.file_name().into_string() else { continue };
        let Some(month) = name.strip_prefix("month=") else { continue };
        let Ok(inner) = fs::read_dir(entry.path()) else { continue };
        for file in inner.flatten() {
            let Ok(file_name) = file.file_name().into_string() else { continue };
            if crate::store::is_data_file(&file_name) && file.path().is_file() {
                files.push(DataFile { path: file.path(), month: month.to_string() });
            }
        }
    }
    files.sort_by(|left, right| left.path.cmp(&right.path));
    Ok(files)
}

/// The columns read for a kind: (name in the file, short name, type).
fn columns(kind: Kind) -> Vec<(&'static str, &'static str, DataType)> {
    let text = || DataType::String;
    match kind {
        Kind::Job => vec![
            ("location_region_code", "region", text()),
            ("contract", "contract", text()),
            ("sector", "sector", text()),
            ("rome_code", "rome", text()),
            ("competences", "competences", DataType::List(Box::new(DataType::String))),
            ("salary_min", "salary_min", DataType::Float64),
            ("salary_max", "salary_max", DataType::Float64),
            ("salary_currency", "salary_currency", text()),
            ("salary_period", "salary_period", text()),
        ],
        Kind::Funding => vec![
            ("region_code", "region", text()),
            ("sector", "sector", text()),
            ("amount_value", "amount", DataType::Float64),
            ("amount_currency", "currency", text()),
            ("programme", "programme", text()),
            ("stage", "stage", text()),
            ("funder", "funder", text()),
        ],
        Kind::Project | Kind::Dataset => vec![("region_code", "region", text()), ("sector", "sector", text())],
    }
}

/// A file's schema, or why it cannot be read (in French).
fn probe(path: &Path) -> Result<Schema, String> {
    crate::store::check_framing(path)?;
    let reference = PlRefPath::try_from_path(path).map_err(|error| format!("chemin illisible : {error}"))?;
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| -> PolarsResult<Schema> {
        let mut frame = LazyFrame::scan_parquet(reference, ScanArgsParquet::default())?;
        Ok(frame.collect_schema()?.as_ref().clone())
    }));
    match outcome {
        Ok(Ok(schema)) => Ok(schema),
        Ok(Err(error)) => Err(format!("lecture Parquet impossible : {error}")),
        Err(_) => Err("le lecteur Parquet a échoué sur un contenu incohérent".into()),
    }
}

/// The lazy frame of one file with the kind's short columns and `month`.
fn file_frame(kind: Kind, file: &DataFile, schema: &Schema) -> Result<LazyFrame, String> {
    let mut selection = Vec::new();
    for (name, short, dtype) in columns(kind) {
        match schema.get(name) {
            Some(found) if found == &dtype => selection.push(col(name).alias(short)),
            Some(DataType::Null) | None => selection.push(lit(NULL).cast(dtype).alias(short)),
            Some(found) => return Err(format!("la colonne {name} est de type {found}, au lieu de {dtype}")),
        }
    }
    selection.push(lit(file.month.as_str()).alias("month"));
    let reference = PlRefPath::try_from_path(&file.path).map_err(|error| format!("chemin illisible : {error}"))?;
    let frame = LazyFrame::scan_parquet(reference, ScanArgsParquet::default())
        .map_err(|error| format!("lecture Parquet impossible : {error}"))?;
    Ok(frame.select(selection))
}

/// An empty frame with the kind's short columns, for a kind without files.
fn empty_frame(kind: Kind) -> LazyFrame {
    let mut fields: Vec<Column> =
        columns(kind).into_iter().map(|(_, short, dtype)| Column::new_empty(short.into(), &dtype)).collect();
    fields.push(Column::new_empty("month".into(), &DataType::String));
    DataFrame::new(0, fields).unwrap_or_default().lazy()
}

/// Keeps the rows where `column` equals one of `values` (none kept out when `values` is empty).
fn one_of(column: &str, values: &[String]) -> Option<Expr> {
    values.iter().map(|value| col(column).eq(lit(value.as_str()))).reduce(Expr::or)
}

/// The filters that apply to a kind, as one predicate (`None` when nothing is filtered). The
/// period is applied to the file list already; `competences` only when `by_posting` (tables by
/// competence filter their rows instead).
fn predicate(kind: Kind, filters: &Filters, by_posting: bool) -> Option<Expr> {
    let mut parts: Vec<Expr> = Vec::new();
    parts.extend(one_of("region", &filters.regions));
    parts.extend(one_of("sector", &filters.sectors));
    if kind == Kind::Job {
        parts.extend(one_of("contract", &filters.contracts));
        if by_posting {
            parts.extend(
                filters
                    .competences
                    .iter()
                    .map(|competence| col("competences").list().contains(lit(competence.as_str()), false))
                    .reduce(Expr::or),
            );
        }
    }
    parts.into_iter().reduce(Expr::and)
}

/// The outcome of a query: its frame and the files skipped.
pub(crate) struct Scanned {
    pub(crate) frame: DataFrame,
    pub(crate) problems: Vec<String>,
}

fn damaged(path: &Path, reason: &str) -> String {
    Error::Damaged { path: path.to_path_buf(), reason: reason.to_string() }.to_string()
}

fn collect(frame: LazyFrame) -> Result<DataFrame, String> {
    match panic::catch_unwind(AssertUnwindSafe(move || frame.collect())) {
        Ok(Ok(frame)) => Ok(frame),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("le calcul polars s'est interrompu sur un contenu incohérent".into()),
    }
}

impl Engine {
    /// Runs `query` over the records of `kind` that pass the filters. The file list is read now;
    /// if the query fails because a file vanished meanwhile (an ingestion replaced it), the list
    /// is read again once. A file that cannot be read is skipped and named in `problems`.
    pub(crate) fn query(
        &self,
        kind: Kind,
        filters: &Filters,
        by_posting: bool,
        query: &dyn Fn(LazyFrame) -> LazyFrame,
    ) -> Result<Scanned, Error> {
        let mut files = self.listed(kind, filters)?;
        let mut relisted = false;
        loop {
            let mut problems = Vec::new();
            let mut frames: Vec<(DataFile, LazyFrame)> = Vec::new();
            for file in &files {
                match probe(&file.path).and_then(|schema| file_frame(kind, file, &schema)) {
                    Ok(frame) => frames.push((file.clone(), frame)),
                    Err(reason) if !file.path.exists() => {
                        // Vanished between the listing and the probe: the next listing sees it.
                        let _ = reason;
                    }
                    Err(reason) => problems.push(damaged(&file.path, &reason)),
                }
            }
            let build = |frames: &[(DataFile, LazyFrame)]| -> Result<LazyFrame, String> {
                let base = if frames.is_empty() {
                    empty_frame(kind)
                } else {
                    let lazy: Vec<LazyFrame> = frames.iter().map(|(_, frame)| frame.clone()).collect();
                    concat(lazy, UnionArgs { rechunk: false, ..UnionArgs::default() })
                        .map_err(|error| error.to_string())?
                };
                let filtered = match predicate(kind, filters, by_posting) {
                    Some(predicate) => base.filter(predicate),
                    None => base,
                };
                Ok(query(filtered))
            };
            match build(&frames).and_then(collect) {
                Ok(frame) => return Ok(Scanned { frame, problems }),
                Err(reason) => {
                    let again = self.listed(kind, filters)?;
                    if !relisted && (again != files || files.iter().any(|file| !file.path.exists())) {
                        relisted = true;
                        files = again;
                        continue;
                    }
                    // Find the files that cannot be read whole, skip them and run once more.
                    let mut kept = Vec::new();
                    for (file, frame) in frames {
                        match collect(frame.clone()) {
                            Ok(_) => kept.push((file, frame)),
                            Err(reason) => problems.push(damaged(&file.path, &reason)),
                        }
                    }
                    return match build(&kept).and_then(collect) {
                        Ok(frame) => Ok(Scanned { frame, problems }),
                        Err(_) => {
                            Err(Error::Indicator { id: String::new(), reason: format!("échec du calcul : {reason}") })
                        }
                    };
                }
            }
        }
    }

    fn listed(&self, kind: Kind, filters: &Filters) -> Result<Vec<DataFile>, Error> {
        let mut files = list_files(self.root(), kind)?;
        files.retain(|file| filters.keeps_month(&file.month));
        Ok(files)
    }
}

/// The values of a string column.
pub(crate) fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    match frame.column(name).and_then(|column| column.cast(&DataType::String)) {
        Ok(column) => match column.str() {
            Ok(values) => values.iter().map(|value| value.map(str::to_string)).collect(),
            Err(_) => vec![None; frame.height()],
        },
        Err(_) => vec![None; frame.height()],
    }
}

/// The values of a numeric column as whole numbers.
pub(crate) fn ints(frame: &DataFrame, name: &str) -> Vec<i64> {
    match frame.column(name).and_then(|column| column.cast(&DataType::Int64)) {
        Ok(column) => match column.i64() {
            Ok(values) => values.iter().map(|value| value.unwrap_or(0)).collect(),
            Err(_) => vec![0; frame.height()],
        },
        Err(_) => vec![0; frame.height()],
    }
}

/// The values of a numeric column as real numbers.
pub(crate) fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    match frame.column(name).and_then(|column| column.cast(&DataType::Float64)) {
        Ok(column) => match column.f64() {
            Ok(values) => values.iter().collect(),
            Err(_) => vec![None; frame.height()],
        },
        Err(_) => vec![None; frame.height()],
    }
}
