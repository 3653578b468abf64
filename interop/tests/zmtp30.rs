//! ringmq against scripted ZMTP peers on a plain `TcpStream`: a ZMTP 3.0
//! PUB (subscriptions must travel as messages `0x01`+topic), a ZMTP 3.1 PUB
//! (subscriptions as SUBSCRIBE commands), ZMTP 2.0 peers (refused), and
//! heartbeats on the wire (PING/PONG).
//!
//! The scripted peer sends its whole greeting at once and reads ringmq's in
//! the stages libzmq uses (10 bytes, the major version, the rest), so it
//! works whether ringmq waits between stages or not.

use ringmq_interop::{ringmq_recv, ringmq_socket, show, LibzmqPeer};
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(5);

/// A ZMTP 3.x greeting with the NULL mechanism, as-server 0.
fn greeting(major: u8, minor: u8) -> Vec<u8> {
    let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, major, minor];
    let mut mechanism = b"NULL".to_vec();
    mechanism.resize(20, 0);
    g.extend_from_slice(&mechanism);
    g.push(0); // as-server
    g.resize(64, 0);
    g
}

/// A command frame: flags 0x04, size, name length, name, body.
fn command(name: &str, body: &[u8]) -> Vec<u8> {
    let mut b = vec![u8::try_from(name.len()).expect("short name")];
    b.extend_from_slice(name.as_bytes());
    b.extend_from_slice(body);
    frame(0x04, &b)
}

/// A frame with the given flags (LONG added when needed).
fn frame(flags: u8, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    if let Ok(n) = u8::try_from(body.len()) {
        f.push(flags);
        f.push(n);
    } else {
        f.push(flags | 0x02);
        f.extend_from_slice(&(body.len() as u64).to_be_bytes());
    }
    f.extend_from_slice(body);
    f
}

/// READY with the given Socket-Type; the size comes from the body.
fn ready(socket_type: &str) -> Vec<u8> {
    let mut body = vec![11];
    body.extend_from_slice(b"Socket-Type");
    body.extend_from_slice(
        &u32::try_from(socket_type.len())
            .expect("short")
            .to_be_bytes(),
    );
    body.extend_from_slice(socket_type.as_bytes());
    command("READY", &body)
}

/// One end of a scripted connection.
struct Scripted {
    s: TcpStream,
}

impl Scripted {
    /// Accepts ringmq's connection on `listener` within [`WAIT`].
    fn accept(listener: &TcpListener) -> Scripted {
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let deadline = Instant::now() + WAIT;
        loop {
            match listener.accept() {
                Ok((s, _)) => return Scripted::new(s),
                Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => panic!("ringmq did not connect: {e}"),
            }
        }
    }

    fn connect(addr: &str) -> Scripted {
        Scripted::new(TcpStream::connect(addr).expect("connect to ringmq"))
    }

    fn new(s: TcpStream) -> Scripted {
        s.set_nonblocking(false).expect("blocking stream");
        s.set_read_timeout(Some(WAIT)).expect("read timeout");
        s.set_write_timeout(Some(WAIT)).expect("write timeout");
        s.set_nodelay(true).expect("nodelay");
        Scripted { s }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.s.write_all(bytes).expect("write to ringmq");
    }

    fn read(&mut self, n: usize, what: &str) -> Vec<u8> {
        let mut b = vec![0; n];
        if let Err(e) = self.s.read_exact(&mut b) {
            panic!("reading {what} ({n} bytes) from ringmq: {e}");
        }
        b
    }

    /// Sends a ZMTP 3.x greeting at once, then reads ringmq's in libzmq's
    /// stages and checks it: signature, version 3.1, NULL, not as-server.
    fn handshake_greeting(&mut self, minor: u8) {
        self.send(&greeting(3, minor));
        let sig = self.read(10, "the greeting's signature");
        assert_eq!(sig[0], 0xff, "signature: {sig:02x?}");
        assert_eq!(
            sig[9] & 1,
            1,
            "signature's last byte must have bit 0 set: {sig:02x?}"
        );
        let major = self.read(1, "the major version");
        assert_eq!(major, [3], "ringmq speaks ZMTP 3");
        let rest = self.read(53, "the rest of the greeting");
        assert_eq!(rest[0], 1, "ringmq offers ZMTP 3.1 (minor version)");
        assert_eq!(&rest[1..21], &greeting(3, 1)[12..32], "mechanism NULL");
        assert_eq!(rest[21], 0, "as-server is 0 for NULL");
    }

