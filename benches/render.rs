//! Rendering one full frame (DESIGN.md section 8: < 1 ms at 200x60) from a realistic model:
//! the simulator's `gateway-overload` scenario five minutes in (alerts firing, status pages
//! degraded, sparklines filled), polled through the production clients as `opsdeck
//! screenshot` does, then drawn into a reused buffer the way the terminal's back buffer is.
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use opsdeck::app::RunOptions;
use opsdeck::demo::cli::{screenshot_epoch, source_plans};
use opsdeck::demo::config::{self, Endpoints};
use opsdeck::demo::server::{self, Clock};
use opsdeck::demo::sim::{Scenario, SimOptions};
use opsdeck::model::{Mode, Model, Msg, update};
use opsdeck::sources::poll_once;
use opsdeck::ui::{self, Theme};

/// The model after one poll of every source of the running simulator, sized `w`x`h`.
fn demo_model(w: u16, h: u16) -> (Model, Theme) {
    let start = screenshot_epoch();
    let now = start + chrono::Duration::minutes(5);
    let scenario = Scenario::parse("gateway-overload").expect("scenario");
    let opts = SimOptions { scenario, seed: 42, speed: 1.0, start, synthetic_alerts: 0 };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let (cfg, outcomes) = rt.block_on(async {
        let server = server::start(opts, Clock::Fixed(std::sync::Mutex::new(now))).await.unwrap();
        let cfg = config::build(&Endpoints::from(&server), Duration::from_secs(5), "dark");
        let plans = source_plans(&cfg);
        let outcomes = futures_util::future::join_all(plans.iter().map(|p| poll_once(p, now))).await;
        (cfg, outcomes)
    });
    let themes = opsdeck::app::themes();
    let run = RunOptions { mode: Mode::Demo, ..RunOptions::default() };
    let mut m = opsdeck::app::initial_model(cfg, &run, &themes).unwrap();
    m.utc_offset_secs = 0;
    update(&mut m, Msg::Resize(w, h));
    for o in outcomes {
        assert!(o.result.is_ok(), "{}: {:?}", o.source, o.result.err());
        update(&mut m, Msg::Polled(o));
    }
    update(&mut m, Msg::Tick(now + chrono::Duration::seconds(1)));
    let theme = themes[m.theme_index].clone();
    (m, theme)
}

fn render(c: &mut Criterion) {
    for (w, h) in [(200u16, 60u16), (400, 120), (80, 24)] {
        let (m, theme) = demo_model(w, h);
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        c.bench_function(&format!("render_frame_{w}x{h}"), |b| {
            b.iter(|| {
                buf.reset();
                ui::draw(&m, &theme, area, &mut buf);
                std::hint::black_box(&buf);
            })
        });
    }
}

/// A chart at 400x120: the gateway's error rate over 7 days at the step the width asks for
/// (the most points a chart draws), with its target, critical line and alert marker.
fn render_chart(c: &mut Criterion) {
    let (w, h) = (400u16, 120u16);
    let (mut m, theme) = demo_model(w, h);
    m.focus = opsdeck::model::Pane::Health;
    let target = opsdeck::model::chart::find(&m, &["gateway".into(), "err".into()]).expect("a chart target");
    let f = opsdeck::model::chart::open(&mut m, target, opsdeck::model::chart::ChartRange::D7);
    let n = (f.end - f.start).num_seconds() / f.step.as_secs() as i64;
    let t0 = f.start.timestamp() as f64;
    let step = f.step.as_secs() as f64;
    // Three series of a daily wave with noise, one point per step.
    let series: Vec<opsdeck::domain::Series> = (0..3)
        .map(|k| opsdeck::domain::Series {
            labels: [("instance".to_string(), format!("gateway-{k}"))].into_iter().collect(),
            points: (0..n)
                .map(|i| {
                    let x = i as f64;
                    (t0 + x * step, 0.5 + 0.4 * (x / 40.0 + k as f64).sin() + 0.05 * ((x * 7.3).sin()))
                })
                .collect(),
        })
        .collect();
    update(&mut m, Msg::ChartData { id: f.id, result: Ok(series) });
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    c.bench_function("render_chart_400x120", |b| {
        b.iter(|| {
            buf.reset();
            ui::draw(&m, &theme, area, &mut buf);
            std::hint::black_box(&buf);
        })
    });
}

criterion_group!(benches, render, render_chart);
criterion_main!(benches);
