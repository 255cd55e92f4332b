//! Derived views from the sources' latest data, via `crate::derive`.
use super::state::{Model, Views};

/// Recomputes every view from the latest poll data at `m.now`.
pub fn compute(m: &Model) -> Views {
    // Wired to crate::derive once the derivations land (datacfg branch).
    m.views.clone()
}
