//! The screen side of issue #15: the clock lists every open incident (unacknowledged and
//! escalating first) at 200x60 and 80x24, the 80x24 tabs carry counts, the silences view,
//! silenced alerts saying who/until/why, and the `/` filter with Alertmanager matchers.
use crate::ui_support::*;
use chrono::Duration;
use opsdeck::domain::{Matcher, SilenceRow, SilencedAlert};
use opsdeck::incident::IncidentBook;
use opsdeck::incident::model::{self, Severity};
use opsdeck::model::{Effect, Key, KeyCode, Model, Msg, Pane, update_with};
use opsdeck::ui::{Theme, render_to_buffer};

fn text_of(m: &Model, w: u16, h: u16) -> String {
    let buf = render_to_buffer(m, &Theme::builtin("dark").unwrap(), w, h);
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_string() + "\n")
        .collect()
}

fn key(m: &mut Model, k: Key) -> Vec<Effect> {
    update_with(m, Msg::Key(k), |_| views())
}

/// An old acknowledged P2, an escalating P1, a fresh P0.
fn three() -> Model {
    let mut m = fresh();
    let mut book = IncidentBook::default();
    let t = |s: i64| t0() + Duration::seconds(s);
    model::declare(&mut book, "API latency creeping", Severity::P2, "alice", t(-3600)).unwrap();
    model::acknowledge(&mut book, 1, "alice", t(-3500)).unwrap();
    model::declare(&mut book, "GatewayDown: gateway unreachable", Severity::P1, "bob", t(-1000)).unwrap();
    model::declare(&mut book, "Checkout returns 500s", Severity::P0, "carol", t(-200)).unwrap();
    model::observe_time(&mut book, &m.policy, t0());
    update_with(&mut m, Msg::Incidents(book), |_| views());
    m
}

#[test]
fn clock_with_three_incidents_200x60() {
    let m = three();
    let views = m.clock_views();
    let order: Vec<&str> = views.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(order, ["INC-3", "INC-2", "INC-1"], "unacknowledged first, then severity");
    let text = text_of(&m, 200, 60);
    assert!(text.contains("INC-1 P2") && text.contains("INC-2 P1"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn clock_with_three_incidents_80x24() {
    let mut m = three();
    key(&mut m, Key::ch('5'));
    assert_eq!(m.focus, Pane::Clock);
    let text = text_of(&m, 80, 24);
    assert!(text.contains("5Clock 3▲"), "{text}");
    assert!(text.contains("4Alerts 2!"), "{text}");
    insta::assert_snapshot!(text);
}

fn silence_rows() -> Vec<SilenceRow> {
    let alerts = views().alerts;
    let silenced = alerts.iter().find(|a| a.silenced).unwrap();
    vec![
        SilenceRow {
            id: "8ee42b42-af95-4a11-821d-7bbc394fd2fe".into(),
            state: "active".into(),
            matchers_text: r#"alertname="DiskFilling", instance=~"node-4.*""#.into(),
            matchers: vec![Matcher {
                name: "alertname".into(),
                value: "DiskFilling".into(),
                is_regex: false,
                is_equal: true,
            }],
            created_by: "alice".into(),
            comment: "payments deploy".into(),
            starts_at: t0() - Duration::minutes(20),
            ends_at: t0() + Duration::minutes(70),
            ends_in: "1h10m".into(),
            cluster: "am-a".into(),
            sources: vec!["am-a".into()],
            alerts: vec![SilencedAlert {
                fingerprint: silenced.fingerprint.clone(),
                alertname: silenced.alertname.clone(),
            }],
        },
        SilenceRow {
            id: "0b7d4e1c-2f60-4b8e-9a51-5d1f0c3e7a22".into(),
            state: "pending".into(),
            matchers_text: r#"job="db", severity!="critical""#.into(),
            matchers: vec![],
            created_by: "bob (ssh 10.0.0.5)".into(),
            comment: "maintenance window 02:00-04:00".into(),
            starts_at: t0() + Duration::hours(2),
            ends_at: t0() + Duration::hours(4),
            ends_in: "4h".into(),
            cluster: "eu".into(),
            sources: vec!["am-eu-1".into()],
            alerts: vec![],
        },
    ]
}

#[test]
fn silences_view_and_the_silenced_alert_120x40() {
    let mut m = fresh();
    m.config.alertmanager.push(opsdeck::config::SourceSpec {
        name: "am-a".into(),
        url: "http://127.0.0.1:9".into(),
        ..Default::default()
    });
    update_with(&mut m, Msg::Silences(silence_rows(), vec![]), |_| views());
    key(&mut m, Key::ch('4'));
    let feed = text_of(&m, 200, 60);
    assert!(feed.contains("SIL until 02:30 by alice"), "{feed}");
    let fx = key(&mut m, Key::ch('S'));
    assert!(matches!(fx[..], [Effect::ListSilences]), "opening fetches the list");
    let text = text_of(&m, 120, 40);
    assert!(text.contains("payments deploy") && text.contains("PENDING"), "{text}");
    insta::assert_snapshot!(text);
    key(&mut m, Key::new(KeyCode::Esc));
    assert!(!m.silences.open);
}

fn filter(m: &mut Model, text: &str) {
    key(m, Key::ch('4'));
    key(m, Key::ch('/'));
    for c in text.chars() {
        key(m, Key::ch(c));
    }
    key(m, Key::new(KeyCode::Enter));
}

#[test]
fn the_filter_takes_alertmanager_matchers() {
    let all = views().alerts.len();
    let mut m = fresh();
    filter(&mut m, r#"{severity="critical"}"#);
    assert_eq!(m.feed_counts.shown, all, "every fixture alert is critical");
    let mut m = fresh();
    filter(&mut m, r#"{alertname=~"High.*|Gateway.*", instance!="node-2:9100"}"#);
    assert_eq!(m.feed_counts.shown, 1);
    let mut m = fresh();
    filter(&mut m, "job=api latency");
    assert_eq!(m.feed_counts.shown, 1, "a matcher and free text");
    let mut m = fresh();
    filter(&mut m, "alertname=Nothing");
    assert!(text_of(&m, 200, 60).contains(&format!("0 of {all} match the filter")));
    let mut m = fresh();
    filter(&mut m, r#"alertname=~"(""#);
    let text = text_of(&m, 200, 60);
    assert!(text.contains("filter: `alertname`: not a valid regex"), "{text}");
}
