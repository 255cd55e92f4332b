//! The real binary in a pseudo-terminal against a private real Prometheus and Alertmanager:
//! pane titles and values appear, killing Prometheus shows STALE in its panes only (the alert
//! feed stays fresh), `q` exits 0 and leaves the alternate screen with the cursor shown.
use std::io::Read;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The backends scripts/test started (see `crate::backends`).
fn backends_available() -> bool {
    crate::backends::url("OPSDECK_TEST_PROM_URL");
    true
}

struct Backends {
    dir: PathBuf,
    vars: Vec<(String, String)>,
}

impl Backends {
    fn start(dir: &Path) -> Backends {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let port = || {
            let out = Command::new(root.join("scripts/free-port")).output().expect("free-port");
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        };
        let out = Command::new(root.join("scripts/start-backends.sh"))
            .arg("start")
            .arg(dir)
            .env("PROM_PORT", port())
            .env("AM_PORT", port())
            .env("METRICS_PORT", port())
            .env("WWW_DIR", root.join("tests/fixtures/statuspage"))
            .stderr(Stdio::inherit())
            .output()
            .expect("start-backends.sh");
        assert!(out.status.success(), "backends did not start");
        let vars = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .collect();
        Backends { dir: dir.to_path_buf(), vars }
    }
    fn var(&self, k: &str) -> &str {
        &self.vars.iter().find(|(n, _)| n == k).expect(k).1
    }
    fn kill_prometheus(&self) {
        let pid: i32 =
            std::fs::read_to_string(self.dir.join("prometheus.pid")).unwrap().trim().parse().unwrap();
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL).unwrap();
    }
}

impl Drop for Backends {
    fn drop(&mut self) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let _ = Command::new(root.join("scripts/start-backends.sh")).arg("stop").arg(&self.dir).output();
    }
}

/// Kills the binary if the test fails before it exits.
use crate::pty_support::{KillOnDrop, wait_for};

#[ignore = "needs scripts/test"]
#[test]
fn real_binary_shows_stale_when_prometheus_dies_and_q_restores_the_terminal() {
    if !backends_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let be = Backends::start(&tmp.path().join("be"));
    let config = tmp.path().join("opsdeck.toml");
    std::fs::write(
        &config,
        format!(
            r#"environment = "e2e"
[defaults]
poll = "1s"
timeout = "1s"
[[prometheus]]
name = "prom"
url = "{prom}"
[[alertmanager]]
name = "am"
url = "{am}"
[[health]]
service = "prometheus"
availability = 'avg(avg_over_time(up{{job="prometheus"}}[1m])) * 100'
[[community]]
name = "Targets up"
query = 'sum(up)'
unit = "targets"
"#,
            prom = be.var("PROMETHEUS_URL"),
            am = be.var("ALERTMANAGER_URL")
        ),
    )
    .unwrap();

    let ws = nix::pty::Winsize { ws_row: 60, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty(&ws, None).unwrap();
    // The child must not inherit the master: it would keep its own terminal open forever.
    nix::fcntl::fcntl(&pty.master, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC)).unwrap();
    let slave: OwnedFd = pty.slave;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.arg("--config")
        .arg(&config)
        .env("TERM", "xterm-256color")
        .env("OPSDECK_STATE_DIR", tmp.path().join("state"))
        .env_remove("NO_COLOR")
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
    // The command holds copies of the slave side: drop them so reads end when the child does.
    drop(cmd);
    let mut child = KillOnDrop(child);
    let master = pty.master;
    let out = Arc::new(Mutex::new(Vec::new()));
    let reader = {
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
        })
    };
    let write = |s: &str| nix::unistd::write(&master, s.as_bytes()).unwrap();

    wait_for(&out, "pane titles and a value", Duration::from_secs(30), |lines, _| {
        let all = lines.join("\n");
        ["System health", "Community", "Alerts", "Status pages", "Moderation queue", "Escalation clock"]
            .iter()
            .all(|t| all.contains(t))
            && all.contains("● prom")
            && all.contains("100.00")
    });

    be.kill_prometheus();
    let lines = wait_for(&out, "STALE in the Prometheus panes", Duration::from_secs(8), |lines, _| {
        let title = |t: &str| lines.iter().find(|l| l.contains(t)).cloned().unwrap_or_default();
        title("1 System health").contains("STALE") && title("2 Community").contains("STALE")
    });
    let alerts_title = lines.iter().find(|l| l.contains("4 Alerts")).unwrap();
    let alerts_part = &alerts_title[alerts_title.find("4 Alerts").unwrap()..];
    assert!(!alerts_part.contains("STALE"), "the alert feed stays fresh: {alerts_part}");
    assert!(lines.join("\n").contains("prom: "), "the reason is shown");

    write("q");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "q did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    drop(master);
    let _ = reader.join();
    let raw = String::from_utf8_lossy(&out.lock().unwrap()).to_string();
    let left = raw.rfind("\x1b[?1049l").expect("left the alternate screen");
    assert!(raw.rfind("\x1b[?25h").expect("cursor shown") > raw.rfind("\x1b[?25l").unwrap_or(0));
    assert!(left > raw.rfind("\x1b[?1049h").unwrap());
}
