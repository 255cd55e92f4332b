//! Whole-screen snapshots (TestBackend-equivalent buffers, fixed clock, styles included so
//! a lost colour or a lost STALE marker fails) at 80x24 and 200x60.

use crate::ui_support::*;
use opsdeck::model::{Key, KeyCode, Model, ModelOptions, Msg, Pane, update_with};
use opsdeck::ui::{Theme, render_to_buffer};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(m: &Model, theme: &Theme, w: u16, h: u16) -> String {
    // Through a real Terminal + TestBackend, as the app draws.
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| opsdeck::ui::render(m, theme, f)).unwrap();
    let buf = term.backend().buffer().clone();
    assert_eq!(buf, render_to_buffer(m, theme, w, h), "render_to_buffer matches the terminal");
    format!("{buf:?}")
}

fn dark() -> Theme {
    Theme::builtin("dark").unwrap()
}

fn text_of(m: &Model, w: u16, h: u16) -> String {
    let buf = render_to_buffer(m, &dark(), w, h);
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

#[test]
fn fresh_80x24() {
    insta::assert_snapshot!(screen(&fresh(), &dark(), 80, 24));
}

#[test]
fn fresh_200x60() {
    let m = fresh();
    let text = text_of(&m, 200, 60);
    for title in
        ["System health", "Community", "Status pages", "Alerts", "Escalation clock", "Moderation queue"]
    {
        assert!(text.contains(title), "{title} visible at 200x60");
    }
    assert!(!text.contains("7 Runbook"), "no run: the runbook pane takes no room");
    assert!(text.contains("no active run"), "the footer says there is no run");
    assert!(text.contains("✖ CRIT") && text.contains("▲ WARN") && text.contains("✓ OK"));
    insta::assert_snapshot!(screen(&m, &dark(), 200, 60));
}

#[test]
fn one_source_failing_80x24() {
    let text = text_of(&prom_failing(), 80, 24);
    assert!(text.contains("STALE 2m10s"), "{text}");
    assert!(text.contains("connection refused"));
    insta::assert_snapshot!(screen(&prom_failing(), &dark(), 80, 24));
}

#[test]
fn one_source_failing_200x60() {
    let m = prom_failing();
    let text = text_of(&m, 200, 60);
    assert_eq!(
        text.matches("⚠ STALE 2m10s · prod: connection refused").count(),
        3,
        "health, community, moderation\n{text}"
    );
    insta::assert_snapshot!(screen(&m, &dark(), 200, 60));
}

#[test]
fn alert_storm_80x24() {
    let mut m = model_with(ModelOptions { theme_names: theme_names(), ..Default::default() }, true);
    update_with(&mut m, Msg::Key(Key::ch('4')), |_| storm());
    let text = text_of(&m, 80, 24);
    assert!(text.contains("×"), "grouped with counts\n{text}");
    insta::assert_snapshot!(screen(&m, &dark(), 80, 24));
}

#[test]
fn alert_storm_200x60() {
    let m = model_with(ModelOptions { theme_names: theme_names(), ..Default::default() }, true);
    insta::assert_snapshot!(screen(&m, &dark(), 200, 60));
}

#[test]
fn alert_detail_and_help_200x60() {
    let mut m = fresh();
    for k in [Key::ch('4'), Key::new(KeyCode::Enter)] {
        update_with(&mut m, Msg::Key(k), |_| views());
    }
    let text = text_of(&m, 200, 60);
    assert!(text.contains("runbook_url") && text.contains("instance") && text.contains("fingerprint"));
    insta::assert_snapshot!("detail_200x60", screen(&m, &dark(), 200, 60));
    update_with(&mut m, Msg::Key(Key::new(KeyCode::Esc)), |_| views());
    update_with(&mut m, Msg::Key(Key::ch('?')), |_| views());
    let text = text_of(&m, 80, 24);
    assert!(text.contains("quit") && text.contains("zoom"), "{text}");
    insta::assert_snapshot!("help_80x24", screen(&m, &dark(), 80, 24));
}

#[test]
fn wall_200x60_and_400x120() {
    let opts = ModelOptions { wall: true, theme_names: theme_names(), theme_index: 2, ..Default::default() };
    let m = model_with(opts, false);
    let hc = Theme::builtin("high-contrast").unwrap();
    let text = text_of(&m, 200, 60);
    assert!(text.contains("WALL") && text.contains(" q quit"));
    assert!(!text.contains("zoom"), "no key hints but q");
    insta::assert_snapshot!("wall_200x60", screen(&m, &hc, 200, 60));
    // A 400x120 wall is used: the panes cover the body and the clock has big digits.
    let buf = render_to_buffer(&m, &hc, 400, 120);
    let l = opsdeck::ui::layout::compute(buf.area, &m);
    // The wall spaces its panes (a blank column either side, a blank row under each).
    let covered: u32 = l.panes.iter().map(|(_, r)| r.area()).sum();
    assert!(covered <= l.body.area() && covered * 10 >= l.body.area() * 9, "{covered} of {}", l.body.area());
    assert!(l.panes.iter().all(|(_, r)| l.body.contains(r.as_position()) && r.bottom() <= l.body.bottom()));
    let big = (0..120).any(|y| (0..400).filter(|&x| buf[(x, y)].symbol() == "█").count() >= 12);
    assert!(big, "big digits on the wall clock");
}

#[test]
fn each_theme_once() {
    for name in ["light", "high-contrast", "colorblind"] {
        let t = Theme::builtin(name).unwrap();
        insta::assert_snapshot!(format!("theme_{name}_80x24"), screen(&prom_failing(), &t, 80, 24));
    }
    let plain = dark().without_color();
    let s = screen(&prom_failing(), &plain, 80, 24);
    assert!(
        !s.contains("Rgb") && !s.contains("fg: Color") && !s.contains("bg: Color"),
        "NO_COLOR: no colour at all"
    );
    insta::assert_snapshot!("theme_no_color_80x24", s);
}

#[test]
fn tabs_at_80x24_follow_focus_and_zoom_fills_the_body() {
    let mut m = fresh();
    for p in Pane::ALL {
        update_with(&mut m, Msg::Click(p), |_| views());
        let text = text_of(&m, 80, 24);
        assert!(text.contains(p.title()), "{p:?} shown as a tab\n{text}");
    }
    update_with(&mut m, Msg::Key(Key::ch('1')), |_| views());
    update_with(&mut m, Msg::Key(Key::ch('z')), |_| views());
    let l = opsdeck::ui::layout::compute(ratatui::layout::Rect::new(0, 0, 200, 60), &m);
    assert_eq!(l.panes, vec![(Pane::Health, l.body)]);
}

#[test]
fn mouse_hit_testing_finds_panes_and_tabs() {
    let m = fresh();
    assert_eq!(opsdeck::ui::pane_at(&m, 200, 60, 5, 3), Some(Pane::Health));
    assert_eq!(opsdeck::ui::pane_at(&m, 200, 60, 150, 20), Some(Pane::Alerts));
    // 80x24: the tab bar is row 1; " 4Alerts " is the fourth tab.
    let x = " 1Health  2Comm  3Status ".len() as u16 + 2;
    assert_eq!(opsdeck::ui::pane_at(&m, 80, 24, x, 1), Some(Pane::Alerts));
}

#[test]
fn open_incident_in_the_clock_pane_and_on_the_wall() {
    use opsdeck::incident::{IncidentAction, IncidentBook, Severity, action};
    let mut m = fresh();
    let mut book = IncidentBook::default();
    let declared = t0() - chrono::Duration::seconds(7 * 60 + 5);
    let act = IncidentAction::Declare { title: "Gateway overload".into(), severity: Severity::P1 };
    action::apply(&mut book, &m.policy, &act, "oncall", declared).unwrap();
    update_with(&mut m, Msg::Incidents(book.clone()), |_| views());
    assert!(m.take_dirty(), "a changed book redraws");
    let text = text_of(&m, 200, 60);
    assert!(text.contains("Gateway overload"), "{text}");
    assert!(!text.contains("no active incident"));
    insta::assert_snapshot!("incident_200x60", screen(&m, &dark(), 200, 60));
    // The clock counts seconds: every tick redraws while an incident is open.
    update_with(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(1)), |_| views());
    assert!(m.take_dirty());
    let wall = ModelOptions { wall: true, theme_names: theme_names(), ..Default::default() };
    let mut w = model_with(wall, false);
    update_with(&mut w, Msg::Incidents(book), |_| views());
    insta::assert_snapshot!("incident_wall_200x60", screen(&w, &dark(), 200, 60));
}
