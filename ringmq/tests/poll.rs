//! `poll`, `Socket::poll` and `get_events`.

mod common;

use common::socket;
use ringmq as zmq;
use std::time::{Duration, Instant};

#[test]
fn pollin_and_pollout() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://poll-in-out").unwrap();
    let push = socket(&ctx, zmq::PUSH);

    assert_eq!(push.poll(zmq::POLLOUT, 0).unwrap(), 0, "no peer yet");
    push.connect("inproc://poll-in-out").unwrap();
    assert_eq!(push.poll(zmq::POLLOUT, 0).unwrap(), 1);
    assert_eq!(push.get_events().unwrap(), zmq::POLLOUT);

    let mut items = [
        pull.as_poll_item(zmq::POLLIN | zmq::POLLOUT),
        push.as_poll_item(zmq::POLLIN | zmq::POLLOUT),
    ];
    assert_eq!(zmq::poll(&mut items, 0).unwrap(), 1);
    assert!(!items[0].is_readable() && !items[0].is_writable());
    assert!(items[1].is_writable() && !items[1].is_readable());
    assert!(items[1].has_socket(&push) && !items[1].has_socket(&pull));

    push.send("x", 0).unwrap();
    assert_eq!(zmq::poll(&mut items, 0).unwrap(), 2);
    assert_eq!(items[0].get_revents(), zmq::POLLIN);
    assert_eq!(pull.get_events().unwrap(), zmq::POLLIN);
    pull.recv_bytes(0).unwrap();
    assert_eq!(pull.get_events().unwrap(), zmq::PollEvents::empty());
}

#[test]
fn poll_times_out() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://poll-timeout").unwrap();
    let start = Instant::now();
    let mut items = [pull.as_poll_item(zmq::POLLIN)];
    assert_eq!(zmq::poll(&mut items, 100).unwrap(), 0);
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(100), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    assert!(!items[0].is_readable());
}

#[test]
fn poll_wakes_when_another_thread_sends() {
    let ctx = zmq::Context::new();
    let a = socket(&ctx, zmq::PULL);
    a.bind("inproc://poll-wake-a").unwrap();
    let b = socket(&ctx, zmq::SUB);
    b.set_subscribe(b"").unwrap();
    b.bind("inproc://poll-wake-b").unwrap();
    let publisher = socket(&ctx, zmq::PUB);
    publisher.connect("inproc://poll-wake-b").unwrap();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        publisher.send("wake up", 0).unwrap();
        publisher
    });
    let start = Instant::now();
    let mut items = [a.as_poll_item(zmq::POLLIN), b.as_poll_item(zmq::POLLIN)];
    assert_eq!(zmq::poll(&mut items, 5000).unwrap(), 1);
    assert!(start.elapsed() < Duration::from_secs(4));
    assert!(!items[0].is_readable());
    assert!(items[1].is_readable());
    assert_eq!(b.recv_string(0).unwrap().unwrap(), "wake up");
    drop(sender.join().unwrap());
}

#[test]
fn a_partly_received_message_is_readable() {
    let ctx = zmq::Context::new();
    let pull = socket(&ctx, zmq::PULL);
    pull.bind("inproc://poll-partial").unwrap();
    let push = socket(&ctx, zmq::PUSH);
    push.connect("inproc://poll-partial").unwrap();
    push.send_multipart(["a", "b"], 0).unwrap();
    pull.recv_bytes(0).unwrap();
    assert_eq!(pull.poll(zmq::POLLIN, 0).unwrap(), 1);
    pull.recv_bytes(0).unwrap();
    assert_eq!(pull.poll(zmq::POLLIN, 0).unwrap(), 0);
}

#[test]
fn req_is_writable_only_when_it_may_send() {
    let ctx = zmq::Context::new();
    let rep = socket(&ctx, zmq::REP);
    rep.bind("inproc://poll-req").unwrap();
    let req = socket(&ctx, zmq::REQ);
    req.connect("inproc://poll-req").unwrap();
    assert_eq!(req.poll(zmq::POLLOUT, 0).unwrap(), 1);
    assert_eq!(rep.poll(zmq::POLLOUT, 0).unwrap(), 0);
    req.send("q", 0).unwrap();
    assert_eq!(req.poll(zmq::POLLOUT, 0).unwrap(), 0);
    assert_eq!(rep.poll(zmq::POLLIN, 1000).unwrap(), 1);
    rep.recv_bytes(0).unwrap();
    assert_eq!(rep.poll(zmq::POLLOUT, 0).unwrap(), 1);
}

#[test]
fn fd_items_are_not_supported_yet() {
    let mut items = [zmq::PollItem::from_fd(0, zmq::POLLIN)];
    assert!(items[0].has_fd(0));
    assert_eq!(zmq::poll(&mut items, 0), Err(zmq::Error::ENOTSUP));
}
