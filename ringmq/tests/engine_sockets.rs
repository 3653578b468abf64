//! The io_uring engine over real sockets: many connections on one I/O
//! thread, peers that die mid-message, binders that restart, high-water
//! marks and linger across the kernel's buffers, and context termination.
//!
//! Every wait is bounded: sockets get RCVTIMEO/SNDTIMEO, loops have
//! deadlines, and each test runs inside [`common::within`].

mod common;

use common::{bind, socket, within, Transport};
use ringmq as zmq;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// `tcp://127.0.0.1:41234` → `127.0.0.1:41234`.
fn tcp_addr(endpoint: &str) -> &str {
    endpoint
        .strip_prefix("tcp://")
        .unwrap_or_else(|| panic!("not a tcp endpoint: {endpoint}"))
}

/// Waits until `s` can send without blocking (its peer's handshake is done).
fn wait_writable(s: &zmq::Socket) {
    assert_eq!(
        s.poll(zmq::POLLOUT, 5000).unwrap(),
        1,
        "the connection never completed its handshake"
    );
}

/// A message of `len` bytes whose first 8 bytes are `seq` (big-endian).
fn numbered(seq: u64, len: usize) -> Vec<u8> {
    let mut m = vec![0xa5; len.max(8)];
    m[..8].copy_from_slice(&seq.to_be_bytes());
    m
}

fn seq_of(m: &[u8]) -> u64 {
    u64::from_be_bytes(m[..8].try_into().expect("at least 8 bytes"))
}

/// Nothing more arrives on `s` within `ms`.
fn assert_silent(s: &zmq::Socket, ms: i64) {
    if s.poll(zmq::POLLIN, ms).unwrap() != 0 {
        panic!("unexpected message: {:?}", s.recv_multipart(0).unwrap());
    }
}

// ----- 1. many connections on one I/O thread ---------------------------------

const CONNECTIONS: usize = 1000;

#[test]
fn a_thousand_connections_on_one_io_thread() {
    within(60, || {
        // Two descriptors per connection (both ends live in this process).
        let limit = ringmq_uring::driver::raise_nofile_limit(8192).unwrap();
        assert!(
            limit >= 2 * CONNECTIONS as u64 + 64,
            "RLIMIT_NOFILE is only {limit}"
        );
        let ctx = zmq::Context::new();
        assert_eq!(ctx.get_io_threads().unwrap(), 1);
        let pull = socket(&ctx, zmq::PULL);
        let Some(ep) = bind(&pull, Transport::Tcp, "many") else {
            return;
        };
        let pushes: Vec<zmq::Socket> = (0..CONNECTIONS)
            .map(|_| {
                let s = socket(&ctx, zmq::PUSH);
                s.set_sndtimeo(20_000).unwrap();
                s.connect(&ep).unwrap();
                s
            })
            .collect();
        // A PUSH without a peer blocks: each send waits for its handshake.
        for (i, s) in pushes.iter().enumerate() {
            s.send(format!("from-{i}").as_str(), 0)
                .unwrap_or_else(|e| panic!("push {i}: {e}"));
        }
        pull.set_rcvtimeo(20_000).unwrap();
        let mut seen = HashSet::new();
        for n in 0..CONNECTIONS {
            let m = pull
                .recv_string(0)
                .unwrap_or_else(|e| panic!("after {n} messages: {e}"))
                .unwrap();
            assert!(seen.insert(m.clone()), "{m} arrived twice");
        }
        for i in 0..CONNECTIONS {
            assert!(seen.contains(&format!("from-{i}")), "from-{i} is missing");
        }
        assert_silent(&pull, 100);
        // Still one I/O thread served all of them.
        assert_eq!(ctx.get_io_threads().unwrap(), 1);
        let start = Instant::now();
        drop(pushes);
        drop(pull);
        drop(ctx);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "closing 1000 connections took {:?}",
            start.elapsed()
        );
    });
}

// ----- 2. a peer that dies mid-message ---------------------------------------

/// A ZMTP 3.1 greeting for the NULL mechanism, as a client.
fn greeting() -> Vec<u8> {
    // Signature: 0xff, 8 bytes of padding (libzmq's last is 0x01), 0x7f.
    let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f];
    g.extend([3, 1]); // version 3.1
    let mut mechanism = b"NULL".to_vec();
    mechanism.resize(20, 0);
    g.extend(mechanism);
    g.push(0); // as-server
    g.extend([0u8; 31]); // filler
    assert_eq!(g.len(), 64);
    g
}

