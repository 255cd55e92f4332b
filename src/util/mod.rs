//! Small helpers shared by every layer: durations in config syntax, ages for display, the
//! log file.
pub mod bytes;
pub mod duration;
pub mod log;
pub mod memory;
pub mod out;
pub mod paths;
pub mod scrub;
pub mod text;