    /// Reads one frame: (flags, body).
    fn frame(&mut self, what: &str) -> (u8, Vec<u8>) {
        let flags = self.read(1, what)[0];
        let size = if flags & 0x02 != 0 {
            let b = self.read(8, what);
            usize::try_from(u64::from_be_bytes(b.try_into().expect("8 bytes"))).expect("size")
        } else {
            usize::from(self.read(1, what)[0])
        };
        (flags, self.read(size, what))
    }

    /// Reads ringmq's READY and returns its properties.
    fn read_ready(&mut self) -> Vec<(String, Vec<u8>)> {
        let (flags, body) = self.frame("READY");
        assert_eq!(
            flags, 0x04,
            "READY is a command: flags {flags:02x}, body {body:02x?}"
        );
        assert_eq!(&body[..6], b"\x05READY", "expected READY: {body:02x?}");
        let mut props = Vec::new();
        let mut rest = &body[6..];
        while !rest.is_empty() {
            let n = usize::from(rest[0]);
            let name = String::from_utf8(rest[1..=n].to_vec()).expect("property name");
            let len = u32::from_be_bytes(rest[1 + n..5 + n].try_into().expect("4 bytes"));
            let len = usize::try_from(len).expect("length");
            props.push((name, rest[5 + n..5 + n + len].to_vec()));
            rest = &rest[5 + n + len..];
        }
        props
    }

    /// Completes the handshake as a peer of type `ty`, checking ringmq
    /// announces `ringmq_type`.
    fn handshake(&mut self, minor: u8, ty: &str, ringmq_type: &str) {
        self.handshake_greeting(minor);
        self.send(&ready(ty));
        let props = self.read_ready();
        let st = props
            .iter()
            .find(|(k, _)| k == "Socket-Type")
            .map(|(_, v)| v.clone());
        assert_eq!(
            st.as_deref(),
            Some(ringmq_type.as_bytes()),
            "ringmq's READY: {props:?}"
        );
    }

    /// Reads until the connection closes; panics if it stays open for
    /// `within`. Returns what was read.
    fn read_until_closed(&mut self, within: Duration) -> Vec<u8> {
        let deadline = Instant::now() + within;
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "ringmq kept the connection open {within:?}; it sent {got:02x?}"
            );
            self.s.set_read_timeout(Some(left)).expect("read timeout");
            match self.s.read(&mut buf) {
                Ok(0) => return got,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return got,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("reading from ringmq: {e}"),
            }
        }
    }
}

fn listener() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").expect("listen");
    let ep = format!("tcp://{}", l.local_addr().expect("address"));
    (l, ep)
}

/// A scripted PUB speaking ZMTP 3.`minor`; a ringmq SUB connects and
/// subscribes to "AB"; the subscription must arrive as `expected`; then
/// "AB-data", "XY-data", "AB-end" are published and the SUB gets only the
/// two "AB" ones.
fn scripted_pub(minor: u8, expected: &[u8]) {
    let (l, ep) = listener();
    let ctx = ringmq::Context::new();
    let sub = ringmq_socket(&ctx, ringmq::SUB);
    sub.set_subscribe(b"AB").expect("SUBSCRIBE");
    sub.connect(&ep).expect("connect");
    let mut p = Scripted::accept(&l);
    p.handshake(minor, "PUB", "SUB");
    let got = p.read(expected.len(), "the subscription");
    assert_eq!(
        got, expected,
        "subscription from ringmq to a ZMTP 3.{minor} PUB: {got:02x?}, expected {expected:02x?}"
    );
    p.send(&frame(0, b"AB-data"));
    p.send(&frame(0, b"XY-data"));
    p.send(&frame(0, b"AB-end"));
    assert_eq!(ringmq_recv(&sub, 5000), Some(vec![b"AB-data".to_vec()]));
    let next = ringmq_recv(&sub, 5000);
    assert_eq!(
        next,
        Some(vec![b"AB-end".to_vec()]),
        "got {:?}",
        next.as_deref().map(show)
    );
}

