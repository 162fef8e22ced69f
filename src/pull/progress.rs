//! Progress of `opsbook pull` on stderr: one line rewritten in place on a
//! terminal, plain lines otherwise (CI logs), nothing with `--quiet`.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

pub struct Progress {
    mode: Mode,
    /// Serialises output of sources fetched on parallel threads.
    lock: Mutex<()>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Terminal,
    Lines,
    Quiet,
}

impl Progress {
    /// Chooses lines or a live line from whether stderr is a terminal.
    pub fn stderr() -> Progress {
        let mode = if std::io::stderr().is_terminal() {
            Mode::Terminal
        } else {
            Mode::Lines
        };
        Progress {
            mode,
            lock: Mutex::new(()),
        }
    }

    /// Prints nothing (library use and unit tests).
    pub fn quiet() -> Progress {
        Progress {
            mode: Mode::Quiet,
            lock: Mutex::new(()),
        }
    }

    /// A step of a source, e.g. `("gitlab", "page 3: 300 incidents")`. On a
    /// terminal it replaces the previous step's line.
    pub fn step(&self, source: &str, message: &str) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = match self.mode {
            Mode::Quiet => Ok(()),
            Mode::Lines => writeln!(err, "{source}: {message}"),
            Mode::Terminal => write!(err, "\r\x1b[2K{source}: {message}"),
        };
    }

    /// A line that stays (a source's summary).
    pub fn done(&self, source: &str, message: &str) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = match self.mode {
            Mode::Quiet => Ok(()),
            Mode::Lines => writeln!(err, "{source}: {message}"),
            Mode::Terminal => writeln!(err, "\r\x1b[2K{source}: {message}"),
        };
    }
}
