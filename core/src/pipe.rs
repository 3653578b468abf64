//! Pipes: the bounded message queues between a socket and one peer.
//!
//! A pipe joins two *ends*. One belongs to a socket (its [`Pipe`]); the
//! other to whoever serves the peer: a connection of the I/O engine, the
//! in-memory harness, or — for inproc — another socket. Each end may live on
//! its own thread. Between them run two lock-free queues, one each way
//! ([`Half`]): an end writes one and reads the other, so each queue has one
//! producer and one consumer and no lock is taken per message.
//!
//! A queue is a single-producer/single-consumer ring (`rtrb`): a write or a
//! read is a store and a load or two, and nothing is allocated per message.
//! A ring that fills up is not waited on — the high-water mark is this
//! module's business, not the ring's — but replaced by one twice its size;
//! the old ring goes to the reader (through [`Half::next`]), which drains it
//! before moving on, so order is kept. A queue so grows to the depth its
//! traffic needs (at most about its HWM, unless the HWM is 0 or a message
//! is forced past it) and then never allocates again.
//!
//! Both directions are bounded by a high-water mark counted in messages: a
//! multipart message counts once, and only whole messages ever enter a
//! queue. The writer counts what it wrote, the reader what it consumed; the
//! difference is the queue's depth, exact at every instant for the side that
//! owns the counter it reads last.
//!
//! Wake-ups, libzmq's `ypipe` protocol: a reader that finds its queue empty
//! goes *idle* (clears `reader_awake`, then checks once more); a writer tells
//! the reader's [`Notify`] only when it finds the reader idle, so a stream
//! to a busy reader costs no wake-up at all. Likewise a writer that finds
//! the queue full sets `writer_waiting` and checks once more, and the reader
//! wakes it only once it has drained to the low-water mark.

use crate::{Multipart, SocketType};
use bytes::Bytes;
use crossbeam_queue::SegQueue;
use crossbeam_utils::CachePadded;
use rtrb::{Consumer, Producer, RingBuffer};
use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Identifies one pipe of a socket. Ids are not reused while the socket
/// lives (a generation counter makes a stale id miss), so a reply routed to a
/// requester that has gone is discarded rather than misdelivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PipeId {
    index: u32,
    generation: u32,
}

/// What the socket knows about the peer at the other end of a pipe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerMeta {
    /// The peer's socket type, from its READY command.
    pub socket_type: SocketType,
    /// The peer's announced identity (may be empty).
    pub identity: Bytes,
}

/// Per-pipe counters, read by the inspector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PipeStats {
    /// Messages the socket queued towards the peer.
    pub msgs_out: u64,
    /// Payload bytes the socket queued towards the peer.
    pub bytes_out: u64,
    /// Messages received from the peer.
    pub msgs_in: u64,
    /// Payload bytes received from the peer.
    pub bytes_in: u64,
    /// Messages dropped because this pipe was at its high-water mark.
    pub drops_hwm: u64,
}

/// The low-water mark for a high-water mark.
///
/// A mute pipe becomes writable again only once its queue has drained to the
/// low-water mark, not as soon as one slot frees: otherwise a writer at the
/// limit flips between mute and writable on every message the reader takes
/// (and, across threads, is woken for every one). For small marks half the
/// queue is a good hysteresis; for large ones a fixed headroom of 1024
/// messages keeps a fast writer from idling while the queue drains a long way.
pub fn low_water_mark(hwm: usize) -> usize {
    const MAX_DELTA: usize = 1024;
    if hwm > 2 * MAX_DELTA {
        hwm - MAX_DELTA
    } else {
        hwm.div_ceil(2)
    }
}

/// What a closing end leaves the reader of what it wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Everything (linger: the reader takes it at its pace).
    All,
    /// Only what the reader's own receive high-water mark holds (linger 0:
    /// what "reached the peer").
    ReaderShare,
    /// Nothing (the reader is gone too).
    Nothing,
}

/// Who serves an end: told when its queue has input after it went idle, or
/// room after it waited. Called from the other end's thread.
pub trait Notify: Send + Sync {
    /// The end's inbound queue has input (or the other end closed).
    fn input(&self);
    /// The end's outbound queue has room again.
    fn room(&self);
}

