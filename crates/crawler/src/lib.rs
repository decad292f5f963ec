//! The observatory's polite crawler.
#![doc = include_str!("../README.md")]

pub mod canon;
pub mod charset;
pub mod crawl;
pub mod fetch;
pub mod frontier;
pub mod politeness;
pub mod robots;
pub mod sitemap;
pub mod warc;

pub use crawl::{CrawlConfig, CrawlError, CrawlReport, FetchedPage, LinkExtractor, run};
pub use fetch::{Config as FetchConfig, FetchError, Fetcher, ROBOTS_AGENT, USER_AGENT};
