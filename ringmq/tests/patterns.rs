//! The messaging patterns end to end, on every transport.

mod common;

use common::{bind, socket, Transport};
use ringmq as zmq;
use std::time::{Duration, Instant};

on_every_transport!(
    req_rep_round_trip,
    pub_sub_filters_by_prefix,
    push_pull_round_robin,
    router_dealer_identities,
    multipart_is_delivered_whole,
    send_blocks_at_hwm_until_the_peer_receives,
    xpub_sees_subscriptions,
    pair_exchanges_both_ways,
);

fn req_rep_round_trip(t: Transport) {
    let ctx = zmq::Context::new();
    let rep = socket(&ctx, zmq::REP);
    let Some(ep) = bind(&rep, t, "req-rep") else {
        return;
    };
    let req = socket(&ctx, zmq::REQ);
    req.connect(&ep).unwrap();
    for i in 0..10 {
        req.send(format!("Hello {i}").as_str(), 0).unwrap();
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), format!("Hello {i}"));
        assert!(!rep.get_rcvmore().unwrap());
        rep.send("World", 0).unwrap();
        let mut msg = zmq::Message::new();
        req.recv(&mut msg, 0).unwrap();
        assert_eq!(msg.as_str(), Some("World"));
        assert!(!msg.get_more());
    }
}

/// Publishes `probe` until the subscriber has joined (tcp/ipc subscriptions
/// take a moment to arrive), then drains what the subscriber got.
fn wait_until_joined(publisher: &zmq::Socket, subscriber: &zmq::Socket, probe: &str) {
    let start = Instant::now();
    loop {
        publisher.send(probe, 0).unwrap();
        if subscriber.poll(zmq::POLLIN, 10).unwrap() > 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "subscriber never joined"
        );
    }
    std::thread::sleep(Duration::from_millis(20));
    while subscriber.recv_bytes(zmq::DONTWAIT).is_ok() {}
}