/// READY with Socket-Type = PUSH.
fn ready_push() -> Vec<u8> {
    let mut body = vec![5];
    body.extend(b"READY");
    body.push(11);
    body.extend(b"Socket-Type");
    body.extend(4u32.to_be_bytes());
    body.extend(b"PUSH");
    let mut cmd = vec![0x04, u8::try_from(body.len()).unwrap()];
    cmd.extend(body);
    cmd
}

/// A short frame: flags (MORE or not), size, body.
fn frame(more: bool, body: &[u8]) -> Vec<u8> {
    let mut f = vec![u8::from(more), u8::try_from(body.len()).unwrap()];
    f.extend(body);
    f
}

/// Connects a raw TCP peer that completes the ZMTP handshake as a PUSH
/// with the socket at `ep`.
fn raw_push_peer(ep: &str) -> TcpStream {
    let mut s = TcpStream::connect(tcp_addr(ep)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.set_nodelay(true).unwrap();
    s.write_all(&greeting()).unwrap();
    s.write_all(&ready_push()).unwrap();
    // ringmq's greeting, then its READY: the handshake is complete.
    let mut theirs = [0u8; 64];
    s.read_exact(&mut theirs).unwrap();
    assert_eq!((theirs[0], theirs[9], theirs[10]), (0xff, 0x7f, 3));
    let mut head = [0u8; 2];
    s.read_exact(&mut head).unwrap();
    assert_eq!(head[0], 0x04, "a short command");
    let mut body = vec![0u8; usize::from(head[1])];
    s.read_exact(&mut body).unwrap();
    assert_eq!(&body[..6], b"\x05READY");
    s
}

/// The raw peer sends one whole two-part message, then `tail` (the start of
/// another message), and dies. The PULL gets the whole message and, from a
/// well-behaved PUSH afterwards, "whole"; nothing of the partial message.
fn peer_dies_mid_message(tail: &[u8]) {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    let Some(ep) = bind(&pull, Transport::Tcp, "dies") else {
        return;
    };
    let mut raw = raw_push_peer(&ep);
    let mut bytes = frame(true, b"complete");
    bytes.extend(frame(false, b"message"));
    bytes.extend(tail);
    raw.write_all(&bytes).unwrap();
    drop(raw);
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        vec![b"complete".to_vec(), b"message".to_vec()]
    );

    let push = socket(&ctx, zmq::PUSH);
    push.connect(&ep).unwrap();
    push.send("whole", 0).unwrap();
    assert_eq!(pull.recv_multipart(0).unwrap(), vec![b"whole".to_vec()]);
    assert_silent(&pull, 1000);
}

#[test]
fn a_peer_that_dies_after_a_more_frame_delivers_nothing_partial() {
    within(20, || peer_dies_mid_message(&frame(true, b"part1")));
}

#[test]
fn a_peer_that_dies_inside_a_frame_delivers_nothing_partial() {
    within(20, || {
        // The frame announces 10 bytes; 4 arrive.
        peer_dies_mid_message(&[0x00, 10, b'p', b'a', b'r', b't']);
    });
}

#[test]
fn a_peer_that_dies_inside_a_later_frame_delivers_nothing_partial() {
    within(20, || {
        // Two whole MORE frames, then a long frame (8-byte size) cut short.
        let mut tail = frame(true, b"part1");
        tail.extend(frame(true, b"part2"));
        tail.push(0x02);
        tail.extend(1000u64.to_be_bytes());
        tail.extend([7u8; 300]);
        peer_dies_mid_message(&tail);
    });
}

#[test]
fn a_peer_that_dies_inside_a_frame_header_delivers_nothing_partial() {
    within(20, || {
        let mut tail = frame(true, b"part1");
        tail.push(0x02); // LONG flag, then only 3 of the 8 size bytes
        tail.extend([0, 0, 0]);
        peer_dies_mid_message(&tail);
    });
}

