//! Context termination, threads, and the inproc name space.

mod common;

use common::socket;
use ringmq as zmq;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn destroy_wakes_a_thread_blocked_in_recv_with_eterm() {
    common::within(20, || {
        let mut ctx = zmq::Context::new();
        let (ready_tx, ready_rx) = mpsc::channel();
        let c = ctx.clone();
        let blocked = std::thread::spawn(move || {
            let pull = c.socket(zmq::PULL).unwrap();
            pull.bind("inproc://eterm").unwrap();
            ready_tx.send(()).unwrap();
            let first = pull.recv_bytes(0);
            // Later calls fail the same way.
            let later = pull.send("x", 0).err().or(pull.recv_bytes(0).err());
            (first, later, pull.bind("inproc://eterm-2"))
        });
        ready_rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        // Returns once the blocked thread has closed its socket.
        ctx.destroy().unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        let (first, later, bind) = blocked.join().unwrap();
        assert_eq!(first, Err(zmq::Error::ETERM));
        assert_eq!(later, Some(zmq::Error::ETERM));
        assert_eq!(bind, Err(zmq::Error::ETERM));
        assert_eq!(ctx.socket(zmq::PUSH).err(), Some(zmq::Error::ETERM));
    });
}

#[test]
fn destroy_wakes_blocked_send_and_poll() {
    common::within(20, || {
        let mut ctx = zmq::Context::new();
        let (ready_tx, ready_rx) = mpsc::channel();
        let c1 = ctx.clone();
        let tx1 = ready_tx.clone();
        let sender = std::thread::spawn(move || {
            let push = c1.socket(zmq::PUSH).unwrap();
            tx1.send(()).unwrap();
            push.send("nobody is listening", 0)
        });
        let c2 = ctx.clone();
        let poller = std::thread::spawn(move || {
            let sub = c2.socket(zmq::SUB).unwrap();
            ready_tx.send(()).unwrap();
            sub.poll(zmq::POLLIN, -1)
        });
        ready_rx.recv().unwrap();
        ready_rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        ctx.destroy().unwrap();
        assert_eq!(sender.join().unwrap(), Err(zmq::Error::ETERM));
        assert_eq!(poller.join().unwrap(), Err(zmq::Error::ETERM));
    });
}

#[test]
fn sockets_are_send() {
    fn is_send<T: Send>() {}
    is_send::<zmq::Socket>();
    is_send::<zmq::Context>();
    fn is_sync<T: Sync>() {}
    is_sync::<zmq::Context>();

    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://moved").unwrap();
    let push = socket(&ctx, zmq::PUSH);
    push.connect("inproc://moved").unwrap();
    let t = std::thread::spawn(move || {
        push.send("from another thread", 0).unwrap();
        push
    });
    let push = t.join().unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "from another thread");
    drop(push);
}

