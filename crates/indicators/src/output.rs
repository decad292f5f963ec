//! An indicator's result as plain data: named, labelled columns and rows of cells, with the
//! problems met while reading the records. It can be written as one Parquet file.

use polars::prelude::*;

use crate::Error;

/// One column of a result table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Machine name, snake_case ASCII (`mois`, `region_code`, `offres`, `mediane`…).
    pub name: String,
    /// French header.
    pub label: String,
    /// French unit of the values, when they have one (« offres », « euros », « % »…).
    pub unit: Option<String>,
}

impl Column {
    pub(crate) fn new(name: &str, label: &str, unit: Option<&str>) -> Column {
        Column { name: name.into(), label: label.into(), unit: unit.map(str::to_string) }
    }
}

/// One value of a result table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (a code, a label, a month).
    Text(String),
    /// A whole number (a count).
    Int(i64),
    /// A real number (an amount, a share, a salary).
    Float(f64),
    /// No value.
    Null,
}

impl Cell {
    pub(crate) fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    pub(crate) fn float(value: Option<f64>) -> Cell {
        value.filter(|value| value.is_finite()).map_or(Cell::Null, Cell::Float)
    }
}

/// An indicator's result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The columns, in display order.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column, sorted for display.
    pub rows: Vec<Vec<Cell>>,
    /// Problems met while reading the records (damaged files skipped), in French.
    pub problems: Vec<String>,
}

impl Table {
    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|column| column.name == name)
    }

    /// Writes the table as one Parquet file (typed columns: Utf8 / Int64 / Float64). A column's
    /// type is the one of its cells: Int64 when they are all whole numbers, Float64 when some
    /// are real numbers, Utf8 otherwise (and for a column without any value).
    pub fn write_parquet<W: std::io::Write>(&self, out: W) -> Result<(), Error> {
        let fail = |reason: String| Error::Write { path: "tableau d'indicateur".into(), reason };
        let mut columns = Vec::with_capacity(self.columns.len());
        for (index, column) in self.columns.iter().enumerate() {
            let cells = self.rows.iter().map(|row| row.get(index).unwrap_or(&Cell::Null));
            let has_text = cells.clone().any(|cell| matches!(cell, Cell::Text(_)));
            let has_float = cells.clone().any(|cell| matches!(cell, Cell::Float(_)));
            let has_int = cells.clone().any(|cell| matches!(cell, Cell::Int(_)));
            let name: PlSmallStr = column.name.as_str().into();
            let series = if has_text || !(has_float || has_int) {
                let values: Vec<Option<String>> = cells
                    .map(|cell| match cell {
                        Cell::Text(text) => Some(text.clone()),
                        Cell::Int(value) => Some(value.to_string()),
                        Cell::Float(value) => Some(value.to_string()),
                        Cell::Null => None,
                    })
                    .collect();
                StringChunked::from_iter_options(name, values.iter().map(Option::as_deref)).into_column()
            } else if has_float {
                Float64Chunked::from_iter_options(
                    name,
                    cells.map(|cell| match cell {
                        #[allow(clippy::cast_precision_loss)]
                        Cell::Int(value) => Some(*value as f64),
                        Cell::Float(value) => Some(*value),
                        _ => None,
                    }),
                )
                .into_column()
            } else {
                Int64Chunked::from_iter_options(
                    name,
                    cells.map(|cell| match cell {
                        Cell::Int(value) => Some(*value),
                        _ => None,
                    }),
                )
                .into_column()
            };
            columns.push(series);
        }
        let mut frame = DataFrame::new(self.rows.len(), columns).map_err(|error| fail(error.to_string()))?;
        ParquetWriter::new(out)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut frame)
            .map_err(|error| fail(error.to_string()))?;
        Ok(())
    }
}
