//! ZMQ_PUSH: round robin to downstream nodes; blocks in the mute state.

use super::{send_through, Behaviour, Core};
use crate::error::SendError;
use crate::strategy::LoadBalance;
use crate::{Error, Multipart, PipeId};

/// PUSH = load-balance, no receive.
#[derive(Debug, Default)]
pub(crate) struct Push {
    lb: LoadBalance,
}

impl Behaviour for Push {
    fn attach(&mut self, _core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.lb.attach(id);
        Ok(())
    }

    fn detach(&mut self, _core: &mut Core, id: PipeId) {
        self.lb.detach(id);
    }

    fn send(&mut self, core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        send_through(self, core, msg)
    }

    fn recv(&mut self, _core: &mut Core) -> Result<Multipart, Error> {
        Err(Error::NotSupported)
    }
    fn send_from(&mut self, core: &mut Core, msg: &mut Multipart) -> Result<(), Error> {
        match self.lb.send_from(&mut core.pipes, msg) {
            Some(_) => Ok(()),
            None => Err(Error::Again),
        }
    }

    fn can_send(&self, core: &Core) -> bool {
        self.lb.has_out(&core.pipes)
    }

    fn can_recv(&self, _core: &Core) -> bool {
        false
    }

    fn deliver(&mut self, core: &mut Core, _id: PipeId, _msg: Multipart) {
        // A PULL never sends; whatever arrives is not ours to keep.
        core.stats.drops_discarded += 1;
    }
}
