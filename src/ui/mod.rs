//! `render(&Model, &Theme, &mut Frame)`: a pure function of the model, one file per pane.
//! No I/O and no allocation beyond small strings and ratatui's buffers.
pub mod alert_columns;
pub mod alerts;
pub mod bigdigits;
pub mod chart;
pub mod clock;
pub mod clock_notes;
pub mod clock_widget;
pub mod community;
pub mod footer;
pub mod frame;
pub mod header;
pub mod health;
pub mod help;
pub mod layout;
pub mod moderation;
pub mod palette;
pub mod prompt;
pub mod runbook;
pub mod runbook_dialog;
pub mod silences;
pub mod sizing;
pub mod status;
pub mod strip;
pub mod tabs;
pub mod text;
pub mod theme;
pub mod wall;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Model, Pane};

pub use layout::pane_at;
pub use theme::Theme;

/// Draws the whole screen.
pub fn render(m: &Model, t: &Theme, f: &mut Frame<'_>) {
    let area = f.area();
    draw(m, t, area, f.buffer_mut());
}

/// Draws the whole screen into `buf` over `area`.
pub fn draw(m: &Model, t: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    buf.set_style(area, t.base());
    let l = layout::compute(area, m);
    header::draw(buf, l.header, m, t);
    if let Some(tabs) = l.tabs {
        tabs::draw(buf, tabs, m, t);
    }
    if let Some(h) = l.headline {
        wall::draw(buf, h, m, t);
    }
    // An open chart takes the body: the panes under it are not drawn at all.
    let panes: &[(Pane, Rect)] = if m.chart.is_some() { &[] } else { &l.panes };
    for (p, r) in panes {
        match p {
            Pane::Health => health::draw(buf, *r, m, t),
            Pane::Community => community::draw(buf, *r, m, t),
            Pane::Status => status::draw(buf, *r, m, t),
            Pane::Alerts => alerts::draw(buf, *r, m, t),
            Pane::Clock => clock::draw(buf, *r, m, t),
            Pane::Moderation => moderation::draw(buf, *r, m, t),
            Pane::Runbook => runbook::draw(buf, *r, m, t),
        }
    }
    if let Some(a) = m.detail_alert() {
        alerts::detail(buf, l.body, a, m, t);
    }
    if m.silences.open {
        silences::draw(buf, l.body, m, t);
    }
    if let Some(c) = &m.chart {
        chart::draw(buf, l.body, c, m, t);
    }
    if m.help {
        help::draw(buf, l.body, m, t);
    }
    if let Some(p) = &m.palette {
        palette::draw(buf, l.body, p, m, t);
    }
    if let Some(p) = &m.actions.prompt {
        prompt::draw(buf, l.body, p, m, t);
    }
    footer::draw(buf, l.footer, m, t);
    if let Some(page) = l.page.filter(|p| p.1 > 1) {
        let panes: Vec<Pane> = l.panes.iter().map(|(p, _)| *p).collect();
        let text = wall::page_text(page, &panes);
        let w = unicode_width::UnicodeWidthStr::width(text.as_str()) as u16 + 1;
        if l.footer.width > w + 8 {
            let r = Rect { x: l.footer.right() - w, width: w, ..l.footer };
            text::put(buf, r.x, r.y, r.width, &text, t.muted());
        }
    }
    runbook_dialog::draw(buf, l.body, l.footer, m, t);
}

/// Renders one frame headless (screenshots, tests).
pub fn render_to_buffer(m: &Model, t: &Theme, width: u16, height: u16) -> Buffer {
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    draw(m, t, area, &mut buf);
    buf
}
