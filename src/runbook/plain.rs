//! Plain mode: a run as lines on stdout, answers read line by line (a script or a test
//! can drive it). Used when stdin is not a terminal or with `--plain`.
//!
//! Protocol (each prompt is one line starting with `? ` and ending with `:`):
//! - justification: the line is the justification.
//! - step: empty line or `r` runs it; `s REASON` skips it; `a [REASON]` aborts.
//! - value (a placeholder such as `<pod_name>`): the line is the value; an empty one is
//!   refused and asked again.
//! - confirmation: the line is the confirmation, compared exactly; empty is No. A plain
//!   `yes` confirmation needs the whole word (`y` declines).
//! - `q` at a step or failed-step prompt asks whether to leave the run unfinished (`y`
//!   leaves; the run id and the resume command are printed).
//!
//! When stdin is a terminal, whatever was typed before a prompt appeared is discarded
//! (the terminal's input queue is flushed as each prompt opens, and lines read before it
//! are dropped), so a key typed ahead never answers the next question.
//! - failed step: `r` retries, `s REASON` skips, `b` rolls back (when registered),
//!   `a [REASON]` aborts.
//!
//! End of input at any prompt aborts the run (never a yes). Ctrl-C interrupts a running
//! block (its process group only); at a prompt it aborts.
use chrono::Utc;
use std::io::Write;
use std::time::Instant;
use tokio::sync::mpsc;

use super::driver::{Runtime, RuntimeEvent};
use super::exec::Stream;
use super::machine::{Effect, Expect, Input, Machine, Outcome, Phase, RunState};
use crate::util::duration::format_compact;
use crate::util::text::sanitize;

/// A line read from stdin (`None`: end of input) and when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub at: Instant,
    pub text: Option<String>,
}

impl Line {
    /// A line read now (tests, scripts).
    pub fn now(text: Option<&str>) -> Line {
        Line { at: Instant::now(), text: text.map(str::to_string) }
    }
}

/// How the terminal is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlainOptions {
    /// stdout is a terminal and NO_COLOR is unset: highlight with ANSI bold/reverse.
    pub ansi: bool,
    /// stdin is a terminal: discard what was typed before each prompt appeared.
    pub tty_input: bool,
}

impl PlainOptions {
    /// From the process's stdin, stdout and `NO_COLOR`.
    pub fn detect() -> PlainOptions {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        PlainOptions {
            ansi: std::io::stdout().is_terminal() && !no_color,
            tty_input: std::io::stdin().is_terminal(),
        }
    }
}

/// Discards the terminal's pending input (typed before a prompt opened).
fn flush_terminal_input() {
    let _ = nix::sys::termios::tcflush(std::io::stdin(), nix::sys::termios::FlushArg::TCIFLUSH);
}

