//! opsbook: builds an SRE team's handbook, post-mortems and availability
//! record into a static site.
//!
//! The code follows the pipeline, one module per stage:
//! `config` + `content` (load) → `markdown` (render a page) → `templates`
//! (lay it out) → `site` (run the whole build) → `output` (write `public/`
//! atomically). `diag` carries errors of every stage to the user.

pub mod analyse;
pub mod config;
pub mod content;
pub mod data;
pub mod diag;
pub mod markdown;
pub mod output;
pub mod scaffold;
pub mod site;
pub mod templates;
