//! The engine's behaviours, in memory: the simulator drives each side of a
//! connection through the same `ringmq_core::link::Link` as the io_uring
//! engine — backpressure, reconnect with a kept pipe, linger, input
//! delivered after the peer left, short writes, heartbeats.

mod harness;

use harness::*;
use ringmq_core::link::State;
use ringmq_core::options::Options;
use ringmq_core::{Error, SocketType::*};
use std::time::Duration;

/// Sends numbered messages until the socket refuses one; returns how many
/// it took.
fn send_numbered_until_refused(net: &mut Net, s: Sock) -> usize {
    for n in 0..100_000 {
        if net.try_send(s, &[&n.to_string()]).is_err() {
            return n;
        }
    }
    panic!("no backpressure");
}

fn numbered(range: std::ops::Range<usize>) -> Vec<Vec<String>> {
    range.map(|n| vec![n.to_string()]).collect()
}

#[test]
fn a_full_pipe_pauses_the_link_and_room_resumes_it() {
    let mut net = Net::new();
    let push = net.socket_hwm(Push, 10, 10);
    let pull = net.socket_hwm(Pull, 10, 10);
    let l = net.connect(push, pull);
    let taken = send_numbered_until_refused(&mut net, push);
    // The pause reached the sender through the wire: it holds its HWM, the
    // receiver's pipe its own, and the bytes in between.
    assert!(taken > 20, "took {taken}");
    assert_eq!(net.link(l, pull).unwrap().state(), State::Paused);
    let pipe = net.pipe_of(l, pull).unwrap();
    assert_eq!(
        net.s(pull).pipe(pipe).unwrap().in_len(),
        10,
        "at the RCVHWM"
    );
    // Receiving makes room; the notifier wakes the link, in order, nothing
    // lost.
    assert_eq!(net.recv_all(pull), numbered(0..taken));
    assert_eq!(net.link(l, pull).unwrap().state(), State::Open);
    net.send(push, &["after"]);
    assert_eq!(net.recv(pull).unwrap(), ["after"]);
}

#[test]
fn a_message_larger_than_the_wire_goes_in_short_writes_and_arrives_whole() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    net.connect(push, pull);
    let big = "x".repeat(10 * WIRE_LIMIT + 7);
    net.send(push, &["head", &big, "tail"]);
    assert_eq!(net.recv(pull).unwrap(), ["head", big.as_str(), "tail"]);
}

#[test]
fn a_connecter_keeps_what_was_queued_across_a_reconnect() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    let l = net.connect(push, pull);
    let pipe = net.pipe_of(l, push).unwrap();
    net.send(push, &["before"]);
    assert_eq!(net.recv(pull).unwrap(), ["before"]);
    net.lose(l);
    assert_eq!(net.state(l), &LinkState::Down);
    // The accepting side's pipe went with the connection; the connecting
    // side's stays, and the socket still routes to it.
    assert_eq!(net.s(pull).pipes().count(), 0);
    assert_eq!(net.pipe_of(l, push), Some(pipe));
    for m in ["q1", "q2", "q3"] {
        net.send(push, &[m]);
    }
    assert_eq!(net.recv(pull), Err(Error::Again));
    net.reconnect(l);
    assert_eq!(net.state(l), &LinkState::Up);
    assert_eq!(net.pipe_of(l, push), Some(pipe), "the same pipe");
    assert_eq!(net.recv_all(pull), [["q1"], ["q2"], ["q3"]]);
}

#[test]
fn a_subscriber_subscribes_again_when_it_reconnects() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    net.s(sub).subscribe(b"a").unwrap();
    let l = net.connect(sub, publisher);
    net.send(publisher, &["a1"]);
    assert_eq!(net.recv(sub).unwrap(), ["a1"]);
    net.lose(l);
    net.send(publisher, &["a2"]);
    assert_eq!(net.s(publisher).stats().drops_no_subscriber, 1);
    net.reconnect(l);
    net.send(publisher, &["a3"]);
    net.send(publisher, &["b"]);
    assert_eq!(net.recv_all(sub), [["a3"]]);
}

