//! The floor: plain blocking stream sockets (std::net, and Unix sockets for
//! ipc), no framing beyond fixed-size records.
//!
//! A message is a record of exactly the scenario's size. In a throughput
//! stream records are packed into 64 KiB writes; otherwise each record is
//! written at once (a ping-pong, a paced stream). A PUB writes each record to
//! every connection it has accepted.

use super::{thread_sleep_until, Kind, Peer, Res, Sock, SockConfig, Transport, IO_TIMEOUT};
use serde_json::{json, Value};
use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Size of one packed write.
pub const PACK: usize = 64 * 1024;

/// Raw stream sockets.
pub struct RawTcp;

enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

enum Conn {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Conn {
    fn setup(self) -> Res<Conn> {
        let t = Some(IO_TIMEOUT);
        let r = match &self {
            Conn::Tcp(s) => s
                .set_nodelay(true)
                .and_then(|_| s.set_nonblocking(false))
                .and_then(|_| s.set_read_timeout(t))
                .and_then(|_| s.set_write_timeout(t)),
            Conn::Unix(s) => s
                .set_nonblocking(false)
                .and_then(|_| s.set_read_timeout(t))
                .and_then(|_| s.set_write_timeout(t)),
        };
        r.map_err(|e| format!("socket options: {e}"))?;
        Ok(self)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Conn::Tcp(s) => s.write_all(buf),
            Conn::Unix(s) => s.write_all(buf),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Tcp(s) => s.read(buf),
            Conn::Unix(s) => s.read(buf),
        }
    }
}