/// The same when the PULL connected and the binder is the one that leaves:
/// every message arrives, and the PULL then reconnects to a new binder.
#[test]
fn a_connecting_receiver_behind_a_departed_binder_gets_everything() {
    within(30, || {
        const N: u64 = 1000;
        const LEN: usize = 100;
        let push_ctx = zmq::Context::new();
        let push = push_ctx.socket(zmq::PUSH).unwrap();
        push.set_sndtimeo(5000).unwrap();
        let Some(ep) = bind(&push, Transport::Tcp, "departed") else {
            return;
        };
        let ctx = zmq::Context::new();
        let pull = socket(&ctx, zmq::PULL);
        pull.set_rcvhwm(10).unwrap();
        pull.connect(&ep).unwrap();
        wait_writable(&push);
        for i in 0..N {
            push.send(numbered(i, LEN), 0).unwrap();
        }
        drop(push);
        let (done_tx, done_rx) = mpsc::channel();
        let closer = std::thread::spawn(move || {
            drop(push_ctx);
            let _ = done_tx.send(());
        });
        done_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the PUSH's context never finished flushing");
        closer.join().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        for i in 0..N {
            let m = pull
                .recv_bytes(0)
                .unwrap_or_else(|e| panic!("message {i} of {N}: {e}"));
            assert_eq!(seq_of(&m), i);
        }
        assert_silent(&pull, 100);

        // The connection closes once drained; the PULL reconnects.
        let push = socket(&ctx, zmq::PUSH);
        bind_again(&push, &ep);
        push.send("again", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "again");
    });
}

/// A peer that dies mid-message while the receiver is behind: the whole
/// messages before it arrive, the partial one does not.
#[test]
fn a_peer_that_dies_mid_message_while_the_receiver_is_behind() {
    within(20, || {
        let ctx = zmq::Context::new();
        let pull = socket(&ctx, zmq::PULL);
        pull.set_rcvhwm(2).unwrap();
        let Some(ep) = bind(&pull, Transport::Tcp, "dies-behind") else {
            return;
        };
        let mut raw = raw_push_peer(&ep);
        let mut bytes = Vec::new();
        for i in 0..200u8 {
            bytes.extend(frame(true, &[b'a', i]));
            bytes.extend(frame(false, &[b'b', i]));
        }
        bytes.extend(frame(true, b"partial"));
        bytes.extend([0x00, 50, 1, 2, 3]);
        raw.write_all(&bytes).unwrap();
        drop(raw);
        std::thread::sleep(Duration::from_millis(200));
        for i in 0..200u8 {
            assert_eq!(
                pull.recv_multipart(0).unwrap(),
                vec![vec![b'a', i], vec![b'b', i]]
            );
        }
        assert_silent(&pull, 500);
    });
}

// ----- 3. the binder restarts ------------------------------------------------

/// Binds `s` at `ep`, retrying for a while on EADDRINUSE: the old binder's
/// listener is closed by its I/O thread, asynchronously after the drop.
fn bind_again(s: &zmq::Socket, ep: &str) {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        match s.bind(ep) {
            Ok(()) => return,
            Err(zmq::Error::EADDRINUSE) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("bind {ep} again: {e}"),
        }
    }
}

fn binder_restarts(t: Transport) {
    let ctx = zmq::Context::new();
    let a = socket(&ctx, zmq::PULL);
    let Some(ep) = bind(&a, t, "restart") else {
        return;
    };
    let push = socket(&ctx, zmq::PUSH);
    push.connect(&ep).unwrap();
    push.send("m1", 0).unwrap();
    assert_eq!(a.recv_string(0).unwrap().unwrap(), "m1");

    drop(a); // linger 0
             // Long enough for the PUSH's connection to see the end of the stream.
    std::thread::sleep(Duration::from_millis(300));
    // The connecting side keeps its pipe across reconnects: these queue.
    push.send("m2", zmq::DONTWAIT).unwrap();
    push.send("m3", zmq::DONTWAIT).unwrap();

    let b = socket(&ctx, zmq::PULL);
    bind_again(&b, &ep);
    assert_eq!(b.recv_string(0).unwrap().unwrap(), "m2");
    assert_eq!(b.recv_string(0).unwrap().unwrap(), "m3");
    // And the reconnected pipe goes on working.
    push.send("m4", 0).unwrap();
    assert_eq!(b.recv_string(0).unwrap().unwrap(), "m4");
    assert_silent(&b, 200);
}

#[test]
fn binder_restart_over_tcp_delivers_what_was_queued() {
    within(20, || binder_restarts(Transport::Tcp));
}

