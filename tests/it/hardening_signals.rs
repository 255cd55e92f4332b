//! Issue 17, signals (the real binary; a pseudo-terminal for the screen): SIGQUIT is
//! SIGTERM (plain mode and the screen), SIGTSTP gives the terminal back and SIGCONT takes it
//! again and repaints, SIGUSR1/SIGALRM are ignored, and a client hanging up mid-answer
//! never kills `demo --serve-only`.
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::pty_support::{Pty, assert_restored, wait_for};

#[test]
fn sigquit_mid_step_in_plain_mode_is_sigterm() {
    crate::reliability_signals::signal_mid_step(Signal::SIGQUIT);
}

#[test]
fn sigquit_mid_step_in_the_screen_is_sigterm() {
    crate::ui_runbook_sighup::leave_mid_step(crate::ui_runbook_sighup::Leave::Signal(Signal::SIGQUIT));
}

fn state_of(pid: i32) -> char {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    s.rfind(')').and_then(|i| s[i + 2..].chars().next()).unwrap_or('?')
}

fn demo(tmp: &std::path::Path) -> Pty {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.args(["demo", "--poll", "1s"])
        .current_dir(tmp)
        .env("HOME", tmp)
        .env("OPSDECK_STATE_DIR", tmp.join("state"))
        .env_remove("OPSDECK_SIM_URL")
        .env_remove("NO_COLOR");
    Pty::spawn(cmd, 120, 40)
}

fn wait_raw(pty: &Pty, what: &str, from: usize, needle: &str) {
    wait_for(&pty.out, what, Duration::from_secs(20), |_, raw| {
        raw.get(from..).is_some_and(|r| r.contains(needle))
    });
}

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again_and_repaints() {
    let tmp = tempfile::tempdir().unwrap();
    let mut pty = demo(tmp.path());
    wait_for(&pty.out, "first frame", Duration::from_secs(20), |lines, _| {
        lines.iter().any(|l| l.contains("DEMO"))
    });
    let mark = pty.out.lock().unwrap().len();
    kill(Pid::from_raw(pty.pid()), Signal::SIGTSTP).unwrap();
    wait_raw(&pty, "left the alternate screen on SIGTSTP", mark, "\x1b[?1049l");
    let t = Instant::now();
    while state_of(pty.pid()) != 'T' && t.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(state_of(pty.pid()), 'T', "stopped after SIGTSTP");
    let raw = pty.raw();
    assert!(raw[mark..].contains("\x1b[?1000l"), "mouse capture off while stopped");
    assert!(raw[mark..].contains("\x1b[?25h"), "cursor shown while stopped");

    let mark = pty.out.lock().unwrap().len();
    kill(Pid::from_raw(pty.pid()), Signal::SIGCONT).unwrap();
    wait_raw(&pty, "alternate screen again on SIGCONT", mark, "\x1b[?1049h");
    // A full repaint without any key: the header is drawn again after re-entering.
    let t = Instant::now();
    loop {
        let raw = pty.raw();
        let r = &raw[mark..];
        if r.find("\x1b[?1049h").is_some_and(|i| r[i..].contains("DEMO")) {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "not repainted after SIGCONT: {r:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(pty.raw()[mark..].contains("\x1b[?1000h"), "mouse capture back");

    // SIGUSR1 and SIGALRM change nothing.
    for s in [Signal::SIGUSR1, Signal::SIGALRM] {
        kill(Pid::from_raw(pty.pid()), s).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(pty.child.0.try_wait().unwrap().is_none(), "alive after SIGUSR1 and SIGALRM");
    pty.write("q");
    let status = pty.wait_exit(Duration::from_secs(10), "q");
    assert_eq!(status.code(), Some(0));
    assert_restored(&pty.finish());
}

#[test]
fn serve_only_survives_sigusr1_sigalrm_and_clients_hanging_up_mid_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["demo", "--serve-only"])
        .current_dir(tmp.path())
        .env("HOME", tmp.path())
        .env("OPSDECK_STATE_DIR", tmp.path().join("state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut prom = String::new();
    for l in lines.by_ref().map_while(Result::ok) {
        if let Some(u) = l.strip_prefix("PROMETHEUS_URL=") {
            prom = u.to_string();
        }
        if l.starts_with("OPSDECK_CONFIG=") {
            break;
        }
    }
    let addr = prom.trim_start_matches("http://").trim_end_matches('/').to_string();
    for s in [Signal::SIGUSR1, Signal::SIGALRM] {
        kill(Pid::from_raw(child.id() as i32), s).unwrap();
    }
    // Clients that hang up mid-answer: a big range query, the socket closed unread.
    for _ in 0..20 {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let now = chrono::Utc::now().timestamp();
        let q = format!(
            "/api/v1/query_range?query=sum%28active_users%29&start={}&end={now}&step=1",
            now - 86_000
        );
        write!(s, "GET {q} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut first = [0u8; 16];
        let _ = s.read(&mut first);
        drop(s);
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "the server is alive after clients hung up");
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(s, "GET /api/v1/status/buildinfo HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 "), "the server still answers: {answer}");
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(t.elapsed() < Duration::from_secs(10), "serve-only did not end on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}
