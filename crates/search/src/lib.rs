//! Full-text search indexes of socle: tantivy behind plain types.
#![doc = include_str!("../README.md")]

mod analysis;
mod engine;
mod error;
mod facets;
pub mod observatory;
mod paging;
pub mod programmes;
mod snippet;
mod text_query;

pub use engine::{IfUnreadable, OpenState};
pub use error::Error;
pub use facets::{BoolCounts, FacetCount};
pub use snippet::Snippet;
