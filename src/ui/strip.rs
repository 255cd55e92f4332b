//! The one-line incident strip of the header, at every size: the first open incident,
//! its elapsed time, who holds it and the countdown to the next tier, and how many alerts
//! fire (`INC-2 P1 03:40 → Secondary on-call in 01:20 · 3 firing`).
use crate::incident::ClockView;
use crate::model::{Model, Pane};

/// The strip in its long and short forms (the header uses the one that fits).
pub fn texts(m: &Model) -> (String, String) {
    let firing = if m.config.alertmanager.is_empty() {
        String::new()
    } else if m.alerts_known() {
        format!("{} firing", m.feed_counts.active)
    } else {
        m.waiting(Pane::Alerts).unwrap_or_else(|| "alerts: no data".into())
    };
    let views = m.clock_views();
    let sep = if firing.is_empty() { "" } else { " · " };
    let Some(v) = views.first() else {
        return (format!("no active incident{sep}{firing}"), firing);
    };
    let more = if views.len() > 1 { format!(" +{}", views.len() - 1) } else { String::new() };
    let head = format!("{} {} {}{more}", v.label, v.severity.as_str(), v.elapsed);
    (format!("{head} {}{sep}{firing}", holder(v)), format!("{head}{sep}{firing}"))
}

/// Who holds the incident and what comes next.
pub fn holder(v: &ClockView) -> String {
    match (&v.acknowledged_by, &v.next_tier) {
        (Some(who), _) => format!("{} ({who}) ACK", v.tier_name),
        (None, Some(n)) => format!("{} → {} in {}", v.tier_name, n.name, n.countdown),
        (None, None) => v.tier_name.clone(),
    }
}
