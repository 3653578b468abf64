//! ZMQ_PAIR, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::{Error, SocketType::*};

#[test]
fn table_compatible_peer_sockets_are_pair() {
    assert_compatible_peers(Pair, &[Pair]);
}

#[test]
fn table_direction_is_bidirectional() {
    let mut net = Net::new();
    let a = net.socket(Pair);
    let b = net.socket(Pair);
    net.connect(a, b);
    net.send(a, &["a->b"]);
    net.send(b, &["b->a"]);
    assert_eq!(net.recv(b).unwrap(), ["a->b"]);
    assert_eq!(net.recv(a).unwrap(), ["b->a"]);
}

#[test]
fn table_send_receive_pattern_is_unrestricted() {
    let mut net = Net::new();
    let a = net.socket(Pair);
    let b = net.socket(Pair);
    net.connect(a, b);
    assert_eq!(net.recv(a), Err(Error::Again));
    net.send(a, &["1"]);
    net.send(a, &["2", "2b"]);
    assert_eq!(net.recv_all(b), [vec!["1"], vec!["2", "2b"]]);
}

#[test]
fn table_outgoing_routing_strategy_is_not_applicable_no_routing_is_performed() {
    // "No message routing or filtering is performed on messages sent over a
    // ZMQ_PAIR socket": frames arrive exactly as sent, empty ones included,
    // and none is taken as an address.
    let mut net = Net::new();
    let a = net.socket(Pair);
    let b = net.socket(Pair);
    net.connect(a, b);
    net.send(a, &["", "x", ""]);
    assert_eq!(net.recv(b).unwrap(), ["", "x", ""]);
}

#[test]
fn table_incoming_routing_strategy_is_not_applicable_no_filtering_is_performed() {
    // Whatever the one peer sends is received, in order, nothing filtered.
    let mut net = Net::new();
    let a = net.socket(Pair);
    let b = net.socket(Pair);
    net.connect(a, b);
    for body in ["\x00", "\x01topic", "plain"] {
        net.send(b, &[body]);
    }
    assert_eq!(net.recv_all(a), [["\x00"], ["\x01topic"], ["plain"]]);
}

#[test]
fn can_only_be_connected_to_a_single_peer_at_any_one_time() {
    let mut net = Net::new();
    let a = net.socket(Pair);
    let b = net.socket(Pair);
    let c = net.socket(Pair);
    let first = net.connect(b, a);
    let second = net.connect(c, a);
    assert_eq!(net.state(first), &LinkState::Up);
    assert!(matches!(net.state(second), LinkState::Refused(_)));
    assert_eq!(net.s(a).stats().refused, 1);
    net.send(a, &["only b"]);
    assert_eq!(net.recv(b).unwrap(), ["only b"]);
    // Once the first peer is gone another may take its place.
    net.cut(first);
    let third = net.connect(c, a);
    assert_eq!(net.state(third), &LinkState::Up);
    net.send(a, &["now c"]);
    assert_eq!(net.recv(c).unwrap(), ["now c"]);
}

#[test]
fn table_action_in_mute_state_is_block() {
    // "When a ZMQ_PAIR socket enters the mute state due to having reached the
    // high water mark for the connected peer … send shall block until the
    // peer becomes available for sending; messages are not discarded."
    let mut net = Net::new();
    let a = net.socket_hwm(Pair, 3, 1000);
    let b = net.socket(Pair);
    let l = net.connect(a, b);
    net.freeze(l);
    let (taken, err) = net.send_until_refused(a, "m", 100);
    assert_eq!((taken, err), (3, Error::Again));
    net.thaw(l);
    assert_eq!(net.recv_all(b).len(), 3, "not discarded");
}

#[test]
fn send_blocks_if_no_peer_is_connected() {
    let mut net = Net::new();
    let a = net.socket(Pair);
    let err = net.s(a).send(msg(&["wait"])).unwrap_err();
    assert_eq!(err.error, Error::Again);
    let b = net.socket(Pair);
    net.connect(a, b);
    net.s(a).send(err.msg).unwrap();
    net.pump();
    assert_eq!(net.recv(b).unwrap(), ["wait"]);
}
