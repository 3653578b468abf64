//! ZMQ_DEALER: round robin out, fair-queue in, blocks in the mute state.

use super::{recv_through, send_through, Behaviour, Core};
use crate::error::SendError;
use crate::strategy::{FairQueue, LoadBalance};
use crate::{Error, Multipart, PipeId};

/// DEALER = fair-queue + load-balance, no envelope handling.
#[derive(Debug, Default)]
pub(crate) struct Dealer {
    fq: FairQueue,
    lb: LoadBalance,
}

impl Behaviour for Dealer {
    fn direct_input(&self) -> bool {
        true
    }

    fn attach(&mut self, _core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.fq.attach(id);
        self.lb.attach(id);
        Ok(())
    }

    fn detach(&mut self, _core: &mut Core, id: PipeId) {
        self.lb.detach(id);
    }

    fn reap(&mut self, _core: &mut Core, id: PipeId) {
        self.fq.detach(id);
    }

    fn send(&mut self, core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        send_through(self, core, msg)
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        recv_through(self, core)
    }
    fn send_from(&mut self, core: &mut Core, msg: &mut Multipart) -> Result<(), Error> {
        match self.lb.send_from(&mut core.pipes, msg) {
            Some(_) => Ok(()),
            None => Err(Error::Again),
        }
    }

    fn recv_into(&mut self, core: &mut Core, out: &mut Multipart) -> Result<(), Error> {
        match self.fq.recv_into(&mut core.pipes, out) {
            Some(_) => Ok(()),
            None => Err(Error::Again),
        }
    }

    fn can_send(&self, core: &Core) -> bool {
        self.lb.has_out(&core.pipes)
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.fq.has_in(&core.pipes)
    }
}
