//! Stage timings: `OPSBOOK_TIMINGS=1 opsbook build` prints how long each
//! stage of the pipeline took, on stderr, so a slow build can be explained
//! without a profiler. Off by default: it costs one clock read per stage.

use std::time::Instant;

pub struct Timings {
    on: bool,
    last: Instant,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            on: std::env::var_os("OPSBOOK_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"),
            last: Instant::now(),
        }
    }

    /// Prints the time since the previous mark, named `stage`.
    pub fn mark(&mut self, stage: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "timing: {stage:<24} {:>8.1} ms{}",
                (now - self.last).as_secs_f64() * 1000.0,
                memory()
            );
            self.last = now;
        }
    }
}

/// The process's resident memory now and at its peak, where the system
/// says (Linux), else nothing.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().strip_suffix(" kB"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!(
        "   rss {:>5} MiB, peak {:>5} MiB",
        field("VmRSS:"),
        field("VmHWM:")
    )
}
