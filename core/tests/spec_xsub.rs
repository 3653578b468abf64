//! ZMQ_XSUB, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::zmtp::session::INPUT_HIGH_WATER;
use ringmq_core::{Error, SocketType::*};

/// Receives one message from `s` as raw frames.
fn recv_raw(net: &mut Net, s: Sock) -> Vec<Vec<u8>> {
    let m = net.s(s).recv().expect("recv").to_vecs();
    net.pump();
    m
}

fn sorted(mut v: Vec<Vec<String>>) -> Vec<Vec<String>> {
    v.sort();
    v
}

#[test]
fn table_compatible_peer_sockets_are_pub_and_xpub() {
    assert_compatible_peers(XSub, &[Pub, XPub]);
}

#[test]
fn table_direction_is_unidirectional() {
    // Data flows down from the publisher; what goes up is subscriptions.
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let xpub = net.socket(XPub);
    net.connect(xsub, xpub);
    net.send(xsub, &["\x01"]);
    assert_eq!(net.recv_all(xpub), [["\x01"]]);
    net.send(xpub, &["down"]);
    assert_eq!(net.recv(xsub).unwrap(), ["down"]);
    assert_eq!(net.recv(xsub), Err(Error::Again), "no echo of what it sent");
}

#[test]
fn table_send_receive_pattern_is_receive_messages_send_subscriptions() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let publisher = net.socket(Pub);
    net.connect(xsub, publisher);
    assert!(net.s(xsub).can_send());
    assert!(!net.s(xsub).can_recv());
    net.send(xsub, &["\x01a"]);
    net.send(publisher, &["a1"]);
    net.send(xsub, &["\x01b"]);
    net.send(publisher, &["b1"]);
    assert!(net.s(xsub).can_recv());
    assert_eq!(net.recv(xsub).unwrap(), ["a1"]);
    net.send(xsub, &["\x00a"]);
    net.send(publisher, &["a2"]);
    net.send(publisher, &["b2"]);
    assert_eq!(net.recv_all(xsub), [["b1"], ["b2"]]);
    assert_eq!(net.s(xsub).stats().msgs_sent, 3);
    assert_eq!(net.s(xsub).stats().msgs_received, 3);
}

#[test]
fn table_incoming_routing_strategy_is_fair_queued() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let pubs = [net.socket(Pub), net.socket(XPub), net.socket(Pub)];
    for p in &pubs {
        net.connect(xsub, *p);
    }
    net.send(xsub, &["\x01"]);
    // Three publishers, three messages queued from each.
    for (k, p) in pubs.iter().enumerate() {
        for i in 0..3 {
            net.send(*p, &[&format!("p{k}.{i}")]);
        }
    }
    assert_eq!(
        net.recv_all(xsub),
        [
            ["p0.0"],
            ["p1.0"],
            ["p2.0"],
            ["p0.1"],
            ["p1.1"],
            ["p2.1"],
            ["p0.2"],
            ["p1.2"],
            ["p2.2"]
        ]
    );
}

#[test]
fn table_outgoing_routing_strategy_is_not_applicable() {
    // Nothing is routed: every publisher gets every subscription.
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let xpubs: Vec<_> = (0..3).map(|_| net.socket(XPub)).collect();
    for x in &xpubs {
        net.connect(xsub, *x);
    }
    net.send(xsub, &["\x01a"]);
    net.send(xsub, &["\x01b"]);
    for x in &xpubs {
        assert_eq!(net.recv_all(*x), [["\x01a"], ["\x01b"]]);
    }
}

