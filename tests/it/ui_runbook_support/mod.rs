//! Shared fixtures for the runbook-pane tests: a small runbook with a destructive step
//! (`confirm=typed:cluster`), a model at a fixed clock, and helpers that play the edge
//! (acknowledging journal records) so `update` can be driven without I/O.
#![allow(dead_code)]
use chrono::{TimeZone, Utc};
use std::path::{Path, PathBuf};

use opsdeck::config::Config;
use opsdeck::model::runbook::{Found, RunbookJob, RunbookMsg};
use opsdeck::model::{Effect, Key, KeyCode, Mode, Model, ModelOptions, Msg, update};
use opsdeck::runbook::journal::Who;
use opsdeck::runbook::machine::{self, Input, Operator};

pub const RUNBOOK: &str = r#"---
title: Restart the edge cache
intent: Clear a wedged edge cache node.
params:
  - name: cluster
    type: enum
    choices: [eu-1, us-1]
    default: eu-1
  - name: node
    type: string
    default: cache-3
    pattern: '^[a-z0-9-]+$'
justification:
  required: true
  pattern: '^(SRE|INC)-[0-9]+$'
---
# Restart the edge cache

Use when one cache node serves stale objects for more than ten minutes.

## Look at the node

Check the node answers before touching it.

```sh {readonly id=look}
echo "looking at $NODE in $CLUSTER"
```

> [!CAUTION]
> Restarting drops the node's hot set; hit rate dips for about five minutes.

## Restart it

```sh {destructive confirm=typed:cluster id=restart rollback=undo}
touch "$MARKER_DIR/restarted-$NODE"
```

## Undo

```sh {readonly id=undo}
echo "nothing to undo"
```
"#;

pub fn runbook_at(path: &Path) -> opsdeck::runbook::Runbook {
    opsdeck::runbook::parse_str(RUNBOOK, path).expect("fixture runbook parses")
}

pub fn found() -> Found {
    let path = PathBuf::from("/runbooks/edge-cache.md");
    Found {
        path: path.clone(),
        runbook: Ok(runbook_at(&path)),
        defaults: vec!["eu-1".into(), "cache-3".into()],
    }
}

pub fn other() -> Found {
    let text = "---\ntitle: Look around\n---\n# Look around\n\n## Uptime\n\n```sh {readonly}\nuptime\n```\n";
    let path = PathBuf::from("/runbooks/look-around.md");
    Found {
        path: path.clone(),
        runbook: Ok(opsdeck::runbook::parse_str(text, &path).unwrap()),
        defaults: vec![],
    }
}

pub fn model(mode: Mode, readonly: bool, wall: bool) -> Model {
    let mut m = Model::new(
        Config::default(),
        ModelOptions {
            mode,
            readonly,
            wall,
            now: Utc.with_ymd_and_hms(2026, 11, 23, 3, 14, 0).unwrap(),
            ..ModelOptions::default()
        },
    );
    update(&mut m, Msg::Resize(200, 60));
    m
}

pub fn key(m: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(m, Msg::Key(Key::new(code)))
}

pub fn ch(m: &mut Model, c: char) -> Vec<Effect> {
    update(m, Msg::Key(Key::ch(c)))
}

pub fn typed(m: &mut Model, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(ch(m, c));
    }
    fx
}

pub fn operator() -> Operator {
    Operator { who: Who { user: "alice".into(), ssh_client: None }, groups: vec!["sre".into()] }
}

/// The machine effects inside `Effect::Runbook(Perform)`.
pub fn machine_fx(fx: &[Effect]) -> Vec<machine::Effect> {
    fx.iter()
        .flat_map(|e| match e {
            Effect::Runbook(RunbookJob::Perform(v)) => v.clone(),
            _ => Vec::new(),
        })
        .collect()
}

/// Plays the edge: acknowledges every journal record (written) until the machine asks
/// for nothing more to be journaled. Returns every machine effect seen, in order.
pub fn settle(m: &mut Model, fx: Vec<Effect>) -> Vec<machine::Effect> {
    let mut all = Vec::new();
    let mut pending = machine_fx(&fx);
    loop {
        let appends = pending.iter().filter(|f| matches!(f, machine::Effect::AppendJournal(_))).count();
        all.append(&mut pending);
        if appends == 0 {
            return all;
        }
        for _ in 0..appends {
            let more = update(m, Msg::Runbook(RunbookMsg::Event(Input::Journaled(Ok(())))));
            pending.extend(machine_fx(&more));
        }
    }
}

/// A key, then the edge's acknowledgements.
pub fn press(m: &mut Model, code: KeyCode) -> Vec<machine::Effect> {
    let fx = key(m, code);
    settle(m, fx)
}

pub fn press_ch(m: &mut Model, c: char) -> Vec<machine::Effect> {
    let fx = ch(m, c);
    settle(m, fx)
}

pub fn starts_command(fx: &[machine::Effect]) -> bool {
    fx.iter().any(|f| matches!(f, machine::Effect::StartCommand { .. }))
}

/// From a fresh model to a run waiting at step 1: `r`, the picker, the justification,
/// the parameters (defaults), and the edge's `Ready`.
pub fn ready_run(m: &mut Model) {
    let fx = ch(m, 'r');
    assert_eq!(fx, vec![Effect::Runbook(RunbookJob::Discover)]);
    update(m, Msg::Runbook(RunbookMsg::Found(Ok(vec![found(), other()]))));
    key(m, KeyCode::Enter);
    typed(m, "SRE-7");
    key(m, KeyCode::Enter);
    key(m, KeyCode::Enter);
    let fx = key(m, KeyCode::Enter);
    assert!(matches!(fx.as_slice(), [Effect::Runbook(RunbookJob::Prepare(_))]), "{fx:?}");
    let fx = update(
        m,
        Msg::Runbook(RunbookMsg::Ready {
            run_id: "20261123T031400Z-edge-cache-abcd".into(),
            operator: operator(),
            journal: Ok(PathBuf::from("/state/runs/20261123T031400Z-edge-cache-abcd.jsonl")),
            simulator: false,
            inherited: Default::default(),
        }),
    );
    settle(m, fx);
}

/// From a waiting run: step 1 runs and exits 0, then Enter on step 2 opens the dialog.
pub fn to_dialog(m: &mut Model) {
    let fx = press(m, KeyCode::Enter);
    assert!(starts_command(&fx), "the read-only step runs without a question: {fx:?}");
    update(
        m,
        Msg::Runbook(RunbookMsg::Output(opsdeck::runbook::exec::OutputLine {
            stream: opsdeck::runbook::exec::Stream::Stdout,
            text: "looking at cache-3 in eu-1".into(),
        })),
    );
    let fx = update(m, Msg::Runbook(RunbookMsg::Event(Input::CommandExited(exited(0)))));
    settle(m, fx);
    // The first Enter after a block ended only acknowledges its output.
    let fx = press(m, KeyCode::Enter);
    assert!(fx.is_empty(), "{fx:?}");
    let fx = press(m, KeyCode::Enter);
    assert!(!starts_command(&fx));
    assert!(m.runbook.dialog_open(), "the destructive block asks first");
}

pub fn exited(code: i32) -> opsdeck::runbook::exec::ExecResult {
    opsdeck::runbook::exec::ExecResult { exit_code: Some(code), ..Default::default() }
}
