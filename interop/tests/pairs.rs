//! Every compatible socket pair between ringmq and libzmq 4.3.5: ringmq as
//! either member, either side binding, over tcp and ipc.
//!
//! Each case is its own test, named
//! `{transport}_{impl of A}_{type A}_{binds|connects}_{impl of B}_{type B}_{binds|connects}`,
//! where (A, B) is the pair as listed in `zmq_socket(3)`'s compatibility
//! tables (REQ-REP, REQ-ROUTER, …). Every blocking step is bounded: ringmq
//! sockets have RCVTIMEO/SNDTIMEO, the libzmq peer gets a timeout per call.

use ringmq_interop::{ringmq_recv, ringmq_socket, show, LibzmqPeer, TempDir};
use std::time::{Duration, Instant};

/// The three-frame body every case sends: one frame empty, to check that
/// multipart messages arrive whole and empty frames survive.
const BODY: [&[u8]; 3] = [b"first", b"", b"third"];
const REPLY: [&[u8]; 3] = [b"reply", b"", b"end"];
/// How long one expected message may take.
const WAIT_MS: u64 = 5000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Impl {
    Ringmq,
    Libzmq,
}

#[derive(Clone, Copy, Debug)]
enum Transport {
    Tcp,
    Ipc,
}

/// One member of the pair: a ringmq socket, or a socket in a libzmq peer.
enum End {
    Ringmq {
        sock: Box<ringmq::Socket>,
        // Dropped after the socket.
        _ctx: ringmq::Context,
        ty: &'static str,
    },
    Libzmq {
        peer: LibzmqPeer,
        ty: &'static str,
    },
}

const ID: &str = "s";

fn ringmq_type(ty: &str) -> ringmq::SocketType {
    match ty {
        "REQ" => ringmq::REQ,
        "REP" => ringmq::REP,
        "DEALER" => ringmq::DEALER,
        "ROUTER" => ringmq::ROUTER,
        "PUB" => ringmq::PUB,
        "SUB" => ringmq::SUB,
        "XPUB" => ringmq::XPUB,
        "XSUB" => ringmq::XSUB,
        "PUSH" => ringmq::PUSH,
        "PULL" => ringmq::PULL,
        "PAIR" => ringmq::PAIR,
        _ => panic!("unknown socket type {ty}"),
    }
}

impl End {
    fn new(imp: Impl, ty: &'static str, identity: Option<&[u8]>) -> End {
        match imp {
            Impl::Ringmq => {
                let ctx = ringmq::Context::new();
                let sock = ringmq_socket(&ctx, ringmq_type(ty));
                if ty == "ROUTER" {
                    sock.set_router_mandatory(true).expect("ROUTER_MANDATORY");
                }
                if let Some(id) = identity {
                    sock.set_identity(id).expect("IDENTITY");
                }
                End::Ringmq {
                    sock: Box::new(sock),
                    _ctx: ctx,
                    ty,
                }
            }
            Impl::Libzmq => {
                let mut peer = LibzmqPeer::start();
                let opts: &[(&str, i64)] = if ty == "ROUTER" {
                    &[("ROUTER_MANDATORY", 1)]
                } else {
                    &[]
                };
                peer.socket(ID, ty, opts);
                if let Some(id) = identity {
                    peer.set_bytes(ID, "IDENTITY", id);
                }
                End::Libzmq { peer, ty }
            }
        }
    }

    fn name(&self) -> String {
        match self {
            End::Ringmq { ty, .. } => format!("ringmq {ty}"),
            End::Libzmq { ty, .. } => format!("libzmq {ty}"),
        }
    }

    fn bind(&mut self, ep: &str) -> String {
        match self {
            End::Ringmq { sock, .. } => {
                sock.bind(ep).expect("ringmq bind");
                sock.get_last_endpoint()
                    .expect("LAST_ENDPOINT")
                    .expect("utf-8 endpoint")
            }
            End::Libzmq { peer, .. } => peer.bind(ID, ep),
        }
    }

    fn connect(&mut self, ep: &str) {
        match self {
            End::Ringmq { sock, .. } => sock.connect(ep).expect("ringmq connect"),
            End::Libzmq { peer, .. } => peer.connect(ID, ep),
        }
    }