#[test]
fn binder_restart_over_ipc_delivers_what_was_queued() {
    within(20, || binder_restarts(Transport::Ipc));
}

#[test]
fn ipc_bind_replaces_a_stale_socket_file() {
    within(20, || {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stale.sock");
        // A listener that went away without unlinking its file.
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists());
        let ep = format!("ipc://{}", path.display());
        let ctx = zmq::Context::new();
        let pull = socket(&ctx, zmq::PULL);
        match pull.bind(&ep) {
            Ok(()) => {}
            Err(zmq::Error::EMTHREAD) if std::env::var_os("RINGMQ_SKIP_IO_TESTS").is_some() => {
                return;
            }
            Err(e) => panic!("bind over a stale file: {e}"),
        }
        let push = socket(&ctx, zmq::PUSH);
        push.connect(&ep).unwrap();
        push.send("fresh", 0).unwrap();
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "fresh");

        // A file somebody listens on is not taken over.
        let other = socket(&ctx, zmq::PULL);
        assert_eq!(other.bind(&ep), Err(zmq::Error::EADDRINUSE));
    });
}

// ----- large messages ---------------------------------------------------------

/// A multipart message of more large frames than one `sendmsg` may gather
/// (IOV_MAX = 1024 iovecs; each large frame is a chunk of its own after its
/// header chunk) arrives whole.
#[test]
fn a_message_with_more_large_frames_than_iov_max_arrives_whole() {
    within(30, || {
        const FRAMES: usize = 700;
        const LEN: usize = 16 * 1024;
        let ctx = zmq::Context::new();
        let pull = socket(&ctx, zmq::PULL);
        pull.set_maxmsgsize(-1).unwrap();
        let Some(ep) = bind(&pull, Transport::Tcp, "iov") else {
            return;
        };
        let push = socket(&ctx, zmq::PUSH);
        push.connect(&ep).unwrap();
        let frames: Vec<Vec<u8>> = (0..FRAMES as u64).map(|i| numbered(i, LEN)).collect();
        push.send_multipart(frames.iter().map(Vec::as_slice), 0)
            .unwrap();
        push.send("after", 0).unwrap();
        let got = pull.recv_multipart(0).unwrap();
        assert_eq!(got.len(), FRAMES);
        for (i, f) in got.iter().enumerate() {
            assert_eq!(f.len(), LEN);
            assert_eq!(seq_of(f), i as u64);
        }
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), "after");
    });
}

// ----- 4. high-water marks over tcp ------------------------------------------

/// Never more than this many messages in one HWM test: the pipeline (pipes,
/// session buffers, kernel buffers) must fill up long before.
const SEND_CAP: u64 = 10_000;

