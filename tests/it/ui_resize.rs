//! Resizing never panics: every size from 20x5 to 200x60, with stale panes, an open
//! detail, help and a storm; plus the absurdly small. And the real binary in a
//! pseudo-terminal survives a storm of resizes.

use crate::pty_support::{Pty, assert_restored, wait_for, wait_for_at};
use crate::ui_support::*;
use opsdeck::model::{Key, KeyCode, ModelOptions, Msg, update_with};
use opsdeck::ui::{Theme, render_to_buffer};
use std::time::Duration;

#[test]
fn every_size_from_20x5_to_200x60() {
    let t = Theme::builtin("dark").unwrap();
    let mut failing = prom_failing();
    update_with(&mut failing, Msg::Key(Key::ch('4')), |_| views());
    update_with(&mut failing, Msg::Key(Key::new(KeyCode::Enter)), |_| views());
    let mut storm_help = model_with(ModelOptions { theme_names: theme_names(), ..Default::default() }, true);
    update_with(&mut storm_help, Msg::Key(Key::ch('?')), |_| storm());
    let wall =
        model_with(ModelOptions { wall: true, theme_names: theme_names(), ..Default::default() }, false);
    // Every width at every fifth height, every height at every tenth width.
    let sizes = (20..=200u16)
        .flat_map(|w| (5..=60u16).step_by(5).map(move |h| (w, h)))
        .chain((20..=200u16).step_by(10).flat_map(|w| (5..=60u16).map(move |h| (w, h))));
    for (w, h) in sizes {
        {
            let m = match (w + h) % 3 {
                0 => &failing,
                1 => &storm_help,
                _ => &wall,
            };
            let buf = render_to_buffer(m, &t, w, h);
            assert_eq!(buf.area.width, w);
        }
    }
    for (w, h) in [(0, 0), (1, 1), (3, 2), (19, 4), (400, 120), (1000, 3)] {
        render_to_buffer(&failing, &t, w, h);
        render_to_buffer(&storm_help, &t, w, h);
    }
}

#[test]
fn every_line_at_80x24_stays_readable() {
    // Nothing cut mid-word without an ellipsis: every cut text ends in `…` or fits.
    let t = Theme::builtin("dark").unwrap();
    let m = prom_failing();
    let buf = render_to_buffer(&m, &t, 80, 24);
    let text: String =
        (0..24).map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect();
    assert!(text.contains("STALE 2m10s"));
    assert!(text.contains("connection refused") || text.contains("…"));
}

/// The real binary (`opsdeck demo`: the simulator in-process, no backends) in a
/// pseudo-terminal takes several hundred resizes in a row, among them 0x0, 1x1 and
/// 400x120, each a TIOCSWINSZ plus a SIGWINCH: it stays alive, answers a key at the final
/// size, its memory stays where it was, and `q` exits 0 with the terminal restored.
#[test]
fn a_resize_storm_on_the_real_binary_leaves_it_alive_responsive_and_the_same_size() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.args(["demo", "--poll", "1s"])
        .current_dir(tmp.path())
        .env("OPSDECK_STATE_DIR", tmp.path().join("state"))
        .env_remove("OPSDECK_SIM_URL")
        .env_remove("NO_COLOR");
    let mut pty = Pty::spawn(cmd, 160, 48);
    let secs = Duration::from_secs(30);
    wait_for(&pty.out, "the demo with data", secs, |lines, _| {
        let all = lines.join("\n");
        all.contains("DEMO") && all.contains("System health") && all.contains("Alerts")
    });
    // A few polls in, so that what the screen holds is there before the first sample.
    std::thread::sleep(Duration::from_secs(3));
    let before = rss_kib(pty.pid());

    const SIZES: &[(u16, u16)] = &[
        (1, 1),
        (2, 2),
        (10, 3),
        (80, 24),
        (200, 60),
        (400, 120),
        (0, 0),
        (3, 1),
        (1, 50),
        (333, 7),
        (17, 91),
        (81, 25),
        (20, 5),
        (1000, 3),
        (4, 300),
    ];
    // Each size once with time to draw it, then the storm: most resizes in a burst, every
    // seventh (so at every size in turn) waiting a little so frames are drawn in between.
    for &(w, h) in SIZES {
        pty.resize(w, h);
        std::thread::sleep(Duration::from_millis(60));
        assert!(pty.child.0.try_wait().unwrap().is_none(), "opsdeck died drawing {w}x{h}");
    }
    for i in 0..600 {
        let (w, h) = SIZES[i % SIZES.len()];
        pty.resize(w, h);
        if i % 7 == 6 {
            std::thread::sleep(Duration::from_millis(5));
        }
        // The storm's frames are not looked at: keep the captured output small.
        if i % 50 == 49 {
            pty.out.lock().unwrap().clear();
            assert!(pty.child.0.try_wait().unwrap().is_none(), "opsdeck died in the storm at {w}x{h}");
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(pty.child.0.try_wait().unwrap().is_none(), "opsdeck died in the storm");

    // A size not in the storm: the next frame is a full one at that size.
    pty.out.lock().unwrap().clear();
    let (w, h) = (123usize, 37usize);
    pty.resize(w as u16, h as u16);
    wait_for_at(&pty.out, (w, h), "a frame at the final size", secs, |lines, raw| {
        raw.contains("\x1b[2J")
            && lines[h - 1].trim() != ""
            && lines.iter().any(|l| !l.ends_with(' '))
            && lines.join("\n").contains("DEMO")
    });
    pty.write("?");
    wait_for_at(&pty.out, (w, h), "the help overlay", secs, |lines, _| {
        lines.join("\n").contains("Keys (live keymap)")
    });
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_kib(pty.pid());
    assert!(after <= before + 16 * 1024, "RSS grew from {before} KiB to {after} KiB over the storm");

    pty.write("q");
    let status = pty.wait_exit(Duration::from_secs(10), "q after the storm");
    assert_eq!(status.code(), Some(0), "{status:?}");
    let raw = pty.finish();
    assert_restored(&raw);
}

/// The resident set of `pid` in KiB (`VmRSS` in /proc/PID/status).
fn rss_kib(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}