/// ZMTP 3.0 has no SUBSCRIBE command: the SUB sends the message `01 "AB"`.
#[test]
fn zmtp30_pub_gets_subscription_as_a_message() {
    scripted_pub(0, b"\x00\x03\x01AB");
}

/// ZMTP 3.1: the SUB sends the command `SUBSCRIBE "AB"`.
#[test]
fn zmtp31_pub_gets_subscribe_command() {
    scripted_pub(1, b"\x04\x0c\x09SUBSCRIBEAB");
}

/// A ZMTP 2.0 greeting: signature, revision 1, socket type, and an empty
/// identity frame.
fn zmtp20_greeting(socket_type: u8) -> Vec<u8> {
    vec![
        0xff,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0x01,
        0x7f,
        0x01,
        socket_type,
        0x00,
        0x00,
    ]
}

/// A ZMTP 2.0 PUB (revision 01, as libzmq 3.x) is refused: ringmq closes
/// the connection without completing a handshake, and the same SUB then
/// works with a ZMTP 3.1 PUB.
#[test]
fn zmtp20_pub_is_refused_and_ringmq_sub_still_works() {
    let (l, ep) = listener();
    let ctx = ringmq::Context::new();
    let sub = ringmq_socket(&ctx, ringmq::SUB);
    sub.set_subscribe(b"AB").expect("SUBSCRIBE");
    sub.connect(&ep).expect("connect");
    let mut old = Scripted::accept(&l);
    old.send(&zmtp20_greeting(1));
    let sent = old.read_until_closed(Duration::from_secs(3));
    assert!(
        sent.len() <= 64,
        "ringmq sent more than a greeting to a ZMTP 2.0 peer: {sent:02x?}"
    );
    assert!(
        sent.len() >= 10 && sent[0] == 0xff,
        "ringmq's greeting: {sent:02x?}"
    );

    let (l2, ep2) = listener();
    sub.connect(&ep2).expect("connect");
    let mut p = Scripted::accept(&l2);
    p.handshake(1, "PUB", "SUB");
    assert_eq!(p.read(14, "the subscription"), b"\x04\x0c\x09SUBSCRIBEAB");
    p.send(&frame(0, b"AB-data"));
    assert_eq!(ringmq_recv(&sub, 5000), Some(vec![b"AB-data".to_vec()]));
}

/// A ZMTP 2.0 SUB connecting to a ringmq PUB is refused; the PUB's
/// listener keeps serving: a libzmq SUB then gets its messages.
#[test]
fn zmtp20_sub_is_refused_by_ringmq_pub_which_still_serves_libzmq() {
    let ctx = ringmq::Context::new();
    let publisher = ringmq_socket(&ctx, ringmq::PUB);
    publisher.bind("tcp://127.0.0.1:*").expect("bind");
    let ep = publisher
        .get_last_endpoint()
        .expect("endpoint")
        .expect("utf-8");
    let mut old = Scripted::connect(ep.trim_start_matches("tcp://"));
    old.send(&zmtp20_greeting(2));
    let sent = old.read_until_closed(Duration::from_secs(3));
    assert!(
        sent.len() <= 64,
        "ringmq sent more than a greeting to a ZMTP 2.0 peer: {sent:02x?}"
    );

    let mut peer = LibzmqPeer::start();
    peer.socket("s", "SUB", &[]);
    peer.set_bytes("s", "SUBSCRIBE", b"AB");
    peer.connect("s", &ep);
    let deadline = Instant::now() + WAIT;
    loop {
        publisher.send("AB-data", 0).expect("publish");
        if let Some(got) = peer.recv("s", 50) {
            assert_eq!(got, vec![b"AB-data".to_vec()]);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the libzmq SUB got nothing from the ringmq PUB"
        );
    }
}

