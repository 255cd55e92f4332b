//! The real binary in a pseudo-terminal as a wall screen: an incident declared by
//! `opsdeck incident declare` from another process shows within ~2 s, and `opsdeck incident
//! ack` from that other process turns it ACK. Only the shared state dir connects them.
use std::io::Read;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Kills the binary if the test fails before it exits.
use crate::pty_support::{KillOnDrop, wait_for};

#[test]
fn wall_screen_shows_an_incident_declared_and_acked_from_another_process() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state");
    let config = tmp.path().join("opsdeck.toml");
    // No reachable source: the incident book alone drives the clock pane.
    std::fs::write(&config, "environment = \"e2e\"\n[defaults]\npoll = \"5s\"\n").unwrap();

    let ws = nix::pty::Winsize { ws_row: 60, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty(&ws, None).unwrap();
    nix::fcntl::fcntl(&pty.master, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC)).unwrap();
    let slave: OwnedFd = pty.slave;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.arg("--config")
        .arg(&config)
        .arg("--wall")
        .env("TERM", "xterm-256color")
        .env("OPSDECK_STATE_DIR", &state)
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
    let child = cmd.spawn().unwrap();
    drop(cmd);
    let _child = KillOnDrop(child);
    let master = pty.master;
    let out = Arc::new(Mutex::new(Vec::new()));
    {
        let out = out.clone();
        let mut f = std::fs::File::from(master.try_clone().unwrap());
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = f.read(&mut buf) {
                if n == 0 {
                    break;
                }
                out.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
    }
    wait_for(&out, "the wall screen", Duration::from_secs(20), |l, _| {
        l.iter().any(|r| r.contains("no active incident"))
    });

    let cli = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
            .arg("--config")
            .arg(&config)
            .arg("incident")
            .args(args)
            .env("OPSDECK_STATE_DIR", &state)
            .env("USER", "bob")
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    cli(&["declare", "--title", "Checkout is down", "--severity", "P1"]);
    let declared = Instant::now();
    wait_for(&out, "the declared incident", Duration::from_secs(5), |l, _| {
        l.iter().any(|r| r.contains("INC-1") && r.contains("Checkout is down"))
    });
    assert!(declared.elapsed() < Duration::from_millis(2500), "took {:?}", declared.elapsed());

    cli(&["ack"]);
    let acked = Instant::now();
    wait_for(&out, "ACK", Duration::from_secs(5), |l, _| l.iter().any(|r| r.contains("ACK")));
    assert!(acked.elapsed() < Duration::from_millis(2500), "took {:?}", acked.elapsed());
    nix::unistd::write(&master, b"q").unwrap();
}
