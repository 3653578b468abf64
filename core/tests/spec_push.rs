//! ZMQ_PUSH, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::{Error, SocketType::*};

#[test]
fn table_compatible_peer_sockets_are_pull() {
    assert_compatible_peers(Push, &[Pull]);
}

#[test]
fn table_direction_is_unidirectional() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    net.connect(push, pull);
    net.send(push, &["down"]);
    assert_eq!(net.recv(pull).unwrap(), ["down"]);
    assert_eq!(net.try_send(pull, &["up"]), Err(Error::NotSupported));
}

#[test]
fn table_send_receive_pattern_is_send_only() {
    // "The zmq_recv() function is not implemented for this socket type."
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    net.connect(push, pull);
    net.send(push, &["a"]);
    net.send(push, &["b"]);
    assert_eq!(net.recv(push), Err(Error::NotSupported));
    assert!(!net.s(push).can_recv());
}

#[test]
fn table_incoming_routing_strategy_is_not_applicable() {
    // Nothing a PULL could send reaches a PUSH's application.
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    net.connect(push, pull);
    assert_eq!(net.recv(push), Err(Error::NotSupported));
}

#[test]
fn table_outgoing_routing_strategy_is_round_robin() {
    // "Messages are round-robined to all connected downstream nodes."
    let mut net = Net::new();
    let push = net.socket(Push);
    let pulls: Vec<_> = (0..3).map(|_| net.socket(Pull)).collect();
    for p in &pulls {
        net.connect(push, *p);
    }
    for i in 0..9 {
        net.send(push, &[&i.to_string()]);
    }
    let got: Vec<Vec<String>> = pulls
        .iter()
        .map(|p| net.recv_all(*p).into_iter().map(|m| m[0].clone()).collect())
        .collect();
    assert_eq!(got, [["0", "3", "6"], ["1", "4", "7"], ["2", "5", "8"]]);
}

#[test]
fn table_action_in_mute_state_is_block() {
    // "When a ZMQ_PUSH socket enters the mute state due to having reached the
    // high water mark for all downstream nodes … send shall block until the
    // mute state ends … messages are not discarded."
    let mut net = Net::new();
    let push = net.socket_hwm(Push, 4, 1000);
    let pulls: Vec<_> = (0..3).map(|_| net.socket(Pull)).collect();
    let links: Vec<_> = pulls.iter().map(|p| net.connect(push, *p)).collect();
    for l in &links {
        net.freeze(*l);
    }
    let (taken, err) = net.send_until_refused(push, "m", 100);
    assert_eq!((taken, err), (12, Error::Again), "4 per downstream node");
    net.thaw(links[1]);
    assert!(
        net.s(push).can_send(),
        "one node drained: the mute state ended"
    );
    for l in &links {
        net.thaw(*l);
    }
    let total: usize = pulls.iter().map(|p| net.recv_all(*p).len()).sum();
    assert_eq!(total, 12, "not discarded");
}

#[test]
fn send_blocks_if_there_are_no_downstream_nodes_at_all() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let err = net.s(push).send(msg(&["wait"])).unwrap_err();
    assert_eq!(err.error, Error::Again);
    let pull = net.socket(Pull);
    net.connect(push, pull);
    net.s(push).send(err.msg).unwrap();
    net.pump();
    assert_eq!(net.recv(pull).unwrap(), ["wait"]);
}

#[test]
fn a_multipart_message_counts_once_against_the_high_water_mark() {
    let mut net = Net::new();
    let push = net.socket_hwm(Push, 2, 1000);
    let pull = net.socket(Pull);
    let l = net.connect(push, pull);
    net.freeze(l);
    net.send(push, &["a", "b", "c"]);
    net.send(push, &["d", "e"]);
    assert_eq!(net.try_send(push, &["f"]), Err(Error::Again));
    net.thaw(l);
    assert_eq!(net.recv_all(pull), [vec!["a", "b", "c"], vec!["d", "e"]]);
}
