//! Shared by the pseudo-terminal end-to-end tests: a child killed on drop, a minimal
//! screen model of what ratatui's crossterm backend writes, and waiting for a screen state.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A minimal screen for what ratatui's crossterm backend writes: cursor moves, text, clears.
pub struct Screen {
    w: usize,
    h: usize,
    cells: Vec<String>,
    x: usize,
    y: usize,
}

impl Screen {
    pub fn new(w: usize, h: usize) -> Screen {
        Screen { w, h, cells: vec![" ".into(); w * h], x: 0, y: 0 }
    }
    pub fn feed(&mut self, s: &str) {
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                if it.next() == Some('[') {
                    let mut params = String::new();
                    let mut fin = ' ';
                    for c in it.by_ref() {
                        if ('\x40'..='\x7e').contains(&c) {
                            fin = c;
                            break;
                        }
                        params.push(c);
                    }
                    match fin {
                        'H' => {
                            let mut p = params.split(';').map(|n| n.parse::<usize>().unwrap_or(1));
                            self.y = p.next().unwrap_or(1).saturating_sub(1);
                            self.x = p.next().unwrap_or(1).saturating_sub(1);
                        }
                        'J' if params == "2" => self.cells.iter_mut().for_each(|c| *c = " ".into()),
                        _ => {}
                    }
                }
            } else if c == '\r' {
                self.x = 0;
            } else if c == '\n' {
                self.y += 1;
            } else if !c.is_control() && self.x < self.w && self.y < self.h {
                self.cells[self.y * self.w + self.x] = c.to_string();
                self.x += unicode_width::UnicodeWidthChar::width(c).unwrap_or(1).max(1);
            }
        }
    }
    pub fn lines(&self) -> Vec<String> {
        self.cells.chunks(self.w).map(|r| r.concat()).collect()
    }
}

/// Waits past the screen's key guard: keys that arrive within 150 ms of a runbook dialog
/// being drawn are discarded as typed ahead.
pub fn past_key_guard() {
    std::thread::sleep(Duration::from_millis(300));
}

pub fn wait_for(
    out: &Arc<Mutex<Vec<u8>>>,
    what: &str,
    timeout: Duration,
    ok: impl Fn(&[String], &str) -> bool,
) -> Vec<String> {
    wait_for_at(out, (200, 60), what, timeout, ok)
}

/// `wait_for` on a screen of `size` (columns, rows).
pub fn wait_for_at(
    out: &Arc<Mutex<Vec<u8>>>,
    size: (usize, usize),
    what: &str,
    timeout: Duration,
    ok: impl Fn(&[String], &str) -> bool,
) -> Vec<String> {
    let start = Instant::now();
    loop {
        let raw = String::from_utf8_lossy(&out.lock().unwrap()).to_string();
        let mut s = Screen::new(size.0, size.1);
        s.feed(&raw);
        let lines = s.lines();
        if ok(&lines, &raw) {
            return lines;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}; screen:\n{}", lines.join("\n"));
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The real binary in a fresh pseudo-terminal (its own session, the pty as its controlling
/// terminal), with a thread collecting everything it writes.
pub struct Pty {
    pub child: KillOnDrop,
    master: Option<std::os::fd::OwnedFd>,
    pub out: Arc<Mutex<Vec<u8>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Pty {
    /// Starts `cmd` (stdin, stdout and stderr on the pty) at `cols` x `rows`.
    pub fn spawn(mut cmd: std::process::Command, cols: u16, rows: u16) -> Pty {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        use std::os::unix::process::CommandExt;
        use std::process::Stdio;
        use std::sync::atomic::Ordering;
        let ws = nix::pty::Winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        let pty = nix::pty::openpty(&ws, None).unwrap();
        // The child must not inherit the master: it would keep its own terminal open forever.
        // Nor may any other child started meanwhile (tests run in parallel) inherit the
        // slave: it would hold this terminal open after our child ended.
        for fd in [&pty.master, &pty.slave] {
            nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC)).unwrap();
        }
        let slave = pty.slave;
        cmd.env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                libc::ioctl(0, libc::TIOCSCTTY, 0);
                Ok(())
            });
        }
        let child = KillOnDrop(cmd.spawn().unwrap());
        // The command holds copies of the slave side: drop them so reads end with the child.
        drop(cmd);
        let out = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (out, stop) = (out.clone(), stop.clone());
            let mut f = std::fs::File::from(pty.master.try_clone().unwrap());
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                // Polls, so that `hang_up` can stop it and close every copy of the master.
                while !stop.load(Ordering::Relaxed) {
                    let mut p = libc::pollfd { fd: f.as_raw_fd(), events: libc::POLLIN, revents: 0 };
                    if unsafe { libc::poll(&mut p, 1, 50) } == 0 {
                        continue;
                    }
                    match f.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => out.lock().unwrap().extend_from_slice(&buf[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
            })
        };
        Pty { child, master: Some(pty.master), out, stop, reader: Some(reader) }
    }

    pub fn pid(&self) -> i32 {
        self.child.0.id() as i32
    }

    fn master(&self) -> &std::os::fd::OwnedFd {
        self.master.as_ref().expect("the terminal was hung up")
    }

    pub fn write(&self, s: &str) {
        nix::unistd::write(self.master(), s.as_bytes()).unwrap();
    }

    /// Sets the terminal size (TIOCSWINSZ on the master) and sends SIGWINCH to the child.
    pub fn resize(&self, cols: u16, rows: u16) {
        use std::os::fd::AsRawFd;
        let ws = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        let r = unsafe { libc::ioctl(self.master().as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        assert_eq!(r, 0, "TIOCSWINSZ {cols}x{rows}");
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid()), nix::sys::signal::SIGWINCH);
    }

    /// Everything written so far, as text.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).to_string()
    }

    /// Waits for the child to exit; panics after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration, what: &str) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.0.try_wait().unwrap() {
                return s;
            }
            assert!(start.elapsed() < timeout, "{what}: still running after {timeout:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes every copy of the master, as when an SSH link drops: the kernel hangs up the
    /// terminal (SIGHUP to the session's controlling process, reads and writes fail).
    pub fn hang_up(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.master = None;
    }

    /// After the child exited: waits for the reader to drain the terminal, closes it and
    /// returns all output.
    pub fn finish(mut self) -> String {
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.master = None;
        String::from_utf8_lossy(&self.out.lock().unwrap()).to_string()
    }
}

/// The terminal was given back: the last thing about the alternate screen is leaving it,
/// and the cursor is shown after it was last hidden.
pub fn assert_restored(raw: &str) {
    let left = raw.rfind("\x1b[?1049l").expect("left the alternate screen");
    assert!(left >= raw.rfind("\x1b[?1049h").unwrap_or(0), "the alternate screen was entered again");
    let shown = raw.rfind("\x1b[?25h").expect("cursor shown");
    assert!(shown > raw.rfind("\x1b[?25l").unwrap_or(0), "the cursor was hidden again");
}
