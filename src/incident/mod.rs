//! Incidents and the escalation clock (DESIGN.md section 3).
//!
//! - `model`: the incident book and its pure transitions (auto-open from alerts, declare,
//!   acknowledge, resolve, note, escalations recorded as time passes).
//! - `action`: incident actions as data (what the screen emits and the CLI runs) and the
//!   store-side `run` and `observe` the screen calls off its event loop.
//! - `policy`: escalation tiers, response phases and resolution targets from the config.
//! - `clock`: what the clock pane shows (pure) and the big digits for the wall.
//! - `store`: the book on disk, shared between processes (lock, temp file, rename).
//! - `silence`: the silence to POST for an alert (the feed's `s`) and its timeline record.
//! - `export`: the Markdown timeline for the blameless review.
//! - `summary`: the JSON shape of `incident list --json` and `snapshot --json`.
//! - `who`: the Unix user (and SSH client) recorded as the actor.
//!
//! The clock pane body, a ratatui widget, is `ui::clock_widget`.
pub mod action;
pub mod attention;
pub mod cli;
pub mod clock;
pub mod comms;
pub mod correlate;
pub mod export;
pub mod kpi;
pub mod model;
pub mod oncall;
pub mod policy;
pub mod presets;
pub mod silence;
pub mod store;
pub mod summary;
pub mod who;

pub use action::{IncidentAction, Outcome};
pub use clock::{ClockView, DeadlineState, NextTier, clock_view, clock_views};
pub use model::{Incident, IncidentBook, Severity, observe_alerts, observe_time};
pub use policy::Policy;
pub use store::{Stamp, Store, StoreError, Watch};
