//! The I/O thread's loop: one ring, its listeners and connections.
//!
//! Each turn: run queued commands, fire due timers, then one
//! `submit_and_wait` whose timeout is the next timer, then handle every
//! completion. Each connection's protocol is a `ringmq_core::link::Link`
//! (its ZMTP session and pipe end); the thread does its I/O. Between a
//! socket and a connection, messages move through the connection's
//! lock-free pipe in batches: all that fits in the link's output batch is
//! read and encoded, then written with one send; all that a receive decoded
//! is written to the pipe, then published with one flush. The socket's lock
//! is taken only to attach and detach.

use super::conn::{Conn, Connecter, Key, Listener, Origin, Recv, Slab, Token};
use super::{BackendChoice, Cmd, ConnNotify, EngineError, IoShared, PumpTarget, Remote};
use crate::driver::{
    Backend, BackendKind, Completion, CompletionResult, Driver, DriverConfig, EpollDriver,
};
use crate::shared::{monotonic_ns, sample_interval, ConnEventKind, SharedSocket};
use ringmq_core::link::{attach_pipe, Input, Leftover, Link, Role};
use ringmq_core::pipe::{End, PeerMeta};
use ringmq_core::snapshot::IoThreadSnapshot;
use ringmq_core::zmtp::{Session, SessionConfig};
use ringmq_core::{Error, PipeId, SocketType};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{fence, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod commands;
mod completions;
mod lifecycle;
mod pump;
mod spin;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    Reconnect(Key),
    Session(Key),
    Linger(u64),
}

struct SockEntry {
    sock: Arc<SharedSocket>,
    listeners: Vec<Key>,
    conns: Vec<Key>,
    connecters: Vec<Key>,
    /// `Some(deadline)` once the application closed the socket; the inner
    /// `None` lingers without limit.
    closing: Option<Option<Instant>>,
}

/// What a completion asks for, once the driver is free to be used again.
enum Done {
    Wake,
    Accepted(Key, OwnedFd),
    AcceptEnded(Key),
    Connected(Key),
    /// With the error, for the inspector's event.
    ConnectFailed(Key, String),
    Input(Key),
    RecvEnded(Key, bool),
    Sent(Key, usize),
    /// With the error, for the inspector's event.
    Closed(Key, String),
}

/// The I/O thread: opens the backend `choice` asks for, inside the thread
/// (io_uring is `SINGLE_ISSUER`), reports the outcome on `ready`, then
/// serves until shutdown. `Auto` probes io_uring (a ring, then one
/// operation on it) and takes epoll if that fails for any reason; a forced
/// `Uring` fails with the reason instead.
pub(crate) fn run(
    shared: Arc<IoShared>,
    choice: BackendChoice,
    ready: SyncSender<Result<(), EngineError>>,
) {
    let cfg = DriverConfig::default();
    let uring = match choice {
        BackendChoice::Epoll => None,
        BackendChoice::Auto => match Driver::probe(&cfg) {
            Ok(d) => Some(d),
            Err(e) => {
                shared.counters.set_fallback(e.to_string());
                None
            }
        },
        BackendChoice::Uring => match Driver::probe(&cfg) {
            Ok(d) => Some(d),
            Err(e) => {
                let _ = ready.send(Err(EngineError::Setup(e)));
                return;
            }
        },
    };
    if let Some(driver) = uring {
        shared.counters.set_backend(BackendKind::IoUring);
        let _ = ready.send(Ok(()));
        serve(driver, shared, u64::from(cfg.buf_count));
        return;
    }
    match EpollDriver::new(&cfg) {
        Ok(driver) => {
            shared.counters.set_backend(BackendKind::Epoll);
            let _ = ready.send(Ok(()));
            // One receive buffer, which never runs out.
            serve(driver, shared, 1);
        }
        Err(e) => {
            let _ = ready.send(Err(EngineError::Io(e)));
        }
    }
}

