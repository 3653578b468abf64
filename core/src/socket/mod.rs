//! The eleven socket types, each a small composition of the strategies.
//!
//! A [`Socket`] is driven from two sides:
//! - the **application** calls [`send`](Socket::send), [`recv`](Socket::recv),
//!   [`subscribe`](Socket::subscribe) — all non-blocking; `Error::Again`
//!   means "would block", and a blocking API waits for the transport to make
//!   progress and tries again;
//! - the **transport** (io_uring engine, inproc, or the test harness) calls
//!   [`attach`](Socket::attach) when a peer's handshake completes,
//!   [`pop_outbound`](Socket::pop_outbound) to take messages to write,
//!   [`deliver`](Socket::deliver) for each whole message read (after checking
//!   [`can_deliver`](Socket::can_deliver)), and [`detach`](Socket::detach)
//!   when the peer is gone.
//!
//! Nothing here blocks, reads a clock or does I/O.

mod dealer;
mod pair;
mod publish;
mod pull;
mod push;
mod rep;
mod req;
mod router;
mod sub;
mod xpub;
mod xsub;

use crate::error::SendError;
use crate::options::Options;
use crate::pipe::{PeerMeta, Pipe, Pipes};
use crate::{Error, Multipart, PipeId, SocketType};
use std::fmt::Debug;

/// Socket-wide counters, read by the inspector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SocketStats {
    /// Messages the application sent that were accepted.
    pub msgs_sent: u64,
    /// Messages the application received.
    pub msgs_received: u64,
    /// Messages (or fan-out copies) dropped because a pipe was mute.
    pub drops_hwm: u64,
    /// ROUTER messages addressed to no connected peer, dropped.
    pub drops_unroutable: u64,
    /// Messages no subscription matched: not sent by PUB/XPUB, or discarded
    /// on arrival by SUB/XSUB.
    pub drops_no_subscriber: u64,
    /// Messages discarded because their peer had gone (REP replies) or they
    /// were not expected (REQ replies from the wrong peer, malformed envelopes).
    pub drops_discarded: u64,
    /// Peers attached.
    pub attached: u64,
    /// Peers refused at attach (incompatible type, PAIR already taken,
    /// duplicate ROUTER identity).
    pub refused: u64,
    /// Peers detached.
    pub detached: u64,
}

/// What the socket types share: options, pipes and counters.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) socket_type: SocketType,
    pub(crate) options: Options,
    pub(crate) pipes: Pipes,
    pub(crate) stats: SocketStats,
}

/// One socket type's behaviour. Each method gets the shared [`Core`].
pub(crate) trait Behaviour: Debug + Send {
    /// A peer joined. Returning an error refuses it.
    fn attach(&mut self, core: &mut Core, id: PipeId) -> Result<(), Error>;
    /// The peer is gone: route nothing more to it. Its queued inbound
    /// messages stay readable until [`reap`](Self::reap).
    fn detach(&mut self, core: &mut Core, id: PipeId);
    /// A gone peer's pipe has been drained; forget it entirely.
    fn reap(&mut self, _core: &mut Core, _id: PipeId) {}
    /// The pipe's peer reconnected (the pipe was kept): state that lived in
    /// the old connection must be rebuilt.
    fn hiccup(&mut self, _core: &mut Core, _id: PipeId) {}
    /// Routes one whole message.
    fn send(&mut self, core: &mut Core, msg: Multipart) -> Result<(), SendError>;
    /// Takes one whole message for the application.
    fn recv(&mut self, core: &mut Core) -> Result<Multipart, Error>;
    /// True if `send` would not return `Again`.
    fn can_send(&self, core: &Core) -> bool;
    /// True if `recv` would not return `Again`.
    fn can_recv(&self, core: &Core) -> bool;
    /// A whole message arrived from a peer. The default queues it.
    fn deliver(&mut self, core: &mut Core, id: PipeId, msg: Multipart) {
        if let Some(p) = core.pipes.get_mut(id) {
            p.push_inbound(msg);
        }
    }
    /// ZMQ_SUBSCRIBE (`subscribe = true`) or ZMQ_UNSUBSCRIBE.
    fn subscribe(
        &mut self,
        _core: &mut Core,
        _topic: &[u8],
        _subscribe: bool,
    ) -> Result<(), Error> {
        Err(Error::Invalid)
    }
    /// True if the transport may deliver a message on this pipe now.
    fn can_deliver(&self, core: &Core, id: PipeId) -> bool {
        core.pipes.get(id).is_some_and(|p| p.can_push_inbound())
    }
}

