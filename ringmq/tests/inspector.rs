//! The inspector's data side, through its server as the dashboard and
//! `curl` see it: `/api/snapshot`, the `/ws` stream, `/healthz`,
//! `/api/perf-history`, the page at `/`, and `RINGMQ_INSPECT`.
//!
//! HTTP and WebSocket are spoken by hand over `std::net` (a few lines each),
//! so the tests need no async runtime. Every wait is bounded; nothing
//! asserts on timing.

#![cfg(feature = "inspector")]

mod common;

use ringmq as zmq;
use ringmq::snapshot::{PipeSnapshot, Snapshot, SocketSnapshot};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const IO_TIMEOUT: Duration = Duration::from_secs(5);
const DEADLINE: Duration = Duration::from_secs(20);

// ----- a minimal HTTP/1.1 client ------------------------------------------

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn get(addr: &str, path: &str) -> Response {
    let mut s = TcpStream::connect(addr).expect("connect to the inspector");
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let (status, headers) = read_head(&mut r);
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            let n = usize::from_str_radix(line.trim(), 16).expect("chunk size");
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        r.read_to_end(&mut body).unwrap();
    }
    Response {
        status,
        headers,
        body,
    }
}

fn read_head(r: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            return (status, headers);
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
}

fn api_snapshot(addr: &str) -> Snapshot {
    let r = get(addr, "/api/snapshot");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    serde_json::from_slice(&r.body).expect("a Snapshot as JSON")
}

// ----- a minimal WebSocket client ------------------------------------------

struct Ws(BufReader<TcpStream>);

impl Ws {
    fn connect(addr: &str) -> Ws {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        write!(
            s,
            "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut r = BufReader::new(s);
        let (status, headers) = read_head(&mut r);
        assert_eq!(status, 101, "{headers:?}");
        // RFC 6455's example key and its accept value.
        assert!(headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("sec-websocket-accept")
                && v == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        Ws(r)
    }

    /// The next text message (server frames are not masked).
    fn next_text(&mut self) -> String {
        let mut message = Vec::new();
        loop {
            let mut h = [0u8; 2];
            self.0
                .read_exact(&mut h)
                .expect("a WebSocket frame in time");
            let (fin, opcode) = (h[0] & 0x80 != 0, h[0] & 0x0f);
            let len = match h[1] & 0x7f {
                126 => {
                    let mut b = [0u8; 2];
                    self.0.read_exact(&mut b).unwrap();
                    u64::from(u16::from_be_bytes(b))
                }
                127 => {
                    let mut b = [0u8; 8];
                    self.0.read_exact(&mut b).unwrap();
                    u64::from_be_bytes(b)
                }
                n => u64::from(n),
            };
            let mut payload = vec![0; usize::try_from(len).unwrap()];
            self.0.read_exact(&mut payload).unwrap();
            match opcode {
                0x1 | 0x0 => {
                    message.extend_from_slice(&payload);
                    if fin {
                        return String::from_utf8(message).unwrap();
                    }
                }
                0x8 => panic!("the server closed the WebSocket"),
                _ => {} // ping, pong
            }
        }
    }

    fn next_snapshot(&mut self) -> Snapshot {
        let text = self.next_text();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["type"], "snapshot", "{text}");
        serde_json::from_value(v["data"].clone()).expect("data is a Snapshot")
    }
}

// ----- helpers ---------------------------------------------------------------

/// The socket that bound `s`'s last endpoint.
fn socket_of<'a>(snap: &'a Snapshot, s: &zmq::Socket) -> &'a SocketSnapshot {
    let ep = s.get_last_endpoint().unwrap().unwrap();
    snap.sockets
        .iter()
        .find(|x| {
            x.endpoints
                .iter()
                .any(|e| e.endpoint == ep && e.kind == "bind")
        })
        .unwrap_or_else(|| panic!("no socket bound to {ep} in {snap:#?}"))
}