    /// Sends, or returns the errno name.
    fn try_send(&mut self, parts: &[&[u8]]) -> Result<(), String> {
        match self {
            End::Ringmq { sock, .. } => match sock.send_multipart(parts.iter().copied(), 0) {
                Ok(()) => Ok(()),
                Err(ringmq::Error::EHOSTUNREACH) => Err("EHOSTUNREACH".into()),
                Err(ringmq::Error::EAGAIN) => Err("EAGAIN".into()),
                Err(e) => Err(format!("{e:?}")),
            },
            End::Libzmq { peer, .. } => peer.try_send(ID, parts, WAIT_MS),
        }
    }

    fn send(&mut self, parts: &[&[u8]]) {
        if let Err(e) = self.try_send(parts) {
            panic!(
                "{} could not send {}: {e}",
                self.name(),
                show(&owned(parts))
            );
        }
    }

    fn recv(&mut self, timeout_ms: u64) -> Option<Vec<Vec<u8>>> {
        match self {
            End::Ringmq { sock, .. } => {
                ringmq_recv(sock, i32::try_from(timeout_ms).expect("timeout"))
            }
            End::Libzmq { peer, .. } => peer.recv(ID, timeout_ms),
        }
    }

    /// Receives within [`WAIT_MS`] or fails naming `what`.
    fn expect(&mut self, what: &str) -> Vec<Vec<u8>> {
        match self.recv(WAIT_MS) {
            Some(m) => m,
            None => panic!(
                "{} received nothing within {WAIT_MS} ms ({what})",
                self.name()
            ),
        }
    }

    /// SUB: the SUBSCRIBE option; XSUB: the subscription message.
    fn subscribe(&mut self, topic: &[u8]) {
        let is_xsub = match self {
            End::Ringmq { ty, .. } | End::Libzmq { ty, .. } => *ty == "XSUB",
        };
        if is_xsub {
            let mut sub = vec![1u8];
            sub.extend_from_slice(topic);
            self.send(&[&sub]);
            return;
        }
        match self {
            End::Ringmq { sock, .. } => sock.set_subscribe(topic).expect("SUBSCRIBE"),
            End::Libzmq { peer, .. } => peer.set_bytes(ID, "SUBSCRIBE", topic),
        }
    }
}

