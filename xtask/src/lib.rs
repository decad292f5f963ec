//! The parts of `cargo xtask` that its tests call directly: the datasets check.

pub mod datasets;
