//! Runbooks: Markdown files run step by step (DESIGN.md section 4).
//! `types` is the parsed form every other part works on.
pub mod cli;
pub mod exec;
pub mod journal;
pub mod machine;
pub mod types;

pub use types::*;
