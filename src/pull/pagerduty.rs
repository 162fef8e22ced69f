//! PagerDuty incidents → `data/pages/YYYY-MM.yaml` months.
//! (Being written.)

use crate::config::PagerDutySource;
use crate::data::Month;
use crate::data::model::PagesMonth;
use crate::diag::Diagnostics;

use super::http::Auth;
use super::{Ctx, Fetched};

/// One `PagesMonth` per month asked (empty when nothing paged), pages of
/// unmapped services skipped and listed once in the warnings.
pub fn fetch(
    _ctx: &Ctx,
    _cfg: &PagerDutySource,
    _auth: &Auth,
    _months: &[Month],
) -> Result<Fetched<Vec<PagesMonth>>, Diagnostics> {
    Ok(Fetched {
        records: Vec::new(),
        warnings: Diagnostics::new(),
    })
}
