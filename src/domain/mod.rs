//! The data types every part of opsdeck shares: what sources produce (alerts, query
//! answers, status pages, silences, poll outcomes) and how fresh a source is.
//!
//! Contract: this module imports nothing else of the crate. `sources` parses wire formats
//! into these types, `derive` and `model` compute from them, `ui` reads the model
//! (the architecture test in `tests/it/architecture.rs` holds every edge).
mod alert;
mod duration;
mod label_set;
mod matchers;
mod metrics;
mod poll;
mod silence;
mod status;

pub use alert::*;
pub use duration::format_compact;
pub use label_set::LabelSet;
pub use matchers::{
    CompiledMatcher, compile, looks_like_matcher, matcher_text, matchers_text, matches_all, parse_matchers,
};
pub use metrics::*;
pub use poll::*;
pub use silence::*;
pub use status::*;
