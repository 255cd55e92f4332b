//! The data layer: one client per wire protocol, our own exposition parser, and the poller
//! that runs each source on its own task. Everything here is I/O or parsing; what the panes
//! make of the data lives in `crate::derive`.
pub mod types;

pub use types::*;
