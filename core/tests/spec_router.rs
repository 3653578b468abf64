//! ZMQ_ROUTER, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::options::Options;
use ringmq_core::{Error, SocketType::*};

fn mandatory(net: &mut Net, sndhwm: usize) -> Sock {
    net.socket_with(
        Router,
        Options {
            router_mandatory: true,
            sndhwm,
            ..Options::default()
        },
    )
}

#[test]
fn table_compatible_peer_sockets_are_dealer_req_and_router() {
    assert_compatible_peers(Router, &[Dealer, Req, Router]);
}

#[test]
fn table_direction_is_bidirectional() {
    let mut net = Net::new();
    let r = net.socket(Router);
    let d = net.socket_id(Dealer, "D");
    net.connect(d, r);
    net.send(d, &["up"]);
    assert_eq!(net.recv(r).unwrap(), ["D", "up"]);
    net.send(r, &["D", "down"]);
    assert_eq!(net.recv(d).unwrap(), ["down"]);
}

#[test]
fn table_send_receive_pattern_is_unrestricted() {
    let mut net = Net::new();
    let r = net.socket(Router);
    let d = net.socket_id(Dealer, "D");
    net.connect(d, r);
    net.send(r, &["D", "1"]);
    net.send(r, &["D", "2"]);
    net.send(d, &["a"]);
    net.send(d, &["b"]);
    assert_eq!(net.recv_all(r), [["D", "a"], ["D", "b"]]);
    assert_eq!(net.recv_all(d), [["1"], ["2"]]);
}

#[test]
fn table_outgoing_routing_strategy_is_by_the_identity_in_the_first_part() {
    // "When sending messages a ZMQ_ROUTER socket shall remove the first part
    // of the message and use it to determine the identity of the peer the
    // message shall be routed to."
    let mut net = Net::new();
    let r = net.socket(Router);
    let names = ["A", "B", "C"];
    let peers: Vec<_> = names.iter().map(|n| net.socket_id(Dealer, n)).collect();
    for p in &peers {
        net.connect(*p, r);
    }
    net.send(r, &["C", "for C"]);
    net.send(r, &["A", "for A", "part 2"]);
    net.send(r, &["C", "again C"]);
    assert_eq!(net.recv_all(peers[0]), [vec!["for A", "part 2"]]);
    assert!(net.recv_all(peers[1]).is_empty());
    assert_eq!(net.recv_all(peers[2]), [["for C"], ["again C"]]);
}

#[test]
fn table_incoming_routing_strategy_is_fair_queued() {
    let mut net = Net::new();
    let r = net.socket(Router);
    let names = ["A", "B", "C"];
    let peers: Vec<_> = names.iter().map(|n| net.socket_id(Dealer, n)).collect();
    for p in &peers {
        net.connect(*p, r);
    }
    for p in &peers {
        for i in 0..3 {
            net.send(*p, &[&i.to_string()]);
        }
    }
    let got: Vec<String> = net
        .recv_all(r)
        .into_iter()
        .map(|m| format!("{}{}", m[0], m[1]))
        .collect();
    assert_eq!(got, ["A0", "B0", "C0", "A1", "B1", "C1", "A2", "B2", "C2"]);
}

#[test]
fn table_action_in_mute_state_is_drop() {
    // "… any messages routed to a peer for which the individual high water
    // mark has been reached shall also be dropped."
    let mut net = Net::new();
    let r = net.socket_hwm(Router, 2, 1000);
    let a = net.socket_id(Dealer, "A");
    let b = net.socket_id(Dealer, "B");
    let la = net.connect(a, r);
    net.connect(b, r);
    net.freeze(la);
    for i in 0..5 {
        assert_eq!(
            net.try_send(r, &["A", &i.to_string()]),
            Ok(()),
            "never blocks"
        );
        net.send(r, &["B", &i.to_string()]);
    }
    assert_eq!(net.s(r).stats().drops_hwm, 3);
    assert_eq!(net.recv_all(b).len(), 5, "the other peer is not affected");
    net.thaw(la);
    assert_eq!(net.recv_all(a), [["0"], ["1"]]);
}

#[test]
fn in_the_mute_state_for_all_peers_messages_sent_are_dropped_until_it_ends() {
    let mut net = Net::new();
    let r = net.socket_hwm(Router, 1, 1000);
    let a = net.socket_id(Dealer, "A");
    let la = net.connect(a, r);
    net.freeze(la);
    net.send(r, &["A", "kept"]);
    assert!(!net.s(r).can_send(), "every peer is mute");
    net.send(r, &["A", "dropped"]);
    net.thaw(la);
    assert_eq!(net.recv_all(a), [["kept"]]);
    net.send(r, &["A", "after"]);
    assert_eq!(net.recv_all(a), [["after"]], "the mute state ended");
}

