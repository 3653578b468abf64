//! ZMQ_SUB, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::zmtp::session::INPUT_HIGH_WATER;
use ringmq_core::{Error, SocketType::*};

/// ZMQ_SUBSCRIBE on `sub`, then lets the subscription travel.
fn subscribe(net: &mut Net, sub: Sock, topic: &str) {
    net.s(sub).subscribe(topic.as_bytes()).expect("subscribe");
    net.pump();
}

/// ZMQ_UNSUBSCRIBE on `sub`, then lets the cancellation travel.
fn unsubscribe(net: &mut Net, sub: Sock, topic: &str) {
    net.s(sub)
        .unsubscribe(topic.as_bytes())
        .expect("unsubscribe");
    net.pump();
}

fn sorted(mut v: Vec<Vec<String>>) -> Vec<Vec<String>> {
    v.sort();
    v
}

#[test]
fn table_compatible_peer_sockets_are_pub_and_xpub() {
    assert_compatible_peers(Sub, &[Pub, XPub]);
}

#[test]
fn table_direction_is_unidirectional() {
    // Data flows from the publisher to the subscriber only; all that goes
    // upstream is subscriptions.
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let xpub = net.socket(XPub);
    net.connect(sub, xpub);
    subscribe(&mut net, sub, "");
    net.send(xpub, &["down"]);
    assert_eq!(net.recv(sub).unwrap(), ["down"]);
    let err = net.s(sub).send(msg(&["up"])).unwrap_err();
    assert_eq!(err.error, Error::NotSupported);
    net.pump();
    assert_eq!(net.recv_all(xpub), [["\x01"]], "only the subscription");
}

#[test]
fn table_send_receive_pattern_is_receive_only() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "");
    assert!(!net.s(sub).can_send());
    assert!(!net.s(sub).can_recv());
    for i in 0..3 {
        net.send(publisher, &[&format!("m{i}")]);
        assert!(net.s(sub).can_recv());
        assert_eq!(net.recv(sub).unwrap(), [format!("m{i}")]);
        let err = net.s(sub).send(msg(&["reply"])).unwrap_err();
        assert_eq!(err.error, Error::NotSupported);
    }
    assert_eq!(net.recv(sub), Err(Error::Again));
    assert_eq!(net.s(sub).stats().msgs_received, 3);
    assert_eq!(net.s(sub).stats().msgs_sent, 0);
}

#[test]
fn table_incoming_routing_strategy_is_fair_queued() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    net.s(sub).subscribe(b"").unwrap();
    let pubs: Vec<_> = (0..3).map(|_| net.socket(Pub)).collect();
    for p in &pubs {
        net.connect(sub, *p);
    }
    // Three publishers, three messages queued from each.
    for (k, p) in pubs.iter().enumerate() {
        for i in 0..3 {
            net.send(*p, &[&format!("p{k}.{i}")]);
        }
    }
    assert_eq!(
        net.recv_all(sub),
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
    // A busy publisher does not starve the others.
    for i in 0..4 {
        net.send(pubs[0], &[&format!("busy{i}")]);
    }
    net.send(pubs[1], &["quiet1"]);
    net.send(pubs[2], &["quiet2"]);
    assert_eq!(
        net.recv_all(sub),
        [
            ["busy0"],
            ["quiet1"],
            ["quiet2"],
            ["busy1"],
            ["busy2"],
            ["busy3"]
        ]
    );
}

#[test]
fn table_outgoing_routing_strategy_is_not_applicable() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    // Without peers…
    let err = net.s(sub).send(msg(&["x"])).unwrap_err();
    assert_eq!(err.error, Error::NotSupported);
    assert_eq!(strs(&err.msg), ["x"], "handed back untouched");
    // …and with three: nothing is routed to any of them.
    let xpubs: Vec<_> = (0..3).map(|_| net.socket(XPub)).collect();
    for x in &xpubs {
        net.connect(sub, *x);
    }
    for body in ["x", "\x01topic", "\x00topic"] {
        let err = net.s(sub).send(msg(&[body])).unwrap_err();
        assert_eq!(err.error, Error::NotSupported);
    }
    net.pump();
    for x in &xpubs {
        assert_eq!(net.recv(*x), Err(Error::Again));
    }
    assert_eq!(net.s(sub).stats().msgs_sent, 0);
}