/// A ZeroMQ socket, without I/O. See the module docs for who calls what.
#[derive(Debug)]
pub struct Socket {
    core: Core,
    behaviour: Box<dyn Behaviour>,
    /// Pipes whose peer has gone but which still hold inbound messages.
    closing: Vec<PipeId>,
}

impl Socket {
    /// A socket of the given type with default options.
    pub fn new(socket_type: SocketType) -> Self {
        Self::with_options(socket_type, Options::default())
    }

    /// A socket of the given type.
    pub fn with_options(socket_type: SocketType, options: Options) -> Self {
        let behaviour: Box<dyn Behaviour> = match socket_type {
            SocketType::Pair => Box::<pair::Pair>::default(),
            SocketType::Pub => Box::<publish::Pub>::default(),
            SocketType::Sub => Box::<sub::Sub>::default(),
            SocketType::Req => Box::<req::Req>::default(),
            SocketType::Rep => Box::<rep::Rep>::default(),
            SocketType::Dealer => Box::<dealer::Dealer>::default(),
            SocketType::Router => Box::<router::Router>::default(),
            SocketType::Pull => Box::<pull::Pull>::default(),
            SocketType::Push => Box::<push::Push>::default(),
            SocketType::XPub => Box::<xpub::XPub>::default(),
            SocketType::XSub => Box::<xsub::XSub>::default(),
        };
        Socket {
            core: Core {
                socket_type,
                options,
                pipes: Pipes::default(),
                stats: SocketStats::default(),
            },
            behaviour,
            closing: Vec::new(),
        }
    }

    /// The socket's type.
    pub fn socket_type(&self) -> SocketType {
        self.core.socket_type
    }

    /// The socket's options.
    pub fn options(&self) -> &Options {
        &self.core.options
    }

    /// The socket's options, to change. High-water marks apply to peers
    /// attached afterwards, as in libzmq.
    pub fn options_mut(&mut self) -> &mut Options {
        &mut self.core.options
    }

    /// Counters.
    pub fn stats(&self) -> &SocketStats {
        &self.core.stats
    }

    /// Sends one whole message (non-blocking). On failure the message is
    /// handed back inside the error.
    ///
    /// # Errors
    /// `Again` in the mute state of a blocking type, `Fsm` out of turn for
    /// REQ/REP, `NotSupported` on SUB/PULL, `HostUnreachable` for ROUTER with
    /// ROUTER_MANDATORY, `Invalid` for a message without frames.
    pub fn send(&mut self, msg: Multipart) -> Result<(), SendError> {
        if msg.is_empty() {
            return Err(SendError {
                error: Error::Invalid,
                msg,
            });
        }
        self.behaviour.send(&mut self.core, msg)?;
        self.core.stats.msgs_sent += 1;
        Ok(())
    }

    /// Receives one whole message (non-blocking).
    ///
    /// # Errors
    /// `Again` if none is waiting, `Fsm` out of turn for REQ/REP,
    /// `NotSupported` on PUB/PUSH.
    pub fn recv(&mut self) -> Result<Multipart, Error> {
        let msg = self.behaviour.recv(&mut self.core)?;
        self.core.stats.msgs_received += 1;
        self.reap_drained();
        Ok(msg)
    }

    /// True if [`send`](Self::send) would not return `Again` (POLLOUT).
    pub fn can_send(&self) -> bool {
        self.behaviour.can_send(&self.core)
    }

    /// True if [`recv`](Self::recv) would not return `Again` (POLLIN).
    pub fn can_recv(&self) -> bool {
        self.behaviour.can_recv(&self.core)
    }

