//! Cancelling armed multishot operations: the final completion still comes,
//! and only then does the operation leave the driver.

#[macro_use]
mod driver_common;

use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

use driver_common::{turn, Deadline, Kind};
use ringmq_uring::driver::Backend;

const ACCEPT: u64 = 1;
const RECV: u64 = 2;

fn cancelled_multishot_accept_and_recv_complete_as_canceled(mut d: impl Backend) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    let accept = d.accept_multishot(listener.as_raw_fd(), ACCEPT);
    let recv = d.recv_multishot(a.as_raw_fd(), RECV);
    assert_eq!(d.in_flight(), 2);

    // Arm both in the kernel first: nothing is ready, so nothing completes.
    d.submit_and_wait(0, None).unwrap();
    let mut none = Vec::new();
    d.drain(|c| none.push(format!("{c:?}")));
    assert!(none.is_empty(), "{none:?}");

    d.cancel(accept);
    d.cancel(recv);
    d.cancel(recv); // idempotent: no second cancel goes out
    assert_eq!(d.in_flight(), 2, "cancel frees nothing by itself");

    let (mut accept_done, mut recv_done) = (false, false);
    let deadline = Deadline::after(10);
    while d.in_flight() > 0 {
        deadline.check("cancelled ops to complete");
        for e in turn(&mut d) {
            assert!(!e.more, "a cancelled multishot's completion is final");
            assert!(matches!(e.kind, Kind::Canceled), "{e:?}");
            match e.user {
                ACCEPT => {
                    assert_eq!(e.op, accept);
                    accept_done = true;
                }
                RECV => {
                    assert_eq!(e.op, recv);
                    recv_done = true;
                }
                other => panic!("unexpected user {other}"),
            }
        }
    }
    assert!(accept_done && recv_done);
    assert_eq!(d.in_flight(), 0);

    // Cancelling a retired id does nothing, even after its slot is reused.
    let again = d.recv_multishot(a.as_raw_fd(), RECV);
    assert_ne!(again, recv, "a reused slot gets a new generation");
    d.cancel(recv);
    d.submit_and_wait(0, None).unwrap();
    let mut events = Vec::new();
    d.drain(|c| events.push(format!("{c:?}")));
    assert!(events.is_empty(), "stale cancel hit the new op: {events:?}");
    assert_eq!(d.in_flight(), 1);
}

fn cancel_before_submission_still_yields_one_final_completion(mut d: impl Backend) {
    let (a, _b) = UnixStream::pair().unwrap();
    // The recv and its cancel go to the kernel in the same batch.
    let recv = d.recv_multishot(a.as_raw_fd(), RECV);
    d.cancel(recv);
    let deadline = Deadline::after(10);
    let mut finals = 0;
    while d.in_flight() > 0 {
        deadline.check("cancel in the same batch");
        for e in turn(&mut d) {
            assert_eq!(e.op, recv);
            assert!(!e.more);
            assert!(matches!(e.kind, Kind::Canceled), "{e:?}");
            finals += 1;
        }
    }
    assert_eq!(finals, 1);
}

on_both_backends!(
    cancelled_multishot_accept_and_recv_complete_as_canceled,
    cancel_before_submission_still_yields_one_final_completion
);
