//! The inline mode (`Context::set_engine_mode("inline")`,
//! `RINGMQ_ENGINE=inline`): each socket's connections on an engine of its
//! own, turned by its callers, and by the housekeeper while nobody calls.
//! The socket and interop tests run in this mode too (scripts/test runs
//! them with `RINGMQ_ENGINE=inline`: linger, reconnect and HWM among
//! them); these are what only this mode promises.

mod common;

use common::{socket, Transport};
use ringmq as zmq;
use std::time::{Duration, Instant};

/// A PUSH on I/O threads connected to `ep`, `setup` applied before the
/// connect: a peer whose side of the connection never needs the inline
/// socket's caller or housekeeper.
fn io_thread_push(ep: &str, setup: impl FnOnce(&zmq::Socket)) -> (zmq::Context, zmq::Socket) {
    let peer = zmq::Context::new();
    peer.set_engine_mode("io-threads").unwrap();
    let push = socket(&peer, zmq::PUSH);
    setup(&push);
    push.connect(ep).unwrap();
    (peer, push)
}

fn inline_context() -> zmq::Context {
    let ctx = zmq::Context::new();
    ctx.set_engine_mode("inline").unwrap();
    ctx
}

/// Waits (bounded) until `check` holds for `ctx`'s snapshot.
fn eventually(
    ctx: &zmq::Context,
    what: &str,
    check: impl Fn(&ringmq_core::snapshot::Snapshot) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let snap = ctx.snapshot();
        if check(&snap) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {snap:#?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn each_socket_gets_an_engine_of_its_own_named_in_the_snapshot() {
    let ctx = inline_context();
    assert_eq!(ctx.engine_mode(), "inline", "as asked, before the start");
    let _sockets = common::req_rep_round_trips(&ctx, 100, "inline");
    assert_eq!(ctx.engine_mode(), "inline", "as run");
    assert_eq!(ctx.io_backends(), ["epoll"]);
    let snap = ctx.snapshot();
    let mut served: Vec<u64> = snap.io_threads.iter().filter_map(|t| t.socket).collect();
    served.sort_unstable();
    let mut ids: Vec<u64> = snap.sockets.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    assert_eq!(served, ids, "{:#?}", snap.io_threads);
    let json = serde_json::to_string(&snap.io_threads[0]).unwrap();
    assert!(json.contains("\"socket\":"), "{json}");
}

#[test]
fn a_socket_nobody_calls_still_accepts_and_completes_the_handshake() {
    let ctx = inline_context();
    let pull = socket(&ctx, zmq::PULL);
    let ep = common::bind(&pull, Transport::Tcp, "inline-alone").expect("tcp");
    // The peer on I/O threads, so that only the PULL's housekeeper can
    // make its side of the handshake happen.
    let (_peer, push) = io_thread_push(&ep, |_| {});
    eventually(&ctx, "the PULL's engine never took the connection", |s| {
        s.io_threads.iter().any(|t| t.connections == 1)
            && s.sockets.iter().any(|s| !s.pipes.is_empty())
    });
    push.send("hello", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "hello");
}

#[test]
fn a_socket_nobody_calls_still_answers_heartbeats() {
    let ctx = inline_context();
    let pull = socket(&ctx, zmq::PULL);
    let ep = common::bind(&pull, Transport::Tcp, "inline-hb").expect("tcp");
    // PING every 50 ms; a connection without any answer for 200 ms is
    // dropped (and would show as "disconnected").
    let (peer, push) = io_thread_push(&ep, |push| {
        push.set_heartbeat_ivl(50).unwrap();
        push.set_heartbeat_timeout(200).unwrap();
    });
    push.send("first", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "first");
    // Nobody calls the PULL for ten timeouts.
    std::thread::sleep(Duration::from_millis(2000));
    let events = peer.snapshot().events;
    assert!(
        !events.iter().any(|e| e.kind == "disconnected"),
        "the PUSH dropped the silent PULL: {events:#?}"
    );
    push.send("second", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "second");
}

#[test]
fn round_trips_between_two_threads_never_stall() {
    // Requests and replies in pairs, so that bursts are coalesced and the
    // housekeeper turns the engines often, between the callers' turns.
    // (The wake-up it must not lose is tested in the engine's own unit
    // test, `a_wake_before_the_wait_ends_the_wait`.)
    let ctx = inline_context();
    let router = socket(&ctx, zmq::ROUTER);
    let ep = common::bind(&router, Transport::Tcp, "inline-rr").expect("tcp");
    const N: usize = 3_000;
    let server = std::thread::spawn(move || {
        for _ in 0..2 * N {
            let m = router
                .recv_multipart(0)
                .expect("a request within the timeout");
            router.send_multipart(m, 0).unwrap();
        }
    });
    let dealer = socket(&ctx, zmq::DEALER);
    dealer.connect(&ep).unwrap();
    for i in 0..N {
        let (a, b) = ((2 * i).to_le_bytes(), (2 * i + 1).to_le_bytes());
        dealer.send(&a[..], 0).unwrap();
        dealer.send(&b[..], 0).unwrap();
        assert_eq!(dealer.recv_bytes(0).expect("a reply within the timeout"), a);
        assert_eq!(dealer.recv_bytes(0).expect("a reply within the timeout"), b);
    }
    server.join().unwrap();
}

#[test]
fn a_burst_of_sends_is_delivered_whole_and_in_order() {
    // Sends close together are coalesced; the last of a burst goes out
    // with nobody calling the socket again.
    let ctx = inline_context();
    let pull = socket(&ctx, zmq::PULL);
    let ep = common::bind(&pull, Transport::Tcp, "inline-burst").expect("tcp");
    let push = socket(&ctx, zmq::PUSH);
    push.connect(&ep).unwrap();
    push.send("first", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "first");
    for round in 0..20 {
        for i in 0..(round * 7 + 1) {
            push.send(format!("{round}.{i}").as_str(), 0).unwrap();
        }
        for i in 0..(round * 7 + 1) {
            assert_eq!(
                pull.recv_string(0).unwrap().unwrap(),
                format!("{round}.{i}")
            );
        }
    }
}

#[test]
fn zmq_events_sees_what_arrived_without_a_receive() {
    // An application polling ZMQ_EVENTS (an event loop's way) sees a
    // message arrive without calling recv (the call turns the engine; the
    // housekeeper would too, within its interval).
    let ctx = inline_context();
    let pull = socket(&ctx, zmq::PULL);
    let ep = common::bind(&pull, Transport::Tcp, "inline-events").expect("tcp");
    let (_peer, push) = io_thread_push(&ep, |_| {});
    push.send("x", 0).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !pull.get_events().unwrap().contains(zmq::POLLIN) {
        assert!(Instant::now() < deadline, "POLLIN never showed");
        std::thread::yield_now();
    }
    assert_eq!(pull.recv_string(zmq::DONTWAIT).unwrap().unwrap(), "x");
}

#[test]
fn an_unknown_mode_is_einval_and_inline_with_a_forced_io_uring_says_why() {
    let ctx = zmq::Context::new();
    assert_eq!(ctx.set_engine_mode("fibers"), Err(zmq::Error::EINVAL));
    let ctx = inline_context();
    ctx.set_backend("uring").unwrap();
    let s = socket(&ctx, zmq::PULL);
    assert_eq!(s.bind("tcp://127.0.0.1:*"), Err(zmq::Error::EMTHREAD));
    let why = ctx.engine_error().expect("the reason is kept");
    assert!(why.contains("inline"), "{why}");
}
