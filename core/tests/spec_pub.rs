//! ZMQ_PUB, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::{Error, SocketType::*};

/// ZMQ_SUBSCRIBE on `sub`, then lets the subscription travel.
fn subscribe(net: &mut Net, sub: Sock, topic: &str) {
    net.s(sub).subscribe(topic.as_bytes()).expect("subscribe");
    net.pump();
}

/// A publisher and `n` subscribers, each connected and subscribed to
/// everything. Returns the links in subscriber order.
fn pub_with_subscribers(net: &mut Net, publisher: Sock, n: usize) -> Vec<(Sock, LinkId)> {
    (0..n)
        .map(|_| {
            let sub = net.socket(Sub);
            let l = net.connect(sub, publisher);
            subscribe(net, sub, "");
            (sub, l)
        })
        .collect()
}

#[test]
fn table_compatible_peer_sockets_are_sub_and_xsub() {
    assert_compatible_peers(Pub, &[Sub, XSub]);
}

#[test]
fn table_direction_is_unidirectional() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    let xsub = net.socket(XSub);
    net.connect(sub, publisher);
    net.connect(xsub, publisher);
    subscribe(&mut net, sub, "");
    net.send(xsub, &["\x01"]);
    net.send(publisher, &["down"]);
    assert_eq!(net.recv(sub).unwrap(), ["down"]);
    assert_eq!(net.recv(xsub).unwrap(), ["down"]);
    // Nothing comes back up as data: a SUB cannot send, and what an XSUB
    // sends upstream never reaches the publishing application.
    assert_eq!(
        net.s(sub).send(msg(&["up"])).unwrap_err().error,
        Error::NotSupported
    );
    net.send(xsub, &["up"]);
    assert!(!net.s(publisher).can_recv());
    assert_eq!(net.recv(publisher), Err(Error::NotSupported));
    // And the flow downstream is unaffected.
    net.send(publisher, &["down again"]);
    assert_eq!(net.recv(sub).unwrap(), ["down again"]);
    assert_eq!(net.recv(xsub).unwrap(), ["down again"]);
}

#[test]
fn table_send_receive_pattern_is_send_only() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = pub_with_subscribers(&mut net, publisher, 1)[0].0;
    for i in 0..3 {
        assert!(net.s(publisher).can_send());
        net.send(publisher, &[&format!("m{i}")]);
        assert_eq!(net.recv(publisher), Err(Error::NotSupported));
    }
    assert_eq!(net.recv_all(sub), [["m0"], ["m1"], ["m2"]]);
    assert_eq!(net.s(publisher).stats().msgs_sent, 3);
    assert_eq!(net.s(publisher).stats().msgs_received, 0);
}

#[test]
fn table_incoming_routing_strategy_is_not_applicable() {
    // Three subscribers, all subscribed: there is nothing incoming to route
    // to the application, whatever arrives.
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let subs = pub_with_subscribers(&mut net, publisher, 3);
    for (sub, _) in &subs {
        subscribe(&mut net, *sub, "more");
    }
    assert!(!net.s(publisher).can_recv());
    for _ in 0..4 {
        assert_eq!(net.recv(publisher), Err(Error::NotSupported));
    }
    assert_eq!(net.s(publisher).stats().msgs_received, 0);
}

#[test]
fn table_outgoing_routing_strategy_is_fan_out() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let subs = pub_with_subscribers(&mut net, publisher, 3);
    for i in 0..3 {
        net.send(publisher, &[&format!("m{i}")]);
    }
    for (sub, _) in &subs {
        assert_eq!(net.recv_all(*sub), [["m0"], ["m1"], ["m2"]]);
    }
    assert_eq!(net.s(publisher).stats().drops_hwm, 0);
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 0);
}

#[test]
fn table_action_in_mute_state_is_drop() {
    const HWM: usize = 4;
    let mut net = Net::new();
    let publisher = net.socket_hwm(Pub, HWM, HWM);
    let subs = pub_with_subscribers(&mut net, publisher, 3);
    let (stalled, link) = subs[1];
    net.freeze(link);
    for i in 0..10 {
        assert_eq!(net.try_send(publisher, &[&format!("m{i}")]), Ok(()));
    }
    let pipe = net.pipe_of(link, publisher).unwrap();
    let p = net.s(publisher).pipe(pipe).unwrap();
    assert!(p.is_muted());
    assert_eq!(p.out_len(), HWM, "queued up to the high-water mark");
    assert_eq!(p.stats().drops_hwm, 10 - HWM as u64, "the rest dropped");
    assert_eq!(net.s(publisher).stats().drops_hwm, 10 - HWM as u64);
    let all: Vec<Vec<String>> = (0..10).map(|i| vec![format!("m{i}")]).collect();
    assert_eq!(net.recv_all(subs[0].0), all, "others are not affected");
    assert_eq!(net.recv_all(subs[2].0), all, "others are not affected");
    assert!(net.recv_all(stalled).is_empty());
    net.thaw(link);
    assert_eq!(
        net.recv_all(stalled),
        [["m0"], ["m1"], ["m2"], ["m3"]],
        "exactly the first sndhwm messages were kept"
    );
}

#[test]
fn a_pub_socket_is_used_by_a_publisher_to_distribute_data() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "weather");
    net.send(publisher, &["weather", "sunny"]);
    net.send(publisher, &["weather", "rain"]);
    assert_eq!(
        net.recv_all(sub),
        [["weather", "sunny"], ["weather", "rain"]]
    );
    assert_eq!(net.s(publisher).stats().msgs_sent, 2);
}