/// Sends numbered messages with DONTWAIT until the whole path to a peer
/// that does not read is full: EAGAIN for 300 ms on end. Returns how many
/// were accepted.
fn fill_until_blocked(s: &zmq::Socket, len: usize) -> u64 {
    let mut accepted = 0;
    let mut refused_since: Option<Instant> = None;
    let mut eagain_seen = false;
    while accepted < SEND_CAP {
        match s.send(numbered(accepted, len), zmq::DONTWAIT) {
            Ok(()) => {
                accepted += 1;
                refused_since = None;
            }
            Err(zmq::Error::EAGAIN) => {
                eagain_seen = true;
                let since = *refused_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(300) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("send {accepted}: {e}"),
        }
    }
    assert!(eagain_seen && accepted < SEND_CAP, "never blocked");
    accepted
}

/// Reads `n` numbered messages of `len` bytes, in order, then nothing.
fn drain_in_order(s: &zmq::Socket, n: u64, len: usize) {
    for i in 0..n {
        let m = s
            .recv_bytes(0)
            .unwrap_or_else(|e| panic!("message {i} of {n}: {e}"));
        assert_eq!(m.len(), len);
        assert_eq!(seq_of(&m), i, "out of order or lost");
    }
    assert_silent(s, 200);
}

/// `sender` (type `st`) and `receiver` (type `rt`) with HWM 10 each; the
/// receiver binds when `receiver_binds`, else the sender does.
fn hwm_blocks_and_loses_nothing(st: zmq::SocketType, rt: zmq::SocketType, receiver_binds: bool) {
    hwm_blocks_and_loses_nothing_on(Transport::Tcp, st, rt, receiver_binds);
}

fn hwm_blocks_and_loses_nothing_on(
    t: Transport,
    st: zmq::SocketType,
    rt: zmq::SocketType,
    receiver_binds: bool,
) {
    const LEN: usize = 100 * 1024;
    let ctx = zmq::Context::new();
    let sender = socket(&ctx, st);
    let receiver = socket(&ctx, rt);
    sender.set_sndhwm(10).unwrap();
    receiver.set_rcvhwm(10).unwrap();
    let (binder, connecter) = if receiver_binds {
        (&receiver, &sender)
    } else {
        (&sender, &receiver)
    };
    let Some(ep) = bind(binder, t, "hwm") else {
        return;
    };
    connecter.connect(&ep).unwrap();
    wait_writable(&sender);
    let accepted = fill_until_blocked(&sender, LEN);
    assert!(accepted >= 10, "only {accepted} accepted");
    drain_in_order(&receiver, accepted, LEN);
    // And the path works again after the stall.
    sender.send(numbered(0, 16), 0).unwrap();
    assert_eq!(receiver.recv_bytes(0).unwrap().len(), 16);
}

#[test]
fn push_pull_hwm_over_tcp_blocks_and_loses_nothing() {
    within(30, || {
        hwm_blocks_and_loses_nothing(zmq::PUSH, zmq::PULL, true)
    });
}

#[test]
fn push_pull_hwm_over_tcp_blocks_and_loses_nothing_push_binds() {
    within(30, || {
        hwm_blocks_and_loses_nothing(zmq::PUSH, zmq::PULL, false)
    });
}

#[test]
fn push_pull_hwm_over_ipc_blocks_and_loses_nothing() {
    within(30, || {
        hwm_blocks_and_loses_nothing_on(Transport::Ipc, zmq::PUSH, zmq::PULL, true);
    });
}

#[test]
fn dealer_dealer_hwm_over_tcp_blocks_and_loses_nothing() {
    within(30, || {
        hwm_blocks_and_loses_nothing(zmq::DEALER, zmq::DEALER, true);
    });
}

/// PUB drops at the HWM instead of blocking. The `ringmq` API does not
/// expose the PUB's drop counter (the core socket's `stats().drops_hwm`),
/// so instead of `received + dropped == N` this checks, by sequence number,
/// that what arrived is a strictly increasing subsequence of what was sent
/// (no duplicates, no reordering, nothing invented) and that some messages
/// were dropped (`received < N`) while no send blocked or failed.
#[test]
fn pub_sub_hwm_over_tcp_drops_without_blocking() {
    within(30, || {
        const N: u64 = 2000;
        const LEN: usize = 10 * 1024;
        let ctx = zmq::Context::new();
        let publisher = socket(&ctx, zmq::PUB);
        publisher.set_sndhwm(10).unwrap();
        let subscriber = socket(&ctx, zmq::SUB);
        subscriber.set_rcvhwm(10).unwrap();
        subscriber.set_subscribe(b"").unwrap();
        let Some(ep) = bind(&publisher, Transport::Tcp, "pub-hwm") else {
            return;
        };
        subscriber.connect(&ep).unwrap();

        // The subscription has arrived once a probe gets through.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            publisher.send("probe", 0).unwrap();
            if subscriber.poll(zmq::POLLIN, 20).unwrap() > 0 {
                break;
            }
            assert!(Instant::now() < deadline, "the subscription never arrived");
        }
        while subscriber.poll(zmq::POLLIN, 100).unwrap() > 0 {
            assert_eq!(subscriber.recv_bytes(0).unwrap(), b"probe");
        }

        let start = Instant::now();
        for i in 0..N {
            publisher
                .send(numbered(i, LEN), zmq::DONTWAIT)
                .unwrap_or_else(|e| panic!("PUB send {i}: {e}"));
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "PUB sends took {:?}",
            start.elapsed()
        );

        let mut received = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while subscriber.poll(zmq::POLLIN, 300).unwrap() > 0 {
            let m = subscriber.recv_bytes(0).unwrap();
            assert_eq!(m.len(), LEN);
            received.push(seq_of(&m));
            assert!(Instant::now() < deadline, "the SUB never ran dry");
        }
        assert!(!received.is_empty(), "nothing arrived");
        assert!(
            received.windows(2).all(|w| w[0] < w[1]),
            "not a strictly increasing subsequence: {received:?}"
        );
        assert!(received.iter().all(|&s| s < N));
        assert!(
            (received.len() as u64) < N,
            "all {N} arrived: the PUB never dropped"
        );
    });
}

