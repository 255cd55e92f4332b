//! Shared by the `reliability_*` tests: the real backends from the test command, a private
//! Prometheus + Alertmanager pair a test may kill and restart, and a tiny HTTP server for
//! the faults a real server cannot produce.
#![allow(dead_code)]
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The backend URL in `var` (see `crate::backends`).
pub fn backend(var: &str) -> Option<String> {
    Some(crate::backends::url(var))
}

/// Private backends can be started (see `crate::backends::require_installed`).
pub fn can_start_backends() -> bool {
    crate::backends::require_installed();
    true
}

pub fn free_port() -> u16 {
    let out = Command::new(repo().join("scripts/free-port")).output().expect("scripts/free-port");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a port")
}

/// A private Prometheus + Alertmanager + metrics file server started with
/// `scripts/start-backends.sh` on ports chosen up front (so a poller can point at them
/// before they exist). Stopped on drop.
pub struct PrivatePair {
    pub dir: tempfile::TempDir,
    pub prom_port: u16,
    pub am_port: u16,
    pub metrics_port: u16,
    started: bool,
}

impl PrivatePair {
    pub fn reserve() -> Self {
        PrivatePair {
            dir: tempfile::Builder::new().prefix("opsdeck-reliab-").tempdir().unwrap(),
            prom_port: free_port(),
            am_port: free_port(),
            metrics_port: free_port(),
            started: false,
        }
    }

    pub fn prom_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.prom_port)
    }

    pub fn am_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.am_port)
    }

    /// Starts the pair and waits until both are ready and the metrics file was scraped.
    pub fn start(&mut self) {
        self.started = true;
        let out = Command::new(repo().join("scripts/start-backends.sh"))
            .arg("start")
            .arg(self.dir.path())
            .env("PROM_PORT", self.prom_port.to_string())
            .env("AM_PORT", self.am_port.to_string())
            .env("METRICS_PORT", self.metrics_port.to_string())
            .stdin(Stdio::null())
            .output()
            .expect("start-backends.sh");
        assert!(out.status.success(), "start-backends.sh failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn pid_file(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.pid"))
    }

    pub fn pid(&self, name: &str) -> i32 {
        std::fs::read_to_string(self.pid_file(name)).unwrap().trim().parse().unwrap()
    }

    /// Kills Prometheus with SIGKILL (a crash, no clean shutdown) and returns its command
    /// line for `restart`.
    pub fn kill_prometheus(&self) -> Vec<String> {
        let pid = self.pid("prometheus");
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).expect("prometheus is running");
        let argv: Vec<String> = cmdline
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).to_string())
            .collect();
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL).unwrap();
        // Reaped by init or by us: wait until the process is gone.
        for _ in 0..100 {
            let gone = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|s| s.contains(") Z "))
                .unwrap_or(true);
            if gone {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        argv
    }

    /// Starts Prometheus again with the same command line (same port and data directory)
    /// and records its pid so that `stop` finds it.
    pub fn restart_prometheus(&self, argv: &[String]) {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.dir.path().join("prometheus.log"))
            .unwrap();
        let child = Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("restart prometheus");
        std::fs::write(self.pid_file("prometheus"), child.id().to_string()).unwrap();
        // The child is reaped when the test process ends; `stop` kills it.
        std::mem::forget(child);
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.log"))).unwrap_or_default()
    }
}

