//! ZMQ_PULL, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::zmtp::session::INPUT_HIGH_WATER;
use ringmq_core::{Error, SocketType::*};

#[test]
fn table_compatible_peer_sockets_are_push() {
    assert_compatible_peers(Pull, &[Push]);
}

#[test]
fn table_direction_is_unidirectional() {
    let mut net = Net::new();
    let pull = net.socket(Pull);
    let push = net.socket(Push);
    net.connect(push, pull);
    net.send(push, &["down"]);
    assert_eq!(net.recv(pull).unwrap(), ["down"]);
    assert_eq!(net.recv(push), Err(Error::NotSupported));
}

#[test]
fn table_send_receive_pattern_is_receive_only() {
    // "The zmq_send() function is not implemented for this socket type."
    let mut net = Net::new();
    let pull = net.socket(Pull);
    let push = net.socket(Push);
    net.connect(push, pull);
    let err = net.s(pull).send(msg(&["x"])).unwrap_err();
    assert_eq!(err.error, Error::NotSupported);
    assert!(!net.s(pull).can_send());
}

#[test]
fn table_outgoing_routing_strategy_is_not_applicable() {
    let mut net = Net::new();
    let pull = net.socket(Pull);
    assert_eq!(net.try_send(pull, &["x"]), Err(Error::NotSupported));
}

#[test]
fn table_incoming_routing_strategy_is_fair_queued() {
    // "Messages are fair-queued from among all connected upstream nodes."
    let mut net = Net::new();
    let pull = net.socket(Pull);
    let pushes: Vec<_> = (0..3).map(|_| net.socket(Push)).collect();
    for p in &pushes {
        net.connect(*p, pull);
    }
    for (k, p) in pushes.iter().enumerate() {
        for i in 0..3 {
            net.send(*p, &[&format!("p{k}-{i}")]);
        }
    }
    let got: Vec<String> = net
        .recv_all(pull)
        .into_iter()
        .map(|m| m[0].clone())
        .collect();
    assert_eq!(
        got,
        ["p0-0", "p1-0", "p2-0", "p0-1", "p1-1", "p2-1", "p0-2", "p1-2", "p2-2"]
    );
}

#[test]
fn a_busy_upstream_node_cannot_starve_the_others() {
    let mut net = Net::new();
    let pull = net.socket(Pull);
    let busy = net.socket(Push);
    let quiet = net.socket(Push);
    net.connect(busy, pull);
    net.connect(quiet, pull);
    for i in 0..50 {
        net.send(busy, &[&format!("busy{i}")]);
    }
    net.send(quiet, &["quiet"]);
    let first_two: Vec<String> = (0..2).map(|_| net.recv(pull).unwrap()[0].clone()).collect();
    assert!(first_two.contains(&"quiet".to_string()), "{first_two:?}");
}

#[test]
fn table_action_in_mute_state_is_block() {
    // A PULL that stops receiving fills to its RCVHWM; then its upstream
    // PUSH fills to its SNDHWM and blocks. Nothing is dropped on the way.
    let mut net = Net::new();
    let pull = net.socket_hwm(Pull, 1000, 5);
    let push = net.socket_hwm(Push, 5, 1000);
    net.connect(push, pull);
    let (taken, err) = net.send_until_refused(push, "m", 100_000);
    assert_eq!(err, Error::Again);
    // Between them sit the two queues plus bounded byte buffers: the
    // sender's encoder, the wire, and the receiver's undecoded input. Each
    // one-byte message is 3 bytes on the wire.
    let buffered_bytes = SESSION_OUT_LIMIT + WIRE_LIMIT + INPUT_HIGH_WATER + WIRE_LIMIT;
    assert!(taken >= 10, "both queues fill first: took {taken}");
    assert!(taken <= 10 + buffered_bytes / 3, "bounded: took {taken}");
    let received = net.recv_all(pull).len();
    assert_eq!(received, taken, "nothing was dropped");
}
