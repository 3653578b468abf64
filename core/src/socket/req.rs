//! ZMQ_REQ: send a request round robin, then receive the reply from the peer
//! it went to; strictly alternating.

use super::{refuse, Behaviour, Core};
use crate::error::SendError;
use crate::strategy::LoadBalance;
use crate::{Error, Msg, Multipart, PipeId};

/// REQ = load-balance + the send/receive state machine + the empty delimiter.
#[derive(Debug, Default)]
pub(crate) struct Req {
    lb: LoadBalance,
    /// `Some(pipe)` between a send and its reply: only `pipe` may answer.
    awaiting: Option<PipeId>,
}

impl Behaviour for Req {
    fn attach(&mut self, _core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.lb.attach(id);
        Ok(())
    }

    fn detach(&mut self, _core: &mut Core, id: PipeId) {
        // A REQ whose service died keeps waiting, as libzmq's does: the
        // application decides (timeout, close and reopen).
        self.lb.detach(id);
    }

    fn send(&mut self, core: &mut Core, mut msg: Multipart) -> Result<(), SendError> {
        if self.awaiting.is_some() {
            return refuse(Error::Fsm, msg);
        }
        msg.push_front(Msg::new());
        match self.lb.send_from(&mut core.pipes, &mut msg) {
            Some(id) => {
                self.awaiting = Some(id);
                Ok(())
            }
            None => {
                msg.pop_front();
                refuse(Error::Again, msg)
            }
        }
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        let id = self.awaiting.ok_or(Error::Fsm)?;
        let mut msg = Multipart::new();
        if !core
            .pipes
            .get_mut(id)
            .is_some_and(|p| p.read_into(&mut msg))
        {
            return Err(Error::Again);
        }
        debug_assert!(
            msg.first().is_some_and(|d| d.is_empty()),
            "checked on delivery"
        );
        msg.pop_front();
        self.awaiting = None;
        Ok(msg)
    }

    fn can_send(&self, core: &Core) -> bool {
        self.awaiting.is_none() && self.lb.has_out(&core.pipes)
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.awaiting
            .and_then(|id| core.pipes.get(id))
            .is_some_and(|p| p.has_inbound())
    }

    fn deliver(&mut self, core: &mut Core, id: PipeId, msg: Multipart) {
        // Only the reply to the outstanding request, with its delimiter and a
        // body, is kept: "each reply received is matched with the last issued
        // request". Anything else (a late reply, a peer speaking out of turn,
        // a malformed envelope) is discarded.
        let well_formed = msg.len() >= 2 && msg.first().is_some_and(|d| d.is_empty());
        match core.pipes.get_mut(id) {
            Some(p) if self.awaiting == Some(id) && well_formed && !p.has_inbound() => {
                p.push_inbound(msg)
            }
            _ => core.stats.drops_discarded += 1,
        }
    }

    fn unbounded_input(&self) -> bool {
        // Unexpected messages are discarded, so reading never needs to wait.
        true
    }
}
