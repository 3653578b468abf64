//! The eleven socket types, each a small composition of the strategies.
//!
//! A [`Socket`] is driven from two sides:
//! - the **application** calls [`send`](Socket::send), [`recv`](Socket::recv),
//!   [`subscribe`](Socket::subscribe) — all non-blocking; `Error::Again`
//!   means "would block", and a blocking API waits for the transport to make
//!   progress and tries again;
//! - the **transport** (io_uring engine, inproc, or the test harness) calls
//!   [`attach`](Socket::attach) when a peer's handshake completes and gets
//!   the peer's [`End`] of a new pipe: it reads the messages the socket
//!   routed to that peer from it, and writes the whole messages it decoded
//!   into it, on its own thread, without touching the socket;
//!   [`detach`](Socket::detach) when the peer is gone.
//!
//! What a transport writes reaches the socket type's logic (filtering,
//! subscriptions, envelopes) when the socket's owner next uses it:
//! [`process_arrivals`](Socket::process_arrivals) runs at every send and
//! receive. A pipe's end tells the socket's [`Wake`] when input arrives for
//! an idle socket or room frees for a waiting one, so a blocking API parks
//! after [`prepare_wait`](Socket::prepare_wait) and is woken then.
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
use crate::pipe::{pair, End, Keep, Notify, PeerMeta, Pipe, Pipes};
use crate::{Error, Multipart, PipeId, SocketType};
use crossbeam_queue::SegQueue;
use std::fmt::Debug;
use std::sync::{Arc, OnceLock};

/// Wakes whoever waits on a socket (its owner's blocked send, receive or
/// poll). Called from the threads that serve the socket's pipes.
pub trait Wake: Send + Sync {
    /// Something the waiter may be waiting for happened.
    fn wake(&self);
}

/// What the pipes' other ends may touch of a socket: the pipes with new
/// input for an idle socket, and who to wake.
#[derive(Default)]
pub(crate) struct Mailbox {
    ready: SegQueue<PipeId>,
    waker: OnceLock<Arc<dyn Wake>>,
}

impl Mailbox {
    fn wake(&self) {
        if let Some(w) = self.waker.get() {
            w.wake();
        }
    }
}

impl Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("ready", &self.ready.len())
            .finish_non_exhaustive()
    }
}

/// A socket's side of a pipe: input goes on the ready list.
struct SocketNotify {
    mailbox: Arc<Mailbox>,
    pipe: PipeId,
}

impl Notify for SocketNotify {
    fn input(&self) {
        self.mailbox.ready.push(self.pipe);
        self.mailbox.wake();
    }

    fn room(&self) {
        self.mailbox.wake();
    }
}

/// libzmq's inproc pipes hold the writer's SNDHWM plus the reader's
/// RCVHWM; 0 on either side is no limit.
fn combined_hwm(a: usize, b: usize) -> usize {
    if a == 0 || b == 0 {
        0
    } else {
        a + b
    }
}

/// Socket-wide counters, read by the inspector: the snapshot's own type,
/// so the inspector copies them as they are.
pub use crate::snapshot::SocketCounters as SocketStats;

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
    /// [`send`](Self::send) from where the caller keeps the message: taken
    /// on success, left as it was on error. The socket types on the
    /// throughput path write it into the pipe's ring in place; the others
    /// take this default.
    fn send_from(&mut self, core: &mut Core, msg: &mut Multipart) -> Result<(), Error> {
        match self.send(core, std::mem::take(msg)) {
            Ok(()) => Ok(()),
            Err(SendError { error, msg: back }) => {
                *msg = back;
                Err(error)
            }
        }
    }
    /// [`recv`](Self::recv) into `out` (its old value is dropped).
    fn recv_into(&mut self, core: &mut Core, out: &mut Multipart) -> Result<(), Error> {
        *out = self.recv(core)?;
        Ok(())
    }
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
    /// True if whatever a peer sends is acted on at once (never held back
    /// by RCVHWM): subscriptions, or messages this type discards anyway.
    fn unbounded_input(&self) -> bool {
        false
    }
    /// True if this type takes every message as it comes (it keeps the
    /// default [`deliver`](Self::deliver)): its receives then read the
    /// pipes' queues directly, with no stop in between.
    fn direct_input(&self) -> bool {
        false
    }
}