impl Listener {
    /// Accepts a connection if one is waiting.
    fn try_accept(&self) -> Res<Option<Conn>> {
        let accepted = match self {
            Listener::Tcp(l) => l.accept().map(|(s, _)| Conn::Tcp(s)),
            Listener::Unix(l, _) => l.accept().map(|(s, _)| Conn::Unix(s)),
        };
        match accepted {
            Ok(c) => c.setup().map(Some),
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(format!("accept: {e}")),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix(_, path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A raw socket playing one of the scenario kinds.
pub struct RawSocket {
    kind: Kind,
    size: usize,
    batch: bool,
    listener: Option<Listener>,
    conns: Vec<Conn>,
    /// Records not written yet.
    out: Vec<u8>,
    /// Received bytes; `inbuf[start..end]` not handed out yet.
    inbuf: Vec<u8>,
    start: usize,
    end: usize,
    /// Where the record last handed out by `recv` is in `inbuf`.
    last: usize,
}

impl Peer for RawTcp {
    type Ctx = ();
    type Socket = RawSocket;

    fn name(&self) -> &'static str {
        "rawtcp"
    }

    fn version(&self) -> String {
        format!("std ({})", env!("RINGMQ_PERF_RUSTC"))
    }

    fn notes(&self) -> Value {
        json!({
            "framing": "fixed-size records, no header",
            "throughput": "records packed into 64 KiB writes",
            "latency": "one write per record, blocking reads",
            "ipc": "Unix stream sockets",
        })
    }

    fn supports(&self, transport: Transport) -> bool {
        transport != Transport::Inproc
    }

    fn context(&self) -> Res<()> {
        Ok(())
    }

    fn block_on<F: Future>(&self, _ctx: &(), f: F) -> F::Output {
        super::block_on_ready(f)
    }

    async fn socket(&self, _ctx: &(), cfg: SockConfig) -> Res<RawSocket> {
        let size = cfg.size.max(1);
        Ok(RawSocket {
            kind: cfg.kind,
            size,
            batch: cfg.batch,
            listener: None,
            conns: Vec::new(),
            out: Vec::with_capacity(PACK.max(size)),
            inbuf: vec![0; (2 * PACK).max(2 * size)],
            start: 0,
            end: 0,
            last: 0,
        })
    }

    async fn sleep_until(&self, deadline: Instant) {
        thread_sleep_until(deadline)
    }

    async fn pause(&self, d: Duration) {
        std::thread::sleep(d)
    }
}

impl RawSocket {
    /// A bound socket serving one peer accepts it when first used.
    fn ensure_conn(&mut self) -> Res<()> {
        if !self.conns.is_empty() {
            return Ok(());
        }
        let listener = self.listener.as_ref().ok_or("not bound or connected")?;
        let deadline = Instant::now() + IO_TIMEOUT;
        loop {
            if let Some(c) = listener.try_accept()? {
                self.conns.push(c);
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("accept: timed out".into());
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
    }

    fn write_out(&mut self) -> Res<()> {
        if self.kind != Kind::Pub {
            self.ensure_conn()?;
        }
        for c in &mut self.conns {
            c.write_all(&self.out).map_err(|e| format!("write: {e}"))?;
        }
        self.out.clear();
        Ok(())
    }
}

fn strip<'a>(endpoint: &'a str, scheme: &str) -> Option<&'a str> {
    endpoint.strip_prefix(scheme)
}

impl Sock for RawSocket {
    async fn bind(&mut self, endpoint: &str) -> Res<String> {
        let (listener, resolved) = if let Some(addr) = strip(endpoint, "tcp://") {
            let l = TcpListener::bind(addr).map_err(|e| format!("bind {endpoint}: {e}"))?;
            let local = l.local_addr().map_err(|e| e.to_string())?;
            l.set_nonblocking(true).map_err(|e| e.to_string())?;
            (Listener::Tcp(l), format!("tcp://{local}"))
        } else if let Some(path) = strip(endpoint, "ipc://") {
            let _ = std::fs::remove_file(path);
            let l = UnixListener::bind(path).map_err(|e| format!("bind {endpoint}: {e}"))?;
            l.set_nonblocking(true).map_err(|e| e.to_string())?;
            (Listener::Unix(l, PathBuf::from(path)), endpoint.to_string())
        } else {
            return Err(format!("bind {endpoint}: transport not supported"));
        };
        self.listener = Some(listener);
        Ok(resolved)
    }

    async fn connect(&mut self, endpoint: &str) -> Res<()> {
        let conn = if let Some(addr) = strip(endpoint, "tcp://") {
            Conn::Tcp(TcpStream::connect(addr).map_err(|e| format!("connect {endpoint}: {e}"))?)
        } else if let Some(path) = strip(endpoint, "ipc://") {
            Conn::Unix(UnixStream::connect(path).map_err(|e| format!("connect {endpoint}: {e}"))?)
        } else {
            return Err(format!("connect {endpoint}: transport not supported"));
        };
        self.conns.push(conn.setup()?);
        Ok(())
    }

    async fn send(&mut self, payload: &[u8]) -> Res<()> {
        if payload.len() != self.size {
            return Err(format!(
                "raw records are {} bytes, not {}",
                self.size,
                payload.len()
            ));
        }
        if self.batch {
            if self.out.len() + payload.len() > PACK && !self.out.is_empty() {
                self.write_out()?;
            }
            self.out.extend_from_slice(payload);
            if self.out.len() >= PACK {
                self.write_out()?;
            }
            Ok(())
        } else {
            self.out.extend_from_slice(payload);
            self.write_out()
        }
    }

    async fn recv(&mut self) -> Res<&[u8]> {
        self.ensure_conn()?;
        let size = self.size;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        while self.end - self.start < size {
            if self.inbuf.len() - self.start < size {
                self.inbuf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            let n = self.conns[0]
                .read(&mut self.inbuf[self.end..])
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("read: peer closed".into());
            }
            self.end += n;
        }
        self.last = self.start;
        self.start += size;
        Ok(&self.inbuf[self.last..self.last + size])
    }

    async fn echo(&mut self) -> Res<()> {
        let record = &self.inbuf[self.last..self.last + self.size];
        self.conns[0]
            .write_all(record)
            .map_err(|e| format!("write: {e}"))
    }

    async fn flush(&mut self) -> Res<()> {
        if let (Kind::Pub, Some(l)) = (self.kind, &self.listener) {
            while let Some(c) = l.try_accept()? {
                self.conns.push(c);
            }
        }
        if !self.out.is_empty() {
            self.write_out()?;
        }
        Ok(())
    }
}
