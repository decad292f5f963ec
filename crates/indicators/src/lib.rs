//! The observatory's data: records stored as Parquet, the source of truth of the dashboard's
//! indicators.
#![doc = include_str!("../README.md")]

mod error;
pub mod store;
mod table;

pub use error::Error;
pub use store::{LenientRead, RecordStore, Rejected, WriteReport};
