//! opsdeck: a terminal operations command center. See DESIGN.md for the product.
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod derive;
pub mod domain;
pub mod incident;
pub mod model;
pub mod runbook;
pub mod silence;
pub mod snapshot;
pub mod sources;
pub mod ui;
pub mod util;
