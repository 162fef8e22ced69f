//! Stage timings: `OPSBOOK_TIMINGS=1 opsbook build` prints how long each
//! stage of the pipeline took, on stderr, so a slow build can be explained
//! without a profiler. Off by default: it costs one clock read per stage.

use std::time::Instant;

pub struct Timings {
    on: bool,
    last: Instant,
    /// CPU time of all threads at the last mark, when the system says.
    cpu: Option<f64>,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            on: std::env::var_os("OPSBOOK_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"),
            last: Instant::now(),
            cpu: cpu_ms(),
        }
    }

    /// Prints the time since the previous mark, named `stage`.
    pub fn mark(&mut self, stage: &str) {
        if self.on {
            let now = Instant::now();
            let cpu = cpu_ms();
            // CPU time shows how parallel a stage was, and varies less
            // than wall time on a busy machine.
            let spent = match (cpu, self.cpu) {
                (Some(now), Some(then)) => format!(", cpu {:>8.1} ms", now - then),
                _ => String::new(),
            };
            eprintln!(
                "timing: {stage:<24} {:>8.1} ms{spent}{}",
                (now - self.last).as_secs_f64() * 1000.0,
                memory()
            );
            self.last = now;
            self.cpu = cpu;
        }
    }
}

/// CPU time so far of the process's live threads (Linux: each thread's
/// `schedstat`, in nanoseconds), in milliseconds. Threads that ended are
/// not counted: rayon's workers live as long as the process.
fn cpu_ms() -> Option<f64> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total as f64 / 1e6)
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
