//! Runbooks: Markdown files run step by step (DESIGN.md section 4).
//! `types` is the parsed form every other part works on.
pub mod classify;
pub mod cli;
pub mod discover;
pub mod lint;
pub mod parse;
pub mod types;

pub use parse::{RunbookError, parse_file, parse_str};
pub use types::*;
