//! Pipes: the bounded message queues between a socket and one peer.
//!
//! A pipe has two directions. `out` holds messages the socket routed to the
//! peer and the transport has not taken yet; `inb` holds whole messages the
//! transport decoded from the peer and the application has not received yet.
//! Both are bounded by a high-water mark counted in messages: a multipart
//! message counts once, and only whole messages ever enter a queue.

use crate::{Multipart, SocketType};
use bytes::Bytes;
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
/// limit flips between mute and writable on every message the reader takes.
/// For small marks half the queue is a good hysteresis; for large ones a
/// fixed headroom of 1024 messages keeps a fast writer from idling while the
/// queue drains a long way.
pub fn low_water_mark(hwm: usize) -> usize {
    const MAX_DELTA: usize = 1024;
    if hwm > 2 * MAX_DELTA {
        hwm - MAX_DELTA
    } else {
        hwm.div_ceil(2)
    }
}

/// One peer's queues.
#[derive(Debug)]
pub struct Pipe {
    id: PipeId,
    peer: PeerMeta,
    /// The identity a ROUTER uses to address this peer (assigned at attach).
    routing_id: Bytes,
    out: VecDeque<Multipart>,
    out_hwm: usize,
    out_lwm: usize,
    /// Mute: `out` reached `out_hwm` and has not yet drained to `out_lwm`.
    /// Invariant: `out_hwm > 0` whenever this is true.
    out_muted: bool,
    inb: VecDeque<Multipart>,
    in_hwm: usize,
    /// The peer is gone: nothing more is routed to it, but the messages it
    /// sent before leaving can still be received.
    closed: bool,
    stats: PipeStats,
}

impl Pipe {
    fn new(id: PipeId, peer: PeerMeta, sndhwm: usize, rcvhwm: usize) -> Self {
        Pipe {
            id,
            routing_id: peer.identity.clone(),
            peer,
            out: VecDeque::new(),
            out_hwm: sndhwm,
            out_lwm: low_water_mark(sndhwm),
            out_muted: false,
            inb: VecDeque::new(),
            in_hwm: rcvhwm,
            closed: false,
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
    pub fn is_writable(&self) -> bool {
        !self.closed && !self.out_muted
    }

    /// True if the pipe is in the mute state (its high-water mark reached).
    pub fn is_muted(&self) -> bool {
        self.out_muted
    }

    /// True once the peer has gone.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The peer has gone: discard what was queued towards it; what it sent
    /// stays readable.
    pub(crate) fn close(&mut self) {
        self.closed = true;
        self.out.clear();
        self.out_muted = false;
    }

    /// Messages waiting for the transport.
    pub fn out_len(&self) -> usize {
        self.out.len()
    }

    /// Messages waiting for the application.
    pub fn in_len(&self) -> usize {
        self.inb.len()
    }

    /// The outbound high-water mark (0: none).
    pub fn sndhwm(&self) -> usize {
        self.out_hwm
    }

    /// The inbound high-water mark (0: none).
    pub fn rcvhwm(&self) -> usize {
        self.in_hwm
    }

    /// Queues a message towards the peer. The caller has checked
    /// [`is_writable`](Self::is_writable).
    pub(crate) fn write(&mut self, msg: Multipart) {
        debug_assert!(self.is_writable());
        self.stats.msgs_out += 1;
        self.stats.bytes_out += msg.byte_len() as u64;
        self.out.push_back(msg);
        if self.out_hwm > 0 && self.out.len() >= self.out_hwm {
            self.out_muted = true;
        }
    }

    /// Queues a message towards the peer whatever the high-water mark says:
    /// for subscriptions replayed to a new peer, which must not be lost.
    pub(crate) fn write_forced(&mut self, msg: Multipart) {
        self.out.push_back(msg);
    }

    /// Counts a message dropped at this pipe's high-water mark.
    pub(crate) fn count_hwm_drop(&mut self) {
        self.stats.drops_hwm += 1;
    }

    /// Takes the next message for the transport to send.
    pub fn pop_outbound(&mut self) -> Option<Multipart> {
        let msg = self.out.pop_front()?;
        if self.out_muted && self.out.len() <= self.out_lwm {
            self.out_muted = false;
        }
        Some(msg)
    }

    /// True if the transport may hand over another message from the peer.
    pub fn can_push_inbound(&self) -> bool {
        self.in_hwm == 0 || self.inb.len() < self.in_hwm
    }

    /// Queues a message received from the peer.
    pub(crate) fn push_inbound(&mut self, msg: Multipart) {
        self.stats.msgs_in += 1;
        self.stats.bytes_in += msg.byte_len() as u64;
        self.inb.push_back(msg);
    }

    /// Takes the next message for the application.
    pub(crate) fn read(&mut self) -> Option<Multipart> {
        self.inb.pop_front()
    }

    /// Keeps only the inbound messages `keep` accepts; returns how many went.
    pub(crate) fn retain_inbound(&mut self, mut keep: impl FnMut(&Multipart) -> bool) -> usize {
        let before = self.inb.len();
        self.inb.retain(|m| keep(m));
        before - self.inb.len()
    }

    /// True if a message from the peer is waiting.
    pub fn has_inbound(&self) -> bool {
        !self.inb.is_empty()
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
    /// Creates a pipe for a new peer.
    pub(crate) fn insert(&mut self, peer: PeerMeta, sndhwm: usize, rcvhwm: usize) -> PipeId {
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
        slot.pipe = Some(Pipe::new(id, peer, sndhwm, rcvhwm));
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
    pub fn get(&self, id: PipeId) -> Option<&Pipe> {
        let slot = self.slots.get(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.pipe.as_ref()
    }

    /// The pipe with this id, mutably.
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

    fn peer() -> PeerMeta {
        PeerMeta {
            socket_type: SocketType::Pull,
            identity: Bytes::new(),
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
        let id = pipes.insert(peer(), 4, 0);
        let p = pipes.get_mut(id).unwrap();
        for _ in 0..4 {
            assert!(p.is_writable());
            p.write(Multipart::single("m"));
        }
        assert!(p.is_muted());
        p.pop_outbound();
        assert!(p.is_muted(), "one free slot is not enough: hysteresis");
        p.pop_outbound();
        assert!(!p.is_muted(), "drained to the low-water mark (2)");
    }

    #[test]
    fn hwm_zero_is_unbounded() {
        let mut pipes = Pipes::default();
        let id = pipes.insert(peer(), 0, 0);
        let p = pipes.get_mut(id).unwrap();
        for _ in 0..10_000 {
            p.write(Multipart::single("m"));
        }
        assert!(p.is_writable());
        assert!(p.can_push_inbound());
    }

    #[test]
    fn stale_ids_miss() {
        let mut pipes = Pipes::default();
        let a = pipes.insert(peer(), 1, 1);
        assert!(pipes.remove(a).is_some());
        let b = pipes.insert(peer(), 1, 1);
        assert_ne!(a, b);
        assert!(pipes.get(a).is_none());
        assert!(pipes.get(b).is_some());
        assert_eq!(pipes.len(), 1);
    }
}
