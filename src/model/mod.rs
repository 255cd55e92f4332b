//! The screen's state and `update(&mut Model, Msg) -> Vec<Effect>`: pure. No terminal,
//! network or process code here; time and data arrive as messages (DESIGN.md section 7).
pub mod chart;
pub mod derived;
pub mod feed;
pub mod freshness;
pub mod incident_actions;
pub mod keymap;
pub mod keys;
pub mod palette;
pub mod pane;
pub mod runbook;
pub mod screen_keys;
pub mod silences;
pub mod state;
pub mod update;
pub mod waiting;

pub use feed::{FeedCounts, FeedRow, Filter, Group};
pub use freshness::{PaneAge, SourceState};
pub use keymap::{Action, Keymap, KeymapError};
pub use keys::{Key, KeyCode};
pub use pane::Pane;
pub use state::{Mode, Model, ModelOptions, Views};
pub use update::{Deriver, Effect, Msg, update, update_with};
