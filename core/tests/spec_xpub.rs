//! ZMQ_XPUB, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::options::Options;
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

/// `n` subscribers connected to `xpub`, each subscribed to everything; the
/// subscriptions have been received (and discarded) by the application.
fn subscribers(net: &mut Net, xpub: Sock, n: usize) -> Vec<(Sock, LinkId)> {
    let subs = (0..n)
        .map(|_| {
            let sub = net.socket(Sub);
            let l = net.connect(sub, xpub);
            subscribe(net, sub, "");
            (sub, l)
        })
        .collect();
    net.recv_all(xpub);
    subs
}

#[test]
fn table_compatible_peer_sockets_are_sub_and_xsub() {
    assert_compatible_peers(XPub, &[Sub, XSub]);
}

#[test]
fn table_direction_is_unidirectional() {
    // Data goes down only; what comes up is subscriptions.
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let sub = net.socket(Sub);
    net.connect(sub, xpub);
    subscribe(&mut net, sub, "d");
    net.send(xpub, &["down"]);
    assert_eq!(net.recv(sub).unwrap(), ["down"]);
    assert_eq!(
        net.s(sub).send(msg(&["dup"])).unwrap_err().error,
        Error::NotSupported
    );
    net.pump();
    assert_eq!(net.recv_all(xpub), [["\x01d"]]);
}

#[test]
fn table_send_receive_pattern_is_send_messages_receive_subscriptions() {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let sub = net.socket(Sub);
    net.connect(sub, xpub);
    assert!(net.s(xpub).can_send());
    assert!(!net.s(xpub).can_recv());
    subscribe(&mut net, sub, "a");
    assert!(net.s(xpub).can_recv());
    assert_eq!(net.recv(xpub).unwrap(), ["\x01a"]);
    net.send(xpub, &["a1"]);
    subscribe(&mut net, sub, "b");
    net.send(xpub, &["b1"]);
    assert_eq!(net.recv(xpub).unwrap(), ["\x01b"]);
    assert_eq!(net.recv_all(sub), [["a1"], ["b1"]]);
    unsubscribe(&mut net, sub, "a");
    net.send(xpub, &["a2"]);
    net.send(xpub, &["b2"]);
    assert_eq!(net.recv(xpub).unwrap(), ["\x00a"]);
    assert_eq!(net.recv(xpub), Err(Error::Again));
    assert_eq!(net.recv_all(sub), [["b2"]]);
    assert_eq!(net.s(xpub).stats().msgs_sent, 4);
    assert_eq!(net.s(xpub).stats().msgs_received, 3);
    assert_eq!(net.s(xpub).stats().drops_no_subscriber, 1);
}

#[test]
fn table_incoming_routing_strategy_is_not_applicable() {
    // What the application receives is not peers' messages routed to it but
    // the socket's merged subscription set changing: three subscribers
    // wanting the same topic make one subscription message.
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let subs: Vec<_> = (0..3).map(|_| net.socket(Sub)).collect();
    for s in &subs {
        net.connect(*s, xpub);
    }
    assert_eq!(net.recv(xpub), Err(Error::Again), "nothing to receive");
    for s in &subs {
        subscribe(&mut net, *s, "same");
    }
    assert_eq!(net.recv_all(xpub), [["\x01same"]]);
    for s in &subs {
        assert_eq!(
            net.s(*s).send(msg(&["data"])).unwrap_err().error,
            Error::NotSupported
        );
    }
    net.pump();
    assert_eq!(net.recv(xpub), Err(Error::Again));
}

#[test]
fn table_outgoing_routing_strategy_is_fan_out() {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let subs = subscribers(&mut net, xpub, 3);
    for i in 0..3 {
        net.send(xpub, &[&format!("m{i}")]);
    }
    for (sub, _) in &subs {
        assert_eq!(net.recv_all(*sub), [["m0"], ["m1"], ["m2"]]);
    }
    assert_eq!(net.s(xpub).stats().drops_hwm, 0);
}

#[test]
fn table_action_in_mute_state_is_drop() {
    const HWM: usize = 3;
    let mut net = Net::new();
    let xpub = net.socket_hwm(XPub, HWM, HWM);
    let subs = subscribers(&mut net, xpub, 3);
    let (stalled, link) = subs[2];
    net.freeze(link);
    for i in 0..8 {
        assert_eq!(net.try_send(xpub, &[&format!("m{i}")]), Ok(()));
    }
    let pipe = net.pipe_of(link, xpub).unwrap();
    let p = net.s(xpub).pipe(pipe).unwrap();
    assert!(p.is_muted());
    assert_eq!(p.out_len(), HWM);
    assert_eq!(p.stats().drops_hwm, 8 - HWM as u64);
    assert_eq!(net.s(xpub).stats().drops_hwm, 8 - HWM as u64);
    let all: Vec<Vec<String>> = (0..8).map(|i| vec![format!("m{i}")]).collect();
    assert_eq!(net.recv_all(subs[0].0), all);
    assert_eq!(net.recv_all(subs[1].0), all);
    net.thaw(link);
    assert_eq!(net.recv_all(stalled), [["m0"], ["m1"], ["m2"]]);
}

