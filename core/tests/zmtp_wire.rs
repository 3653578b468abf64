//! A `Session` against a hand-written peer: the bytes libzmq 4.3.5 puts on
//! the wire (shared/notes/zmtp-interop.md) and every way a peer can get the
//! greeting, the handshake or the framing wrong.
//!
//! The peer's bytes are spelled out here rather than produced by ringmq's own
//! encoder, so that a symmetric bug on both sides cannot hide.

use bytes::Bytes;
use ringmq_core::zmtp::{Error, Event, PeerInfo, Session, SessionConfig};
use ringmq_core::{Multipart, SocketType};
use std::time::Duration;

const T0: Duration = Duration::ZERO;

/// libzmq 4.3.5's signature: its padding is not zero (identity length + 1).
const LIBZMQ_SIGNATURE: [u8; 10] = [0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f];

/// A peer greeting: libzmq's signature, then version, mechanism, as-server, filler.
fn greeting(major: u8, minor: u8, mechanism: &str) -> Vec<u8> {
    let mut g = LIBZMQ_SIGNATURE.to_vec();
    g.push(major);
    g.push(minor);
    let mut mech = [0u8; 20];
    mech[..mechanism.len()].copy_from_slice(mechanism.as_bytes());
    g.extend_from_slice(&mech);
    g.push(0);
    g.extend_from_slice(&[0u8; 31]);
    assert_eq!(g.len(), 64);
    g
}

/// A command frame, short form.
fn command(name: &str, body: &[u8]) -> Vec<u8> {
    let size = 1 + name.len() + body.len();
    assert!(size <= 255);
    let mut f = vec![0x04, size as u8, name.len() as u8];
    f.extend_from_slice(name.as_bytes());
    f.extend_from_slice(body);
    f
}

/// READY with the given properties, in order.
fn ready(props: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in props {
        body.push(name.len() as u8);
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&(value.len() as u32).to_be_bytes());
        body.extend_from_slice(value);
    }
    command("READY", &body)
}

/// The READY libzmq 4.3.5 sends from a ROUTER with no routing id.
///
/// The notes give its size byte as 0x28, but the body is 1+5 ("READY") +
/// 1+11+4+6 (Socket-Type=ROUTER) + 1+8+4+0 (Identity) = 41 = 0x29 bytes; the
/// frame is asserted byte for byte here so that the arithmetic is checked.
const LIBZMQ_ROUTER_READY: &[u8] =
    b"\x04\x29\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x08Identity\x00\x00\x00\x00";

fn poll_all(s: &mut Session) -> Vec<Result<Event, Error>> {
    let mut v = Vec::new();
    while let Some(ev) = s.poll_event() {
        let err = ev.is_err();
        v.push(ev);
        if err {
            break;
        }
    }
    v
}

fn output(s: &mut Session) -> Vec<u8> {
    let mut v = Vec::new();
    while let Some(b) = s.take_output() {
        v.extend_from_slice(&b);
    }
    v
}

