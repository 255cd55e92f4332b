//! Small helpers shared by every layer: durations in config syntax, ages for display.
pub mod bytes;
pub mod duration;
pub mod memory;
pub mod paths;
pub mod text;
