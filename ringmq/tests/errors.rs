//! Every error a caller can provoke, with libzmq's errno.

mod common;

use common::socket;
use ringmq as zmq;
use std::time::{Duration, Instant};

#[test]
fn dontwait_with_nothing_to_receive_is_eagain() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://eagain-recv").unwrap();
    assert_eq!(pull.recv_bytes(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
    let mut msg = zmq::Message::new();
    assert_eq!(pull.recv(&mut msg, zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
}

#[test]
fn dontwait_with_no_peer_to_send_to_is_eagain() {
    let ctx = zmq::Context::new();
    for t in [zmq::PUSH, zmq::DEALER, zmq::REQ, zmq::PAIR] {
        let s = socket(&ctx, t);
        assert_eq!(s.send("x", zmq::DONTWAIT), Err(zmq::Error::EAGAIN), "{t:?}");
    }
    // The whole multipart message is discarded with the error, so sending it
    // again from the first frame is right.
    let push = socket(&ctx, zmq::PUSH);
    assert_eq!(
        push.send_multipart(["a", "b"], zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    push.bind("inproc://eagain-retry").unwrap();
    let pull = socket(&ctx, zmq::PULL);
    pull.connect("inproc://eagain-retry").unwrap();
    push.send_multipart(["a", "b"], zmq::DONTWAIT).unwrap();
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        vec![b"a".to_vec(), b"b".to_vec()]
    );
}

#[test]
fn rcvtimeo_expires_with_eagain() {
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).unwrap();
    pull.bind("inproc://rcvtimeo").unwrap();
    pull.set_rcvtimeo(100).unwrap();
    assert_eq!(pull.get_rcvtimeo().unwrap(), 100);
    let start = Instant::now();
    assert_eq!(pull.recv_bytes(0), Err(zmq::Error::EAGAIN));
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(100), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    pull.set_rcvtimeo(0).unwrap();
    assert_eq!(pull.recv_bytes(0), Err(zmq::Error::EAGAIN));
}

#[test]
fn sndtimeo_expires_with_eagain() {
    let ctx = zmq::Context::new();
    let push = ctx.socket(zmq::PUSH).unwrap();
    push.set_sndtimeo(100).unwrap();
    let start = Instant::now();
    assert_eq!(push.send("x", 0), Err(zmq::Error::EAGAIN));
    assert!(start.elapsed() >= Duration::from_millis(100));
}

#[test]
fn req_out_of_turn_is_efsm() {
    let ctx = zmq::Context::new();
    let rep = socket(&ctx, zmq::REP);
    rep.bind("inproc://efsm").unwrap();
    let req = socket(&ctx, zmq::REQ);
    req.connect("inproc://efsm").unwrap();

    assert_eq!(
        req.recv_bytes(0),
        Err(zmq::Error::EFSM),
        "receive before send"
    );
    assert_eq!(
        rep.send("x", 0),
        Err(zmq::Error::EFSM),
        "reply before request"
    );
    req.send("one", 0).unwrap();
    assert_eq!(req.send("two", 0), Err(zmq::Error::EFSM), "second request");
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "one");
    assert_eq!(rep.recv_bytes(0), Err(zmq::Error::EFSM), "second receive");
    rep.send("reply", 0).unwrap();
    assert_eq!(req.recv_string(0).unwrap().unwrap(), "reply");
}

#[test]
fn rep_cannot_reply_before_reading_the_whole_request() {
    let ctx = zmq::Context::new();
    let rep = socket(&ctx, zmq::REP);
    rep.bind("inproc://efsm-partial").unwrap();
    let req = socket(&ctx, zmq::REQ);
    req.connect("inproc://efsm-partial").unwrap();
    req.send_multipart(["a", "b"], 0).unwrap();
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "a");
    assert_eq!(rep.send("early", 0), Err(zmq::Error::EFSM));
    assert_eq!(rep.recv_string(0).unwrap().unwrap(), "b");
    rep.send("reply", 0).unwrap();
    assert_eq!(req.recv_string(0).unwrap().unwrap(), "reply");
}

#[test]
fn unsupported_directions_are_enotsup() {
    let ctx = zmq::Context::new();
    for t in [zmq::PUB, zmq::PUSH] {
        let s = socket(&ctx, t);
        assert_eq!(
            s.recv_bytes(zmq::DONTWAIT),
            Err(zmq::Error::ENOTSUP),
            "{t:?}"
        );
        assert_eq!(s.recv_bytes(0), Err(zmq::Error::ENOTSUP), "{t:?}");
    }
    for t in [zmq::SUB, zmq::PULL] {
        let s = socket(&ctx, t);
        assert_eq!(s.send("x", 0), Err(zmq::Error::ENOTSUP), "{t:?}");
        // Reported at the first frame, as libzmq does.
        assert_eq!(s.send("x", zmq::SNDMORE), Err(zmq::Error::ENOTSUP), "{t:?}");
    }
}

#[test]
fn bad_options_are_einval() {
    let ctx = zmq::Context::new();
    let push = ctx.socket(zmq::PUSH).unwrap();
    assert_eq!(push.set_sndhwm(-1), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_rcvhwm(-1), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_linger(-2), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_rcvtimeo(-2), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_sndtimeo(-2), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_reconnect_ivl(-2), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_reconnect_ivl_max(-1), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_heartbeat_ivl(-1), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_heartbeat_ttl(6_553_600), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_heartbeat_timeout(-1), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_handshake_ivl(-1), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_identity(b""), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_identity(&[b'x'; 256]), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_subscribe(b"x"), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_unsubscribe(b"x"), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_router_mandatory(true), Err(zmq::Error::EINVAL));
    assert_eq!(push.is_router_mandatory(), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_xpub_verbose(true), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_conflate(true), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_curve_server(true), Err(zmq::Error::EINVAL));
    assert_eq!(push.set_plain_username(Some("u")), Err(zmq::Error::EINVAL));
    // Features ringmq lacks accept their default.
    push.set_conflate(false).unwrap();
    push.set_plain_username(None).unwrap();
    assert_eq!(push.get_mechanism().unwrap(), zmq::Mechanism::ZMQ_NULL);
    assert_eq!(ctx.set_io_threads(-1), Err(zmq::Error::EINVAL));
}

#[test]
fn options_read_back_with_libzmq_defaults() {
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::ROUTER).unwrap();
    assert_eq!(s.get_socket_type().unwrap(), zmq::ROUTER);
    assert_eq!(s.get_sndhwm().unwrap(), 1000);
    assert_eq!(s.get_rcvhwm().unwrap(), 1000);
    assert_eq!(s.get_linger().unwrap(), -1);
    assert_eq!(s.get_rcvtimeo().unwrap(), -1);
    assert_eq!(s.get_sndtimeo().unwrap(), -1);
    assert_eq!(s.get_reconnect_ivl().unwrap(), 100);
    assert_eq!(s.get_reconnect_ivl_max().unwrap(), 0);
    assert_eq!(s.get_maxmsgsize().unwrap(), -1);
    assert_eq!(s.get_heartbeat_ivl().unwrap(), 0);
    assert_eq!(s.get_heartbeat_timeout().unwrap(), -1);
    assert_eq!(s.get_handshake_ivl().unwrap(), 30_000);
    assert!(!s.is_immediate().unwrap());
    assert!(!s.is_router_mandatory().unwrap());
    assert_eq!(s.get_identity().unwrap(), b"");
    assert_eq!(s.get_last_endpoint().unwrap().unwrap(), "");
    assert!(!s.get_rcvmore().unwrap());

    s.set_sndhwm(0).unwrap();
    s.set_rcvhwm(7).unwrap();
    s.set_maxmsgsize(1 << 20).unwrap();
    s.set_heartbeat_ivl(1000).unwrap();
    s.set_heartbeat_ttl(2345).unwrap();
    s.set_immediate(true).unwrap();
    s.set_tcp_keepalive(1).unwrap();
    assert_eq!(s.get_sndhwm().unwrap(), 0);
    assert_eq!(s.get_rcvhwm().unwrap(), 7);
    assert_eq!(s.get_maxmsgsize().unwrap(), 1 << 20);
    assert_eq!(s.get_heartbeat_ivl().unwrap(), 1000);
    assert_eq!(
        s.get_heartbeat_ttl().unwrap(),
        2300,
        "deciseconds, as libzmq"
    );
    assert!(s.is_immediate().unwrap());
    assert_eq!(s.get_tcp_keepalive().unwrap(), 1);
    assert_eq!(ctx.get_io_threads().unwrap(), 1);
}

