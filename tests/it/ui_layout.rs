//! Space by content (issue #18): in every scenario and at several sizes, normal and wall,
//! no pane row is cut with an ellipsis while ten or more blank cells stand at its end; the
//! panes' frames tile the body; and whole-screen text snapshots of three scenarios.
use std::time::Duration;

use opsdeck::demo::frames::scenario_model;
use opsdeck::demo::sim::{Scenario, scenario};
use opsdeck::model::{Model, Msg, Pane, update};
use opsdeck::ui::{Theme, layout, render_to_buffer};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const SIZES: [(u16, u16); 4] = [(80, 24), (120, 40), (200, 60), (400, 120)];

fn dark() -> Theme {
    Theme::builtin("dark").unwrap()
}

fn text(buf: &Buffer) -> String {
    opsdeck::demo::shot::to_text(buf)
}

fn private_state() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // SAFETY: tests of this module set the same values; nothing reads them concurrently
    // in a way that matters (the model built here never touches the store).
    unsafe {
        std::env::set_var("OPSDECK_STATE_DIR", dir.path());
        std::env::set_var("HOME", dir.path());
    }
    dir
}

/// The rows of `pane`'s inside that are cut (`…`) while 10 or more blank cells end them.
fn cut_with_room(buf: &Buffer, r: Rect) -> Vec<String> {
    let mut bad = Vec::new();
    if r.width < 3 || r.height < 3 {
        return bad;
    }
    for y in r.y + 1..r.bottom() - 1 {
        let cells: Vec<&str> = (r.x + 1..r.right() - 1).map(|x| buf[(x, y)].symbol()).collect();
        let row: String = cells.concat();
        let blanks = cells.iter().rev().take_while(|c| **c == " ").count();
        if row.contains('…') && blanks >= 10 {
            bad.push(row);
        }
    }
    bad
}

fn check(m: &Model, w: u16, h: u16, what: &str) {
    let buf = render_to_buffer(m, &dark(), w, h);
    let l = layout::compute(Rect::new(0, 0, w, h), m);
    for (p, r) in &l.panes {
        let bad = cut_with_room(&buf, *r);
        assert!(
            bad.is_empty(),
            "{what} {w}x{h} {p:?}: cut beside blank cells:\n{}\n\n{}",
            bad.join("\n"),
            text(&buf)
        );
    }
}

#[test]
fn ui_layout_nothing_is_cut_beside_blank_cells_in_any_scenario() {
    let _dir = private_state();
    for s in scenario::ALL {
        for at in [Duration::from_secs(30), Duration::from_secs(6 * 60)] {
            for wall in [false, true] {
                let mut m = scenario_model(s, at, (200, 60), wall).unwrap();
                for (w, h) in SIZES {
                    update(&mut m, Msg::Resize(w, h));
                    check(&m, w, h, &format!("{} at {at:?} wall={wall}", s.name()));
                }
                if !wall {
                    // Every tab at SSH size, and each pane zoomed at full size.
                    for p in Pane::ALL {
                        m.focus = p;
                        check(&m, 80, 24, &format!("{} tab {p:?}", s.name()));
                        m.zoom = true;
                        check(&m, 200, 60, &format!("{} zoom {p:?}", s.name()));
                        m.zoom = false;
                    }
                    m.focus = Pane::Health;
                }
            }
        }
    }
}

#[test]
fn ui_layout_panes_tile_the_body_and_the_feed_takes_the_rest() {
    let _dir = private_state();
    let m = scenario_model(Scenario::GatewayOverload, Duration::from_secs(6 * 60), (200, 60), false).unwrap();
    let l = layout::compute(Rect::new(0, 0, 200, 60), &m);
    let covered: u32 = l.panes.iter().map(|(_, r)| r.area()).sum();
    assert_eq!(covered, l.body.area(), "{:?}", l.panes);
    let rows = |p: Pane| l.panes.iter().find(|(q, _)| *q == p).map(|(_, r)| r.height).unwrap();
    // Health holds five services: header, five rows, frame (the clock beside it sets the band).
    assert!(rows(Pane::Health) <= 11, "{}", rows(Pane::Health));
    assert!(rows(Pane::Alerts) >= 25, "the feed takes the rest: {}", rows(Pane::Alerts));
    assert!(!l.panes.iter().any(|(p, _)| *p == Pane::Runbook), "no run: the runbook pane takes no room");
    let t = text(&render_to_buffer(&m, &dark(), 200, 60));
    assert!(t.contains("all env=demo"), "a label common to every alert moves to the title\n{t}");
    assert!(t.contains("WebSocket connection failures at 12.5% on the gateway"), "summaries in full\n{t}");
}

