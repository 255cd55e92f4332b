//! `update` without a terminal: keys, filter, detail, zoom, theme, help, quit, new marks,
//! freshness, and redraw only when something visible changed.

use crate::ui_support::*;
use chrono::Duration;
use opsdeck::model::{Effect, FeedRow, Key, KeyCode, Model, Msg, Pane, Views, update_with};
use opsdeck::sources::{SourceError, SourceKind};

fn key(m: &mut Model, k: Key) -> Vec<Effect> {
    update_with(m, Msg::Key(k), |_| views())
}
fn typ(m: &mut Model, s: &str) {
    for c in s.chars() {
        key(m, Key::ch(c));
    }
}
const ENTER: Key = Key::new(KeyCode::Enter);
const ESC: Key = Key::new(KeyCode::Esc);

#[test]
fn tab_and_numbers_move_focus() {
    let mut m = fresh();
    assert_eq!(m.focus, Pane::Health);
    key(&mut m, Key::new(KeyCode::Tab));
    assert_eq!(m.focus, Pane::Community);
    key(&mut m, Key::new(KeyCode::BackTab));
    key(&mut m, Key::new(KeyCode::BackTab));
    assert_eq!(m.focus, Pane::Runbook);
    for (n, p) in (1..=7).zip(Pane::ALL) {
        key(&mut m, Key::ch((b'0' + n) as char));
        assert_eq!(m.focus, p);
    }
    key(&mut m, Key::ch('8'));
    assert_eq!(m.focus, Pane::Runbook, "unbound key changes nothing");
}

#[test]
fn feed_sorts_by_priority_then_newest_with_suppressed_last() {
    let m = fresh();
    let names: Vec<&str> = m
        .feed
        .iter()
        .map(|r| match r {
            FeedRow::Alert(i) => m.views.alerts[*i].alertname.as_str(),
            FeedRow::Group(g) => g.alertname.as_str(),
        })
        .collect();
    assert_eq!(
        names,
        ["GatewayConnectionFailures", "HighErrorRate", "LatencyHigh", "InstanceDown", "DiskFilling"]
    );
    assert_eq!((m.feed_counts.active, m.feed_counts.silenced, m.feed_counts.inhibited), (3, 1, 1));
}

#[test]
fn filter_by_text_and_label_then_clear() {
    let mut m = fresh();
    key(&mut m, Key::ch('/'));
    assert_eq!(m.focus, Pane::Alerts);
    typ(&mut m, "latency");
    assert_eq!(m.feed.len(), 1, "applied live while typing");
    key(&mut m, ENTER);
    assert_eq!(m.filter, "latency");
    assert_eq!(m.filter_edit, None);

    key(&mut m, Key::ch('/'));
    key(&mut m, Key::new(KeyCode::Backspace));
    for _ in 0..7 {
        key(&mut m, Key::new(KeyCode::Backspace));
    }
    typ(&mut m, "instance=node-2:9100");
    key(&mut m, ENTER);
    assert_eq!(m.feed.len(), 1);
    let FeedRow::Alert(i) = m.feed[0] else { panic!("an alert row") };
    assert_eq!(m.views.alerts[i].alertname, "GatewayConnectionFailures");

    key(&mut m, Key::ch('/'));
    typ(&mut m, " priority!=P0");
    assert_eq!(m.feed.len(), 0);
    key(&mut m, ESC);
    assert_eq!(m.feed.len(), 1, "Esc while typing restores the applied filter");

    key(&mut m, ESC);
    assert_eq!(m.filter, "");
    assert_eq!(m.feed.len(), 5);
}

#[test]
fn enter_opens_detail_and_esc_closes_it() {
    let mut m = fresh();
    key(&mut m, Key::ch('4'));
    key(&mut m, Key::new(KeyCode::Down));
    key(&mut m, ENTER);
    assert_eq!(m.detail_alert().map(|a| a.alertname.as_str()), Some("HighErrorRate"));
    key(&mut m, Key::new(KeyCode::Down));
    assert_eq!(m.detail_scroll, 1, "arrows scroll the detail while it is open");
    key(&mut m, ESC);
    assert_eq!(m.detail, None);
    assert_eq!(m.alert_sel, 1);
}

#[test]
fn grouping_when_long_and_enter_drills_into_a_group() {
    let mut m =
        model_with(opsdeck::model::ModelOptions { theme_names: theme_names(), ..Default::default() }, true);
    assert!(m.feed.iter().all(|r| matches!(r, FeedRow::Group(_))));
    assert_eq!(m.feed.len(), 7);
    let FeedRow::Group(g) = m.feed[0].clone() else { unreachable!() };
    assert_eq!(g.priority, opsdeck::derive::Priority::P0);
    key(&mut m, Key::ch('4'));
    key(&mut m, ENTER);
    assert_eq!(m.filter, format!("alertname={}", g.alertname));
    assert_eq!(m.feed.len(), g.count, "a drilled-into group lists its alerts");
    assert!(m.feed.iter().all(|r| matches!(r, FeedRow::Alert(_))));
    key(&mut m, ESC);
    assert_eq!(m.filter, "");
    assert_eq!(m.feed.len(), 7, "grouped again");
    key(&mut m, Key::ch('g'));
    assert_eq!(m.feed.len(), 500, "g toggles grouping off even when long");
}

