//! ZMQ_REQ, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::{Error, SocketType::*};

#[test]
fn table_compatible_peer_sockets_are_rep_and_router() {
    assert_compatible_peers(Req, &[Rep, Router]);
}

#[test]
fn table_direction_is_bidirectional() {
    let mut net = Net::new();
    let req = net.socket(Req);
    let rep = net.socket(Rep);
    net.connect(req, rep);
    net.send(req, &["ping"]);
    assert_eq!(net.recv(rep).unwrap(), ["ping"]);
    net.send(rep, &["pong"]);
    assert_eq!(net.recv(req).unwrap(), ["pong"]);
}

#[test]
fn table_send_receive_pattern_is_send_receive_alternating() {
    let mut net = Net::new();
    let req = net.socket(Req);
    let rep = net.socket(Rep);
    net.connect(req, rep);
    // Receive first is out of turn.
    assert_eq!(net.recv(req), Err(Error::Fsm));
    net.send(req, &["1"]);
    // A second send before the reply is out of turn, and the message is kept
    // by the caller, not half-sent.
    let err = net.s(req).send(msg(&["2"])).unwrap_err();
    assert_eq!(err.error, Error::Fsm);
    assert_eq!(strs(&err.msg), ["2"]);
    net.recv(rep).unwrap();
    net.send(rep, &["r1"]);
    assert_eq!(net.recv(req).unwrap(), ["r1"]);
    // And now it is the turn to send again, not to receive.
    assert_eq!(net.recv(req), Err(Error::Fsm));
    net.send(req, &["3"]);
    assert_eq!(net.recv(rep).unwrap(), ["3"]);
}

#[test]
fn table_outgoing_routing_strategy_is_round_robin() {
    // "Each request sent is round-robined among all services."
    let mut net = Net::new();
    let req = net.socket(Req);
    let reps: Vec<_> = (0..3).map(|_| net.socket(Rep)).collect();
    for r in &reps {
        net.connect(req, *r);
    }
    let mut order = Vec::new();
    for i in 0..6 {
        net.send(req, &[&format!("q{i}")]);
        let (k, got) = reps
            .iter()
            .enumerate()
            .find_map(|(k, r)| net.recv(*r).ok().map(|m| (k, m)))
            .expect("one service got the request");
        assert_eq!(got, [format!("q{i}")]);
        order.push(k);
        net.send(reps[k], &["ok"]);
        assert_eq!(net.recv(req).unwrap(), ["ok"]);
    }
    assert_eq!(order, [0, 1, 2, 0, 1, 2]);
}

#[test]
fn table_incoming_routing_strategy_is_last_peer() {
    // Only the peer that got the request can answer it; a message from any
    // other peer is discarded.
    let mut net = Net::new();
    let req = net.socket_id(Req, "client");
    let a = net.socket(Router);
    let b = net.socket(Router);
    net.connect(req, a);
    net.connect(req, b);
    net.send(req, &["question"]);
    assert_eq!(net.recv(a).unwrap(), ["client", "", "question"]);
    net.send(b, &["client", "", "spoofed answer"]);
    assert_eq!(net.recv(req), Err(Error::Again));
    net.send(a, &["client", "", "answer"]);
    assert_eq!(net.recv(req).unwrap(), ["answer"]);
    assert_eq!(net.s(req).stats().drops_discarded, 1);
}

#[test]
fn each_reply_received_is_matched_with_the_last_issued_request() {
    // A late reply to an earlier request is not taken for the current one.
    let mut net = Net::new();
    let req = net.socket_id(Req, "client");
    let router = net.socket(Router);
    net.connect(req, router);
    net.send(req, &["first"]);
    net.recv(router).unwrap();
    net.send(router, &["client", "", "answer to first"]);
    assert_eq!(net.recv(req).unwrap(), ["answer to first"]);
    net.send(req, &["second"]);
    net.recv(router).unwrap();
    // A duplicate of the old answer, then the real one.
    net.send(router, &["client", "", "answer to second"]);
    net.send(router, &["client", "", "unsolicited extra"]);
    assert_eq!(net.recv(req).unwrap(), ["answer to second"]);
    assert_eq!(net.recv(req), Err(Error::Fsm), "no reply is pending");
}

#[test]
fn a_reply_without_the_empty_delimiter_is_discarded() {
    let mut net = Net::new();
    let req = net.socket_id(Req, "client");
    let router = net.socket(Router);
    net.connect(req, router);
    net.send(req, &["q"]);
    net.recv(router).unwrap();
    net.send(router, &["client", "no delimiter"]);
    assert_eq!(net.recv(req), Err(Error::Again));
    net.send(router, &["client", "", "good"]);
    assert_eq!(net.recv(req).unwrap(), ["good"]);
}

#[test]
fn the_request_carries_an_empty_delimiter_before_the_body() {
    let mut net = Net::new();
    let req = net.socket_id(Req, "c");
    let router = net.socket(Router);
    net.connect(req, router);
    net.send(req, &["a", "b"]);
    assert_eq!(net.recv(router).unwrap(), ["c", "", "a", "b"]);
}

#[test]
fn table_action_in_mute_state_is_block() {
    // "… or if there are no services at all, then any zmq_send(3) operations
    // on the socket shall block until … at least one service becomes
    // available for sending; messages are not discarded."
    // (A REQ has at most one request in flight, so with any service attached
    // its pipes can never all be at their high-water mark while it may send:
    // the reachable mute state is the one without services.)
    let mut net = Net::new();
    let req = net.socket(Req);
    assert!(!net.s(req).can_send());
    let err = net.s(req).send(msg(&["q"])).unwrap_err();
    assert_eq!(err.error, Error::Again, "a blocking send would wait");
    assert_eq!(
        strs(&err.msg),
        ["q"],
        "the message is handed back, not discarded"
    );
    // The state machine did not advance: it is still the turn to send.
    assert_eq!(net.recv(req), Err(Error::Fsm));
    let rep = net.socket(Rep);
    net.connect(req, rep);
    assert!(net.s(req).can_send(), "a service became available");
    net.s(req).send(err.msg).unwrap();
    net.pump();
    assert_eq!(net.recv(rep).unwrap(), ["q"]);
}

#[test]
fn a_request_queued_for_a_stalled_service_is_delivered_when_it_resumes() {
    let mut net = Net::new();
    let req = net.socket_hwm(Req, 1, 1);
    let rep = net.socket(Rep);
    let l = net.connect(req, rep);
    net.freeze(l);
    net.send(req, &["held"]);
    let pipe = net.pipe_of(l, req).unwrap();
    assert!(
        net.s(req).pipe(pipe).unwrap().is_muted(),
        "sndhwm 1 reached"
    );
    net.thaw(l);
    assert_eq!(net.recv(rep).unwrap(), ["held"], "not discarded");
}
