//! Two `Session`s wired back to back in memory (quinn's `Pair`): handshake,
//! messages, input split at every point, heartbeats, timeouts, backpressure.

use bytes::Bytes;
use ringmq_core::zmtp::{Error, Event, Session, SessionConfig};
use ringmq_core::{Multipart, SocketType};
use std::time::Duration;

const T0: Duration = Duration::ZERO;

/// Two sessions and the wire between them.
struct Pair {
    a: Session,
    b: Session,
    /// Events each side produced, in order.
    a_events: Vec<Event>,
    b_events: Vec<Event>,
    /// Every byte each side ever sent (its half of the transcript).
    a_sent: Vec<u8>,
    b_sent: Vec<u8>,
    /// Largest piece of input delivered at once (usize::MAX = all).
    chunk: usize,
}

impl Pair {
    fn new(a: SessionConfig, b: SessionConfig) -> Self {
        Pair {
            a: Session::new(a, T0),
            b: Session::new(b, T0),
            a_events: Vec::new(),
            b_events: Vec::new(),
            a_sent: Vec::new(),
            b_sent: Vec::new(),
            chunk: usize::MAX,
        }
    }

    fn types(a: SocketType, b: SocketType) -> Self {
        Self::new(SessionConfig::new(a), SessionConfig::new(b))
    }

    fn poll(s: &mut Session, events: &mut Vec<Event>) {
        while let Some(ev) = s.poll_event() {
            events.push(ev.expect("no protocol error"));
        }
    }

    fn deliver(from: &mut Session, sent: &mut Vec<u8>, to: &mut Session, chunk: usize) -> bool {
        let Some(out) = from.take_output() else {
            return false;
        };
        sent.extend_from_slice(&out);
        for piece in out.chunks(chunk.max(1)) {
            to.handle_input(piece);
        }
        true
    }

    /// Moves bytes and polls events until neither side has anything to say.
    fn drive(&mut self) {
        loop {
            let moved_ab = Self::deliver(&mut self.a, &mut self.a_sent, &mut self.b, self.chunk);
            Self::poll(&mut self.b, &mut self.b_events);
            let moved_ba = Self::deliver(&mut self.b, &mut self.b_sent, &mut self.a, self.chunk);
            Self::poll(&mut self.a, &mut self.a_events);
            if !moved_ab && !moved_ba && self.a.output_len() == 0 {
                break;
            }
        }
    }

    /// Byte-at-a-time delivery: each byte is polled before the next arrives.
    fn drive_bytewise(&mut self) {
        loop {
            let mut moved = false;
            if let Some(out) = self.a.take_output() {
                self.a_sent.extend_from_slice(&out);
                for &byte in out.iter() {
                    self.b.handle_input(&[byte]);
                    Self::poll(&mut self.b, &mut self.b_events);
                }
                moved = true;
            }
            if let Some(out) = self.b.take_output() {
                self.b_sent.extend_from_slice(&out);
                for &byte in out.iter() {
                    self.a.handle_input(&[byte]);
                    Self::poll(&mut self.a, &mut self.a_events);
                }
                moved = true;
            }
            if !moved {
                break;
            }
        }
    }

    fn messages(events: &[Event]) -> Vec<Multipart> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Message(m) => Some(m.clone()),
                Event::Ready(_) => None,
            })
            .collect()
    }
}

fn msg(parts: &[&[u8]]) -> Multipart {
    parts.iter().map(|p| Bytes::copy_from_slice(p)).collect()
}

/// A mix of shapes: envelope + body, empty frames, a long (> 255) frame.
fn sample_messages() -> Vec<Multipart> {
    vec![
        msg(&[b"hello"]),
        msg(&[b"", b"request", b"body"]),
        msg(&[b""]),
        msg(&[&[0xAB; 300][..], b"tail"]),
    ]
}

fn assert_ready(events: &[Event], peer: SocketType) {
    match events.first() {
        Some(Event::Ready(info)) => {
            assert_eq!(info.socket_type, peer);
            assert_eq!(info.version, (3, 1));
        }
        other => panic!("first event should be Ready, got {other:?}"),
    }
}