/// Slots of a queue's first ring; each replacement doubles it.
const FIRST_RING: usize = 32;

/// One direction of a pipe: a queue with one writer and one reader. The
/// rings themselves live in the ends (the writer's [`Producer`], the
/// reader's [`Consumer`]); this is what both ends share.
struct Half {
    /// Rings the writer moved away from, oldest first, for the reader to
    /// take once it has drained the one it reads. Touched once per ring.
    next: SegQueue<Consumer<Multipart>>,
    /// Messages ever written. Written by the writer only.
    written: CachePadded<AtomicU64>,
    /// Messages ever consumed. Written by the reader only.
    /// Invariant: `consumed <= written`.
    consumed: CachePadded<AtomicU64>,
    /// The high-water mark (0: none); `lwm` its low-water mark.
    hwm: AtomicUsize,
    lwm: AtomicUsize,
    /// The reader was told of input and has not gone idle since.
    reader_awake: AtomicBool,
    /// The writer found the queue full and waits to hear of room.
    writer_waiting: AtomicBool,
    /// Messages the reader may still take after the writer closed with
    /// linger 0 (`u64::MAX`: all of them), counted like `consumed`.
    limit: AtomicU64,
    /// The reader's own share of `hwm` (its receive high-water mark): what
    /// a writer closing with linger 0 leaves it (0: all).
    reader_share: AtomicUsize,
}

impl Half {
    fn new(hwm: usize) -> Half {
        Half {
            next: SegQueue::new(),
            written: CachePadded::new(AtomicU64::new(0)),
            consumed: CachePadded::new(AtomicU64::new(0)),
            hwm: AtomicUsize::new(hwm),
            lwm: AtomicUsize::new(low_water_mark(hwm)),
            reader_awake: AtomicBool::new(false),
            writer_waiting: AtomicBool::new(false),
            limit: AtomicU64::new(u64::MAX),
            reader_share: AtomicUsize::new(0),
        }
    }

    fn set_hwm(&self, hwm: usize) {
        self.hwm.store(hwm, Ordering::Relaxed);
        self.lwm.store(low_water_mark(hwm), Ordering::Relaxed);
    }

    fn depth(&self) -> usize {
        let w = self.written.load(Ordering::Acquire);
        let c = self.consumed.load(Ordering::Acquire);
        w.saturating_sub(c) as usize
    }
}

/// What both ends share.
struct Shared {
    /// `halves[i]` is written by end `i` and read by end `1 - i`.
    halves: [Half; 2],
    notify: [OnceLock<Arc<dyn Notify>>; 2],
    /// End `i` has closed: it writes and reads no more.
    closed: [AtomicBool; 2],
}

/// One end of a pipe: writes its own half, reads the other's. Owned by one
/// thread at a time (it is `Send`, not shared).
pub struct End {
    shared: Arc<Shared>,
    side: usize,
    /// The ring this end writes (its half's newest).
    tx: Producer<Multipart>,
    /// The ring this end reads (the other half's oldest not drained).
    rx: Consumer<Multipart>,
    /// Taken from `Half::next`: read once `rx` is drained.
    rx_next: Option<Consumer<Multipart>>,
    /// Messages this end took from its inbound queue (its consumed counter
    /// lives in the shared half; this is its own copy, to count without
    /// reading back).
    consumed: u64,
    /// Messages written, likewise.
    written: u64,
    /// The other end's `consumed` of this end's output, as last loaded: a
    /// lower bound, so `written - seen` over-counts the depth and
    /// [`has_room`](Self::has_room) loads the real counter (a cache line
    /// the reader writes) only when the bound says the queue may be full.
    seen_consumed: Cell<u64>,
}

impl std::fmt::Debug for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("End")
            .field("side", &self.side)
            .field("written", &self.written)
            .field("consumed", &self.consumed)
            .finish_non_exhaustive()
    }
}

