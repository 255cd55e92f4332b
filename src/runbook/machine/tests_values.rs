//! Placeholders as parameters asked per block (see `values.rs`).
use super::tests::{block, op, opts, params, record, runbook, settle, step, t};
use super::*;
use crate::runbook::types::*;

fn ph(text: &str, env: &str, style: PlaceholderStyle) -> Placeholder {
    Placeholder { text: text.into(), env: env.into(), style, line: 3 }
}

/// A block as the parser makes it: the placeholder replaced by its variable in the script,
/// kept as written in the commands.
fn with_ph(shown: &str, safety: Safety, phs: Vec<Placeholder>) -> Block {
    let mut script = shown.to_string();
    for p in &phs {
        if p.style != PlaceholderStyle::Variable {
            script = script.replace(&p.text, &format!("\"${{{}}}\"", p.env));
        }
    }
    let mut b = block(&script, safety, None);
    b.commands = vec![CommandLine { line: 3, prompt: None, context: "shell".into(), text: shown.into() }];
    b.placeholders = phs;
    b
}

fn pod() -> Placeholder {
    ph("<pod_name>", "OPSDECK_PH_POD_NAME", PlaceholderStyle::Angle)
}

/// Step 1 read-only, step 2 a destructive `kubectl delete pod <pod_name>`, step 3 a
/// read-only block using the same placeholder and `<api_token>`.
fn ph_runbook() -> Runbook {
    let mut rb = runbook();
    let mut del = with_ph("kubectl delete pod <pod_name>", Safety::Destructive, vec![pod()]);
    del.attrs.confirm = Some(Confirm::TypedParam("cluster".into()));
    rb.steps[1].blocks = vec![del];
    rb.steps.push(step(
        "check",
        vec![with_ph(
            "curl -H 'Authorization: <api_token>' https://h/<pod_name>",
            Safety::ReadOnly,
            vec![ph("<api_token>", "OPSDECK_PH_API_TOKEN", PlaceholderStyle::Angle), pod()],
        )],
    ));
    rb
}

fn start(rb: Runbook, o: RunOptions) -> Machine {
    let (mut m, fx) = Machine::start(rb, o, op(&[]), params(), Some("SRE-7".into()), t(0));
    settle(&mut m, fx, t(0));
    m
}

fn exit0() -> Input {
    Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() })
}

/// Feeds `i`, acks the journal; returns every effect and entry.
fn go(m: &mut Machine, i: Input) -> (Vec<Effect>, Vec<Entry>) {
    let fx = m.handle(i, t(5));
    settle(m, fx, t(5))
}