/// A ZeroMQ socket, without I/O. See the module docs for who calls what.
#[derive(Debug)]
pub struct Socket {
    core: Core,
    behaviour: Box<dyn Behaviour>,
    /// Pipes whose peer has gone but which still hold inbound messages.
    closing: Vec<PipeId>,
    mailbox: Arc<Mailbox>,
    /// Pipes told of input and not idle since: looked at by every
    /// [`process_arrivals`](Self::process_arrivals).
    /// Invariant: exactly the pipes whose `awake` flag is set.
    awake: Vec<PipeId>,
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
            mailbox: Arc::new(Mailbox::default()),
            awake: Vec::new(),
        }
    }

    /// Sets who is woken when a pipe has input for an idle socket or room
    /// for a waiting one. Once; the first setting stays.
    pub fn set_waker(&self, waker: Arc<dyn Wake>) {
        let _ = self.mailbox.waker.set(waker);
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

    /// [`send`](Self::send) from where the caller keeps the message: on
    /// success it is taken (left empty); on error it is left as it was, so
    /// a blocking caller can try again without moving it back and forth.
    #[inline]
    pub fn send_from(&mut self, msg: &mut Multipart) -> Result<(), Error> {
        if msg.is_empty() {
            return Err(Error::Invalid);
        }
        if !self.mailbox.ready.is_empty() || !self.awake.is_empty() {
            self.process_arrivals();
        }
        self.behaviour.send_from(&mut self.core, msg)?;
        self.core.stats.msgs_sent += 1;
        Ok(())
    }

    /// [`recv`](Self::recv) into `out` (its old value is dropped): the
    /// message moves once, from the pipe to `out`.
    #[inline]
    pub fn recv_into(&mut self, out: &mut Multipart) -> Result<(), Error> {
        match self.behaviour.recv_into(&mut self.core, out) {
            Err(Error::Again) => {
                self.process_arrivals();
                self.behaviour.recv_into(&mut self.core, out)?;
            }
            r => r?,
        }
        self.core.stats.msgs_received += 1;
        self.reap_drained();
        Ok(())
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
        if !self.mailbox.ready.is_empty() || !self.awake.is_empty() {
            // Subscriptions and hang-ups that change the routing.
            self.process_arrivals();
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
        let msg = match self.behaviour.recv(&mut self.core) {
            Err(Error::Again) => {
                // What was accepted is used up: look at what arrived since.
                self.process_arrivals();
                self.behaviour.recv(&mut self.core)?
            }
            r => r?,
        };
        self.core.stats.msgs_received += 1;
        self.reap_drained();
        Ok(msg)
    }

    /// True if [`send`](Self::send) would not return `Again` (POLLOUT).
    pub fn can_send(&mut self) -> bool {
        if !self.mailbox.ready.is_empty() || !self.awake.is_empty() {
            self.process_arrivals();
        }
        self.behaviour.can_send(&self.core)
    }

    /// True if [`recv`](Self::recv) would not return `Again` (POLLIN).
    pub fn can_recv(&mut self) -> bool {
        if self.behaviour.can_recv(&self.core) {
            return true;
        }
        self.process_arrivals();
        self.behaviour.can_recv(&self.core)
    }

    /// Hands what the pipes' other ends wrote since the last call to the
    /// socket type (which queues, filters or acts on each message). Runs
    /// at every send and receive; a transport that owns the socket (the
    /// in-memory harness) may call it whenever it likes.
    pub fn process_arrivals(&mut self) {
        let mut gone = Vec::new();
        while let Some(id) = self.mailbox.ready.pop() {
            if let Some(p) = self.core.pipes.get_mut(id) {
                if !p.awake {
                    p.awake = true;
                    self.awake.push(id);
                }
            }
        }
        let mut i = 0;
        while i < self.awake.len() {
            let id = self.awake[i];
            let mut got = false;
            if self.core.pipes.get(id).is_some_and(|p| !p.is_direct()) {
                while let Some(m) = self.core.pipes.get_mut(id).and_then(Pipe::take_arrival) {
                    got = true;
                    self.behaviour.deliver(&mut self.core, id, m);
                }
            }
            let Some(p) = self.core.pipes.get_mut(id) else {
                self.awake.swap_remove(i);
                continue;
            };
            p.release();
            if p.peer_closed() && !p.is_closed() && !p.has_arrivals() {
                // The peer's end closed and all it left was taken.
                gone.push(id);
            }
            // A pipe that had nothing goes idle (its next write tells us);
            // one that had something is looked at again next time, so a
            // busy stream costs no wake-ups.
            if !got && !p.idle() {
                p.awake = false;
                self.awake.swap_remove(i);
                continue;
            }
            i += 1;
        }
        for id in gone {
            self.detach(id);
        }
        self.reap_drained();
    }

    /// Before its owner parks: makes sure a wake-up comes when it should
    /// (`recv`: input arrives; `send`: a full pipe has room again). Returns
    /// false if that already happened: try again instead of parking.
    pub fn prepare_wait(&mut self, recv: bool, send: bool) -> bool {
        if recv {
            self.process_arrivals();
            if self.behaviour.can_recv(&self.core) {
                return false;
            }
            // Idle every pipe still awake; one that got input meanwhile
            // means there is something to look at.
            let mut again = false;
            for id in std::mem::take(&mut self.awake) {
                if let Some(p) = self.core.pipes.get_mut(id) {
                    if p.idle() {
                        again = true;
                        self.awake.push(id);
                    } else {
                        p.awake = false;
                    }
                }
            }
            if again {
                return false;
            }
        }
        if send {
            if self.can_send() {
                return false;
            }
            for p in self.core.pipes.iter() {
                if !p.is_closed() && p.is_muted() && p.wait_for_room() {
                    return false;
                }
            }
            // A pipe may have drained to its low-water mark after the first
            // look and before its writer-waiting flag was set (its reader
            // then saw nobody waiting): look again now that every full pipe
            // is flagged.
            if self.behaviour.can_send(&self.core) {
                return false;
            }
        }
        true
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

    /// This socket's receive high-water mark for a new pipe (0: none).
    fn pipe_rcvhwm(&self) -> usize {
        if self.behaviour.unbounded_input() {
            0
        } else {
            self.core.options.rcvhwm
        }
    }

    /// A peer has completed its handshake: give it a pipe. Returns the
    /// pipe's id and the peer's end of it, for the transport.
    ///
    /// # Errors
    /// `Invalid` if the peer's type is not compatible, or the socket type
    /// refuses it (PAIR already has a peer; ROUTER identity already in use).
    /// The peer should then be disconnected.
    pub fn attach(&mut self, peer: PeerMeta) -> Result<(PipeId, End), Error> {
        let (mine, theirs) = pair(self.core.options.sndhwm, self.pipe_rcvhwm());
        let id = self.attach_end(peer, mine)?;
        Ok((id, theirs))
    }

    /// An inproc peer's end of a pipe that peer's socket created with
    /// [`attach`](Self::attach): this socket takes it as its own pipe
    /// towards that peer. Each direction holds the writer's SNDHWM plus
    /// the reader's RCVHWM, as libzmq's inproc pipes do.
    ///
    /// # Errors
    /// As [`attach`](Self::attach).
    pub fn adopt(&mut self, peer: PeerMeta, end: End) -> Result<PipeId, Error> {
        let out = combined_hwm(end.out_hwm(), self.core.options.sndhwm);
        let inb = combined_hwm(end.in_hwm(), self.pipe_rcvhwm());
        end.set_hwms(out, inb);
        self.attach_end(peer, end)
    }

    fn attach_end(&mut self, peer: PeerMeta, end: End) -> Result<PipeId, Error> {
        if !self.core.socket_type.is_compatible(peer.socket_type) {
            self.core.stats.refused += 1;
            return Err(Error::Invalid);
        }
        let id = self.core.pipes.next_id();
        end.set_reader_share(self.pipe_rcvhwm());
        end.set_notify(Arc::new(SocketNotify {
            mailbox: self.mailbox.clone(),
            pipe: id,
        }));
        let has_input = end.has_input();
        let inserted = self.core.pipes.insert(peer, end);
        debug_assert_eq!(inserted, id);
        if self.behaviour.direct_input() {
            if let Some(p) = self.core.pipes.get_mut(id) {
                p.set_direct();
            }
        }
        if let Err(e) = self.behaviour.attach(&mut self.core, id) {
            self.core.pipes.remove(id);
            self.core.stats.refused += 1;
            return Err(e);
        }
        if has_input {
            // Written before the end was ours (inproc: sent before the
            // peer's socket adopted it).
            self.mailbox.ready.push(id);
        }
        self.core.stats.attached += 1;
        Ok(id)
    }

    /// The socket is closing: each peer's end may still read what was
    /// queued for it (`Keep::All`, linger) or only what its own receive
    /// high-water mark held (`Keep::ReaderShare`, linger 0).
    pub fn close_pipes(&mut self, keep: Keep) {
        for p in self.core.pipes.iter_mut() {
            p.close_end(keep);
        }
    }

    /// Gives up one pipe (inproc disconnect or close): its peer's end may
    /// still read what `keep` says, and sees the pipe closed once it has.
    pub fn close_pipe(&mut self, id: PipeId, keep: Keep) {
        if let Some(p) = self.core.pipes.get_mut(id) {
            p.close_end(keep);
        }
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
        let arrivals = pipe.has_arrivals() && !pipe.awake;
        if arrivals {
            // Its last messages are still to be looked at.
            pipe.awake = true;
            self.awake.push(id);
        }
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

    /// Frees the closed pipes that have been drained (a test per message;
    /// the work out of line).
    #[inline]
    fn reap_drained(&mut self) {
        if !self.closing.is_empty() {
            self.reap_drained_now();
        }
    }

    #[inline(never)]
    fn reap_drained_now(&mut self) {
        let Socket {
            core,
            behaviour,
            closing,
            ..
        } = self;
        closing.retain(|id| {
            let drained = core
                .pipes
                .get(*id)
                .is_none_or(|p| !p.has_inbound() && !p.has_arrivals());
            if drained {
                behaviour.reap(core, *id);
                core.pipes.remove(*id);
            }
            !drained
        });
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
/// [`Behaviour::send`] for a socket type whose real form is
/// [`send_from`](Behaviour::send_from). That type must implement
/// `send_from` itself: the trait's default `send_from` calls `send`.
pub(crate) fn send_through<B: Behaviour>(
    b: &mut B,
    core: &mut Core,
    mut msg: Multipart,
) -> Result<(), SendError> {
    match b.send_from(core, &mut msg) {
        Ok(()) => Ok(()),
        Err(error) => Err(SendError { error, msg }),
    }
}

/// [`Behaviour::recv`] for a socket type whose real form is
/// [`recv_into`](Behaviour::recv_into), which it must implement itself (the
/// default `recv_into` calls `recv`).
pub(crate) fn recv_through<B: Behaviour>(b: &mut B, core: &mut Core) -> Result<Multipart, Error> {
    let mut out = Multipart::new();
    b.recv_into(core, &mut out)?;
    Ok(out)
}

pub(crate) fn refuse<T>(error: Error, msg: Multipart) -> Result<T, SendError> {
    Err(SendError { error, msg })
}
