//! Data: the snapshots under `data/` (services, incidents, maintenance
//! windows), loaded and validated into the typed model of `model`.
//!
//! `load` reports every rule broken in every file in one run, each at its
//! file, line and column; the format is documented in docs/data-format.md.

mod load;
pub mod model;
mod validate;

pub use load::{DATA_DIR, load};
pub use model::*;
