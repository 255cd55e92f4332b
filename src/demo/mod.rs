//! `opsdeck demo`: the embedded simulator (a deterministic model, its scenarios and the
//! HTTP servers that speak the real wire formats), the built-in demo config pointed at
//! it, and `opsdeck screenshot` (headless frames to SVG or text). DESIGN.md section 6.
pub mod cli;
pub mod config;
pub mod frames;
pub mod ops_config;
pub mod promql;
pub mod queries;
pub mod runbooks;
pub mod server;
pub mod shot;
pub mod sim;
pub mod state;