#[test]
fn handshake_completes_and_multipart_messages_flow() {
    let mut p = Pair::types(SocketType::Dealer, SocketType::Router);
    p.drive();
    assert!(p.a.is_established() && p.b.is_established());
    assert_ready(&p.a_events, SocketType::Router);
    assert_ready(&p.b_events, SocketType::Dealer);

    for m in sample_messages() {
        p.a.send(&m);
        p.b.send(&m);
    }
    p.drive();
    assert_eq!(Pair::messages(&p.b_events), sample_messages());
    assert_eq!(Pair::messages(&p.a_events), sample_messages());
}

#[test]
fn identities_are_exchanged() {
    let mut a = SessionConfig::new(SocketType::Router);
    a.identity = Bytes::from_static(b"alpha");
    let mut b = SessionConfig::new(SocketType::Router);
    b.identity = Bytes::from_static(b"beta");
    let mut p = Pair::new(a, b);
    p.drive();
    assert_eq!(p.a.peer().unwrap().identity, Bytes::from_static(b"beta"));
    assert_eq!(p.b.peer().unwrap().identity, Bytes::from_static(b"alpha"));
}

#[test]
fn one_byte_at_a_time() {
    let mut p = Pair::types(SocketType::Req, SocketType::Rep);
    p.drive_bytewise();
    assert!(p.a.is_established() && p.b.is_established());
    for m in sample_messages() {
        p.a.send(&m);
    }
    p.drive_bytewise();
    assert_eq!(Pair::messages(&p.b_events), sample_messages());
}

#[test]
fn small_chunks() {
    for chunk in [1, 2, 3, 7, 10, 11, 63, 64, 65] {
        let mut p = Pair::types(SocketType::Push, SocketType::Pull);
        p.chunk = chunk;
        p.drive();
        for m in sample_messages() {
            p.a.send(&m);
        }
        p.drive();
        assert_eq!(
            Pair::messages(&p.b_events),
            sample_messages(),
            "chunk {chunk}"
        );
    }
}

/// Records one side's whole transcript from a normal run, then replays it
/// into a fresh session split at every position: the events must not change.
#[test]
fn input_split_at_every_point() {
    let mut p = Pair::types(SocketType::Dealer, SocketType::Router);
    p.drive();
    for m in sample_messages() {
        p.a.send(&m);
        p.b.send(&m);
    }
    p.drive();
    let a_to_b = p.a_sent.clone();
    let b_to_a = p.b_sent.clone();
    let want_b = p.b_events.clone();
    let want_a = p.a_events.clone();

    for (stream, local, want) in [
        (&a_to_b, SocketType::Router, &want_b),
        (&b_to_a, SocketType::Dealer, &want_a),
    ] {
        for split in 0..=stream.len() {
            let mut s = Session::new(SessionConfig::new(local), T0);
            let mut events = Vec::new();
            for piece in [&stream[..split], &stream[split..]] {
                s.handle_input(piece);
                Pair::poll(&mut s, &mut events);
            }
            assert_eq!(&events, want, "{local} split at {split}");
        }
    }
}

/// A stream of small messages (the in-place decoding's case: each read ends
/// inside a frame, which the next read finishes) fed in pieces of every size
/// up to 150 bytes, polled only now and then: the same messages, in order.
/// The messages a fresh PULL session decodes from `stream` (a PUSH's
/// output, handshake first) fed in pieces of `piece` bytes, polled after
/// every `poll_every` pieces and at the end.
fn replay(stream: &[u8], piece: usize, poll_every: usize) -> Vec<Multipart> {
    let mut s = Session::new(SessionConfig::new(SocketType::Pull), T0);
    let mut events = Vec::new();
    for (n, chunk) in stream.chunks(piece).enumerate() {
        s.handle_input(chunk);
        if n % poll_every == poll_every - 1 {
            Pair::poll(&mut s, &mut events);
        }
    }
    Pair::poll(&mut s, &mut events);
    Pair::messages(&events)
}

#[test]
fn small_message_stream_split_anyhow() {
    let mut p = Pair::types(SocketType::Push, SocketType::Pull);
    p.drive();
    let mut sent = Vec::new();
    for i in 0..200usize {
        let body = vec![i as u8; i % 71];
        let m = if i % 17 == 0 {
            msg(&[b"k", &body])
        } else if i % 29 == 0 {
            msg(&[&[7u8; 300][..]])
        } else {
            msg(&[&body])
        };
        p.a.send(&m);
        sent.push(m);
    }
    p.drive();
    let stream = p.a_sent.clone();
    for piece in 1..=150usize {
        assert_eq!(replay(&stream, piece, 5), sent, "pieces of {piece}");
    }
}

