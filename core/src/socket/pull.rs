//! ZMQ_PULL: fair-queues from upstream nodes.

use super::{recv_through, refuse, Behaviour, Core};
use crate::error::SendError;
use crate::strategy::FairQueue;
use crate::{Error, Multipart, PipeId};

/// PULL = fair-queue, no send.
#[derive(Debug, Default)]
pub(crate) struct Pull {
    fq: FairQueue,
}

impl Behaviour for Pull {
    fn direct_input(&self) -> bool {
        true
    }

    fn attach(&mut self, _core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.fq.attach(id);
        Ok(())
    }

    fn detach(&mut self, _core: &mut Core, _id: PipeId) {}

    fn reap(&mut self, _core: &mut Core, id: PipeId) {
        self.fq.detach(id);
    }

    fn send(&mut self, _core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        refuse(Error::NotSupported, msg)
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        recv_through(self, core)
    }
    fn recv_into(&mut self, core: &mut Core, out: &mut Multipart) -> Result<(), Error> {
        match self.fq.recv_into(&mut core.pipes, out) {
            Some(_) => Ok(()),
            None => Err(Error::Again),
        }
    }

    fn can_send(&self, _core: &Core) -> bool {
        false
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.fq.has_in(&core.pipes)
    }
}