#[test]
fn table_action_in_mute_state_is_drop() {
    // Same as SUB: the application stops reading, the XSUB's queue fills to
    // its rcvhwm, the publisher's pipe to its sndhwm, and the rest is
    // dropped at the publisher, which never blocks.
    const SNDHWM: usize = 5;
    const RCVHWM: usize = 5;
    const N: usize = 3000;
    let pad = "y".repeat(100);
    let mut net = Net::new();
    let xpub = net.socket_hwm(XPub, SNDHWM, RCVHWM);
    let xsub = net.socket_hwm(XSub, SNDHWM, RCVHWM);
    let l = net.connect(xsub, xpub);
    net.send(xsub, &["\x01"]);
    for i in 0..N {
        assert_eq!(net.try_send(xpub, &[&format!("{i:04}{pad}")]), Ok(()));
    }
    let xsub_pipe = net.pipe_of(l, xsub).unwrap();
    assert_eq!(net.s(xsub).pipe(xsub_pipe).unwrap().in_len(), RCVHWM);
    let xpub_pipe = net.pipe_of(l, xpub).unwrap();
    let dropped = net.s(xpub).pipe(xpub_pipe).unwrap().stats().drops_hwm;
    assert!(dropped > 0, "the excess was dropped");
    assert_eq!(net.s(xpub).stats().drops_hwm, dropped);

    let got = net.recv_all(xsub);
    // Bytes the sessions and wires in between may hold: the publisher's
    // encoded output and its wire (each may overshoot its limit by a batch),
    // and the subscriber's undecoded input.
    let buffered = INPUT_HIGH_WATER + 2 * (WIRE_LIMIT + SESSION_OUT_LIMIT);
    let in_flight = buffered / pad.len();
    assert!(got.len() >= RCVHWM, "got {}", got.len());
    assert!(
        got.len() <= RCVHWM + SNDHWM + in_flight,
        "got {} of {N}: the subscriber did not push back",
        got.len()
    );
    assert_eq!(got.len() as u64 + dropped, N as u64, "each message once");
    let seq: Vec<usize> = got.iter().map(|m| m[0][..4].parse().unwrap()).collect();
    assert_eq!(seq[..RCVHWM], [0, 1, 2, 3, 4]);
    assert!(seq.windows(2).all(|w| w[0] < w[1]), "{seq:?}");
    net.send(xpub, &["fresh"]);
    assert_eq!(net.recv(xsub).unwrap(), ["fresh"]);
}

#[test]
fn same_as_sub_except_that_you_subscribe_by_sending_subscription_messages_to_the_socket() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let publisher = net.socket(Pub);
    net.connect(xsub, publisher);
    // Like SUB, initially subscribed to nothing.
    net.send(publisher, &["t", "early"]);
    assert_eq!(net.recv(xsub), Err(Error::Again));
    // Not through the ZMQ_SUBSCRIBE option…
    assert_eq!(net.s(xsub).subscribe(b"t"), Err(Error::Invalid));
    assert_eq!(net.s(xsub).unsubscribe(b"t"), Err(Error::Invalid));
    net.pump();
    net.send(publisher, &["t", "still nothing"]);
    assert_eq!(net.recv(xsub), Err(Error::Again));
    // …but by sending the subscription as a message.
    net.send(xsub, &["\x01t"]);
    net.send(publisher, &["t", "now"]);
    net.send(publisher, &["u", "not this"]);
    assert_eq!(net.recv_all(xsub), [["t", "now"]]);
}

#[test]
fn subscription_message_is_a_byte_1_or_byte_0_followed_by_the_subscription_body() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let xpub = net.socket(XPub);
    net.connect(xsub, xpub);
    net.s(xsub).send(msg(&["\x01ab"])).unwrap();
    net.pump();
    assert_eq!(recv_raw(&mut net, xpub), [vec![1, b'a', b'b']]);
    net.send(xpub, &["abc"]);
    assert_eq!(net.recv(xsub).unwrap(), ["abc"]);
    net.send(xsub, &["\x00ab"]);
    assert_eq!(recv_raw(&mut net, xpub), [vec![0, b'a', b'b']]);
    net.send(xpub, &["abc"]);
    assert_eq!(net.recv(xsub), Err(Error::Again));
    // Binary bodies, including the flag bytes themselves.
    let topic: Vec<u8> = vec![1, 0, 0xff];
    let sub_msg: ringmq_core::Multipart = [[&[1u8][..], &topic[..]].concat()].into_iter().collect();
    net.s(xsub).send(sub_msg).unwrap();
    net.pump();
    assert_eq!(recv_raw(&mut net, xpub), [vec![1, 1, 0, 0xff]]);
    let data: ringmq_core::Multipart = [[&topic[..], &b"!"[..]].concat()].into_iter().collect();
    net.s(xpub).send(data).unwrap();
    net.pump();
    assert_eq!(recv_raw(&mut net, xsub), [vec![1, 0, 0xff, b'!']]);
    // The byte alone is the empty subscription: everything.
    net.send(xsub, &["\x01"]);
    assert_eq!(recv_raw(&mut net, xpub), [vec![1]]);
    net.send(xpub, &["zzz"]);
    assert_eq!(net.recv(xsub).unwrap(), ["zzz"]);
}