/// Large frames (below, at and above the room a header reserves) with
/// small ones between, arriving in pieces of every usual read size.
#[test]
fn large_frames_split_anyhow() {
    let mut p = Pair::types(SocketType::Push, SocketType::Pull);
    p.drive();
    let mut sent = Vec::new();
    for (i, size) in [100_000usize, 10, 256 * 1024, 300_000, 70, 65_536]
        .into_iter()
        .enumerate()
    {
        let body: Vec<u8> = (0..size).map(|j| (i * 31 + j) as u8).collect();
        let m = msg(&[&body]);
        p.a.send(&m);
        sent.push(m);
    }
    p.drive();
    let stream = p.a_sent.clone();
    for piece in [999usize, 4096, 65_536, 70_001] {
        assert_eq!(replay(&stream, piece, 1), sent, "pieces of {piece}");
    }
}

/// A header that announces a frame far larger than memory (no MAXMSGSIZE)
/// makes room for a bounded part of it only: the process survives, and the
/// session waits for the body.
#[test]
fn a_header_announcing_a_huge_frame_reserves_a_bounded_room() {
    let mut p = Pair::types(SocketType::Push, SocketType::Pull);
    p.drive();
    let handshake = p.a_sent.clone();
    let mut s = Session::new(SessionConfig::new(SocketType::Pull), T0);
    let mut events = Vec::new();
    s.handle_input(&handshake);
    Pair::poll(&mut s, &mut events);
    assert!(s.is_established());
    // Then a long message frame of 2^40 bytes and the first bytes of its
    // body, in one read that starts with the header.
    let mut stream = vec![0x02];
    stream.extend_from_slice(&(1u64 << 40).to_be_bytes());
    stream.extend_from_slice(&[5; 100]);
    s.handle_input(&stream);
    Pair::poll(&mut s, &mut events);
    assert!(Pair::messages(&events).is_empty());
    assert!(s.wants_input(), "a frame this large is still incomplete");
}

/// Every pair of split points over the handshake and a couple of messages.
#[test]
fn input_split_at_every_pair_of_points() {
    let mut p = Pair::types(SocketType::Pair, SocketType::Pair);
    p.drive();
    p.a.send(&msg(&[b"x", b"yz"]));
    p.a.send(&msg(&[&[1; 260][..]]));
    p.drive();
    let stream = p.a_sent.clone();
    let want = p.b_events.clone();
    for i in 0..=stream.len() {
        for j in i..=stream.len() {
            let mut s = Session::new(SessionConfig::new(SocketType::Pair), T0);
            let mut events = Vec::new();
            for piece in [&stream[..i], &stream[i..j], &stream[j..]] {
                s.handle_input(piece);
                Pair::poll(&mut s, &mut events);
            }
            assert_eq!(events, want, "splits at {i}, {j}");
        }
    }
}

#[test]
fn decoding_is_lazy_one_message_per_poll() {
    let mut p = Pair::types(SocketType::Push, SocketType::Pull);
    p.drive();
    for m in sample_messages() {
        p.a.send(&m);
    }
    let out = p.a.take_output().unwrap();
    p.b.handle_input(&out);
    for want in sample_messages() {
        match p.b.poll_event() {
            Some(Ok(Event::Message(m))) => assert_eq!(m, want),
            other => panic!("{other:?}"),
        }
    }
    assert!(p.b.poll_event().is_none());
}

#[test]
fn sub_subscribes_through_xpub() {
    let mut p = Pair::types(SocketType::Sub, SocketType::XPub);
    p.drive();
    p.a.send(&msg(&[b"\x01topic"]));
    p.a.send(&msg(&[b"\x00topic"]));
    p.drive();
    // On the wire it went as SUBSCRIBE/CANCEL commands (3.1 peers)...
    assert!(p
        .a_sent
        .windows(b"\x09SUBSCRIBEtopic".len())
        .any(|w| w == b"\x09SUBSCRIBEtopic"));
    // ...and XPUB sees the 0x01/0x00 form.
    assert_eq!(
        Pair::messages(&p.b_events),
        vec![msg(&[b"\x01topic"]), msg(&[b"\x00topic"])]
    );
}

