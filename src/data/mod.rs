//! Data: the snapshots under `data/` (services, incidents, maintenance
//! windows, measured availability, pages), loaded and validated into the
//! typed model of `model`.
//!
//! `load` reports every rule broken in every file in one run, each at its
//! file, line and column; the format is documented in docs/data-format.md.

pub mod imported;
mod load;
pub mod model;
pub mod month;
pub mod percent;
mod validate;
pub mod write;
mod yaml;

pub use imported::ImportedMonth;
pub use load::{DATA_DIR, Loaded, load};
pub use model::*;
pub use month::Month;
pub use percent::Percent;

/// Incident ids that have a snapshot file (`data/incidents/YYYY/<id>.yaml`),
/// read from file names only. Lets other checks go on when the snapshots
/// themselves have errors.
pub fn incident_ids_on_disk(root: &std::path::Path) -> std::collections::BTreeSet<String> {
    let dir = root.join(DATA_DIR).join("incidents");
    walkdir::WalkDir::new(dir)
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".yaml")
                .map(str::to_string)
        })
        .collect()
}