impl Drop for PrivatePair {
    fn drop(&mut self) {
        if self.started {
            let _ = Command::new(repo().join("scripts/start-backends.sh"))
                .arg("stop")
                .arg(self.dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Waits until `GET url` answers 200 (e.g. `/-/ready`), up to `limit`.
pub async fn wait_ready(url: &str, limit: Duration) -> bool {
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if let Ok(r) = client.get(url).timeout(Duration::from_millis(500)).send().await
            && r.status().is_success()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// What a fake server answers to one request (the raw request text): raw response bytes.
pub type Handler = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

pub enum Reply {
    /// Written as is, then the connection is closed.
    Raw(Vec<u8>),
    /// A 200 header without Content-Length, then this many spaces, close-delimited.
    Huge(usize),
}

pub fn http(status: u16, content_type: &str, body: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// Requests a fake server saw, in full (head and body).
pub type Seen = Arc<Mutex<Vec<String>>>;

/// A loopback HTTP/1.1 server answering every request with `handler`.
pub async fn serve(handler: Handler) -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let (handler, seen) = (handler.clone(), seen2.clone());
            tokio::spawn(async move {
                let _ = handle(sock, handler, seen).await;
            });
        }
    });
    (addr, seen)
}

async fn handle(mut sock: TcpStream, handler: Handler, seen: Seen) -> std::io::Result<()> {
    let req = read_request(&mut sock).await?;
    seen.lock().unwrap().push(req.clone());
    match handler(&req) {
        Reply::Raw(bytes) => sock.write_all(&bytes).await?,
        Reply::Huge(n) => {
            sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                .await?;
            let block = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < n {
                let k = block.len().min(n - sent);
                if sock.write_all(&block[..k]).await.is_err() {
                    break; // the client hung up at its cap
                }
                sent += k;
            }
        }
    }
    sock.shutdown().await.ok();
    Ok(())
}

async fn read_request(sock: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = sock.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            break;
        }
    }
    Ok(String::from_utf8_lossy(&buf).to_string())
}

/// A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with the
/// `openssl` command line. Returns (ca.pem, server.pem, server.key).
pub fn make_ca_and_server_cert(dir: &Path, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = dir.join(format!("{name}-ca.key"));
    let ca = dir.join(format!("{name}-ca.pem"));
    let key = dir.join(format!("{name}-server.key"));
    let csr = dir.join(format!("{name}-server.csr"));
    let cert = dir.join(format!("{name}-server.pem"));
    let ext = dir.join(format!("{name}-ext.cnf"));
    std::fs::write(&ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).stdin(Stdio::null()).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let p = |p: &PathBuf| p.to_str().unwrap().to_string();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        &format!("/CN=opsdeck test CA {name}"),
        "-keyout",
        &p(&ca_key),
        "-out",
        &p(&ca),
    ]);
    run(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        &p(&key),
        "-out",
        &p(&csr),
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &p(&ca),
        "-CAkey",
        &p(&ca_key),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &p(&ext),
        "-out",
        &p(&cert),
    ]);
    (ca, cert, key)
}

/// `openssl s_server -WWW` on a free loopback port serving files under `root`; killed on
/// drop.
pub struct TlsServer {
    child: std::process::Child,
    pub port: u16,
}

impl TlsServer {
    pub fn start(root: &Path, cert: &Path, key: &Path) -> Self {
        let port = free_port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-WWW", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(cert)
            .arg("-key")
            .arg(key)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        TlsServer { child, port }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cmd` in a new pseudo-terminal of `cols`x`rows` (its own session, the pty as its
/// controlling terminal), reads everything it writes for `run_for`, then types `q` and
/// waits up to 5 s for it to end (killing it after that). Returns the bytes and the exit
/// status (None when it had to be killed).
pub fn run_in_pty(
    mut cmd: Command,
    cols: u16,
    rows: u16,
    run_for: Duration,
) -> (Vec<u8>, Option<std::process::ExitStatus>) {
    use std::io::Read;
    use std::os::fd::OwnedFd;
    use std::os::unix::process::CommandExt;
    let ws = nix::pty::Winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty(&ws, None).unwrap();
    nix::fcntl::fcntl(&pty.master, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC)).unwrap();
    let slave: OwnedFd = pty.slave;
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
    let mut child = cmd.spawn().unwrap();
    drop(cmd);
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
    std::thread::sleep(run_for);
    let _ = nix::unistd::write(&master, b"q");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Ok(Some(s)) = child.try_wait() {
            break Some(s);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(master);
    let _ = reader.join();
    let bytes = out.lock().unwrap().clone();
    (bytes, status)
}
