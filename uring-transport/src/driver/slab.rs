//! The table of operations the kernel has not finished with.
//!
//! Generic over what an operation holds: the io_uring driver's [`Op`]
//! (memory lent to the kernel), the epoll driver's own operation state.

use super::op::Op;
use super::OpId;

/// `user_data` of the driver's own cancel requests; their completions are not
/// reported. No slab entry can encode to it because the slab never holds
/// `u32::MAX` slots.
pub(super) const CANCEL_USER_DATA: u64 = u64::MAX;

/// One operation the kernel may still complete.
pub(super) struct InFlight<O = Op> {
    /// The caller's tag, echoed in every completion.
    pub(super) user: u64,
    /// What the operation lent the kernel; dropped only with the entry.
    pub(super) op: O,
    /// A cancel was already queued: a second one would only cost an SQE.
    pub(super) cancel_requested: bool,
}

struct Slot<O> {
    /// Bumped every time the slot is freed, so a stale `OpId` (or a stale CQE)
    /// never matches the slot's next occupant.
    generation: u32,
    entry: Option<InFlight<O>>,
}

/// Operations in flight, addressed by `OpId` = slot index | generation << 32.
pub(super) struct Slab<O = Op> {
    slots: Vec<Slot<O>>,
    /// Indices of slots whose `entry` is `None`.
    free: Vec<u32>,
    /// Number of slots whose `entry` is `Some`.
    live: usize,
}

impl<O> Default for Slab<O> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
}

impl<O> Slab<O> {
    pub(super) fn insert(&mut self, user: u64, op: O) -> OpId {
        let entry = InFlight {
            user,
            op,
            cancel_requested: false,
        };
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|&i| i < u32::MAX)
                    .expect("more than u32::MAX - 1 operations in flight");
                self.slots.push(Slot {
                    generation: 0,
                    entry: None,
                });
                index
            }
        };
        let slot = &mut self.slots[index as usize];
        debug_assert!(slot.entry.is_none(), "free list held a live slot");
        slot.entry = Some(entry);
        self.live += 1;
        OpId::new(index, slot.generation)
    }

    pub(super) fn get(&self, id: OpId) -> Option<&InFlight<O>> {
        let slot = self.slots.get(id.index() as usize)?;
        if slot.generation != id.generation() {
            return None;
        }
        slot.entry.as_ref()
    }

    pub(super) fn get_mut(&mut self, id: OpId) -> Option<&mut InFlight<O>> {
        let slot = self.slots.get_mut(id.index() as usize)?;
        if slot.generation != id.generation() {
            return None;
        }
        slot.entry.as_mut()
    }

    /// Takes the entry out; call only on the operation's final completion.
    pub(super) fn remove(&mut self, id: OpId) -> Option<InFlight<O>> {
        let slot = self.slots.get_mut(id.index() as usize)?;
        if slot.generation != id.generation() {
            return None;
        }
        let entry = slot.entry.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.index());
        self.live -= 1;
        debug_assert_eq!(
            self.live + self.free.len(),
            self.slots.len(),
            "every slot is either live or free"
        );
        Some(entry)
    }

    pub(super) fn len(&self) -> usize {
        self.live
    }
}
