//! SLIs from a Prometheus-compatible engine → `data/sli/YYYY-MM.yaml`.
//! (Being written.)

use crate::config::PrometheusSource;
use crate::data::model::SliMonth;
use crate::diag::Diagnostics;

use super::http::Auth;
use super::window::SliPeriod;
use super::{Ctx, Fetched};

/// One `SliMonth` per period asked (services sorted by id; empty when the
/// engine has no series for it).
pub fn fetch(
    _ctx: &Ctx,
    _cfg: &PrometheusSource,
    _auth: Option<&Auth>,
    _periods: &[SliPeriod],
) -> Result<Fetched<Vec<SliMonth>>, Diagnostics> {
    Ok(Fetched {
        records: Vec::new(),
        warnings: Diagnostics::new(),
    })
}