#[test]
fn incompatible_pair_fails_on_both_sides() {
    let mut a = Session::new(SessionConfig::new(SocketType::Req), T0);
    let mut b = Session::new(SessionConfig::new(SocketType::Pub), T0);
    let mut errors = Vec::new();
    for _ in 0..4 {
        if let Some(o) = a.take_output() {
            b.handle_input(&o);
        }
        if let Some(o) = b.take_output() {
            a.handle_input(&o);
        }
        for s in [&mut a, &mut b] {
            while let Some(ev) = s.poll_event() {
                match ev {
                    Err(e) => errors.push(e),
                    Ok(ev) => panic!("unexpected {ev:?}"),
                }
            }
        }
    }
    assert_eq!(
        errors,
        vec![
            Error::IncompatibleSocketType {
                local: SocketType::Req,
                peer: SocketType::Pub
            },
            Error::IncompatibleSocketType {
                local: SocketType::Pub,
                peer: SocketType::Req
            },
        ]
    );
    assert!(!a.is_established() && !b.is_established());
}

#[test]
fn staged_greeting_against_a_peer_that_waits() {
    // Peer sends exactly its 10-byte signature and waits for ours to proceed.
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    let mut peer = Session::new(SessionConfig::new(SocketType::Router), T0);
    let sig = peer.take_output().unwrap();
    assert_eq!(sig.len(), 10);
    // We sent ours before hearing anything.
    let ours = s.take_output().unwrap();
    assert_eq!(ours.len(), 10);
    s.handle_input(&sig);
    assert!(s.poll_event().is_none());
    assert_eq!(
        &s.take_output().unwrap()[..],
        &[3],
        "major byte after its 10"
    );
    // The peer, fed our 10 bytes, answers in kind: no deadlock anywhere.
    peer.handle_input(&ours);
    assert!(peer.poll_event().is_none());
    assert_eq!(&peer.take_output().unwrap()[..], &[3]);
}

// ---- timers ----------------------------------------------------------------

fn heartbeating(ivl: Duration) -> Pair {
    let mut a = SessionConfig::new(SocketType::Dealer);
    a.heartbeat_ivl = Some(ivl);
    let mut p = Pair::new(a, SessionConfig::new(SocketType::Router));
    p.drive();
    assert!(p.a.is_established());
    p
}

#[test]
fn ping_after_interval_and_pong_keeps_alive() {
    let ivl = Duration::from_secs(1);
    let mut p = heartbeating(ivl);
    // The first PING was armed by the handshake, inside poll_event.
    assert_eq!(p.a.poll_timeout(), Some(T0));
    p.a.handle_timeout(T0).unwrap();
    assert_eq!(p.a.poll_timeout(), Some(ivl));
    assert_eq!(p.a.output_len(), 0);

    p.a.handle_timeout(ivl).unwrap();
    let ping = p.a.take_output().unwrap();
    assert_eq!(&ping[..], b"\x04\x07\x04PING\x00\x00");
    // Next PING at 2 s, timeout (defaults to ivl) also at 2 s.
    assert_eq!(p.a.poll_timeout(), Some(2 * ivl));

    p.b.handle_input(&ping);
    assert!(p.b.poll_event().is_none());
    let pong = p.b.take_output().unwrap();
    assert_eq!(&pong[..], b"\x04\x05\x04PONG");
    p.a.handle_input(&pong);
    assert!(p.a.poll_event().is_none());

    // PONG arrived: 2 s sends the next PING instead of failing.
    p.a.handle_timeout(2 * ivl).unwrap();
    assert_eq!(
        p.a.take_output().as_deref(),
        Some(&b"\x04\x07\x04PING\x00\x00"[..])
    );
}

#[test]
fn silence_after_ping_times_out() {
    let ivl = Duration::from_secs(1);
    let mut p = heartbeating(ivl);
    p.a.handle_timeout(T0).unwrap();
    p.a.handle_timeout(ivl).unwrap();
    assert!(p.a.take_output().is_some());
    // The peer never answers.
    p.a.handle_timeout(ivl + Duration::from_millis(999))
        .unwrap();
    assert_eq!(p.a.handle_timeout(2 * ivl), Err(Error::HeartbeatTimeout));
    assert!(p.a.poll_event().is_none());
    assert_eq!(p.a.poll_timeout(), None);
}

