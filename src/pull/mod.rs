//! `opsbook pull`: fetches incidents (GitLab), pages (PagerDuty) and SLIs
//! (Prometheus-compatible engines) and writes them as the canonical data
//! snapshots, staged and validated before anything under `data/` changes.
//!
//! So far only the HTTP layer is here (`http`): timeouts, retries, rate
//! limits and token secrecy, shared by every source. The sources, the
//! staging directory and the command come next.

pub mod http;