fn only_pipe(s: &SocketSnapshot) -> &PipeSnapshot {
    assert_eq!(s.pipes.len(), 1, "{s:#?}");
    &s.pipes[0]
}

/// Polls `/api/snapshot` until `ok` holds, acting between tries.
fn until(
    addr: &str,
    what: &str,
    mut act: impl FnMut(),
    ok: impl Fn(&Snapshot) -> bool,
) -> Snapshot {
    let deadline = Instant::now() + DEADLINE;
    loop {
        act();
        let snap = api_snapshot(addr);
        if ok(&snap) {
            return snap;
        }
        assert!(Instant::now() < deadline, "{what}: never seen in {snap:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn serve(ctx: &zmq::Context) -> String {
    ctx.serve_inspector("127.0.0.1:0")
        .expect("serve the inspector")
}

// ----- tests -----------------------------------------------------------------

/// A PUB (SNDHWM 10) feeding a SUB (RCVHWM 10) that never reads: once the
/// kernel buffers between them are full, the PUB's pipe is mute and drops.
#[test]
fn a_slow_subscriber_shows_as_a_muted_pipe_that_drops() {
    let ctx = zmq::Context::new();
    let addr = serve(&ctx);
    let publisher = common::socket(&ctx, zmq::PUB);
    publisher.set_sndhwm(10).unwrap();
    let Some(ep) = common::bind(&publisher, common::Transport::Tcp, "slow-sub") else {
        return;
    };
    let subscriber = common::socket(&ctx, zmq::SUB);
    subscriber.set_rcvhwm(10).unwrap();
    subscriber.connect(&ep).unwrap();
    subscriber.set_subscribe(b"").unwrap();

    let payload = vec![7u8; 4096];
    let publish = || {
        for _ in 0..500 {
            publisher.send(&payload[..], zmq::DONTWAIT).unwrap();
        }
    };
    let first = until(&addr, "the PUB's pipe muted with drops", publish, |snap| {
        // The SUB full and, with the kernel's buffers between them full
        // too, the PUB's pipe at its HWM, dropping.
        let p = socket_of(snap, &publisher);
        let s = snap.sockets.iter().find(|s| s.socket_type == "SUB");
        p.pipes.len() == 1
            && p.pipes[0].muted
            && p.pipes[0].drops_hwm > 0
            && s.is_some_and(|s| s.pipes.len() == 1 && s.pipes[0].in_queued == 10)
    });
    let pub_snap = socket_of(&first, &publisher);
    assert_eq!(pub_snap.socket_type, "PUB");
    assert_eq!(pub_snap.endpoints[0].kind, "bind");
    let pipe = only_pipe(pub_snap);
    assert_eq!((pipe.peer_type.as_str(), pipe.sndhwm), ("SUB", 10));
    assert!(pipe.out_queued >= 5, "muted at the HWM: {pipe:#?}");
    assert!(pipe.peer_addr.starts_with("127.0.0.1:"), "{pipe:#?}");
    assert!(pub_snap.stats.drops_hwm > 0 && pub_snap.stats.msgs_sent > 0);
    let sub_snap = first
        .sockets
        .iter()
        .find(|s| s.socket_type == "SUB")
        .expect("the SUB");
    assert_eq!(sub_snap.endpoints[0].kind, "connect");
    let sub_pipe = only_pipe(sub_snap);
    assert_eq!((sub_pipe.peer_type.as_str(), sub_pipe.rcvhwm), ("PUB", 10));
    assert_eq!(sub_pipe.in_queued, 10, "{sub_pipe:#?}");
    assert_eq!(sub_pipe.peer_addr, ep.trim_start_matches("tcp://"));

    if ctx.engine_mode() == "inline" {
        // Each socket on an engine of its own, named by the socket.
        let mut served: Vec<u64> = first.io_threads.iter().filter_map(|t| t.socket).collect();
        served.sort_unstable();
        let mut ids = vec![pub_snap.id, sub_snap.id];
        ids.sort_unstable();
        assert_eq!(served, ids, "{:#?}", first.io_threads);
        assert!(first.io_threads.iter().all(|t| t.connections == 1));
    } else {
        assert_eq!(first.io_threads.len(), 1);
        assert_eq!(first.io_threads[0].socket, None);
        assert_eq!(
            first.io_threads[0].connections, 2,
            "both ends live on the one I/O thread"
        );
    }
    let io = first.io_threads[0];
    assert!(io.loop_turns > 0 && io.submit_calls > 0 && io.cqes_reaped > 0);
    assert!(io.sqes_submitted > 0 && io.buffers_total > 0);
    // Which kernel interface the thread drives is never a secret: the
    // JSON names it, and it is the one the context reports.
    assert_eq!(vec![io.backend.name()], ctx.io_backends());
    let raw = String::from_utf8(get(&addr, "/api/snapshot").body).unwrap();
    let named = format!("\"backend\":\"{}\"", io.backend.name());
    assert!(raw.contains(&named), "{named} not in {raw}");

    let kinds: Vec<&str> = first.events.iter().map(|e| e.kind.as_str()).collect();
    for k in ["listening", "accepted", "connected"] {
        assert!(kinds.contains(&k), "no {k} event in {:#?}", first.events);
    }
    let accepted = first.events.iter().find(|e| e.kind == "accepted").unwrap();
    assert_eq!(accepted.socket_id, pub_snap.id);
    assert!(accepted.endpoint.starts_with("127.0.0.1:"), "{accepted:?}");

    // Counters move between two snapshots.
    publish();
    let second = api_snapshot(&addr);
    let (a, b) = (pub_snap, socket_of(&second, &publisher));
    assert!(b.stats.msgs_sent > a.stats.msgs_sent);
    assert!(b.stats.drops_hwm > a.stats.drops_hwm);
    assert!(only_pipe(b).drops_hwm > pipe.drops_hwm);
    assert!(second.time_ms >= first.time_ms);
    assert!(second.io_threads[0].loop_turns >= io.loop_turns);
}

#[test]
fn the_websocket_streams_snapshots_with_events() {
    let ctx = zmq::Context::new();
    let addr = serve(&ctx);
    let mut ws = Ws::connect(&addr);
    let first = ws.next_snapshot();
    assert!(first.sockets.is_empty());

    let pull = common::socket(&ctx, zmq::PULL);
    let Some(ep) = common::bind(&pull, common::Transport::Tcp, "ws") else {
        return;
    };
    let push = common::socket(&ctx, zmq::PUSH);
    push.connect(&ep).unwrap();
    push.send("hello", 0).unwrap();
    assert_eq!(pull.recv_bytes(0).unwrap(), b"hello");

    let deadline = Instant::now() + DEADLINE;
    let mut kinds = Vec::new();
    let mut last_seq = first.seq;
    loop {
        let snap = ws.next_snapshot();
        assert!(
            snap.seq > last_seq,
            "seq goes up: {} then {}",
            last_seq,
            snap.seq
        );
        last_seq = snap.seq;
        kinds.extend(snap.events.iter().map(|e| e.kind.clone()));
        let types: Vec<&str> = snap
            .sockets
            .iter()
            .map(|s| s.socket_type.as_str())
            .collect();
        let all = ["listening", "accepted", "connected"]
            .iter()
            .all(|k| kinds.iter().any(|x| x == k));
        if all && types.contains(&"PUSH") && types.contains(&"PULL") {
            // Each event comes once, in the snapshot after it happened.
            let accepted = kinds.iter().filter(|k| *k == "accepted").count();
            assert_eq!(accepted, 1, "{kinds:?}");
            break;
        }
        assert!(Instant::now() < deadline, "events seen: {kinds:?}");
    }
}

/// Polls `ctx.snapshot()` until an event of `kind` shows, and returns it.
fn wait_event(ctx: &zmq::Context, kind: &str) -> ringmq::snapshot::EventRecord {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(e) = ctx.snapshot().events.into_iter().find(|e| e.kind == kind) {
            return e;
        }
        assert!(Instant::now() < deadline, "no {kind} event");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn connection_events_say_what_happened() {
    let ctx = zmq::Context::new();
    // Nobody listens: the connect is retried.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("tcp://{}", free.local_addr().unwrap());
    drop(free);
    let push = common::socket(&ctx, zmq::PUSH);
    if push.connect(&nowhere).is_err() {
        return; // no I/O engine here (see common::bind)
    }
    let retried = wait_event(&ctx, "connect_retried");
    assert_eq!(retried.endpoint, nowhere);
    assert!(retried.detail.contains("next in 100 ms"), "{retried:?}");

    // Not a ZMTP peer: the handshake fails, with the reason.
    let pull = common::socket(&ctx, zmq::PULL);
    let Some(ep) = common::bind(&pull, common::Transport::Tcp, "events") else {
        return;
    };
    let mut http = TcpStream::connect(ep.trim_start_matches("tcp://")).unwrap();
    http.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let failed = wait_event(&ctx, "handshake_failed");
    assert!(failed.endpoint.starts_with("127.0.0.1:"), "{failed:?}");
    assert!(!failed.detail.is_empty(), "{failed:?}");

    // A peer that goes away after the handshake is disconnected.
    let peer_ctx = zmq::Context::new();
    let peer = common::socket(&peer_ctx, zmq::PUSH);
    peer.connect(&ep).unwrap();
    peer.send("x", 0).unwrap();
    assert_eq!(pull.recv_bytes(0).unwrap(), b"x");
    drop(peer);
    let gone = wait_event(&ctx, "disconnected");
    assert_eq!(gone.detail, "peer closed");

    // Unbinding closes the endpoint.
    pull.unbind(&ep).unwrap();
    let closed = wait_event(&ctx, "closed");
    assert_eq!(closed.endpoint, ep);
    let snap = ctx.snapshot();
    let pull_snap = snap
        .sockets
        .iter()
        .find(|s| s.socket_type == "PULL")
        .unwrap();
    assert!(pull_snap.endpoints.is_empty(), "{pull_snap:#?}");
}

#[test]
fn latency_histograms_fill_with_traffic() {
    if zmq::latency_sampling() == 0 {
        zmq::set_latency_sampling(64); // RINGMQ_STATS=0 in the environment
    }
    let ctx = zmq::Context::new();
    for t in [common::Transport::Tcp, common::Transport::Inproc] {
        let pull = common::socket(&ctx, zmq::PULL);
        let Some(ep) = common::bind(&pull, t, "latency") else {
            return;
        };
        let push = common::socket(&ctx, zmq::PUSH);
        push.connect(&ep).unwrap();
        for i in 0..1000u32 {
            push.send(&i.to_be_bytes()[..], 0).unwrap();
            assert_eq!(pull.recv_bytes(0).unwrap(), i.to_be_bytes());
        }
        let snap = ctx.snapshot();
        let by_type = |ty: &str| {
            snap.sockets
                .iter()
                .rev()
                .find(|s| s.socket_type == ty)
                .unwrap()
                .clone()
        };
        let send = by_type("PUSH").send_latency.expect("send latency");
        let recv = by_type("PULL").recv_latency.expect("recv latency");
        for l in [&send, &recv] {
            assert!(l.count > 0, "{t:?}: {l:#?}");
            assert!(l.max_us >= l.mean_us && l.mean_us > 0.0, "{t:?}: {l:#?}");
            assert!(!l.percentiles.is_empty());
            assert!(l
                .percentiles
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
            assert_eq!(l.percentiles.last().unwrap().0, 100.0);
        }
        assert!(by_type("PUSH").recv_latency.is_none());
    }
}

#[test]
fn ringmq_inspect_serves_any_program_and_its_perf_history() {
    let history = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        history.path(),
        "{\"commit\":\"abc\",\"thr\":1.5}\nnot json\n\n{\"commit\":\"def\",\"thr\":2}\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringmq"))
        .args([
            "PULL",
            "--bind",
            "tcp://127.0.0.1:*",
            "--timeout-ms",
            "20000",
        ])
        .env("RINGMQ_INSPECT", "127.0.0.1:0")
        .env("RINGMQ_PERF_HISTORY", history.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the ringmq tool");
    // "ringmq: inspector on http://127.0.0.1:41234/ (RINGMQ_INSPECT)"; the
    // tool exits (closing stderr) after 20 s at most.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap_or(0) > 0 && !line.contains("inspector on") {
        line.clear();
    }
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .map(str::to_string);
    let result = std::panic::catch_unwind(|| {
        let addr = addr.unwrap_or_else(|| panic!("no inspector address in {line:?}"));
        let health = get(&addr, "/healthz");
        assert_eq!((health.status, health.text().as_str()), (200, "ok"));
        let snap = until(
            &addr,
            "the tool's PULL socket",
            || {},
            |s| {
                s.sockets
                    .iter()
                    .any(|s| s.socket_type == "PULL" && !s.endpoints.is_empty())
            },
        );
        assert!(snap.events.iter().any(|e| e.kind == "listening"));
        let h = get(&addr, "/api/perf-history");
        assert_eq!(h.status, 200);
        let records: Vec<serde_json::Value> = serde_json::from_slice(&h.body).unwrap();
        assert_eq!(records.len(), 2, "{}", h.text());
        assert_eq!(records[1]["commit"], "def");
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn the_page_at_the_root_is_the_dashboard_or_says_how_to_build_it() {
    let ctx = zmq::Context::new();
    let addr = serve(&ctx);
    let page = get(&addr, "/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let text = page.text();
    if zmq::inspector::dashboard_built() {
        assert!(!text.contains("dashboard is not built"), "{text}");
        assert!(text.contains("<html") || text.contains("<!doctype") || text.contains("<!DOCTYPE"));
    } else {
        assert!(text.contains("dashboard is not built"), "{text}");
        assert!(text.contains("scripts/build-inspector"), "{text}");
    }
    assert_ne!(get(&addr, "/favicon.ico").status, 404);
    assert_eq!(get(&addr, "/no-such-file.js").status, 404);
    let health = get(&addr, "/healthz");
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));
    let history = get(&addr, "/api/perf-history");
    assert_eq!(history.status, 200);
    let _: Vec<serde_json::Value> = serde_json::from_slice(&history.body).unwrap();
}

#[test]
fn the_server_stops_with_its_context() {
    let mut ctx = zmq::Context::new();
    let addr = serve(&ctx);
    let second = serve(&ctx);
    assert_ne!(addr, second);
    assert_eq!(get(&second, "/healthz").status, 200);
    ctx.destroy().unwrap();
    for a in [&addr, &second] {
        assert!(TcpStream::connect(a).is_err(), "{a} still listening");
    }
    assert_eq!(ctx.serve_inspector("127.0.0.1:0"), Err(zmq::Error::ETERM));

    // Dropping the last handle stops it too.
    let ctx = zmq::Context::new();
    let addr = serve(&ctx);
    drop(ctx);
    assert!(TcpStream::connect(&addr).is_err(), "{addr} still listening");
}

#[test]
fn bad_inspector_addresses_are_refused() {
    let ctx = zmq::Context::new();
    assert_eq!(
        ctx.serve_inspector("not an address"),
        Err(zmq::Error::EINVAL)
    );
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    assert_eq!(ctx.serve_inspector(&addr), Err(zmq::Error::EADDRINUSE));
}
