//! The machine's unit tests.
use super::*;
use crate::runbook::types::*;
use std::path::PathBuf;

pub(super) fn t(s: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + s as i64, 0).unwrap()
}

pub(super) fn block(script: &str, safety: Safety, confirm: Option<Confirm>) -> Block {
    Block {
        line: 1,
        lang: "sh".into(),
        kind: BlockKind::Script,
        script: script.into(),
        commands: vec![],
        placeholders: vec![],
        attrs: BlockAttrs { confirm, ..Default::default() },
        safety,
        reason: "test".into(),
    }
}

pub(super) fn step(id: &str, blocks: Vec<Block>) -> Step {
    Step {
        id: id.into(),
        title: id.into(),
        line: 1,
        prose: String::new(),
        callouts: vec![],
        blocks,
        verify: vec![],
    }
}

pub(super) fn runbook() -> Runbook {
    Runbook {
        path: "/rb/drain.md".into(),
        file_hash: "h1".into(),
        title: "Drain".into(),
        intent: None,
        owner: None,
        eta: None,
        params: vec![ParamSpec {
            name: "cluster".into(),
            kind: ParamKind::String,
            default: None,
            pattern: Some("^[a-z0-9-]+$".into()),
            choices: vec![],
            description: None,
        }],
        allowed_groups: vec![],
        justification: Some(JustificationSpec { required: true, pattern: Some("^SRE-[0-9]+$".into()) }),
        steps: vec![
            step("check", vec![block("kubectl get nodes", Safety::ReadOnly, None)]),
            step(
                "drain",
                vec![block(
                    "kubectl drain x",
                    Safety::Destructive,
                    Some(Confirm::TypedParam("cluster".into())),
                )],
            ),
        ],
        fence_problems: vec![],
    }
}

pub(super) fn op(groups: &[&str]) -> Operator {
    Operator {
        who: Who { user: "alice".into(), ssh_client: None },
        groups: groups.iter().map(|s| s.to_string()).collect(),
    }
}

pub(super) fn opts() -> RunOptions {
    RunOptions { run_id: "r1".into(), ..Default::default() }
}

pub(super) fn params() -> BTreeMap<String, String> {
    BTreeMap::from([("cluster".to_string(), "eu-1".to_string())])
}

/// Acks every journal record; returns all effects and the journaled entries.
pub(super) fn settle(m: &mut Machine, mut fx: Vec<Effect>, now: DateTime<Utc>) -> (Vec<Effect>, Vec<Entry>) {
    let mut all = Vec::new();
    let mut entries = Vec::new();
    while let Some(pos) = fx.iter().position(|e| matches!(e, Effect::AppendJournal(_))) {
        let rest = fx.split_off(pos + 1);
        if let Some(Effect::AppendJournal(e)) = fx.last() {
            entries.push(e.clone());
        }
        all.append(&mut fx);
        fx = m.handle(Input::Journaled(Ok(())), now);
        fx.extend(rest);
    }
    all.append(&mut fx);
    (all, entries)
}

pub(super) fn started() -> Machine {
    let (mut m, fx) = Machine::start(runbook(), opts(), op(&[]), params(), Some("SRE-7".into()), t(0));
    settle(&mut m, fx, t(0));
    m
}

#[test]
fn justification_is_asked_and_checked() {
    let (mut m, fx) = Machine::start(runbook(), opts(), op(&[]), params(), None, t(0));
    assert!(fx.is_empty());
    assert!(matches!(m.phase(), Phase::NeedJustification { error: None, .. }));
    let fx = m.handle(Input::Justification("nope".into()), t(1));
    assert!(fx.is_empty(), "nothing journaled or run before a valid justification");
    assert!(matches!(m.phase(), Phase::NeedJustification { error: Some(_), .. }));
    let fx = m.handle(Input::RunStep, t(1));
    assert!(matches!(fx[0], Effect::Notice(_)));
    let fx = m.handle(Input::Justification("SRE-101".into()), t(2));
    let (_, entries) = settle(&mut m, fx, t(2));
    assert_eq!(entries[0].event, EventKind::RunStarted);
    assert_eq!(entries[0].justification.as_deref(), Some("SRE-101"));
    assert_eq!(m.phase(), &Phase::Ready { step: 0 });
}

