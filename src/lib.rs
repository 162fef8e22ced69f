//! opsbook: builds an SRE team's handbook, post-mortems and availability
//! record into a static site.
//!
//! The code follows the pipeline, one module per stage:
//! `settings` (+ `config`) → `content` + `data` (load and validate) →
//! `analyse` (figures) → `publish` (the public view: where "public" is
//! decided) → `urls` (every output path, planned) → `render` (`markdown`,
//! `templates`, feed, sitemap) → `output` (write `public/` atomically).
//! `build` runs them in order; `diag` carries every stage's problems to
//! the user.

pub mod analyse;
pub mod build;
pub mod config;
pub mod content;
pub mod data;
pub mod diag;
pub mod import;
pub mod markdown;
pub mod merge_request;
pub mod output;
pub mod postmortem;
pub mod publish;
pub mod pull;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod settings;
pub mod templates;
pub mod timings;
pub mod urls;
