//! What an application thread and an I/O thread share about one socket.
//!
//! The core socket (`ringmq_core::Socket`: options, pipes, routing) sits
//! behind a mutex that only its owner takes on the message path: the
//! application, per send or receive (uncontended), and the I/O thread only
//! to attach or detach a connection. Messages themselves travel through
//! each pipe's lock-free queues (`ringmq_core::pipe`), and each side wakes
//! the other only when it went idle:
//! - application → I/O thread: a pipe whose connection went idle tells the
//!   connection's notifier, which queues it for its I/O thread (and writes
//!   the thread's eventfd only if it is parked);
//! - I/O thread → application: a pipe whose socket went idle tells the
//!   socket's [`Waiters`], which unpark the threads blocked on the socket
//!   (send, recv, poll), only if there are any.
//!
//! It also carries what the inspector reads about the socket without taking
//! the core lock on the hot path: sampled latencies ([`LatencySamples`]),
//! connection events ([`ConnEvent`]) and the peers' addresses.

use crate::engine::{Inline, IoShared};
use ringmq_core::socket::Wake;
use ringmq_core::{Error, PipeId, Socket, SocketType};
use smallvec::SmallVec;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;
use std::time::Instant;

// ----- latency sampling --------------------------------------------------

/// Nanoseconds on the process's monotonic clock (from its first use), never
/// 0: the value stamped on sampled messages (`Multipart::set_stamp`, where 0
/// means "no stamp"). Application threads and I/O threads read the same
/// clock, so a difference of two stamps is a latency.
pub fn monotonic_ns() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_nanos())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// The default latency sampling interval: one message in 64.
///
/// Counting is nearly free (a decrement); a sampled message costs two clock
/// reads and a store into a [`LatencySamples`] ring, about 50 ns, so one in
/// 64 adds under a nanosecond per message on average, while a stream of
/// 100 k msg/s still yields 1,500 samples a second. A socket's first message
/// is always sampled, so quiet sockets show a latency too.
pub const DEFAULT_SAMPLE_INTERVAL: u32 = 64;

/// `u32::MAX`: not read from the environment yet.
static SAMPLE_INTERVAL: AtomicU32 = AtomicU32::new(u32::MAX);

/// One message in this many is stamped for the latency histograms (0: none).
///
/// Read from the environment variable `RINGMQ_STATS` on first use: `0`,
/// `off` or `false` turns sampling off, a number `N` samples one message in
/// `N` (`1`: every message), anything else (or unset) keeps
/// [`DEFAULT_SAMPLE_INTERVAL`]. [`set_sample_interval`] overrides it.
#[inline]
pub fn sample_interval() -> u32 {
    let v = SAMPLE_INTERVAL.load(Ordering::Relaxed);
    if v != u32::MAX {
        return v;
    }
    sample_interval_from_env()
}

#[cold]
#[inline(never)]
fn sample_interval_from_env() -> u32 {
    let v = parse_sample_interval(std::env::var("RINGMQ_STATS").ok().as_deref());
    // A concurrent `set_sample_interval` wins over the environment.
    let _ = SAMPLE_INTERVAL.compare_exchange(u32::MAX, v, Ordering::Relaxed, Ordering::Relaxed);
    SAMPLE_INTERVAL.load(Ordering::Relaxed)
}

/// Sets the latency sampling interval for the whole process: one message in
/// `n` (0: sampling off). Counters and events are not affected.
pub fn set_sample_interval(n: u32) {
    SAMPLE_INTERVAL.store(n.min(u32::MAX - 1), Ordering::Relaxed);
}

fn parse_sample_interval(v: Option<&str>) -> u32 {
    match v.map(str::trim) {
        Some("0" | "off" | "false" | "no") => 0,
        Some(n) => n
            .parse::<u32>()
            .map_or(DEFAULT_SAMPLE_INTERVAL, |n| n.min(u32::MAX - 1)),
        None => DEFAULT_SAMPLE_INTERVAL,
    }
}

/// Decides which messages of one stream are sampled: every
/// [`sample_interval`]-th, starting with the first. Owned by the one thread
/// that sends (or delivers) the stream, so it is a plain counter.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sampler {
    countdown: u32,
}

impl Sampler {
    /// True if the next message should be stamped. `interval` is
    /// [`sample_interval`], read once per batch by the caller.
    #[inline]
    pub fn tick(&mut self, interval: u32) -> bool {
        self.tick_with(|| interval)
    }

