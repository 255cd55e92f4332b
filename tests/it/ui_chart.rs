//! Charts and the command palette (issue #18): Enter on a health row asks for a range
//! query as an effect; the answer is drawn with axes, units, the target line and the
//! alert's start; ranges by key; a stale answer is dropped; the palette lists actions
//! with their keys and runs typed commands.
use std::time::Duration;

use opsdeck::demo::frames::scenario_model;
use opsdeck::demo::sim::Scenario;
use opsdeck::domain::{PollData, Series};
use opsdeck::model::chart::ChartRange;
use opsdeck::model::{Effect, Key, KeyCode, Model, Msg, Pane, update};
use opsdeck::ui::{Theme, render_to_buffer};

fn text(m: &Model, w: u16, h: u16) -> String {
    opsdeck::demo::shot::to_text(&render_to_buffer(m, &Theme::builtin("dark").unwrap(), w, h))
}

fn private_state() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    unsafe {
        std::env::set_var("OPSDECK_STATE_DIR", dir.path());
        std::env::set_var("HOME", dir.path());
    }
    dir
}

/// The history the model already holds for `query` (the sparkline's hour), as the answer.
fn history(m: &Model, query: &str) -> Vec<Series> {
    m.sources
        .iter()
        .find_map(|s| match &s.data {
            Some(PollData::Metrics(p)) => p.range.get(query).and_then(|r| r.as_ref().ok()).cloned(),
            _ => None,
        })
        .unwrap_or_default()
}

fn key(m: &mut Model, k: Key) -> Vec<Effect> {
    update(m, Msg::Key(k))
}

fn typed(m: &mut Model, s: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in s.chars() {
        fx = key(m, Key::ch(c));
    }
    fx
}

#[test]
fn ui_chart_enter_on_a_health_row_fetches_and_draws_a_chart() {
    let _d = private_state();
    for s in [Scenario::GatewayOverload, Scenario::CompactionStorm, Scenario::DbPrimaryDown] {
        let mut m = scenario_model(s, Duration::from_secs(6 * 60), (200, 60), false).unwrap();
        update(&mut m, Msg::Resize(200, 60));
        key(&mut m, Key::ch('1'));
        let fx = key(&mut m, Key::new(KeyCode::Enter));
        let [Effect::FetchRange(f)] = fx.as_slice() else { panic!("one fetch: {fx:?}") };
        assert_eq!(f.end - f.start, chrono::Duration::hours(1));
        assert!((f.end - f.start).num_seconds() as u64 / f.step.as_secs() <= 1000, "bounded points");
        let before = text(&m, 200, 60);
        assert!(before.contains("fetching 1h"), "{before}");
        let data = history(&m, &f.query);
        update(&mut m, Msg::ChartData { id: f.id, result: Ok(data) });
        for (w, h) in [(80, 24), (120, 40), (200, 60), (400, 120)] {
            update(&mut m, Msg::Resize(w, h));
            let t = text(&m, w, h);
            assert!(t.contains("time"), "a time axis\n{t}");
            insta::assert_snapshot!(format!("chart_{}_{w}x{h}", s.name()), t);
        }
        // 6h by key: a new request; the old answer arriving late is dropped.
        let fx = key(&mut m, Key::ch('2'));
        let [Effect::FetchRange(f6)] = fx.as_slice() else { panic!("{fx:?}") };
        assert_eq!(m.chart.as_ref().unwrap().range, ChartRange::H6);
        update(&mut m, Msg::ChartData { id: f.id, result: Ok(vec![]) });
        assert!(m.chart.as_ref().unwrap().data.is_none(), "an older answer is dropped");
        update(&mut m, Msg::ChartData { id: f6.id, result: Err("HTTP 503".into()) });
        assert!(text(&m, 200, 60).contains("no history: HTTP 503"));
        key(&mut m, Key::new(KeyCode::Esc));
        assert!(m.chart.is_none());
    }
}

#[test]
fn ui_chart_compaction_storm_db_latency_is_crit_with_its_target_on_the_chart() {
    let _d = private_state();
    let mut m =
        scenario_model(Scenario::CompactionStorm, Duration::from_secs(6 * 60), (200, 60), false).unwrap();
    let db = m.views.health.iter().find(|r| r.service == "db").unwrap().clone();
    let p99 = db.latency_p99_ms.unwrap();
    if p99 > db.targets.latency_crit_ms {
        assert_eq!(db.state, opsdeck::derive::HealthState::Crit, "{db:?}");
    }
    let fx = {
        key(&mut m, Key::ch(':'));
        typed(&mut m, "chart db p99 1h");
        key(&mut m, Key::new(KeyCode::Enter))
    };
    let [Effect::FetchRange(f)] = fx.as_slice() else { panic!("{fx:?}") };
    let data = history(&m, &f.query);
    update(&mut m, Msg::ChartData { id: f.id, result: Ok(data) });
    let t = text(&m, 200, 60);
    assert!(t.contains("db p99") && t.contains("ms") && t.contains("target"), "{t}");
}

#[test]
fn ui_chart_palette_lists_actions_with_keys_and_runs_commands() {
    let _d = private_state();
    for s in [Scenario::Calm, Scenario::GatewayOverload, Scenario::VoteBrigade] {
        let mut m = scenario_model(s, Duration::from_secs(6 * 60), (200, 60), false).unwrap();
        key(&mut m, Key::ch(':'));
        assert!(m.palette.is_some());
        for (w, h) in [(80, 24), (200, 60)] {
            insta::assert_snapshot!(format!("palette_{}_{w}x{h}", s.name()), text(&m, w, h));
        }
        typed(&mut m, "incdecl");
        let t = text(&m, 200, 60);
        assert!(t.contains("incident declare") && t.contains(" i "), "{t}");
        key(&mut m, Key::new(KeyCode::Esc));
        key(&mut m, Key::ch(':'));
        typed(&mut m, "theme light");
        key(&mut m, Key::new(KeyCode::Enter));
        assert_eq!(m.theme_name(), "light");
        assert!(text(&m, 200, 60).contains("theme: light"), "the theme is named on change");
    }
    let mut m = scenario_model(Scenario::Calm, Duration::from_secs(60), (200, 60), false).unwrap();
    key(&mut m, Key::ch(':'));
    typed(&mut m, "runbook gateway-overload");
    let fx = key(&mut m, Key::new(KeyCode::Enter));
    assert!(matches!(fx.as_slice(), [Effect::Runbook(_)]), "{fx:?}");
    key(&mut m, Key::ch('?'));
    assert!(text(&m, 200, 60).contains("theme dark"), "help names the theme");
    assert_eq!(m.focus, Pane::Health);
}
