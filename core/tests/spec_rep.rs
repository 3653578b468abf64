//! ZMQ_REP, sentence by sentence and row by row of zmq_socket(3).

mod harness;
use harness::*;
use ringmq_core::{Error, SocketType::*};

#[test]
fn table_compatible_peer_sockets_are_req_and_dealer() {
    assert_compatible_peers(Rep, &[Req, Dealer]);
}

#[test]
fn table_direction_is_bidirectional() {
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let req = net.socket(Req);
    net.connect(req, rep);
    net.send(req, &["request"]);
    assert_eq!(net.recv(rep).unwrap(), ["request"]);
    net.send(rep, &["reply"]);
    assert_eq!(net.recv(req).unwrap(), ["reply"]);
}

#[test]
fn table_send_receive_pattern_is_receive_send_alternating() {
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let req = net.socket(Req);
    net.connect(req, rep);
    // Sending before a request is out of turn.
    assert_eq!(net.try_send(rep, &["early"]), Err(Error::Fsm));
    net.send(req, &["q"]);
    net.recv(rep).unwrap();
    // Receiving twice without replying is out of turn.
    assert_eq!(net.recv(rep), Err(Error::Fsm));
    net.send(rep, &["a"]);
    // Replying twice is out of turn.
    assert_eq!(net.try_send(rep, &["again"]), Err(Error::Fsm));
    assert_eq!(net.recv(req).unwrap(), ["a"]);
}

#[test]
fn table_incoming_routing_strategy_is_fair_queued() {
    // "Each request received is fair-queued from among all clients."
    // DEALER clients can queue several requests each.
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let clients: Vec<_> = (0..3).map(|_| net.socket(Dealer)).collect();
    for c in &clients {
        net.connect(*c, rep);
    }
    for (k, c) in clients.iter().enumerate() {
        for i in 0..3 {
            net.send(*c, &["", &format!("c{k}-{i}")]);
        }
    }
    let mut got = Vec::new();
    for _ in 0..9 {
        let m = net.recv(rep).unwrap();
        got.push(m[0].clone());
        net.send(rep, &["ok"]);
    }
    assert_eq!(
        got,
        ["c0-0", "c1-0", "c2-0", "c0-1", "c1-1", "c2-1", "c0-2", "c1-2", "c2-2"]
    );
}

#[test]
fn table_outgoing_routing_strategy_is_last_peer() {
    // "… each reply sent is routed to the client that issued the last request."
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let clients: Vec<_> = (0..3).map(|_| net.socket(Req)).collect();
    for c in &clients {
        net.connect(*c, rep);
    }
    net.send(clients[1], &["from 1"]);
    net.send(clients[2], &["from 2"]);
    for _ in 0..2 {
        let m = net.recv(rep).unwrap();
        let reply = format!("reply to {}", &m[0][5..]);
        net.send(rep, &[&reply]);
    }
    assert_eq!(net.recv(clients[1]).unwrap(), ["reply to 1"]);
    assert_eq!(net.recv(clients[2]).unwrap(), ["reply to 2"]);
    assert_eq!(
        net.recv(clients[0]),
        Err(Error::Fsm),
        "client 0 asked nothing"
    );
}

#[test]
fn table_action_in_mute_state_is_drop() {
    // "When a ZMQ_REP socket enters the mute state due to having reached the
    // high water mark for a client, then any replies sent to the client in
    // question shall be dropped until the mute state ends."
    let mut net = Net::new();
    let rep = net.socket_hwm(Rep, 2, 1000);
    let client = net.socket(Dealer);
    let l = net.connect(client, rep);
    for i in 0..5 {
        net.send(client, &["", &format!("q{i}")]);
    }
    net.freeze(l);
    for _ in 0..5 {
        net.recv(rep).unwrap();
        // Never blocks, never errors: the reply is dropped when mute.
        net.send(rep, &["a"]);
    }
    assert_eq!(net.s(rep).stats().drops_hwm, 3);
    net.thaw(l);
    assert_eq!(
        net.recv_all(client).len(),
        2,
        "sndhwm 2: two replies got through"
    );
    // The mute state has ended: the next reply is delivered.
    net.send(client, &["", "q5"]);
    net.recv(rep).unwrap();
    net.send(rep, &["a5"]);
    assert_eq!(net.recv(client).unwrap(), ["", "a5"]);
}

#[test]
fn if_the_original_requester_doesnt_exist_any_more_the_reply_is_silently_discarded() {
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let gone = net.socket(Req);
    let other = net.socket(Req);
    let l = net.connect(gone, rep);
    net.connect(other, rep);
    net.send(gone, &["q"]);
    assert_eq!(net.recv(rep).unwrap(), ["q"]);
    net.cut(l);
    assert_eq!(net.try_send(rep, &["lost"]), Ok(()), "silently");
    assert_eq!(net.s(rep).stats().drops_discarded, 1);
    // The socket is back to receiving and serves the next client.
    net.send(other, &["q2"]);
    assert_eq!(net.recv(rep).unwrap(), ["q2"]);
    net.send(rep, &["a2"]);
    assert_eq!(net.recv(other).unwrap(), ["a2"]);
}

#[test]
fn the_envelope_is_stripped_on_receive_and_restored_on_reply() {
    // Through a ROUTER-DEALER hop the envelope holds identities too: every
    // frame up to the delimiter goes back unchanged.
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let dealer = net.socket(Dealer);
    net.connect(dealer, rep);
    net.send(dealer, &["hop2", "hop1", "", "body", "more"]);
    assert_eq!(net.recv(rep).unwrap(), ["body", "more"]);
    net.send(rep, &["r1", "r2"]);
    assert_eq!(net.recv(dealer).unwrap(), ["hop2", "hop1", "", "r1", "r2"]);
}

#[test]
fn a_request_without_a_delimiter_is_discarded() {
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let dealer = net.socket(Dealer);
    net.connect(dealer, rep);
    net.send(dealer, &["no delimiter"]);
    net.send(dealer, &["", "good"]);
    assert_eq!(net.recv(rep).unwrap(), ["good"]);
    assert_eq!(net.s(rep).stats().drops_discarded, 1);
}

#[test]
fn messages_a_peer_sent_before_disconnecting_are_still_received() {
    let mut net = Net::new();
    let rep = net.socket(Rep);
    let dealer = net.socket(Dealer);
    let l = net.connect(dealer, rep);
    net.send(dealer, &["", "q1"]);
    net.send(dealer, &["", "q2"]);
    net.cut(l);
    assert_eq!(net.recv(rep).unwrap(), ["q1"]);
    net.send(rep, &["discarded"]);
    assert_eq!(net.recv(rep).unwrap(), ["q2"]);
    net.send(rep, &["discarded"]);
    assert_eq!(net.recv(rep), Err(Error::Again));
    assert_eq!(net.s(rep).pipes().count(), 0, "the drained pipe is gone");
}
