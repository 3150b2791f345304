//! A real SMTP server for integration tests: Python's `aiosmtpd` (PyPI, pinned 1.4.6), run as a
//! child process on a free loopback port, with its `Mailbox` handler writing every message it
//! accepts into a Maildir in a temporary directory.
//!
//! Python comes from `AVIS_TEST_PYTHON`, or else `<repo>/.venv/bin/python`, the venv that
//! `make test-deps` creates (`python3 -m venv .venv && .venv/bin/pip install aiosmtpd==1.4.6`).
//!
//! Messages read back are as aiosmtpd's handler stored them: parsed and re-serialised by
//! Python's `email` package, with `\n` line endings (not CRLF), headers and body otherwise as
//! sent, and three headers appended to the header block: `X-Peer`, `X-MailFrom` (envelope
//! sender) and `X-RcptTo` (envelope recipients, joined by `, `).

#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running (or stopped) `aiosmtpd` with its Maildir.
pub struct SmtpSink {
    /// Loopback port it listens on (kept across [`SmtpSink::restart`]).
    pub port: u16,
    /// Holds `maildir/` (the messages) and `aiosmtpd.log` (its stdout and stderr).
    dir: tempfile::TempDir,
    /// The server process; `None` while stopped.
    child: Option<Child>,
}

impl SmtpSink {
    /// Starts a sink on a free port of 127.0.0.1 and waits (up to 10 s) until it accepts
    /// connections.
    ///
    /// Panics if Python or aiosmtpd is missing (with a hint to run `make test-deps`), or if
    /// the server exits or does not listen in time (with its log).
    pub fn start() -> SmtpSink {
        let dir = tempfile::tempdir().expect("temp dir for the SMTP sink");
        let port = free_port();
        let mut sink = SmtpSink { port, dir, child: None };
        sink.spawn();
        sink
    }

    /// `smtp://127.0.0.1:PORT` (plain SMTP, no TLS, no authentication).
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Kills the server and waits for it to exit: connections are then refused. Messages
    /// received so far stay readable. Does nothing if already stopped.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port with the same Maildir (stops it first if it
    /// is running). Panics like [`SmtpSink::start`].
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Whether the server process is running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// The raw messages received so far (see the module doc for their form), oldest first.
    pub fn messages(&self) -> Vec<String> {
        let mut found: Vec<((u64, u64, u64), PathBuf)> = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir().join(sub)) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_file() {
                    found.push((arrival_key(&path), path));
                }
            }
        }
        found.sort();
        found.into_iter().filter_map(|(_, path)| std::fs::read(&path).ok()).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).collect()
    }

    /// Polls (every 50 ms) until at least `n` messages have arrived or `timeout` has passed,
    /// then returns all messages received (possibly fewer than `n`: assert on the length).
    pub async fn wait_for_messages(&self, n: usize, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= n || Instant::now() >= deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The Maildir the messages are written to (`new/` holds them).
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("aiosmtpd.log")
    }

    /// Spawns `python -m aiosmtpd` and waits for the port.
    fn spawn(&mut self) {
        let python = python_path();
        if !python.exists() {
            panic!(
                "Python for the SMTP test sink not found at {} (set AVIS_TEST_PYTHON to override). \
                 Run `make test-deps` (or `make test`) to create the venv with aiosmtpd==1.4.6.",
                python.display()
            );
        }
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.log_path()).expect("sink log file");
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "--nosetuid", "--listen"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["--class", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("sink log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} -m aiosmtpd: {e}. Run `make test-deps` (or `make test`).", python.display()));
        self.child = Some(child);

        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            let exited = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() >= deadline {
                self.stop();
                let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                let hint = if log.contains("No module named aiosmtpd") { " Run `make test-deps` (or `make test`)." } else { "" };
                panic!("SMTP sink did not start on port {} (exit: {exited:?}).{hint}\n--- aiosmtpd log ---\n{log}", self.port);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `AVIS_TEST_PYTHON`, or `<server crate>/../.venv/bin/python`.
fn python_path() -> PathBuf {
    match std::env::var_os("AVIS_TEST_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(".venv").join("bin").join("python"),
    }
}

/// A port that was free a moment ago (bound then released).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// Arrival order of a Maildir file, from Python's unique name
/// `SECONDS.M<microseconds>P<pid>Q<counter>.<host>` (microseconds are not zero-padded, so the
/// names do not sort as text); files named otherwise sort by modification time.
fn arrival_key(path: &Path) -> (u64, u64, u64) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parsed = (|| {
        let (secs, rest) = name.split_once(".M")?;
        let (micros, rest) = rest.split_once('P')?;
        let (_pid, rest) = rest.split_once('Q')?;
        let counter: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((secs.parse().ok()?, micros.parse().ok()?, counter.parse().ok()?))
    })();
    parsed.unwrap_or_else(|| {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let since = modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        (since.as_secs(), u64::from(since.subsec_micros()), 0)
    })
}
