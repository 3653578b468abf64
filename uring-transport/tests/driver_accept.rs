//! One multishot accept takes a thousand connections.

#[macro_use]
mod driver_common;

use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::thread;

use driver_common::{settle, turn, Deadline, Kind};
use ringmq_uring::driver::{raise_nofile_limit, Backend, BackendKind, Driver, DriverConfig};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

const CONNECTIONS: usize = 1000;
const ACCEPT: u64 = 1;
const CLOSE: u64 = 2;

/// A listener whose backlog holds every test connection (std's holds 128,
/// past which a connect waits for SYN retries).
fn listen_on_loopback() -> Socket {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    listener
        .bind(&SockAddr::from(
            "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
        ))
        .unwrap();
    listener.listen(1024).unwrap();
    listener
}

fn one_multishot_accept_takes_a_thousand_connections(mut d: impl Backend) {
    // Both ends of every connection live in this process, plus slack.
    let limit = raise_nofile_limit(2 * CONNECTIONS as u64 + 256).unwrap();
    assert!(
        limit >= 2 * CONNECTIONS as u64 + 64,
        "RLIMIT_NOFILE {limit}"
    );

    let listener = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    listener
        .bind(&SockAddr::from(
            "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
        ))
        .unwrap();
    listener.listen(1024).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();

    // The clients connect from another thread and hold their sockets until
    // told to let go, so every accept sees a live connection.
    let (release, released) = mpsc::channel::<()>();
    let clients = thread::spawn(move || {
        let streams: Vec<TcpStream> = (0..CONNECTIONS)
            .map(|_| TcpStream::connect(addr).expect("connect"))
            .collect();
        released.recv().ok();
        drop(streams);
    });

    // 256 SQ entries: closing the thousand sockets at once overflows the
    // submission queue and exercises the driver's backlog. The completion
    // queue (4 x 256) holds all thousand accepts, so the multishot is never
    // ended by a full CQ (see the next test).
    let mut accept = d.accept_multishot(listener.as_raw_fd(), ACCEPT);
    let mut accepted = Vec::with_capacity(CONNECTIONS);
    let mut rearmed = 0;
    let deadline = Deadline::after(60);
    while accepted.len() < CONNECTIONS {
        deadline.check("a thousand accepts");
        for e in turn(&mut d) {
            match (e.user, e.kind) {
                (ACCEPT, Kind::Accepted(fd)) => {
                    accepted.push(fd);
                    if !e.more {
                        rearmed += 1;
                        accept = d.accept_multishot(listener.as_raw_fd(), ACCEPT);
                    }
                }
                (user, kind) => panic!("unexpected completion {user}: {kind:?}"),
            }
        }
    }
    assert_eq!(rearmed, 0, "the kernel ended the multishot accept early");

    // Close all thousand through the ring at once.
    for fd in accepted {
        d.close(fd, CLOSE);
    }
    let mut closed = 0;
    let deadline = Deadline::after(30);
    while closed < CONNECTIONS {
        deadline.check("a thousand closes");
        for e in turn(&mut d) {
            match (e.user, e.kind) {
                (CLOSE, Kind::Closed) => closed += 1,
                (user, kind) => panic!("unexpected completion {user}: {kind:?}"),
            }
        }
    }
    release.send(()).unwrap();
    clients.join().unwrap();

    d.cancel(accept);
    let deadline = Deadline::after(10);
    let mut canceled = false;
    while d.in_flight() > 0 {
        deadline.check("accept to be cancelled");
        for e in turn(&mut d) {
            assert_eq!(e.user, ACCEPT);
            assert!(!e.more);
            canceled = matches!(e.kind, Kind::Canceled);
        }
    }
    assert!(canceled);
    let stats = d.stats();
    eprintln!("1000 accepts: {stats:?}");
    if d.kind() == BackendKind::IoUring {
        assert!(stats.sq_full_submits > 0, "a 64-entry SQ took 1000 closes");
    }
}

#[test]
fn multishot_accept_ended_by_a_full_completion_queue_is_rearmed() {
    const PENDING: usize = 300;
    raise_nofile_limit(2 * PENDING as u64 + 256).unwrap();
    let listener = listen_on_loopback();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    // All connections wait in the backlog before the accept is armed, so the
    // kernel's first accept burst has more to post than the CQ holds.
    let clients: Vec<TcpStream> = (0..PENDING)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let cfg = DriverConfig {
        entries: 16, // CQ of 64
        ..DriverConfig::default()
    };
    let mut d = Driver::new(&cfg).unwrap();
    let mut accept = d.accept_multishot(listener.as_raw_fd(), ACCEPT);
    let (mut accepted, mut ended) = (Vec::new(), 0);
    let deadline = Deadline::after(30);
    while accepted.len() < PENDING {
        deadline.check("all pending connections accepted");
        for e in turn(&mut d) {
            match (e.user, e.kind) {
                (ACCEPT, Kind::Accepted(fd)) => {
                    accepted.push(fd);
                    if !e.more {
                        ended += 1;
                        accept = d.accept_multishot(listener.as_raw_fd(), ACCEPT);
                    }
                }
                (user, kind) => panic!("unexpected completion {user}: {kind:?}"),
            }
        }
    }
    eprintln!(
        "{PENDING} queued connections, CQ of 64: multishot accept ended {ended} times, {:?}",
        d.stats()
    );
    // Measured on 6.18: a multishot accept posts until the CQ is full, then
    // ends with its last accepted fd in a CQE without MORE (no overflow list
    // for multishot completions). With 300 queued and room for 64, it must
    // have ended at least once.
    assert!(ended > 0, "the CQ never filled");
    d.cancel(accept);
    settle(&mut d, 10);
    drop(clients);
}

on_both_backends!(one_multishot_accept_takes_a_thousand_connections);