/// Creates a pipe: `(a, b)`, where `a` writes towards `b` with high-water
/// mark `a_to_b` and `b` towards `a` with `b_to_a` (0: no limit).
pub fn pair(a_to_b: usize, b_to_a: usize) -> (End, End) {
    let shared = Arc::new(Shared {
        halves: [Half::new(a_to_b), Half::new(b_to_a)],
        notify: [OnceLock::new(), OnceLock::new()],
        closed: [AtomicBool::new(false), AtomicBool::new(false)],
    });
    let (tx_a, rx_b) = RingBuffer::new(FIRST_RING);
    let (tx_b, rx_a) = RingBuffer::new(FIRST_RING);
    let a = End {
        shared: shared.clone(),
        side: 0,
        tx: tx_a,
        rx: rx_a,
        rx_next: None,
        consumed: 0,
        written: 0,
        seen_consumed: Cell::new(0),
    };
    let b = End {
        shared,
        side: 1,
        tx: tx_b,
        rx: rx_b,
        rx_next: None,
        consumed: 0,
        written: 0,
        seen_consumed: Cell::new(0),
    };
    (a, b)
}

impl End {
    #[inline]
    fn out(&self) -> &Half {
        &self.shared.halves[self.side]
    }

    #[inline]
    fn inb(&self) -> &Half {
        &self.shared.halves[1 - self.side]
    }

    /// Sets who is told about this end's input and room. Once per end; the
    /// first setting stays. Set it before the other end can write.
    pub fn set_notify(&self, n: Arc<dyn Notify>) {
        let _ = self.shared.notify[self.side].set(n);
    }

    fn tell_peer_input(&self) {
        if let Some(n) = self.shared.notify[1 - self.side].get() {
            n.input();
        }
    }

    fn tell_peer_room(&self) {
        if let Some(n) = self.shared.notify[1 - self.side].get() {
            n.room();
        }
    }

    /// The high-water mark of what this end writes (0: none).
    pub fn out_hwm(&self) -> usize {
        self.out().hwm.load(Ordering::Relaxed)
    }

    /// The high-water mark of what this end reads (0: none).
    pub fn in_hwm(&self) -> usize {
        self.inb().hwm.load(Ordering::Relaxed)
    }

    /// Sets both high-water marks (an adopting inproc socket adds its own).
    pub fn set_hwms(&self, out: usize, inb: usize) {
        self.out().set_hwm(out);
        self.inb().set_hwm(inb);
    }

    /// Records this end's own receive high-water mark (see [`Keep`]).
    pub fn set_reader_share(&self, rcvhwm: usize) {
        self.inb().reader_share.store(rcvhwm, Ordering::Relaxed);
    }

    /// Messages written by this end and not yet consumed by the other.
    pub fn out_len(&self) -> usize {
        let c = self.out().consumed.load(Ordering::Acquire);
        self.written.saturating_sub(c) as usize
    }

    /// Messages written by the other end and not yet consumed by this one.
    pub fn in_len(&self) -> usize {
        let w = self.inb().written.load(Ordering::Acquire);
        w.saturating_sub(self.consumed) as usize
    }

    /// True if the outbound queue is below its high-water mark.
    #[inline]
    pub fn has_room(&self) -> bool {
        let hwm = self.out_hwm() as u64;
        if hwm == 0 || self.written - self.seen_consumed.get() < hwm {
            return true;
        }
        let c = self.out().consumed.load(Ordering::Acquire);
        self.seen_consumed.set(c);
        self.written.saturating_sub(c) < hwm
    }

    /// True if the outbound queue has drained to its low-water mark (and
    /// below its high-water mark: for a mark of 1 the two are equal).
    pub fn at_low_water(&self) -> bool {
        let len = self.out_len();
        let out = self.out();
        len <= out.lwm.load(Ordering::Relaxed) && len < out.hwm.load(Ordering::Relaxed).max(1)
    }

    /// Queues a message for the other end whatever the high-water mark
    /// says. Call [`flush`](Self::flush) after a batch.
    #[inline]
    pub fn write(&mut self, msg: Multipart) {
        if let Err(rtrb::PushError::Full(msg)) = self.tx.push(msg) {
            self.grow(msg);
        }
        self.written += 1;
        let out = &self.shared.halves[self.side];
        out.written.store(self.written, Ordering::Release);
    }

