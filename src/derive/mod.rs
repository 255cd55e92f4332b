//! Pure derivations the panes and `snapshot --json` need: health state, community deltas,
//! moderation wait and SLA breach, alert priority. No I/O; time is an argument.
//! `types` is the contract between the data layer, the screen and the snapshot command.
pub mod alerts;
pub mod community;
pub mod deadman;
pub mod deploy;
pub mod health;
pub mod kpi;
pub mod moderation;
pub mod plan;
pub mod status;
pub mod target;
pub mod types;
pub mod value;

pub use types::*;
