//! Pure derivations the panes and `snapshot --json` need: health state, community deltas,
//! moderation wait and SLA breach, alert priority. No I/O; time is an argument.
//! `types` is the contract between the data layer, the screen and the snapshot command.
pub mod types;

pub use types::*;
