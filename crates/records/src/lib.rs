//! The observatory's plain data: normalised records and source declarations.
//!
//! Records are what the extraction produces and what every later stage reads: the Parquet store
//! (`indicators`), the search index (`search`) and the dashboard (`web`). They hold no personal
//! data: the extraction removes it before a record is built. Source declarations
//! (`observatory/sources/*.toml`) tell the crawler what to fetch and the extraction how to read
//! pages without structured data. The shared vocabularies live here too: INSEE regions
//! ([`geo::REGIONS`]) and sector slugs ([`SECTORS`]).

pub mod geo;
mod record;
mod sector;
pub mod source;

pub use record::{
    Amount, Contract, Dataset, Funding, JobPosting, Kind, Location, Project, Record, Salary, SalaryPeriod,
};
pub use sector::{SECTORS, sector_label};
