//! Moderation queue: depth by priority, inflow and throughput, estimated wait, oldest item,
//! projected SLA breach, depth sparkline.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::time::Duration;

use crate::model::{Model, Pane};
use crate::util::duration::format_age;

use super::frame::{pane, placeholder};
use super::text::{Row, compact, num, spark};
use super::theme::Theme;

fn secs(v: Option<f64>) -> String {
    match v {
        // try_: a breach centuries away (inflow a hair above throughput) must not panic
        Some(s) => Duration::try_from_secs_f64(s).map(format_age).unwrap_or_else(|_| "–".into()),
        None => "–".into(),
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    pane(buf, area, Pane::Moderation, m, t, "", |buf, inner| {
        let Some(v) = &m.views.moderation else {
            let msg = if m.config.moderation.is_none() {
                "no queue configured ([moderation])"
            } else {
                "no data in the answer yet"
            };
            return placeholder(buf, inner, msg, t);
        };
        let mut y = inner.y;
        let mut line = |buf: &mut Buffer, f: &dyn Fn(&mut Row<'_>)| {
            if y < inner.bottom() {
                f(&mut Row::new(buf, inner, y));
                y += 1;
            }
        };
        line(buf, &|r| {
            r.text("depth ", t.muted());
            let total: f64 = v.depth.values().sum();
            r.text(&compact(Some(total)), t.text().add_modifier(ratatui::style::Modifier::BOLD));
            for (k, d) in &v.depth {
                r.text(&format!("  {k} "), t.muted()).text(&compact(Some(*d)), t.text());
            }
        });
        line(buf, &|r| {
            r.text("inflow ", t.muted()).text(&format!("{}/min", num(v.inflow_per_min, 1)), t.text());
            r.text("  reviewed ", t.muted()).text(&format!("{}/min", num(v.throughput_per_min, 1)), t.text());
        });
        let sla = Duration::from_secs_f64(v.sla_s.max(0.0));
        let wait_style = match v.est_wait_s {
            Some(w) if w >= v.sla_s => t.crit(),
            Some(w) if w >= 0.8 * v.sla_s => t.warn(),
            _ => t.text(),
        };
        line(buf, &|r| {
            r.text("est. wait ", t.muted()).text(&secs(v.est_wait_s), wait_style);
            r.text(&format!("  SLA {}", format_age(sla)), t.muted());
            r.text("  oldest ", t.muted()).text(&secs(v.oldest_age_s), t.text());
        });
        line(buf, &|r| match v.breach_in_s {
            Some(s) if s <= 0.0 => {
                r.text("✖ SLA BREACHED", t.crit());
            }
            Some(s) if s <= crate::derive::moderation::HORIZON_S => {
                r.text(&format!("▲ breach in {}", secs(Some(s))), t.warn());
            }
            _ => {
                r.text("✓ keeping up", t.ok());
            }
        });
        if y < inner.bottom() && !v.depth_history.is_empty() {
            let mut r = Row::new(buf, inner, y);
            r.text("1h ", t.muted());
            let w = r.left() as usize;
            r.text(&spark(&v.depth_history, w), t.accent());
        }
    });
}
