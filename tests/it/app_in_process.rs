//! The whole app in process (issue #13): the real event loop (`app::drive`) on a ratatui
//! `TestBackend`, scripted inputs on its channel (a resize, a fixed clock, a real
//! Alertmanager answer, keys), and edges that record the effects instead of performing
//! them. What the operator would see is read off the backend's buffer.
use opsdeck::app::drive::{Edges, Flow, drive};
use opsdeck::app::{Input, RunOptions, initial_model, themes};
use opsdeck::domain::{PollData, PollOutcome, SourceKind};
use opsdeck::model::{Effect, Key, KeyCode, Model, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Instant;
use tokio::sync::mpsc;

use crate::ui_support::{config, t0};

#[derive(Default)]
struct Recorded {
    effects: Vec<String>,
}

impl Edges for Recorded {
    fn perform(&mut self, _model: &Model, effect: Effect) -> Flow {
        let quit = matches!(effect, Effect::Quit);
        self.effects.push(format!("{effect:?}").chars().take(60).collect());
        if quit { Flow::Quit } else { Flow::Continue }
    }
}

fn screen(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn key(c: char) -> Input {
    Input::Key(Key::new(KeyCode::Char(c)), Instant::now())
}

async fn run(inputs: Vec<Input>, size: (u16, u16)) -> (String, Recorded) {
    let themes = themes();
    let mut model = initial_model(config(), &RunOptions::default(), &themes).unwrap();
    let mut term = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    tx.send(Input::Msg(Msg::Resize(size.0, size.1))).await.unwrap();
    tx.send(Input::Msg(Msg::Tick(t0()))).await.unwrap();
    for i in inputs {
        tx.send(i).await.unwrap();
    }
    drop(tx);
    let mut edges = Recorded::default();
    drive(&mut model, &themes, &mut term, &mut rx, &mut edges).await.unwrap();
    (screen(&term), edges)
}

fn alerts_poll() -> Input {
    let body = include_bytes!("../fixtures/alertmanager/alerts.json");
    let alerts = opsdeck::sources::alertmanager::parse_alerts(body, "am-a").unwrap();
    Input::Msg(Msg::Polled(PollOutcome {
        source: "am-a".into(),
        kind: SourceKind::Alertmanager,
        taken_at: t0(),
        result: Ok(PollData::Alerts(std::sync::Arc::new(alerts))),
    }))
}

#[tokio::test]
async fn a_real_alertmanager_answer_reaches_the_screen_through_the_loop() {
    let (before, _) = run(vec![], (200, 60)).await;
    let (after, edges) = run(vec![alerts_poll()], (200, 60)).await;
    assert_ne!(before, after, "the answer changed what is drawn");
    assert!(after.contains("firing"), "{after}");
    // A P0/P1 in the answer is handed to the incident thread.
    assert!(edges.effects.iter().any(|e| e.starts_with("ObserveAlerts")), "{:?}", edges.effects);
}

#[tokio::test]
async fn help_opens_on_its_key_and_q_quits_through_the_edges() {
    let (s, _) = run(vec![key('?')], (80, 24)).await;
    assert!(s.to_lowercase().contains("help"), "{s}");
    let (_, edges) = run(vec![key('q')], (80, 24)).await;
    assert_eq!(edges.effects.last().map(String::as_str), Some("Quit"), "{:?}", edges.effects);
}