#[test]
fn messages_a_peer_sent_before_hanging_up_are_all_delivered() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket_hwm(Pull, 1000, 2);
    let l = net.connect(push, pull);
    for n in 0..20 {
        net.send(push, &[&n.to_string()]);
    }
    // Two in the pipe, the rest decoded-to-be in the session.
    assert_eq!(net.link(l, pull).unwrap().state(), State::Paused);
    net.hang_up(l, push);
    assert_eq!(net.state(l), &LinkState::Down);
    assert_eq!(
        net.link(l, pull).unwrap().state(),
        State::Draining { waiting: true },
        "kept for its input"
    );
    assert_eq!(net.recv_all(pull), numbered(0..20));
    assert!(net.link(l, pull).is_none(), "gone once delivered");
    assert_eq!(net.s(pull).pipes().count(), 0, "and its pipe reaped");
}

#[test]
fn input_held_when_the_connection_resets_is_still_delivered() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket_hwm(Pull, 1000, 2);
    let l = net.connect(pull, push);
    for n in 0..20 {
        net.send(push, &[&n.to_string()]);
    }
    net.lose(l);
    // What the session had read is delivered; the connecting PULL keeps
    // its pipe, drained, for the next connection.
    assert_eq!(net.recv_all(pull), numbered(0..20));
    assert!(net.link(l, pull).is_none());
    net.reconnect(l);
    net.send(push, &["again"]);
    assert_eq!(net.recv(pull).unwrap(), ["again"]);
}

#[test]
fn linger_flushes_what_was_queued_then_closes_the_connection() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    let l = net.connect(push, pull);
    net.freeze(l);
    for n in 0..5 {
        net.send(push, &[&n.to_string()]);
    }
    net.close(push, None);
    assert_eq!(net.state(l), &LinkState::Up, "still flushing");
    assert_eq!(net.link(l, push).unwrap().state(), State::Closing);
    net.thaw(l);
    assert_eq!(net.state(l), &LinkState::Down, "closed once flushed");
    assert_eq!(net.recv_all(pull), numbered(0..5));
    assert_eq!(net.s(pull).pipes().count(), 0);
}

#[test]
fn linger_gives_up_at_its_deadline() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    let l = net.connect(push, pull);
    net.freeze(l);
    net.send(push, &["never"]);
    net.close(push, Some(Duration::from_millis(10)));
    net.advance(Duration::from_millis(5));
    assert!(net.link(l, push).is_some(), "within its linger");
    net.advance(Duration::from_millis(5));
    assert!(net.link(l, push).is_none(), "closed at the deadline");
    net.thaw(l);
    assert_eq!(net.recv(pull), Err(Error::Again));
}

#[test]
fn a_lingering_connecter_reconnects_to_deliver_what_it_queued() {
    let mut net = Net::new();
    let push = net.socket(Push);
    let pull = net.socket(Pull);
    let l = net.connect(push, pull);
    net.lose(l);
    net.send(push, &["queued"]);
    net.close(push, None);
    assert!(
        net.pipe_of(l, push).is_some(),
        "kept while it holds a message"
    );
    net.reconnect(l);
    assert_eq!(net.recv(pull).unwrap(), ["queued"]);
    assert_eq!(net.state(l), &LinkState::Down, "closed once flushed");
    assert_eq!(net.pipe_of(l, push), None);
    assert_eq!(net.s(push).pipes().count(), 0);
}

#[test]
fn a_lingering_subscriber_does_not_wait_for_an_absent_publisher() {
    let mut net = Net::new();
    let publisher = net.socket(Pub);
    let sub = net.socket(Sub);
    let l = net.connect(sub, publisher);
    net.lose(l);
    net.s(sub).subscribe(b"topic").unwrap();
    net.close(sub, None);
    assert_eq!(net.pipe_of(l, sub), None, "subscriptions keep nothing");
}

#[test]
fn a_silent_peer_fails_the_heartbeat() {
    let mut net = Net::new();
    let opts = Options {
        heartbeat_ivl: 100,
        ..Options::default()
    };
    let a = net.socket_with(Dealer, opts.clone());
    let b = net.socket_with(Dealer, opts);
    let l = net.connect(a, b);
    net.advance(Duration::from_millis(100));
    net.advance(Duration::from_millis(100));
    assert_eq!(net.state(l), &LinkState::Up, "PING answered by PONG");
    net.freeze(l);
    net.advance(Duration::from_millis(100));
    net.advance(Duration::from_millis(100));
    assert!(
        matches!(net.state(l), LinkState::Refused(why) if why.contains("heartbeat")),
        "{:?}",
        net.state(l)
    );
    assert_eq!(net.s(a).pipes().count(), 0);
}
