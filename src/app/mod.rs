//! See DESIGN.md section 7.
pub mod cli;
