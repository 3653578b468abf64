//! Drives `peer.py` — a pyzmq (libzmq 4.3.5) peer — from Rust tests, plus
//! small helpers for the ringmq side (bounded sockets, ipc temp dirs).
//!
//! The tests: `tests/pairs.rs` (every compatible socket pair, ringmq on
//! either side, either side binding, tcp and ipc), `tests/semantics.rs`
//! (round-robin, fair-queueing, identities, XPUB_VERBOSE, heartbeats with
//! several libzmq peers) and `tests/zmtp30.rs` (scripted ZMTP 3.0/3.1/2.0
//! peers on a plain TCP stream, PING/PONG on the wire).
//!
//! A libzmq socket takes in a new connection only while its application
//! thread calls into it (libzmq processes its commands then); the peer's
//! thread sits waiting for the next command otherwise. So a test that waits
//! on one side for something a *bound* libzmq socket must do on connect
//! (a SUB sending its subscriptions, say) keeps calling into that socket.
//!
//! The Python interpreter is `$RINGMQ_PYTHON` (set by `scripts/test`, which
//! creates a venv with pyzmq), else `.venv/bin/python` at the repository
//! root. Without one the tests fail with a message saying how to get it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A running libzmq peer process.
pub struct LibzmqPeer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("RINGMQ_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with pyzmq: run scripts/test (it creates .venv with pyzmq), or set RINGMQ_PYTHON"
    );
    venv
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("peer sends hex"))
        .collect()
}

impl LibzmqPeer {
    /// Starts the peer process.
    pub fn start() -> LibzmqPeer {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peer.py");
        let mut child = Command::new(python())
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the pyzmq peer");
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut peer = LibzmqPeer {
            child,
            stdin,
            stdout,
        };
        let v = peer.call(json!({"op": "version"}));
        assert_eq!(v["ok"], true, "pyzmq peer did not start: {v}");
        peer
    }

    /// Sends one command and returns the peer's answer.
    pub fn call(&mut self, cmd: Value) -> Value {
        writeln!(self.stdin, "{cmd}").expect("peer stdin");
        self.stdin.flush().expect("peer stdin");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("peer stdout");
        assert!(!line.is_empty(), "the pyzmq peer exited (command {cmd})");
        serde_json::from_str(&line).expect("peer answers JSON")
    }

    fn ok(&mut self, cmd: Value) -> Value {
        let v = self.call(cmd.clone());
        assert_eq!(v["ok"], true, "libzmq peer refused {cmd}: {v}");
        v
    }

