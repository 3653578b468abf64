//! The smaller operations and edge cases: eventfd wake-ups, timers, a full
//! submission queue, connect and send errors, configuration checks.

#[macro_use]
mod driver_common;

use std::io::ErrorKind;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use driver_common::{settle, turn, Deadline, Kind};
use ringmq_uring::driver::{Backend, Driver, DriverConfig, EventFd, SetupErrorKind};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

fn eventfd_notify_from_another_thread_wakes_the_ring(mut d: impl Backend) {
    let wake = std::sync::Arc::new(EventFd::new().unwrap());
    let read = d.read_eventfd(wake.as_raw_fd(), 9);
    // Nothing to read yet: the read parks in the kernel.
    d.submit_and_wait(0, None).unwrap();
    assert_eq!(d.in_flight(), 1);

    let notifier = {
        let wake = wake.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            wake.notify().unwrap();
        })
    };
    let started = Instant::now();
    // Blocks until the notify, well inside the 5 s timeout.
    d.submit_and_wait(1, Some(Duration::from_secs(5))).unwrap();
    let mut got = None;
    d.drain(|c| {
        assert_eq!((c.op, c.user, c.more), (read, 9, false));
        got = Some(format!("{:?}", c.result));
    });
    notifier.join().unwrap();
    assert_eq!(got.as_deref(), Some("EventfdRead(1)"));
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(d.in_flight(), 0);
}

/// The engine re-arms its wake-up read after every completion; a notify
/// that lands before the re-arm, or between the completion and the next
/// wait, must still complete the next read (epoll keeps the registration
/// across reads instead of re-arming it, so this is the edge it relies on).
fn eventfd_read_rearmed_after_each_wake_sees_every_later_notify(mut d: impl Backend) {
    let wake = EventFd::new().unwrap();
    for round in 0..4u64 {
        let read = d.read_eventfd(wake.as_raw_fd(), round);
        if round % 2 == 1 {
            // Notified before the read is even submitted.
            wake.notify().unwrap();
        }
        d.submit_and_wait(0, None).unwrap();
        if round % 2 == 0 {
            wake.notify().unwrap();
        }
        let deadline = Deadline::after(5);
        let mut got = None;
        while got.is_none() {
            deadline.check("eventfd read");
            d.submit_and_wait(1, Some(Duration::from_millis(100)))
                .unwrap();
            d.drain(|c| {
                assert_eq!((c.op, c.user, c.more), (read, round, false));
                got = Some(format!("{:?}", c.result));
            });
        }
        assert_eq!(got.as_deref(), Some("EventfdRead(1)"), "round {round}");
        assert_eq!(d.in_flight(), 0);
    }
}

fn timeout_fires_and_a_cancelled_timeout_completes_as_canceled(mut d: impl Backend) {
    let started = Instant::now();
    let short = d.timeout(Duration::from_millis(20), 1);
    let long = d.timeout(Duration::from_secs(60), 2);
    let deadline = Deadline::after(10);
    let mut fired = false;
    while !fired {
        deadline.check("timer");
        for e in turn(&mut d) {
            assert_eq!((e.op, e.user), (short, 1));
            assert!(matches!(e.kind, Kind::TimedOut), "{e:?}");
            fired = true;
        }
    }
    assert!(started.elapsed() >= Duration::from_millis(20));
    d.cancel(long);
    let finals = settle(&mut d, 10);
    assert_eq!(finals.len(), 1);
    assert_eq!(finals[0].op, long);
    assert!(matches!(finals[0].kind, Kind::Canceled), "{:?}", finals[0]);
}

fn submit_and_wait_returns_at_its_timeout(mut d: impl Backend) {
    let started = Instant::now();
    d.submit_and_wait(1, Some(Duration::from_millis(30)))
        .expect("ETIME is not an error");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(25), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
}

