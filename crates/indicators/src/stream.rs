//! A Parquet file written row group by row group, for exports without a row cap: the rows are
//! buffered a few thousand at a time, each full batch becomes one row group written to the
//! output, so memory does not grow with the number of rows.

use std::io::Write;

use polars::prelude::*;

use crate::{Cell, Error};

/// The type of a streamed column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// UTF-8 text (Parquet `STRING`).
    Text,
    /// A whole number (`INT64`).
    Int,
    /// A real number (`DOUBLE`).
    Float,
}

/// Rows per row group.
pub const ROWS_PER_GROUP: usize = 8_192;

/// Writes rows of [`Cell`]s as one Parquet file, one row group per [`ROWS_PER_GROUP`] rows.
pub struct ParquetRows<W: Write> {
    columns: Vec<(PlSmallStr, CellKind)>,
    pending: Vec<Vec<Cell>>,
    writer: polars::io::parquet::write::BatchedWriter<W>,
    rows: u64,
}

fn failed(action: &'static str) -> impl Fn(PolarsError) -> Error {
    move |error| Error::Write { path: "(export en flux)".into(), reason: format!("{action} : {error}") }
}

impl<W: Write> ParquetRows<W> {
    /// Starts a file with these columns (name, type) on `out`.
    pub fn new(out: W, columns: &[(&str, CellKind)]) -> Result<ParquetRows<W>, Error> {
        let columns: Vec<(PlSmallStr, CellKind)> =
            columns.iter().map(|(name, kind)| (PlSmallStr::from(*name), *kind)).collect();
        let schema = Schema::from_iter(columns.iter().map(|(name, kind)| {
            let dtype = match kind {
                CellKind::Text => DataType::String,
                CellKind::Int => DataType::Int64,
                CellKind::Float => DataType::Float64,
            };
            Field::new(name.clone(), dtype)
        }));
        let writer =
            ParquetWriter::new(out).set_parallel(false).batched(&schema).map_err(failed("début du fichier Parquet"))?;
        Ok(ParquetRows { columns, pending: Vec::with_capacity(ROWS_PER_GROUP), writer, rows: 0 })
    }

    /// Adds a row (one cell per column; a cell of another type is written as null).
    pub fn push(&mut self, row: Vec<Cell>) -> Result<(), Error> {
        self.pending.push(row);
        if self.pending.len() >= ROWS_PER_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let height = rows.len();
        let series: Vec<Column> = self
            .columns
            .iter()
            .enumerate()
            .map(|(position, (name, kind))| {
                let cells = rows.iter().map(|row| row.get(position));
                match kind {
                    CellKind::Text => Series::new(
                        name.clone(),
                        cells
                            .map(|cell| match cell {
                                Some(Cell::Text(text)) => Some(text.as_str()),
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                    ),
                    CellKind::Int => Series::new(
                        name.clone(),
                        cells
                            .map(|cell| match cell {
                                Some(Cell::Int(value)) => Some(*value),
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                    ),
                    CellKind::Float => Series::new(
                        name.clone(),
                        cells
                            .map(|cell| match cell {
                                Some(Cell::Float(value)) => Some(*value),
                                Some(Cell::Int(value)) => Some(*value as f64),
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                    ),
                }
                .into()
            })
            .collect();
        let frame = DataFrame::new(height, series).map_err(failed("préparation d'un groupe de lignes"))?;
        self.writer.write_batch(&frame).map_err(failed("écriture d'un groupe de lignes"))?;
        self.rows += height as u64;
        self.pending = Vec::with_capacity(ROWS_PER_GROUP);
        Ok(())
    }

    /// Writes the rows left and the file's footer; returns the number of rows.
    pub fn finish(mut self) -> Result<u64, Error> {
        self.flush()?;
        self.writer.finish().map_err(failed("fin du fichier Parquet"))?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_from_the_file_in_order_with_their_types() {
        let mut out = Vec::new();
        let mut rows =
            ParquetRows::new(&mut out, &[("id", CellKind::Text), ("n", CellKind::Int), ("x", CellKind::Float)])
                .expect("début");
        for index in 0..(ROWS_PER_GROUP * 2 + 5) {
            let x = if index % 3 == 0 { Cell::Null } else { Cell::Float(index as f64 / 2.0) };
            rows.push(vec![Cell::Text(format!("r{index}")), Cell::Int(index as i64), x]).expect("ligne");
        }
        assert_eq!(rows.finish().expect("fin"), (ROWS_PER_GROUP * 2 + 5) as u64);
        let frame = ParquetReader::new(std::io::Cursor::new(out)).finish().expect("relecture");
        assert_eq!(frame.height(), ROWS_PER_GROUP * 2 + 5);
        let ids = frame.column("id").expect("id").str().expect("texte").clone();
        assert_eq!(ids.get(ROWS_PER_GROUP + 1), Some(format!("r{}", ROWS_PER_GROUP + 1).as_str()));
        let numbers = frame.column("n").expect("n").i64().expect("entier").clone();
        assert_eq!(numbers.get(7), Some(7));
        let reals = frame.column("x").expect("x").f64().expect("réel").clone();
        assert_eq!((reals.get(3), reals.get(4)), (None, Some(2.0)));
    }
}