/// Runs the loop on `driver` until shutdown. Generic so that each backend
/// gets its own monomorphic copy of the engine (see `driver::Backend`).
fn serve<B: Backend>(driver: B, shared: Arc<IoShared>, buffers_total: u64) {
    IoThread::new(driver, shared, buffers_total, false).run();
}

pub(super) struct IoThread<B> {
    driver: B,
    shared: Arc<IoShared>,
    /// The epoch of the sessions' clock.
    start: Instant,
    listeners: Slab<Listener>,
    conns: Slab<Conn>,
    connecters: Slab<Connecter>,
    sockets: HashMap<u64, SockEntry>,
    timers: BinaryHeap<Reverse<(Instant, Timer)>>,
    cmds: Vec<Cmd>,
    done: Vec<Done>,
    shutting_down: bool,
    /// Turned by an inline socket's callers rather than a thread of its own.
    inline: bool,
    /// This thread's counters; copied to `shared.counters` once per turn.
    counters: IoThreadSnapshot,
    spinner: spin::Spinner,
}

impl<B: Backend> IoThread<B> {
    /// An engine on `driver` with its wake-up read armed; `inline` if a
    /// socket's callers turn it (see [`turn`](Self::turn)).
    pub(super) fn new(driver: B, shared: Arc<IoShared>, buffers_total: u64, inline: bool) -> Self {
        let spin = shared.spin();
        let spin_us = u64::try_from(spin.budget.as_micros()).unwrap_or(u64::MAX);
        shared.counters.set_spin_adaptive(spin.adaptive);
        let mut t = IoThread {
            driver,
            shared,
            start: Instant::now(),
            listeners: Slab::default(),
            conns: Slab::default(),
            connecters: Slab::default(),
            sockets: HashMap::new(),
            timers: BinaryHeap::new(),
            cmds: Vec::new(),
            done: Vec::new(),
            shutting_down: false,
            inline,
            spinner: spin::Spinner::new(spin.budget, spin.adaptive),
            counters: IoThreadSnapshot {
                buffers_total,
                spin_us,
                ..IoThreadSnapshot::default()
            },
        };
        t.arm_wake();
        t
    }

    fn run(&mut self) {
        while self.turn(None) {}
        self.publish_counters();
        self.finish();
    }

    /// One loop turn: queued commands, due timers, then one wait in the
    /// kernel — until a completion comes, the next timer is due or
    /// `max_wait` passes (`None`: no limit of its own) — then every
    /// completion. False once shut down with every socket gone.
    ///
    /// An I/O thread turns forever; an inline socket's caller turns with
    /// its own deadline (see `inline`), and then also submits what the
    /// completions queued, so that nothing waits for a next turn that may
    /// be long in coming.
    pub(super) fn turn(&mut self, max_wait: Option<Duration>) -> bool {
        self.counters.loop_turns += 1;
        self.run_commands();
        self.fire_timers();
        if self.shutting_down && self.sockets.is_empty() {
            return false;
        }
        let next_timer = self
            .timers
            .peek()
            .map(|Reverse((at, _))| at.saturating_duration_since(Instant::now()));
        let timeout = crate::driver::sooner(next_timer, max_wait);
        // Before the wait, so a parked thread's counters are current
        // (the wait itself shows in the next turn's).
        self.publish_counters();
        if self.spin_for_work(timeout) {
            self.reap();
        } else {
            self.shared.parked.store(true, Ordering::SeqCst);
            fence(Ordering::SeqCst);
            let (want, timeout) = if self.shared.has_cmds() || self.shared.take_woken() {
                (0, Some(Duration::ZERO))
            } else {
                (1, timeout)
            };
            if let Err(e) = self.driver.submit_and_wait(want, timeout) {
                eprintln!("ringmq: {} wait failed: {e}", self.driver.kind());
            }
            self.shared.parked.store(false, Ordering::SeqCst);
            self.spinner.woke();
            self.reap();
        }
        if self.inline {
            // A send that completed queued the next one: start it now
            // (bounded: each round is one non-blocking kernel call).
            for _ in 0..4 {
                if !self.driver.has_unsubmitted() {
                    break;
                }
                if let Err(e) = self.driver.submit_and_wait(0, Some(Duration::ZERO)) {
                    eprintln!("ringmq: {} submit failed: {e}", self.driver.kind());
                    break;
                }
                self.reap();
            }
        }
        true
    }

