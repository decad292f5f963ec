//! The observatory's plain data: normalised records and source declarations.
#![doc = include_str!("../README.md")]

pub mod geo;
mod months;
mod record;
mod sector;
pub mod source;

pub use months::{MONTHS_FR, month_label, month_name};
pub use record::{
    Amount, Contract, Dataset, Funding, JobPosting, Kind, Location, Project, Record, Salary, SalaryPeriod,
};
pub use sector::{SECTORS, sector_label};