#[test]
fn table_action_in_mute_state_is_drop() {
    // The application stops reading: the subscriber's queue fills to its
    // rcvhwm, the buffers in between fill, then the publisher's pipe reaches
    // its sndhwm and what follows is dropped — the publisher never blocks
    // nor fails.
    const SNDHWM: usize = 5;
    const RCVHWM: usize = 5;
    const N: usize = 3000;
    let pad = "x".repeat(100);
    let mut net = Net::new();
    let publisher = net.socket_hwm(Pub, SNDHWM, RCVHWM);
    let sub = net.socket_hwm(Sub, SNDHWM, RCVHWM);
    let l = net.connect(sub, publisher);
    subscribe(&mut net, sub, "");
    for i in 0..N {
        assert_eq!(net.try_send(publisher, &[&format!("{i:04}{pad}")]), Ok(()));
    }
    let sub_pipe = net.pipe_of(l, sub).unwrap();
    assert_eq!(net.s(sub).pipe(sub_pipe).unwrap().in_len(), RCVHWM);
    let pub_pipe = net.pipe_of(l, publisher).unwrap();
    let dropped = net.s(publisher).pipe(pub_pipe).unwrap().stats().drops_hwm;
    assert!(dropped > 0, "the excess was dropped");
    assert_eq!(net.s(publisher).stats().drops_hwm, dropped);
    assert_eq!(net.s(publisher).stats().msgs_sent, N as u64);

    let got = net.recv_all(sub);
    // Messages held by the sessions and wires in between, at most.
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
    // What arrived is the oldest messages first, in order, none duplicated.
    let seq: Vec<usize> = got.iter().map(|m| m[0][..4].parse().unwrap()).collect();
    assert_eq!(seq[..RCVHWM], [0, 1, 2, 3, 4]);
    assert!(seq.windows(2).all(|w| w[0] < w[1]), "{seq:?}");
    // Reading again ends the mute state.
    net.send(publisher, &["fresh"]);
    assert_eq!(net.recv(sub).unwrap(), ["fresh"]);
}

#[test]
fn a_sub_socket_is_used_by_a_subscriber_to_subscribe_to_data_distributed_by_a_publisher() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "prices");
    net.send(publisher, &["prices", "42"]);
    net.send(publisher, &["news", "-"]);
    net.send(publisher, &["prices", "43"]);
    assert_eq!(net.recv_all(sub), [["prices", "42"], ["prices", "43"]]);
}

#[test]
fn initially_a_sub_socket_is_not_subscribed_to_any_messages() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    let xpub = net.socket(XPub);
    net.connect(sub, publisher);
    net.connect(sub, xpub);
    // No subscription travelled upstream…
    assert_eq!(net.recv(xpub), Err(Error::Again));
    // …and nothing, not even the empty message, is received.
    for body in ["", "a", "\x01", "anything at all"] {
        net.send(publisher, &[body]);
        net.send(xpub, &[body]);
    }
    assert!(!net.s(sub).can_recv());
    assert_eq!(net.recv(sub), Err(Error::Again));
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 4);
    assert_eq!(net.s(xpub).stats().drops_no_subscriber, 4);
}

#[test]
fn use_the_zmq_subscribe_option_to_specify_which_messages_to_subscribe_to() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    net.send(publisher, &["a", "before"]);
    subscribe(&mut net, sub, "a");
    net.send(publisher, &["a", "after"]);
    net.send(publisher, &["b", "after"]);
    subscribe(&mut net, sub, "b");
    net.send(publisher, &["b", "later"]);
    assert_eq!(net.recv_all(sub), [["a", "after"], ["b", "later"]]);
}

#[test]
fn the_zmq_send_function_is_not_implemented_for_this_socket_type() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "");
    assert!(!net.s(sub).can_send());
    let err = net.s(sub).send(msg(&["a", "b"])).unwrap_err();
    assert_eq!(err.error, Error::NotSupported);
    assert_eq!(strs(&err.msg), ["a", "b"]);
    // Not even a subscription message gets through send: that is XSUB's way.
    let err = net.s(sub).send(msg(&["\x00"])).unwrap_err();
    assert_eq!(err.error, Error::NotSupported);
    net.pump();
    net.send(publisher, &["still subscribed"]);
    assert_eq!(net.recv(sub).unwrap(), ["still subscribed"]);
}

#[test]
fn a_subscription_matches_messages_whose_first_frame_starts_with_it() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "ab");
    for topic in ["abc", "a", "ab", "xab", "", "b", "abab", "AB"] {
        net.send(publisher, &[topic]);
    }
    assert_eq!(net.recv_all(sub), [["abc"], ["ab"], ["abab"]]);
}

#[test]
fn the_empty_subscription_matches_every_message() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "");
    for topic in ["", "a", "\x00", "\x01b", "long topic"] {
        net.send(publisher, &[topic]);
    }
    assert_eq!(
        net.recv_all(sub),
        [[""], ["a"], ["\x00"], ["\x01b"], ["long topic"]]
    );
}

