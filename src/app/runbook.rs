//! The runbook edge: performs [`RunbookJob`]s off the event loop and sends the results back
//! as [`RunbookMsg`]s on the loop's channel.
//!
//! One task owns the run's journal and its [`Runtime`]. Jobs are handled in order:
//! discovery and loading on blocking tasks; a journal append on a blocking task (written
//! and fsync'd), acknowledged to the model's machine with `Input::Journaled` before any
//! effect it releases can arrive; block processes, verify polls and webhook posts by
//! [`Runtime::perform_action`]. The loop only ever sends a job (unbounded, never waits).
use std::path::PathBuf;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::model::Msg;
use crate::model::runbook::{Found, RunbookJob, RunbookMsg};
use crate::runbook::driver::{Runtime, RuntimeEvent};
use crate::runbook::journal::Journal;
use crate::runbook::machine::{Effect, Input};
use crate::runbook::types::Runbook;
use crate::runbook::{cli as rbcli, load};

use super::Input as AppInput;

/// Starts the edge task; returns where the loop sends jobs, and the task (it ends once
/// the job sender is dropped and every job sent before was performed).
pub fn start(
    config: &Config,
    tx: mpsc::Sender<AppInput>,
) -> (mpsc::UnboundedSender<RunbookJob>, tokio::task::JoinHandle<()>) {
    let (jtx, jrx) = mpsc::unbounded_channel();
    let config = config.clone();
    let task = tokio::spawn(run(config, jrx, tx));
    (jtx, task)
}

struct Active {
    journal: Option<Journal>,
    runtime: Runtime,
    events: mpsc::UnboundedReceiver<RuntimeEvent>,
}

async fn run(config: Config, mut jobs: mpsc::UnboundedReceiver<RunbookJob>, tx: mpsc::Sender<AppInput>) {
    let mut active: Option<Active> = None;
    loop {
        let job = match active.as_mut() {
            Some(a) => tokio::select! {
                j = jobs.recv() => j,
                ev = a.events.recv() => {
                    if let Some(ev) = ev {
                        let msg = match ev {
                            RuntimeEvent::Output(l) => RunbookMsg::Output(l),
                            RuntimeEvent::Input(i) => RunbookMsg::Event(i),
                            RuntimeEvent::Warning(w) => RunbookMsg::Warning(w),
                        };
                        if send(&tx, msg).await.is_err() {
                            return;
                        }
                    }
                    continue;
                }
            },
            None => jobs.recv().await,
        };
        let Some(job) = job else { return };
        let reply = match job {
            RunbookJob::Discover => {
                let spec = config.runbooks.clone();
                Some(RunbookMsg::Found(blocking(move || discover(&spec)).await))
            }
            RunbookJob::Load(name) => {
                let spec = config.runbooks.clone();
                Some(RunbookMsg::Loaded(blocking(move || load_one(&name, &spec).map(Box::new)).await))
            }
            RunbookJob::Prepare(rb) => {
                if let Some(mut old) = active.take() {
                    old.runtime.flush(std::time::Duration::from_secs(1)).await;
                }
                let (a, msg) = prepare(&config, *rb).await;
                active = Some(a);
                Some(msg)
            }
            RunbookJob::Perform(effects) => {
                let Some(a) = active.as_mut() else { continue };
                perform(a, effects, &tx).await;
                None
            }
            RunbookJob::Close => {
                if let Some(mut old) = active.take() {
                    old.runtime.flush(std::time::Duration::from_secs(4)).await;
                }
                None
            }
        };
        if let Some(msg) = reply
            && send(&tx, msg).await.is_err()
        {
            return;
        }
    }
}

async fn send(tx: &mpsc::Sender<AppInput>, msg: RunbookMsg) -> Result<(), ()> {
    tx.send(AppInput::Msg(Msg::Runbook(msg))).await.map_err(|_| ())
}

/// Runs `f` on a blocking thread; a panic there becomes an error message.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| Err(format!("internal error: {e}")))
}

