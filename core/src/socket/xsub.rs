//! ZMQ_XSUB: fair-queues matching messages in; subscriptions are sent as
//! `0x01`/`0x00` + topic messages to every publisher.

use super::xpub::{subscription_msg, CANCEL, SUBSCRIBE};
use super::{Behaviour, Core};
use crate::error::SendError;
use crate::strategy::{Dist, FairQueue};
use crate::trie::Trie;
use crate::{Error, Multipart, PipeId};

/// XSUB = fair-queue filtered by a counting trie + dist for subscriptions.
#[derive(Debug, Default)]
pub(crate) struct XSub {
    fq: FairQueue,
    dist: Dist,
    subscriptions: Trie,
}

impl XSub {
    /// Applies a subscription (`0x01`+topic) or unsubscription (`0x00`+topic)
    /// locally and forwards it upstream. A topic subscribed twice needs two
    /// unsubscriptions; only the last one travels.
    pub(crate) fn apply(&mut self, core: &mut Core, msg: &Multipart) {
        let first = msg.first().map(|f| &f[..]).unwrap_or_default();
        let forward = match first.split_first() {
            Some((&SUBSCRIBE, topic)) => {
                // Forwarded every time, as libzmq does: the publisher side
                // deduplicates, and XPUB_VERBOSE devices need to see repeats.
                self.subscriptions.add(topic);
                true
            }
            Some((&CANCEL, topic)) => {
                let removed = self.subscriptions.rm(topic);
                if removed {
                    self.discard_unsubscribed(core);
                }
                removed
            }
            _ => true,
        };
        if !forward {
            return;
        }
        if first
            .first()
            .is_some_and(|b| *b == SUBSCRIBE || *b == CANCEL)
        {
            // Subscriptions bypass the high-water mark: dropping one would
            // silently lose (or never cancel) a topic for the whole session.
            for id in self.dist.pipes() {
                if let Some(p) = core.pipes.get_mut(*id) {
                    if !p.is_closed() {
                        p.write_forced(msg.clone());
                    }
                }
            }
        } else {
            let outcome = self.dist.send_to_all(&mut core.pipes, msg);
            core.stats.drops_hwm += outcome.dropped as u64;
        }
    }

    /// Drops queued messages that no remaining subscription wants, so that
    /// "readable" keeps meaning "a receive would return a message".
    fn discard_unsubscribed(&self, core: &mut Core) {
        let subscriptions = &self.subscriptions;
        let mut dropped = 0;
        for pipe in core.pipes.iter_mut() {
            dropped += pipe.retain_inbound(|m| {
                subscriptions.check(m.first().map(|f| &f[..]).unwrap_or_default())
            });
        }
        core.stats.drops_no_subscriber += dropped as u64;
    }

    /// Sends every current subscription to one publisher (a new one, or one
    /// that reconnected). These bypass the high-water mark: losing one would
    /// silently lose a topic.
    fn replay(&self, core: &mut Core, id: PipeId) {
        if let Some(pipe) = core.pipes.get_mut(id) {
            self.subscriptions
                .for_each(|topic| pipe.write_forced(subscription_msg(SUBSCRIBE, topic)));
        }
    }

    fn matches(&self, msg: &Multipart) -> bool {
        self.subscriptions
            .check(msg.first().map(|f| &f[..]).unwrap_or_default())
    }
}

impl Behaviour for XSub {
    fn attach(&mut self, core: &mut Core, id: PipeId) -> Result<(), Error> {
        self.fq.attach(id);
        self.dist.attach(id);
        self.replay(core, id);
        Ok(())
    }

    fn hiccup(&mut self, core: &mut Core, id: PipeId) {
        self.replay(core, id);
    }

    fn detach(&mut self, _core: &mut Core, id: PipeId) {
        self.dist.detach(id);
    }

    fn reap(&mut self, _core: &mut Core, id: PipeId) {
        self.fq.detach(id);
    }

    fn send(&mut self, core: &mut Core, msg: Multipart) -> Result<(), SendError> {
        self.apply(core, &msg);
        Ok(())
    }

    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error> {
        // Messages are filtered on arrival, and queued ones are dropped when
        // their subscription is cancelled: whatever is queued is wanted.
        let mut msg = Multipart::new();
        self.fq
            .recv_into(&mut core.pipes, &mut msg)
            .ok_or(Error::Again)?;
        debug_assert!(self.matches(&msg));
        Ok(msg)
    }

    fn can_send(&self, _core: &Core) -> bool {
        true
    }

    fn can_recv(&self, core: &Core) -> bool {
        self.fq.has_in(&core.pipes)
    }

    fn deliver(&mut self, core: &mut Core, id: PipeId, msg: Multipart) {
        // Filtered on arrival so unwanted messages take no queue space.
        if !self.matches(&msg) {
            core.stats.drops_no_subscriber += 1;
            return;
        }
        if let Some(p) = core.pipes.get_mut(id) {
            p.push_inbound(msg);
        }
    }
}
