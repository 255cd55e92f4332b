//! The log file: `<state dir>/opsdeck.log`, written through `tracing` when `OPSDECK_LOG`
//! (or else `RUST_LOG`) holds a filter (`debug`, `opsdeck=debug,reqwest=info`, ...). Off
//! otherwise. Never written to the terminal: the screen owns it. Every line passes through
//! [`scrub`] before it reaches the file, so a secret that slips into a message (a token in
//! an error body, a URL with userinfo) is masked.
use std::borrow::Cow;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

/// The log file's name in the state directory.
pub const FILE: &str = "opsdeck.log";
/// A log larger than this at start is moved to `opsdeck.log.1` (one generation kept).
const ROTATE_AT: u64 = 10 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("OPSDECK_LOG/RUST_LOG: bad filter `{spec}`: {message}")]
    Filter { spec: String, message: String },
    #[error("log file {}: {source}", path.display())]
    Open { path: PathBuf, source: std::io::Error },
    #[error("a log subscriber is already installed")]
    Installed,
}

/// The filter asked for: `OPSDECK_LOG`, else `RUST_LOG`; `None` when neither is set (or
/// both are empty).
pub fn filter_spec() -> Option<String> {
    ["OPSDECK_LOG", "RUST_LOG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

/// Starts logging into `<state dir>/opsdeck.log` when a filter is set. Returns the file's
/// path when logging is on.
pub fn init() -> Result<Option<PathBuf>, LogError> {
    let Some(spec) = filter_spec() else { return Ok(None) };
    let path = super::paths::state_dir().join(FILE);
    init_at(&path, &spec)?;
    Ok(Some(path))
}

/// Logging with filter `spec` into `path` (created 0600, appended to).
pub fn init_at(path: &Path, spec: &str) -> Result<(), LogError> {
    let filter = tracing_subscriber::EnvFilter::try_new(spec)
        .map_err(|e| LogError::Filter { spec: spec.to_string(), message: e.to_string() })?;
    let file = open(path)?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(ScrubbedFile(Arc::new(Mutex::new(file))))
        .try_init()
        .map_err(|_| LogError::Installed)?;
    ENABLED.get_or_init(|| true);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), pid = std::process::id(), "log opened");
    Ok(())
}

static ENABLED: OnceLock<bool> = OnceLock::new();

/// Whether a log file is being written (callers skip work only the log needs).
pub fn enabled() -> bool {
    ENABLED.get().copied().unwrap_or(false)
}

fn open(path: &Path) -> Result<File, LogError> {
    let err = |source| LogError::Open { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > ROTATE_AT) {
        let _ = std::fs::rename(path, path.with_extension("log.1"));
    }
    std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path).map_err(err)
}

/// Masks secrets in one piece of log text: every configured secret in its derived forms
/// (the process-wide scrubber, `util::scrub`, which the config registers when it loads),
/// then what looks like a credential whatever its value (`Authorization: Bearer ...`,
/// `Basic ...`, URL userinfo, `password=...`, `token=...`, `secret=...`).
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = super::scrub::scrub(text);
    for (re, with) in patterns() {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, *with).into_owned());
        }
    }
    out
}

/// The credential shapes, compiled once.
fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        [
            (r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}", "$1 ***"),
            (r"(?i)(authorization|x-api-key|api-key|cookie)(\s*[:=]\s*)[^\s,;]+", "$1$2***"),
            (r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@:]*:[^/\s@]*@", "$1***@"),
            (r#"(?i)\b(password|passwd|token|secret|api_key)(\s*[:=]\s*"?)[^\s",;&]+"#, "$1$2***"),
        ]
        .into_iter()
        .map(|(p, with)| (Regex::new(p).expect("log scrub patterns compile"), with))
        .collect()
    })
}

/// The log file behind a mutex; each event is formatted into one buffer, scrubbed, then
/// written with one call.
#[derive(Clone)]
struct ScrubbedFile(Arc<Mutex<File>>);

struct EventWriter {
    file: Arc<Mutex<File>>,
    buf: Vec<u8>,
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ScrubbedFile {
    type Writer = EventWriter;
    fn make_writer(&'a self) -> EventWriter {
        EventWriter { file: self.0.clone(), buf: Vec::with_capacity(256) }
    }
}

impl Write for EventWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.buf);
        let clean = scrub(&text);
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let r = f.write_all(clean.as_bytes());
        drop(f);
        self.buf.clear();
        r
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        // A full disk loses log lines, never the program.
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_masks_credentials_and_registered_values() {
        crate::util::scrub::register("s3cr3t-value");
        crate::util::scrub::register("ab");
        let line = "GET http://ops:hunter2@h:9090/x Authorization: Bearer abc.DEF-123 \
                    token=xyz987 password: \"pw1234\" body=s3cr3t-value ab";
        let s = scrub(line);
        for secret in ["hunter2", "abc.DEF-123", "xyz987", "pw1234", "s3cr3t-value"] {
            assert!(!s.contains(secret), "{secret} in {s}");
        }
        assert!(s.contains("http://***@h:9090/x"), "{s}");
        assert!(s.ends_with(" ab"), "short values are not secrets: {s}");
        assert!(matches!(scrub("poll ok in 12ms"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_scrubs_each_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        let file = ScrubbedFile(Arc::new(Mutex::new(open(&path).unwrap())));
        {
            use tracing_subscriber::fmt::MakeWriter;
            let mut w = file.make_writer();
            w.write_all(b"auth: Basic dXNlcjpwYXNz\n").unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "auth: Basic ***\n");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