#[test]
fn when_receiving_a_router_prepends_the_identity_of_the_originating_peer() {
    let mut net = Net::new();
    let r = net.socket(Router);
    let named = net.socket_id(Dealer, "named");
    let anon = net.socket(Dealer);
    net.connect(named, r);
    net.connect(anon, r);
    net.send(named, &["hi"]);
    assert_eq!(net.recv(r).unwrap(), ["named", "hi"]);
    net.send(anon, &["hi"]);
    let m = net.s(r).recv().unwrap();
    let id = m.first().unwrap().clone();
    // A peer without an identity gets a generated one: 5 bytes, first zero,
    // which no application-chosen identity can start with.
    assert_eq!(id.len(), 5);
    assert_eq!(id[0], 0);
    // And it routes back.
    let mut reply = ringmq_core::Multipart::new();
    reply.push_back(id);
    reply.push_back("back");
    net.s(r).send(reply).unwrap();
    net.pump();
    assert_eq!(net.recv(anon).unwrap(), ["back"]);
}

#[test]
fn if_the_peer_does_not_exist_anymore_the_message_shall_be_silently_discarded() {
    let mut net = Net::new();
    let r = net.socket(Router);
    let d = net.socket_id(Dealer, "D");
    let l = net.connect(d, r);
    net.cut(l);
    assert_eq!(net.try_send(r, &["D", "lost"]), Ok(()));
    assert_eq!(net.try_send(r, &["never-was", "lost"]), Ok(()));
    assert_eq!(net.s(r).stats().drops_unroutable, 2);
}

#[test]
fn with_router_mandatory_an_unroutable_message_is_refused_with_ehostunreach() {
    // The seed's ZMQ_ROUTER_BEHAVIOR is libzmq 4's ZMQ_ROUTER_MANDATORY.
    let mut net = Net::new();
    let r = mandatory(&mut net, 1000);
    let err = net.s(r).send(msg(&["nobody", "x"])).unwrap_err();
    assert_eq!(err.error, Error::HostUnreachable);
    assert_eq!(strs(&err.msg), ["nobody", "x"]);
}

#[test]
fn with_router_mandatory_a_mute_peer_makes_send_return_eagain() {
    let mut net = Net::new();
    let r = mandatory(&mut net, 1);
    let d = net.socket_id(Dealer, "D");
    let l = net.connect(d, r);
    net.freeze(l);
    net.send(r, &["D", "1"]);
    assert_eq!(net.try_send(r, &["D", "2"]), Err(Error::Again));
    net.thaw(l);
    assert_eq!(net.recv_all(d), [["1"]]);
    assert_eq!(net.try_send(r, &["D", "2"]), Ok(()));
}

#[test]
fn when_a_req_is_connected_each_received_message_has_identity_delimiter_and_body() {
    // "… the entire structure of each received message as seen by the
    // application becomes: one or more identity parts, delimiter part, one
    // or more body parts. When sending replies to a ZMQ_REQ socket the
    // application must include the delimiter part."
    let mut net = Net::new();
    let r = net.socket(Router);
    let req = net.socket_id(Req, "client");
    net.connect(req, r);
    net.send(req, &["body", "more"]);
    assert_eq!(net.recv(r).unwrap(), ["client", "", "body", "more"]);
    net.send(r, &["client", "", "reply"]);
    assert_eq!(net.recv(req).unwrap(), ["reply"]);
}

#[test]
fn a_second_peer_announcing_an_identity_in_use_is_refused() {
    let mut net = Net::new();
    let r = net.socket(Router);
    let first = net.socket_id(Dealer, "same");
    let second = net.socket_id(Dealer, "same");
    let l1 = net.connect(first, r);
    let l2 = net.connect(second, r);
    assert_eq!(net.state(l1), &LinkState::Up);
    assert!(matches!(net.state(l2), LinkState::Refused(_)));
    net.send(r, &["same", "x"]);
    assert_eq!(net.recv_all(first), [["x"]]);
}

#[test]
fn router_to_router_with_identities_both_ways() {
    let mut net = Net::new();
    let a = net.socket_id(Router, "A");
    let b = net.socket_id(Router, "B");
    net.connect(a, b);
    net.send(a, &["B", "hello"]);
    assert_eq!(net.recv(b).unwrap(), ["A", "hello"]);
    net.send(b, &["A", "hi"]);
    assert_eq!(net.recv(a).unwrap(), ["B", "hi"]);
}