// ----- 5. linger -------------------------------------------------------------

#[test]
fn linger_forever_flushes_everything_after_close() {
    within(30, || {
        const N: u64 = 1000;
        const LEN: usize = 16 * 1024;
        let pull_ctx = zmq::Context::new();
        let pull = socket(&pull_ctx, zmq::PULL);
        // A slow reader: most of the messages are still in the PUSH's pipe
        // when it is closed.
        pull.set_rcvhwm(10).unwrap();
        let Some(ep) = bind(&pull, Transport::Tcp, "linger") else {
            return;
        };
        let push_ctx = zmq::Context::new();
        let push = push_ctx.socket(zmq::PUSH).unwrap();
        push.set_linger(-1).unwrap();
        push.set_sndtimeo(5000).unwrap();
        push.connect(&ep).unwrap();
        wait_writable(&push);
        for i in 0..N {
            push.send(numbered(i, LEN), 0).unwrap();
        }
        let start = Instant::now();
        drop(push);
        assert!(
            start.elapsed() < Duration::from_millis(100),
            "closing a socket blocked for {:?}",
            start.elapsed()
        );
        // Ending the context waits for the flush (libzmq's zmq_ctx_term).
        let (done_tx, done_rx) = mpsc::channel();
        let closer = std::thread::spawn(move || {
            drop(push_ctx);
            let _ = done_tx.send(());
        });
        for i in 0..N {
            let m = pull
                .recv_bytes(0)
                .unwrap_or_else(|e| panic!("message {i}: {e}"));
            assert_eq!(seq_of(&m), i);
        }
        assert_silent(&pull, 100);
        done_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the context of the closed PUSH never finished");
        closer.join().unwrap();
    });
}

/// The PULL is behind (its queue is full) when the closed PUSH finishes
/// flushing and its connection ends: what the peer sent before leaving is
/// still received, all of it, even though the engine had read part of it
/// off the wire before the queue had room (docs/behaviour.md, "A peer that
/// goes away").
#[test]
fn linger_flush_reaches_a_receiver_that_is_behind() {
    within(30, || {
        const N: u64 = 1000;
        const LEN: usize = 100;
        let pull_ctx = zmq::Context::new();
        let pull = socket(&pull_ctx, zmq::PULL);
        pull.set_rcvhwm(10).unwrap();
        let Some(ep) = bind(&pull, Transport::Tcp, "behind") else {
            return;
        };
        let push_ctx = zmq::Context::new();
        let push = push_ctx.socket(zmq::PUSH).unwrap();
        push.set_sndtimeo(5000).unwrap();
        push.connect(&ep).unwrap();
        wait_writable(&push);
        for i in 0..N {
            push.send(numbered(i, LEN), 0).unwrap();
        }
        drop(push);
        // 100 KB fit in the kernel's buffers: the flush completes, and the
        // connection closes, while the PULL reads nothing.
        let (done_tx, done_rx) = mpsc::channel();
        let closer = std::thread::spawn(move || {
            drop(push_ctx);
            let _ = done_tx.send(());
        });
        done_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the PUSH's context never finished flushing");
        closer.join().unwrap();
        // Let the PULL's I/O thread see the end of the stream.
        std::thread::sleep(Duration::from_millis(200));
        for i in 0..N {
            let m = pull
                .recv_bytes(0)
                .unwrap_or_else(|e| panic!("message {i} of {N}: {e}"));
            assert_eq!(seq_of(&m), i);
        }
        assert_silent(&pull, 100);
    });
}