/// The first error out of `poll_event`, or panic.
fn expect_error(s: &mut Session) -> Error {
    match poll_all(s).pop() {
        Some(Err(e)) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

/// Runs a session of type `local` through greeting and READY against a
/// hand-written peer speaking ZMTP 3.`minor`; returns it established, its
/// output drained.
fn established_with(cfg: SessionConfig, peer_ready: &[u8], minor: u8) -> (Session, PeerInfo) {
    let mut s = Session::new(cfg, T0);
    s.handle_input(&greeting(3, minor, "NULL"));
    s.handle_input(peer_ready);
    let evs = poll_all(&mut s);
    let [Ok(Event::Ready(info))] = &evs[..] else {
        panic!("expected Ready, got {evs:?}");
    };
    let info = info.clone();
    output(&mut s);
    (s, info)
}

fn established(local: SocketType, peer: &str, minor: u8) -> Session {
    let r = ready(&[("Socket-Type", peer.as_bytes()), ("Identity", b"")]);
    established_with(SessionConfig::new(local), &r, minor).0
}

// ---- greeting ------------------------------------------------------------

#[test]
fn our_first_ten_bytes_are_libzmqs() {
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    assert_eq!(output(&mut s), LIBZMQ_SIGNATURE);
    assert_eq!(s.poll_event().map(|r| r.is_ok()), None);
    assert_eq!(s.output_len(), 0);
}

#[test]
fn greeting_is_sent_in_libzmqs_stages() {
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    assert_eq!(output(&mut s).len(), 10);

    // A peer that sends its first 10 bytes and waits must get our major byte:
    // waiting for its whole greeting here would deadlock with libzmq.
    s.handle_input(&LIBZMQ_SIGNATURE[..9]);
    assert!(s.poll_event().is_none());
    assert_eq!(
        s.output_len(),
        0,
        "nothing more before the peer's 10th byte"
    );
    s.handle_input(&LIBZMQ_SIGNATURE[9..]);
    assert!(s.poll_event().is_none());
    assert_eq!(output(&mut s), [3]);

    // Its major version releases the rest of ours.
    s.handle_input(&[3]);
    assert!(s.poll_event().is_none());
    let rest = output(&mut s);
    assert_eq!(rest.len(), 53);
    assert_eq!(rest[0], 1, "minor version 1");
    assert_eq!(&rest[1..21], b"NULL\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    assert_eq!(rest[21], 0, "as-server");
    assert!(rest[22..].iter().all(|&b| b == 0));

    // The rest of its greeting releases our READY.
    s.handle_input(&greeting(3, 1, "NULL")[11..]);
    assert!(s.poll_event().is_none());
    assert_eq!(
        output(&mut s),
        ready(&[("Socket-Type", b"DEALER"), ("Identity", b"")])
    );
    assert!(
        s.peer().is_none() && !s.is_established(),
        "not before READY"
    );
}

#[test]
fn nonzero_padding_is_accepted() {
    let mut g = greeting(3, 1, "NULL");
    g[1..9].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    s.handle_input(&g);
    s.handle_input(LIBZMQ_ROUTER_READY);
    let evs = poll_all(&mut s);
    assert!(matches!(&evs[..], [Ok(Event::Ready(_))]), "{evs:?}");
}

#[test]
fn zmtp_1_0_is_refused_on_the_first_byte() {
    // A ZMTP 1.0 peer starts with its identity frame: length+1, flags.
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    s.handle_input(&[0x01]);
    assert_eq!(expect_error(&mut s), Error::Zmtp10Peer);
    assert!(s.poll_event().is_none(), "dead after an error");
}

#[test]
fn zmtp_1_0_is_refused_on_the_tenth_byte() {
    // 0xFF first, but bit 0 of byte 9 clear: a 254-byte identity frame.
    let mut sig = LIBZMQ_SIGNATURE;
    sig[9] = 0x00;
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    s.handle_input(&sig);
    assert_eq!(expect_error(&mut s), Error::Zmtp10Peer);
    assert_eq!(s.output_len(), 10, "no major byte sent to a 1.0 peer");
}

#[test]
fn zmtp_2_0_is_refused_with_a_clear_error() {
    for revision in [1u8, 2] {
        let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
        output(&mut s);
        // libzmq 3.2 sends its signature, revision 1, then a socket-type byte.
        s.handle_input(&LIBZMQ_SIGNATURE);
        s.handle_input(&[revision, 5]);
        let err = expect_error(&mut s);
        assert_eq!(err, Error::Zmtp20Peer { revision });
        assert!(err
            .to_string()
            .contains("ZMTP 2.0 peers (libzmq 3.x) are not supported yet"));
        assert_eq!(output(&mut s), [3], "only our major byte went out");
    }
}

#[test]
fn revision_0_is_zmtp_1_0() {
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    s.handle_input(&LIBZMQ_SIGNATURE);
    s.handle_input(&[0]);
    assert_eq!(expect_error(&mut s), Error::Zmtp10Peer);
}

#[test]
fn mechanism_mismatch_is_refused() {
    let mut s = Session::new(SessionConfig::new(SocketType::Dealer), T0);
    s.handle_input(&greeting(3, 1, "CURVE"));
    assert_eq!(
        expect_error(&mut s),
        Error::MechanismMismatch {
            local: "NULL".into(),
            peer: "CURVE".into()
        }
    );
}

#[test]
fn zmtp_3_0_peer_negotiates_down() {
    let s = established(SocketType::Dealer, "ROUTER", 0);
    assert_eq!(s.peer().unwrap().version, (3, 0));
    let s = established(SocketType::Dealer, "ROUTER", 1);
    assert_eq!(s.peer().unwrap().version, (3, 1));
    let s = established(SocketType::Dealer, "ROUTER", 9);
    assert_eq!(s.peer().unwrap().version, (3, 1));
}

// ---- READY ---------------------------------------------------------------

#[test]
fn libzmq_router_ready_decodes() {
    let (s, info) = established_with(
        SessionConfig::new(SocketType::Dealer),
        LIBZMQ_ROUTER_READY,
        1,
    );
    assert_eq!(info.socket_type, SocketType::Router);
    assert_eq!(info.identity, Bytes::new());
    assert_eq!(info.version, (3, 1));
    assert_eq!(
        info.properties,
        vec![
            ("Socket-Type".to_string(), Bytes::from_static(b"ROUTER")),
            ("Identity".to_string(), Bytes::new()),
        ]
    );
    assert_eq!(s.peer(), Some(&info));
    assert!(s.is_established());
}

#[test]
fn our_router_ready_is_libzmqs_byte_for_byte() {
    let mut s = Session::new(SessionConfig::new(SocketType::Router), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    assert!(s.poll_event().is_none());
    let out = output(&mut s);
    assert_eq!(&out[64..], LIBZMQ_ROUTER_READY);
}

#[test]
fn ready_carries_our_identity() {
    let mut cfg = SessionConfig::new(SocketType::Dealer);
    cfg.identity = Bytes::from_static(b"me");
    let mut s = Session::new(cfg, T0);
    // Padding is identity length + 1, as libzmq sends it.
    assert_eq!(output(&mut s), b"\xff\0\0\0\0\0\0\0\x03\x7f");
    s.handle_input(&greeting(3, 1, "NULL"));
    assert!(s.poll_event().is_none());
    let out = output(&mut s);
    assert_eq!(
        &out[54..],
        ready(&[("Socket-Type", b"DEALER"), ("Identity", b"me")])
    );
}

#[test]
fn peer_identity_and_lower_case_property_names() {
    let r = ready(&[
        ("socket-type", b"ROUTER"),
        ("IDENTITY", b"peer-1"),
        ("X-Extra", b"v"),
    ]);
    let (_, info) = established_with(SessionConfig::new(SocketType::Dealer), &r, 1);
    assert_eq!(info.socket_type, SocketType::Router);
    assert_eq!(info.identity, Bytes::from_static(b"peer-1"));
    assert_eq!(info.properties.len(), 3);
}

#[test]
fn incompatible_socket_type_is_refused_at_ready() {
    let mut s = Session::new(SessionConfig::new(SocketType::Req), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    s.handle_input(&ready(&[("Socket-Type", b"PUB")]));
    assert_eq!(
        expect_error(&mut s),
        Error::IncompatibleSocketType {
            local: SocketType::Req,
            peer: SocketType::Pub
        }
    );
    assert!(!s.is_established());
}

#[test]
fn unknown_socket_type_is_refused() {
    let mut s = Session::new(SessionConfig::new(SocketType::Req), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    s.handle_input(&ready(&[("Socket-Type", b"STREAM")]));
    assert_eq!(
        expect_error(&mut s),
        Error::UnknownSocketType {
            name: "STREAM".into()
        }
    );
}

#[test]
fn missing_socket_type_is_refused() {
    let mut s = Session::new(SessionConfig::new(SocketType::Req), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    s.handle_input(&ready(&[("Identity", b"")]));
    assert_eq!(expect_error(&mut s), Error::MissingSocketType);
}

#[test]
fn truncated_ready_is_refused() {
    let mut s = Session::new(SessionConfig::new(SocketType::Req), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    s.handle_input(&command("READY", b"\x0bSocket-Type\x00\x00\x00\x09REP"));
    assert_eq!(expect_error(&mut s), Error::MalformedProperties);
}

#[test]
fn error_during_handshake_carries_the_reason() {
    let mut s = Session::new(SessionConfig::new(SocketType::Req), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    // ERROR: `05 "ERROR"`, reason length, reason.
    let err = command("ERROR", b"\x0eAccess denied!");
    assert_eq!(&err[..9], b"\x04\x15\x05ERROR\x0e");
    s.handle_input(&err);
    assert_eq!(
        expect_error(&mut s),
        Error::PeerError {
            reason: "Access denied!".into()
        }
    );
}

#[test]
fn message_before_ready_is_refused() {
    let mut s = Session::new(SessionConfig::new(SocketType::Req), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    s.handle_input(b"\x00\x02hi");
    assert_eq!(expect_error(&mut s), Error::MessageBeforeReady);
}

#[test]
fn ping_before_ready_is_refused() {
    let mut s = Session::new(SessionConfig::new(SocketType::Req), T0);
    s.handle_input(&greeting(3, 1, "NULL"));
    s.handle_input(&command("PING", b"\x00\x00"));
    assert_eq!(
        expect_error(&mut s),
        Error::UnexpectedCommand {
            name: "PING".into()
        }
    );
}

// ---- heartbeats -------------------------------------------------------------

#[test]
fn libzmq_ping_is_answered_with_pong() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    // libzmq's PING: TTL 0x0014 deciseconds = 2 s, no context.
    s.handle_input(b"\x04\x07\x04PING\x00\x14");
    assert!(s.poll_event().is_none());
    assert_eq!(output(&mut s), b"\x04\x05\x04PONG");
    assert_eq!(s.peer_heartbeat_ttl(), Some(Duration::from_secs(2)));
}

#[test]
fn pong_echoes_the_ping_context() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(&command("PING", b"\x00\x00ctx-123"));
    assert!(s.poll_event().is_none());
    assert_eq!(output(&mut s), command("PONG", b"ctx-123"));
    assert_eq!(s.peer_heartbeat_ttl(), None, "TTL 0 means none");
}

#[test]
fn ping_without_ttl_is_malformed() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(&command("PING", b"\x00"));
    assert_eq!(
        expect_error(&mut s),
        Error::MalformedCommand {
            name: "PING".into()
        }
    );
}

#[test]
fn peer_ttl_expires_without_traffic() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(b"\x04\x07\x04PING\x00\x14");
    assert!(s.poll_event().is_none());
    // Armed inside poll_event, which is not told the time: reported as due now.
    assert_eq!(s.poll_timeout(), Some(T0));
    let t = Duration::from_secs(10);
    s.handle_timeout(t).unwrap();
    assert_eq!(s.poll_timeout(), Some(t + Duration::from_secs(2)));
    s.handle_timeout(t + Duration::from_millis(1999)).unwrap();
    assert_eq!(
        s.handle_timeout(t + Duration::from_secs(2)),
        Err(Error::HeartbeatTimeout)
    );
    assert!(s.poll_event().is_none());
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn traffic_disarms_peer_ttl() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(b"\x04\x07\x04PING\x00\x14");
    assert!(s.poll_event().is_none());
    s.handle_timeout(T0).unwrap();
    s.handle_input(b"\x00\x01x");
    s.handle_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(s.poll_timeout(), None);
}

// ---- frames after the handshake ------------------------------------------

#[test]
fn oversized_frame_is_refused_from_its_header_alone() {
    let mut cfg = SessionConfig::new(SocketType::Dealer);
    cfg.max_msg_size = Some(1024);
    let r = ready(&[("Socket-Type", b"ROUTER")]);
    let (mut s, _) = established_with(cfg, &r, 1);
    // LONG frame header declaring 1 GiB, and not one byte of its body.
    s.handle_input(&[0x02, 0, 0, 0, 0, 0x40, 0, 0, 0]);
    assert_eq!(
        expect_error(&mut s),
        Error::FrameTooLarge {
            size: 1 << 30,
            max: 1024
        }
    );
}

#[test]
fn frame_at_the_limit_is_accepted() {
    let mut cfg = SessionConfig::new(SocketType::Dealer);
    cfg.max_msg_size = Some(300);
    let r = ready(&[("Socket-Type", b"ROUTER")]);
    let (mut s, _) = established_with(cfg, &r, 1);
    let mut f = vec![0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x2c];
    f.extend_from_slice(&[7u8; 300]);
    s.handle_input(&f);
    let evs = poll_all(&mut s);
    assert!(
        matches!(&evs[..], [Ok(Event::Message(m))] if m.byte_len() == 300),
        "{evs:?}"
    );
}

#[test]
fn multipart_over_the_limit_is_refused() {
    let mut cfg = SessionConfig::new(SocketType::Dealer);
    cfg.max_msg_size = Some(8);
    let r = ready(&[("Socket-Type", b"ROUTER")]);
    let (mut s, _) = established_with(cfg, &r, 1);
    s.handle_input(b"\x01\x05abcde\x00\x05fghij");
    assert_eq!(
        expect_error(&mut s),
        Error::MessageTooLarge { size: 10, max: 8 }
    );
}

#[test]
fn reserved_flag_bits_are_refused() {
    for flags in [0x08u8, 0x20, 0x80] {
        let mut s = established(SocketType::Dealer, "ROUTER", 1);
        s.handle_input(&[flags, 1, b'x']);
        assert_eq!(expect_error(&mut s), Error::ReservedFlags { flags });
    }
}

#[test]
fn command_with_more_is_refused() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(b"\x05\x05\x04PONG");
    assert_eq!(expect_error(&mut s), Error::CommandWithMore);
}

#[test]
fn empty_command_is_refused() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(b"\x04\x00");
    assert!(matches!(
        expect_error(&mut s),
        Error::MalformedCommand { .. }
    ));
}

#[test]
fn unknown_commands_are_ignored() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(&command("FUTURE", b"whatever"));
    s.handle_input(&ready(&[("Socket-Type", b"ROUTER")]));
    s.handle_input(b"\x00\x02ok");
    let evs = poll_all(&mut s);
    assert_eq!(evs, vec![Ok(Event::Message(Multipart::single("ok")))]);
}

#[test]
fn error_after_handshake_ends_the_session() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    s.handle_input(&command("ERROR", b"\x03bye"));
    assert_eq!(
        expect_error(&mut s),
        Error::PeerError {
            reason: "bye".into()
        }
    );
    assert!(!s.is_established());
}

#[test]
fn multipart_message_is_encoded_with_more_flags() {
    let mut s = established(SocketType::Dealer, "ROUTER", 1);
    let msg: Multipart = ["", "body"].into_iter().collect();
    s.send(&msg);
    assert_eq!(output(&mut s), b"\x01\x00\x00\x04body");
    let big = vec![b'z'; 256];
    s.send(&Multipart::single(big.clone()));
    let mut want = b"\x02\x00\x00\x00\x00\x00\x00\x01\x00".to_vec();
    want.extend_from_slice(&big);
    assert_eq!(output(&mut s), want);
}

// ---- subscriptions -------------------------------------------------------

/// SUBSCRIBE from a SUB to a 3.1 peer. The notes write the size byte as 0x0b,
/// but a frame's size counts the whole command body — name length byte, name,
/// topic: 1 + 9 + 2 = 12 = 0x0c. libzmq's v3.1 encoder adds
/// `sub_cmd_name_size` (10, "\x09SUBSCRIBE" with its length byte) to the topic
/// size, and the notes' own PING (`04 07 04 "PING" 00 14`: 1 + 4 + 2) counts
/// the same way.
#[test]
fn sub_subscribes_to_zmtp_3_1_peer_with_a_command() {
    let mut s = established(SocketType::Sub, "PUB", 1);
    s.send(&Multipart::single(&b"\x01AB"[..]));
    assert_eq!(output(&mut s), b"\x04\x0c\x09SUBSCRIBEAB");
    s.send(&Multipart::single(&b"\x00AB"[..]));
    assert_eq!(output(&mut s), b"\x04\x09\x06CANCELAB");
}

#[test]
fn sub_subscribes_to_zmtp_3_0_peer_with_a_message() {
    let mut s = established(SocketType::Sub, "PUB", 0);
    s.send(&Multipart::single(&b"\x01AB"[..]));
    assert_eq!(output(&mut s), b"\x00\x03\x01AB");
    s.send(&Multipart::single(&b"\x00AB"[..]));
    assert_eq!(output(&mut s), b"\x00\x03\x00AB");
}

#[test]
fn xsub_other_messages_pass_through() {
    let mut s = established(SocketType::XSub, "XPUB", 1);
    s.send(&Multipart::single(&b"\x02hello"[..]));
    assert_eq!(output(&mut s), b"\x00\x06\x02hello");
    let two: Multipart = [&b"\x01A"[..], &b"x"[..]].into_iter().collect();
    s.send(&two);
    assert_eq!(output(&mut s), b"\x01\x02\x01A\x00\x01x");
}

#[test]
fn non_sub_sockets_send_0x01_messages_as_messages() {
    let mut s = established(SocketType::Pub, "SUB", 1);
    s.send(&Multipart::single(&b"\x01AB"[..]));
    assert_eq!(output(&mut s), b"\x00\x03\x01AB");
}

#[test]
fn subscribe_and_cancel_commands_reach_xpub_as_messages() {
    for local in [SocketType::XPub, SocketType::Pub] {
        let mut s = established(local, "SUB", 1);
        s.handle_input(b"\x04\x0c\x09SUBSCRIBEAB");
        s.handle_input(b"\x04\x09\x06CANCELAB");
        s.handle_input(&command("SUBSCRIBE", b""));
        let evs = poll_all(&mut s);
        assert_eq!(
            evs,
            vec![
                Ok(Event::Message(Multipart::single(&b"\x01AB"[..]))),
                Ok(Event::Message(Multipart::single(&b"\x00AB"[..]))),
                Ok(Event::Message(Multipart::single(&b"\x01"[..]))),
            ]
        );
    }
}

#[test]
fn subscription_messages_from_zmtp_3_0_pass_through() {
    let mut s = established(SocketType::XPub, "SUB", 0);
    s.handle_input(b"\x00\x03\x01AB");
    let evs = poll_all(&mut s);
    assert_eq!(
        evs,
        vec![Ok(Event::Message(Multipart::single(&b"\x01AB"[..])))]
    );
}

#[test]
fn subscribe_command_mid_multipart_does_not_break_the_message() {
    let mut s = established(SocketType::XPub, "XSUB", 1);
    s.handle_input(b"\x01\x01a");
    s.handle_input(b"\x04\x0c\x09SUBSCRIBEAB");
    s.handle_input(b"\x00\x01b");
    let evs = poll_all(&mut s);
    let ab: Multipart = ["a", "b"].into_iter().collect();
    assert_eq!(
        evs,
        vec![
            Ok(Event::Message(Multipart::single(&b"\x01AB"[..]))),
            Ok(Event::Message(ab)),
        ]
    );
}

#[test]
fn errors_have_messages() {
    let errs = [
        Error::Zmtp10Peer,
        Error::Zmtp20Peer { revision: 1 },
        Error::IncompatibleSocketType {
            local: SocketType::Req,
            peer: SocketType::Pub,
        },
        Error::HeartbeatTimeout,
    ];
    for e in errs {
        let text = e.to_string();
        assert!(text.len() > 10, "{e:?} → {text}");
        let _: &dyn std::error::Error = &e;
    }
    assert_eq!(
        Error::IncompatibleSocketType {
            local: SocketType::Req,
            peer: SocketType::Pub
        }
        .to_string(),
        "a REQ socket cannot talk to a PUB peer"
    );
}