fn pub_sub_filters_by_prefix(t: Transport) {
    let ctx = zmq::Context::new();
    let publisher = socket(&ctx, zmq::PUB);
    let Some(ep) = bind(&publisher, t, "pub-sub") else {
        return;
    };
    let subscriber = socket(&ctx, zmq::SUB);
    subscriber.set_subscribe(b"EUR").unwrap();
    subscriber.connect(&ep).unwrap();
    wait_until_joined(&publisher, &subscriber, "EURprobe");

    publisher.send("USDJPY 151.20", 0).unwrap();
    publisher.send("EURUSD 1.0842", 0).unwrap();
    publisher.send_multipart(["GBPUSD", "1.27"], 0).unwrap();
    publisher.send_multipart(["EURGBP", "0.85"], 0).unwrap();
    assert_eq!(subscriber.recv_string(0).unwrap().unwrap(), "EURUSD 1.0842");
    assert_eq!(
        subscriber.recv_multipart(0).unwrap(),
        vec![b"EURGBP".to_vec(), b"0.85".to_vec()]
    );
    assert_eq!(
        subscriber.recv_bytes(zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );

    // A second subscription, then cancelling the first.
    subscriber.set_subscribe(b"GBP").unwrap();
    subscriber.set_unsubscribe(b"EUR").unwrap();
    wait_until_joined(&publisher, &subscriber, "GBPprobe");
    publisher.send("EURUSD 1.09", 0).unwrap();
    publisher.send("GBPUSD 1.28", 0).unwrap();
    assert_eq!(subscriber.recv_string(0).unwrap().unwrap(), "GBPUSD 1.28");
}

fn push_pull_round_robin(t: Transport) {
    let ctx = zmq::Context::new();
    let push = socket(&ctx, zmq::PUSH);
    let Some(ep) = bind(&push, t, "push-pull") else {
        return;
    };
    let pulls = [socket(&ctx, zmq::PULL), socket(&ctx, zmq::PULL)];
    for p in &pulls {
        p.connect(&ep).unwrap();
    }
    // Over tcp/ipc the connections complete in the background: probe until
    // both pullers are attached. From then on PUSH alternates strictly.
    let start = Instant::now();
    let mut got_probe = [false, false];
    while got_probe != [true, true] {
        push.send("probe", 0).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        for (i, p) in pulls.iter().enumerate() {
            while p.recv_bytes(zmq::DONTWAIT).is_ok() {
                got_probe[i] = true;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "pullers never attached"
        );
    }
    for i in 0..10 {
        push.send(format!("task {i}").as_str(), 0).unwrap();
    }
    let mut counts = [0, 0];
    for (i, p) in pulls.iter().enumerate() {
        while counts[i] < 5 {
            let m = p.recv_string(0).unwrap().unwrap();
            if m.starts_with("task") {
                counts[i] += 1;
            }
        }
    }
    std::thread::sleep(Duration::from_millis(20));
    for p in &pulls {
        while let Ok(m) = p.recv_string(zmq::DONTWAIT) {
            assert_eq!(m.unwrap(), "probe", "each puller gets exactly half");
        }
    }
}

fn router_dealer_identities(t: Transport) {
    let ctx = zmq::Context::new();
    let router = socket(&ctx, zmq::ROUTER);
    let Some(ep) = bind(&router, t, "router-dealer") else {
        return;
    };
    let named = socket(&ctx, zmq::DEALER);
    named.set_identity(b"dealer-1").unwrap();
    assert_eq!(named.get_identity().unwrap(), b"dealer-1");
    named.connect(&ep).unwrap();
    let anonymous = socket(&ctx, zmq::DEALER);
    anonymous.connect(&ep).unwrap();

    named.send("from named", 0).unwrap();
    let msg = router.recv_multipart(0).unwrap();
    assert_eq!(msg, vec![b"dealer-1".to_vec(), b"from named".to_vec()]);

    anonymous.send_multipart(["", "from anonymous"], 0).unwrap();
    let msg = router.recv_multipart(0).unwrap();
    assert_eq!(msg.len(), 3);
    let generated = msg[0].clone();
    assert_eq!(
        generated.len(),
        5,
        "libzmq's form: a zero byte and a counter"
    );
    assert_eq!(generated[0], 0);
    assert_eq!(msg[1], b"");

    router.send("dealer-1", zmq::SNDMORE).unwrap();
    router.send("to named", 0).unwrap();
    router
        .send_multipart([&generated[..], &b""[..], &b"to anonymous"[..]], 0)
        .unwrap();
    assert_eq!(named.recv_string(0).unwrap().unwrap(), "to named");
    assert_eq!(
        anonymous.recv_multipart(0).unwrap(),
        vec![b"".to_vec(), b"to anonymous".to_vec()]
    );

    // Unknown identities are dropped, or refused with ROUTER_MANDATORY.
    router.send_multipart(["nobody", "lost"], 0).unwrap();
    router.set_router_mandatory(true).unwrap();
    assert!(router.is_router_mandatory().unwrap());
    assert_eq!(
        router.send_multipart(["nobody", "refused"], 0),
        Err(zmq::Error::EHOSTUNREACH)
    );
}

fn multipart_is_delivered_whole(t: Transport) {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    let Some(ep) = bind(&pull, t, "multipart") else {
        return;
    };
    let push = socket(&ctx, zmq::PUSH);
    push.connect(&ep).unwrap();

    push.send("part 1", zmq::SNDMORE).unwrap();
    push.send(b"part 2".to_vec(), zmq::SNDMORE).unwrap();
    // Nothing is visible before the last frame.
    assert_eq!(pull.poll(zmq::POLLIN, 50).unwrap(), 0);
    push.send(zmq::Message::from("part 3"), 0).unwrap();

    let first = pull.recv_msg(0).unwrap();
    assert_eq!(first.as_str(), Some("part 1"));
    assert!(first.get_more());
    assert!(pull.get_rcvmore().unwrap());
    // The rest is already here: it arrived with the first frame.
    let second = pull.recv_msg(zmq::DONTWAIT).unwrap();
    assert_eq!(&second[..], b"part 2");
    assert!(pull.get_rcvmore().unwrap());
    let mut buf = [0u8; 4];
    assert_eq!(pull.recv_into(&mut buf, zmq::DONTWAIT).unwrap(), 6);
    assert_eq!(&buf, b"part");
    assert!(!pull.get_rcvmore().unwrap());

    // An empty frame is a frame.
    push.send_multipart([&b""[..], &b""[..], &b"x"[..]], 0)
        .unwrap();
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        vec![vec![], vec![], b"x".to_vec()]
    );
}

fn send_blocks_at_hwm_until_the_peer_receives(t: Transport) {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.set_rcvhwm(5).unwrap();
    let Some(ep) = bind(&pull, t, "hwm") else {
        return;
    };
    let push = socket(&ctx, zmq::PUSH);
    push.set_sndhwm(5).unwrap();
    push.connect(&ep).unwrap();
    // Fill every queue between the two (plus, for tcp, kernel buffers).
    push.send("first", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap().unwrap(), "first");
    let mut sent = 0;
    while push.send("m", zmq::DONTWAIT).is_ok() {
        sent += 1;
        // In inline mode each send reaches the kernel before it returns,
        // so the socket buffers (megabytes on loopback) fill first.
        assert!(sent < 20_000_000, "HWM never reached");
    }
    assert_eq!(push.send("m", zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
    assert_eq!(
        push.get_events().unwrap() & zmq::POLLOUT,
        zmq::PollEvents::empty()
    );
    let receiver = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        let mut n = 0;
        while pull.recv_bytes(0).unwrap() != b"last" {
            n += 1;
        }
        n
    });
    // Blocks until the receiver makes room.
    push.send("last", 0).unwrap();
    assert_eq!(receiver.join().unwrap(), sent);
}

fn xpub_sees_subscriptions(t: Transport) {
    let ctx = zmq::Context::new();
    let xpub = socket(&ctx, zmq::XPUB);
    let Some(ep) = bind(&xpub, t, "xpub") else {
        return;
    };
    let sub = socket(&ctx, zmq::SUB);
    sub.connect(&ep).unwrap();
    sub.set_subscribe(b"topic").unwrap();
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01topic");
    xpub.send("topic data", 0).unwrap();
    assert_eq!(sub.recv_string(0).unwrap().unwrap(), "topic data");
    sub.set_unsubscribe(b"topic").unwrap();
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x00topic");
}

fn pair_exchanges_both_ways(t: Transport) {
    let ctx = zmq::Context::new();
    let a = socket(&ctx, zmq::PAIR);
    let Some(ep) = bind(&a, t, "pair") else {
        return;
    };
    let b = socket(&ctx, zmq::PAIR);
    b.connect(&ep).unwrap();
    a.send("ping", 0).unwrap();
    assert_eq!(b.recv_string(0).unwrap().unwrap(), "ping");
    b.send("pong", 0).unwrap();
    assert_eq!(a.recv_string(0).unwrap().unwrap(), "pong");
}
