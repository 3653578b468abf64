//! Dropping a driver with operations armed: it cancels them, waits for their
//! final completions, and leaves no descriptor behind.
//!
//! One test in this binary, so no other test opens descriptors meanwhile.

use std::io::Write;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use bytes::Bytes;
use ringmq_uring::driver::{Backend, Driver, DriverConfig, EpollDriver, EventFd};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn dropping_a_driver_with_armed_multishots_neither_crashes_nor_leaks() {
    drop_with_operations_armed(|cfg| Driver::new(cfg).unwrap());
    drop_with_operations_armed(|cfg| EpollDriver::new(cfg).unwrap());
}

fn drop_with_operations_armed<B: Backend>(make: impl Fn(&DriverConfig) -> B) {
    let baseline = open_fds();
    let mut slowest = Duration::ZERO;
    for round in 0..5 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (a, mut b) = UnixStream::pair().unwrap();
        let (c, _d) = UnixStream::pair().unwrap();
        let wake = EventFd::new().unwrap();
        let cfg = DriverConfig {
            buf_count: 4,
            buf_size: 1024,
            ..DriverConfig::default()
        };
        let mut driver = make(&cfg);
        driver.accept_multishot(listener.as_raw_fd(), 1);
        driver.recv_multishot(a.as_raw_fd(), 2);
        driver.read_eventfd(wake.as_raw_fd(), 3);
        driver.timeout(Duration::from_secs(60), 4);
        // A send that cannot finish: fill `c`'s peer until the socket is full.
        c.set_nonblocking(true).unwrap();
        while (&c).write(&[0u8; 65536]).is_ok() {}
        driver.send(c.as_raw_fd(), Bytes::from(vec![1u8; 1 << 20]), 5);
        // Data arrives and is received into provided buffers that nobody
        // drains: the drop must cope with completions still in the queue.
        b.write_all(&[7u8; 3000]).unwrap();
        driver.submit_and_wait(0, None).unwrap();
        if round % 2 == 1 {
            // Some rounds leave SQEs unsubmitted at the drop.
            driver.recv_multishot(a.as_raw_fd(), 6);
        }
        assert!(driver.in_flight() >= 5);
        let started = Instant::now();
        drop(driver);
        slowest = slowest.max(started.elapsed());
    }
    eprintln!("slowest drop with operations in flight: {slowest:?}");
    assert!(
        slowest < Duration::from_secs(1),
        "drop waited for the grace period: a final completion never came"
    );
    assert_eq!(open_fds(), baseline, "a ring or socket descriptor leaked");
}