/// Parses a PING command body: (TTL in deciseconds, context).
fn parse_ping(flags: u8, body: &[u8]) -> (u16, Vec<u8>) {
    assert_eq!(
        flags, 0x04,
        "expected a command, got flags {flags:02x} body {body:02x?}"
    );
    assert_eq!(&body[..5], b"\x04PING", "expected PING: {body:02x?}");
    assert!(
        body.len() >= 7 && body.len() <= 7 + 16,
        "PING's TTL and context: {body:02x?}"
    );
    (u16::from_be_bytes([body[5], body[6]]), body[7..].to_vec())
}

/// A ringmq ROUTER with HEARTBEAT_IVL 100 ms and HEARTBEAT_TIMEOUT 300 ms
/// connected to a scripted DEALER.
fn heartbeating_router() -> (ringmq::Context, ringmq::Socket, Scripted) {
    let ctx = ringmq::Context::new();
    let router = ringmq_socket(&ctx, ringmq::ROUTER);
    router.set_heartbeat_ivl(100).expect("HEARTBEAT_IVL");
    router
        .set_heartbeat_timeout(300)
        .expect("HEARTBEAT_TIMEOUT");
    router.bind("tcp://127.0.0.1:*").expect("bind");
    let ep = router
        .get_last_endpoint()
        .expect("endpoint")
        .expect("utf-8");
    let mut p = Scripted::connect(ep.trim_start_matches("tcp://"));
    p.handshake(1, "DEALER", "ROUTER");
    (ctx, router, p)
}

/// ringmq PINGs a silent peer and drops it once HEARTBEAT_TIMEOUT passes
/// without any traffic.
#[test]
fn heartbeating_ringmq_pings_and_drops_a_peer_that_never_answers() {
    let (_ctx, _router, mut p) = heartbeating_router();
    let started = Instant::now();
    let (flags, body) = p.frame("a PING");
    parse_ping(flags, &body);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "first PING after {:?}",
        started.elapsed()
    );
    let rest = p.read_until_closed(Duration::from_secs(3));
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(250),
        "dropped after {elapsed:?}, before HEARTBEAT_TIMEOUT; it sent {rest:02x?}"
    );
}

/// A peer that answers every PING with PONG stays connected through
/// 1.5 s without messages, and its message then arrives.
#[test]
fn heartbeating_ringmq_keeps_a_peer_that_answers_pings() {
    let (_ctx, router, mut p) = heartbeating_router();
    let until = Instant::now() + Duration::from_millis(1500);
    let mut pings = 0;
    while Instant::now() < until {
        let (flags, body) = p.frame("a PING");
        let (_ttl, context) = parse_ping(flags, &body);
        pings += 1;
        p.send(&command("PONG", &context));
    }
    assert!(
        pings >= 5,
        "only {pings} PINGs in 1.5 s at a 100 ms interval"
    );
    p.send(&frame(0, b"still here"));
    let got = ringmq_recv(&router, 5000).expect("the message after the silence");
    assert_eq!(got[1..], [b"still here".to_vec()], "got {}", show(&got));
}

/// ringmq answers PING with PONG echoing the context (a socket without
/// heartbeats of its own).
#[test]
fn ringmq_answers_ping_with_pong_echoing_the_context() {
    let ctx = ringmq::Context::new();
    let pull = ringmq_socket(&ctx, ringmq::PULL);
    pull.bind("tcp://127.0.0.1:*").expect("bind");
    let ep = pull.get_last_endpoint().expect("endpoint").expect("utf-8");
    let mut p = Scripted::connect(ep.trim_start_matches("tcp://"));
    p.handshake(1, "PUSH", "PULL");
    p.send(&command("PING", b"\x00\x14ctx-0123"));
    let (flags, body) = p.frame("PONG");
    assert_eq!(
        (flags, body.as_slice()),
        (0x04, &b"\x04PONGctx-0123"[..]),
        "PONG: {body:02x?}"
    );
    p.send(&frame(0, b"after ping"));
    assert_eq!(ringmq_recv(&pull, 5000), Some(vec![b"after ping".to_vec()]));
}
