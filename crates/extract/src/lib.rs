//! Extraction and normalisation of observatory records.
#![doc = include_str!("../README.md")]

pub mod competences;
pub mod dedup;
pub mod normalise;
pub mod pii;

mod adapters;
mod css;
mod feed;
mod html;
mod jsonld;
mod microdata;
mod page;
mod schema;

pub use page::{Extraction, Extractor, MAX_BODY_BYTES, Page};
