//! Writing a subcommand's output to stdout, and what a write error means.
//!
//! Contract:
//! - [`emit`] writes the whole text (scrubbed of every registered secret) and flushes; an
//!   error is an [`OutputError`], never ignored: no subcommand reports success having
//!   written nothing.
//! - [`exit_status`]: a closed pipe (`EPIPE`, `opsdeck snapshot --json | head -1`) ends the
//!   process quietly with status 0; any other write error (`ENOSPC` on a full disk,
//!   `/dev/full`, `EIO`) is one line on stderr and status 1.
//! - SIGPIPE stays ignored in every subcommand (the Rust default), so a server or the
//!   screen never dies of a client hanging up; printing commands see `EPIPE` instead.
use std::io::Write;

/// Writing to stdout failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {0}")]
pub struct OutputError(#[source] pub std::io::Error);

/// Writes `text` to stdout and flushes.
pub fn emit(text: &str) -> Result<(), OutputError> {
    let text = super::scrub::scrub(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(OutputError)
}

/// `emit` with a line feed.
pub fn line(text: &str) -> Result<(), OutputError> {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    s.push('\n');
    emit(&s)
}

/// The exit status and message for an output error: `(0, None)` for a closed pipe,
/// `(1, Some(line))` otherwise.
pub fn exit_status(e: &std::io::Error) -> (i32, Option<String>) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        (0, None)
    } else {
        (1, Some(format!("opsdeck: cannot write to standard output: {e}")))
    }
}

/// Ends the process for an output error (see [`exit_status`]).
pub fn exit_on(e: &OutputError) -> ! {
    let (code, msg) = exit_status(&e.0);
    if let Some(m) = msg {
        eprintln!("{m}");
    }
    std::process::exit(code)
}

/// The io error inside `e` when it is an output error (directly or as a source).
pub fn output_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(o) = c.downcast_ref::<OutputError>() {
            return Some(&o.0);
        }
        cur = c.source();
    }
    None
}

/// A panic hook step for `println!` (which panics when stdout fails): the same exit as
/// [`exit_status`] instead of a panic message and status 101. Returns when the panic is
/// something else.
pub fn handle_print_panic(info: &std::panic::PanicHookInfo<'_>) {
    let msg = info
        .payload()
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| info.payload().downcast_ref::<&str>().copied())
        .unwrap_or("");
    if let Some(rest) = msg.strip_prefix("failed printing to stdout: ") {
        if rest.contains("Broken pipe") || rest.contains("os error 32") {
            std::process::exit(0);
        }
        eprintln!("opsdeck: cannot write to standard output: {rest}");
        std::process::exit(1);
    }
}

/// A writer that passes every line through `util::text::sanitize` (and the scrubber)
/// before it reaches `inner`: for output that mixes our words with runbook or outside
/// text (`runbook run --plain`). A partial line (a prompt) goes out on `flush`.
pub struct Sanitizing<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> Sanitizing<W> {
    pub fn new(inner: W) -> Self {
        Sanitizing { inner, buf: Vec::new() }
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        self.inner.write_all(super::text::sanitize(&text).as_bytes())
    }
}

impl<W: Write> Write for Sanitizing<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        while let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=i).collect();
            let body = line.strip_suffix(b"\n").unwrap_or(&line);
            let body = body.strip_suffix(b"\r").unwrap_or(body);
            self.put(body)?;
            self.inner.write_all(b"\n")?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let rest = std::mem::take(&mut self.buf);
            self.put(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Sanitizing<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizing_writer_cleans_lines_and_prompts() {
        let mut v = Vec::new();
        {
            let mut w = Sanitizing::new(&mut v);
            write!(w, "## \x1b]0;pwned\x07Title\n? confirm \x1b[2J").unwrap();
            w.flush().unwrap();
        }
        assert_eq!(String::from_utf8(v).unwrap(), "## Title\n? confirm ");
    }
}