/// Reads stdin lines on a thread, each stamped with when it was read.
pub fn stdin_lines() -> mpsc::UnboundedReceiver<Line> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        loop {
            line.clear();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Line { at: Instant::now(), text: None });
                    break;
                }
                Ok(_) => {
                    let l = line.trim_end_matches(['\n', '\r']).to_string();
                    if tx.send(Line { at: Instant::now(), text: Some(l) }).is_err() {
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
    mut lines: mpsc::UnboundedReceiver<Line>,
    out: &mut (dyn Write + Send),
    po: PlainOptions,
) -> Outcome {
    let mut eof = false;
    let run_id = m.options().run_id.clone();
    // When the current prompt was shown (lines read before it are discarded on a tty).
    let mut opened = Instant::now();
    // `q` was answered: asking whether to leave the run unfinished.
    let mut quit_ask = false;
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
            let _ = writeln!(
                out,
                "{why}: leaving run {run_id} unfinished; continue it with `opsdeck runbook resume {run_id}`"
            );
            let _ = out.flush();
            return Outcome::Aborted(why.into());
        }
        if need_prompt && waiting_for_operator {
            let lines = if quit_ask { vec![quit_question(&run_id)] } else { prompt_lines(&m, po.ansi) };
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
            let _ = out.flush();
            need_prompt = false;
            if po.tty_input {
                // Typed ahead (while a step ran or a verify waited): never an answer.
                flush_terminal_input();
            }
            opened = Instant::now();
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
            line = lines.recv(), if waiting_for_operator && !eof => match line {
                Some(Line { at, text: Some(_) }) if po.tty_input && at < opened => {
                    let _ = writeln!(out, "(ignored a line typed before this question appeared)");
                    None
                }
                Some(Line { text: Some(l), .. }) if quit_ask => {
                    quit_ask = false;
                    need_prompt = true;
                    if matches!(l.trim(), "y" | "yes") {
                        let _ = writeln!(
                            out,
                            "run {run_id} left unfinished: continue it with `opsdeck runbook resume {run_id}`"
                        );
                        let _ = out.flush();
                        return Outcome::Aborted("left unfinished".into());
                    }
                    None
                }
                Some(Line { text: Some(l), .. }) => {
                    need_prompt = true;
                    if is_quit(&m, &l) {
                        quit_ask = true;
                        None
                    } else {
                        let i = parse_answer(&m, &l);
                        if i.is_none() {
                            let _ = writeln!(out, "unrecognised answer `{}`", sanitize(&l));
                        }
                        i
                    }
                }
                Some(Line { text: None, .. }) | None => {
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

/// The quit question (after `q`).
fn quit_question(run_id: &str) -> String {
    format!(
        "? leave run {run_id} unfinished? It can be continued with `opsdeck runbook resume {run_id}` [y/N]:"
    )
}

/// `q` at a step or failed-step prompt: the quit question.
fn is_quit(m: &Machine, line: &str) -> bool {
    matches!(m.phase(), Phase::Ready { .. } | Phase::Failed { .. }) && matches!(line.trim(), "q" | "quit")
}

/// The prompt's lines for the current phase, sanitized and ready to print (`ansi`:
/// placeholders highlighted with bold/reverse, else marked by `^` under them).
pub fn prompt_lines(m: &Machine, ansi: bool) -> Vec<String> {
    if let Some(v) = m.value_prompt() {
        let mut out = Vec::new();
        if let Some(e) = &v.error {
            out.push(format!("value refused: {}", sanitize(e)));
        }
        out.push(sanitize(&format!(
            "step {} {} block {} needs a value for {} (it reaches the command only as the environment variable {}{})",
            v.step + 1,
            v.step_title,
            v.block + 1,
            v.placeholder.text,
            v.placeholder.env,
            if v.secret { "; journaled as ***" } else { "" }
        ))
        .into_owned());
        for c in &v.commands {
            out.extend(highlight(c, &v.placeholder.text, ansi));
        }
        if v.remaining > 0 {
            out.push(format!("({} more value(s) to give for this block)", v.remaining));
        }
        out.push(sanitize(&format!("? value for {}:", v.placeholder.text)).into_owned());
        return out;
    }
    prompt(m).map(|p| p.lines().map(|l| sanitize(l).into_owned()).collect()).unwrap_or_default()
}

/// A command's lines, indented, with every occurrence of `ph` highlighted: ANSI bold and
/// reverse video, or (`ansi` false) a line of `^` under it.
pub fn highlight(cmd: &str, ph: &str, ansi: bool) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut out = Vec::new();
    for line in cmd.lines() {
        let parts: Vec<String> = line.split(ph).map(|p| sanitize(p).into_owned()).collect();
        let shown_ph = sanitize(ph).into_owned();
        if parts.len() == 1 {
            out.push(format!("    {}", parts[0]));
            continue;
        }
        if ansi {
            out.push(format!("    {}", parts.join(&format!("\x1b[1;7m{shown_ph}\x1b[0m"))));
        } else {
            out.push(format!("    {}", parts.join(&shown_ph)));
            let mut marks = String::from("    ");
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    marks.push_str(&"^".repeat(shown_ph.width().max(1)));
                }
                if i + 1 < parts.len() {
                    marks.push_str(&" ".repeat(p.width()));
                }
            }
            out.push(marks);
        }
    }
    out
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
                "step {}/{n} {} ({kind}){note}\n? [Enter] run | s REASON skip | a abort | q quit (resume later):",
                step + 1,
                s.title
            )
        }
        Phase::Confirm { .. } => confirm_dialog(m),
        Phase::NeedValue { placeholder, .. } => {
            let text =
                m.value_prompt().map(|v| v.placeholder.text).unwrap_or_else(|| placeholder.to_string());
            format!("? value for {text}:")
        }
        Phase::Failed { step, reason, rollback } => {
            let rb_text = rollback
                .map(|r| format!(" | b roll back (step {} {})", r + 1, rb.steps[r].title))
                .unwrap_or_default();
            format!(
                "step {} {} FAILED: {reason}\n? r retry | s REASON skip{rb_text} | a abort | q quit (resume later):",
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
    if !d.values.is_empty() {
        t.push_str("values (environment):\n");
        for (text, k, v) in &d.values {
            t.push_str(&format!("    {k}={v:?}  ({text})\n"));
        }
    }
    if let Some((r, title)) = &d.rollback {
        t.push_str(&format!("rollback: step {} {title}\n", r + 1));
    }
    if let Some(to) = d.timeout {
        t.push_str(&format!("timeout: {}\n", format_compact(to)));
    }
    match &d.expect {
        Expect::Yes => t.push_str(
            "? type yes (the whole word; y is not enough) to run, anything else cancels [default: No]:",
        ),
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
        Phase::NeedValue { .. } => Input::Value(line.to_string()),
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
                    K::ValuesGiven => Some(format!(
                        "{} block {}: values {}",
                        step.unwrap_or_default(),
                        e.block.map_or(0, |b| b + 1),
                        e.values.iter().map(|(k, v)| format!("{k}={v:?}")).collect::<Vec<_>>().join(" ")
                    )),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_is_marked_under_it_or_in_reverse_video_on_a_terminal() {
        let plain = highlight("kubectl delete pod <pod_name> -n x", "<pod_name>", false);
        assert_eq!(plain, ["    kubectl delete pod <pod_name> -n x", "                       ^^^^^^^^^^"]);
        let ansi = highlight("kubectl delete pod <pod_name>", "<pod_name>", true);
        assert_eq!(ansi, ["    kubectl delete pod \x1b[1;7m<pod_name>\x1b[0m"]);
        // Hostile text in the command is sanitized; only our own escapes remain.
        let h = highlight("echo \x1b[2J <x>", "<x>", true);
        assert!(!h[0].contains("\x1b[2J"), "{h:?}");
    }
}
