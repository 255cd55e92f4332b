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