#[test]
fn a_full_submission_queue_is_submitted_early_and_nothing_is_lost() {
    let cfg = DriverConfig {
        entries: 4,
        ..DriverConfig::default()
    };
    let mut d = Driver::new(&cfg).unwrap();
    let ids: Vec<_> = (0..100)
        .map(|i| d.timeout(Duration::from_millis(1), i))
        .collect();
    assert_eq!(d.in_flight(), 100);
    let finals = settle(&mut d, 10);
    assert_eq!(finals.len(), 100);
    let mut users: Vec<u64> = finals
        .iter()
        .map(|e| {
            assert!(matches!(e.kind, Kind::TimedOut), "{e:?}");
            assert!(ids.contains(&e.op));
            e.user
        })
        .collect();
    users.sort_unstable();
    assert_eq!(users, (0..100).collect::<Vec<_>>());
    let stats = d.stats();
    assert!(stats.sq_full_submits > 0, "{stats:?}");
    assert_eq!(stats.sqes_submitted, 100, "{stats:?}");
}

fn connect_to_a_closed_port_reports_connection_refused(mut d: impl Backend) {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let s = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    s.set_nonblocking(true).unwrap();
    d.connect(s.as_raw_fd(), SockAddr::from(port), 1);
    let finals = settle(&mut d, 10);
    match &finals[..] {
        [e] => match &e.kind {
            Kind::Error(err) => assert_eq!(err.kind(), ErrorKind::ConnectionRefused),
            other => panic!("expected ECONNREFUSED, got {other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

fn send_to_a_closed_peer_is_an_error_not_a_sigpipe(mut d: impl Backend) {
    let (a, b) = UnixStream::pair().unwrap();
    drop(b);
    d.send(a.as_raw_fd(), Bytes::from_static(b"x"), 1);
    d.sendmsg(
        a.as_raw_fd(),
        [Bytes::from_static(b"y"), Bytes::from_static(b"z")],
        2,
    );
    let finals = settle(&mut d, 10);
    assert_eq!(finals.len(), 2);
    for e in finals {
        match e.kind {
            Kind::Error(err) => assert_eq!(err.kind(), ErrorKind::BrokenPipe),
            other => panic!("expected EPIPE, got {other:?}"),
        }
    }
}

fn eof_ends_a_multishot_recv(mut d: impl Backend) {
    let (a, b) = UnixStream::pair().unwrap();
    d.recv_multishot(a.as_raw_fd(), 1);
    d.send(b.as_raw_fd(), Bytes::from_static(b"last words"), 2);
    let mut data = Vec::new();
    let mut eof = false;
    let deadline = Deadline::after(10);
    while !eof {
        deadline.check("eof");
        for e in turn(&mut d) {
            match (e.user, e.kind) {
                (1, Kind::Data(bytes)) => data.extend(bytes),
                (1, Kind::Eof) => {
                    assert!(!e.more);
                    eof = true;
                }
                (2, Kind::Sent(10)) => b.shutdown(std::net::Shutdown::Write).unwrap(),
                (user, kind) => panic!("{user}: {kind:?}"),
            }
        }
    }
    assert_eq!(data, b"last words");
    assert_eq!(d.in_flight(), 0);
}

#[test]
fn out_of_range_config_is_refused_before_the_kernel_is_asked() {
    let bad = [
        DriverConfig {
            entries: 0,
            ..DriverConfig::default()
        },
        DriverConfig {
            entries: 65536,
            ..DriverConfig::default()
        },
        DriverConfig {
            buf_count: 3,
            ..DriverConfig::default()
        },
        DriverConfig {
            buf_count: 0,
            ..DriverConfig::default()
        },
        DriverConfig {
            buf_size: 0,
            ..DriverConfig::default()
        },
    ];
    for cfg in bad {
        let err = Driver::new(&cfg).err().expect("refused");
        assert_eq!(err.kind(), SetupErrorKind::InvalidConfig, "{cfg:?}");
        assert_eq!(err.raw_os_error(), None);
        assert!(err.to_string().starts_with("invalid DriverConfig"), "{err}");
    }
}

on_both_backends!(
    eventfd_notify_from_another_thread_wakes_the_ring,
    eventfd_read_rearmed_after_each_wake_sees_every_later_notify,
    timeout_fires_and_a_cancelled_timeout_completes_as_canceled,
    submit_and_wait_returns_at_its_timeout,
    connect_to_a_closed_port_reports_connection_refused,
    send_to_a_closed_peer_is_an_error_not_a_sigpipe,
    eof_ends_a_multishot_recv
);