fn owned(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

fn with_prefix(prefix: &[&[u8]], parts: &[&[u8]]) -> Vec<Vec<u8>> {
    owned(&[prefix, parts].concat())
}

/// Runs one case: builds both ends, binds one, connects the other, and
/// makes messages flow as the pair's semantics say.
fn run_case(
    tr: Transport,
    a_impl: Impl,
    a_ty: &'static str,
    a_binds: bool,
    b_impl: Impl,
    b_ty: &'static str,
) {
    let dir = TempDir::new();
    let (a_id, b_id): (Option<&[u8]>, Option<&[u8]>) = if (a_ty, b_ty) == ("ROUTER", "ROUTER") {
        (Some(b"router-a"), Some(b"router-b"))
    } else {
        (None, None)
    };
    let mut a = End::new(a_impl, a_ty, a_id);
    let mut b = End::new(b_impl, b_ty, b_id);
    let ep = match tr {
        Transport::Tcp => "tcp://127.0.0.1:*".to_string(),
        Transport::Ipc => dir.ipc("pair.sock"),
    };
    {
        let (binder, connector) = if a_binds {
            (&mut a, &mut b)
        } else {
            (&mut b, &mut a)
        };
        let resolved = binder.bind(&ep);
        connector.connect(&resolved);
    }
    match (a_ty, b_ty) {
        ("REQ", "REP") => req_rep(&mut a, &mut b),
        ("REQ", "ROUTER") => req_router(&mut a, &mut b),
        ("REP", "DEALER") => rep_dealer(&mut a, &mut b),
        ("DEALER", "DEALER") | ("PAIR", "PAIR") => both_ways(&mut a, &mut b),
        ("DEALER", "ROUTER") => dealer_router(&mut a, &mut b),
        ("ROUTER", "ROUTER") => router_router(&mut a, &mut b),
        ("PUB" | "XPUB", "SUB" | "XSUB") => pub_sub(&mut a, &mut b),
        ("PUSH", "PULL") => push_pull(&mut a, &mut b),
        _ => panic!("no scenario for {a_ty}-{b_ty}"),
    }
}

/// REQ sends, REP receives the body without the envelope and replies, the
/// REQ receives the reply. Twice, so the REQ/REP state machines turn round.
fn req_rep(req: &mut End, rep: &mut End) {
    for round in 0..2 {
        req.send(&BODY);
        let got = rep.expect("the request");
        assert_eq!(got, owned(&BODY), "round {round}: REP got {}", show(&got));
        rep.send(&REPLY);
        let got = req.expect("the reply");
        assert_eq!(got, owned(&REPLY), "round {round}: REQ got {}", show(&got));
    }
}

/// The ROUTER sees [identity, "", body…]; its reply [identity, "", reply…]
/// reaches the REQ as [reply…].
fn req_router(req: &mut End, router: &mut End) {
    for round in 0..2 {
        req.send(&BODY);
        let got = router.expect("the request");
        assert_eq!(got.len(), 5, "round {round}: ROUTER got {}", show(&got));
        assert!(!got[0].is_empty(), "empty identity: {}", show(&got));
        assert_eq!(
            got[1..],
            with_prefix(&[b""], &BODY)[..],
            "round {round}: ROUTER got {}",
            show(&got)
        );
        let id = got[0].clone();
        router.send(&[&[&id[..], b""][..], &REPLY[..]].concat());
        let got = req.expect("the reply");
        assert_eq!(got, owned(&REPLY), "round {round}: REQ got {}", show(&got));
    }
}

/// A DEALER talking to a REP sends the empty delimiter itself and receives
/// it back before the reply.
fn rep_dealer(rep: &mut End, dealer: &mut End) {
    for round in 0..2 {
        dealer.send(&[&[b"" as &[u8]][..], &BODY[..]].concat());
        let got = rep.expect("the request");
        assert_eq!(got, owned(&BODY), "round {round}: REP got {}", show(&got));
        rep.send(&REPLY);
        let got = dealer.expect("the reply");
        assert_eq!(
            got,
            with_prefix(&[b""], &REPLY),
            "round {round}: DEALER got {}",
            show(&got)
        );
    }
}

/// DEALER-DEALER and PAIR-PAIR: a message each way, whole.
fn both_ways(a: &mut End, b: &mut End) {
    for round in 0..2 {
        a.send(&BODY);
        let got = b.expect("A's message");
        assert_eq!(got, owned(&BODY), "round {round}: B got {}", show(&got));
        b.send(&REPLY);
        let got = a.expect("B's message");
        assert_eq!(got, owned(&REPLY), "round {round}: A got {}", show(&got));
    }
}

/// The ROUTER sees [identity, body…] and routes [identity, reply…] back.
fn dealer_router(dealer: &mut End, router: &mut End) {
    for round in 0..2 {
        dealer.send(&BODY);
        let got = router.expect("the DEALER's message");
        assert_eq!(got.len(), 4, "round {round}: ROUTER got {}", show(&got));
        assert_eq!(
            got[1..],
            BODY.map(<[u8]>::to_vec)[..],
            "ROUTER got {}",
            show(&got)
        );
        let id = got[0].clone();
        router.send(&[&[&id[..]][..], &REPLY[..]].concat());
        let got = dealer.expect("the reply");
        assert_eq!(
            got,
            owned(&REPLY),
            "round {round}: DEALER got {}",
            show(&got)
        );
    }
}

/// Both ROUTERs have identities; A sends to "router-b" with
/// ROUTER_MANDATORY, retrying on EHOSTUNREACH until the handshake is done.
fn router_router(a: &mut End, b: &mut End) {
    let deadline = Instant::now() + Duration::from_millis(WAIT_MS);
    let msg = [&[b"router-b" as &[u8]][..], &BODY[..]].concat();
    loop {
        match a.try_send(&msg) {
            Ok(()) => break,
            Err(e) if e == "EHOSTUNREACH" && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("{} could not send to router-b: {e}", a.name()),
        }
    }
    let got = b.expect("A's message");
    assert_eq!(
        got,
        with_prefix(&[b"router-a"], &BODY),
        "B got {}",
        show(&got)
    );
    b.send(&[&[b"router-a" as &[u8]][..], &REPLY[..]].concat());
    let got = a.expect("B's reply");
    assert_eq!(
        got,
        with_prefix(&[b"router-b"], &REPLY),
        "A got {}",
        show(&got)
    );
}

/// The subscriber subscribes to "topic"; an XPUB sees "\x01topic". The
/// publisher publishes a non-matching and a matching message until the
/// first matching one arrives (slow joiner); then one more of each and a
/// last matching one: nothing that does not start with "topic" may arrive.
fn pub_sub(publisher: &mut End, subscriber: &mut End) {
    subscriber.subscribe(b"topic");
    if publisher.name().ends_with("XPUB") {
        // A libzmq socket takes in a new connection (and a SUB sends it its
        // subscriptions) only while the application calls into it: so the
        // subscriber is polled while the XPUB waits.
        let deadline = Instant::now() + Duration::from_millis(WAIT_MS);
        loop {
            if let Some(got) = publisher.recv(50) {
                assert_eq!(got, vec![b"\x01topic".to_vec()], "XPUB got {}", show(&got));
                break;
            }
            if let Some(got) = subscriber.recv(1) {
                panic!(
                    "subscriber got {} before anything was published",
                    show(&got)
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} never saw the subscription",
                publisher.name()
            );
        }
    }
    let matching: [&[u8]; 3] = [b"topic-1", b"", b"third"];
    let other: [&[u8]; 3] = [b"other", b"", b"third"];
    let check = |got: &[Vec<u8>]| {
        assert!(
            got.len() == 3
                && got[0].starts_with(b"topic")
                && got[1].is_empty()
                && got[2] == b"third",
            "subscriber got {}",
            show(got)
        );
    };
    let deadline = Instant::now() + Duration::from_millis(WAIT_MS);
    loop {
        publisher.send(&other);
        publisher.send(&matching);
        if let Some(got) = subscriber.recv(50) {
            check(&got);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} never received a matching message",
            subscriber.name()
        );
    }
    publisher.send(&other);
    publisher.send(&[b"topic-last", b"", b"third"]);
    loop {
        let got = subscriber.expect("topic-last");
        check(&got);
        if got[0] == b"topic-last" {
            break;
        }
    }
}

