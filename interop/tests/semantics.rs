//! Routing semantics between ringmq and several libzmq 4.3.5 peers:
//! round-robin, fair-queueing, identities, subscription forwarding to a
//! verbose XPUB, and heartbeats keeping a silent link up.

use ringmq_interop::{ringmq_recv, ringmq_socket, show, LibzmqPeer};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const TCP: &str = "tcp://127.0.0.1:*";

fn msg(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

fn bound(s: &ringmq::Socket) -> String {
    s.bind(TCP).expect("ringmq bind");
    s.get_last_endpoint()
        .expect("LAST_ENDPOINT")
        .expect("utf-8")
}

/// A ringmq DEALER round-robins across three libzmq DEALERs: after each has
/// said hello (so all three are attached), six messages go two to each.
#[test]
fn ringmq_dealer_round_robins_across_three_libzmq_dealers() {
    let ctx = ringmq::Context::new();
    let dealer = ringmq_socket(&ctx, ringmq::DEALER);
    let ep = bound(&dealer);
    let mut peer = LibzmqPeer::start();
    let ids = ["d0", "d1", "d2"];
    for id in ids {
        peer.socket(id, "DEALER", &[]);
        peer.connect(id, &ep);
        peer.send(id, &[b"hello", id.as_bytes()]);
    }
    let mut hellos = HashSet::new();
    for _ in 0..3 {
        let got = ringmq_recv(&dealer, 5000).expect("a hello from each libzmq DEALER");
        assert_eq!(got[0], b"hello", "got {}", show(&got));
        hellos.insert(got[1].clone());
    }
    assert_eq!(hellos.len(), 3, "three different peers said hello");
    for i in 0..6u8 {
        dealer
            .send_multipart([&[b'm', b'0' + i][..]], 0)
            .expect("send");
    }
    for id in ids {
        let mut got = Vec::new();
        for _ in 0..2 {
            got.push(
                peer.recv(id, 5000)
                    .unwrap_or_else(|| panic!("{id} got fewer than 2 messages")),
            );
        }
        if let Some(extra) = peer.recv(id, 200) {
            panic!(
                "{id} got a third message {} (first two {got:?})",
                show(&extra)
            );
        }
    }
}

/// A ringmq PULL fair-queues three libzmq PUSHes that each queued three
/// messages before it reads: its first three messages come from three
/// different peers, and each peer's messages arrive in order.
#[test]
fn ringmq_pull_fair_queues_three_libzmq_pushers() {
    let ctx = ringmq::Context::new();
    let pull = ringmq_socket(&ctx, ringmq::PULL);
    let ep = bound(&pull);
    let mut peer = LibzmqPeer::start();
    let ids = ["p0", "p1", "p2"];
    for id in ids {
        peer.socket(id, "PUSH", &[]);
        peer.connect(id, &ep);
    }
    for id in ids {
        for k in 0..3u8 {
            peer.send(id, &[id.as_bytes(), &[b'0' + k]]);
        }
    }
    // Let all nine reach ringmq before the first read.
    std::thread::sleep(Duration::from_millis(500));
    let mut got = Vec::new();
    for _ in 0..9 {
        got.push(ringmq_recv(&pull, 5000).expect("nine messages in all"));
    }
    let first: HashSet<&[u8]> = got[..3].iter().map(|m| m[0].as_slice()).collect();
    assert_eq!(first.len(), 3, "first three not from three peers: {got:?}");
    for id in ids {
        let seq: Vec<u8> = got
            .iter()
            .filter(|m| m[0] == id.as_bytes())
            .map(|m| m[1][0])
            .collect();
        assert_eq!(
            seq, b"012",
            "{id}'s messages out of order or missing: {got:?}"
        );
    }
}

/// A libzmq DEALER with IDENTITY "peerA" is known to a ringmq ROUTER by
/// that name, and replies reach it.
#[test]
fn ringmq_router_sees_libzmq_dealer_identity() {
    let ctx = ringmq::Context::new();
    let router = ringmq_socket(&ctx, ringmq::ROUTER);
    router.set_router_mandatory(true).expect("ROUTER_MANDATORY");
    let ep = bound(&router);
    let mut peer = LibzmqPeer::start();
    peer.socket("d", "DEALER", &[]);
    peer.set_bytes("d", "IDENTITY", b"peerA");
    peer.connect("d", &ep);
    peer.send("d", &[b"hi"]);
    let got = ringmq_recv(&router, 5000).expect("the DEALER's message");
    assert_eq!(got, msg(&[b"peerA", b"hi"]), "ROUTER got {}", show(&got));
    router
        .send_multipart([&b"peerA"[..], b"back"], 0)
        .expect("route to peerA");
    let got = peer.recv("d", 5000).expect("the reply");
    assert_eq!(got, msg(&[b"back"]));
}

/// A ringmq DEALER with identity "ringA" is known to a libzmq ROUTER by
/// that name, and replies reach it.
#[test]
fn libzmq_router_sees_ringmq_dealer_identity() {
    let mut peer = LibzmqPeer::start();
    peer.socket("r", "ROUTER", &[("ROUTER_MANDATORY", 1)]);
    let ep = peer.bind("r", TCP);
    let ctx = ringmq::Context::new();
    let dealer = ringmq_socket(&ctx, ringmq::DEALER);
    dealer.set_identity(b"ringA").expect("IDENTITY");
    dealer.connect(&ep).expect("connect");
    dealer.send("hi", 0).expect("send");
    let got = peer.recv("r", 5000).expect("the DEALER's message");
    assert_eq!(
        got,
        msg(&[b"ringA", b"hi"]),
        "libzmq ROUTER got {}",
        show(&got)
    );
    peer.send("r", &[b"ringA", b"back"]);
    let got = ringmq_recv(&dealer, 5000).expect("the reply");
    assert_eq!(got, msg(&[b"back"]));
}

/// Receives one message on the libzmq XPUB `x` within `ms`, or `None`.
fn xpub_next(peer: &mut LibzmqPeer, ms: u64) -> Option<Vec<u8>> {
    peer.recv("x", ms).map(|m| {
        assert_eq!(
            m.len(),
            1,
            "subscription messages have one frame: {}",
            show(&m)
        );
        m.into_iter().next().expect("one frame")
    })
}

/// Two ringmq SUBs subscribed to "A" on a libzmq XPUB; it publishes "A…"
/// and "B…" and each SUB gets only "A…". Returns the two SUBs.
fn two_subs_on_verbose_xpub(
    ctx: &ringmq::Context,
    peer: &mut LibzmqPeer,
    verboser: bool,
) -> (ringmq::Socket, ringmq::Socket) {
    let mut opts = vec![("XPUB_VERBOSE", 1)];
    if verboser {
        opts.push(("XPUB_VERBOSER", 1));
    }
    peer.socket("x", "XPUB", &opts);
    let ep = peer.bind("x", TCP);
    let s1 = ringmq_socket(ctx, ringmq::SUB);
    s1.connect(&ep).expect("connect");
    s1.set_subscribe(b"A").expect("SUBSCRIBE");
    assert_eq!(
        xpub_next(peer, 5000).as_deref(),
        Some(&b"\x01A"[..]),
        "first SUB's subscription"
    );
    let s2 = ringmq_socket(ctx, ringmq::SUB);
    s2.connect(&ep).expect("connect");
    s2.set_subscribe(b"A").expect("SUBSCRIBE");
    assert_eq!(
        xpub_next(peer, 5000).as_deref(),
        Some(&b"\x01A"[..]),
        "second SUB's subscription to the same topic (XPUB_VERBOSE passes repeats)"
    );
    // Both subscriptions are in force at the XPUB: no slow joiner.
    peer.send("x", &[b"B-msg"]);
    peer.send("x", &[b"A-msg"]);
    peer.send("x", &[b"B-msg"]);
    peer.send("x", &[b"A-end"]);
    for s in [&s1, &s2] {
        let got: Vec<Vec<u8>> = (0..2)
            .map(|_| ringmq_recv(s, 5000).expect("A messages").remove(0))
            .collect();
        assert_eq!(got, msg(&[b"A-msg", b"A-end"]), "a SUB to A got {got:?}");
    }
    (s1, s2)
}

/// libzmq 4.3.5's XPUB_VERBOSE passes every subscription but only the last
/// cancellation of a topic (passing every one needs XPUB_VERBOSER): so the
/// first ringmq SUB's unsubscribe is not reported, the second's is.
#[test]
fn libzmq_verbose_xpub_sees_ringmq_subscriptions() {
    let mut peer = LibzmqPeer::start();
    let ctx = ringmq::Context::new();
    let (s1, s2) = two_subs_on_verbose_xpub(&ctx, &mut peer, false);
    s1.set_unsubscribe(b"A").expect("UNSUBSCRIBE");
    assert_eq!(
        xpub_next(&mut peer, 300),
        None,
        "another SUB still wants A: not reported without XPUB_VERBOSER"
    );
    s2.set_unsubscribe(b"A").expect("UNSUBSCRIBE");
    assert_eq!(
        xpub_next(&mut peer, 5000).as_deref(),
        Some(&b"\x00A"[..]),
        "the last cancellation"
    );
    assert_eq!(xpub_next(&mut peer, 300), None, "one cancellation reported");
}

/// With XPUB_VERBOSER every cancellation is reported: each ringmq SUB's.
/// A ringmq SUB that subscribes twice forwards both subscriptions and only
/// its last unsubscribe, as a libzmq SUB does.
#[test]
fn libzmq_verboser_xpub_sees_every_ringmq_cancellation() {
    let mut peer = LibzmqPeer::start();
    let ctx = ringmq::Context::new();
    let (s1, s2) = two_subs_on_verbose_xpub(&ctx, &mut peer, true);
    s1.set_unsubscribe(b"A").expect("UNSUBSCRIBE");
    assert_eq!(
        xpub_next(&mut peer, 5000).as_deref(),
        Some(&b"\x00A"[..]),
        "s1's cancellation"
    );
    s2.set_subscribe(b"A").expect("SUBSCRIBE");
    assert_eq!(
        xpub_next(&mut peer, 5000).as_deref(),
        Some(&b"\x01A"[..]),
        "s2's repeated subscription"
    );
    s2.set_unsubscribe(b"A").expect("UNSUBSCRIBE");
    assert_eq!(
        xpub_next(&mut peer, 300),
        None,
        "s2 still holds A once: nothing forwarded"
    );
    s2.set_unsubscribe(b"A").expect("UNSUBSCRIBE");
    assert_eq!(
        xpub_next(&mut peer, 5000).as_deref(),
        Some(&b"\x00A"[..]),
        "s2's last cancellation"
    );
    assert_eq!(xpub_next(&mut peer, 300), None, "nothing more");
}

/// The silence that heartbeats must bridge: five times the timeout.
const SILENCE: Duration = Duration::from_millis(1500);

/// A libzmq ROUTER pinging every 100 ms and timing out after 300 ms keeps
/// a ringmq DEALER (which must answer PINGs) attached through 1.5 s of
/// silence: its second message comes with the same routing id, where a
/// reconnect would have made a new one.
fn libzmq_router_keeps_ringmq_dealer(dealer_heartbeats: bool) {
    let mut peer = LibzmqPeer::start();
    peer.socket(
        "r",
        "ROUTER",
        &[
            ("HEARTBEAT_IVL", 100),
            ("HEARTBEAT_TIMEOUT", 300),
            ("ROUTER_MANDATORY", 1),
        ],
    );
    let ep = peer.bind("r", TCP);
    let ctx = ringmq::Context::new();
    let dealer = ringmq_socket(&ctx, ringmq::DEALER);
    if dealer_heartbeats {
        dealer.set_heartbeat_ivl(100).expect("HEARTBEAT_IVL");
        dealer
            .set_heartbeat_timeout(300)
            .expect("HEARTBEAT_TIMEOUT");
    }
    dealer.connect(&ep).expect("connect");
    dealer.send("1", 0).expect("send");
    let first = peer.recv("r", 5000).expect("message 1");
    assert_eq!(first[1..], msg(&[b"1"])[..], "got {}", show(&first));
    let started = Instant::now();
    std::thread::sleep(SILENCE);
    dealer.send("2", 0).expect("send");
    let second = peer.recv("r", 5000).expect("message 2");
    assert_eq!(second[1..], msg(&[b"2"])[..], "got {}", show(&second));
    assert_eq!(
        first[0], second[0],
        "the routing id changed after {:?} of silence: libzmq dropped the link (ringmq did not answer PING?) and ringmq reconnected",
        started.elapsed()
    );
    peer.send("r", &[&first[0], b"back"]);
    assert_eq!(ringmq_recv(&dealer, 5000), Some(msg(&[b"back"])));
}

#[test]
fn heartbeating_libzmq_router_keeps_silent_ringmq_dealer() {
    libzmq_router_keeps_ringmq_dealer(false);
}

#[test]
fn heartbeating_libzmq_router_keeps_heartbeating_ringmq_dealer() {
    libzmq_router_keeps_ringmq_dealer(true);
}

/// The reverse: a ringmq ROUTER pinging every 100 ms with a 300 ms timeout
/// keeps a libzmq DEALER (which answers PINGs) through 1.5 s of silence.
#[test]
fn heartbeating_ringmq_router_keeps_silent_libzmq_dealer() {
    let ctx = ringmq::Context::new();
    let router = ringmq_socket(&ctx, ringmq::ROUTER);
    router.set_router_mandatory(true).expect("ROUTER_MANDATORY");
    router.set_heartbeat_ivl(100).expect("HEARTBEAT_IVL");
    router
        .set_heartbeat_timeout(300)
        .expect("HEARTBEAT_TIMEOUT");
    let ep = bound(&router);
    let mut peer = LibzmqPeer::start();
    peer.socket("d", "DEALER", &[]);
    peer.connect("d", &ep);
    peer.send("d", &[b"1"]);
    let first = ringmq_recv(&router, 5000).expect("message 1");
    assert_eq!(first[1..], msg(&[b"1"])[..], "got {}", show(&first));
    std::thread::sleep(SILENCE);
    peer.send("d", &[b"2"]);
    let second = ringmq_recv(&router, 5000).expect("message 2");
    assert_eq!(second[1..], msg(&[b"2"])[..], "got {}", show(&second));
    assert_eq!(
        first[0], second[0],
        "the routing id changed: ringmq dropped the link to a peer that answers its PINGs"
    );
    router
        .send_multipart([&first[0][..], b"back"], 0)
        .expect("route back");
    assert_eq!(peer.recv("d", 5000), Some(msg(&[b"back"])));
}
