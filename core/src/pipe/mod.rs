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

mod end;
#[cfg(test)]
mod tests;

pub use end::{pair, End, Notify};

use crate::{Multipart, SocketType};
use bytes::Bytes;
use std::cell::Cell;
use std::collections::VecDeque;

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
    pub(crate) fn write(&mut self, mut msg: Multipart) {
        self.write_from(&mut msg);
    }

    /// [`write`](Self::write) from where the caller keeps the message (left
    /// empty): the send path's form.
    #[inline(always)]
    pub(crate) fn write_from(&mut self, msg: &mut Multipart) {
        debug_assert!(self.is_writable());
        self.stats.msgs_out += 1;
        self.stats.bytes_out += msg.byte_len() as u64;
        if !self.end.send_from(msg) {
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

    /// Takes the next message for the application into `out` (its old value
    /// is dropped).
    #[inline]
    pub(crate) fn read_into(&mut self, out: &mut Multipart) -> bool {
        if let Some(m) = self.inb.pop_front() {
            *out = m;
        } else if self.direct && self.end.read_into(out) {
            self.stats.msgs_in += 1;
            self.stats.bytes_in += out.byte_len() as u64;
        } else {
            return false;
        }
        self.release();
        true
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