#[test]
fn heartbeat_timeout_and_ttl_options() {
    let mut a = SessionConfig::new(SocketType::Dealer);
    a.heartbeat_ivl = Some(Duration::from_secs(1));
    a.heartbeat_timeout = Some(Duration::from_secs(5));
    a.heartbeat_ttl = Some(Duration::from_millis(2500));
    let mut p = Pair::new(a, SessionConfig::new(SocketType::Router));
    p.drive();
    p.a.handle_timeout(T0).unwrap();
    p.a.handle_timeout(Duration::from_secs(1)).unwrap();
    let ping = p.a.take_output().unwrap();
    assert_eq!(&ping[..], b"\x04\x07\x04PING\x00\x19", "TTL 25 ds");
    // PINGs keep going every second; the timeout runs from the first unanswered one.
    for s in 2..6 {
        p.a.handle_timeout(Duration::from_secs(s)).unwrap();
    }
    assert_eq!(
        p.a.handle_timeout(Duration::from_secs(6)),
        Err(Error::HeartbeatTimeout)
    );
    // The peer learned the TTL.
    p.b.handle_input(&ping);
    assert!(p.b.poll_event().is_none());
    assert_eq!(p.b.peer_heartbeat_ttl(), Some(Duration::from_millis(2500)));
}

#[test]
fn no_heartbeat_means_no_timer() {
    let mut p = Pair::types(SocketType::Dealer, SocketType::Router);
    p.drive();
    assert_eq!(p.a.poll_timeout(), None);
    p.a.handle_timeout(Duration::from_secs(3600)).unwrap();
    assert_eq!(p.a.output_len(), 0);
}

#[test]
fn handshake_timeout() {
    let mut cfg = SessionConfig::new(SocketType::Dealer);
    cfg.handshake_timeout = Some(Duration::from_secs(1));
    let start = Duration::from_secs(100);
    let mut s = Session::new(cfg, start);
    assert_eq!(s.poll_timeout(), Some(start + Duration::from_secs(1)));
    s.handle_timeout(start + Duration::from_millis(999))
        .unwrap();
    assert_eq!(
        s.handle_timeout(start + Duration::from_secs(1)),
        Err(Error::HandshakeTimeout)
    );
    assert!(s.poll_event().is_none());
}

#[test]
fn handshake_timeout_is_cancelled_by_ready() {
    let mut a = SessionConfig::new(SocketType::Dealer);
    a.handshake_timeout = Some(Duration::from_secs(1));
    let mut p = Pair::new(a, SessionConfig::new(SocketType::Router));
    p.drive();
    assert_eq!(p.a.poll_timeout(), None);
    p.a.handle_timeout(Duration::from_secs(10)).unwrap();
    assert!(p.a.is_established());
}

#[test]
fn default_handshake_timeout_is_libzmqs_30s() {
    let s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    assert_eq!(s.poll_timeout(), Some(Duration::from_secs(30)));
    let mut cfg = SessionConfig::new(SocketType::Dealer);
    cfg.handshake_timeout = None;
    assert_eq!(Session::new(cfg, T0).poll_timeout(), None);
}

// ---- backpressure ----------------------------------------------------------

#[test]
fn wants_input_stops_when_complete_frames_pile_up() {
    let mut p = Pair::types(SocketType::Push, SocketType::Pull);
    p.drive();
    let body = vec![0u8; 1000];
    while p.a.output_len() < 80 * 1024 {
        p.a.send(&msg(&[&body]));
    }
    let out = p.a.take_output().unwrap();
    let mut fed = 0;
    while p.b.wants_input() {
        let n = (out.len() - fed).min(4096);
        p.b.handle_input(&out[fed..fed + n]);
        fed += n;
    }
    assert!(fed >= 64 * 1024 && fed < out.len());
    // Draining one message is not enough to get below the mark...
    assert!(matches!(p.b.poll_event(), Some(Ok(Event::Message(_)))));
    // ...draining enough is.
    while !p.b.wants_input() {
        assert!(matches!(p.b.poll_event(), Some(Ok(Event::Message(_)))));
    }
}