#[test]
fn zoom_theme_help_and_quit() {
    let mut m = fresh();
    key(&mut m, Key::ch('z'));
    assert!(m.zoom);
    key(&mut m, ESC);
    assert!(!m.zoom);
    let t = m.theme_index;
    key(&mut m, Key::ch('t'));
    assert_eq!(m.theme_index, (t + 1) % 4);
    key(&mut m, Key::ch('?'));
    assert!(m.help);
    key(&mut m, Key::ch('j'));
    assert!(!m.help, "any key closes help");
    assert_eq!(key(&mut m, Key::ch('q')), vec![Effect::Quit]);
    assert_eq!(key(&mut m, Key::ctrl('c')), vec![Effect::Quit]);
    assert_eq!(update_with(&mut m, Msg::Shutdown, |_| views()), vec![Effect::Quit]);
}

#[test]
fn click_focuses_and_wheel_scrolls() {
    let mut m = fresh();
    update_with(&mut m, Msg::Click(Pane::Alerts), |_| views());
    assert_eq!(m.focus, Pane::Alerts);
    update_with(&mut m, Msg::Scroll { pane: Pane::Alerts, delta: 2 }, |_| views());
    assert_eq!(m.alert_sel, 2);
    update_with(&mut m, Msg::Scroll { pane: Pane::Alerts, delta: -5 }, |_| views());
    assert_eq!(m.alert_sel, 0);
}

#[test]
fn alerts_new_since_last_look_are_marked() {
    let mut m = fresh();
    assert!(m.views.alerts.iter().all(|a| !m.is_new(a)), "the first answer is the baseline");
    fn more(_: &Model) -> Views {
        let mut v = views();
        v.alerts.push(alert(99, "BrandNew", opsdeck::derive::Priority::P1, 5));
        v
    }
    // A different answer than the baseline's (an equal one is not derived again).
    let mut changed = empty_poll("am-a", SourceKind::Alertmanager, t0() + Duration::seconds(5));
    let fixture = include_bytes!("../fixtures/alertmanager/alerts.json");
    changed.result = Ok(opsdeck::sources::PollData::Alerts(
        opsdeck::sources::alertmanager::parse_alerts(fixture, "am-a").unwrap().into(),
    ));
    update_with(&mut m, Msg::Polled(changed), more);
    let new: Vec<_> = m.views.alerts.iter().filter(|a| m.is_new(a)).map(|a| a.alertname.clone()).collect();
    assert_eq!(new, ["BrandNew"]);
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(20)), more);
    update_with(&mut m, Msg::Key(Key::ch('4')), more);
    update_with(&mut m, Msg::Key(Key::ch('1')), more);
    assert!(m.views.alerts.iter().all(|a| !m.is_new(a)), "leaving the feed marks them seen");
}

#[test]
fn failing_source_degrades_only_its_panes() {
    let m = prom_failing();
    for p in [Pane::Health, Pane::Community, Pane::Moderation] {
        let age = m.pane_age(p);
        assert_eq!(age.label(), "STALE 2m10s", "{p:?}");
        assert_eq!(age.reason(), Some("prod: connection refused"));
    }
    assert!(!m.pane_age(Pane::Alerts).is_stale());
    assert!(!m.pane_age(Pane::Status).is_stale());
    assert_eq!(m.views.health.len(), 3, "last values kept");
}

#[test]
fn ticks_redraw_only_when_a_shown_string_changes() {
    let mut m = fresh();
    m.take_dirty();
    let d = |_: &Model| views();
    // Ages shown in steps: 3s -> 4s old is still "<10s"; the minute has not turned.
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(1)), d);
    assert!(!m.take_dirty(), "nothing visible changed");
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(6)), d);
    assert!(!m.take_dirty(), "9s old is still <10s");
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(7)), d);
    assert!(m.take_dirty(), "pane age moved from <10s to <30s");
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(8)), d);
    assert!(m.take_dirty(), "past twice the 5s interval: STALE");
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(60)), d);
    assert!(m.take_dirty(), "the header minute turned");
    // Same data again: no redraw beyond the age reset.
    for (n, k) in [
        ("prod", SourceKind::Prometheus),
        ("am-a", SourceKind::Alertmanager),
        ("GitHub", SourceKind::Statuspage),
    ] {
        update_with(&mut m, Msg::Polled(empty_poll(n, k, t0() + Duration::seconds(60))), d);
    }
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(61)), d);
    m.take_dirty();
    update_with(
        &mut m,
        Msg::Polled(empty_poll("GitHub", SourceKind::Statuspage, t0() + Duration::seconds(62))),
        d,
    );
    assert!(!m.take_dirty(), "identical data, identical labels: no redraw");
    update_with(
        &mut m,
        Msg::Polled(failed_poll(
            "GitHub",
            SourceKind::Statuspage,
            t0() + Duration::seconds(63),
            SourceError::Http { status: 503, detail: String::new() },
        )),
        d,
    );
    assert!(m.take_dirty(), "a failure is visible at once");
}

