//! `opsdeck silence add|list|expire|extend`, in amtool's habits: matchers as arguments
//! (`alertname=DiskFull instance=~"db-.*"`), `add` prints the new id, `list` a table (or
//! JSON), `expire` takes ids. Exit status: 0 done, 1 an Alertmanager refused or failed,
//! 2 bad usage (bad matchers, duration, no comment, no Alertmanager configured).
use chrono::Utc;
use clap::Subcommand;

use crate::cli::ScreenArgs;
use crate::domain::{NewSilence, parse_matchers};
use crate::incident::Store;
use crate::util::text::sanitize;

#[derive(Debug, Subcommand)]
pub enum SilenceCmd {
    /// Create a silence: `add alertname=DiskFull instance=~"db-.*" --duration 1h --comment T`.
    Add {
        /// Matchers: name=value, name!=value, name=~regex, name!~regex (or `{...}`).
        #[arg(required = true, num_args = 1..)]
        matchers: Vec<String>,
        /// How long it lasts (e.g. 30m, 2h, 1d).
        #[arg(long, short = 'd', default_value = "1h", value_parser = crate::util::duration::parse)]
        duration: std::time::Duration,
        /// Why (required).
        #[arg(long, short = 'c')]
        comment: Option<String>,
        /// The author recorded (default: the Unix user, with the SSH client).
        #[arg(long, short = 'a')]
        author: Option<String>,
    },
    /// List active and pending silences of every Alertmanager (with --all, expired too).
    #[command(alias = "query")]
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        all: bool,
    },
    /// Expire silences by id.
    Expire {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<String>,
    },
    /// Extend a silence by a duration from its current end.
    Extend {
        id: String,
        #[arg(long, short = 'd', value_parser = crate::util::duration::parse)]
        duration: std::time::Duration,
    },
}

impl SilenceCmd {
    /// Whether the command changes state (refused in read-only mode).
    pub fn mutates(&self) -> bool {
        !matches!(self, SilenceCmd::List { .. })
    }
}

fn load_config(s: &ScreenArgs) -> Result<crate::config::Config, i32> {
    let path = crate::config::resolve_path(s.config.as_deref());
    if !path.exists() && s.config.is_none() {
        eprintln!("opsdeck silence: no config at {} (no [[alertmanager]] to talk to)", path.display());
        return Err(2);
    }
    crate::config::load_file(&path).map_err(|errors| {
        for e in errors {
            eprintln!("{e}");
        }
        2
    })
}

pub fn silence(s: &ScreenArgs, c: SilenceCmd) -> anyhow::Result<i32> {
    // Usage errors before anything else: bad matchers exit 2 without a config.
    if let SilenceCmd::Add { matchers, comment, duration, .. } = &c {
        if let Err(e) = parse_matchers(&matchers.join(" ")) {
            eprintln!("opsdeck silence add: bad matcher: {e}");
            return Ok(2);
        }
        if comment.as_deref().is_none_or(|t| t.trim().is_empty()) {
            eprintln!("opsdeck silence add: a silence needs --comment saying why");
            return Ok(2);
        }
        if duration.is_zero() {
            eprintln!("opsdeck silence add: the duration must be longer than zero");
            return Ok(2);
        }
    }
    let config = match load_config(s) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    if config.alertmanager.is_empty() {
        eprintln!("opsdeck silence: the config has no [[alertmanager]]");
        return Ok(2);
    }
    let store = Store::from_env();
    let who = crate::incident::who::current();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match c {
        SilenceCmd::Add { matchers, duration, comment, author } => {
            let matchers = parse_matchers(&matchers.join(" ")).expect("checked above");
            let now = Utc::now();
            let silence = NewSilence {
                matchers,
                starts_at: now,
                ends_at: now + chrono::Duration::from_std(duration)?,
                created_by: author.filter(|a| !a.trim().is_empty()).unwrap_or(who),
                comment: comment.unwrap_or_default().trim().to_string(),
            };
            match rt.block_on(super::ops::create(&config, &store, &silence)) {
                Ok(done) => {
                    for (_, id) in &done.ids {
                        println!("{id}");
                    }
                    let at: Vec<String> = done.ids.iter().map(|(m, _)| m.clone()).collect();
                    eprintln!(
                        "silenced {} alert(s) until {} UTC at {}{}",
                        done.caught.len(),
                        silence.ends_at.format("%Y-%m-%d %H:%M"),
                        at.join(", "),
                        super::ops::recorded_text(&done.recorded)
                    );
                    for f in &done.failed {
                        eprintln!("failed over from {}", sanitize(f));
                    }
                    Ok(0)
                }
                Err(e) => {
                    eprintln!("opsdeck silence add: {}", sanitize(&e));
                    Ok(if e.contains("regex") { 2 } else { 1 })
                }
            }
        }
        SilenceCmd::List { json, all } => {
            let (rows, errors) = rt.block_on(super::ops::list(&config, all));
            for e in &errors {
                eprintln!("opsdeck silence list: {}", sanitize(e));
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if rows.is_empty() {
                println!("no {}silences", if all { "" } else { "active or pending " });
            } else {
                println!(
                    "{:<36}  {:<8} {:>9}  {:<12} {:>6}  MATCHERS / COMMENT",
                    "ID", "STATE", "ENDS IN", "CREATED BY", "ALERTS"
                );
                for r in &rows {
                    println!(
                        "{:<36}  {:<8} {:>9}  {:<12} {:>6}  {}  # {}",
                        r.id,
                        r.state,
                        r.ends_in,
                        sanitize(&r.created_by),
                        r.alerts.len(),
                        sanitize(&r.matchers_text),
                        sanitize(&r.comment)
                    );
                }
            }
            Ok(if rows.is_empty() && !errors.is_empty() { 1 } else { 0 })
        }
        SilenceCmd::Expire { ids } => {
            let mut code = 0;
            for id in ids {
                match rt.block_on(super::ops::expire(&config, &store, &id, &who)) {
                    Ok(t) => println!("{}", sanitize(&t)),
                    Err(e) => {
                        eprintln!("opsdeck silence expire: {}", sanitize(&e));
                        code = 1;
                    }
                }
            }
            Ok(code)
        }
        SilenceCmd::Extend { id, duration } => {
            match rt.block_on(super::ops::extend(&config, &store, &id, duration, &who)) {
                Ok(t) => {
                    println!("{}", sanitize(&t));
                    Ok(0)
                }
                Err(e) => {
                    eprintln!("opsdeck silence extend: {}", sanitize(&e));
                    Ok(1)
                }
            }
        }
    }
}
