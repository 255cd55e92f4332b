//! `opsdeck incident declare|ack|resolve|note|list|export`: the same actions as the screen,
//! for a commander's SSH session and for scripts. Writes go through the shared store, so
//! a running screen sees them within a second. Every write also records the escalations
//! that have happened by now. Without an ID, ack/resolve/note act on the most recent open
//! incident; export on the most recent incident.
use anyhow::{Context, bail};
use chrono::Utc;
use clap::Subcommand;
use std::path::PathBuf;

use crate::cli::ScreenArgs;
use crate::util::text::{sanitize, sanitize_lines};

use super::action::IncidentAction;
use super::export::export_markdown;
use super::model::Severity;
use super::policy::Policy;
use super::store::Store;
use super::summary::summaries;

#[derive(Debug, Subcommand)]
pub enum IncidentCmd {
    /// Declare an incident by hand; its clock starts now.
    Declare {
        #[arg(long)]
        title: String,
        /// P0..P3 or SEV-1..SEV-4 (P0 = SEV-1).
        #[arg(long, value_parser = parse_severity)]
        severity: Severity,
    },
    /// Acknowledge: stops escalation (the resolution clock keeps running).
    Ack {
        /// Incident id (`3` or `INC-3`); default: the most recent open incident.
        id: Option<String>,
    },
    /// Resolve: closes the incident.
    Resolve {
        /// Incident id; default: the most recent open incident.
        id: Option<String>,
    },
    /// Add a note to the timeline: `note [ID] TEXT...`.
    Note {
        /// An optional incident id, then the text.
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// Record an update sent on a communication channel: `update [ID] --channel C TEXT...`.
    Update {
        /// The channel (`status-page`, `executive`, ... as in `[comms]`).
        #[arg(long)]
        channel: String,
        /// An optional incident id, then the text.
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// List open incidents (with --all, resolved ones too).
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        all: bool,
    },
    /// Write the timeline as Markdown for the blameless review.
    Export {
        /// Incident id; default: the most recent incident.
        id: Option<String>,
        /// Write to FILE instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("`{s}` is not a severity (expected P0..P3 or SEV-1..SEV-4)"))
}

/// `3`, `#3`, `INC-3`, `inc-3`.
pub fn parse_id(s: &str) -> Option<u64> {
    let t = s.trim();
    let t = t.strip_prefix('#').unwrap_or(t);
    let t = if t.len() > 4 && t[..4].eq_ignore_ascii_case("inc-") { &t[4..] } else { t };
    t.parse().ok().filter(|n| *n > 0)
}

fn id_arg(s: Option<&str>) -> anyhow::Result<Option<u64>> {
    s.map(|s| parse_id(s).with_context(|| format!("`{s}` is not an incident id (expected e.g. 3 or INC-3)")))
        .transpose()
}

/// The escalation policy of the config in effect; a missing default config is fine.
fn load_policy(s: &ScreenArgs) -> Result<Policy, i32> {
    let path = crate::config::resolve_path(s.config.as_deref());
    let config = if path.exists() || s.config.is_some() {
        match crate::config::load_file(&path) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    eprintln!("{e}");
                }
                return Err(2);
            }
        }
    } else {
        crate::config::Config::default()
    };
    Policy::from_config(&config).map_err(|e| {
        eprintln!("{}: {e}", path.display());
        2
    })
}

pub fn incident(s: &ScreenArgs, c: IncidentCmd) -> anyhow::Result<i32> {
    let policy = match load_policy(s) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let store = Store::from_env();
    let now = Utc::now();
    let who = super::who::current();

    // A write: the same action the screen emits, applied under the store's lock.
    let write = |action: IncidentAction| -> anyhow::Result<i32> {
        let outcome = super::action::run(&store, &policy, &action, &who, now).context("incident store")??;
        println!("{}", sanitize(&outcome.message));
        Ok(0)
    };

    match c {
        IncidentCmd::Declare { title, severity } => write(IncidentAction::Declare { title, severity }),
        IncidentCmd::Ack { id } => write(IncidentAction::Acknowledge { id: id_arg(id.as_deref())? }),
        IncidentCmd::Resolve { id } => write(IncidentAction::Resolve { id: id_arg(id.as_deref())? }),
        IncidentCmd::Note { words } => {
            let (id, text) = match words.split_first() {
                Some((first, rest)) if !rest.is_empty() && parse_id(first).is_some() => {
                    (parse_id(first), rest.join(" "))
                }
                _ => (None, words.join(" ")),
            };
            write(IncidentAction::Note { id, text })
        }
        IncidentCmd::Update { channel, words } => {
            let (id, text) = match words.split_first() {
                Some((first, rest)) if !rest.is_empty() && parse_id(first).is_some() => {
                    (parse_id(first), rest.join(" "))
                }
                _ => (None, words.join(" ")),
            };
            write(IncidentAction::CommsUpdate { id, channel, text })
        }
        IncidentCmd::List { json, all } => {
            let book = store.load().context("incident store")?;
            let list = summaries(&book, &policy, now, all);
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("no {}incidents", if all { "" } else { "open " });
            } else {
                for i in &list {
                    let c = &i.clock;
                    let next = c
                        .next_tier
                        .as_ref()
                        .map(|n| format!(", {} in {}", n.name, n.countdown))
                        .unwrap_or_default();
                    let left = match (&c.resolution_left, c.resolved) {
                        (_, true) => format!(", resolved after {}", c.elapsed),
                        (Some(l), false) => format!(", target left {l}"),
                        (None, false) => String::new(),
                    };
                    println!(
                        "{:<7} {} {:<12} {:>8}  {}{next}  {}{left}  {}",
                        c.label,
                        c.severity.as_str(),
                        i.status,
                        c.elapsed,
                        c.tier_name,
                        c.phase,
                        sanitize(&c.title)
                    );
                }
            }
            Ok(0)
        }
        IncidentCmd::Export { id, out } => {
            let id = id_arg(id.as_deref())?;
            let book = store.load().context("incident store")?;
            let id = book.resolve_id_any(id)?;
            let inc = book.get(id).expect("resolve_id_any found it");
            let text = export_markdown(inc, &policy, now);
            match out {
                Some(path) => {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                        && !dir.is_dir()
                    {
                        bail!("{}: no such directory", dir.display());
                    }
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("INC-{id} exported to {}", path.display());
                }
                None => print!("{}", sanitize_lines(&text)),
            }
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_id;

    #[test]
    fn ids() {
        assert_eq!(parse_id("3"), Some(3));
        assert_eq!(parse_id("INC-12"), Some(12));
        assert_eq!(parse_id("inc-12"), Some(12));
        assert_eq!(parse_id("#4"), Some(4));
        assert_eq!(parse_id("0"), None);
        assert_eq!(parse_id("restarting"), None);
    }
}
