//! ZMQ_XPUB: fan out to the subscribers whose subscriptions match, and hand
//! the application their subscriptions as `0x01`/`0x00` + topic messages.

use super::{Behaviour, Core};
use crate::error::SendError;
use crate::mtrie::MTrie;
use crate::strategy::Dist;
use crate::{Error, Msg, Multipart, PipeId};
use bytes::{BufMut, BytesMut};
use std::collections::VecDeque;

/// The first byte of a subscription message.
pub(crate) const SUBSCRIBE: u8 = 1;
/// The first byte of an unsubscription message.
pub(crate) const CANCEL: u8 = 0;

/// Builds `flag` + `topic` as one frame.
pub(crate) fn subscription_msg(flag: u8, topic: &[u8]) -> Multipart {
    let mut b = BytesMut::with_capacity(topic.len() + 1);
    b.put_u8(flag);
    b.put_slice(topic);
    Multipart::single(Msg::from(b.freeze()))
}

/// XPUB = dist over a subscription trie + a queue of subscription messages.
/// PUB is the same with the queue switched off (see `publish.rs`).
#[derive(Debug)]
pub(crate) struct XPub {
    dist: Dist,
    subscriptions: MTrie<PipeId>,
    /// Subscription messages waiting for the application (XPUB only).
    pending: VecDeque<Multipart>,
    /// Hand subscriptions to the application (false for PUB).
    report: bool,
    /// Scratch list of matching pipes, kept to avoid an allocation per send.
    matching: Vec<PipeId>,
}

impl Default for XPub {
    fn default() -> Self {
        XPub::new(true)
    }
}

impl XPub {
    pub(crate) fn new(report: bool) -> Self {
        XPub {
            dist: Dist::default(),
            subscriptions: MTrie::new(),
            pending: VecDeque::new(),
            report,
            matching: Vec::new(),
        }
    }
}

impl XPub {
    /// A subscriber leaving (or reconnecting) takes its subscriptions with
    /// it; the application hears of each topic nobody wants any more.
    fn forget_subscriptions(&mut self, _core: &mut Core, id: PipeId) {
        let (report, pending) = (self.report, &mut self.pending);
        self.subscriptions.rm_pipe(id, |topic| {
            if report {
                pending.push_back(subscription_msg(CANCEL, topic));
            }
        });
    }
}

impl Behaviour for XPub {
    fn attach(&mut self, _core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.dist.attach(id);
        Ok(())
    }

    fn detach(&mut self, core: &mut Core, id: PipeId) {
        self.dist.detach(id);
        self.forget_subscriptions(core, id);
    }

    fn hiccup(&mut self, core: &mut Core, id: PipeId) {
        self.forget_subscriptions(core, id);
    }

    fn send(&mut self, core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        let topic = msg.first().map(|f| &f[..]).unwrap_or_default();
        self.matching.clear();
        let matching = &mut self.matching;
        self.subscriptions
            .for_each_match(topic, |id| matching.push(id));
        // A pipe subscribed to several prefixes of the topic gets one copy.
        self.matching.sort_unstable();
        self.matching.dedup();
        if self.matching.is_empty() {
            core.stats.drops_no_subscriber += 1;
            return Ok(());
        }
        let outcome = Dist::send_to(&mut core.pipes, &self.matching, &msg);
        core.stats.drops_hwm += outcome.dropped as u64;
        Ok(())
    }

    fn recv(&mut self, _core: &mut Core) -> Result<Multipart, Error> {
        if !self.report {
            return Err(Error::NotSupported);
        }
        self.pending.pop_front().ok_or(Error::Again)
    }

    fn can_send(&self, _core: &Core) -> bool {
        // "The zmq_send() function shall never block for this socket type."
        true
    }

    fn can_recv(&self, _core: &Core) -> bool {
        self.report && !self.pending.is_empty()
    }

    fn deliver(&mut self, core: &mut Core, id: PipeId, msg: Multipart) {
        let first = msg.first().map(|f| &f[..]).unwrap_or_default();
        let unique = match first.split_first() {
            Some((&SUBSCRIBE, topic)) => Some((true, self.subscriptions.add(topic, id))),
            Some((&CANCEL, topic)) => Some((false, self.subscriptions.rm(topic, id))),
            _ => None,
        };
        let report = match unique {
            // Only the first subscription to a topic (and the last
            // unsubscription) reach the application, unless XPUB_VERBOSE
            // asks for every subscription.
            Some((subscribe, unique)) => unique || (subscribe && core.options.xpub_verbose),
            // Anything else an XSUB sends upstream is passed on as is.
            None => true,
        };
        if self.report && report {
            self.pending.push_back(msg);
        }
    }

    fn unbounded_input(&self) -> bool {
        // Subscriptions are acted on as they arrive, never held back.
        true
    }
}
