//! Daily uptime bars, as status pages show them: one bar per day for the 90
//! days ending at "as of", each with its availability in its title and a
//! link to the day's public incidents, plus the same numbers as a table.
//! Plain HTML and CSS classes (no script, right in dark mode and in print);
//! the numbers come from `analyse`, this module only lays them out.

use serde::Serialize;

/// One day as the analysis gives it.
pub struct Day {
    /// `2026-11-01`.
    pub date: String,
    /// Percent, `None` before the data begins ("no data", never 100%).
    pub availability: Option<f64>,
    /// The exact value cut to two decimals, for display (`99.99`).
    pub display: Option<String>,
    /// Public incidents of that day: (title, url).
    pub incidents: Vec<(String, String)>,
}

/// What the `partials/uptime.html` template draws.
#[derive(Serialize)]
pub struct Bars {
    pub days: Vec<BarView>,
    /// Days with data, for the caption.
    pub measured: usize,
}

#[derive(Serialize)]
pub struct BarView {
    pub date: String,
    /// `up`, `minor` (below target), `major` (below 99%), `nodata`.
    pub class: &'static str,
    /// `2026-11-01: 99.99%` or `2026-11-01: no data`.
    pub label: String,
    pub value: Option<String>,
    /// Link of the day's first public incident, if any.
    pub url: Option<String>,
    pub incidents: Vec<IncidentLink>,
}

#[derive(Serialize)]
pub struct IncidentLink {
    pub title: String,
    pub url: String,
}

/// `target` in percent decides `minor`; below 99% is `major`.
pub fn bars(days: Vec<Day>, target: f64) -> Bars {
    let measured = days.iter().filter(|d| d.availability.is_some()).count();
    let days = days
        .into_iter()
        .map(|d| {
            let class = match d.availability {
                None => "nodata",
                Some(a) if a < 99.0 => "major",
                Some(a) if a < target => "minor",
                Some(_) => "up",
            };
            let label = match &d.display {
                Some(v) if d.incidents.is_empty() => format!("{}: {v}%", d.date),
                Some(v) => format!(
                    "{}: {v}%, {} incident{}",
                    d.date,
                    d.incidents.len(),
                    if d.incidents.len() == 1 { "" } else { "s" }
                ),
                None => format!("{}: no data", d.date),
            };
            BarView {
                url: d.incidents.first().map(|(_, u)| u.clone()),
                incidents: d
                    .incidents
                    .into_iter()
                    .map(|(title, url)| IncidentLink { title, url })
                    .collect(),
                date: d.date,
                class,
                label,
                value: d.display,
            }
        })
        .collect();
    Bars { days, measured }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, a: Option<f64>, incidents: usize) -> Day {
        Day {
            date: date.into(),
            availability: a,
            display: a.map(|v| format!("{v:.2}")),
            incidents: (0..incidents)
                .map(|k| (format!("I{k}"), format!("/incidents/i{k}/")))
                .collect(),
        }
    }

    #[test]
    fn classes_labels_and_links() {
        let b = bars(
            vec![
                day("2026-11-01", None, 0),
                day("2026-11-02", Some(100.0), 0),
                day("2026-11-03", Some(99.9), 1),
                day("2026-11-04", Some(97.0), 2),
            ],
            99.95,
        );
        let classes: Vec<&str> = b.days.iter().map(|d| d.class).collect();
        assert_eq!(classes, ["nodata", "up", "minor", "major"]);
        assert_eq!(b.measured, 3);
        assert_eq!(b.days[0].label, "2026-11-01: no data");
        assert_eq!(b.days[2].label, "2026-11-03: 99.90%, 1 incident");
        assert_eq!(b.days[3].label, "2026-11-04: 97.00%, 2 incidents");
        assert_eq!(b.days[3].url.as_deref(), Some("/incidents/i0/"));
        assert_eq!(b.days[1].url, None);
    }
}
