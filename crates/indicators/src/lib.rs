//! The observatory's data: records stored as Parquet, and the dashboard's indicators computed
//! over them.
#![doc = include_str!("../README.md")]

pub mod catalogue;
pub mod compute;
mod error;
mod output;
pub mod store;
mod stream;
mod table;

pub use catalogue::{Catalogue, ChartKind, Definition, Dimension, Theme};
pub use compute::{Context, Engine, Filters, KeyFigure, ProgrammeSupply, Supply, Taught};
pub use error::Error;
pub use output::{Cell, Column, Table};
pub use store::{LenientRead, RecordStore, Rejected, WriteReport};
pub use stream::{CellKind, ParquetRows, ROWS_PER_GROUP};
