//! Running one shell block.
//!
//! Contract:
//! - The block runs as `bash --noprofile --norc -euo pipefail -c SCRIPT`, the script text
//!   exactly as written, in its own process group (`setpgid(0, 0)`), with stdin from
//!   `/dev/null`, in `cwd` (the runbook's directory).
//! - Parameters reach the script only as environment variables (see [`param_env_name`]);
//!   the inherited environment is kept (PATH, KUBECONFIG, ...). Nothing is ever spliced
//!   into the script text, so a value such as `x"; touch /tmp/pwned; "` is inert.
//! - stdout and stderr are streamed line by line to the `lines` channel and the last
//!   [`OUTPUT_LIMIT`] bytes are kept for the journal.
//! - `timeout`: SIGTERM to the whole group, then SIGKILL after [`KILL_GRACE`].
//!   [`ExecHandle::interrupt`]: SIGINT to the group, then SIGKILL after the grace. Only the
//!   step's group is signalled, never opsdeck itself.
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::{Mutex, Notify, mpsc};

/// Bytes of output kept for the journal (the tail).
pub const OUTPUT_LIMIT: usize = 64 * 1024;
/// Time between SIGTERM (or SIGINT) and SIGKILL.
pub const KILL_GRACE: Duration = Duration::from_secs(5);

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecSpec {
    pub script: String,
    /// Extra environment: `(NAME, value)`, see [`param_env_name`].
    pub env: Vec<(String, String)>,
    pub cwd: PathBuf,
    pub timeout: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One line of live output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub stream: Stream,
    pub text: String,
}

/// How a block ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecResult {
    /// The exit status, if it exited (None when killed by a signal or not started).
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub interrupted: bool,
    /// Could not be started at all (bash missing, cwd gone): the reason.
    pub spawn_error: Option<String>,
    /// The last [`OUTPUT_LIMIT`] bytes of stdout and stderr, interleaved as read.
    pub output: String,
    pub duration: Duration,
}

