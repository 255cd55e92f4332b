//! The after-action report of a run (`opsdeck runbook report RUN_ID`), in Markdown, built
//! from the journal alone (plus the runbook, when still readable, for titles and etas).
use chrono::{DateTime, Utc};
use std::fmt::Write;
use std::time::Duration;

use super::journal::{EventKind, Record};
use super::types::Runbook;
use crate::util::duration::format_compact;

#[derive(Debug, Default, Clone)]
struct StepRow {
    id: String,
    started: Option<DateTime<Utc>>,
    ended: Option<DateTime<Utc>>,
    outcome: String,
    who: Vec<String>,
}

/// Renders the report. `runbook` is the current parse of the run's file if readable.
pub fn render(records: &[Record], runbook: Option<&Runbook>) -> String {
    let mut o = String::new();
    let Some(first) = records.first() else {
        return "# Run report\n\nThe journal is empty.\n".into();
    };
    let last = records.last().unwrap_or(first);
    let title = runbook.map(|r| r.title.clone()).unwrap_or_else(|| first.runbook.display().to_string());
    let drill = first.entry.drill;
    let _ = writeln!(o, "# After-action report: {title}{}\n", if drill { " (drill)" } else { "" });
    let _ = writeln!(o, "| | |\n|---|---|");
    let _ = writeln!(o, "| Run | `{}` |", first.run_id);
    let _ = writeln!(o, "| Runbook | `{}` (sha256 `{}`) |", first.runbook.display(), short(&first.file_hash));
    if let Some(rb) = runbook
        && rb.file_hash != first.file_hash
    {
        let _ = writeln!(o, "| Note | the runbook file has changed since this run |");
    }
    let _ = writeln!(o, "| Started | {} by {} |", fmt_t(first.entry.time), who(first));
    let finish = records.iter().find(|r| r.entry.event == EventKind::RunFinished);
    let _ = writeln!(
        o,
        "| Outcome | {} |",
        finish
            .map(|r| format!("{} at {}", r.entry.detail.clone().unwrap_or_default(), fmt_t(r.entry.time)))
            .unwrap_or_else(|| format!("not finished (last record {})", fmt_t(last.entry.time)))
    );
    let total = last.entry.time - first.entry.time;
    let _ = writeln!(
        o,
        "| Duration | {}{} |",
        fmt_d(total.to_std().unwrap_or_default()),
        runbook.and_then(|r| r.eta).map(|e| format!(" (eta {})", format_compact(e))).unwrap_or_default()
    );
    if let Some(j) = records.iter().find_map(|r| r.entry.justification.clone()) {
        let _ = writeln!(o, "| Justification | {j} |");
    }
    if !first.entry.params.is_empty() {
        let p: Vec<String> = first.entry.params.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
        let _ = writeln!(o, "| Parameters | {} |", p.join(", "));
    }

    let n = runbook
        .map_or(0, |r| r.steps.len())
        .max(records.iter().filter_map(|r| r.entry.step).max().map_or(0, |m| m + 1));
    let mut rows = vec![StepRow::default(); n];
    for (i, row) in rows.iter_mut().enumerate() {
        row.id = runbook.and_then(|r| r.steps.get(i)).map(|s| s.title.clone()).unwrap_or_default();
        row.outcome = "not run".into();
    }
    for r in records {
        let Some(s) = r.entry.step.filter(|&s| s < n) else { continue };
        let row = &mut rows[s];
        if row.id.is_empty() {
            row.id = r.entry.step_id.clone().unwrap_or_default();
        }
        if !row.who.contains(&r.who.user) {
            row.who.push(r.who.user.clone());
        }
        match r.entry.event {
            EventKind::StepStarted => {
                row.started.get_or_insert(r.entry.time);
                row.outcome = "started, no outcome recorded".into();
            }
            EventKind::StepFinished => {
                row.ended = Some(r.entry.time);
                row.outcome = "ok".into();
            }
            EventKind::StepSkipped => {
                row.ended = Some(r.entry.time);
                row.outcome = format!("skipped: {}", r.entry.detail.clone().unwrap_or_default());
            }
            EventKind::StepFailed => {
                row.ended = Some(r.entry.time);
                row.outcome = format!("failed: {}", r.entry.detail.clone().unwrap_or_default());
            }
            _ => {}
        }
    }
    let _ = writeln!(o, "\n## Steps\n");
    let _ = writeln!(o, "| # | Step | Outcome | Took | ETA | Over | Who |\n|---|---|---|---|---|---|---|");
    for (i, row) in rows.iter().enumerate() {
        let took = match (row.started, row.ended) {
            (Some(a), Some(b)) => (b - a).to_std().ok(),
            _ => None,
        };
        let eta: Option<Duration> = runbook
            .and_then(|r| r.steps.get(i))
            .map(|s| s.blocks.iter().filter_map(|b| b.attrs.eta).sum::<Duration>())
            .filter(|d| !d.is_zero());
        let over = match (took, eta) {
            (Some(t), Some(e)) if t > e => format!("+{}", fmt_d(t - e)),
            (Some(_), Some(_)) => "no".into(),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            cell(&row.id),
            cell(&row.outcome),
            took.map(fmt_d).unwrap_or_default(),
            eta.map(format_compact).unwrap_or_default(),
            over,
            row.who.join(", ")
        );
    }

    let _ = writeln!(o, "\n## Confirmations and destructive actions\n");
    let mut any = false;
    for r in records {
        let e = &r.entry;
        let step = e.step.map(|s| format!("step {} block {}", s + 1, e.block.map_or(0, |b| b + 1)));
        let line = match e.event {
            EventKind::BlockStarted if e.confirmation.is_some() => Some(format!(
                "- {} {}: confirmed by {} typing `{}`{}",
                fmt_t(e.time),
                step.unwrap_or_default(),
                who(r),
                e.confirmation.clone().unwrap_or_default(),
                e.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
            )),
            EventKind::BlockDeclined => Some(format!(
                "- {} {}: declined by {} (typed `{}`)",
                fmt_t(e.time),
                step.unwrap_or_default(),
                who(r),
                e.confirmation.clone().unwrap_or_default()
            )),
            EventKind::RollbackStarted => {
                Some(format!("- {} rollback: {}", fmt_t(e.time), e.detail.clone().unwrap_or_default()))
            }
            EventKind::RunResumed => {
                Some(format!("- {} {}", fmt_t(e.time), e.detail.clone().unwrap_or_default()))
            }
            EventKind::RunRefused => {
                Some(format!("- {} refused: {}", fmt_t(e.time), e.detail.clone().unwrap_or_default()))
            }
            _ => None,
        };
        if let Some(l) = line {
            any = true;
            let _ = writeln!(o, "{l}");
        }
    }
    if !any {
        let _ = writeln!(o, "None.");
    }

    let _ = writeln!(o, "\n## Timeline\n");
    for r in records {
        let e = &r.entry;
        let mut line = format!(
            "- {} `{}`",
            fmt_t(e.time),
            serde_json::to_string(&e.event).unwrap_or_default().trim_matches('"')
        );
        if let Some(s) = e.step {
            let _ = write!(line, " step {}", s + 1);
            if let Some(b) = e.block {
                let _ = write!(line, " block {}", b + 1);
            }
        }
        if let Some(c) = e.exit_code {
            let _ = write!(line, " exit {c}");
        }
        if let Some(d) = &e.detail {
            let _ = write!(line, ": {}", d.replace('\n', " "));
        }
        let _ = write!(line, " ({})", r.who.user);
        let _ = writeln!(o, "{line}");
    }
    let _ = writeln!(
        o,
        "\nJournal: {} records, hash chain verified when this report was written.",
        records.len()
    );
    o
}

fn who(r: &Record) -> String {
    match &r.who.ssh_client {
        Some(s) => format!("{} (ssh {})", r.who.user, s.split_whitespace().next().unwrap_or(s)),
        None => r.who.user.clone(),
    }
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

fn fmt_t(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

fn fmt_d(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        return format!("{}ms", d.as_millis());
    }
    format_compact(Duration::from_secs(d.as_secs()))
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
