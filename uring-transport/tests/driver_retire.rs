//! Sends that outlast the socket's buffer, and descriptors handed back
//! while a send is still in flight: one completion for the whole send, and
//! the descriptor closed only after its last byte left.

#[macro_use]
mod driver_common;

use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::Duration;

use bytes::Bytes;
use driver_common::{settle, Kind};
use ringmq_uring::driver::Backend;

const LEN: usize = 8 << 20;

/// Reads everything from `peer` until the end of stream, slowly at first so
/// the sender's socket fills up.
fn slow_reader(mut peer: UnixStream) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        let mut all = Vec::new();
        peer.read_to_end(&mut all).unwrap();
        all
    })
}

fn data() -> Vec<u8> {
    driver_common::pattern(LEN, 3)
}

/// A send far larger than the socket buffer completes once, with every byte.
fn a_send_larger_than_the_socket_buffer_completes_once_and_whole(mut d: impl Backend) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let reader = slow_reader(b);
    let half = LEN / 2;
    let bytes = Bytes::from(data());
    d.send(a.as_raw_fd(), bytes.slice(..half), 1);
    let finals = settle(&mut d, 30);
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(
        matches!(finals[0].kind, Kind::Sent(n) if n == half),
        "{:?}",
        finals[0]
    );
    // The rest by sendmsg, in pieces.
    let parts: Vec<Bytes> = (half..LEN)
        .step_by(LEN / 16)
        .map(|at| bytes.slice(at..(at + LEN / 16).min(LEN)))
        .collect();
    d.sendmsg(a.as_raw_fd(), parts, 2);
    let finals = settle(&mut d, 30);
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(
        matches!(finals[0].kind, Kind::Sent(n) if n == LEN - half),
        "{:?}",
        finals[0]
    );
    drop(a);
    assert!(reader.join().unwrap() == data(), "bytes lost or reordered");
}

/// `retire` with a send in flight: the send still finishes, and only then
/// is the descriptor closed (the reader sees every byte, then the end).
fn a_retired_descriptor_stays_open_until_its_send_is_done(mut d: impl Backend) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let reader = slow_reader(b);
    d.send(a.as_raw_fd(), Bytes::from(data()), 1);
    d.submit_and_wait(0, None).unwrap();
    d.retire(OwnedFd::from(a));
    let finals = settle(&mut d, 30);
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(matches!(finals[0].kind, Kind::Sent(LEN)), "{:?}", finals[0]);
    // One more turn: io_uring closes retired descriptors after an enter.
    d.submit_and_wait(0, None).unwrap();
    let got = reader.join().unwrap();
    assert_eq!(got.len(), LEN);
    assert!(got == data(), "bytes lost or reordered");
}

on_both_backends!(
    a_send_larger_than_the_socket_buffer_completes_once_and_whole,
    a_retired_descriptor_stays_open_until_its_send_is_done,
);