#[test]
fn wants_input_stays_true_for_one_large_frame() {
    let mut p = Pair::types(SocketType::Push, SocketType::Pull);
    p.drive();
    let big = vec![7u8; 200 * 1024];
    p.a.send(&msg(&[&big]));
    let mut out = Vec::new();
    while let Some(c) = p.a.take_output() {
        out.extend_from_slice(&c);
    }
    let mut fed = 0;
    while fed < out.len() {
        assert!(p.b.wants_input(), "must keep reading to complete the frame");
        let n = (out.len() - fed).min(8192);
        p.b.handle_input(&out[fed..fed + n]);
        fed += n;
    }
    match p.b.poll_event() {
        Some(Ok(Event::Message(m))) => assert_eq!(m.byte_len(), big.len()),
        other => panic!("{other:?}"),
    }
    assert!(p.b.wants_input());
}

#[test]
fn backpressure_defers_heartbeat_timeout() {
    let ivl = Duration::from_secs(1);
    let mut a = SessionConfig::new(SocketType::Pull);
    a.heartbeat_ivl = Some(ivl);
    let mut p = Pair::new(a, SessionConfig::new(SocketType::Push));
    p.drive();
    // B floods A, A's application does not read.
    let body = vec![0u8; 1000];
    for _ in 0..80 {
        p.b.send(&msg(&[&body]));
    }
    let out = p.b.take_output().unwrap();
    p.a.handle_input(&out);
    assert!(!p.a.wants_input());
    p.a.handle_timeout(T0).unwrap();
    p.a.handle_timeout(ivl).unwrap(); // PING sent, timeout armed
                                      // Nothing new can arrive while we do not read: not the peer's fault.
    p.a.handle_timeout(2 * ivl).unwrap();
    p.a.handle_timeout(3 * ivl).unwrap();
    assert!(p.a.poll_event().is_some());
}

#[test]
fn dead_session_is_inert() {
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    s.handle_input(b"GET / HTTP/1.1\r\n");
    assert!(matches!(s.poll_event(), Some(Err(Error::Zmtp10Peer))));
    s.handle_input(b"more");
    assert!(s.poll_event().is_none());
    assert!(!s.wants_input());
    assert_eq!(s.poll_timeout(), None);
    assert_eq!(s.handle_timeout(Duration::from_secs(99)), Ok(()));
}

#[test]
fn large_frames_leave_as_their_own_chunk_without_a_copy() {
    use ringmq_core::zmtp::session::ZERO_COPY_MIN;
    let mut p = Pair::types(SocketType::Dealer, SocketType::Router);
    p.drive();
    let big = Bytes::from(vec![7u8; ZERO_COPY_MIN * 4]);
    let mut m = Multipart::new();
    m.push_back("small head");
    m.push_back(big.clone());
    m.push_back("small tail");
    p.a.send(&m);
    assert_eq!(p.a.output_len(), 2 + 10 + 9 + big.len() + 2 + 10);
    let mut chunks = Vec::new();
    p.a.take_output_vectored(&mut chunks);
    assert_eq!(p.a.output_len(), 0);
    assert_eq!(chunks.len(), 3, "head+header, the big frame, the tail");
    assert_eq!(
        chunks[1].as_ptr(),
        big.as_ptr(),
        "the big frame is the application's own buffer"
    );
    // What the chunks spell is an ordinary ZMTP stream.
    for c in &chunks {
        p.b.handle_input(c);
    }
    let mut events = Vec::new();
    Pair::poll(&mut p.b, &mut events);
    assert_eq!(Pair::messages(&events), vec![m]);
}

#[test]
fn take_output_hands_out_chunks_in_order() {
    use ringmq_core::zmtp::session::ZERO_COPY_MIN;
    let mut p = Pair::types(SocketType::Push, SocketType::Pull);
    p.drive();
    let big = Bytes::from(vec![1u8; ZERO_COPY_MIN]);
    p.a.send(&Multipart::single("before"));
    p.a.send(&Multipart::single(big));
    p.a.send(&Multipart::single("after"));
    let mut stream = Vec::new();
    while let Some(c) = p.a.take_output() {
        stream.extend_from_slice(&c);
    }
    p.b.handle_input(&stream);
    let mut events = Vec::new();
    Pair::poll(&mut p.b, &mut events);
    let got = Pair::messages(&events);
    assert_eq!(got.len(), 3);
    assert_eq!(&got[0].first().unwrap()[..], b"before");
    assert_eq!(got[1].first().unwrap().len(), ZERO_COPY_MIN);
    assert_eq!(&got[2].first().unwrap()[..], b"after");
}
