//! One end of a pipe and the lock-free queues between two ends (see the
//! parent module's docs for the design).

use super::{low_water_mark, Keep};
use crate::Multipart;
use crossbeam_queue::SegQueue;
use crossbeam_utils::CachePadded;
use rtrb::{Consumer, Producer, RingBuffer};
use std::cell::Cell;
use std::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Who serves an end: told when its queue has input after it went idle, or
/// room after it waited. Called from the other end's thread.
pub trait Notify: Send + Sync {
    /// The end's inbound queue has input (or the other end closed).
    fn input(&self);
    /// The end's outbound queue has room again.
    fn room(&self);
}

/// Slots of a queue's first ring; each replacement doubles it.
pub(super) const FIRST_RING: usize = 32;

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
    notify: [OnceLock<Arc<dyn Notify>>; 2],
    /// End `i` has closed: it writes and reads no more.
    closed: [AtomicBool; 2],
}

/// One end of a pipe: writes its own half, reads the other's. Owned by one
/// thread at a time (it is `Send`, not shared).
pub struct End {
    shared: Arc<Shared>,
    /// The half this end writes (the other end's `in_half`).
    out_half: Arc<Half>,
    /// The half this end reads.
    in_half: Arc<Half>,
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
        notify: [OnceLock::new(), OnceLock::new()],
        closed: [AtomicBool::new(false), AtomicBool::new(false)],
    });
    // Each end holds both halves itself: one load reaches either.
    let (a_out, b_out) = (Arc::new(Half::new(a_to_b)), Arc::new(Half::new(b_to_a)));
    let (tx_a, rx_b) = RingBuffer::new(FIRST_RING);
    let (tx_b, rx_a) = RingBuffer::new(FIRST_RING);
    let a = End {
        shared: shared.clone(),
        out_half: a_out.clone(),
        in_half: b_out.clone(),
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
        out_half: b_out,
        in_half: a_out,
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
    /// Slots of the ring this end writes now.
    #[cfg(test)]
    pub(super) fn out_ring_capacity(&self) -> usize {
        self.tx.buffer().capacity()
    }
    /// This end's index in the shared arrays (masked, so that indexing
    /// needs no bounds check).
    #[inline]
    fn mine(&self) -> usize {
        self.side & 1
    }

    /// The other end's index.
    #[inline]
    fn theirs(&self) -> usize {
        (self.side ^ 1) & 1
    }

    #[inline]
    fn out(&self) -> &Half {
        &self.out_half
    }

    #[inline]
    fn inb(&self) -> &Half {
        &self.in_half
    }

    /// Sets who is told about this end's input and room. Once per end; the
    /// first setting stays. Set it before the other end can write.
    pub fn set_notify(&self, n: Arc<dyn Notify>) {
        let _ = self.shared.notify[self.mine()].set(n);
    }

    fn tell_peer_input(&self) {
        if let Some(n) = self.shared.notify[self.theirs()].get() {
            n.input();
        }
    }

    fn tell_peer_room(&self) {
        if let Some(n) = self.shared.notify[self.theirs()].get() {
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
        let out = &*self.out_half;
        out.written.store(self.written, Ordering::Release);
    }

    /// The send path's form of [`write`](Self::write) and
    /// [`flush`](Self::flush) together: takes the message out of `msg` (left
    /// empty), publishes it, tells the reader if it went idle, and returns
    /// whether the queue still has room below its high-water mark.
    #[inline(always)]
    pub fn send_from(&mut self, msg: &mut Multipart) -> bool {
        self.write(std::mem::take(msg));
        self.flush();
        self.has_room()
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
        match self.rx.pop() {
            Ok(m) => Some(m),
            Err(_) => self.pop_next_ring(),
        }
    }

    /// `rx` is empty: moves on to the ring the writer replaced it with, if
    /// it did. Out of line: once per ring, plus every look at an empty queue.
    #[inline(never)]
    fn pop_next_ring(&mut self) -> Option<Multipart> {
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
                    self.rx_next = Some(self.in_half.next.pop()?);
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
        let inb = &*self.in_half;
        if self.consumed >= inb.limit.load(Ordering::Relaxed) {
            while self.pop().is_some() {}
            return None;
        }
        let m = self.pop()?;
        self.consumed += 1;
        Some(m)
    }

    /// [`read`](Self::read) into `out` (its old value is dropped): the
    /// receive path's form, which moves the message from the ring slot to
    /// where the caller keeps it without a stop in between.
    #[inline]
    pub fn read_into(&mut self, out: &mut Multipart) -> bool {
        // Written out rather than over `read`: through its `Option` the
        // message takes one more copy (12 instructions a message).
        let inb = &*self.in_half;
        if self.consumed >= inb.limit.load(Ordering::Relaxed) {
            while self.pop().is_some() {}
            return false;
        }
        // The two sources written apart: merged, the message takes one
        // more copy on its way (10 instructions a message).
        if let Ok(m) = self.rx.pop() {
            *out = m;
        } else if !self.next_ring_into(out) {
            return false;
        }
        self.consumed += 1;
        true
    }

    /// [`read_into`](Self::read_into)'s way across a ring change.
    #[inline(never)]
    fn next_ring_into(&mut self, out: &mut Multipart) -> bool {
        match self.pop_next_ring() {
            Some(m) => {
                *out = m;
                true
            }
            None => false,
        }
    }

    /// Publishes what was read: the writer learns of the room, and is told
    /// if it waits and the queue is down to the low-water mark. One store,
    /// one fence and one load when nobody waits.
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
        // Pairs with the fence in `wait_for_room`: either the writer sees
        // this room when it checks again, or this sees it waiting. Without
        // it the load may pass the store (x86's store buffer does exactly
        // that) and a reader that never goes idle — one reading the ring
        // directly — and a writer at its HWM could both park for good.
        fence(Ordering::SeqCst);
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
        self.shared.closed[self.mine()].store(true, Ordering::Release);
        let out = self.out();
        fence(Ordering::SeqCst);
        out.reader_awake.store(true, Ordering::Relaxed);
        self.tell_peer_input();
        self.tell_peer_room();
    }

    /// True once the other end closed.
    pub fn peer_closed(&self) -> bool {
        self.shared.closed[self.theirs()].load(Ordering::Acquire)
    }

    /// True once this end closed.
    pub fn is_closed(&self) -> bool {
        self.shared.closed[self.mine()].load(Ordering::Acquire)
    }
}
