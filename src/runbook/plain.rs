//! Plain mode: a run as lines on stdout, answers read line by line (a script or a test
//! can drive it). Used when stdin is not a terminal or with `--plain`.
//!
//! Protocol (each prompt is one line starting with `? ` and ending with `:`):
//! - justification: the line is the justification.
//! - step: empty line or `r` runs it; `s REASON` skips it; `a [REASON]` aborts.
//! - confirmation: the line is the confirmation, compared exactly; empty is No.
//! - failed step: `r` retries, `s REASON` skips, `b` rolls back (when registered),
//!   `a [REASON]` aborts.
//!
//! End of input at any prompt aborts the run (never a yes). Ctrl-C interrupts a running
//! block (its process group only); at a prompt it aborts.
use chrono::Utc;
use std::io::Write;
use tokio::sync::mpsc;

use super::driver::{Runtime, RuntimeEvent};
use super::exec::Stream;
use super::machine::{Effect, Expect, Input, Machine, Outcome, Phase, RunState};
use crate::util::duration::format_compact;
use crate::util::text::sanitize;

/// Reads stdin lines on a thread; `None` is end of input.
pub fn stdin_lines() -> mpsc::UnboundedReceiver<Option<String>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        loop {
            line.clear();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(None);
                    break;
                }
                Ok(_) => {
                    let l = line.trim_end_matches(['\n', '\r']).to_string();
                    if tx.send(Some(l)).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Drives a run to its end. `initial` are the effects `Machine::start`/`resume` returned.
pub async fn drive(
    mut m: Machine,
    initial: Vec<Effect>,
    mut rt: Runtime,
    mut events: mpsc::UnboundedReceiver<RuntimeEvent>,
    mut lines: mpsc::UnboundedReceiver<Option<String>>,
    out: &mut (dyn Write + Send),
) -> Outcome {
    let mut eof = false;
    let mut outcome = None;
    // SIGHUP (the SSH link dropped) or SIGTERM: stop the running block's process group like
    // Ctrl-C (its end is journaled), then leave the run unfinished so that `runbook resume`
    // continues it.
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    // SIGQUIT (Ctrl-\) is handled like SIGTERM: never a core dump with the block left running.
    let mut quit = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::quit()).ok();
    let mut hangup: Option<&'static str> = None;
    let done = rt.perform(&mut m, initial);
    show(&m, &done, out, &mut outcome);
    let mut need_prompt = true;
    loop {
        if let Some(o) = outcome.clone() {
            // Let the last announcements go out (bounded), and show their warnings.
            rt.flush(super::webhook::TIMEOUT + std::time::Duration::from_secs(1)).await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            while let Ok(RuntimeEvent::Warning(w)) = events.try_recv() {
                let _ = writeln!(out, "{w}");
            }
            return o;
        }
        let waiting_for_operator = prompt(&m).is_some();
        if let Some(why) = hangup.filter(|_| waiting_for_operator) {
            let _ =
                writeln!(out, "{why}: leaving the run unfinished; continue it with `opsdeck runbook resume`");
            let _ = out.flush();
            return Outcome::Aborted(why.into());
        }
        if let Some(p) = prompt(&m).filter(|_| need_prompt) {
            for l in p.lines() {
                let _ = writeln!(out, "{}", sanitize(l));
            }
            let _ = out.flush();
            need_prompt = false;
        }
        let input = tokio::select! {
            ev = events.recv() => match ev {
                Some(RuntimeEvent::Output(l)) => {
                    let mark = if l.stream == Stream::Stderr { "!" } else { "|" };
                    let _ = writeln!(out, "  {mark} {}", sanitize(&l.text));
                    None
                }
                Some(RuntimeEvent::Warning(w)) => { let _ = writeln!(out, "{w}"); None }
                Some(RuntimeEvent::Input(i)) => Some(i),
                None => Some(Input::Abort("runtime stopped".into())),
            },
            line = lines.recv(), if waiting_for_operator && !eof => match line.flatten() {
                Some(l) => {
                    need_prompt = true;
                    let i = parse_answer(&m, &l);
                    if i.is_none() {
                        let _ = writeln!(out, "unrecognised answer `{l}`");
                    }
                    i
                }
                None => {
                    eof = true;
                    Some(Input::Abort("end of input (stdin closed)".into()))
                }
            },
            why = hangup_or_terminate(&mut hup, &mut term, &mut quit), if hangup.is_none() => {
                hangup = Some(why);
                if waiting_for_operator {
                    None
                } else {
                    let _ = writeln!(out, "{why}: stopping the running step (its process group only)");
                    Some(Input::Interrupt)
                }
            }
            _ = tokio::signal::ctrl_c() => Some(if waiting_for_operator {
                Input::Abort("interrupted (Ctrl-C)".into())
            } else {
                let _ = writeln!(out, "interrupt: stopping the running step (its process group only)");
                Input::Interrupt
            }),
        };
        let Some(input) = input else { continue };
        need_prompt = true;
        let fx = m.handle(input, Utc::now());
        let done = rt.perform(&mut m, fx);
        show(&m, &done, out, &mut outcome);
        if eof && prompt(&m).is_some() && outcome.is_none() {
            let fx = m.handle(Input::Abort("end of input (stdin closed)".into()), Utc::now());
            let done = rt.perform(&mut m, fx);
            show(&m, &done, out, &mut outcome);
        }
    }
}