/// Whole-screen text at the four sizes and the wall at two, in three scenarios.
#[test]
fn ui_layout_snapshots_of_three_scenarios() {
    let _dir = private_state();
    for s in [Scenario::Calm, Scenario::GatewayOverload, Scenario::CompactionStorm] {
        let mut m = scenario_model(s, Duration::from_secs(6 * 60), (200, 60), false).unwrap();
        for (w, h) in SIZES {
            update(&mut m, Msg::Resize(w, h));
            let t = text(&render_to_buffer(&m, &dark(), w, h));
            insta::assert_snapshot!(format!("{}_{w}x{h}", s.name()), t);
        }
        let mut wall = scenario_model(s, Duration::from_secs(6 * 60), (200, 60), true).unwrap();
        let hc = Theme::builtin("high-contrast").unwrap();
        for (w, h) in [(200, 60), (80, 24)] {
            update(&mut wall, Msg::Resize(w, h));
            let t = text(&render_to_buffer(&wall, &hc, w, h));
            insta::assert_snapshot!(format!("{}_wall_{w}x{h}", s.name()), t);
        }
    }
}

/// Before any source answered, nothing claims a count or an all-clear.
#[test]
fn ui_layout_first_frame_waits_by_name() {
    let t0 = crate::ui_support::t0();
    let mut m = Model::new(
        crate::ui_support::config(),
        opsdeck::model::ModelOptions { now: t0, ..Default::default() },
    );
    update(&mut m, Msg::Tick(t0 + chrono::Duration::seconds(2)));
    for (w, h) in [(200, 60), (80, 24)] {
        m.focus = Pane::Alerts;
        let t = text(&render_to_buffer(&m, &dark(), w, h));
        assert!(t.contains("waiting for am-a (2 s)"), "{t}");
        assert!(!t.contains("0 firing") && !t.contains("no alerts firing") && !t.contains("ALL OK"), "{t}");
    }
    m.focus = Pane::Health;
    let t = text(&render_to_buffer(&m, &dark(), 200, 60));
    assert!(t.contains("waiting for prod (2 s)"), "{t}");
}

/// `--rotate` is accepted after `demo`; a small wall rotates its panes with a page
/// indicator even without it.
#[test]
fn ui_layout_wall_rotates_at_every_size() {
    use clap::Parser;
    let cli = opsdeck::cli::Cli::try_parse_from(["opsdeck", "demo", "--wall", "--rotate", "10s"]).unwrap();
    assert_eq!(cli.screen.rotate, Some(Duration::from_secs(10)));
    let _dir = private_state();
    let mut m = scenario_model(Scenario::DbPrimaryDown, Duration::from_secs(4 * 60), (80, 24), true).unwrap();
    let t0 = m.now;
    m.wall_page_since = t0;
    let first = text(&render_to_buffer(&m, &dark(), 80, 24));
    assert!(first.contains("page 1/6"), "{first}");
    update(&mut m, Msg::Tick(t0 + chrono::Duration::seconds(16)));
    let second = text(&render_to_buffer(&m, &dark(), 80, 24));
    assert!(second.contains("page 2/6") && second.contains("Alerts"), "{second}");
    // A big wall with --rotate: two pane sets, the headline on both.
    m.wall_rotation = Some(Duration::from_secs(10));
    update(&mut m, Msg::Resize(200, 60));
    let big = text(&render_to_buffer(&m, &dark(), 200, 60));
    assert!(big.contains("P0 firing 1") && big.contains("page "), "{big}");
}