    /// Polls the kernel and the command queue without sleeping, for up to
    /// the spin budget or the turn's `timeout` (the next timer, or an
    /// inline caller's deadline), whichever is first.
    /// True if a completion or a command came; false (at once, with no
    /// budget) if the thread should go and sleep. Posters see the thread
    /// as not parked meanwhile, so they write no eventfd.
    fn spin_for_work(&mut self, timeout: Option<Duration>) -> bool {
        let budget = self.spinner.budget();
        if budget.is_zero() || timeout == Some(Duration::ZERO) {
            return false;
        }
        if self.shared.has_cmds() {
            return true;
        }
        let until = Instant::now() + timeout.map_or(budget, |t| t.min(budget));
        let mut polls = 0u32;
        loop {
            polls += 1;
            if let Err(e) = self.driver.submit_and_wait(0, Some(Duration::ZERO)) {
                eprintln!("ringmq: {} poll failed: {e}", self.driver.kind());
                return false;
            }
            if self.driver.has_completions() || self.shared.has_cmds() || self.shared.take_woken() {
                self.counters.spin_hits += 1;
                // Found at the first look, it was there already: a sleep
                // would have returned as soon, so the spin earned nothing.
                if polls > 1 {
                    self.spinner.hit();
                }
                return true;
            }
            if Instant::now() >= until {
                self.counters.spin_misses += 1;
                self.spinner.miss();
                return false;
            }
            // Not a pause but a yield: on a machine with fewer cores than
            // busy threads, the thread this one waits for may be queued on
            // this very core (on 2 vCPUs: tcp REQ/REP p50 ~23 us with the
            // yield, 20-107 us with `spin_loop`).
            std::thread::yield_now();
        }
    }

    /// Publishes the counters for the inspector, once per loop turn: plain
    /// relaxed stores, no lock, no read-modify-write.
    pub(super) fn publish_counters(&mut self) {
        let d = self.driver.stats();
        let c = &mut self.counters;
        c.submit_calls = d.submit_calls;
        c.sqes_submitted = d.sqes_submitted;
        c.cqes_reaped = d.cqes_reaped;
        c.enobufs = d.enobufs;
        c.max_cqes_per_wake = d.max_cqes_per_drain;
        c.connections = self.conns.len() as u64;
        self.shared.counters.publish(c);
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn arm_wake(&mut self) {
        let fd = self.shared.wake.as_raw_fd();
        self.driver.read_eventfd(fd, Token::Wake.encode());
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        while let Some(Reverse((at, timer))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            match timer {
                Timer::Reconnect(ck) => {
                    if self.connecters.get(ck).is_some_and(|c| c.conn.is_none()) {
                        self.start_connect(ck);
                    }
                }
                Timer::Session(k) => {
                    let sess_now = self.now();
                    let Some(conn) = self.conns.get_mut(k) else {
                        continue;
                    };
                    if conn.timer_at != Some(at) {
                        continue; // superseded (or the peer left already)
                    }
                    conn.timer_at = None;
                    let r = conn
                        .link
                        .as_mut()
                        .map_or(Ok(()), |l| l.handle_timeout(sess_now));
                    if let Err(e) = r {
                        self.lose_conn(k, &e.to_string());
                    } else {
                        self.try_send(k);
                        self.refresh_timer(k);
                    }
                }
                Timer::Linger(sock_id) => self.check_linger(sock_id, true),
            }
        }
    }
}