#[test]
fn endpoint_errors() {
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::PUB).unwrap();
    for ep in [
        "pgm://eth0;239.192.1.1:5555",
        "epgm://eth0;239.192.1.1:5555",
        "tipc://{5560,0,0}",
        "udp://127.0.0.1:5555",
    ] {
        assert_eq!(s.bind(ep), Err(zmq::Error::EPROTONOSUPPORT), "{ep}");
        assert_eq!(s.connect(ep), Err(zmq::Error::EPROTONOSUPPORT), "{ep}");
    }
    for ep in [
        "",
        "tcp",
        "tcp://",
        "tcp://127.0.0.1",
        "tcp://:5555",
        "inproc://",
        "ipc://",
    ] {
        assert_eq!(s.bind(ep), Err(zmq::Error::EINVAL), "{ep:?}");
        assert_eq!(s.connect(ep), Err(zmq::Error::EINVAL), "{ep:?}");
    }
    s.bind("inproc://taken").unwrap();
    let other = ctx.socket(zmq::PUB).unwrap();
    assert_eq!(other.bind("inproc://taken"), Err(zmq::Error::EADDRINUSE));
    assert_eq!(s.bind("inproc://taken"), Err(zmq::Error::EADDRINUSE));
    assert_eq!(other.unbind("inproc://taken"), Err(zmq::Error::ENOENT));
    assert_eq!(other.unbind("inproc://never"), Err(zmq::Error::ENOENT));
    assert_eq!(other.disconnect("inproc://never"), Err(zmq::Error::ENOENT));
    assert_eq!(
        other.unbind("tcp://127.0.0.1:5555"),
        Err(zmq::Error::ENOENT)
    );
    assert_eq!(
        other.disconnect("tcp://127.0.0.1:5555"),
        Err(zmq::Error::ENOENT)
    );
    // Unbinding frees the name; closing does too.
    s.unbind("inproc://taken").unwrap();
    other.bind("inproc://taken").unwrap();
    drop(other);
    s.bind("inproc://taken").unwrap();
}