#[test]
fn same_as_pub_except_that_you_can_receive_subscriptions_from_the_peers_in_form_of_incoming_messages(
) {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    let xsub = net.socket(XSub);
    for p in [xpub, publisher] {
        net.connect(sub, p);
        net.connect(xsub, p);
    }
    subscribe(&mut net, sub, "s");
    net.send(xsub, &["\x01x"]);
    // The XPUB hands the subscriptions to the application; the PUB does not.
    assert_eq!(sorted(net.recv_all(xpub)), [["\x01s"], ["\x01x"]]);
    assert_eq!(net.recv(publisher), Err(Error::NotSupported));
    // Otherwise both publish the same way.
    for p in [xpub, publisher] {
        net.send(p, &["s", "1"]);
        net.send(p, &["x", "2"]);
        net.send(p, &["none", "3"]);
    }
    assert_eq!(net.recv_all(sub), [["s", "1"], ["s", "1"]]);
    assert_eq!(net.recv_all(xsub), [["x", "2"], ["x", "2"]]);
    assert_eq!(net.s(xpub).stats().drops_no_subscriber, 1);
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 1);
}

#[test]
fn subscription_message_is_a_byte_1_or_byte_0_followed_by_the_subscription_body() {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let sub = net.socket(Sub);
    net.connect(sub, xpub);
    subscribe(&mut net, sub, "ab");
    assert_eq!(recv_raw(&mut net, xpub), [vec![1, b'a', b'b']]);
    unsubscribe(&mut net, sub, "ab");
    assert_eq!(recv_raw(&mut net, xpub), [vec![0, b'a', b'b']]);
    // The body is any bytes, including 0 and 1 themselves.
    net.s(sub).subscribe(&[0, 0xff, 1]).unwrap();
    net.pump();
    assert_eq!(recv_raw(&mut net, xpub), [vec![1, 0, 0xff, 1]]);
    net.s(sub).unsubscribe(&[0, 0xff, 1]).unwrap();
    net.pump();
    assert_eq!(recv_raw(&mut net, xpub), [vec![0, 0, 0xff, 1]]);
    // The empty subscription is the byte alone.
    subscribe(&mut net, sub, "");
    assert_eq!(recv_raw(&mut net, xpub), [vec![1]]);
    unsubscribe(&mut net, sub, "");
    assert_eq!(recv_raw(&mut net, xpub), [vec![0]]);
    assert_eq!(net.recv(xpub), Err(Error::Again));
}

#[test]
fn only_the_first_subscription_and_the_last_unsubscription_of_a_topic_are_received() {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let s1 = net.socket(Sub);
    let s2 = net.socket(Sub);
    net.connect(s1, xpub);
    net.connect(s2, xpub);
    subscribe(&mut net, s1, "a");
    subscribe(&mut net, s2, "a");
    subscribe(&mut net, s1, "a");
    assert_eq!(net.recv_all(xpub), [["\x01a"]]);
    unsubscribe(&mut net, s1, "a");
    unsubscribe(&mut net, s1, "a");
    assert_eq!(net.recv(xpub), Err(Error::Again), "s2 still wants a");
    net.send(xpub, &["a"]);
    assert_eq!(net.recv_all(s2), [["a"]]);
    assert_eq!(net.recv(s1), Err(Error::Again));
    unsubscribe(&mut net, s2, "a");
    assert_eq!(net.recv_all(xpub), [["\x00a"]]);
}

#[test]
fn xpub_verbose_passes_on_every_subscription_but_only_the_last_unsubscription() {
    let mut net = Net::new();
    let xpub = net.socket_with(
        XPub,
        Options {
            xpub_verbose: true,
            ..Options::default()
        },
    );
    let s1 = net.socket(Sub);
    let s2 = net.socket(XSub);
    net.connect(s1, xpub);
    net.connect(s2, xpub);
    subscribe(&mut net, s1, "a");
    net.send(s2, &["\x01a"]);
    subscribe(&mut net, s1, "a");
    net.send(s2, &["\x01a"]);
    assert_eq!(
        net.recv_all(xpub),
        [["\x01a"], ["\x01a"], ["\x01a"], ["\x01a"]]
    );
    unsubscribe(&mut net, s1, "a");
    unsubscribe(&mut net, s1, "a");
    net.send(s2, &["\x00a"]);
    assert_eq!(net.recv(xpub), Err(Error::Again), "s2 still wants a");
    net.send(s2, &["\x00a"]);
    assert_eq!(net.recv_all(xpub), [["\x00a"]]);
}