    /// [`tick`](Self::tick) for a caller that reads the interval per
    /// message: it is read only when the countdown has run out, so a new
    /// interval (or 0, off) takes effect after the current one ends.
    #[inline]
    pub fn tick_with(&mut self, interval: impl FnOnce() -> u32) -> bool {
        if self.countdown > 0 {
            self.countdown -= 1;
            return false;
        }
        match interval() {
            0 => false,
            n => {
                self.countdown = n - 1;
                true
            }
        }
    }
}

/// Latency samples (nanoseconds) of one path of one socket, from the thread
/// that measures them to the inspector that folds them into a histogram.
///
/// A ring that overwrites its oldest samples: a writer never waits and never
/// takes a lock (two atomic operations per sample), and a reader that comes
/// late gets the latest [`LatencySamples::CAPACITY`] samples. The slots are
/// allocated on the first sample, so a socket that never samples costs
/// nothing.
#[derive(Debug, Default)]
pub struct LatencySamples {
    slots: OnceLock<Box<[AtomicU64]>>,
    /// Samples ever written. Slot `i % CAPACITY` holds sample `i`.
    head: AtomicU64,
}

impl LatencySamples {
    /// Samples kept between two reads.
    pub const CAPACITY: usize = 4096;

    /// Records one sample.
    #[inline]
    pub fn push(&self, ns: u64) {
        let slots = self
            .slots
            .get_or_init(|| (0..Self::CAPACITY).map(|_| AtomicU64::new(0)).collect());
        let i = self.head.fetch_add(1, Ordering::AcqRel);
        slots[(i % Self::CAPACITY as u64) as usize].store(ns, Ordering::Release);
    }

    /// Hands `f` every sample written since `cursor` (at most the latest
    /// [`CAPACITY`](Self::CAPACITY)) and moves `cursor` past them. Returns
    /// how many were overwritten before they could be read.
    pub fn drain(&self, cursor: &mut u64, mut f: impl FnMut(u64)) -> u64 {
        let head = self.head.load(Ordering::Acquire);
        let Some(slots) = self.slots.get() else {
            *cursor = head;
            return 0;
        };
        let start = (*cursor).max(head.saturating_sub(Self::CAPACITY as u64));
        let lost = start - (*cursor).min(start);
        for i in start..head {
            // A slot the writer reuses meanwhile holds a newer sample: still
            // a real measurement, so it is taken as it is.
            f(slots[(i % Self::CAPACITY as u64) as usize].load(Ordering::Acquire));
        }
        *cursor = head;
        lost
    }

    /// Samples ever recorded.
    pub fn total(&self) -> u64 {
        self.head.load(Ordering::Relaxed)
    }
}

// ----- connection events -------------------------------------------------

/// What happened to one of a socket's endpoints or connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnEventKind {
    /// A bound endpoint accepts connections.
    Listening,
    /// A peer connected to a bound endpoint.
    Accepted,
    /// A connect reached its peer.
    Connected,
    /// An established connection was lost (peer closed, error, heartbeat).
    Disconnected,
    /// The ZMTP handshake failed, or the socket refused the peer.
    HandshakeFailed,
    /// A connect failed or was lost; another attempt is scheduled.
    ConnectRetried,
    /// An endpoint or connection was closed by this side (unbind,
    /// disconnect, close).
    Closed,
}

impl ConnEventKind {
    /// The name used by the inspector ("listening", "accepted", …).
    pub fn as_str(self) -> &'static str {
        match self {
            ConnEventKind::Listening => "listening",
            ConnEventKind::Accepted => "accepted",
            ConnEventKind::Connected => "connected",
            ConnEventKind::Disconnected => "disconnected",
            ConnEventKind::HandshakeFailed => "handshake_failed",
            ConnEventKind::ConnectRetried => "connect_retried",
            ConnEventKind::Closed => "closed",
        }
    }
}

/// One connection event, as the I/O thread (or inproc) records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnEvent {
    /// [`monotonic_ns`] when it happened.
    pub at_ns: u64,
    /// What happened.
    pub kind: ConnEventKind,
    /// The endpoint or the peer's address.
    pub endpoint: String,
    /// Free text: the error, the peer's address, …
    pub detail: String,
}

/// Events kept per socket until the inspector takes them; older ones are
/// dropped (and counted) when nobody reads them.
pub const EVENT_CAPACITY: usize = 256;

#[derive(Debug, Default)]
struct Events {
    queue: VecDeque<ConnEvent>,
    dropped: u64,
}

/// What a blocked call waits for (see [`SharedSocket::block_on`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// A message to receive.
    Recv,
    /// Room to send.
    Send,
}

