//! Snapshots (content and styles) of the clock pane body at each deadline state, with
//! several incidents, at small sizes and on the wall; and no panic at any size.
use chrono::{DateTime, Duration, TimeZone, Utc};
use opsdeck::incident::clock::{ClockView, clock_views};
use opsdeck::incident::model::{self, IncidentBook, Severity};
use opsdeck::incident::policy::Policy;
use opsdeck::ui::clock_widget::{BigDigits, ClockPane, ClockStyles};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn at(s: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(s)
}

fn styles() -> ClockStyles {
    ClockStyles {
        normal: Style::default().fg(Color::White),
        muted: Style::default().fg(Color::DarkGray),
        accent: Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        amber: Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        red: Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        ok: Style::default().fg(Color::Green),
    }
}

fn render(views: &[ClockView], big: BigDigits, w: u16, h: u16) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    ClockPane { views, styles: styles(), big }.render(area, &mut buf);
    buf
}

/// One open P0 incident declared at t0, optionally acknowledged at `ack`.
fn p0(now_s: i64, ack: Option<i64>) -> Vec<ClockView> {
    let mut book = IncidentBook::default();
    let id = model::declare(&mut book, "Checkout returns 500s", Severity::P0, "alice", t0()).unwrap();
    if let Some(a) = ack {
        model::acknowledge(&mut book, id, "bob", at(a)).unwrap();
    }
    clock_views(&book, &Policy::default(), at(now_s))
}

#[test]
fn no_incident() {
    insta::assert_debug_snapshot!(render(&[], BigDigits::Auto, 30, 2));
}

#[test]
fn on_track_with_big_digits() {
    let views = p0(200, None);
    assert_eq!(views[0].deadline_state, opsdeck::incident::DeadlineState::Normal);
    insta::assert_debug_snapshot!(render(&views, BigDigits::Auto, 48, 11));
}

#[test]
fn amber_at_80_percent_acknowledged() {
    let views = p0(48 * 60, Some(400));
    assert_eq!(views[0].deadline_state, opsdeck::incident::DeadlineState::Amber);
    insta::assert_debug_snapshot!(render(&views, BigDigits::Auto, 48, 11));
}

#[test]
fn red_past_target_with_other_incidents_text_only() {
    let mut book = IncidentBook::default();
    model::declare(&mut book, "Checkout returns 500s", Severity::P0, "alice", t0()).unwrap();
    model::declare(&mut book, "Search is slow", Severity::P2, "carol", at(600)).unwrap();
    let id = model::declare(&mut book, "Image CDN degraded", Severity::P1, "dave", at(900)).unwrap();
    model::acknowledge(&mut book, id, "erin", at(1000)).unwrap();
    let views = clock_views(&book, &Policy::default(), at(3900));
    assert_eq!(views[0].deadline_state, opsdeck::incident::DeadlineState::Red);
    insta::assert_debug_snapshot!(render(&views, BigDigits::Auto, 60, 10));
}

#[test]
fn wall_scales_the_digits_up() {
    let views = p0(3725, None);
    insta::assert_debug_snapshot!(render(&views, BigDigits::Wall, 70, 20));
}

#[test]
fn wall_keeps_digits_when_short_of_rows() {
    insta::assert_debug_snapshot!(render(&p0(3725, None), BigDigits::Wall, 40, 7));
}

#[test]
fn a_five_row_pane_shows_everything_compactly() {
    let mut book = IncidentBook::default();
    model::declare(&mut book, "Checkout returns 500s", Severity::P0, "alice", t0()).unwrap();
    model::declare(&mut book, "Search is slow", Severity::P2, "carol", at(600)).unwrap();
    model::declare(&mut book, "Image CDN degraded", Severity::P1, "dave", at(900)).unwrap();
    let views = clock_views(&book, &Policy::default(), at(1000));
    insta::assert_debug_snapshot!(render(&views, BigDigits::Auto, 78, 4));
}

#[test]
fn wall_pane_of_eight_rows() {
    insta::assert_debug_snapshot!(render(&p0(2890, None), BigDigits::Wall, 60, 8));
}

#[test]
fn narrow_pane_cuts_with_an_ellipsis() {
    insta::assert_debug_snapshot!(render(&p0(200, None), BigDigits::Auto, 22, 6));
}

#[test]
fn never_panics_at_any_size() {
    let views = {
        let mut book = IncidentBook::default();
        for (i, sev) in [Severity::P0, Severity::P1, Severity::P2, Severity::P3].into_iter().enumerate() {
            model::declare(&mut book, "a long title that will not fit", sev, "x", at(i as i64 * 60)).unwrap();
        }
        clock_views(&book, &Policy::default(), at(5000))
    };
    for big in [BigDigits::Auto, BigDigits::Wall, BigDigits::Never] {
        for w in 0..=60 {
            for h in 0..=24 {
                render(&views, big, w, h);
            }
        }
    }
}