#[test]
fn a_subscriber_that_disconnects_unsubscribes_from_topics_nobody_else_wants() {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let a = net.socket(Sub);
    let b = net.socket(Sub);
    let la = net.connect(a, xpub);
    let lb = net.connect(b, xpub);
    for t in ["a", "shared"] {
        subscribe(&mut net, a, t);
    }
    for t in ["shared", "b"] {
        subscribe(&mut net, b, t);
    }
    assert_eq!(
        sorted(net.recv_all(xpub)),
        [["\x01a"], ["\x01b"], ["\x01shared"]]
    );
    net.cut(la);
    assert_eq!(net.recv_all(xpub), [["\x00a"]]);
    net.send(xpub, &["a"]);
    net.send(xpub, &["shared"]);
    assert_eq!(net.recv_all(b), [["shared"]]);
    assert_eq!(net.s(xpub).stats().drops_no_subscriber, 1);
    net.cut(lb);
    assert_eq!(sorted(net.recv_all(xpub)), [["\x00b"], ["\x00shared"]]);
    assert_eq!(net.recv(xpub), Err(Error::Again));
}

#[test]
fn subscriptions_made_before_connecting_are_received_on_connect() {
    let mut net = Net::new();
    let sub = net.socket(Sub);
    net.s(sub).subscribe(b"early").unwrap();
    net.s(sub).subscribe(b"bird").unwrap();
    let xpub = net.socket(XPub);
    net.connect(sub, xpub);
    assert_eq!(sorted(net.recv_all(xpub)), [["\x01bird"], ["\x01early"]]);
    net.send(xpub, &["early", "x"]);
    assert_eq!(net.recv(sub).unwrap(), ["early", "x"]);
}

#[test]
fn a_subscription_matches_messages_whose_first_frame_starts_with_it() {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let sub = net.socket(Sub);
    net.connect(sub, xpub);
    subscribe(&mut net, sub, "ab");
    for topic in ["abc", "a", "ab", "xab", "", "abab"] {
        net.send(xpub, &[topic]);
    }
    assert_eq!(net.recv_all(sub), [["abc"], ["ab"], ["abab"]]);
    assert_eq!(net.s(xpub).stats().drops_no_subscriber, 3);
}

#[test]
fn multipart_messages_are_filtered_on_the_first_frame_and_delivered_whole() {
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let sub = net.socket(Sub);
    net.connect(sub, xpub);
    subscribe(&mut net, sub, "k");
    net.send(xpub, &["x", "k"]);
    net.send(xpub, &["k1", "a", "b"]);
    assert_eq!(net.recv_all(sub), [["k1", "a", "b"]]);
    assert_eq!(net.s(xpub).stats().drops_no_subscriber, 1);
}

#[test]
fn zmq_send_never_blocks_for_this_socket_type() {
    let mut net = Net::new();
    let xpub = net.socket_hwm(XPub, 1, 1);
    assert!(net.s(xpub).can_send());
    assert_eq!(net.try_send(xpub, &["no peers"]), Ok(()));
    let subs = subscribers(&mut net, xpub, 2);
    for (_, l) in &subs {
        net.freeze(*l);
    }
    for i in 0..50 {
        assert!(net.s(xpub).can_send());
        assert_eq!(net.try_send(xpub, &[&format!("m{i}")]), Ok(()));
    }
    assert_eq!(net.s(xpub).stats().msgs_sent, 51);
    assert_eq!(net.s(xpub).stats().drops_hwm, 2 * 49);
    assert_eq!(net.s(xpub).stats().drops_no_subscriber, 1);
}

#[test]
fn other_messages_an_xsub_sends_upstream_are_received_as_they_are() {
    // As libzmq: only 0x01/0x00 messages are subscriptions; anything else
    // from an XSUB reaches the application untouched.
    let mut net = Net::new();
    let xpub = net.socket(XPub);
    let xsub = net.socket(XSub);
    net.connect(xsub, xpub);
    net.send(xsub, &["\x02hello"]);
    net.send(xsub, &["plain", "two frames"]);
    assert_eq!(
        net.recv_all(xpub),
        [vec!["\x02hello"], vec!["plain", "two frames"]]
    );
    // They subscribe to nothing.
    net.send(xpub, &["plain"]);
    assert_eq!(net.recv(xsub), Err(Error::Again));
}
