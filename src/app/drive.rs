//! The loop itself (DESIGN.md section 7), generic over the terminal backend and the
//! edges that perform effects, so that whole-app tests run in process: a ratatui
//! `TestBackend`, scripted inputs on the channel (keys, poll results, a fixed clock) and
//! edges that record what the app asked for (as gitui does).
//!
//! Contract: drains a batch from `rx`, feeds each input to the pure `update`, hands every
//! effect to `edges`, and draws at most once per batch, only when the model says something
//! visible changed. Ends when `edges` says quit, when every sender is gone (after drawing
//! what the last batch changed), or `LEAVE_LIMIT` after a signal arrived with a runbook
//! block running.
use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::{BATCH, Input, LEAVE_LIMIT, terminal};
use crate::model::{Effect, Model, Msg, update};
use crate::ui::{self, Theme};

/// Whether the loop goes on after an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// Where effects go: the real edges spawn tasks and send on channels; a test records.
/// `perform` must never block the loop.
pub trait Edges {
    fn perform(&mut self, model: &Model, effect: Effect) -> Flow;
}

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ended {
    /// A signal arrived with a block running and the block did not end within `LEAVE_LIMIT`.
    pub left_early: bool,
}

/// Runs the loop until it ends (see the module contract).
pub async fn drive<B: Backend>(
    model: &mut Model,
    themes: &[Theme],
    term: &mut Terminal<B>,
    rx: &mut mpsc::Receiver<Input>,
    edges: &mut impl Edges,
) -> anyhow::Result<Ended>
where
    B::Error: Send + Sync + 'static,
{
    let mut batch = Vec::with_capacity(BATCH);
    // Set when a signal arrived with a block running: the loop ends then at the latest.
    let mut leave_by: Option<tokio::time::Instant> = None;
    let mut left_early = false;
    // Once drawing failed (the terminal went away), the screen is not drawn again.
    let mut screen_gone = false;
    'run: loop {
        if terminal::take_needs_clear() && !screen_gone {
            // Back from a suspension: whatever the shell drew is on the screen; repaint all.
            // (`resize` clears and resets the back buffer; `clear` would first ask the
            // terminal where its cursor is and wait for the answer.)
            if let Ok(size) = term.size() {
                let _ = term.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height));
            }
        }
        if model.take_dirty() && !screen_gone {
            let theme = &themes[model.theme_index.min(themes.len() - 1)];
            match term.draw(|f| ui::render(model, theme, f)) {
                Ok(_) => model.runbook.drawn_at(Some(std::time::Instant::now())),
                // Without a run, as before: the error ends opsdeck.
                Err(e) if !model.runbook.active() => return Err(e).context("drawing"),
                // The terminal is gone with a run in progress: leave as on SIGHUP, so the
                // running block is stopped and journaled instead of left behind.
                Err(_) => {
                    screen_gone = true;
                    batch.push(Input::Msg(Msg::Shutdown));
                }
            }
        }
        if batch.is_empty() {
            let n = match leave_by {
                Some(by) => tokio::select! {
                    n = rx.recv_many(&mut batch, BATCH) => n,
                    _ = tokio::time::sleep_until(by) => {
                        left_early = true;
                        break;
                    }
                },
                None => rx.recv_many(&mut batch, BATCH).await,
            };
            if n == 0 {
                break;
            }
        }
        for ev in batch.drain(..) {
            let msg = match ev {
                Input::Msg(m) => m,
                // Typed before the runbook dialog on screen could be read: never an answer.
                Input::Key(_, at) if model.runbook.discards_key(at) => continue,
                Input::Key(k, _) => Msg::Key(k),
                Input::Click { x, y } => match ui::pane_at(model, model.size.0, model.size.1, x, y) {
                    Some(p) => Msg::Click(p),
                    None => continue,
                },
                Input::Wheel { x, y, delta } => match ui::pane_at(model, model.size.0, model.size.1, x, y) {
                    Some(pane) => Msg::Scroll { pane, delta },
                    None => continue,
                },
            };
            for effect in update(model, msg) {
                if let Flow::Quit = edges.perform(model, effect) {
                    break 'run;
                }
            }
            if model.runbook.leaving.is_some() && leave_by.is_none() {
                leave_by = Some(tokio::time::Instant::now() + LEAVE_LIMIT);
            }
        }
    }
    Ok(Ended { left_early })
}