#[test]
fn allowed_groups_refuse_outsiders() {
    let mut rb = runbook();
    rb.allowed_groups = vec!["sre".into()];
    let (mut m, fx) = Machine::start(rb.clone(), opts(), op(&["dev"]), params(), Some("SRE-1".into()), t(0));
    let (all, entries) = settle(&mut m, fx, t(0));
    assert_eq!(entries[0].event, EventKind::RunRefused);
    assert!(all.iter().any(|e| matches!(e, Effect::Finished(Outcome::Refused(_)))));
    assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
    let (m, _) =
        Machine::start(rb.clone(), opts(), op(&["dev", "sre"]), params(), Some("SRE-1".into()), t(0));
    assert!(!matches!(m.phase(), Phase::Done(_)));
    // A drill is practice: an outsider may run it, and is told a real run would refuse.
    let drill = RunOptions { drill: true, ..opts() };
    let (m, fx) = Machine::start(rb, drill, op(&["dev"]), params(), Some("SRE-1".into()), t(0));
    assert!(!matches!(m.phase(), Phase::Done(_)));
    assert!(fx.iter().any(|e| matches!(e, Effect::Notice(n) if n.contains("would be refused"))), "{fx:?}");
}

#[test]
fn command_starts_only_after_its_record_is_acknowledged() {
    let mut m = started();
    let fx = m.handle(Input::RunStep, t(3));
    // step_started first; nothing runs yet.
    assert!(matches!(&fx[..], [Effect::AppendJournal(e)] if e.event == EventKind::StepStarted));
    let fx = m.handle(Input::Journaled(Ok(())), t(3));
    assert!(matches!(&fx[..], [Effect::AppendJournal(e)] if e.event == EventKind::BlockStarted));
    let fx = m.handle(Input::Journaled(Ok(())), t(3));
    assert!(matches!(&fx[..], [Effect::StartCommand { step: 0, block: 0, .. }]));
}

#[test]
fn destructive_block_needs_the_typed_value_default_no() {
    let mut m = started();
    let fx = m.handle(Input::RunStep, t(3));
    let (_, _) = settle(&mut m, fx, t(3));
    let fx = m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(4));
    settle(&mut m, fx, t(4));
    assert_eq!(m.phase(), &Phase::Ready { step: 1 });
    let fx = m.handle(Input::RunStep, t(5));
    settle(&mut m, fx, t(5));
    assert!(
        matches!(m.phase(), Phase::Confirm { step: 1, block: 0, expect: Expect::Typed(v), .. } if v == "eu-1")
    );
    for wrong in ["", "yes", "y", "eu-1 ", "EU-1"] {
        let fx = m.handle(Input::Confirm(wrong.into()), t(6));
        let (all, entries) = settle(&mut m, fx, t(6));
        assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })), "{wrong:?} must not run");
        assert_eq!(entries[0].event, EventKind::BlockDeclined);
        assert_eq!(entries[0].confirmation.as_deref(), Some(wrong));
        assert_eq!(m.phase(), &Phase::Ready { step: 1 });
        let fx = m.handle(Input::RunStep, t(6));
        settle(&mut m, fx, t(6));
    }
    let fx = m.handle(Input::Confirm("eu-1".into()), t(7));
    let (all, entries) = settle(&mut m, fx, t(7));
    assert_eq!(entries[0].confirmation.as_deref(), Some("eu-1"));
    let cmd = all.iter().position(|e| matches!(e, Effect::StartCommand { .. })).unwrap();
    assert!(all.iter().any(|e| matches!(e, Effect::Announce(t) if t.contains("drain step 2 (destructive) by alice") && t.contains("SRE-7"))));
    if let Effect::StartCommand { spec, .. } = &all[cmd] {
        assert_eq!(spec.script, "kubectl drain x");
        assert!(spec.env.contains(&("CLUSTER".into(), "eu-1".into())));
        assert_eq!(spec.cwd, PathBuf::from("/rb"));
    }
    let fx = m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(9));
    let (all, entries) = settle(&mut m, fx, t(9));
    assert!(entries.iter().any(|e| e.event == EventKind::RunFinished));
    assert!(all.contains(&Effect::Finished(Outcome::Completed)));
    assert!(m.is_done());
}

