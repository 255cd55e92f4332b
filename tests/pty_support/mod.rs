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

pub fn wait_for(
    out: &Arc<Mutex<Vec<u8>>>,
    what: &str,
    timeout: Duration,
    ok: impl Fn(&[String], &str) -> bool,
) -> Vec<String> {
    let start = Instant::now();
    loop {
        let raw = String::from_utf8_lossy(&out.lock().unwrap()).to_string();
        let mut s = Screen::new(200, 60);
        s.feed(&raw);
        let lines = s.lines();
        if ok(&lines, &raw) {
            return lines;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}; screen:\n{}", lines.join("\n"));
        std::thread::sleep(Duration::from_millis(100));
    }
}
