//! Hostile text on the screen (issue 8): terminal escape sequences inside alert names,
//! labels and annotations, status page text and a source's failure reason, and a huge label
//! value, rendered through the real `ui::render` into a buffer (what the terminal backend
//! writes, cell by cell).
//! - No cell holds a control character or bidi override: no escape reaches the terminal
//!   (ratatui's buffer drops control characters; this keeps it so).
//! - The stripped sequences leave no junk (`]52;c;...`, `[2J`) on screen: outside text goes
//!   through `util::text::sanitize` first.
//! - A huge label value is cut with an ellipsis, not clipped mid-word without a sign.

use crate::ui_support::*;
use opsdeck::model::{Key, KeyCode, Model, ModelOptions, Msg, Views, update_with};
use opsdeck::sources::{SourceError, SourceKind};
use opsdeck::ui::{Theme, render_to_buffer};

const OSC52: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
const TITLE: &str = "\u{1b}]0;pwned\u{1b}\\";
const CLEAR: &str = "\u{1b}[2J\u{1b}[H";
const C1: &str = "\u{9b}31m";
const RLO: &str = "\u{202e}";

fn hostile_views() -> Views {
    let mut v = views();
    let a = &mut v.alerts[0];
    a.alertname = format!("HighErrorRate{OSC52}{RLO}");
    a.labels.insert("alertname".into(), a.alertname.clone());
    a.labels.insert("pod".into(), format!("{}{CLEAR}", "x".repeat(100_000)));
    a.annotations.insert("summary".into(), format!("Errors{TITLE} on api{CLEAR}{C1}now"));
    a.annotations.insert("description".into(), format!("line one\r\nline two{OSC52}\n{RLO}line three"));
    v.status[0].description = format!("Degraded{CLEAR}");
    v.status[0].incidents[0].latest_update = Some(format!("Investigating{OSC52}{TITLE}"));
    v
}

fn hostile_model() -> Model {
    let mut m = Model::new(
        config(),
        ModelOptions {
            now: t0() - chrono::Duration::seconds(60),
            theme_names: theme_names(),
            ..Default::default()
        },
    );
    let d = |_: &Model| hostile_views();
    // First answers from every source install the hostile views.
    let at = t0() - chrono::Duration::seconds(3);
    for (n, k) in [
        ("prod", SourceKind::Prometheus),
        ("am-a", SourceKind::Alertmanager),
        ("GitHub", SourceKind::Statuspage),
    ] {
        update_with(&mut m, Msg::Polled(empty_poll(n, k, at)), d);
    }
    update_with(
        &mut m,
        Msg::Polled(failed_poll(
            "GitHub",
            SourceKind::Statuspage,
            t0() - chrono::Duration::seconds(1),
            SourceError::Other(format!("bad gateway{OSC52}{CLEAR}")),
        )),
        d,
    );
    update_with(&mut m, Msg::Tick(t0()), d);
    assert!(m.views.alerts.iter().any(|a| a.labels.contains_key("pod")), "the hostile views are installed");
    m
}

fn open_detail(m: &mut Model) {
    let d = |_: &Model| hostile_views();
    update_with(m, Msg::Key(Key::ch('4')), d);
    // The hostile alert (the one with the huge `pod` label); find it in the feed and open it.
    for _ in 0..6 {
        update_with(m, Msg::Key(Key::new(KeyCode::Enter)), d);
        if m.detail_alert().is_some_and(|a| a.labels.contains_key("pod")) {
            return;
        }
        update_with(m, Msg::Key(Key::new(KeyCode::Esc)), d);
        update_with(m, Msg::Key(Key::new(KeyCode::Down)), d);
    }
    panic!("the hostile alert is in the feed");
}

fn screens() -> Vec<(String, String)> {
    let theme = Theme::builtin("dark").unwrap();
    let mut out = Vec::new();
    for (w, h) in [(200u16, 60u16), (80, 24)] {
        let mut m = hostile_model();
        for detail in [false, true] {
            if detail {
                open_detail(&mut m);
            }
            let buf = render_to_buffer(&m, &theme, w, h);
            let text: String =
                (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect();
            out.push((format!("{w}x{h} detail={detail}"), text));
        }
    }
    out
}

#[test]
fn no_control_character_reaches_a_cell() {
    for (what, text) in screens() {
        for c in text.chars() {
            assert!(
                c == '\n'
                    || !(c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
                "{what}: {c:?} in a cell\n{text}"
            );
        }
        if what.contains("detail=true") || what.starts_with("200x60") {
            assert!(text.contains("HighErrorRate"), "the hostile alert is on screen: {what}\n{text}");
        }
    }
}

#[test]

fn stripped_sequences_leave_no_junk_and_huge_values_end_with_an_ellipsis() {
    for (what, text) in screens() {
        for junk in ["]52;c;", "]0;pwned", "[2J", "[H", "31m"] {
            assert!(!text.contains(junk), "{what}: `{junk}` left on screen\n{text}");
        }
        if what.contains("detail=true") {
            let pod = text
                .lines()
                .find(|l| l.contains("pod"))
                .unwrap_or_else(|| panic!("{what}: pod label\n{text}"));
            assert!(pod.contains("x…"), "{what}: huge value cut with an ellipsis: {pod}");
        }
    }
}
