//! ZMQ_ROUTER: prefixes each received message with its sender's identity and
//! routes each sent message by its first frame.

use super::{refuse, Behaviour, Core};
use crate::error::SendError;
use crate::strategy::FairQueue;
use crate::{Error, Multipart, PipeId};
use bytes::{BufMut, Bytes, BytesMut};
use foldhash::quality::SeedableRandomState;
use foldhash::SharedSeed;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// The identity table's hasher: foldhash, keyed from the operating system's
/// randomness. Identities are chosen by peers, so an unkeyed hash would let
/// one pick colliding identities and make every send slow; std's SipHash is
/// keyed but costs more than the rest of the routing on short identities.
/// foldhash's own seeding leans on address-space layout and the clock, so
/// the keys here come from std's `RandomState` instead (the OS's random
/// source, read once per thread): one process-wide shared seed, and a
/// per-table seed.
#[derive(Clone, Debug)]
struct IdHasher(SeedableRandomState);

impl Default for IdHasher {
    fn default() -> Self {
        static SHARED: OnceLock<SharedSeed> = OnceLock::new();
        let shared = SHARED.get_or_init(|| SharedSeed::from_u64(os_random()));
        IdHasher(SeedableRandomState::with_seed(os_random(), shared))
    }
}

impl BuildHasher for IdHasher {
    type Hasher = <SeedableRandomState as BuildHasher>::Hasher;
    #[inline]
    fn build_hasher(&self) -> Self::Hasher {
        self.0.build_hasher()
    }
}

/// 64 random bits: SipHash, under a fresh std key, of nothing. Each
/// `RandomState::new` gives different keys (a per-thread OS-random pair,
/// one half incremented per call).
fn os_random() -> u64 {
    std::hash::RandomState::new().build_hasher().finish()
}

/// ROUTER = fair-queue + an identity table.
#[derive(Debug, Default)]
pub(crate) struct Router {
    fq: FairQueue,
    /// Identity → pipe, for every attached peer that is not gone.
    /// Invariant: holds exactly the open pipes, each under its routing id.
    peers: HashMap<Bytes, PipeId, IdHasher>,
    /// The next generated identity; like libzmq's, 5 bytes: a zero byte (so
    /// it cannot collide with an application-chosen identity, which may not
    /// start with zero) and a big-endian counter.
    next_generated: u32,
}

impl Router {
    fn generate_id(&mut self) -> Bytes {
        loop {
            self.next_generated = self.next_generated.wrapping_add(1);
            let mut id = BytesMut::with_capacity(5);
            id.put_u8(0);
            id.put_u32(self.next_generated);
            let id = id.freeze();
            if !self.peers.contains_key(&id) {
                return id;
            }
        }
    }
}

impl Behaviour for Router {
    fn direct_input(&self) -> bool {
        true
    }

    fn attach(&mut self, core: &mut Core, id: PipeId) -> Result<(), Error> {
        let announced = core
            .pipes
            .get(id)
            .expect("attached")
            .peer()
            .identity
            .clone();
        let routing_id = if announced.is_empty() {
            self.generate_id()
        } else if self.peers.contains_key(&announced) {
            // libzmq's default (no ROUTER_HANDOVER): the newcomer is refused.
            return Err(Error::Invalid);
        } else {
            announced
        };
        core.pipes
            .get_mut(id)
            .expect("attached")
            .set_routing_id(routing_id.clone());
        self.peers.insert(routing_id, id);
        self.fq.attach(id);
        Ok(())
    }

    fn detach(&mut self, core: &mut Core, id: PipeId) {
        if let Some(p) = core.pipes.get(id) {
            if self.peers.get(p.routing_id()) == Some(&id) {
                self.peers.remove(p.routing_id());
            }
        }
    }

    fn reap(&mut self, _core: &mut Core, id: PipeId) {
        self.fq.detach(id);
    }

    fn send(&mut self, core: &mut Core, mut msg: Multipart) -> Result<(), SendError> {
        let mandatory = core.options.router_mandatory;
        let target = msg.first().and_then(|f| self.peers.get(&f[..])).copied();
        let Some(id) = target else {
            if mandatory {
                return refuse(Error::HostUnreachable, msg);
            }
            // "If the peer does not exist anymore the message shall be
            // silently discarded."
            core.stats.drops_unroutable += 1;
            return Ok(());
        };
        let pipe = core.pipes.get_mut(id).expect("peers holds live pipes");
        if !pipe.is_writable() {
            if mandatory {
                return refuse(Error::Again, msg);
            }
            // "any messages routed to a peer for which the individual high
            // water mark has been reached shall also be dropped."
            pipe.count_hwm_drop();
            core.stats.drops_hwm += 1;
            return Ok(());
        }
        msg.pop_front();
        if msg.is_empty() {
            // An identity with nothing after it: nothing to deliver.
            return Ok(());
        }
        pipe.write(msg);
        Ok(())
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        let mut msg = Multipart::new();
        let id = self
            .fq
            .recv_into(&mut core.pipes, &mut msg)
            .ok_or(Error::Again)?;
        let routing_id = core
            .pipes
            .get(id)
            .expect("fq holds live pipes")
            .routing_id();
        msg.push_front(routing_id.clone());
        Ok(msg)
    }

    fn can_send(&self, core: &Core) -> bool {
        // libzmq reports a ROUTER writable when any peer can take a message.
        self.peers
            .values()
            .any(|id| core.pipes.get(*id).is_some_and(|p| p.is_writable()))
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.fq.has_in(&core.pipes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn identity_tables_are_keyed_apart() {
        // Each table draws its own key, so a set of identities that collide
        // in one table says nothing about another.
        let (a, b) = (IdHasher::default(), IdHasher::default());
        assert_ne!(
            a.hash_one(b"peer1".as_slice()),
            b.hash_one(b"peer1".as_slice())
        );
        assert_eq!(
            a.hash_one(b"peer1".as_slice()),
            a.hash_one(b"peer1".as_slice())
        );
        // Lookups by slice find Bytes keys (same hash for both).
        let mut peers: HashMap<Bytes, u32, IdHasher> = HashMap::default();
        peers.insert(Bytes::from_static(b"peer1"), 7);
        assert_eq!(peers.get(b"peer1".as_slice()), Some(&7));
    }
}
