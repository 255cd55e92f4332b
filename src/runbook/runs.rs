//! Runs you can find again: the journals of the state directory and of `opsdeck demo`'s
//! (`<state dir>/demo`, used when `OPSDECK_STATE_DIR` is not set), listed newest first,
//! and a run id resolved to its journal in either.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};

use super::journal::{self, EventKind, Record};

/// Where journals are looked for: the state directory, then the demo's (`demo` beneath it).
pub fn state_dirs() -> Vec<(PathBuf, bool)> {
    let base = crate::util::paths::state_dir();
    let demo = base.join("demo");
    vec![(base, false), (demo, true)]
}

/// The journal of `run_id` in any of [`state_dirs`], else where it would be in the first.
pub fn find_journal(run_id: &str) -> Result<PathBuf, String> {
    let dirs = state_dirs();
    for (d, _) in &dirs {
        let p = journal::journal_path(d, run_id);
        if p.is_file() {
            return Ok(p);
        }
    }
    Err(format!(
        "no run {run_id} in {} (see `opsdeck runbook runs`)",
        dirs.iter().map(|(d, _)| journal::runs_dir(d).display().to_string()).collect::<Vec<_>>().join(" or ")
    ))
}

/// One run, as `opsdeck runbook runs` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    pub id: String,
    /// The runbook's file name without `.md`.
    pub runbook: String,
    pub path: PathBuf,
    pub who: String,
    /// `finished` (completed or rolled back), `aborted` (aborted or refused), `unfinished`.
    pub state: &'static str,
    /// The last `run_finished` detail (`completed`, `aborted: end of input`, ...).
    pub outcome: Option<String>,
    pub started: DateTime<Utc>,
    pub drill: bool,
    /// Started by `opsdeck demo` (its journal is in the demo state directory).
    pub demo: bool,
    /// The hash chain verifies.
    pub intact: bool,
    pub journal: PathBuf,
}

/// The state word for a run's records.
pub fn state_of(records: &[Record]) -> (&'static str, Option<String>) {
    match records.iter().rfind(|r| r.entry.event == EventKind::RunFinished) {
        None => ("unfinished", None),
        Some(r) => {
            let d = r.entry.detail.clone().unwrap_or_default();
            let word = if d == "completed" || d == "rolled back" { "finished" } else { "aborted" };
            (word, Some(d))
        }
    }
}

fn summary(path: &Path, demo: bool) -> Option<RunSummary> {
    let (records, intact) = match journal::read_verified(path) {
        Ok(r) => (r, true),
        // A journal that does not verify is still listed (read leniently), marked.
        Err(_) => {
            let text = std::fs::read_to_string(path).ok()?;
            (text.lines().filter_map(|l| serde_json::from_str::<Record>(l).ok()).collect(), false)
        }
    };
    let first = records.first()?;
    let (state, outcome) = state_of(&records);
    Some(RunSummary {
        id: first.run_id.clone(),
        runbook: first.runbook.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        path: first.runbook.clone(),
        who: first.who.user.clone(),
        state,
        outcome,
        started: first.entry.time,
        drill: first.entry.drill,
        demo,
        intact,
        journal: path.to_path_buf(),
    })
}

/// Every run in `dirs` (`(dir, demo)`), newest first.
pub fn list_runs(dirs: &[(PathBuf, bool)]) -> Vec<RunSummary> {
    let mut out: Vec<RunSummary> = dirs
        .iter()
        .flat_map(|(d, demo)| {
            journal::list_journals(d).unwrap_or_default().into_iter().filter_map(move |p| summary(&p, *demo))
        })
        .collect();
    out.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| b.id.cmp(&a.id)));
    out
}

/// The table `opsdeck runbook runs` prints (columns as wide as their widest value).
pub fn table(runs: &[RunSummary]) -> String {
    use std::fmt::Write;
    let w =
        |head: &str, f: &dyn Fn(&RunSummary) -> usize| runs.iter().map(f).max().unwrap_or(0).max(head.len());
    let (wi, wr, ww) =
        (w("RUN ID", &|r| r.id.len()), w("RUNBOOK", &|r| r.runbook.len()), w("WHO", &|r| r.who.len()));
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:<wi$}  {:<wr$}  {:<ww$}  {:<10}  {:<20}  NOTE",
        "RUN ID", "RUNBOOK", "WHO", "STATE", "STARTED"
    );
    for r in runs {
        let mut note = Vec::new();
        if r.demo {
            note.push("demo");
        }
        if r.drill {
            note.push("drill");
        }
        if !r.intact {
            note.push("JOURNAL DOES NOT VERIFY");
        }
        let line = format!(
            "{:<wi$}  {:<wr$}  {:<ww$}  {:<10}  {:<20}  {}",
            r.id,
            r.runbook,
            r.who,
            r.state,
            r.started.format("%Y-%m-%d %H:%M:%SZ"),
            note.join(", ")
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }
    if let Some(r) = runs.iter().find(|r| r.state == "unfinished") {
        let _ = writeln!(o, "\ncontinue an unfinished run: opsdeck runbook resume {}", r.id);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::journal::{Entry, Journal, Who};

    fn entry(event: EventKind, secs: i64, detail: Option<&str>) -> Entry {
        Entry {
            time: DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap(),
            event,
            step: None,
            step_id: None,
            block: None,
            params: Default::default(),
            justification: None,
            confirmation: None,
            exit_code: None,
            output: None,
            detail: detail.map(str::to_string),
            drill: false,
            values: Default::default(),
        }
    }

    fn write(dir: &Path, id: &str, secs: i64, end: Option<&str>) {
        let who = Who { user: "alice".into(), ssh_client: None };
        let mut j = Journal::create(dir, id, who, Path::new("/rb/drain.md"), "h").unwrap();
        j.append(&entry(EventKind::RunStarted, secs, None)).unwrap();
        if let Some(d) = end {
            j.append(&entry(EventKind::RunFinished, secs + 5, Some(d))).unwrap();
        }
    }

    #[test]
    fn runs_are_listed_newest_first_with_their_state_and_the_demo_ones_marked() {
        let tmp = tempfile::tempdir().unwrap();
        let (base, demo) = (tmp.path().join("s"), tmp.path().join("s/demo"));
        write(&base, "r-old", 0, Some("completed"));
        write(&base, "r-mid", 100, Some("aborted: end of input"));
        write(&demo, "r-new", 200, None);
        let runs = list_runs(&[(base, false), (demo, true)]);
        let got: Vec<(&str, &str, bool)> = runs.iter().map(|r| (r.id.as_str(), r.state, r.demo)).collect();
        assert_eq!(
            got,
            [("r-new", "unfinished", true), ("r-mid", "aborted", false), ("r-old", "finished", false)]
        );
        assert_eq!(runs[0].runbook, "drain");
        assert_eq!(runs[0].who, "alice");
        let t = table(&runs);
        assert!(t.contains("opsdeck runbook resume r-new"), "{t}");
        assert!(t.lines().nth(1).unwrap().contains("demo"), "{t}");
    }
}