/// The threads parked on one socket. Its pipes' other ends wake them (as
/// the core socket's [`Wake`]), so it lives apart from the socket: the
/// socket holds it, not the other way round.
#[derive(Default)]
pub struct Waiters {
    threads: Mutex<Vec<Thread>>,
    count: AtomicUsize,
    /// An inline socket's engine, in whose kernel wait its waiters block
    /// (instead of parking).
    inline: OnceLock<Arc<IoShared>>,
}

impl std::fmt::Debug for Waiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiters")
            .field("count", &self.count.load(Ordering::Relaxed))
            .field("inline", &self.inline.get().is_some())
            .finish()
    }
}

impl Waiters {
    /// Unparks every registered thread; one atomic load when there is none.
    /// The unparks happen after the lock is released: a woken thread's
    /// first act is to unregister, which would otherwise find the lock
    /// still held by the waker (in its `futex` wake) and sleep on it.
    pub fn wake_all(&self) {
        if self.count.load(Ordering::SeqCst) == 0 {
            return;
        }
        let woken: SmallVec<[Thread; 2]> = self
            .threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect();
        for t in woken {
            t.unpark();
        }
        if let Some(io) = self.inline.get() {
            io.notify_if_parked();
        }
    }

    fn register(&self) {
        self.threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(std::thread::current());
        self.count.fetch_add(1, Ordering::SeqCst);
    }