fn found(path: PathBuf) -> Found {
    let runbook = load::load_file(&path).map_err(|e| format!("{e:#}"));
    let defaults = match &runbook {
        Ok(rb) => rb
            .params
            .iter()
            .map(|p| p.effective_default(|k| std::env::var(k).ok()).unwrap_or_default())
            .collect(),
        Err(_) => Vec::new(),
    };
    Found { path, runbook, defaults }
}

/// Every runbook file, each once: `runbooks` and a config folder may be the same folder
/// under two spellings.
fn files(spec: &crate::config::types::RunbooksSpec) -> Result<Vec<PathBuf>, String> {
    let files = load::find_all(spec).map_err(|e| format!("{e:#}"))?;
    let mut seen = std::collections::HashSet::new();
    Ok(files
        .into_iter()
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
        .collect())
}

fn discover(spec: &crate::config::types::RunbooksSpec) -> Result<Vec<Found>, String> {
    Ok(files(spec)?.into_iter().map(found).collect())
}

fn load_one(name: &str, spec: &crate::config::types::RunbooksSpec) -> Result<Found, String> {
    // A path or a name; an alert's `runbooks/x.md` that does not exist here is found by
    // its stem among the discovered runbooks.
    let path = load::resolve(name, spec).or_else(|e| {
        let stem = std::path::Path::new(name).file_stem().map(|s| s.to_string_lossy().to_lowercase());
        let all = files(spec)?;
        let hits: Vec<PathBuf> = all
            .into_iter()
            .filter(|p| p.file_stem().map(|s| s.to_string_lossy().to_lowercase()) == stem)
            .collect();
        match hits.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(format!("runbook {name}: {e:#}")),
        }
    })?;
    let f = found(path);
    if let Err(e) = &f.runbook {
        return Err(e.clone());
    }
    Ok(f)
}

async fn prepare(config: &Config, rb: Runbook) -> (Active, RunbookMsg) {
    let now = chrono::Utc::now();
    let run_id = rbcli::new_run_id(&rb, now);
    let (path, hash, id) = (rb.path.clone(), rb.file_hash.clone(), run_id.clone());
    let inherited = crate::runbook::machine::inherited_vars(&rb, |k| std::env::var(k).ok());
    let opened = blocking(move || {
        let operator = rbcli::operator();
        let state = crate::util::paths::state_dir();
        let j = Journal::create(&state, &id, operator.who.clone(), &path, &hash).map_err(|e| e.to_string());
        Ok((operator, j))
    })
    .await;
    let (operator, journal) = match opened {
        Ok((op, j)) => (op, j),
        Err(e) => (rbcli::operator(), Err(e)),
    };
    let journal_path = journal.as_ref().map(|j| j.path().to_path_buf()).map_err(Clone::clone);
    let (runtime, events) = Runtime::new(
        Err("the TUI writes the journal itself".into()),
        rbcli::prom(config),
        config.runbooks.webhook.as_deref(),
    );
    let msg = RunbookMsg::Ready {
        run_id,
        operator,
        journal: journal_path.clone(),
        simulator: rbcli::simulator(),
        inherited,
    };
    let journal = journal.ok();
    (Active { journal, runtime, events }, msg)
}

async fn perform(a: &mut Active, effects: Vec<Effect>, tx: &mpsc::Sender<AppInput>) {
    for fx in effects {
        if let Effect::AppendJournal(entry) = &fx {
            let result = match a.journal.take() {
                Some(mut j) => {
                    let entry = entry.clone();
                    let joined = tokio::task::spawn_blocking(move || {
                        let r = j.append(&entry).map(|_| ()).map_err(|e| e.to_string());
                        (j, r)
                    })
                    .await;
                    match joined {
                        Ok((j, r)) => {
                            a.journal = Some(j);
                            r
                        }
                        Err(e) => Err(format!("journal writer failed: {e}")),
                    }
                }
                None => Err("the journal could not be opened".into()),
            };
            let _ = send(tx, RunbookMsg::Event(Input::Journaled(result))).await;
            continue;
        }
        a.runtime.perform_action(&fx);
    }
}