/// LINGER -1 on a connecting socket whose peer is away: what it queued is
/// delivered once the peer is back, after the socket was closed (libzmq
/// keeps reconnecting for a lingering socket; `zmq_ctx_term` waits).
#[test]
fn linger_forever_keeps_reconnecting_to_deliver_what_was_queued() {
    within(30, || {
        let ctx = zmq::Context::new();
        let a = socket(&ctx, zmq::PULL);
        let Some(ep) = bind(&a, Transport::Tcp, "linger-reconnect") else {
            return;
        };
        let push_ctx = zmq::Context::new();
        let push = push_ctx.socket(zmq::PUSH).unwrap();
        push.set_linger(-1).unwrap();
        push.set_sndtimeo(5000).unwrap();
        push.connect(&ep).unwrap();
        push.send("m1", 0).unwrap();
        assert_eq!(a.recv_string(0).unwrap().unwrap(), "m1");
        drop(a);
        std::thread::sleep(Duration::from_millis(300));
        push.send("m2", zmq::DONTWAIT).unwrap();
        push.send("m3", zmq::DONTWAIT).unwrap();
        drop(push);
        let (done_tx, done_rx) = mpsc::channel();
        let closer = std::thread::spawn(move || {
            drop(push_ctx);
            let _ = done_tx.send(());
        });
        // The context waits: m2 and m3 have not reached anybody yet.
        assert!(done_rx.recv_timeout(Duration::from_millis(300)).is_err());
        let b = socket(&ctx, zmq::PULL);
        bind_again(&b, &ep);
        assert_eq!(b.recv_string(0).unwrap().unwrap(), "m2");
        assert_eq!(b.recv_string(0).unwrap().unwrap(), "m3");
        done_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the lingering context never finished");
        closer.join().unwrap();
        assert_silent(&b, 100);
    });
}

/// A finite LINGER bounds that wait: the peer never comes back, the
/// context still ends.
#[test]
fn linger_bounds_the_wait_for_a_peer_that_never_comes_back() {
    within(30, || {
        let ctx = zmq::Context::new();
        let a = socket(&ctx, zmq::PULL);
        let Some(ep) = bind(&a, Transport::Tcp, "linger-bounded") else {
            return;
        };
        let push_ctx = zmq::Context::new();
        let push = push_ctx.socket(zmq::PUSH).unwrap();
        push.set_linger(500).unwrap();
        push.set_sndtimeo(5000).unwrap();
        push.connect(&ep).unwrap();
        push.send("m1", 0).unwrap();
        assert_eq!(a.recv_string(0).unwrap().unwrap(), "m1");
        drop(a);
        std::thread::sleep(Duration::from_millis(300));
        push.send("m2", zmq::DONTWAIT).unwrap();
        let start = Instant::now();
        drop(push);
        drop(push_ctx);
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "a LINGER 500 context took {took:?} to end"
        );
    });
}

/// A SUB's queue holds only subscriptions: a lingering SUB whose publisher
/// is away does not hold its context up.
#[test]
fn a_lingering_sub_does_not_wait_for_an_absent_publisher() {
    within(30, || {
        let ctx = zmq::Context::new();
        let publisher = socket(&ctx, zmq::PUB);
        let Some(ep) = bind(&publisher, Transport::Tcp, "sub-linger") else {
            return;
        };
        let sub_ctx = zmq::Context::new();
        let sub = sub_ctx.socket(zmq::SUB).unwrap();
        sub.set_linger(-1).unwrap();
        sub.set_subscribe(b"a").unwrap();
        sub.connect(&ep).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            publisher.send("a", 0).unwrap();
            if sub.poll(zmq::POLLIN, 20).unwrap() > 0 {
                break;
            }
            assert!(Instant::now() < deadline, "the subscription never arrived");
        }
        drop(publisher);
        std::thread::sleep(Duration::from_millis(300));
        // Queued while the publisher is away.
        sub.set_subscribe(b"b").unwrap();
        let start = Instant::now();
        drop(sub);
        drop(sub_ctx);
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "took {:?}",
            start.elapsed()
        );
    });
}

#[test]
fn linger_zero_close_returns_at_once() {
    within(30, || {
        const N: u64 = 1000;
        const LEN: usize = 16 * 1024;
        let pull_ctx = zmq::Context::new();
        let pull = socket(&pull_ctx, zmq::PULL);
        pull.set_rcvhwm(10).unwrap();
        let Some(ep) = bind(&pull, Transport::Tcp, "linger0") else {
            return;
        };
        let push_ctx = zmq::Context::new();
        let push = push_ctx.socket(zmq::PUSH).unwrap();
        push.set_linger(0).unwrap();
        push.set_sndtimeo(5000).unwrap();
        push.connect(&ep).unwrap();
        wait_writable(&push);
        for i in 0..N {
            push.send(numbered(i, LEN), 0).unwrap();
        }
        let start = Instant::now();
        drop(push);
        assert!(start.elapsed() < Duration::from_millis(100));
        drop(push_ctx);
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "a LINGER 0 context took {:?} to end",
            start.elapsed()
        );
        // Whatever made it is a prefix, in order.
        let mut next = 0;
        while pull.poll(zmq::POLLIN, 200).unwrap() > 0 {
            let m = pull.recv_bytes(0).unwrap();
            assert_eq!(seq_of(&m), next);
            next += 1;
        }
        assert!(next <= N);
    });
}