    /// The ring is full: writes `msg` to a new one twice its size and hands
    /// the old one to the reader.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, msg: Multipart) {
        let (mut tx, rx) = RingBuffer::new(self.tx.buffer().capacity() * 2);
        if tx.push(msg).is_err() {
            unreachable!("a new ring has room");
        }
        // Every write to the old ring happened before this push, so the
        // reader that takes `rx` sees them all (and drains the old first).
        let old = std::mem::replace(&mut self.tx, tx);
        self.out().next.push(rx);
        drop(old);
    }

    /// The next message of the inbound queue, across ring changes.
    #[inline]
    fn pop(&mut self) -> Option<Multipart> {
        loop {
            if let Ok(m) = self.rx.pop() {
                return Some(m);
            }
            match self.rx_next.take() {
                // `rx` is drained: everything written to it was visible
                // once its successor was taken (see below).
                Some(next) => self.rx = next,
                None => {
                    // Taking the successor makes every write to `rx` visible:
                    // look at `rx` once more before moving on.
                    self.rx_next = Some(self.shared.halves[1 - self.side].next.pop()?);
                }
            }
        }
    }

    /// Publishes what was written: tells the reader if it went idle. One
    /// fence per batch.
    #[inline]
    pub fn flush(&self) {
        let out = self.out();
        // Pairs with the fence in `idle`: either the reader sees the
        // messages when it checks again, or this sees it idle.
        fence(Ordering::SeqCst);
        if !out.reader_awake.load(Ordering::Relaxed)
            && !out.reader_awake.swap(true, Ordering::AcqRel)
        {
            self.tell_peer_input();
        }
    }

    /// Takes the next inbound message, if any (and, after the other end
    /// closed with linger 0, only those it left for this end).
    #[inline]
    pub fn read(&mut self) -> Option<Multipart> {
        let inb = &self.shared.halves[1 - self.side];
        if self.consumed >= inb.limit.load(Ordering::Relaxed) {
            while self.pop().is_some() {}
            return None;
        }
        let m = self.pop()?;
        self.consumed += 1;
        Some(m)
    }

    /// Publishes what was read: the writer learns of the room, and is told
    /// if it waits and the queue is down to the low-water mark. Cheap when
    /// nobody waits (no fence: a writer about to wait checks again after
    /// its own fence, and [`idle`](Self::idle) fences for this side).
    #[inline]
    pub fn release(&self) {
        self.release_keeping(0);
    }

    /// [`release`](Self::release), except that the last `held` messages
    /// read still count against the high-water mark (a socket holds them
    /// for its application).
    #[inline]
    pub fn release_keeping(&self, held: usize) {
        let inb = self.inb();
        inb.consumed
            .store(self.consumed - held as u64, Ordering::Release);
        if inb.writer_waiting.load(Ordering::Relaxed) {
            self.wake_writer_if_room();
        }
    }

    #[cold]
    fn wake_writer_if_room(&self) {
        let inb = self.inb();
        let depth = inb.depth();
        let at_low_water = depth <= inb.lwm.load(Ordering::Relaxed)
            && depth < inb.hwm.load(Ordering::Relaxed).max(1);
        if at_low_water && inb.writer_waiting.swap(false, Ordering::AcqRel) {
            self.tell_peer_room();
        }
    }

    /// The reader found nothing: goes idle so that the next write tells it.
    /// Returns true if input arrived meanwhile (keep reading instead).
    pub fn idle(&self) -> bool {
        let inb = self.inb();
        inb.reader_awake.store(false, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        // A writer waiting for room that this side's `release` missed.
        if inb.writer_waiting.load(Ordering::Relaxed) {
            self.wake_writer_if_room();
        }
        if !self.has_input() {
            return false;
        }
        inb.reader_awake.store(true, Ordering::Relaxed);
        true
    }

    /// The writer found no room: asks to be told of it. Returns true if
    /// there is room already (write instead of waiting).
    pub fn wait_for_room(&self) -> bool {
        let out = self.out();
        out.writer_waiting.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if self.at_low_water() || self.peer_closed() {
            out.writer_waiting.store(false, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// True if an inbound message is waiting.
    pub fn has_input(&self) -> bool {
        !self.rx.is_empty() || self.rx_next.is_some() || !self.inb().next.is_empty()
    }

    /// This end is done: the other end is told (it sees
    /// [`peer_closed`](Self::peer_closed)); `keep` says what of this end's
    /// output it may still read.
    pub fn close(&self, keep: Keep) {
        let out = self.out();
        let c = out.consumed.load(Ordering::Acquire);
        match keep {
            Keep::All => {}
            Keep::Nothing => out.limit.store(c, Ordering::Relaxed),
            Keep::ReaderShare => match out.reader_share.load(Ordering::Relaxed) {
                0 => {}
                share => out.limit.store(c + share as u64, Ordering::Relaxed),
            },
        }
        self.shared.closed[self.side].store(true, Ordering::Release);
        let out = self.out();
        fence(Ordering::SeqCst);
        out.reader_awake.store(true, Ordering::Relaxed);
        self.tell_peer_input();
        self.tell_peer_room();
    }

    /// True once the other end closed.
    pub fn peer_closed(&self) -> bool {
        self.shared.closed[1 - self.side].load(Ordering::Acquire)
    }

    /// True once this end closed.
    pub fn is_closed(&self) -> bool {
        self.shared.closed[self.side].load(Ordering::Acquire)
    }
}

/// A socket's side of one pipe: its end, the peer's metadata, and the
/// messages already accepted from the peer but not yet received.
#[derive(Debug)]
pub struct Pipe {
    id: PipeId,
    peer: PeerMeta,
    /// The identity a ROUTER uses to address this peer (assigned at attach).
    routing_id: Bytes,
    end: End,
    /// Mute: the outbound queue reached its HWM and has not yet drained to
    /// its low-water mark. Re-evaluated when asked, as the reader drains on
    /// its own thread. Invariant: the HWM is non-zero whenever this is true.
    out_muted: Cell<bool>,
    /// Messages taken from the end that the socket type accepted and the
    /// application has not received yet. They still count against the
    /// peer's high-water mark until received.
    inb: VecDeque<Multipart>,
    /// The peer is gone: nothing more is routed to it, but the messages it
    /// sent before leaving can still be received.
    closed: bool,
    /// In the socket's list of pipes with input to take.
    pub(crate) awake: bool,
    /// The socket type takes every message as it comes: receives read the
    /// end's queue directly (after `inb`, which then stays empty).
    direct: bool,
    stats: PipeStats,
}

impl Pipe {
    fn new(id: PipeId, peer: PeerMeta, end: End) -> Self {
        Pipe {
            id,
            routing_id: peer.identity.clone(),
            peer,
            end,
            out_muted: Cell::new(false),
            inb: VecDeque::new(),
            closed: false,
            awake: false,
            direct: false,
            stats: PipeStats::default(),
        }
    }

    /// This pipe's id.
    pub fn id(&self) -> PipeId {
        self.id
    }

    /// The peer at the other end.
    pub fn peer(&self) -> &PeerMeta {
        &self.peer
    }

    /// The identity a ROUTER uses for this peer.
    pub fn routing_id(&self) -> &Bytes {
        &self.routing_id
    }

    pub(crate) fn set_routing_id(&mut self, id: Bytes) {
        self.routing_id = id;
    }

    /// Counters.
    pub fn stats(&self) -> &PipeStats {
        &self.stats
    }

    /// True if the socket may queue another message towards the peer.
    #[inline]
    pub fn is_writable(&self) -> bool {
        !self.closed && !self.is_muted()
    }

    /// True if the pipe is in the mute state (its high-water mark reached).
    #[inline]
    pub fn is_muted(&self) -> bool {
        if self.out_muted.get() && self.end.at_low_water() {
            self.out_muted.set(false);
        }
        self.out_muted.get()
    }

    /// True once the peer has gone.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The peer has gone (or the socket gave it up): nothing more goes to
    /// it; what it sent stays readable.
    pub(crate) fn close(&mut self) {
        self.closed = true;
        self.out_muted.set(false);
        if !self.end.is_closed() {
            // What was queued towards a gone peer is discarded.
            self.end.close(Keep::Nothing);
        }
    }

    /// Messages waiting for the transport.
    pub fn out_len(&self) -> usize {
        if self.closed {
            0
        } else {
            self.end.out_len()
        }
    }

    /// Messages waiting for the application (accepted or not yet looked at).
    pub fn in_len(&self) -> usize {
        self.end.in_len() + self.inb.len()
    }

    /// The outbound high-water mark (0: none).
    pub fn sndhwm(&self) -> usize {
        self.end.out_hwm()
    }

    /// The inbound high-water mark (0: none).
    pub fn rcvhwm(&self) -> usize {
        self.end.in_hwm()
    }

    /// Queues a message towards the peer. The caller has checked
    /// [`is_writable`](Self::is_writable).
    #[inline]
    pub(crate) fn write(&mut self, msg: Multipart) {
        debug_assert!(self.is_writable());
        self.stats.msgs_out += 1;
        self.stats.bytes_out += msg.byte_len() as u64;
        self.end.write(msg);
        self.end.flush();
        if !self.end.has_room() {
            self.out_muted.set(true);
        }
    }

    /// Queues a message towards the peer whatever the high-water mark says:
    /// for subscriptions replayed to a new peer, which must not be lost.
    pub(crate) fn write_forced(&mut self, msg: Multipart) {
        if self.closed {
            return;
        }
        self.end.write(msg);
        self.end.flush();
    }

    /// Counts a message dropped at this pipe's high-water mark.
    pub(crate) fn count_hwm_drop(&mut self) {
        self.stats.drops_hwm += 1;
    }

    /// Takes the next raw message from the peer, for the socket type to
    /// accept or discard ([`accepted`](Self::accepted) /
    /// [`discarded`](Self::discarded) say which).
    #[inline]
    pub(crate) fn take_arrival(&mut self) -> Option<Multipart> {
        let m = self.end.read()?;
        self.stats.msgs_in += 1;
        self.stats.bytes_in += m.byte_len() as u64;
        Some(m)
    }

    /// Queues a message received from the peer for the application.
    #[inline]
    pub(crate) fn push_inbound(&mut self, msg: Multipart) {
        self.inb.push_back(msg);
    }

    /// Tells the peer what was taken (after a batch of arrivals). Messages
    /// still queued for the application stay counted against its HWM.
    #[inline]
    pub(crate) fn release(&mut self) {
        self.end.release_keeping(self.inb.len());
    }

    /// Receives read the end's queue directly (see [`Behaviour::direct_input`]).
    ///
    /// [`Behaviour::direct_input`]: crate::socket
    pub(crate) fn set_direct(&mut self) {
        self.direct = true;
    }

    /// True if receives read the end's queue directly.
    #[inline]
    pub(crate) fn is_direct(&self) -> bool {
        self.direct
    }

    /// Takes the next message for the application.
    #[inline]
    pub(crate) fn read(&mut self) -> Option<Multipart> {
        let m = match self.inb.pop_front() {
            Some(m) => m,
            None if self.direct => self.take_arrival()?,
            None => return None,
        };
        self.release();
        Some(m)
    }

    /// Keeps only the inbound messages `keep` accepts; returns how many went.
    pub(crate) fn retain_inbound(&mut self, mut keep: impl FnMut(&Multipart) -> bool) -> usize {
        let before = self.inb.len();
        self.inb.retain(|m| keep(m));
        let gone = before - self.inb.len();
        if gone > 0 {
            self.release();
        }
        gone
    }

    /// True if a message from the peer is waiting for the application.
    #[inline]
    pub fn has_inbound(&self) -> bool {
        !self.inb.is_empty() || (self.direct && self.end.has_input())
    }

    /// True if the peer's end has input the socket has not taken yet.
    pub(crate) fn has_arrivals(&self) -> bool {
        self.end.has_input()
    }

    /// True once the peer's end closed (inproc: its socket closed or
    /// disconnected). What it left stays readable.
    pub(crate) fn peer_closed(&self) -> bool {
        self.end.peer_closed()
    }

    /// See [`End::idle`].
    pub(crate) fn idle(&mut self) -> bool {
        self.release();
        self.end.idle()
    }

    /// See [`End::wait_for_room`].
    pub(crate) fn wait_for_room(&self) -> bool {
        self.end.wait_for_room()
    }

    /// Gives up the pipe at close time; `keep` says what the peer may
    /// still take of what was queued for it.
    pub(crate) fn close_end(&mut self, keep: Keep) {
        if !self.end.is_closed() {
            self.end.close(keep);
        }
    }
}

/// All pipes of one socket: a slab indexed by [`PipeId`], so that finding a
/// pipe never hashes.
#[derive(Debug, Default)]
pub struct Pipes {
    slots: Vec<Slot>,
    /// Indices of empty slots, reused before the slab grows.
    free: Vec<u32>,
    live: usize,
}

#[derive(Debug)]
struct Slot {
    generation: u32,
    pipe: Option<Pipe>,
}

impl Pipes {
    /// The id the next [`insert`](Self::insert) will return.
    pub(crate) fn next_id(&self) -> PipeId {
        match self.free.last() {
            Some(&index) => PipeId {
                index,
                generation: self.slots[index as usize].generation,
            },
            None => PipeId {
                index: u32::try_from(self.slots.len()).expect("more than 2^32 pipes"),
                generation: 0,
            },
        }
    }

    /// Creates a pipe for a new peer behind `end`.
    pub(crate) fn insert(&mut self, peer: PeerMeta, end: End) -> PipeId {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    pipe: None,
                });
                u32::try_from(self.slots.len() - 1).expect("more than 2^32 pipes")
            }
        };
        let slot = &mut self.slots[index as usize];
        debug_assert!(slot.pipe.is_none());
        let id = PipeId {
            index,
            generation: slot.generation,
        };
        slot.pipe = Some(Pipe::new(id, peer, end));
        self.live += 1;
        id
    }

    /// Frees a pipe's slot; its id will never match again.
    pub(crate) fn remove(&mut self, id: PipeId) -> Option<Pipe> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let pipe = slot.pipe.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.index);
        self.live -= 1;
        Some(pipe)
    }

    /// The pipe with this id, if it still exists.
    #[inline]
    pub fn get(&self, id: PipeId) -> Option<&Pipe> {
        let slot = self.slots.get(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.pipe.as_ref()
    }

    /// The pipe with this id, mutably.
    #[inline]
    pub fn get_mut(&mut self, id: PipeId) -> Option<&mut Pipe> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.pipe.as_mut()
    }

    /// Every live pipe.
    pub fn iter(&self) -> impl Iterator<Item = &Pipe> {
        self.slots.iter().filter_map(|s| s.pipe.as_ref())
    }

    /// Every live pipe, mutably.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pipe> {
        self.slots.iter_mut().filter_map(|s| s.pipe.as_mut())
    }

    /// Number of live pipes (including closed ones still holding messages).
    pub fn len(&self) -> usize {
        self.live
    }

    /// True if there is no pipe.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn peer() -> PeerMeta {
        PeerMeta {
            socket_type: SocketType::Pull,
            identity: Bytes::new(),
        }
    }

    #[derive(Default)]
    struct Counts {
        input: AtomicUsize,
        room: AtomicUsize,
    }

    impl Notify for Counts {
        fn input(&self) {
            self.input.fetch_add(1, Ordering::Relaxed);
        }
        fn room(&self) {
            self.room.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn low_water_mark_matches_libzmq_shape() {
        assert_eq!(low_water_mark(0), 0);
        assert_eq!(low_water_mark(1), 1);
        assert_eq!(low_water_mark(10), 5);
        assert_eq!(low_water_mark(1000), 500);
        assert_eq!(low_water_mark(2048), 1024);
        assert_eq!(low_water_mark(10_000), 10_000 - 1024);
    }

    #[test]
    fn mute_until_low_water_mark() {
        let mut pipes = Pipes::default();
        let (a, mut b) = pair(4, 0);
        let id = pipes.insert(peer(), a);
        let p = pipes.get_mut(id).unwrap();
        for _ in 0..4 {
            assert!(p.is_writable());
            p.write(Multipart::single("m"));
        }
        assert!(p.is_muted());
        b.read().unwrap();
        b.release();
        assert!(p.is_muted(), "one free slot is not enough: hysteresis");
        b.read().unwrap();
        b.release();
        assert!(!p.is_muted(), "drained to the low-water mark (2)");
    }

    #[test]
    fn hwm_zero_is_unbounded() {
        let (mut a, b) = pair(0, 0);
        for _ in 0..10_000 {
            a.write(Multipart::single("m"));
        }
        assert!(a.has_room());
        assert!(b.has_room());
        assert_eq!(b.in_len(), 10_000);
    }

    #[test]
    fn the_reader_is_told_only_when_idle() {
        let (mut a, mut b) = pair(0, 0);
        let counts = Arc::new(Counts::default());
        b.set_notify(counts.clone());
        a.write(Multipart::single("1"));
        a.flush();
        a.write(Multipart::single("2"));
        a.flush();
        assert_eq!(counts.input.load(Ordering::Relaxed), 1, "told once: awake");
        assert!(b.read().is_some() && b.read().is_some() && b.read().is_none());
        assert!(!b.idle(), "nothing arrived meanwhile");
        a.write(Multipart::single("3"));
        a.flush();
        assert_eq!(counts.input.load(Ordering::Relaxed), 2, "idle: told again");
    }

    #[test]
    fn a_waiting_writer_is_told_at_the_low_water_mark() {
        let (mut a, mut b) = pair(4, 0);
        let counts = Arc::new(Counts::default());
        a.set_notify(counts.clone());
        for _ in 0..4 {
            a.write(Multipart::single("m"));
        }
        assert!(!a.has_room());
        assert!(!a.wait_for_room());
        b.read();
        b.release();
        assert_eq!(counts.room.load(Ordering::Relaxed), 0, "3 queued > lwm 2");
        b.read();
        b.release();
        assert_eq!(counts.room.load(Ordering::Relaxed), 1);
        assert!(a.wait_for_room(), "room now");
    }

    #[test]
    fn linger_zero_leaves_the_reader_its_own_share() {
        let (mut a, mut b) = pair(0, 0);
        for i in 0..10 {
            a.write(Multipart::single(Msg::from(format!("{i}"))));
        }
        b.set_reader_share(2);
        a.close(Keep::ReaderShare);
        assert!(b.peer_closed());
        assert_eq!(b.read().unwrap(), Multipart::single("0"));
        assert_eq!(b.read().unwrap(), Multipart::single("1"));
        assert!(b.read().is_none());
        assert!(!b.has_input(), "the rest was dropped");
    }

    #[test]
    fn across_threads_every_message_arrives_in_order() {
        let (mut a, mut b) = pair(64, 0);
        let writer = std::thread::spawn(move || {
            for i in 0..100_000u32 {
                while !a.has_room() {
                    std::hint::spin_loop();
                }
                a.write(Multipart::single(Msg::from(i.to_le_bytes().to_vec())));
                a.flush();
            }
        });
        let mut next = 0u32;
        while next < 100_000 {
            if let Some(m) = b.read() {
                assert_eq!(m.first().unwrap()[..], next.to_le_bytes());
                next += 1;
                b.release();
            } else {
                std::hint::spin_loop();
            }
        }
        writer.join().unwrap();
    }

    #[test]
    fn rings_grow_under_a_reader_without_reordering() {
        // No HWM: the writer never waits, so its ring is replaced many
        // times (32 slots, then 64, …) while the reader drains the old ones.
        let (mut a, mut b) = pair(0, 0);
        let writer = std::thread::spawn(move || {
            for i in 0..200_000u32 {
                a.write(Multipart::single(Msg::from(i.to_le_bytes().to_vec())));
                if i % 7 == 0 {
                    a.flush();
                }
            }
            a.flush();
            a
        });
        let mut next = 0u32;
        while next < 200_000 {
            match b.read() {
                Some(m) => {
                    assert_eq!(m.first().unwrap()[..], next.to_le_bytes());
                    next += 1;
                }
                None => std::hint::spin_loop(),
            }
        }
        let a = writer.join().unwrap();
        assert!(b.read().is_none() && !b.has_input());
        assert!(a.tx.buffer().capacity() > FIRST_RING, "the ring grew");
    }

    #[test]
    fn stale_ids_miss() {
        let mut pipes = Pipes::default();
        let a = pipes.insert(peer(), pair(1, 1).0);
        assert!(pipes.remove(a).is_some());
        let b = pipes.insert(peer(), pair(1, 1).0);
        assert_ne!(a, b);
        assert!(pipes.get(a).is_none());
        assert!(pipes.get(b).is_some());
        assert_eq!(pipes.len(), 1);
    }

    use crate::Msg;
}