/// PUSH sends five messages; PULL receives them whole and in order.
fn push_pull(push: &mut End, pull: &mut End) {
    for i in 0..5u8 {
        push.send(&[&[b'm', b'0' + i][..], b"", b"third"]);
    }
    for i in 0..5u8 {
        let got = pull.expect("the next message");
        assert_eq!(
            got,
            vec![vec![b'm', b'0' + i], vec![], b"third".to_vec()],
            "message {i}: PULL got {}",
            show(&got)
        );
    }
}

/// One test per row: `name: Transport, ImplA TYPEA binds|connects, ImplB TYPEB binds|connects;`.
macro_rules! cases {
    ($($name:ident: $tr:ident, $ai:ident $a:ident $ar:ident, $bi:ident $b:ident $br:ident;)*) => {$(
        #[test]
        fn $name() {
            let expected = format!(
                "{}_{}_{}_{}_{}_{}_{}",
                stringify!($tr), stringify!($ai), stringify!($a), stringify!($ar),
                stringify!($bi), stringify!($b), stringify!($br)
            ).to_lowercase();
            assert_eq!(stringify!($name), expected, "the case's name must say what it tests");
            assert_ne!(stringify!($ar), stringify!($br), "one side binds, the other connects");
            run_case(
                Transport::$tr,
                Impl::$ai,
                stringify!($a),
                stringify!($ar) == "binds",
                Impl::$bi,
                stringify!($b),
            );
        }
    )*};
}