#[test]
fn a_subscription_matches_messages_whose_first_frame_starts_with_it() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let publisher = net.socket(Pub);
    net.connect(xsub, publisher);
    net.send(xsub, &["\x01ab"]);
    for topic in ["abc", "a", "ab", "xab", "", "abab"] {
        net.send(publisher, &[topic]);
    }
    assert_eq!(net.recv_all(xsub), [["abc"], ["ab"], ["abab"]]);
}

#[test]
fn subscriptions_are_counted_each_subscription_needs_its_own_unsubscription() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let xpub = net.socket(XPub);
    net.connect(xsub, xpub);
    net.send(xsub, &["\x01a"]);
    net.send(xsub, &["\x01a"]);
    assert_eq!(net.recv_all(xpub), [["\x01a"]]);
    net.send(xsub, &["\x00a"]);
    assert_eq!(net.recv(xpub), Err(Error::Again), "one subscription left");
    net.send(xpub, &["a1"]);
    assert_eq!(net.recv(xsub).unwrap(), ["a1"]);
    net.send(xsub, &["\x00a"]);
    assert_eq!(net.recv_all(xpub), [["\x00a"]]);
    net.send(xpub, &["a2"]);
    assert_eq!(net.recv(xsub), Err(Error::Again));
}

#[test]
fn subscriptions_are_replayed_to_a_publisher_that_connects_later() {
    let mut net = Net::new();
    let xsub = net.socket_hwm(XSub, 1, 1000);
    net.s(xsub).send(msg(&["\x01x"])).unwrap();
    net.s(xsub).send(msg(&["\x01y"])).unwrap();
    net.s(xsub).send(msg(&["\x01z"])).unwrap();
    net.s(xsub).send(msg(&["\x00z"])).unwrap();
    let xpub = net.socket(XPub);
    net.connect(xsub, xpub);
    assert_eq!(sorted(net.recv_all(xpub)), [["\x01x"], ["\x01y"]]);
    let publisher = net.socket(Pub);
    net.connect(xsub, publisher);
    for t in ["x", "y", "z"] {
        net.send(publisher, &[t]);
    }
    assert_eq!(net.recv_all(xsub), [["x"], ["y"]]);
}

#[test]
fn multipart_messages_are_filtered_on_the_first_frame_and_delivered_whole() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let publisher = net.socket(Pub);
    net.connect(xsub, publisher);
    net.send(xsub, &["\x01key"]);
    net.send(publisher, &["nokey", "key"]);
    net.send(publisher, &["key", "1", "2"]);
    assert_eq!(net.recv(xsub).unwrap(), ["key", "1", "2"]);
    assert_eq!(net.recv(xsub), Err(Error::Again));
}

#[test]
fn a_message_arriving_after_its_subscription_was_cancelled_is_discarded() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let publisher = net.socket(Pub);
    let l = net.connect(xsub, publisher);
    net.send(xsub, &["\x01a"]);
    net.freeze(l);
    net.send(publisher, &["a", "in flight"]);
    net.send(xsub, &["\x00a"]);
    net.thaw(l);
    assert!(!net.s(xsub).can_recv(), "nothing readable arrived");
    assert_eq!(net.recv(xsub), Err(Error::Again));
    assert_eq!(net.s(xsub).stats().drops_no_subscriber, 1);
}

#[test]
fn unsubscribing_discards_messages_already_queued_for_the_topic() {
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let publisher = net.socket(Pub);
    net.connect(xsub, publisher);
    net.send(xsub, &["\x01a"]);
    net.send(xsub, &["\x01b"]);
    net.send(publisher, &["a1"]);
    net.send(publisher, &["b1"]);
    net.send(xsub, &["\x00a"]);
    assert_eq!(net.recv_all(xsub), [["b1"]]);
    assert_eq!(net.s(xsub).stats().drops_no_subscriber, 1);
}

#[test]
fn an_xsub_holding_only_messages_of_a_cancelled_subscription_is_not_readable() {
    // can_recv is POLLIN: "true if recv would not return Again". libzmq's
    // xsub_t::xhas_in drops non-matching messages and reports false here.
    let mut net = Net::new();
    let xsub = net.socket(XSub);
    let publisher = net.socket(Pub);
    net.connect(xsub, publisher);
    net.send(xsub, &["\x01a"]);
    net.send(publisher, &["a1"]);
    assert!(net.s(xsub).can_recv());
    net.send(xsub, &["\x00a"]);
    let readable = net.s(xsub).can_recv();
    assert_eq!(net.recv(xsub), Err(Error::Again));
    assert!(!readable, "can_recv was true but recv returned Again");
}
