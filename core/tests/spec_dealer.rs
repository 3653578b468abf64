//! ZMQ_DEALER, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::{Error, SocketType::*};

#[test]
fn table_compatible_peer_sockets_are_router_rep_and_dealer() {
    assert_compatible_peers(Dealer, &[Router, Rep, Dealer]);
}

#[test]
fn table_direction_is_bidirectional() {
    let mut net = Net::new();
    let a = net.socket(Dealer);
    let b = net.socket(Dealer);
    net.connect(a, b);
    net.send(a, &["to b"]);
    net.send(b, &["to a"]);
    assert_eq!(net.recv(b).unwrap(), ["to b"]);
    assert_eq!(net.recv(a).unwrap(), ["to a"]);
}

#[test]
fn table_send_receive_pattern_is_unrestricted() {
    let mut net = Net::new();
    let a = net.socket(Dealer);
    let b = net.socket(Dealer);
    net.connect(a, b);
    assert_eq!(net.recv(a), Err(Error::Again), "nothing yet, but no EFSM");
    net.send(a, &["1"]);
    net.send(a, &["2"]);
    net.send(b, &["x"]);
    net.send(b, &["y"]);
    assert_eq!(net.recv_all(b), [["1"], ["2"]]);
    assert_eq!(net.recv_all(a), [["x"], ["y"]]);
}

#[test]
fn table_outgoing_routing_strategy_is_round_robin() {
    let mut net = Net::new();
    let d = net.socket(Dealer);
    let peers: Vec<_> = (0..3).map(|_| net.socket(Dealer)).collect();
    for p in &peers {
        net.connect(d, *p);
    }
    for i in 0..7 {
        net.send(d, &[&i.to_string()]);
    }
    let got: Vec<Vec<Vec<String>>> = peers.iter().map(|p| net.recv_all(*p)).collect();
    assert_eq!(got[0], [["0"], ["3"], ["6"]]);
    assert_eq!(got[1], [["1"], ["4"]]);
    assert_eq!(got[2], [["2"], ["5"]]);
}

#[test]
fn round_robin_skips_a_mute_peer() {
    let mut net = Net::new();
    let d = net.socket_hwm(Dealer, 1, 1000);
    let a = net.socket(Dealer);
    let b = net.socket(Dealer);
    let la = net.connect(d, a);
    net.connect(d, b);
    net.freeze(la);
    for i in 0..4 {
        net.send(d, &[&i.to_string()]);
    }
    // "0" filled a's pipe (sndhwm 1); everything after went to b.
    assert_eq!(net.recv_all(b), [["1"], ["2"], ["3"]]);
    net.thaw(la);
    assert_eq!(net.recv_all(a), [["0"]]);
}

#[test]
fn table_incoming_routing_strategy_is_fair_queued() {
    let mut net = Net::new();
    let d = net.socket(Dealer);
    let peers: Vec<_> = (0..3).map(|_| net.socket(Dealer)).collect();
    for p in &peers {
        net.connect(*p, d);
    }
    for (k, p) in peers.iter().enumerate() {
        for i in 0..3 {
            net.send(*p, &[&format!("p{k}-{i}")]);
        }
    }
    let got: Vec<String> = net.recv_all(d).into_iter().map(|m| m[0].clone()).collect();
    assert_eq!(
        got,
        ["p0-0", "p1-0", "p2-0", "p0-1", "p1-1", "p2-1", "p0-2", "p1-2", "p2-2"]
    );
}

#[test]
fn table_action_in_mute_state_is_block() {
    // "When a ZMQ_DEALER socket enters the mute state due to having reached
    // the high water mark for all peers … send shall block until the mute
    // state ends … messages are not discarded."
    let mut net = Net::new();
    let d = net.socket_hwm(Dealer, 3, 1000);
    let peers: Vec<_> = (0..2).map(|_| net.socket(Dealer)).collect();
    let links: Vec<_> = peers.iter().map(|p| net.connect(d, *p)).collect();
    for l in &links {
        net.freeze(*l);
    }
    let (taken, err) = net.send_until_refused(d, "m", 100);
    assert_eq!(taken, 6, "3 per peer");
    assert_eq!(err, Error::Again);
    assert!(!net.s(d).can_send());
    for l in &links {
        net.thaw(*l);
    }
    let delivered: usize = peers.iter().map(|p| net.recv_all(*p).len()).sum();
    assert_eq!(delivered, 6, "not discarded");
    assert!(net.s(d).can_send(), "the mute state ended");
}

#[test]
fn send_blocks_if_there_are_no_peers_at_all() {
    let mut net = Net::new();
    let d = net.socket(Dealer);
    let err = net.s(d).send(msg(&["kept"])).unwrap_err();
    assert_eq!(err.error, Error::Again);
    assert_eq!(strs(&err.msg), ["kept"]);
    let p = net.socket(Dealer);
    net.connect(d, p);
    net.s(d).send(err.msg).unwrap();
    net.pump();
    assert_eq!(net.recv(p).unwrap(), ["kept"]);
}

#[test]
fn when_connected_to_a_rep_socket_each_message_must_consist_of_a_delimiter_and_body_parts() {
    let mut net = Net::new();
    let d = net.socket(Dealer);
    let rep = net.socket(Rep);
    net.connect(d, rep);
    net.send(d, &["", "body1", "body2"]);
    assert_eq!(net.recv(rep).unwrap(), ["body1", "body2"]);
    net.send(rep, &["answer"]);
    assert_eq!(net.recv(d).unwrap(), ["", "answer"]);
    // Without the delimiter the REP has nothing to answer.
    net.send(d, &["no delimiter"]);
    assert_eq!(net.recv(rep), Err(Error::Again));
}
