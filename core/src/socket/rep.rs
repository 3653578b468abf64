//! ZMQ_REP: receive a request fair-queued, then send the reply back to the
//! peer it came from; strictly alternating.

use super::{refuse, Behaviour, Core};
use crate::error::SendError;
use crate::strategy::FairQueue;
use crate::{Error, Multipart, PipeId};

/// REP = fair-queue + the receive/send state machine + envelope save/restore.
#[derive(Debug, Default)]
pub(crate) struct Rep {
    fq: FairQueue,
    /// Between a receive and its reply: where the request came from and its
    /// envelope (every frame up to and including the empty delimiter).
    replying_to: Option<(PipeId, Multipart)>,
}

impl Behaviour for Rep {
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

    fn send(&mut self, core: &mut Core, mut msg: Multipart) -> Result<(), SendError> {
        let Some((id, envelope)) = self.replying_to.take() else {
            return refuse(Error::Fsm, msg);
        };
        msg.prepend(&envelope);
        match core.pipes.get_mut(id) {
            Some(p) if p.is_writable() => p.write(msg),
            // The requester is mute: the reply is dropped (the seed's
            // "Action in mute state: Drop").
            Some(p) if !p.is_closed() => {
                p.count_hwm_drop();
                core.stats.drops_hwm += 1;
            }
            // "If the original requester doesn't exist any more the reply is
            // silently discarded."
            _ => core.stats.drops_discarded += 1,
        }
        Ok(())
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        if self.replying_to.is_some() {
            return Err(Error::Fsm);
        }
        loop {
            let mut msg = Multipart::new();
            let id = self
                .fq
                .recv_into(&mut core.pipes, &mut msg)
                .ok_or(Error::Again)?;
            let Some(delimiter) = msg.iter().position(|f| f.is_empty()) else {
                core.stats.drops_discarded += 1;
                continue;
            };
            if delimiter + 1 == msg.len() {
                // An envelope without a body is not a request.
                core.stats.drops_discarded += 1;
                continue;
            }
            let envelope = msg.split_front(delimiter + 1);
            self.replying_to = Some((id, envelope));
            return Ok(msg);
        }
    }

    fn can_send(&self, _core: &Core) -> bool {
        // A reply never blocks: it is delivered, dropped or discarded.
        self.replying_to.is_some()
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.replying_to.is_none() && self.fq.has_in(&core.pipes)
    }
}