    /// ZMQ_SUBSCRIBE: on SUB, receive messages starting with `topic`.
    ///
    /// # Errors
    /// `Invalid` on sockets other than SUB (as libzmq).
    pub fn subscribe(&mut self, topic: &[u8]) -> Result<(), Error> {
        self.behaviour.subscribe(&mut self.core, topic, true)
    }

    /// ZMQ_UNSUBSCRIBE: undoes one earlier [`subscribe`](Self::subscribe) of
    /// the same topic (subscriptions are counted).
    ///
    /// # Errors
    /// `Invalid` on sockets other than SUB.
    pub fn unsubscribe(&mut self, topic: &[u8]) -> Result<(), Error> {
        self.behaviour.subscribe(&mut self.core, topic, false)
    }

    /// A peer has completed its handshake: give it a pipe.
    ///
    /// # Errors
    /// `Invalid` if the peer's type is not compatible, or the socket type
    /// refuses it (PAIR already has a peer; ROUTER identity already in use).
    /// The peer should then be disconnected.
    pub fn attach(&mut self, peer: PeerMeta) -> Result<PipeId, Error> {
        if !self.core.socket_type.is_compatible(peer.socket_type) {
            self.core.stats.refused += 1;
            return Err(Error::Invalid);
        }
        let (snd, rcv) = (self.core.options.sndhwm, self.core.options.rcvhwm);
        let id = self.core.pipes.insert(peer, snd, rcv);
        if let Err(e) = self.behaviour.attach(&mut self.core, id) {
            self.core.pipes.remove(id);
            self.core.stats.refused += 1;
            return Err(e);
        }
        self.core.stats.attached += 1;
        Ok(id)
    }

    /// The peer behind `id` is gone. Messages it already delivered remain
    /// readable; messages queued towards it are discarded.
    pub fn detach(&mut self, id: PipeId) {
        let Some(pipe) = self.core.pipes.get_mut(id) else {
            return;
        };
        if pipe.is_closed() {
            return;
        }
        pipe.close();
        self.core.stats.detached += 1;
        self.behaviour.detach(&mut self.core, id);
        self.closing.push(id);
        self.reap_drained();
    }

    /// The peer behind `id` reconnected and the transport kept its pipe (a
    /// connecting socket keeps what it queued across reconnects). SUB/XSUB
    /// send their subscriptions again; PUB/XPUB forget the old connection's
    /// subscriptions, which the new one will send afresh.
    pub fn hiccup(&mut self, id: PipeId) {
        if self.core.pipes.get(id).is_some() {
            self.behaviour.hiccup(&mut self.core, id);
        }
    }

    fn reap_drained(&mut self) {
        if self.closing.is_empty() {
            return;
        }
        let Socket {
            core,
            behaviour,
            closing,
        } = self;
        closing.retain(|id| {
            let drained = core.pipes.get(*id).is_none_or(|p| !p.has_inbound());
            if drained {
                behaviour.reap(core, *id);
                core.pipes.remove(*id);
            }
            !drained
        });
    }

    /// Takes the next message the transport should write to the peer.
    pub fn pop_outbound(&mut self, id: PipeId) -> Option<Multipart> {
        self.core.pipes.get_mut(id)?.pop_outbound()
    }

    /// True if the transport may [`deliver`](Self::deliver) a message from
    /// this peer now; false means "stop reading from it" (backpressure).
    pub fn can_deliver(&self, id: PipeId) -> bool {
        self.behaviour.can_deliver(&self.core, id)
    }

    /// A whole message arrived from the peer behind `id`.
    pub fn deliver(&mut self, id: PipeId, msg: Multipart) {
        debug_assert!(!msg.is_empty());
        self.behaviour.deliver(&mut self.core, id, msg);
    }

    /// The pipe behind `id`.
    pub fn pipe(&self, id: PipeId) -> Option<&Pipe> {
        self.core.pipes.get(id)
    }

    /// Every pipe of the socket.
    pub fn pipes(&self) -> impl Iterator<Item = &Pipe> {
        self.core.pipes.iter()
    }
}

/// Hands a message back with an error.
pub(crate) fn refuse<T>(error: Error, msg: Multipart) -> Result<T, SendError> {
    Err(SendError { error, msg })
}