/// Waits for SIGHUP or SIGTERM (forever when neither handler could be installed).
async fn hangup_or_terminate(
    hup: &mut Option<tokio::signal::unix::Signal>,
    term: &mut Option<tokio::signal::unix::Signal>,
    quit: &mut Option<tokio::signal::unix::Signal>,
) -> &'static str {
    async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
        match s {
            Some(s) => {
                if s.recv().await.is_none() {
                    std::future::pending::<()>().await
                }
            }
            None => std::future::pending::<()>().await,
        }
    }
    tokio::select! {
        () = recv(hup) => "hangup (SIGHUP)",
        () = recv(term) => "terminated (SIGTERM)",
        () = recv(quit) => "quit (SIGQUIT)",
    }
}

/// The prompt line for the current phase, if it waits for the operator.
pub fn prompt(m: &Machine) -> Option<String> {
    let rb = m.runbook();
    let n = rb.steps.len();
    Some(match m.phase() {
        Phase::NeedJustification { pattern, error } => {
            if let Some(e) = error {
                format!("justification refused: {e}\n? justification{}:", pat(pattern))
            } else {
                format!("? justification{}:", pat(pattern))
            }
        }
        Phase::Ready { step } => {
            let s = &rb.steps[*step];
            let kind = if s.is_destructive() { "destructive" } else { "read-only" };
            let state = m.steps()[*step].state;
            let note = match state {
                RunState::Unknown => " [UNKNOWN: started before with no recorded outcome]",
                RunState::Failed => " [failed before]",
                _ => "",
            };
            format!(
                "step {}/{n} {} ({kind}){note}\n? [Enter] run | s REASON skip | a abort:",
                step + 1,
                s.title
            )
        }
        Phase::Confirm { .. } => confirm_dialog(m),
        Phase::Failed { step, reason, rollback } => {
            let rb_text = rollback
                .map(|r| format!(" | b roll back (step {} {})", r + 1, rb.steps[r].title))
                .unwrap_or_default();
            format!(
                "step {} {} FAILED: {reason}\n? r retry | s REASON skip{rb_text} | a abort:",
                step + 1,
                rb.steps[*step].title
            )
        }
        Phase::Running { .. } | Phase::Verifying { .. } | Phase::Done(_) => return None,
    })
}

fn pat(p: &Option<String>) -> String {
    p.as_ref().map(|p| format!(" (must match {p})")).unwrap_or_default()
}

fn confirm_dialog(m: &Machine) -> String {
    let Some(d) = m.confirm_dialog() else { return String::new() };
    let mut t = String::new();
    t.push_str(&format!(
        "=== CONFIRM step {} {} block {} (line {})\n",
        d.step + 1,
        d.step_title,
        d.block + 1,
        d.line
    ));
    if d.unknown {
        t.push_str("!!! This block STARTED BEFORE WITH NO RECORDED OUTCOME: it may already have run.\n");
    }
    for (kind, text) in &d.callouts {
        t.push_str(&format!("[!{kind}] {}\n", text.trim()));
    }
    t.push_str(&format!("classification: {:?} ({})\n", d.safety, d.reason));
    if d.drill_print {
        t.push_str("DRILL: the command will be printed, not executed\n");
    }
    t.push_str("command:\n");
    for l in d.script.lines() {
        t.push_str(&format!("    {l}\n"));
    }
    let params: Vec<_> = d.env.iter().filter(|(k, _)| !k.starts_with("OPSDECK_")).collect();
    if !params.is_empty() {
        t.push_str("parameters (environment):\n");
        for (k, v) in params {
            t.push_str(&format!("    {k}={v:?}\n"));
        }
    }
    if let Some((r, title)) = &d.rollback {
        t.push_str(&format!("rollback: step {} {title}\n", r + 1));
    }
    if let Some(to) = d.timeout {
        t.push_str(&format!("timeout: {}\n", format_compact(to)));
    }
    match &d.expect {
        Expect::Yes => t.push_str("? type yes to run, anything else cancels [default: No]:"),
        Expect::Typed(v) => t.push_str(&format!("? type `{v}` to run, anything else cancels [default: No]:")),
    }
    t
}