#[test]
fn journal_failure_refuses_destructive_but_not_readonly() {
    let mut m = started();
    let fx = m.handle(Input::RunStep, t(3));
    assert!(matches!(fx[0], Effect::AppendJournal(_)));
    let fx = m.handle(Input::Journaled(Err("disk full".into())), t(3));
    assert!(matches!(&fx[..], [Effect::Notice(_), Effect::AppendJournal(_)]));
    let fx = m.handle(Input::Journaled(Err("disk full".into())), t(3));
    assert!(fx.iter().any(|e| matches!(e, Effect::StartCommand { .. })), "read-only runs with a warning");
    let fx = m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(4));
    settle(&mut m, fx, t(4));
    let fx = m.handle(Input::RunStep, t(5));
    settle(&mut m, fx, t(5));
    let fx = m.handle(Input::Confirm("eu-1".into()), t(6));
    assert!(matches!(&fx[..], [Effect::AppendJournal(e)] if e.event == EventKind::BlockStarted));
    let fx = m.handle(Input::Journaled(Err("disk full".into())), t(6));
    assert!(!fx.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
    assert!(fx.iter().any(|e| matches!(e, Effect::Notice(n) if n.contains("NOT run"))));
    assert_eq!(m.phase(), &Phase::Ready { step: 1 });
}

#[test]
fn failed_step_offers_retry_skip_rollback_abort() {
    let mut rb = runbook();
    rb.steps[1].blocks[0].attrs.rollback = Some("undo".into());
    rb.steps.push(step("undo", vec![block("kubectl uncordon x", Safety::ReadOnly, None)]));
    let (mut m, fx) = Machine::start(rb, opts(), op(&[]), params(), Some("SRE-7".into()), t(0));
    settle(&mut m, fx, t(0));
    let fx = m.handle(Input::Skip("".into()), t(1));
    assert!(matches!(fx[0], Effect::Notice(_)));
    let fx = m.handle(Input::Skip("already checked".into()), t(1));
    settle(&mut m, fx, t(1));
    assert_eq!(m.steps()[0].state, RunState::Skipped);
    let fx = m.handle(Input::RunStep, t(2));
    settle(&mut m, fx, t(2));
    let fx = m.handle(Input::Confirm("eu-1".into()), t(2));
    settle(&mut m, fx, t(2));
    let fx = m.handle(Input::CommandExited(ExecResult { exit_code: Some(3), ..Default::default() }), t(3));
    settle(&mut m, fx, t(3));
    assert!(matches!(m.phase(), Phase::Failed { step: 1, rollback: Some(2), .. }));
    // Retry asks for the confirmation again.
    let fx = m.handle(Input::Retry, t(4));
    settle(&mut m, fx, t(4));
    assert!(matches!(m.phase(), Phase::Confirm { step: 1, .. }));
    let fx = m.handle(Input::Confirm("eu-1".into()), t(4));
    settle(&mut m, fx, t(4));
    let fx = m.handle(Input::CommandExited(ExecResult { exit_code: Some(1), ..Default::default() }), t(5));
    settle(&mut m, fx, t(5));
    let fx = m.handle(Input::Rollback, t(6));
    let (all, entries) = settle(&mut m, fx, t(6));
    assert_eq!(entries[0].event, EventKind::RollbackStarted);
    assert!(all.iter().any(|e| matches!(e, Effect::StartCommand { step: 2, .. })));
    let fx = m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(7));
    let (all, _) = settle(&mut m, fx, t(7));
    assert!(all.contains(&Effect::Finished(Outcome::RolledBack)));
}

#[test]
fn drill_prints_destructive_blocks() {
    let o = RunOptions { drill: true, ..opts() };
    let (mut m, fx) = Machine::start(runbook(), o, op(&[]), params(), Some("SRE-7".into()), t(0));
    settle(&mut m, fx, t(0));
    let fx = m.handle(Input::Skip("n/a".into()), t(1));
    settle(&mut m, fx, t(1));
    let fx = m.handle(Input::RunStep, t(2));
    settle(&mut m, fx, t(2));
    let fx = m.handle(Input::Confirm("eu-1".into()), t(3));
    let (all, entries) = settle(&mut m, fx, t(3));
    assert!(all.iter().any(|e| matches!(e, Effect::DrillPrint { .. })));
    assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
    assert!(entries.iter().all(|e| e.drill));
    assert!(all.contains(&Effect::Finished(Outcome::Completed)));
    let sim = RunOptions { drill: true, simulator: true, ..opts() };
    let (m, _) = Machine::start(runbook(), sim, op(&[]), params(), Some("SRE-7".into()), t(0));
    assert!(m.executes(1, 0));
}

