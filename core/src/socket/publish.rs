//! ZMQ_PUB: an XPUB whose subscriptions stay inside the socket; no receive.

use super::xpub::XPub;
use super::{Behaviour, Core};
use crate::error::SendError;
use crate::{Error, Multipart, PipeId};

/// PUB = XPUB that does not report subscriptions.
#[derive(Debug)]
pub(crate) struct Pub(XPub);

impl Default for Pub {
    fn default() -> Self {
        Pub(XPub::new(false))
    }
}

impl Behaviour for Pub {
    fn attach(&mut self, core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.0.attach(core, id)
    }

    fn detach(&mut self, core: &mut Core, id: PipeId) {
        self.0.detach(core, id)
    }

    fn hiccup(&mut self, core: &mut Core, id: PipeId) {
        self.0.hiccup(core, id)
    }

    fn send(&mut self, core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        self.0.send(core, msg)
    }

    fn recv(&mut self, _core: &mut Core) -> Result<Multipart, Error> {
        // "The zmq_recv(3) function is not implemented for this socket type."
        Err(Error::NotSupported)
    }

    fn can_send(&self, core: &Core) -> bool {
        self.0.can_send(core)
    }

    fn can_recv(&self, _core: &Core) -> bool {
        false
    }

    fn deliver(&mut self, core: &mut Core, id: PipeId, msg: Multipart) {
        self.0.deliver(core, id, msg)
    }

    fn unbounded_input(&self) -> bool {
        self.0.unbounded_input()
    }
}