#[test]
fn wall_mode_is_read_only_and_rotates() {
    let opts = opsdeck::model::ModelOptions {
        wall: true,
        wall_rotation: Some(std::time::Duration::from_secs(30)),
        theme_names: theme_names(),
        ..Default::default()
    };
    let mut m = model_with(opts, false);
    assert!(m.readonly);
    let p0 = m.wall_page;
    update_with(&mut m, Msg::Tick(t0() + Duration::seconds(31)), |_| views());
    assert_eq!(m.wall_page, p0 + 1);
}

#[test]
fn an_answer_equal_to_the_previous_one_is_not_derived_and_not_redrawn() {
    let mut m = fresh();
    assert!(m.take_dirty());
    fn boom(_: &Model) -> Views {
        panic!("derived again for an equal answer")
    }
    update_with(
        &mut m,
        Msg::Polled(empty_poll("am-a", SourceKind::Alertmanager, t0() - Duration::seconds(3))),
        boom,
    );
    assert!(!m.is_dirty(), "an equal answer at the same time redraws nothing");
}

/// An Alertmanager answer parsed as the poller does: through the source's one cache.
fn am_poll(
    cache: &mut opsdeck::sources::alertmanager::AlertCache,
    at: chrono::DateTime<chrono::Utc>,
    body: &str,
) -> opsdeck::sources::PollOutcome {
    let mut p = empty_poll("am-a", SourceKind::Alertmanager, at);
    p.result = Ok(opsdeck::sources::PollData::Alerts(cache.parse(body.as_bytes(), "am-a").unwrap()));
    p
}

#[test]
fn a_resend_that_only_moves_alert_times_is_not_derived_but_a_changed_alert_is() {
    let fixture = include_str!("../fixtures/alertmanager/alerts.json");
    let mut cache = opsdeck::sources::alertmanager::AlertCache::default();
    let mut m = fresh();
    update_with(&mut m, Msg::Polled(am_poll(&mut cache, t0() + Duration::seconds(5), fixture)), |_| views());
    let before = m.views.clone();
    fn boom(_: &Model) -> Views {
        panic!("derived again for a re-send that only moved update and end times")
    }
    let resent = fixture.replace("2026-11-23T01:21:50.507Z", "2026-11-23T01:22:50.507Z");
    assert_ne!(resent, fixture, "the fixture has the end time replaced");
    update_with(&mut m, Msg::Polled(am_poll(&mut cache, t0() + Duration::seconds(10), &resent)), boom);
    assert_eq!(m.views, before, "the views are kept");

    static DERIVED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    fn counted(_: &Model) -> Views {
        DERIVED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        views()
    }
    let changed = resent.replace("Disk /var on db-1 is 97% full", "Disk /var on db-1 is 99% full");
    update_with(&mut m, Msg::Polled(am_poll(&mut cache, t0() + Duration::seconds(20), &changed)), counted);
    assert_eq!(DERIVED.load(std::sync::atomic::Ordering::SeqCst), 1, "a changed annotation is derived");
}

#[test]
fn a_metrics_poll_keeps_the_alert_views_and_changes_only_the_others() {
    let mut m = fresh();
    let alerts_before = m.views.alerts.clone();
    let feed_before = m.feed.clone();
    fn other(_: &Model) -> Views {
        let mut v = views();
        v.alerts.clear(); // not asked for on a metrics poll: must be ignored
        v.health.truncate(1);
        v
    }
    let mut p = empty_poll("prod", SourceKind::Prometheus, t0() + Duration::seconds(5));
    let Ok(opsdeck::sources::PollData::Metrics(mp)) = &mut p.result else { panic!() };
    mp.range.insert("new data".into(), Ok(vec![])); // differs from the previous answer
    update_with(&mut m, Msg::Polled(p), other);
    assert_eq!(m.views.alerts, alerts_before, "alert views kept");
    assert_eq!(m.feed, feed_before);
    assert_eq!(m.views.health.len(), 1, "the other views replaced");
    assert!(m.is_dirty());
}
