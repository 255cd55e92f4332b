//! The incident keys' dialog (declare, resolve, note, silence), drawn centred over the body.
//! The silence confirmation lists exactly what will be silenced: every matcher, the end
//! time, the author, the comment and the Alertmanagers it goes to.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};

use crate::incident::silence::matchers_text;
use crate::model::Model;
use crate::model::incident_actions::{DEFAULT_SILENCE, Prompt};

use super::text::put;
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, body: Rect, p: &Prompt, _m: &Model, t: &Theme) {
    let lines = body_lines(p);
    let width = body.width.min(72).max(body.width.min(24));
    let height = (lines.len() as u16 + 4).min(body.height);
    if width < 10 || height < 3 {
        return;
    }
    let area =
        Rect { x: body.x + (body.width - width) / 2, y: body.y + (body.height - height) / 2, width, height };
    Clear.render(area, buf);
    buf.set_style(area, t.base());
    let hint = if p.yes().is_some() {
        " y yes · n no · ←→ choose · Enter "
    } else {
        " Enter next · Esc cancel "
    };
    let block = Block::bordered()
        .border_style(t.border(true))
        .title(ratatui::text::Line::styled(format!(" {} ", super::text::clean(&p.title())), t.title(true)))
        .title_bottom(ratatui::text::Line::styled(hint, t.muted()));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut y = inner.y;
    for (label, value) in &lines {
        if y >= inner.bottom() {
            return;
        }
        let x = inner.x + 1 + put(buf, inner.x + 1, y, inner.width.saturating_sub(1), label, t.muted());
        let avail = inner.right().saturating_sub(x);
        put(buf, x, y, avail, value, t.text());
        y += 1;
    }
    y += 1;
    if y >= inner.bottom() {
        return;
    }
    if let Some(text) = p.text() {
        let x = inner.x + 1 + put(buf, inner.x + 1, y, inner.width.saturating_sub(1), "> ", t.accent());
        let avail = inner.right().saturating_sub(x + 1);
        // Show the end of long input.
        let shown: String = {
            let chars: Vec<char> = text.chars().collect();
            let skip = chars.len().saturating_sub(avail as usize);
            chars[skip..].iter().collect()
        };
        let x = x + put(buf, x, y, avail, &shown, t.text());
        put(buf, x, y, 1, "▏", t.accent());
    } else if let Some(yes) = p.yes() {
        let (no_style, yes_style) = if yes { (t.muted(), t.selection()) } else { (t.selection(), t.muted()) };
        let x = inner.x + 1 + put(buf, inner.x + 1, y, 6, " No ", no_style);
        put(buf, x + 2, y, 6, " Yes ", yes_style);
    }
}

/// The dialog's body: label and value per line, before the input or the answer.
fn body_lines(p: &Prompt) -> Vec<(String, String)> {
    let l = |a: &str, b: String| (a.to_string(), b);
    match p {
        Prompt::DeclareTitle { .. } => vec![l("Title: ", "what is broken, in a few words".into())],
        Prompt::DeclareSeverity { title, .. } => {
            vec![l("Title: ", title.clone()), l("Severity: ", "P0 (SEV-1) .. P3 (SEV-4)".into())]
        }
        Prompt::ConfirmResolve { label, title, .. } => {
            vec![l("Incident: ", format!("{label} {title}")), l("", "The resolution is recorded now.".into())]
        }
        Prompt::Note { .. } => vec![l("Note: ", "added to the timeline with your name".into())],
        Prompt::SilenceDuration { alert, .. } => vec![
            l("Alert: ", alert.alertname.clone()),
            l("Duration: ", format!("like 30m, 2h, 1d (default {DEFAULT_SILENCE})")),
        ],
        Prompt::SilenceComment { alert, duration, .. } => vec![
            l("Alert: ", alert.alertname.clone()),
            l("Duration: ", duration.clone()),
            l("Comment: ", "why (required)".into()),
        ],
        Prompt::ConfirmSilence { duration, silence, sources, .. } => {
            let mut v = vec![l("Matchers: ", String::new())];
            v.extend(silence.matchers.iter().map(|m| l("  ", matchers_text(std::slice::from_ref(m)))));
            v.push(l("Until: ", format!("{} UTC ({duration})", silence.ends_at.format("%Y-%m-%d %H:%M"))));
            v.push(l("Author: ", silence.created_by.clone()));
            v.push(l("Comment: ", silence.comment.clone()));
            v.push(l("Alertmanager: ", sources.join(", ")));
            v
        }
    }
}