#[test]
fn stream_sockets_are_einval() {
    let ctx = zmq::Context::new();
    assert_eq!(ctx.socket(zmq::STREAM).err(), Some(zmq::Error::EINVAL));
}

#[test]
fn errors_carry_libzmq_errno_and_text() {
    assert_eq!(zmq::Error::EAGAIN.to_raw(), 11);
    assert_eq!(zmq::Error::EINVAL.to_raw(), 22);
    assert_eq!(zmq::Error::EFSM.to_raw(), 156_384_763);
    assert_eq!(zmq::Error::ETERM.to_raw(), 156_384_765);
    assert_eq!(zmq::Error::from_raw(156_384_765), zmq::Error::ETERM);
    assert_eq!(
        zmq::Error::EFSM.to_string(),
        "Operation cannot be accomplished in current state"
    );
    assert_eq!(
        format!("{:?}", zmq::Error::EAGAIN),
        "Resource temporarily unavailable"
    );
    let io: std::io::Error = zmq::Error::EADDRINUSE.into();
    assert_eq!(io.kind(), std::io::ErrorKind::AddrInUse);
}

#[test]
fn tcp_endpoint_errors() {
    let ctx = zmq::Context::new();
    let a = socket(&ctx, zmq::PULL);
    let Some(ep) = common::bind(&a, common::Transport::Tcp, "tcp-errors") else {
        return;
    };
    assert!(ep.starts_with("tcp://127.0.0.1:"), "{ep}");
    assert!(!ep.ends_with(":0") && !ep.ends_with(":*"), "{ep}");
    let b = socket(&ctx, zmq::PULL);
    assert_eq!(b.bind(&ep), Err(zmq::Error::EADDRINUSE));
    assert_eq!(b.connect("tcp://127.0.0.1:*"), Err(zmq::Error::EINVAL));
    assert_eq!(b.unbind(&ep), Err(zmq::Error::ENOENT));
    a.unbind(&ep).unwrap();
    assert_eq!(a.unbind(&ep), Err(zmq::Error::ENOENT));
    b.bind(&ep).unwrap();
    let c = socket(&ctx, zmq::PUSH);
    c.connect(&ep).unwrap();
    c.disconnect(&ep).unwrap();
    assert_eq!(c.disconnect(&ep), Err(zmq::Error::ENOENT));
}
