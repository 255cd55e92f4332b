//! The runbook pane: the active run. Runs arrive with the runbook work; until then it says
//! that nothing is running.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Model, Pane};

use super::frame::{pane, placeholder};
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    pane(buf, area, Pane::Runbook, m, t, "", |buf, inner| placeholder(buf, inner, "no active run", t));
}
