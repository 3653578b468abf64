//! ZMQ_SUB: an XSUB subscribed through ZMQ_SUBSCRIBE; no send.

use super::xpub::{subscription_msg, CANCEL, SUBSCRIBE};
use super::xsub::XSub;
use super::{refuse, Behaviour, Core};
use crate::error::SendError;
use crate::{Error, Multipart, PipeId};

/// SUB = XSUB + the subscribe options, without send.
#[derive(Debug, Default)]
pub(crate) struct Sub(XSub);

impl Behaviour for Sub {
    fn attach(&mut self, core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.0.attach(core, id)
    }

    fn detach(&mut self, core: &mut Core, id: PipeId) {
        self.0.detach(core, id)
    }

    fn reap(&mut self, core: &mut Core, id: PipeId) {
        self.0.reap(core, id)
    }

    fn hiccup(&mut self, core: &mut Core, id: PipeId) {
        self.0.hiccup(core, id)
    }

    fn send(&mut self, _core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        // "The zmq_send() function is not implemented for this socket type."
        refuse(Error::NotSupported, msg)
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        self.0.recv(core)
    }

    fn can_send(&self, _core: &Core) -> bool {
        false
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.0.can_recv(core)
    }

    fn deliver(&mut self, core: &mut Core, id: PipeId, msg: Multipart) {
        self.0.deliver(core, id, msg)
    }

    fn subscribe(&mut self, core: &mut Core, topic: &[u8], subscribe: bool) -> Result<(), Error> {
        let flag = if subscribe { SUBSCRIBE } else { CANCEL };
        self.0.apply(core, &subscription_msg(flag, topic));
        Ok(())
    }
}