#[test]
fn messages_sent_are_distributed_in_a_fan_out_fashion_to_all_connected_peers() {
    // Every connected peer whose subscription matches gets its own copy, and
    // one that connects later joins the fan-out.
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let subs = pub_with_subscribers(&mut net, publisher, 2);
    net.send(publisher, &["first"]);
    let late = net.socket(Sub);
    net.connect(late, publisher);
    subscribe(&mut net, late, "");
    net.send(publisher, &["second"]);
    for (sub, _) in &subs {
        assert_eq!(net.recv_all(*sub), [["first"], ["second"]]);
    }
    assert_eq!(net.recv_all(late), [["second"]]);
    for p in net.s(publisher).pipes() {
        assert_eq!(p.stats().drops_hwm, 0);
    }
    let copies: u64 = net.s(publisher).pipes().map(|p| p.stats().msgs_out).sum();
    assert_eq!(copies, 2 + 2 + 1, "one copy per connected peer per message");
}

#[test]
fn a_subscriber_matching_several_prefixes_gets_one_copy() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "a");
    subscribe(&mut net, sub, "ab");
    subscribe(&mut net, sub, "");
    net.send(publisher, &["abc"]);
    assert_eq!(net.recv_all(sub), [["abc"]]);
}

#[test]
fn the_zmq_recv_function_is_not_implemented_for_this_socket_type() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    assert_eq!(net.recv(publisher), Err(Error::NotSupported));
    // Not even once subscriptions have arrived (an XPUB would return them).
    let sub = net.socket(Sub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "topic");
    assert!(!net.s(publisher).can_recv());
    assert_eq!(net.recv(publisher), Err(Error::NotSupported));
}

#[test]
fn when_a_pub_socket_enters_the_mute_state_for_a_subscriber_messages_to_it_shall_be_dropped_until_the_mute_state_ends(
) {
    const HWM: usize = 2;
    let mut net = Net::new();
    let publisher = net.socket_hwm(Pub, HWM, HWM);
    let subs = pub_with_subscribers(&mut net, publisher, 2);
    let (stalled, link) = subs[0];
    let (healthy, _) = subs[1];
    net.freeze(link);
    net.send(publisher, &["kept 1"]);
    net.send(publisher, &["kept 2"]);
    net.send(publisher, &["dropped 1"]);
    net.send(publisher, &["dropped 2"]);
    let pipe = net.pipe_of(link, publisher).unwrap();
    assert_eq!(net.s(publisher).pipe(pipe).unwrap().stats().drops_hwm, 2);
    net.thaw(link);
    // The queue drained: the mute state is over and messages flow again.
    assert!(!net.s(publisher).pipe(pipe).unwrap().is_muted());
    net.send(publisher, &["after"]);
    assert_eq!(
        net.recv_all(stalled),
        [["kept 1"], ["kept 2"], ["after"]],
        "dropped while mute, delivered once the mute state ended"
    );
    assert_eq!(
        net.recv_all(healthy),
        [
            ["kept 1"],
            ["kept 2"],
            ["dropped 1"],
            ["dropped 2"],
            ["after"]
        ],
        "only the mute subscriber lost messages"
    );
    assert_eq!(net.s(publisher).stats().drops_hwm, 2);
}

#[test]
fn zmq_send_shall_never_block_for_this_socket_type() {
    let mut net = Net::new();
    let publisher = net.socket_hwm(Pub, 1, 1);
    // No peer at all.
    assert!(net.s(publisher).can_send());
    assert_eq!(net.try_send(publisher, &["nobody"]), Ok(()));
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 1);
    // A peer, not subscribed.
    let idle = net.socket(Sub);
    net.connect(idle, publisher);
    assert_eq!(net.try_send(publisher, &["unwanted"]), Ok(()));
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 2);
    // Every subscriber mute.
    let subs = pub_with_subscribers(&mut net, publisher, 2);
    for (_, l) in &subs {
        net.freeze(*l);
    }
    for i in 0..100 {
        assert!(net.s(publisher).can_send());
        assert_eq!(net.try_send(publisher, &[&format!("m{i}")]), Ok(()));
    }
    assert_eq!(net.s(publisher).stats().msgs_sent, 102);
    assert_eq!(net.s(publisher).stats().drops_hwm, 2 * 99);
}

#[test]
fn a_subscription_matches_messages_whose_first_frame_starts_with_it() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "ab");
    for topic in ["abc", "a", "ab", "xab", "", "b", "abab"] {
        net.send(publisher, &[topic]);
    }
    assert_eq!(net.recv_all(sub), [["abc"], ["ab"], ["abab"]]);
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 4);
}

#[test]
fn multipart_messages_are_filtered_on_the_first_frame_and_delivered_whole() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    net.connect(sub, publisher);
    subscribe(&mut net, sub, "news");
    net.send(publisher, &["sport", "news"]);
    net.send(publisher, &["news.world", "a", "b", "c"]);
    net.send(publisher, &["other", "news", "news"]);
    assert_eq!(net.recv_all(sub), [["news.world", "a", "b", "c"]]);
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 2);
}

#[test]
fn a_subscriber_that_disconnects_is_no_longer_sent_anything() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let subs = pub_with_subscribers(&mut net, publisher, 2);
    net.cut(subs[0].1);
    net.send(publisher, &["after"]);
    assert_eq!(net.recv_all(subs[1].0), [["after"]]);
    assert_eq!(net.s(publisher).pipes().count(), 1, "the gone peer's pipe");
    net.cut(subs[1].1);
    net.send(publisher, &["to nobody"]);
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 1);
    assert_eq!(net.s(publisher).stats().drops_hwm, 0);
}
