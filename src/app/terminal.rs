//! Terminal setup and restore. Restore runs on drop, on any panic (the hook restores the
//! terminal first, prints the message and exits non-zero, even for a panic on a background
//! task) and on SIGTERM/SIGHUP/SIGINT through the normal exit path.
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use std::io::{Write, stdout};

/// Leaves raw mode and the alternate screen, shows the cursor. Safe to call twice.
pub fn restore() {
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = disable_raw_mode();
    let _ = stdout().flush();
}

/// The terminal in full-screen mode; restored on drop.
pub struct Guard;

impl Guard {
    pub fn enter() -> std::io::Result<Guard> {
        install_panic_hook();
        enable_raw_mode()?;
        let g = Guard;
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture, crossterm::cursor::Hide)?;
        Ok(g)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Any panic, on any thread: restore the terminal, print the message, exit 101.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        // Not `eprintln!`: it panics when the terminal is gone (a panic in the hook aborts).
        let _ = writeln!(std::io::stderr(), "opsdeck: internal error; the terminal was restored");
        std::process::exit(101);
    }));
}

static NEEDS_CLEAR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the screen must be repainted in full (after SIGCONT), clearing the flag.
pub fn take_needs_clear() -> bool {
    NEEDS_CLEAR.swap(false, std::sync::atomic::Ordering::SeqCst)
}

/// Full-screen mode again after a suspension: raw mode, the alternate screen, the mouse.
fn reenter() {
    let _ = enable_raw_mode();
    let _ = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture, crossterm::cursor::Hide);
    let _ = stdout().flush();
}

/// SIGTSTP (`kill -TSTP`, a job-control stop): leave raw mode, the alternate screen and the
/// mouse, then stop; SIGCONT (`fg`): take them back and repaint the whole screen (a resize
/// message wakes the loop, which clears and draws).
pub fn spawn_suspend(tx: tokio::sync::mpsc::Sender<super::input::Input>) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut tstp = signal(SignalKind::from_raw(libc::SIGTSTP))?;
    let mut cont = signal(SignalKind::from_raw(libc::SIGCONT))?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = tstp.recv() => {
                    restore();
                    // Stop for real (the default action of SIGTSTP, which we caught).
                    let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGSTOP);
                }
                Some(()) = cont.recv() => {}
                else => return,
            }
            reenter();
            NEEDS_CLEAR.store(true, std::sync::atomic::Ordering::SeqCst);
            let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
            let msg = super::input::Input::Msg(crate::model::Msg::Resize(w, h));
            if tx.send(msg).await.is_err() {
                return;
            }
        }
    });
    Ok(())
}