pub(super) fn record(seq: u64, e: Entry) -> Record {
    Record {
        seq,
        run_id: "r1".into(),
        who: Who::default(),
        runbook: "/rb/drain.md".into(),
        file_hash: "h1".into(),
        entry: e,
        prev: String::new(),
    }
}

#[test]
fn resume_marks_an_unfinished_destructive_block_unknown() {
    let mut m = started();
    let mut log = Vec::new();
    let run = |m: &mut Machine, i: Input, s: u32, log: &mut Vec<Entry>| {
        let fx = m.handle(i, t(s));
        let (_, e) = settle(m, fx, t(s));
        log.extend(e);
    };
    run(&mut m, Input::RunStep, 1, &mut log);
    run(&mut m, Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), 2, &mut log);
    run(&mut m, Input::RunStep, 3, &mut log);
    run(&mut m, Input::Confirm("eu-1".into()), 4, &mut log);
    // The process dies here: block_started is the last record of step 2.
    let mut records = vec![record(1, {
        let mut e = log[0].clone();
        e.event = EventKind::RunStarted;
        e.step = None;
        e
    })];
    records.extend(log.iter().enumerate().map(|(i, e)| record(i as u64 + 2, e.clone())));
    let (mut m2, fx) = Machine::resume(runbook(), opts(), op(&[]), &records, t(100)).unwrap();
    let (_, entries) = settle(&mut m2, fx, t(100));
    assert_eq!(entries[0].event, EventKind::RunResumed);
    assert_eq!(m2.steps()[0].state, RunState::Ok);
    assert_eq!(m2.steps()[1].state, RunState::Unknown);
    assert_eq!(m2.steps()[1].blocks[0], RunState::Unknown);
    assert_eq!(m2.justification(), Some("SRE-7"));
    assert_eq!(m2.phase(), &Phase::Ready { step: 1 });
    let fx = m2.handle(Input::RunStep, t(101));
    settle(&mut m2, fx, t(101));
    assert!(matches!(m2.phase(), Phase::Confirm { unknown: true, .. }));
    let fx = m2.handle(Input::Confirm("".into()), t(102));
    settle(&mut m2, fx, t(102));
    assert_eq!(m2.steps()[1].blocks[0], RunState::Unknown, "declining keeps it unknown");
    // A changed file refuses to resume.
    let mut rb = runbook();
    rb.file_hash = "h2".into();
    assert!(Machine::resume(rb, opts(), op(&[]), &records, t(100)).is_err());
}

#[test]
fn verify_runs_after_the_commands_and_unknown_is_never_a_pass() {
    let mut rb = runbook();
    rb.steps[0].verify.push(VerifyBlock {
        line: 9,
        query: "up".into(),
        hold_for: Duration::from_secs(60),
        timeout: Duration::from_secs(300),
    });
    let (mut m, fx) = Machine::start(rb, opts(), op(&[]), params(), Some("SRE-7".into()), t(0));
    settle(&mut m, fx, t(0));
    let fx = m.handle(Input::RunStep, t(1));
    let (all, _) = settle(&mut m, fx, t(1));
    assert!(!all.iter().any(|e| matches!(e, Effect::StartVerify { .. })), "not before the commands");
    let fx = m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(2));
    let (all, entries) = settle(&mut m, fx, t(2));
    assert_eq!(entries.last().unwrap().event, EventKind::VerifyStarted);
    assert!(all.iter().any(|e| matches!(e, Effect::StartVerify { query, .. } if query == "up")));
    assert_eq!(m.phase(), &Phase::Verifying { step: 0, verify: 0 });
    let fx = m.handle(Input::VerifyDone(VerifyVerdict::Unknown("bad_data".into())), t(3));
    settle(&mut m, fx, t(3));
    assert_eq!(m.steps()[0].verify[0], RunState::Unknown);
    assert!(matches!(m.phase(), Phase::Failed { step: 0, .. }));
    // Retry re-runs the verify only (the block already succeeded).
    let fx = m.handle(Input::Retry, t(4));
    let (all, _) = settle(&mut m, fx, t(4));
    assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
    assert!(all.iter().any(|e| matches!(e, Effect::StartVerify { .. })));
    let fx = m.handle(Input::Interrupt, t(5));
    settle(&mut m, fx, t(5));
    assert!(matches!(m.phase(), Phase::Failed { .. }), "interrupting a verify is not a pass");
    let fx = m.handle(Input::Retry, t(6));
    settle(&mut m, fx, t(6));
    let fx = m.handle(Input::VerifyDone(VerifyVerdict::Passed), t(7));
    settle(&mut m, fx, t(7));
    assert_eq!(m.steps()[0].state, RunState::Ok);
    assert_eq!(m.phase(), &Phase::Ready { step: 1 });
}