/// Turns an answer line into an input for the current phase.
pub fn parse_answer(m: &Machine, line: &str) -> Option<Input> {
    let (word, rest) = match line.trim().split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim().to_string()),
        None => (line.trim(), String::new()),
    };
    let abort = || Input::Abort(if rest.is_empty() { "aborted by operator".into() } else { rest.clone() });
    Some(match m.phase() {
        Phase::NeedJustification { .. } => Input::Justification(line.to_string()),
        Phase::Confirm { .. } => Input::Confirm(line.to_string()),
        Phase::Ready { .. } => match word {
            "" | "r" | "run" => Input::RunStep,
            "s" | "skip" => Input::Skip(rest.clone()),
            "a" | "abort" => abort(),
            _ => return None,
        },
        Phase::Failed { .. } => match word {
            "r" | "retry" => Input::Retry,
            "s" | "skip" => Input::SkipFailed(rest.clone()),
            "b" | "rollback" => Input::Rollback,
            "a" | "abort" => abort(),
            _ => return None,
        },
        _ => return None,
    })
}

/// Prints what the performed effects mean for the operator.
fn show(m: &Machine, done: &[Effect], out: &mut (dyn Write + Send), outcome: &mut Option<Outcome>) {
    let rb = m.runbook();
    for fx in done {
        match fx {
            Effect::AppendJournal(e) => {
                use super::journal::EventKind as K;
                let step = e.step.map(|s| format!("step {} {}", s + 1, rb.steps[s].title));
                let line = match e.event {
                    K::StepFinished => {
                        let s = e.step.unwrap_or(0);
                        let st = &m.steps()[s];
                        let took = st.started.map(|a| (e.time - a).num_milliseconds() as f64 / 1000.0);
                        let eta: std::time::Duration =
                            rb.steps[s].blocks.iter().filter_map(|b| b.attrs.eta).sum();
                        Some(format!(
                            "{} ok{}{}",
                            step.unwrap_or_default(),
                            took.map(|t| format!(" in {t:.1}s")).unwrap_or_default(),
                            if eta.is_zero() {
                                String::new()
                            } else {
                                format!(" (eta {})", format_compact(eta))
                            }
                        ))
                    }
                    K::StepSkipped => Some(format!(
                        "{} skipped: {}",
                        step.unwrap_or_default(),
                        e.detail.clone().unwrap_or_default()
                    )),
                    K::BlockStarted => Some(format!(
                        "{} block {}: running{}",
                        step.unwrap_or_default(),
                        e.block.map_or(0, |b| b + 1),
                        e.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
                    )),
                    K::BlockFinished => Some(format!(
                        "{} block {}: {}",
                        step.unwrap_or_default(),
                        e.block.map_or(0, |b| b + 1),
                        e.detail.clone().unwrap_or_default()
                    )),
                    K::VerifyStarted => Some(format!("verifying: {}", e.detail.clone().unwrap_or_default())),
                    K::VerifyFinished => Some(format!("verify: {}", e.detail.clone().unwrap_or_default())),
                    K::RunResumed => Some(format!("run {}", e.detail.clone().unwrap_or_default())),
                    _ => None,
                };
                if let Some(l) = line {
                    for l in l.lines() {
                        let _ = writeln!(out, "{}", sanitize(l));
                    }
                }
            }
            Effect::DrillPrint { script, env, .. } => {
                let _ = writeln!(out, "DRILL: would run (not executed):");
                for l in script.lines() {
                    let _ = writeln!(out, "    {}", sanitize(l));
                }
                for (k, v) in env {
                    let _ = writeln!(out, "    env {k}={v:?}");
                }
            }
            Effect::Notice(n) => {
                let _ = writeln!(out, "{n}");
            }
            Effect::Finished(o) => {
                let _ = writeln!(out, "run finished: {}", o.describe());
                *outcome = Some(o.clone());
            }
            Effect::StartCommand { .. }
            | Effect::KillCommand
            | Effect::StartVerify { .. }
            | Effect::Announce(_) => {}
        }
    }
    let _ = out.flush();
}