    fn unregister(&self) {
        let me = std::thread::current().id();
        let mut w = self.threads.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = w.iter().position(|t| t.id() == me) {
            w.swap_remove(i);
            self.count.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Wake for Waiters {
    fn wake(&self) {
        self.wake_all();
    }
}

/// The core socket, locked (see [`SharedSocket::lock`]).
pub type CoreGuard<'a> = parking_lot::MutexGuard<'a, Socket>;

/// One socket as both threads see it.
pub struct SharedSocket {
    id: u64,
    socket_type: SocketType,
    core: parking_lot::Mutex<Socket>,
    /// Threads parked on this socket. A waiter registers, then (under the
    /// core lock) lets the socket's pipes go idle (`Socket::prepare_wait`),
    /// so input or room that comes after is followed by its wake-up.
    waiters: Arc<Waiters>,
    /// The I/O thread serving the socket's connections (in inline mode,
    /// its own engine's queue).
    io: OnceLock<Arc<IoShared>>,
    /// In inline mode, the socket's own engine.
    inline: OnceLock<Arc<Inline>>,
    terminated: AtomicBool,
    /// send() → handed to the kernel (written by the I/O thread).
    send_latency: LatencySamples,
    /// Delivered to the socket's queue → recv() (written by the application).
    recv_latency: LatencySamples,
    /// Rare (connections come and go), so a mutex off the message path.
    events: Mutex<Events>,
    /// The address of each pipe's peer, where the transport knows it.
    peer_addrs: Mutex<HashMap<PipeId, String>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl SharedSocket {
    /// Wraps a core socket.
    pub fn new(core: Socket) -> Arc<SharedSocket> {
        let waiters = Arc::new(Waiters::default());
        core.set_waker(waiters.clone());
        Arc::new(SharedSocket {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            socket_type: core.socket_type(),
            core: parking_lot::Mutex::new(core),
            waiters,
            io: OnceLock::new(),
            inline: OnceLock::new(),
            terminated: AtomicBool::new(false),
            send_latency: LatencySamples::default(),
            recv_latency: LatencySamples::default(),
            events: Mutex::new(Events::default()),
            peer_addrs: Mutex::new(HashMap::new()),
        })
    }

    /// Sampled latencies of the send path: the application's `send` to the
    /// I/O thread encoding the message for the kernel.
    pub fn send_latency(&self) -> &LatencySamples {
        &self.send_latency
    }

    /// Sampled latencies of the receive path: the transport delivering the
    /// message to the socket's queue to the application's `recv`.
    pub fn recv_latency(&self) -> &LatencySamples {
        &self.recv_latency
    }

    /// Records a connection event (bounded: the oldest unread one goes when
    /// [`EVENT_CAPACITY`] are waiting).
    pub fn push_event(
        &self,
        kind: ConnEventKind,
        endpoint: impl Into<String>,
        detail: impl Into<String>,
    ) {
        let ev = ConnEvent {
            at_ns: monotonic_ns(),
            kind,
            endpoint: endpoint.into(),
            detail: detail.into(),
        };
        let mut e = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if e.queue.len() >= EVENT_CAPACITY {
            e.queue.pop_front();
            e.dropped += 1;
        }
        e.queue.push_back(ev);
    }

    /// Takes the events recorded since the last call, oldest first, and how
    /// many were dropped unread since then.
    pub fn take_events(&self) -> (Vec<ConnEvent>, u64) {
        let mut e = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let dropped = std::mem::take(&mut e.dropped);
        (e.queue.drain(..).collect(), dropped)
    }

    /// Records the address of the peer behind `pipe`. `core` is the locked
    /// socket, used to forget the addresses of pipes that are gone (so the
    /// map stays as small as the socket's pipe list).
    pub fn set_peer_addr(&self, core: &Socket, pipe: PipeId, addr: String) {
        let mut m = self.peer_addrs.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= core.pipes().count() + 16 {
            m.retain(|p, _| core.pipe(*p).is_some());
        }
        m.insert(pipe, addr);
    }

    /// Forgets the address of the peer behind `pipe`.
    pub fn clear_peer_addr(&self, pipe: PipeId) {
        self.peer_addrs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&pipe);
    }

    /// The address of the peer behind `pipe`, if known.
    pub fn peer_addr(&self, pipe: PipeId) -> Option<String> {
        self.peer_addrs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&pipe)
            .cloned()
    }

    /// A process-unique id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The socket's type (read without the lock).
    pub fn socket_type(&self) -> SocketType {
        self.socket_type
    }

    /// Locks the core socket.
    #[inline]
    pub fn lock(&self) -> CoreGuard<'_> {
        // A lock that does not poison: a panic while holding it leaves the
        // core consistent enough to keep going (every core method is
        // all-or-nothing on a message).
        self.core.lock()
    }

    /// Assigns the I/O thread that serves this socket's connections (first
    /// bind or connect); later calls keep the first assignment.
    pub(crate) fn set_io(&self, io: Arc<IoShared>) -> &IoShared {
        self.io.get_or_init(|| io)
    }

    /// The serving I/O thread, if one was assigned.
    pub(crate) fn io(&self) -> Option<&IoShared> {
        self.io.get().map(|io| &**io)
    }

    /// Gives the socket its own engine (inline mode); its queue is then
    /// the socket's [`io`](Self::io), and its waiters block in it.
    pub(crate) fn set_inline(&self, inline: Arc<Inline>) -> &IoShared {
        let inline = self.inline.get_or_init(|| inline);
        let _ = self.waiters.inline.set(inline.io.clone());
        self.io.get_or_init(|| inline.io.clone())
    }

    /// The socket's own engine, in inline mode once it has one.
    pub(crate) fn inline(&self) -> Option<&Inline> {
        self.inline.get().map(|i| &**i)
    }

    /// Whether the socket's connections are driven by its callers
    /// (`RINGMQ_ENGINE=inline`) rather than by an I/O thread.
    pub fn is_inline(&self) -> bool {
        self.inline.get().is_some()
    }

    /// A send queued a message: in inline mode, write it (or coalesce it
    /// with the rest of a burst; see the engine's `inline` module). Call
    /// it without the core lock held.
    #[inline]
    pub fn sent(&self) {
        if let Some(i) = self.inline.get() {
            i.sent();
        }
    }

    /// In inline mode, turns the socket's engine once, waiting in the
    /// kernel for up to `max_wait` (`None`: until something comes). False
    /// if the socket is not inline or its engine has finished: then the
    /// caller parks instead.
    pub fn wait_inline(&self, max_wait: Option<std::time::Duration>) -> bool {
        self.inline.get().is_some_and(|i| i.wait(max_wait))
    }

    /// In inline mode, turns the socket's engine once without waiting:
    /// what was queued is sent, what arrived is taken in. Returns whether
    /// it did (false: not inline, nothing to do). Call it without the
    /// core lock held.
    #[inline]
    pub fn progress(&self) -> bool {
        match self.inline.get() {
            Some(i) => i.progress(),
            None => false,
        }
    }

    /// Wakes the threads blocked on this socket (after a change its pipes
    /// do not signal: a peer attached or detached).
    pub fn wake_waiters(&self) {
        self.waiters.wake_all();
    }

    /// Marks the socket's context as terminated: blocked and later calls
    /// return `ETERM`.
    pub fn terminate(&self) {
        self.terminated.store(true, Ordering::Release);
        self.wake_waiters();
    }

    /// True once the context was terminated.
    #[inline]
    pub fn is_terminated(&self) -> bool {
        self.terminated.load(Ordering::Acquire)
    }

    /// Registers the current thread to be woken by [`wake_waiters`] (and by
    /// the socket's pipes). Then, under the core lock, call
    /// `Socket::prepare_wait` before parking.
    ///
    /// [`wake_waiters`]: Self::wake_waiters
    pub fn register_waiter(&self) {
        self.waiters.register();
    }

    /// Undoes one [`register_waiter`](Self::register_waiter) of this thread.
    pub fn unregister_waiter(&self) {
        self.waiters.unregister();
    }

    /// Runs `attempt` on the locked socket until it returns `Some`, parking
    /// between tries until `wait` may have become possible; gives up with
    /// `Again` at `deadline`, `Terminated` when the context ends.
    ///
    /// # Errors
    /// `Again` on timeout, `Terminated` after [`terminate`](Self::terminate).
    pub fn block_on<T>(
        &self,
        wait: Wait,
        deadline: Option<Instant>,
        mut attempt: impl FnMut(&mut Socket) -> Option<T>,
    ) -> Result<T, Error> {
        loop {
            if self.is_terminated() {
                return Err(Error::Terminated);
            }
            {
                let mut core = self.lock();
                if let Some(v) = attempt(&mut core) {
                    return Ok(v);
                }
                self.register_waiter();
                if !core.prepare_wait(wait == Wait::Recv, wait == Wait::Send) {
                    // It became possible meanwhile: try again at once.
                    drop(core);
                    self.unregister_waiter();
                    continue;
                }
            }
            let now = Instant::now();
            let left = deadline.map(|d| d.saturating_duration_since(now));
            // Inline: wait in the socket's own engine, which is where what
            // it waits for comes from (other sources notify its eventfd).
            let turned = match (self.inline.get(), left) {
                (Some(i), Some(l)) if !l.is_zero() => i.wait(Some(l)),
                (Some(i), None) => i.wait(None),
                _ => false,
            };
            if !turned {
                match left {
                    Some(l) if !l.is_zero() => std::thread::park_timeout(l),
                    Some(_) => {}
                    None => std::thread::park(),
                }
            }
            self.unregister_waiter();
            if deadline.is_some_and(|d| Instant::now() >= d) {
                // One last try, so a wake-up at the deadline is not lost.
                if self.is_terminated() {
                    return Err(Error::Terminated);
                }
                return attempt(&mut self.lock()).ok_or(Error::Again);
            }
        }
    }
}

impl std::fmt::Debug for SharedSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedSocket")
            .field("id", &self.id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampler_takes_the_first_then_one_in_n() {
        let mut s = Sampler::default();
        let picked: Vec<bool> = (0..9).map(|_| s.tick(4)).collect();
        assert_eq!(
            picked,
            [true, false, false, false, true, false, false, false, true]
        );
        assert!(!Sampler::default().tick(0));
        let mut every = Sampler::default();
        assert!((0..5).all(|_| every.tick(1)));
    }

    #[test]
    fn sample_interval_from_the_environment() {
        assert_eq!(parse_sample_interval(None), DEFAULT_SAMPLE_INTERVAL);
        assert_eq!(parse_sample_interval(Some("0")), 0);
        assert_eq!(parse_sample_interval(Some("off")), 0);
        assert_eq!(parse_sample_interval(Some("1")), 1);
        assert_eq!(parse_sample_interval(Some(" 128 ")), 128);
        assert_eq!(parse_sample_interval(Some("fast")), DEFAULT_SAMPLE_INTERVAL);
    }

    #[test]
    fn latency_ring_keeps_the_latest_samples() {
        let r = LatencySamples::default();
        let mut cursor = 0;
        let mut got = Vec::new();
        assert_eq!(r.drain(&mut cursor, |v| got.push(v)), 0);
        assert!(got.is_empty());
        for v in 1..=3 {
            r.push(v);
        }
        assert_eq!(r.drain(&mut cursor, |v| got.push(v)), 0);
        assert_eq!(got, [1, 2, 3]);
        got.clear();
        let n = LatencySamples::CAPACITY as u64 + 10;
        for v in 0..n {
            r.push(v);
        }
        assert_eq!(r.drain(&mut cursor, |v| got.push(v)), 10);
        assert_eq!(got.len(), LatencySamples::CAPACITY);
        assert_eq!(got[0], 10);
        assert_eq!(*got.last().unwrap(), n - 1);
        assert_eq!(r.total(), n + 3);
    }

    #[test]
    fn events_are_bounded_and_taken_once() {
        let s = SharedSocket::new(Socket::new(ringmq_core::SocketType::Pub));
        for i in 0..EVENT_CAPACITY + 3 {
            s.push_event(ConnEventKind::Accepted, format!("peer{i}"), "");
        }
        let (evs, dropped) = s.take_events();
        assert_eq!((evs.len(), dropped), (EVENT_CAPACITY, 3));
        assert_eq!(evs[0].endpoint, "peer3");
        assert_eq!(evs[0].kind.as_str(), "accepted");
        assert_eq!(s.take_events(), (Vec::new(), 0));
    }
}