#[test]
fn a_value_is_asked_before_the_confirmation_checked_remembered_and_only_in_the_environment() {
    let mut m = start(ph_runbook(), opts());
    go(&mut m, Input::Skip("seen".into()));
    let (all, _) = go(&mut m, Input::RunStep);
    assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
    assert!(matches!(m.phase(), Phase::NeedValue { step: 1, block: 0, placeholder: 0, error: None }));
    let p = m.value_prompt().unwrap();
    assert_eq!(p.placeholder.text, "<pod_name>");
    assert_eq!(p.commands, ["kubectl delete pod <pod_name>"]);
    assert!(!p.secret);
    // Empty, blank and multi-line values are refused with the reason and asked again.
    for bad in ["", "   ", "web-1\nrm -rf /", "a\rb"] {
        let (all, entries) = go(&mut m, Input::Value(bad.into()));
        assert!(entries.is_empty() && !all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
        assert!(matches!(m.phase(), Phase::NeedValue { error: Some(_), .. }), "{bad:?}");
    }
    let hostile = "web-1\"; touch /tmp/pwned; \"";
    let (_, entries) = go(&mut m, Input::Value(hostile.into()));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].event, EventKind::ValuesGiven);
    assert_eq!(entries[0].values["OPSDECK_PH_POD_NAME"], hostile);
    assert!(matches!(m.phase(), Phase::Confirm { step: 1, expect: Expect::Typed(_), .. }));
    let d = m.confirm_dialog().unwrap();
    assert_eq!(d.values, [("<pod_name>".into(), "OPSDECK_PH_POD_NAME".into(), hostile.to_string())]);
    // Declined: the value is remembered, the next try goes straight to the confirmation.
    go(&mut m, Input::Confirm("no".into()));
    let (_, entries) = go(&mut m, Input::RunStep);
    assert!(matches!(m.phase(), Phase::Confirm { .. }));
    assert!(!entries.iter().any(|e| e.event == EventKind::ValuesGiven), "journaled once");
    let (all, entries) = go(&mut m, Input::Confirm("eu-1".into()));
    let started = entries.iter().find(|e| e.event == EventKind::BlockStarted).unwrap();
    assert_eq!(started.values["OPSDECK_PH_POD_NAME"], hostile);
    let spec = all
        .iter()
        .find_map(|e| match e {
            Effect::StartCommand { spec, .. } => Some(spec.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(spec.script, "kubectl delete pod \"${OPSDECK_PH_POD_NAME}\"", "nothing spliced into the text");
    assert!(spec.env.contains(&("OPSDECK_PH_POD_NAME".into(), hostile.into())));
    go(&mut m, exit0());
    // Step 3: the same placeholder is not asked again; the secret one is, and is redacted.
    go(&mut m, Input::RunStep);
    let p = m.value_prompt().unwrap();
    assert_eq!(p.placeholder.text, "<api_token>");
    assert!(p.secret);
    let (all, entries) = go(&mut m, Input::Value("s3cr3t".into()));
    let given = entries.iter().find(|e| e.event == EventKind::ValuesGiven).unwrap();
    assert_eq!(given.values.len(), 1, "only the new value: {:?}", given.values);
    assert_eq!(given.values["OPSDECK_PH_API_TOKEN"], "***");
    let started = entries.iter().find(|e| e.event == EventKind::BlockStarted).unwrap();
    assert_eq!(started.values["OPSDECK_PH_API_TOKEN"], "***");
    assert!(!format!("{entries:?}").contains("s3cr3t"), "a secret never reaches the journal");
    let Some(Effect::StartCommand { spec, .. }) =
        all.iter().find(|e| matches!(e, Effect::StartCommand { .. }))
    else {
        panic!("read-only block runs after its values: {all:?}")
    };
    assert!(spec.env.contains(&("OPSDECK_PH_API_TOKEN".into(), "s3cr3t".into())));
    assert!(spec.env.contains(&("OPSDECK_PH_POD_NAME".into(), hostile.into())));
}

#[test]
fn a_variable_is_asked_only_when_opsdecks_environment_does_not_set_it() {
    let mut rb = runbook();
    let var = |name: &str| ph(&format!("${name}"), name, PlaceholderStyle::Variable);
    rb.steps[0].blocks = vec![with_ph(
        "kubectl get pdb $PDB -n $NS; echo $CLUSTER",
        Safety::ReadOnly,
        vec![var("PDB"), var("NS"), var("CLUSTER")],
    )];
    let env = |k: &str| (k == "NS").then(|| "prod".to_string());
    let o = RunOptions { inherited: inherited_vars(&rb, env), ..opts() };
    assert_eq!(o.inherited, BTreeSet::from(["NS".to_string()]));
    let mut m = start(rb, o);
    go(&mut m, Input::RunStep);
    // NS is inherited, CLUSTER is a runbook parameter: only PDB is asked.
    let p = m.value_prompt().expect("PDB asked");
    assert_eq!(p.placeholder.env, "PDB");
    assert_eq!(p.remaining, 0);
    let (all, _) = go(&mut m, Input::Value("web-pdb".into()));
    let Some(Effect::StartCommand { spec, .. }) =
        all.iter().find(|e| matches!(e, Effect::StartCommand { .. }))
    else {
        panic!("{all:?}")
    };
    assert!(spec.env.contains(&("PDB".into(), "web-pdb".into())));
    assert!(
        !spec.env.iter().any(|(k, _)| k == "NS"),
        "an inherited variable comes from the environment as is"
    );
}

#[test]
fn values_given_up_front_are_not_asked_but_journaled_before_the_block_and_drills_ask_too() {
    let o = RunOptions {
        prefill: BTreeMap::from([("OPSDECK_PH_POD_NAME".to_string(), "web-2".to_string())]),
        drill: true,
        ..opts()
    };
    let mut m = start(ph_runbook(), o);
    go(&mut m, Input::Skip("seen".into()));
    let (_, entries) = go(&mut m, Input::RunStep);
    assert!(matches!(m.phase(), Phase::Confirm { .. }), "{:?}", m.phase());
    let given = entries.iter().find(|e| e.event == EventKind::ValuesGiven).expect("journaled");
    assert_eq!(given.values["OPSDECK_PH_POD_NAME"], "web-2");
    let (all, _) = go(&mut m, Input::Confirm("eu-1".into()));
    assert!(all.iter().any(|e| matches!(e, Effect::DrillPrint { env, .. }
        if env.contains(&("OPSDECK_PH_POD_NAME".into(), "web-2".into())))));
    // A drill asks for values too; a secret is printed as ***.
    go(&mut m, Input::RunStep);
    assert!(matches!(m.phase(), Phase::NeedValue { .. }));
}

#[test]
fn cancelling_a_value_runs_nothing_and_aborting_is_possible() {
    let mut m = start(ph_runbook(), opts());
    go(&mut m, Input::Skip("seen".into()));
    go(&mut m, Input::RunStep);
    let (all, entries) = go(&mut m, Input::CancelValue);
    assert_eq!(entries[0].event, EventKind::BlockDeclined);
    assert!(entries[0].detail.as_deref().unwrap().contains("<pod_name>"));
    assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
    assert_eq!(m.phase(), &Phase::Ready { step: 1 });
    go(&mut m, Input::RunStep);
    go(&mut m, Input::Abort("not today".into()));
    assert!(matches!(m.phase(), Phase::Done(Outcome::Aborted(_))));
}

#[test]
fn resume_keeps_the_values_except_secrets() {
    let mut m = start(ph_runbook(), opts());
    let mut log = Vec::new();
    for i in [Input::Skip("x".into()), Input::RunStep, Input::Value("web-3".into())] {
        log.extend(go(&mut m, i).1);
    }
    go(&mut m, Input::Confirm("eu-1".into()));
    go(&mut m, exit0());
    go(&mut m, Input::RunStep);
    log.extend(go(&mut m, Input::Value("tok".into())).1);
    // The process dies here.
    let mut records = vec![record(1, {
        let mut e = log[0].clone();
        e.event = EventKind::RunStarted;
        e.step = None;
        e
    })];
    records.extend(log.iter().enumerate().map(|(i, e)| record(i as u64 + 2, e.clone())));
    let (mut m2, fx) = Machine::resume(ph_runbook(), opts(), op(&[]), &records, t(50)).unwrap();
    settle(&mut m2, fx, t(50));
    assert_eq!(m2.values().get("OPSDECK_PH_POD_NAME").map(String::as_str), Some("web-3"));
    assert!(!m2.values().contains_key("OPSDECK_PH_API_TOKEN"), "journaled as ***: asked again");
    go(&mut m2, Input::RunStep);
    assert!(matches!(m2.phase(), Phase::Confirm { step: 1, .. }), "the known value is not asked again");
}

#[test]
fn params_name_placeholders_by_variable_or_inner_name() {
    let rb = ph_runbook();
    let given = BTreeMap::from([
        ("cluster".to_string(), "eu-1".to_string()),
        ("pod_name".to_string(), "web-1".to_string()),
        ("OPSDECK_PH_API_TOKEN".to_string(), "t".to_string()),
        ("nope".to_string(), "1".to_string()),
    ]);
    let (params, values) = split_given(&rb, &given).unwrap();
    assert_eq!(params.keys().collect::<Vec<_>>(), ["cluster", "nope"]);
    assert_eq!(values["OPSDECK_PH_POD_NAME"], "web-1");
    assert_eq!(values["OPSDECK_PH_API_TOKEN"], "t");
    let bad = BTreeMap::from([("pod_name".to_string(), "".to_string())]);
    assert!(split_given(&rb, &bad).is_err());
    assert!(is_secret("<DB_PASSWORD>") && is_secret("{{auth}}") && !is_secret("<pod_name>"));
    assert_eq!(inner_name(&ph("{{ cluster }}", "OPSDECK_PH_CLUSTER", PlaceholderStyle::Braces)), "cluster");
    assert_eq!(inner_name(&ph("${PDB}", "PDB", PlaceholderStyle::Variable)), "PDB");
}