impl ExecResult {
    pub fn success(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// A short description for people: `exit 0`, `exit 3`, `timed out`, `killed by signal 9`.
    pub fn describe(&self) -> String {
        if let Some(e) = &self.spawn_error {
            return format!("could not start: {e}");
        }
        let mut s = match (self.exit_code, self.signal) {
            (Some(c), _) => format!("exit {c}"),
            (None, Some(sig)) => format!("killed by signal {sig}"),
            _ => "ended".into(),
        };
        if self.timed_out {
            s.push_str(" (timed out)");
        }
        if self.interrupted {
            s.push_str(" (interrupted)");
        }
        s
    }
}

/// The environment variable a parameter becomes: upper-cased, every character that is
/// not ASCII alphanumeric replaced by `_` (`cluster-name` -> `CLUSTER_NAME`).
pub fn param_env_name(param: &str) -> String {
    param.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// Environment names a parameter may not take: they change how bash or the loader behave.
pub fn is_reserved_env(name: &str) -> bool {
    const RESERVED: &[&str] = &[
        "PATH",
        "HOME",
        "IFS",
        "ENV",
        "BASH_ENV",
        "SHELLOPTS",
        "BASHOPTS",
        "PS4",
        "CDPATH",
        "GLOBIGNORE",
        "PROMPT_COMMAND",
        "SHELL",
        "USER",
        "LOGNAME",
        "TERM",
        "PWD",
        "OLDPWD",
    ];
    RESERVED.contains(&name)
        || name.starts_with("LD_")
        || name.starts_with("BASH_FUNC")
        || name.starts_with("OPSDECK_")
}

/// A bounded tail buffer of text.
#[derive(Debug, Default)]
struct Tail {
    buf: String,
}

impl Tail {
    fn push_line(&mut self, line: &str) {
        self.buf.push_str(line);
        self.buf.push('\n');
        if self.buf.len() > OUTPUT_LIMIT {
            let mut cut = self.buf.len() - OUTPUT_LIMIT;
            while !self.buf.is_char_boundary(cut) {
                cut += 1;
            }
            self.buf.drain(..cut);
        }
    }
}

/// Control over a running block.
#[derive(Debug, Clone)]
pub struct ExecHandle {
    interrupt: Arc<Notify>,
}

impl ExecHandle {
    /// Interrupts the block (its process group only).
    pub fn interrupt(&self) {
        self.interrupt.notify_one();
    }
}

/// Starts the block; the returned task resolves to its result. Lines go to `lines`
/// (dropped silently if the receiver is gone).
pub fn spawn(
    spec: ExecSpec,
    lines: mpsc::UnboundedSender<OutputLine>,
) -> (ExecHandle, tokio::task::JoinHandle<ExecResult>) {
    let interrupt = Arc::new(Notify::new());
    let handle = ExecHandle { interrupt: interrupt.clone() };
    let task = tokio::spawn(run(spec, lines, interrupt));
    (handle, task)
}

/// Runs a block to the end.
pub async fn run(
    spec: ExecSpec,
    lines: mpsc::UnboundedSender<OutputLine>,
    interrupt: Arc<Notify>,
) -> ExecResult {
    let started = Instant::now();
    let mut cmd = tokio::process::Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-euo", "pipefail", "-c"])
        .arg(&spec.script)
        .current_dir(&spec.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(false);
    for (k, v) in &spec.env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return ExecResult {
                spawn_error: Some(format!("bash in {}: {e}", spec.cwd.display())),
                duration: started.elapsed(),
                ..Default::default()
            };
        }
    };
    let pgid = child.id().map(|p| Pid::from_raw(p as i32));
    let tail = Arc::new(Mutex::new(Tail::default()));
    let out = child.stdout.take().map(|s| pump(s, Stream::Stdout, lines.clone(), tail.clone()));
    let err = child.stderr.take().map(|s| pump(s, Stream::Stderr, lines.clone(), tail.clone()));

    let mut timed_out = false;
    let mut interrupted = false;
    let deadline = spec.timeout.map(|t| tokio::time::Instant::now() + t);
    let status = tokio::select! {
        s = child.wait() => s,
        _ = sleep_until(deadline) => {
            timed_out = true;
            stop_group(pgid, Signal::SIGTERM, &mut child).await
        }
        _ = interrupt.notified() => {
            interrupted = true;
            stop_group(pgid, Signal::SIGINT, &mut child).await
        }
    };
    // Give the readers a moment for the last lines; a background grandchild holding the
    // pipe open must not hang the run.
    for t in [out, err].into_iter().flatten() {
        let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
    }
    let output = tail.lock().await.buf.clone();
    let (exit_code, signal) = match &status {
        Ok(s) => {
            use std::os::unix::process::ExitStatusExt;
            (s.code(), s.signal())
        }
        Err(_) => (None, None),
    };
    ExecResult {
        exit_code,
        signal,
        timed_out,
        interrupted,
        spawn_error: status.err().map(|e| e.to_string()),
        output,
        duration: started.elapsed(),
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Sends `first` to the group, waits up to the grace, then SIGKILLs the group.
async fn stop_group(
    pgid: Option<Pid>,
    first: Signal,
    child: &mut tokio::process::Child,
) -> std::io::Result<std::process::ExitStatus> {
    if let Some(pg) = pgid {
        let _ = killpg(pg, first);
    }
    match tokio::time::timeout(KILL_GRACE, child.wait()).await {
        Ok(s) => {
            // The leader is gone; make sure nothing of the group lingers.
            if let Some(pg) = pgid {
                let _ = killpg(pg, Signal::SIGKILL);
            }
            s
        }
        Err(_) => {
            if let Some(pg) = pgid {
                let _ = killpg(pg, Signal::SIGKILL);
            }
            child.wait().await
        }
    }
}

fn pump<R: AsyncRead + Unpin + Send + 'static>(
    r: R,
    stream: Stream,
    lines: mpsc::UnboundedSender<OutputLine>,
    tail: Arc<Mutex<Tail>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut reader = BufReader::new(r);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buf);
                    let text = text.trim_end_matches(['\n', '\r']).to_string();
                    tail.lock().await.push_line(&text);
                    let _ = lines.send(OutputLine { stream, text });
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names() {
        assert_eq!(param_env_name("cluster-name"), "CLUSTER_NAME");
        assert_eq!(param_env_name("replicas"), "REPLICAS");
        assert!(is_reserved_env("PATH"));
        assert!(is_reserved_env("LD_PRELOAD"));
        assert!(!is_reserved_env("CLUSTER"));
    }

    #[test]
    fn tail_is_bounded_at_a_char_boundary() {
        let mut t = Tail::default();
        for _ in 0..10_000 {
            t.push_line("héllo wörld 0123456789");
        }
        assert!(t.buf.len() <= OUTPUT_LIMIT);
        assert!(t.buf.ends_with("wörld 0123456789\n"));
    }
}
