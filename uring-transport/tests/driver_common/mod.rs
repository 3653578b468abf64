//! Shared helpers for the driver tests: owned copies of completions, a
//! bounded event loop, and a per-connection send queue that keeps one send in
//! flight and resends short writes, as the engine will.

#![allow(dead_code)] // each test binary uses a different subset

/// Turns each `fn $name(impl Backend)` into two tests, `$name::io_uring`
/// and `$name::epoll`, so every driver behaviour is held to both backends.
#[allow(unused_macros)] // not every test binary uses it
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn io_uring() {
                    super::$name(super::driver_common::uring())
                }
                #[test]
                fn epoll() {
                    super::$name(super::driver_common::epoll())
                }
            }
        )*
    };
}

use std::collections::VecDeque;
use std::io;
use std::os::fd::{OwnedFd, RawFd};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ringmq_uring::driver::{
    Backend, Completion, CompletionResult, Driver, DriverConfig, EpollDriver, OpId,
};

/// A completion with its data copied out of the provided buffer.
#[derive(Debug)]
pub struct Event {
    pub op: OpId,
    pub user: u64,
    pub more: bool,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    Accepted(OwnedFd),
    Connected,
    Data(Vec<u8>),
    Eof,
    Sent(usize),
    EventfdRead(u64),
    Closed,
    TimedOut,
    Canceled,
    NoBuffers,
    Error(io::Error),
}

impl From<Completion<'_>> for Event {
    fn from(c: Completion<'_>) -> Self {
        let kind = match c.result {
            CompletionResult::Accepted(fd) => Kind::Accepted(fd),
            CompletionResult::Connected => Kind::Connected,
            CompletionResult::Received(data) => Kind::Data(data.to_vec()),
            CompletionResult::Eof => Kind::Eof,
            CompletionResult::Sent(n) => Kind::Sent(n),
            CompletionResult::EventfdRead(v) => Kind::EventfdRead(v),
            CompletionResult::Closed => Kind::Closed,
            CompletionResult::TimedOut => Kind::TimedOut,
            CompletionResult::Canceled => Kind::Canceled,
            CompletionResult::NoBuffers => Kind::NoBuffers,
            CompletionResult::Error(e) => Kind::Error(e),
        };
        Event {
            op: c.op,
            user: c.user,
            more: c.more,
            kind,
        }
    }
}

/// One loop turn: submit, wait up to 50 ms for a completion, drain.
pub fn turn(driver: &mut impl Backend) -> Vec<Event> {
    driver
        .submit_and_wait(1, Some(Duration::from_millis(50)))
        .expect("submit_and_wait");
    let mut events = Vec::new();
    driver.drain(|c| events.push(Event::from(c)));
    events
}

/// A deadline for a test loop; panics with `what` once passed.
pub struct Deadline {
    end: Instant,
}

impl Deadline {
    pub fn after(secs: u64) -> Self {
        Self {
            end: Instant::now() + Duration::from_secs(secs),
        }
    }

    pub fn check(&self, what: &str) {
        assert!(Instant::now() < self.end, "deadline passed: {what}");
    }
}

/// Turns until `in_flight()` is 0, collecting the events seen.
pub fn settle(driver: &mut impl Backend, secs: u64) -> Vec<Event> {
    let deadline = Deadline::after(secs);
    let mut all = Vec::new();
    while driver.in_flight() > 0 {
        deadline.check("operations to finish");
        all.extend(turn(driver));
    }
    all
}

/// Sends of one connection: one in flight at a time, short writes resent.
pub struct Outbox {
    fd: RawFd,
    user: u64,
    queue: VecDeque<Vec<Bytes>>,
    in_flight: Option<(OpId, Vec<Bytes>)>,
    pub sent: usize,
    pub short_writes: usize,
}

impl Outbox {
    pub fn new(fd: RawFd, user: u64) -> Self {
        Self {
            fd,
            user,
            queue: VecDeque::new(),
            in_flight: None,
            sent: 0,
            short_writes: 0,
        }
    }

    /// Queues one send (one buffer) or sendmsg (several).
    pub fn push(&mut self, bufs: Vec<Bytes>) {
        self.queue.push_back(bufs);
    }

    /// Starts the next send if none is in flight.
    pub fn pump(&mut self, driver: &mut impl Backend) {
        if self.in_flight.is_some() {
            return;
        }
        let Some(bufs) = self.queue.pop_front() else {
            return;
        };
        let id = if bufs.len() == 1 {
            driver.send(self.fd, bufs[0].clone(), self.user)
        } else {
            driver.sendmsg(self.fd, bufs.iter().cloned(), self.user)
        };
        self.in_flight = Some((id, bufs));
    }

    /// Accounts a `Sent(n)`; queues the unsent rest in front.
    pub fn on_sent(&mut self, op: OpId, n: usize) {
        let (id, bufs) = self.in_flight.take().expect("a send was in flight");
        assert_eq!(id, op);
        self.sent += n;
        let total: usize = bufs.iter().map(Bytes::len).sum();
        if n < total {
            self.short_writes += 1;
            let mut skip = n;
            let rest: Vec<Bytes> = bufs
                .into_iter()
                .filter_map(|b| {
                    if skip >= b.len() {
                        skip -= b.len();
                        None
                    } else {
                        let b = b.slice(skip..);
                        skip = 0;
                        Some(b)
                    }
                })
                .collect();
            self.queue.push_front(rest);
        }
    }

    pub fn idle(&self) -> bool {
        self.in_flight.is_none() && self.queue.is_empty()
    }
}

/// `len` bytes of a pattern that catches reordering and loss.
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31) % 251) as u8 ^ seed)
        .collect()
}

/// An io_uring driver with the default sizes.
pub fn uring() -> Driver {
    Driver::new(&DriverConfig::default()).expect("io_uring setup")
}

/// An epoll driver with the default sizes.
pub fn epoll() -> EpollDriver {
    EpollDriver::new(&DriverConfig::default()).expect("epoll setup")
}