    /// The libzmq version string (e.g. "4.3.5").
    pub fn libzmq_version(&mut self) -> String {
        self.ok(json!({"op": "version"}))["libzmq"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Creates a socket named `id` of type `ty` ("REQ", "XPUB", …) with
    /// integer options (`[("SNDHWM", 10)]`).
    pub fn socket(&mut self, id: &str, ty: &str, opts: &[(&str, i64)]) {
        let mut o = serde_json::Map::new();
        for (k, v) in opts {
            o.insert((*k).to_string(), json!(v));
        }
        self.ok(json!({"op": "socket", "id": id, "type": ty, "opts": o}));
    }

    /// Sets a bytes option (IDENTITY, SUBSCRIBE, UNSUBSCRIBE).
    pub fn set_bytes(&mut self, id: &str, opt: &str, value: &[u8]) {
        self.ok(json!({"op": "setsockopt", "id": id, "opt": opt, "value": hex(value)}));
    }

    /// Binds and returns the resolved endpoint.
    pub fn bind(&mut self, id: &str, ep: &str) -> String {
        self.ok(json!({"op": "bind", "id": id, "ep": ep}))["endpoint"]
            .as_str()
            .expect("endpoint")
            .to_string()
    }

    /// Connects.
    pub fn connect(&mut self, id: &str, ep: &str) {
        self.ok(json!({"op": "connect", "id": id, "ep": ep}));
    }

    /// Sets an integer option.
    pub fn set_int(&mut self, id: &str, opt: &str, value: i64) {
        self.ok(json!({"op": "setsockopt", "id": id, "opt": opt, "value": value}));
    }

    /// Reads an integer option.
    pub fn get_int(&mut self, id: &str, opt: &str) -> i64 {
        self.ok(json!({"op": "getsockopt", "id": id, "opt": opt}))["value"]
            .as_i64()
            .expect("integer option")
    }

    /// Reads a bytes option (IDENTITY, LAST_ENDPOINT, …).
    pub fn get_bytes(&mut self, id: &str, opt: &str) -> Vec<u8> {
        unhex(
            self.ok(json!({"op": "getsockopt", "id": id, "opt": opt}))["value"]
                .as_str()
                .expect("bytes option"),
        )
    }

    /// Sends a multipart message (waiting up to 5 s).
    pub fn send(&mut self, id: &str, parts: &[&[u8]]) {
        let parts: Vec<String> = parts.iter().map(|p| hex(p)).collect();
        self.ok(json!({"op": "send", "id": id, "parts": parts}));
    }

    /// Sends a multipart message, waiting up to `timeout_ms`; on failure
    /// returns libzmq's errno name ("EAGAIN", "EHOSTUNREACH", …).
    pub fn try_send(&mut self, id: &str, parts: &[&[u8]], timeout_ms: u64) -> Result<(), String> {
        let parts: Vec<String> = parts.iter().map(|p| hex(p)).collect();
        let v = self.call(json!({"op": "send", "id": id, "parts": parts, "timeout": timeout_ms}));
        if v["ok"] == true {
            Ok(())
        } else {
            Err(v["errname"].as_str().unwrap_or("?").to_string())
        }
    }

    /// Receives a multipart message, or `None` after `timeout_ms`.
    pub fn recv(&mut self, id: &str, timeout_ms: u64) -> Option<Vec<Vec<u8>>> {
        let v = self.call(json!({"op": "recv", "id": id, "timeout": timeout_ms}));
        if v["ok"] != true {
            assert_eq!(v["err"], "EAGAIN", "libzmq recv failed: {v}");
            return None;
        }
        Some(
            v["parts"]
                .as_array()
                .expect("parts")
                .iter()
                .map(|p| unhex(p.as_str().expect("hex")))
                .collect(),
        )
    }

    /// Closes a socket.
    pub fn close(&mut self, id: &str) {
        self.ok(json!({"op": "close", "id": id}));
    }
}

impl Drop for LibzmqPeer {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "{}", json!({"op": "quit"}));
        let _ = self.stdin.flush();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory under the system temp dir, removed on drop: a home for
/// `ipc://` socket files.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates a new, empty directory.
    pub fn new() -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("ringmq-interop-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    /// An `ipc://` endpoint for a socket file named `name` in the directory.
    pub fn ipc(&self, name: &str) -> String {
        format!("ipc://{}", self.0.join(name).display())
    }
}

impl Default for TempDir {
    fn default() -> Self {
        TempDir::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A ringmq socket of type `ty` with bounded blocking: RCVTIMEO and
/// SNDTIMEO 5 s, LINGER 0.
pub fn ringmq_socket(ctx: &ringmq::Context, ty: ringmq::SocketType) -> ringmq::Socket {
    let s = ctx.socket(ty).expect("ringmq socket");
    s.set_rcvtimeo(5000).expect("RCVTIMEO");
    s.set_sndtimeo(5000).expect("SNDTIMEO");
    s.set_linger(0).expect("LINGER");
    s
}

/// Receives a multipart message from a ringmq socket, or `None` after
/// `timeout_ms` (any other error panics).
pub fn ringmq_recv(s: &ringmq::Socket, timeout_ms: i32) -> Option<Vec<Vec<u8>>> {
    s.set_rcvtimeo(timeout_ms).expect("RCVTIMEO");
    match s.recv_multipart(0) {
        Ok(m) => Some(m),
        Err(ringmq::Error::EAGAIN) => None,
        Err(e) => panic!("ringmq recv failed: {e:?}"),
    }
}

/// Shows a message's frames readably (for assertion messages).
pub fn show(msg: &[Vec<u8>]) -> String {
    let frames: Vec<String> = msg
        .iter()
        .map(|f| format!("{:?}", String::from_utf8_lossy(f)))
        .collect();
    format!("[{}]", frames.join(", "))
}
