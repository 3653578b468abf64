//! ZMQ_PAIR: exactly one peer; blocks in the mute state or with no peer.

use super::{recv_through, send_through, Behaviour, Core};
use crate::error::SendError;
use crate::{Error, Multipart, PipeId};

/// PAIR: one pipe, no routing.
#[derive(Debug, Default)]
pub(crate) struct Pair {
    /// The one peer. A second peer is refused while this one is attached.
    peer: Option<PipeId>,
}

impl Behaviour for Pair {
    fn direct_input(&self) -> bool {
        true
    }

    fn attach(&mut self, _core: &mut Core, id: PipeId) -> Result<(), Error> {
        if self.peer.is_some() {
            return Err(Error::Invalid);
        }
        self.peer = Some(id);
        Ok(())
    }

    fn detach(&mut self, _core: &mut Core, _id: PipeId) {}

    fn reap(&mut self, _core: &mut Core, id: PipeId) {
        if self.peer == Some(id) {
            self.peer = None;
        }
    }

    fn send(&mut self, core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        send_through(self, core, msg)
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        recv_through(self, core)
    }
    fn send_from(&mut self, core: &mut Core, msg: &mut Multipart) -> Result<(), Error> {
        match self.peer.and_then(|id| core.pipes.get_mut(id)) {
            Some(p) if p.is_writable() => {
                p.write(std::mem::take(msg));
                Ok(())
            }
            _ => Err(Error::Again),
        }
    }

    fn recv_into(&mut self, core: &mut Core, out: &mut Multipart) -> Result<(), Error> {
        let read = self
            .peer
            .and_then(|id| core.pipes.get_mut(id))
            .is_some_and(|p| p.read_into(out));
        if read {
            Ok(())
        } else {
            Err(Error::Again)
        }
    }

    fn can_send(&self, core: &Core) -> bool {
        self.peer
            .and_then(|id| core.pipes.get(id))
            .is_some_and(|p| p.is_writable())
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.peer
            .and_then(|id| core.pipes.get(id))
            .is_some_and(|p| p.has_inbound())
    }
}