// ----- 6. context termination ------------------------------------------------

/// tests/context.rs covers this for inproc; here the sockets are served by
/// the I/O thread.
#[test]
fn destroy_wakes_threads_blocked_on_tcp_sockets_with_eterm() {
    within(20, || {
        let mut ctx = zmq::Context::new();
        let (ready_tx, ready_rx) = mpsc::channel();
        let c = ctx.clone();
        let tx = ready_tx.clone();
        let receiver = std::thread::spawn(move || {
            let pull = c.socket(zmq::PULL).unwrap();
            pull.bind("tcp://127.0.0.1:*").unwrap();
            let ep = pull.get_last_endpoint().unwrap().unwrap();
            tx.send(ep).unwrap();
            pull.recv_bytes(0)
        });
        ready_rx.recv().unwrap();
        // The sender's peer lives in another context and never reads; it
        // and the kernel's buffers hold a few of the sender's messages.
        let sink_ctx = zmq::Context::new();
        let sink = socket(&sink_ctx, zmq::PULL);
        sink.set_rcvhwm(1).unwrap();
        let Some(sink_ep) = bind(&sink, Transport::Tcp, "sink") else {
            return;
        };
        let progress = Arc::new(AtomicU64::new(0));
        let c = ctx.clone();
        let p = progress.clone();
        let sender = std::thread::spawn(move || {
            let push = c.socket(zmq::PUSH).unwrap();
            // With the default (forever) the context would wait for the
            // queued message to reach a peer that never reads, as libzmq's
            // zmq_ctx_term would.
            push.set_linger(0).unwrap();
            push.set_sndhwm(1).unwrap();
            push.connect(&sink_ep).unwrap();
            ready_tx.send(String::new()).unwrap();
            let mut sent = 0u64;
            loop {
                if let Err(e) = push.send(numbered(sent, 1 << 20), 0) {
                    return (sent, e);
                }
                sent += 1;
                p.store(sent, Ordering::Relaxed);
            }
        });
        ready_rx.recv().unwrap();
        // Wait until the sender is stuck (no progress for 300 ms).
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = u64::MAX;
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let now = progress.load(Ordering::Relaxed);
            if now == last && now > 0 {
                break;
            }
            last = now;
            assert!(Instant::now() < deadline, "the sender never blocked");
        }
        let start = Instant::now();
        ctx.destroy().unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(receiver.join().unwrap(), Err(zmq::Error::ETERM));
        let (sent, e) = sender.join().unwrap();
        assert_eq!(e, zmq::Error::ETERM, "after {sent} sends");
    });
}

// ----- unbind --------------------------------------------------------------

/// After `unbind` returns, the endpoint is free: binding it again at once
/// succeeds (the listener is really closed, not just scheduled to be).
fn unbind_frees_the_endpoint_before_returning(t: Transport) {
    within(30, move || {
        let ctx = zmq::Context::new();
        let s = socket(&ctx, zmq::PULL);
        let Some(ep) = bind(&s, t, "unbind") else {
            return;
        };
        for i in 0..50 {
            s.unbind(&ep).unwrap();
            s.bind(&ep)
                .unwrap_or_else(|e| panic!("rebind {i} right after unbind: {e}"));
        }
        let push = socket(&ctx, zmq::PUSH);
        push.connect(&ep).unwrap();
        push.send("still listening", 0).unwrap();
        assert_eq!(s.recv_string(0).unwrap().unwrap(), "still listening");
    });
}

#[test]
fn unbind_frees_the_port_before_returning() {
    unbind_frees_the_endpoint_before_returning(Transport::Tcp);
}

#[test]
fn unbind_frees_the_ipc_path_before_returning() {
    unbind_frees_the_endpoint_before_returning(Transport::Ipc);
}
