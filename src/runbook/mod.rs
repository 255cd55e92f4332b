//! Runbooks: Markdown files run step by step (DESIGN.md section 4).
//! `types` is the parsed form every other part works on.
pub mod audit;
pub mod classify;
pub mod cli;
pub mod command_names;
pub mod discover;
pub mod driver;
pub mod exec;
pub mod journal;
pub mod lint;
pub mod load;
pub mod machine;
pub mod parse;
pub mod placeholder;
pub mod plain;
pub mod prompt;
pub mod report;
pub mod run_index;
pub mod runs;
pub mod transcript;
pub mod trust;
pub mod types;
pub mod verify;
pub mod webhook;

pub use parse::{RunbookError, parse_file, parse_str};
pub use types::*;
