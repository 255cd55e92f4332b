//! The data layer: one client per wire protocol, our own exposition parser, and the poller
//! that runs each source on its own task. Everything here is I/O or parsing; what the panes
//! make of the data lives in `crate::derive`.
pub mod alert_cache;
pub mod alert_stream;
pub mod alertmanager;
pub mod exposition;
pub mod http;
pub mod plan_runner;
pub mod poller;
pub mod prometheus;
pub mod scrape;
pub mod statuspage;

pub use poller::{SourceClient, SourcePlan, poll_once, spawn};