#[test]
fn connect_before_bind_completes_at_bind() {
    let ctx = zmq::Context::new();
    let push = socket(&ctx, zmq::PUSH);
    push.connect("inproc://later").unwrap();
    assert_eq!(push.get_last_endpoint().unwrap().unwrap(), "inproc://later");
    assert_eq!(push.send("early", zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
    let sub = socket(&ctx, zmq::SUB);
    sub.set_subscribe(b"").unwrap();
    sub.connect("inproc://later-pub").unwrap();

    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://later").unwrap();
    push.send("after bind", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "after bind");

    // The subscription made before the bind reaches the publisher.
    let publisher = socket(&ctx, zmq::PUB);
    publisher.bind("inproc://later-pub").unwrap();
    publisher.send("news", 0).unwrap();
    assert_eq!(sub.recv_string(0).unwrap().unwrap(), "news");
}

#[test]
fn incompatible_inproc_peers_connect_but_exchange_nothing() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://mismatch").unwrap();
    let req = socket(&ctx, zmq::REQ);
    req.connect("inproc://mismatch").unwrap();
    assert_eq!(req.send("x", zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
}

#[test]
fn a_closed_peer_leaves_its_messages_receivable() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.set_rcvhwm(2).unwrap();
    pull.bind("inproc://closing").unwrap();
    let push = ctx.socket(zmq::PUSH).unwrap();
    push.set_sndhwm(100).unwrap();
    push.connect("inproc://closing").unwrap();
    for i in 0..10 {
        push.send(format!("{i}").as_str(), 0).unwrap();
    }
    // Default linger (-1): what the receiver had no room for yet still
    // arrives after the sender is gone.
    drop(push);
    for i in 0..10 {
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("{i}"));
    }
    assert_eq!(pull.recv_bytes(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
}

#[test]
fn linger_zero_drops_what_the_peer_had_no_room_for() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.set_rcvhwm(2).unwrap();
    pull.bind("inproc://linger0").unwrap();
    let push = ctx.socket(zmq::PUSH).unwrap();
    push.set_linger(0).unwrap();
    push.connect("inproc://linger0").unwrap();
    for i in 0..10 {
        push.send(format!("{i}").as_str(), 0).unwrap();
    }
    drop(push);
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "0");
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "1");
    assert_eq!(pull.recv_bytes(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
}

#[test]
fn disconnect_and_reconnect_inproc() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://dc").unwrap();
    let push = socket(&ctx, zmq::PUSH);
    push.connect("inproc://dc").unwrap();
    push.send("one", 0).unwrap();
    push.disconnect("inproc://dc").unwrap();
    assert_eq!(push.disconnect("inproc://dc"), Err(zmq::Error::ENOENT));
    assert_eq!(push.send("lost", zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "one");
    push.connect("inproc://dc").unwrap();
    push.send("two", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "two");
}

#[test]
fn a_second_pair_peer_is_refused_while_the_first_is_attached() {
    let ctx = zmq::Context::new();
    let a = socket(&ctx, zmq::PAIR);
    a.bind("inproc://pair-busy").unwrap();
    let b = socket(&ctx, zmq::PAIR);
    b.connect("inproc://pair-busy").unwrap();
    let c = socket(&ctx, zmq::PAIR);
    c.connect("inproc://pair-busy").unwrap();
    assert_eq!(c.send("x", zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
    b.send("from b", 0).unwrap();
    assert_eq!(a.recv_string(0).unwrap().unwrap(), "from b");
}

#[test]
fn many_messages_across_threads_with_small_queues() {
    const N: usize = 20_000;
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.set_rcvhwm(3).unwrap();
    pull.bind("inproc://stress").unwrap();
    let pushers: Vec<_> = (0..2)
        .map(|p| {
            // Default linger: what is still queued when the sender closes
            // is delivered (LINGER 0 would drop it).
            let push = ctx.socket(zmq::PUSH).unwrap();
            push.set_sndtimeo(common::TIMEOUT_MS).unwrap();
            push.set_sndhwm(3).unwrap();
            push.connect("inproc://stress").unwrap();
            std::thread::spawn(move || {
                for i in 0..N {
                    push.send_multipart([format!("{p}"), format!("{i}")], 0)
                        .unwrap();
                }
            })
        })
        .collect();
    let mut next = [0usize; 2];
    for _ in 0..2 * N {
        let m = pull.recv_multipart(0).unwrap();
        let p: usize = String::from_utf8(m[0].clone()).unwrap().parse().unwrap();
        let i: usize = String::from_utf8(m[1].clone()).unwrap().parse().unwrap();
        assert_eq!(i, next[p], "in order per sender");
        next[p] += 1;
    }
    for t in pushers {
        t.join().unwrap();
    }
}

#[test]
fn req_rep_ping_pong_across_threads() {
    let ctx = zmq::Context::new();
    let rep = socket(&ctx, zmq::REP);
    rep.bind("inproc://ping").unwrap();
    let server = std::thread::spawn(move || {
        for _ in 0..2000 {
            let m = rep.recv_msg(0).unwrap();
            rep.send(m, 0).unwrap();
        }
    });
    let req = socket(&ctx, zmq::REQ);
    req.connect("inproc://ping").unwrap();
    for i in 0..2000u32 {
        req.send(&i.to_be_bytes()[..], 0).unwrap();
        assert_eq!(req.recv_bytes(0).unwrap(), i.to_be_bytes());
    }
    server.join().unwrap();
}

#[test]
fn engine_failure_is_emthread_and_named() {
    let ctx = zmq::Context::new();
    ctx.set_io_threads(0).unwrap();
    assert_eq!(ctx.get_io_threads().unwrap(), 0);
    let s = ctx.socket(zmq::PUB).unwrap();
    assert_eq!(s.bind("tcp://127.0.0.1:*"), Err(zmq::Error::EMTHREAD));
    assert_eq!(s.connect("ipc:///tmp/nowhere"), Err(zmq::Error::EMTHREAD));
    assert!(ctx.engine_error().unwrap().contains("ZMQ_IO_THREADS"));
    // inproc needs no I/O thread.
    s.bind("inproc://no-io-threads").unwrap();
}