#[test]
fn subscriptions_are_counted_each_subscribe_needs_its_own_unsubscribe() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let xpub = net.socket(XPub);
    net.connect(sub, xpub);
    subscribe(&mut net, sub, "a");
    subscribe(&mut net, sub, "a");
    assert_eq!(net.recv_all(xpub), [["\x01a"]]);
    unsubscribe(&mut net, sub, "a");
    assert_eq!(net.recv(xpub), Err(Error::Again), "still subscribed once");
    net.send(xpub, &["a1"]);
    assert_eq!(net.recv(sub).unwrap(), ["a1"]);
    unsubscribe(&mut net, sub, "a");
    assert_eq!(net.recv_all(xpub), [["\x00a"]]);
    net.send(xpub, &["a2"]);
    assert_eq!(net.recv(sub), Err(Error::Again));
    // Cancelling what was never subscribed changes nothing and sends nothing.
    assert_eq!(net.s(sub).unsubscribe(b"never"), Ok(()));
    net.pump();
    assert_eq!(net.recv(xpub), Err(Error::Again));
}

#[test]
fn subscriptions_are_replayed_to_a_publisher_that_connects_later() {
    // Even past the subscriber's sndhwm: losing one would lose a topic.
    let mut net = Net::new();
    let sub = net.socket_hwm(Sub, 1, 1000);
    for t in ["a", "b", "c"] {
        net.s(sub).subscribe(t.as_bytes()).unwrap();
    }
    let first = net.socket(Pub);
    net.connect(sub, first);
    for t in ["a", "b", "c", "d"] {
        net.send(first, &[t]);
    }
    assert_eq!(net.recv_all(sub), [["a"], ["b"], ["c"]]);
    assert_eq!(net.s(first).stats().drops_no_subscriber, 1);
    // A second publisher joining later learns them too.
    let second = net.socket(XPub);
    net.connect(sub, second);
    assert_eq!(
        sorted(net.recv_all(second)),
        [["\x01a"], ["\x01b"], ["\x01c"]]
    );
    net.send(second, &["b"]);
    assert_eq!(net.recv(sub).unwrap(), ["b"]);
}

#[test]
fn a_subscription_goes_to_every_connected_publisher() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let pubs: Vec<_> = (0..3).map(|_| net.socket(Pub)).collect();
    for p in &pubs {
        net.connect(sub, *p);
    }
    subscribe(&mut net, sub, "t");
    for (k, p) in pubs.iter().enumerate() {
        net.send(*p, &[&format!("t{k}")]);
    }
    assert_eq!(sorted(net.recv_all(sub)), [["t0"], ["t1"], ["t2"]]);
}

#[test]
fn multipart_messages_are_filtered_on_the_first_frame_and_delivered_whole() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "key");
    net.send(publisher, &["other", "key"]);
    net.send(publisher, &["key", "1", "2", "3"]);
    net.send(publisher, &["key.sub", ""]);
    assert_eq!(
        net.recv(sub).unwrap(),
        ["key", "1", "2", "3"],
        "all frames, one recv"
    );
    assert_eq!(net.recv(sub).unwrap(), ["key.sub", ""]);
    assert_eq!(net.recv(sub), Err(Error::Again));
}

#[test]
fn a_message_arriving_after_its_subscription_was_cancelled_is_discarded() {
    // The publisher sent it before it heard of the cancellation: the
    // subscriber filters on its own too.
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    let l = net.connect(sub, publisher);
    subscribe(&mut net, sub, "a");
    net.freeze(l);
    net.send(publisher, &["a", "in flight"]);
    unsubscribe(&mut net, sub, "a");
    net.thaw(l);
    assert!(!net.s(sub).can_recv(), "nothing readable arrived");
    assert_eq!(net.recv(sub), Err(Error::Again));
    assert_eq!(net.s(sub).stats().drops_no_subscriber, 1);
}

#[test]
fn unsubscribing_discards_messages_already_queued_for_the_topic() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "a");
    subscribe(&mut net, sub, "b");
    net.send(publisher, &["a1"]);
    net.send(publisher, &["b1"]);
    unsubscribe(&mut net, sub, "a");
    assert_eq!(net.recv_all(sub), [["b1"]]);
    assert_eq!(net.s(sub).stats().drops_no_subscriber, 1);
}

#[test]
fn a_sub_holding_only_messages_of_a_cancelled_subscription_is_not_readable() {
    // can_recv is POLLIN: "true if recv would not return Again". libzmq's
    // xsub_t::xhas_in drops non-matching messages and reports false here.
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "a");
    net.send(publisher, &["a1"]);
    assert!(net.s(sub).can_recv());
    unsubscribe(&mut net, sub, "a");
    let readable = net.s(sub).can_recv();
    assert_eq!(net.recv(sub), Err(Error::Again));
    assert!(!readable, "can_recv was true but recv returned Again");
}

#[test]
fn messages_from_a_publisher_that_disconnects_stay_readable() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    let publisher = net.socket(Pub);
    let l = net.connect(sub, publisher);
    subscribe(&mut net, sub, "");
    net.send(publisher, &["last words"]);
    net.cut(l);
    assert_eq!(net.recv(sub).unwrap(), ["last words"]);
    assert_eq!(net.recv(sub), Err(Error::Again));
    assert_eq!(net.s(sub).pipes().count(), 0, "drained pipe reaped");
}