/// Loads a runbook by name for a staged frame (screenshots).
pub fn load_for_stage(name: &str, spec: &crate::config::types::RunbooksSpec) -> anyhow::Result<Found> {
    load_one(name, spec).map_err(|e| anyhow::anyhow!(e))
}

/// Stages `found` in the model up to its first destructive block's confirmation dialog,
/// for a headless frame: a drill whose operator is in the runbook's allowed groups, the
/// justification taken from its pattern's first example-like value (`SRE-1234`), default
/// parameters, journal records acknowledged without being written, read-only blocks
/// reported as exit 0 without running. Nothing runs; nothing is written.
pub fn stage_dialog(m: &mut crate::model::Model, found: Found) -> anyhow::Result<()> {
    use crate::model::runbook::RunbookJob;
    use crate::model::{Effect, Key, KeyCode, update};
    use crate::runbook::machine::{Effect as F, Operator, Phase};
    let rb = found.runbook.clone().map_err(|e| anyhow::anyhow!(e))?;
    let operator = Operator {
        who: crate::runbook::journal::Who { user: "oncall".into(), ssh_client: None },
        groups: rb.allowed_groups.clone(),
    };
    let press = |m: &mut crate::model::Model, code: KeyCode| update(m, Msg::Key(Key::new(code)));
    update(m, Msg::Runbook(RunbookMsg::Loaded(Ok(Box::new(found)))));
    for c in "SRE-1234".chars() {
        press(m, KeyCode::Char(c));
    }
    let mut fx = Vec::new();
    for _ in 0..=rb.params.len() + 1 {
        if m.runbook.prompt.is_none() {
            break;
        }
        fx = press(m, KeyCode::Enter);
    }
    if !fx.iter().any(|e| matches!(e, Effect::Runbook(RunbookJob::Prepare(_)))) {
        anyhow::bail!("{}: the default parameters or the justification were refused", rb.title);
    }
    let journal = Ok(crate::util::paths::state_dir().join("runs/staged.jsonl"));
    let ready = RunbookMsg::Ready {
        run_id: "20261123T140600Z-staged".into(),
        operator,
        journal,
        simulator: true,
        inherited: Default::default(),
    };
    let mut fx = update(m, Msg::Runbook(ready));
    for _ in 0..200 {
        let Some(run) = m.runbook.run.as_ref() else { anyhow::bail!("the run did not start") };
        if m.runbook.dialog_open() {
            m.runbook.drawn();
            return Ok(());
        }
        let pending: Vec<F> = fx
            .iter()
            .flat_map(|e| match e {
                Effect::Runbook(RunbookJob::Perform(v)) => v.clone(),
                _ => Vec::new(),
            })
            .collect();
        let phase = run.machine.phase().clone();
        fx = if pending.iter().any(|f| matches!(f, F::AppendJournal(_))) {
            update(m, Msg::Runbook(RunbookMsg::Event(Input::Journaled(Ok(())))))
        } else if pending.iter().any(|f| matches!(f, F::StartCommand { .. })) {
            let done = crate::runbook::exec::ExecResult { exit_code: Some(0), ..Default::default() };
            update(m, Msg::Runbook(RunbookMsg::Event(Input::CommandExited(done))))
        } else if pending.iter().any(|f| matches!(f, F::StartVerify { .. })) {
            let v = crate::runbook::machine::VerifyVerdict::Passed;
            update(m, Msg::Runbook(RunbookMsg::Event(Input::VerifyDone(v))))
        } else if let Phase::Ready { .. } = phase {
            press(m, KeyCode::Enter)
        } else {
            anyhow::bail!("{}: no destructive block reached ({phase:?})", rb.title);
        };
    }
    anyhow::bail!("{}: no destructive block reached", rb.title)
}