#[test]
fn confirm_dialog_is_data() {
    let mut m = started();
    let fx = m.handle(Input::Skip("done already".into()), t(1));
    settle(&mut m, fx, t(1));
    let fx = m.handle(Input::RunStep, t(2));
    settle(&mut m, fx, t(2));
    let d = m.confirm_dialog().unwrap();
    assert_eq!(d.script, "kubectl drain x");
    assert_eq!(d.expect, Expect::Typed("eu-1".into()));
    assert!(d.env.contains(&("CLUSTER".into(), "eu-1".into())));
    assert!(!d.unknown && !d.drill_print);
}

#[test]
fn params_are_validated() {
    let mut rb = runbook();
    rb.params.push(ParamSpec {
        name: "replicas".into(),
        kind: ParamKind::Int,
        default: Some("3".into()),
        pattern: None,
        choices: vec![],
        description: None,
    });
    rb.params.push(ParamSpec {
        name: "region".into(),
        kind: ParamKind::Enum,
        default: Some("eu".into()),
        pattern: None,
        choices: vec!["eu".into(), "us".into()],
        description: None,
    });
    let ok = validate_params(&rb, &params()).unwrap();
    assert_eq!(ok["replicas"], "3");
    let bad = BTreeMap::from([
        ("cluster".to_string(), "x; rm -rf /".to_string()),
        ("replicas".to_string(), "many".to_string()),
        ("region".to_string(), "mars".to_string()),
        ("nope".to_string(), "1".to_string()),
    ]);
    let errs = validate_params(&rb, &bad).unwrap_err();
    assert_eq!(errs.len(), 4, "{errs:?}");
    assert!(validate_params(&rb, &BTreeMap::new()).unwrap_err()[0].contains("required"));
    let mut rb2 = runbook();
    rb2.params[0].name = "path".into();
    assert!(validate_params(&rb2, &BTreeMap::new()).unwrap_err()[0].contains("reserved"));
}

#[test]
fn an_empty_expected_value_is_never_confirmed() {
    assert!(!Expect::Typed(String::new()).accepts(""));
    assert!(!Expect::Yes.accepts(""));
    assert!(!Expect::Yes.accepts("YES please"));
    // The whole word: `y` is never a destructive block's yes.
    assert!(!Expect::Yes.accepts("y"));
    assert!(Expect::Yes.accepts("yes"));
    assert!(Expect::Typed("eu-1".into()).accepts("eu-1"));
}

/// A shipped runbook: its `sim_url` default points at a fixed port.
fn shipped() -> Runbook {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/gateway-overload.md");
    crate::runbook::parse_file(&path).expect("the shipped runbook parses")
}

#[test]
fn opsdeck_sim_url_overrides_the_shipped_default_when_no_param_is_given() {
    let rb = shipped();
    let shipped_default = rb.params.iter().find(|p| p.name == "sim_url").and_then(|p| p.default.clone());
    let env = |k: &str| (k == "OPSDECK_SIM_URL").then(|| "http://10.0.0.9:7000".to_string());
    let none = BTreeMap::new();
    assert_eq!(validate_params_with(&rb, &none, env).unwrap()["sim_url"], "http://10.0.0.9:7000");
    // A given --param still wins; without the variable the runbook's default applies.
    let given = BTreeMap::from([("sim_url".to_string(), "http://given:1".to_string())]);
    assert_eq!(validate_params_with(&rb, &given, env).unwrap()["sim_url"], "http://given:1");
    assert_eq!(Some(validate_params_with(&rb, &none, |_| None).unwrap()["sim_url"].clone()), shipped_default);
}