cases! {
    tcp_ringmq_req_binds_libzmq_rep_connects: Tcp, Ringmq REQ binds, Libzmq REP connects;
    tcp_ringmq_req_connects_libzmq_rep_binds: Tcp, Ringmq REQ connects, Libzmq REP binds;
    tcp_libzmq_req_binds_ringmq_rep_connects: Tcp, Libzmq REQ binds, Ringmq REP connects;
    tcp_libzmq_req_connects_ringmq_rep_binds: Tcp, Libzmq REQ connects, Ringmq REP binds;
    tcp_ringmq_req_binds_libzmq_router_connects: Tcp, Ringmq REQ binds, Libzmq ROUTER connects;
    tcp_ringmq_req_connects_libzmq_router_binds: Tcp, Ringmq REQ connects, Libzmq ROUTER binds;
    tcp_libzmq_req_binds_ringmq_router_connects: Tcp, Libzmq REQ binds, Ringmq ROUTER connects;
    tcp_libzmq_req_connects_ringmq_router_binds: Tcp, Libzmq REQ connects, Ringmq ROUTER binds;
    tcp_ringmq_rep_binds_libzmq_dealer_connects: Tcp, Ringmq REP binds, Libzmq DEALER connects;
    tcp_ringmq_rep_connects_libzmq_dealer_binds: Tcp, Ringmq REP connects, Libzmq DEALER binds;
    tcp_libzmq_rep_binds_ringmq_dealer_connects: Tcp, Libzmq REP binds, Ringmq DEALER connects;
    tcp_libzmq_rep_connects_ringmq_dealer_binds: Tcp, Libzmq REP connects, Ringmq DEALER binds;
    tcp_ringmq_dealer_binds_libzmq_dealer_connects: Tcp, Ringmq DEALER binds, Libzmq DEALER connects;
    tcp_ringmq_dealer_connects_libzmq_dealer_binds: Tcp, Ringmq DEALER connects, Libzmq DEALER binds;
    tcp_libzmq_dealer_binds_ringmq_dealer_connects: Tcp, Libzmq DEALER binds, Ringmq DEALER connects;
    tcp_libzmq_dealer_connects_ringmq_dealer_binds: Tcp, Libzmq DEALER connects, Ringmq DEALER binds;
    tcp_ringmq_dealer_binds_libzmq_router_connects: Tcp, Ringmq DEALER binds, Libzmq ROUTER connects;
    tcp_ringmq_dealer_connects_libzmq_router_binds: Tcp, Ringmq DEALER connects, Libzmq ROUTER binds;
    tcp_libzmq_dealer_binds_ringmq_router_connects: Tcp, Libzmq DEALER binds, Ringmq ROUTER connects;
    tcp_libzmq_dealer_connects_ringmq_router_binds: Tcp, Libzmq DEALER connects, Ringmq ROUTER binds;
    tcp_ringmq_router_binds_libzmq_router_connects: Tcp, Ringmq ROUTER binds, Libzmq ROUTER connects;
    tcp_ringmq_router_connects_libzmq_router_binds: Tcp, Ringmq ROUTER connects, Libzmq ROUTER binds;
    tcp_libzmq_router_binds_ringmq_router_connects: Tcp, Libzmq ROUTER binds, Ringmq ROUTER connects;
    tcp_libzmq_router_connects_ringmq_router_binds: Tcp, Libzmq ROUTER connects, Ringmq ROUTER binds;
    tcp_ringmq_pub_binds_libzmq_sub_connects: Tcp, Ringmq PUB binds, Libzmq SUB connects;
    tcp_ringmq_pub_connects_libzmq_sub_binds: Tcp, Ringmq PUB connects, Libzmq SUB binds;
    tcp_libzmq_pub_binds_ringmq_sub_connects: Tcp, Libzmq PUB binds, Ringmq SUB connects;
    tcp_libzmq_pub_connects_ringmq_sub_binds: Tcp, Libzmq PUB connects, Ringmq SUB binds;
    tcp_ringmq_pub_binds_libzmq_xsub_connects: Tcp, Ringmq PUB binds, Libzmq XSUB connects;
    tcp_ringmq_pub_connects_libzmq_xsub_binds: Tcp, Ringmq PUB connects, Libzmq XSUB binds;
    tcp_libzmq_pub_binds_ringmq_xsub_connects: Tcp, Libzmq PUB binds, Ringmq XSUB connects;
    tcp_libzmq_pub_connects_ringmq_xsub_binds: Tcp, Libzmq PUB connects, Ringmq XSUB binds;
    tcp_ringmq_xpub_binds_libzmq_sub_connects: Tcp, Ringmq XPUB binds, Libzmq SUB connects;
    tcp_ringmq_xpub_connects_libzmq_sub_binds: Tcp, Ringmq XPUB connects, Libzmq SUB binds;
    tcp_libzmq_xpub_binds_ringmq_sub_connects: Tcp, Libzmq XPUB binds, Ringmq SUB connects;
    tcp_libzmq_xpub_connects_ringmq_sub_binds: Tcp, Libzmq XPUB connects, Ringmq SUB binds;
    tcp_ringmq_xpub_binds_libzmq_xsub_connects: Tcp, Ringmq XPUB binds, Libzmq XSUB connects;
    tcp_ringmq_xpub_connects_libzmq_xsub_binds: Tcp, Ringmq XPUB connects, Libzmq XSUB binds;
    tcp_libzmq_xpub_binds_ringmq_xsub_connects: Tcp, Libzmq XPUB binds, Ringmq XSUB connects;
    tcp_libzmq_xpub_connects_ringmq_xsub_binds: Tcp, Libzmq XPUB connects, Ringmq XSUB binds;
    tcp_ringmq_push_binds_libzmq_pull_connects: Tcp, Ringmq PUSH binds, Libzmq PULL connects;
    tcp_ringmq_push_connects_libzmq_pull_binds: Tcp, Ringmq PUSH connects, Libzmq PULL binds;
    tcp_libzmq_push_binds_ringmq_pull_connects: Tcp, Libzmq PUSH binds, Ringmq PULL connects;
    tcp_libzmq_push_connects_ringmq_pull_binds: Tcp, Libzmq PUSH connects, Ringmq PULL binds;
    tcp_ringmq_pair_binds_libzmq_pair_connects: Tcp, Ringmq PAIR binds, Libzmq PAIR connects;
    tcp_ringmq_pair_connects_libzmq_pair_binds: Tcp, Ringmq PAIR connects, Libzmq PAIR binds;
    tcp_libzmq_pair_binds_ringmq_pair_connects: Tcp, Libzmq PAIR binds, Ringmq PAIR connects;
    tcp_libzmq_pair_connects_ringmq_pair_binds: Tcp, Libzmq PAIR connects, Ringmq PAIR binds;
    ipc_ringmq_req_binds_libzmq_rep_connects: Ipc, Ringmq REQ binds, Libzmq REP connects;
    ipc_ringmq_req_connects_libzmq_rep_binds: Ipc, Ringmq REQ connects, Libzmq REP binds;
    ipc_libzmq_req_binds_ringmq_rep_connects: Ipc, Libzmq REQ binds, Ringmq REP connects;
    ipc_libzmq_req_connects_ringmq_rep_binds: Ipc, Libzmq REQ connects, Ringmq REP binds;
    ipc_ringmq_req_binds_libzmq_router_connects: Ipc, Ringmq REQ binds, Libzmq ROUTER connects;
    ipc_ringmq_req_connects_libzmq_router_binds: Ipc, Ringmq REQ connects, Libzmq ROUTER binds;
    ipc_libzmq_req_binds_ringmq_router_connects: Ipc, Libzmq REQ binds, Ringmq ROUTER connects;
    ipc_libzmq_req_connects_ringmq_router_binds: Ipc, Libzmq REQ connects, Ringmq ROUTER binds;
    ipc_ringmq_rep_binds_libzmq_dealer_connects: Ipc, Ringmq REP binds, Libzmq DEALER connects;
    ipc_ringmq_rep_connects_libzmq_dealer_binds: Ipc, Ringmq REP connects, Libzmq DEALER binds;
    ipc_libzmq_rep_binds_ringmq_dealer_connects: Ipc, Libzmq REP binds, Ringmq DEALER connects;
    ipc_libzmq_rep_connects_ringmq_dealer_binds: Ipc, Libzmq REP connects, Ringmq DEALER binds;
    ipc_ringmq_dealer_binds_libzmq_dealer_connects: Ipc, Ringmq DEALER binds, Libzmq DEALER connects;
    ipc_ringmq_dealer_connects_libzmq_dealer_binds: Ipc, Ringmq DEALER connects, Libzmq DEALER binds;
    ipc_libzmq_dealer_binds_ringmq_dealer_connects: Ipc, Libzmq DEALER binds, Ringmq DEALER connects;
    ipc_libzmq_dealer_connects_ringmq_dealer_binds: Ipc, Libzmq DEALER connects, Ringmq DEALER binds;
    ipc_ringmq_dealer_binds_libzmq_router_connects: Ipc, Ringmq DEALER binds, Libzmq ROUTER connects;
    ipc_ringmq_dealer_connects_libzmq_router_binds: Ipc, Ringmq DEALER connects, Libzmq ROUTER binds;
    ipc_libzmq_dealer_binds_ringmq_router_connects: Ipc, Libzmq DEALER binds, Ringmq ROUTER connects;
    ipc_libzmq_dealer_connects_ringmq_router_binds: Ipc, Libzmq DEALER connects, Ringmq ROUTER binds;
    ipc_ringmq_router_binds_libzmq_router_connects: Ipc, Ringmq ROUTER binds, Libzmq ROUTER connects;
    ipc_ringmq_router_connects_libzmq_router_binds: Ipc, Ringmq ROUTER connects, Libzmq ROUTER binds;
    ipc_libzmq_router_binds_ringmq_router_connects: Ipc, Libzmq ROUTER binds, Ringmq ROUTER connects;
    ipc_libzmq_router_connects_ringmq_router_binds: Ipc, Libzmq ROUTER connects, Ringmq ROUTER binds;
    ipc_ringmq_pub_binds_libzmq_sub_connects: Ipc, Ringmq PUB binds, Libzmq SUB connects;
    ipc_ringmq_pub_connects_libzmq_sub_binds: Ipc, Ringmq PUB connects, Libzmq SUB binds;
    ipc_libzmq_pub_binds_ringmq_sub_connects: Ipc, Libzmq PUB binds, Ringmq SUB connects;
    ipc_libzmq_pub_connects_ringmq_sub_binds: Ipc, Libzmq PUB connects, Ringmq SUB binds;
    ipc_ringmq_pub_binds_libzmq_xsub_connects: Ipc, Ringmq PUB binds, Libzmq XSUB connects;
    ipc_ringmq_pub_connects_libzmq_xsub_binds: Ipc, Ringmq PUB connects, Libzmq XSUB binds;
    ipc_libzmq_pub_binds_ringmq_xsub_connects: Ipc, Libzmq PUB binds, Ringmq XSUB connects;
    ipc_libzmq_pub_connects_ringmq_xsub_binds: Ipc, Libzmq PUB connects, Ringmq XSUB binds;
    ipc_ringmq_xpub_binds_libzmq_sub_connects: Ipc, Ringmq XPUB binds, Libzmq SUB connects;
    ipc_ringmq_xpub_connects_libzmq_sub_binds: Ipc, Ringmq XPUB connects, Libzmq SUB binds;
    ipc_libzmq_xpub_binds_ringmq_sub_connects: Ipc, Libzmq XPUB binds, Ringmq SUB connects;
    ipc_libzmq_xpub_connects_ringmq_sub_binds: Ipc, Libzmq XPUB connects, Ringmq SUB binds;
    ipc_ringmq_xpub_binds_libzmq_xsub_connects: Ipc, Ringmq XPUB binds, Libzmq XSUB connects;
    ipc_ringmq_xpub_connects_libzmq_xsub_binds: Ipc, Ringmq XPUB connects, Libzmq XSUB binds;
    ipc_libzmq_xpub_binds_ringmq_xsub_connects: Ipc, Libzmq XPUB binds, Ringmq XSUB connects;
    ipc_libzmq_xpub_connects_ringmq_xsub_binds: Ipc, Libzmq XPUB connects, Ringmq XSUB binds;
    ipc_ringmq_push_binds_libzmq_pull_connects: Ipc, Ringmq PUSH binds, Libzmq PULL connects;
    ipc_ringmq_push_connects_libzmq_pull_binds: Ipc, Ringmq PUSH connects, Libzmq PULL binds;
    ipc_libzmq_push_binds_ringmq_pull_connects: Ipc, Libzmq PUSH binds, Ringmq PULL connects;
    ipc_libzmq_push_connects_ringmq_pull_binds: Ipc, Libzmq PUSH connects, Ringmq PULL binds;
    ipc_ringmq_pair_binds_libzmq_pair_connects: Ipc, Ringmq PAIR binds, Libzmq PAIR connects;
    ipc_ringmq_pair_connects_libzmq_pair_binds: Ipc, Ringmq PAIR connects, Libzmq PAIR binds;
    ipc_libzmq_pair_binds_ringmq_pair_connects: Ipc, Libzmq PAIR binds, Ringmq PAIR connects;
    ipc_libzmq_pair_connects_ringmq_pair_binds: Ipc, Libzmq PAIR connects, Ringmq PAIR binds;
}
