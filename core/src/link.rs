//! One connection's protocol, sans I/O: its ZMTP [`Session`], the
//! transport's [`End`] of its pipe to the socket, backpressure, linger and
//! what happens to the pipe when the connection goes.
//!
//! A driver — the io_uring engine, the in-memory [`sim`](crate::sim) —
//! owns the I/O (a file descriptor or a wire, the operations in flight, the
//! clock, the timers) and holds one `Link` per connection for everything
//! else, so each engine behaviour is written once and tested in memory.
//!
//! # Driving a link
//!
//! In the order a driver calls them:
//! 1. Bytes read from the peer → [`Link::handle_input`], while
//!    [`Link::wants_input`] (start a read only if [`Link::may_read`] too).
//! 2. After input, or when the pipe's notifier reported room:
//!    [`Link::pump_in`] until it returns [`Input::Done`]. It decodes and
//!    writes whole messages to the pipe while the pipe has room, one flush
//!    per batch; when the pipe is full it stops (the link is *paused*) and
//!    the pipe's notifier tells the driver once the socket made room.
//!    [`Input::Ready`] means the handshake completed: give the link its
//!    pipe ([`attach_pipe`], then [`Link::attach`]) and call `pump_in` again.
//! 3. When the pipe's notifier reported input (or room):
//!    [`Link::notified`]; if it returns true, back to 2.
//! 4. [`Link::pump_out`]: encodes what the socket queued, up to one batch.
//! 5. [`Link::poll_transmit`]: the chunks for the next write, if none is in
//!    flight. When the write completes, [`Link::sent`] with the bytes the
//!    kernel took; what it returns must be written again (a short write).
//!    Once a write is done, back to 4.
//! 6. [`Link::poll_timeout`] → arm a timer; when it fires,
//!    [`Link::handle_timeout`], then back to 5.
//!
//! The socket closes: [`Link::close`]; the driver keeps going until
//! [`Link::is_flushed`] (or its linger deadline), then ends the connection.
//! The connection ends (end of stream, an error): [`Link::lose`]; if it
//! returns true the link still holds input the socket has not taken, so
//! the driver keeps it (no reads, no writes) and goes on with step 2 until
//! [`Input::Drained`]. Finally [`Link::finish`] says what becomes of the
//! pipe ([`Leftover`]): a connecter keeps it for its next connection.

use crate::pipe::{End, PeerMeta};
use crate::zmtp::{self, Event, Session};
use crate::{Error, Multipart, PipeId, Socket};
use bytes::Bytes;
use core::time::Duration;

/// How many encoded bytes [`Link::pump_out`] lets wait for the next write
/// before it stops reading the pipe: one write then carries them all, the
/// coalescing that saves a syscall per message.
pub const OUT_BATCH: usize = 256 * 1024;

/// Which side made the connection: it decides what becomes of the pipe
/// when the connection goes (see [`Leftover`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Accepted on a bound endpoint: the peer may never come back, so its
    /// pipe goes with the connection.
    Accepted,
    /// Made by a connecter, which reconnects: its pipe outlives the
    /// connection and carries what was queued to the next one.
    Connecter,
}

/// Where a link is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Reading and writing.
    Open,
    /// Input stopped: the pipe towards the socket is at its high-water
    /// mark. The pipe's notifier tells the driver once the socket made room.
    Paused,
    /// The socket closed: the link flushes what was queued, reads only to
    /// finish a handshake, and then its connection closes.
    Closing,
    /// The connection is gone while input the peer sent was still waiting
    /// for room in the pipe. The link neither reads nor writes any more; it
    /// stays only until that input is delivered (`waiting` false): what a
    /// peer sent before leaving stays receivable.
    Draining {
        /// Input is still waiting for room.
        waiting: bool,
    },
}

impl State {
    /// Records whether the last `pump_in` stopped for lack of room.
    fn set_blocked(&mut self, blocked: bool) {
        *self = match *self {
            State::Open | State::Paused if blocked => State::Paused,
            State::Open | State::Paused => State::Open,
            State::Draining { .. } => State::Draining { waiting: blocked },
            State::Closing => State::Closing,
        };
    }

    fn is_blocked(self) -> bool {
        matches!(self, State::Paused | State::Draining { waiting: true })
    }

    fn is_draining(self) -> bool {
        matches!(self, State::Draining { .. })
    }
}

/// What [`Link::pump_in`] stopped at.
#[derive(Debug)]
pub enum Input {
    /// Everything decodable was delivered, or the pipe is full (the link is
    /// paused until the pipe's notifier reports room).
    Done,
    /// The handshake completed: attach the link to its socket
    /// ([`attach_pipe`], [`Link::attach`]), or end the connection if the
    /// socket refuses the peer; then call `pump_in` again.
    Ready(PeerMeta),
    /// The peer broke the protocol or failed the handshake: the session is
    /// dead; end the connection.
    Failed(zmtp::Error),
    /// The connection was lost earlier and the last of what the peer sent
    /// is now in the pipe: end the link ([`Link::finish`]).
    Drained,
}

/// What becomes of a link's pipe once its connection is gone
/// ([`Link::finish`]).
#[derive(Debug)]
pub enum Leftover {
    /// The link never got a pipe (it never completed its handshake).
    Nothing,
    /// An accepted connection's pipe: the socket must
    /// [`detach`](Socket::detach) it. What the peer delivered stays
    /// receivable; what was queued towards it is discarded.
    Detach(PipeId),
    /// A connecter's pipe: the socket keeps it, with what the application
    /// queued, and the connecter hands it to its next connection's link
    /// ([`attach_pipe`]). If the connecter is gone too, detach it.
    Keep(PipeId, End),
}

/// One connection's protocol state (see the module docs for the calls).
pub struct Link {
    session: Session,
    role: Role,
    /// The pipe, once attached. Invariant: `pipe` and `end` are both set or
    /// both unset.
    pipe: Option<PipeId>,
    /// The transport's end of `pipe`: reads what the socket routed to the
    /// peer and writes what the peer sent, without the socket's lock.
    end: Option<End>,
    /// The end may have messages to read: it was told of input (or just
    /// attached) and has not gone idle since.
    out_awake: bool,
    state: State,
    /// The chunks of the write in flight (empty: none). Invariant: at most
    /// one write in flight per connection, so bytes are never reordered.
    sending: Vec<Bytes>,
    /// See [`OUT_BATCH`].
    out_batch: usize,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("role", &self.role)
            .field("state", &self.state)
            .field("pipe", &self.pipe)
            .field("out_awake", &self.out_awake)
            .field("sending", &self.sending.len())
            .field("session", &self.session)
            .finish()
    }
}

impl Link {
    /// A link for a connection whose transport is up, with its session
    /// (which has queued its first greeting bytes already).
    pub fn new(session: Session, role: Role) -> Link {
        Link {
            session,
            role,
            pipe: None,
            end: None,
            out_awake: false,
            state: State::Open,
            sending: Vec::new(),
            out_batch: OUT_BATCH,
        }
    }

    /// Sets how many encoded bytes may wait for a write (see [`OUT_BATCH`]).
    pub fn with_out_batch(mut self, bytes: usize) -> Link {
        self.out_batch = bytes;
        self
    }

    /// The ZMTP session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Which side made the connection.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Where the link is in its life.
    pub fn state(&self) -> State {
        self.state
    }

    /// The pipe, once attached.
    pub fn pipe(&self) -> Option<PipeId> {
        self.pipe
    }

    /// The handshake is complete (and the session alive).
    pub fn is_established(&self) -> bool {
        self.session.is_established()
    }

    /// The socket closed ([`close`](Self::close)).
    pub fn is_closing(&self) -> bool {
        self.state == State::Closing
    }

    /// The connection is gone; the link only delivers what it holds.
    pub fn is_draining(&self) -> bool {
        self.state.is_draining()
    }

    /// Messages wait in the pipe for the peer.
    pub fn has_queued(&self) -> bool {
        self.end.as_ref().is_some_and(|e| e.in_len() > 0)
    }

    /// Gives the link its pipe, after [`Input::Ready`]. The socket's end
    /// must already be attached (and `end`'s notifier set), so whatever the
    /// socket queued before is read at once.
    pub fn attach(&mut self, pipe: PipeId, end: End) {
        debug_assert!(self.pipe.is_none(), "attached twice");
        self.pipe = Some(pipe);
        self.end = Some(end);
        self.out_awake = true;
    }

    /// Bytes read from the peer.
    #[inline]
    pub fn handle_input(&mut self, data: &[u8]) {
        self.session.handle_input(data);
    }

    /// The driver should keep a read going: the session wants more input,
    /// the connection is not gone, and a closing socket reads only to
    /// finish its handshake (a lingering connecter's new connection must
    /// complete it before it can flush).
    pub fn wants_input(&self) -> bool {
        self.session.wants_input()
            && !self.state.is_draining()
            && (self.state != State::Closing || !self.session.is_established())
    }

    /// The driver may start a read (with [`wants_input`](Self::wants_input)):
    /// not while paused — the socket's room restarts it — nor once the
    /// connection is gone.
    pub fn may_read(&self) -> bool {
        matches!(self.state, State::Open | State::Closing)
    }

    /// Decodes what the session holds and writes whole messages to the pipe
    /// while it has room; publishes them with one flush per batch.
    /// `on_message` sees each message before it enters the pipe (the
    /// engine stamps a sample for the receive latency there).
    #[inline]
    pub fn pump_in(&mut self, mut on_message: impl FnMut(&mut Multipart)) -> Input {
        let mut wrote = false;
        let step = loop {
            if let Some(end) = self.end.as_mut() {
                if !end.has_room() {
                    if wrote {
                        // The socket must see these to make room.
                        end.flush();
                        wrote = false;
                    }
                    if !end.wait_for_room() {
                        // The socket's release tells the driver.
                        self.state.set_blocked(true);
                        break None;
                    }
                }
            }
            match self.session.poll_event() {
                None => {
                    self.state.set_blocked(false);
                    break None;
                }
                Some(Ok(Event::Message(mut m))) => match self.end.as_mut() {
                    Some(end) => {
                        on_message(&mut m);
                        end.write(m);
                        wrote = true;
                    }
                    None => debug_assert!(false, "message before READY"),
                },
                Some(Ok(Event::Ready(peer))) => break Some(Ok(peer)),
                Some(Err(e)) => break Some(Err(e)),
            }
        };
        if wrote {
            if let Some(end) = self.end.as_ref() {
                end.flush();
            }
        }
        match step {
            // Its peer left earlier; the last of what it sent is delivered.
            None if self.state == (State::Draining { waiting: false }) => Input::Drained,
            None => Input::Done,
            Some(Ok(peer)) => Input::Ready(PeerMeta {
                socket_type: peer.socket_type,
                identity: peer.identity,
            }),
            Some(Err(e)) => Input::Failed(e),
        }
    }

    /// The pipe's notifier reported input from the socket, or room towards
    /// it. True if input was waiting for room: call
    /// [`pump_in`](Self::pump_in) (then [`pump_out`](Self::pump_out)).
    pub fn notified(&mut self) -> bool {
        self.out_awake = true;
        self.state.is_blocked()
    }

    /// Reads what the socket queued and encodes it into the session, until
    /// a batch of output waits. Goes idle when the pipe is empty (the
    /// socket's next write then notifies the driver); stays awake when the
    /// batch is full (call again once a write is done). `on_message` sees
    /// each message as it is encoded (the engine ends a sampled message's
    /// send latency there).
    #[inline]
    pub fn pump_out(&mut self, mut on_message: impl FnMut(&Multipart)) {
        if self.state.is_draining() {
            // Nobody to write to; a connecter's pipe keeps its messages for
            // the next connection.
            return;
        }
        let batch = self.out_batch;
        if let (true, Some(end)) = (self.out_awake, self.end.as_mut()) {
            let session = &mut self.session;
            if session.is_established() {
                let mut took = false;
                while session.output_len() < batch {
                    if let Some(m) = end.read() {
                        on_message(&m);
                        session.send(&m);
                        took = true;
                        continue;
                    }
                    if took {
                        // Room in the pipe: a sender blocked at the HWM
                        // is told once it is down to the low-water mark.
                        end.release();
                        took = false;
                    }
                    if !end.idle() {
                        self.out_awake = false;
                        break;
                    }
                }
                if took {
                    end.release();
                }
            }
        }
    }

    /// The chunks to write next, if no write is in flight and anything is
    /// encoded: one `send` for one chunk, one vectored write for several
    /// (large frames are chunks of their own, from the application's
    /// buffers). Then [`sent`](Self::sent) once the write completes.
    pub fn poll_transmit(&mut self) -> Option<&[Bytes]> {
        if !self.sending.is_empty() || self.state.is_draining() {
            return None;
        }
        self.session.take_output_vectored(&mut self.sending);
        if self.sending.is_empty() {
            None
        } else {
            Some(&self.sending)
        }
    }

    /// The write in flight, if any (what [`poll_transmit`](Self::poll_transmit)
    /// or [`sent`](Self::sent) returned last).
    pub fn in_flight(&self) -> &[Bytes] {
        &self.sending
    }

    /// The write in flight completed with `n` bytes taken. Returns the rest
    /// to write again after a short write; `None` once the write is done
    /// (then [`pump_out`](Self::pump_out) and
    /// [`poll_transmit`](Self::poll_transmit) again).
    pub fn sent(&mut self, mut n: usize) -> Option<&[Bytes]> {
        // Whole chunks are removed in one drain: with thousands of chunks,
        // removing them one by one from the front is quadratic.
        let mut whole = 0;
        for chunk in &mut self.sending {
            if n >= chunk.len() {
                n -= chunk.len();
                whole += 1;
            } else {
                *chunk = chunk.slice(n..);
                break;
            }
        }
        self.sending.drain(..whole);
        if self.sending.is_empty() {
            None
        } else {
            Some(&self.sending)
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) is due (a heartbeat,
    /// the handshake's deadline); `None` if no timer runs. It may have
    /// passed already: call `handle_timeout` at once then.
    pub fn poll_timeout(&self) -> Option<Duration> {
        if self.state.is_draining() {
            // No heartbeat can fail a peer that is already gone.
            return None;
        }
        self.session.poll_timeout()
    }

    /// Tells the link the time (on the session's clock). An error means
    /// the session is dead: end the connection.
    pub fn handle_timeout(&mut self, now: Duration) -> Result<(), zmtp::Error> {
        if self.state.is_draining() {
            return Ok(());
        }
        self.session.handle_timeout(now)
    }

    /// The socket closed: flush what is queued, read only to finish a
    /// handshake. See [`is_flushed`](Self::is_flushed).
    pub fn close(&mut self) {
        if !self.state.is_draining() {
            self.state = State::Closing;
        }
    }

    /// Nothing is left to write: the pipe holds nothing for the peer, the
    /// session nothing encoded, no write is in flight — or the connection
    /// is gone and there is nobody to flush to. (A link still in its
    /// handshake has sent nothing yet; whether it is worth waiting for is
    /// the driver's call: a connecter's with messages queued for it is.)
    pub fn is_flushed(&self) -> bool {
        self.state.is_draining()
            || (!self.has_queued() && self.session.output_len() == 0 && self.sending.is_empty())
    }

    /// Whether a closing socket may close this connection now (linger): an
    /// established link once it [is flushed](Self::is_flushed); one still in
    /// its handshake has sent nothing yet and is waited for only when it is
    /// a connecter's and `queued` (the connecter's pipe holds messages for
    /// it). The one rule both drivers apply.
    pub fn may_close(&self, queued: bool) -> bool {
        if self.is_established() {
            self.is_flushed()
        } else {
            !(self.role == Role::Connecter && queued)
        }
    }

    /// The connection is gone (end of stream, an error). True if the link
    /// is kept to deliver input that waits for room in the pipe: the
    /// session may have read well past the pipe's HWM (up to its input
    /// high-water mark) before the end, and ending now would lose messages
    /// the peer sent before leaving. The driver then keeps it, reading and
    /// writing nothing, until [`pump_in`](Self::pump_in) returns
    /// [`Input::Drained`]. False: [`finish`](Self::finish) it now.
    pub fn lose(&mut self) -> bool {
        // `Paused`: the last `pump_in` stopped for lack of room, so the
        // session may hold more. A closing socket's input has no reader; a
        // dead (or never established) session has nothing to give.
        let waiting =
            self.state == State::Paused && self.end.is_some() && self.session.is_established();
        if waiting {
            self.state = State::Draining { waiting: true };
        }
        waiting
    }

    /// Ends the link: what becomes of its pipe (see [`Leftover`]).
    pub fn finish(self) -> Leftover {
        match (self.pipe, self.end, self.role) {
            (Some(p), Some(end), Role::Connecter) => Leftover::Keep(p, end),
            (Some(p), _, _) => Leftover::Detach(p),
            (None, _, _) => Leftover::Nothing,
        }
    }
}

/// The pipe for a link whose handshake completed ([`Input::Ready`]): the
/// one its connecter `kept` from an earlier connection, if the socket still
/// has it — the socket *hiccups* it: SUB/XSUB send their subscriptions
/// again, PUB/XPUB forget the old connection's — or a new one. Set the
/// end's notifier before the driver's next turn, then [`Link::attach`].
///
/// # Errors
/// As [`Socket::attach`]: the peer's type is incompatible, or the socket
/// refuses another peer. The connection should then end.
pub fn attach_pipe(
    socket: &mut Socket,
    kept: Option<(PipeId, End)>,
    peer: PeerMeta,
) -> Result<(PipeId, End), Error> {
    match kept {
        Some((p, end)) if socket.pipe(p).is_some() => {
            socket.hiccup(p);
            Ok((p, end))
        }
        _ => socket.attach(peer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zmtp::SessionConfig;
    use crate::SocketType::{self, Pull, Push};

    /// A connecter's link on `a`, an accepted one on `b`, handshaken by
    /// moving whole writes across.
    struct Pair {
        a: (Socket, Link),
        b: (Socket, Link),
    }

    fn side(t: SocketType, role: Role) -> (Socket, Link) {
        let session = Session::new(SessionConfig::new(t), Duration::ZERO);
        (Socket::new(t), Link::new(session, role))
    }

    /// Writes what `from` has to `to`; true if anything moved.
    fn carry(from: &mut Link, to: &mut Link) -> bool {
        let Some(chunks) = from.poll_transmit() else {
            return false;
        };
        let bytes: Vec<u8> = chunks.concat();
        to.handle_input(&bytes);
        assert!(from.sent(bytes.len()).is_none());
        true
    }

    fn deliver((socket, link): &mut (Socket, Link)) {
        loop {
            match link.pump_in(|_| {}) {
                Input::Done => return,
                Input::Ready(peer) => {
                    let (p, end) = attach_pipe(socket, None, peer).unwrap();
                    link.attach(p, end);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    impl Pair {
        fn new(a: SocketType, b: SocketType) -> Pair {
            let mut pair = Pair {
                a: side(a, Role::Connecter),
                b: side(b, Role::Accepted),
            };
            pair.settle();
            assert!(pair.a.1.pipe().is_some() && pair.b.1.pipe().is_some());
            pair
        }

        fn settle(&mut self) {
            loop {
                self.a.1.pump_out(|_| {});
                self.b.1.pump_out(|_| {});
                let ab = carry(&mut self.a.1, &mut self.b.1);
                let ba = carry(&mut self.b.1, &mut self.a.1);
                deliver(&mut self.a);
                deliver(&mut self.b);
                self.a.0.process_arrivals();
                self.b.0.process_arrivals();
                if !ab && !ba {
                    return;
                }
            }
        }
    }

    #[test]
    fn a_short_write_keeps_the_rest_in_flight_and_nothing_else_is_taken() {
        let mut p = Pair::new(Push, Pull);
        let (socket, link) = &mut p.a;
        socket.send(Multipart::single("hello")).unwrap();
        link.notified();
        link.pump_out(|_| {});
        let total: usize = link.poll_transmit().unwrap().iter().map(Bytes::len).sum();
        let rest: usize = link.sent(3).unwrap().iter().map(Bytes::len).sum();
        assert_eq!(rest, total - 3);
        socket.send(Multipart::single("again")).unwrap();
        link.notified();
        link.pump_out(|_| {});
        assert!(link.poll_transmit().is_none(), "one write in flight");
        assert_eq!(link.in_flight().iter().map(Bytes::len).sum::<usize>(), rest);
        assert!(link.sent(rest).is_none());
        assert!(link.poll_transmit().is_some(), "then the next");
    }

    #[test]
    fn lose_keeps_only_a_link_that_waits_for_room() {
        let mut p = Pair::new(Push, Pull);
        assert!(!p.b.1.lose(), "nothing waits: finish at once");
        let mut p = Pair::new(Push, Pull);
        let hwm = p.b.0.options().rcvhwm;
        for n in 0..hwm + 5 {
            p.a.0.send(Multipart::single(n.to_string())).unwrap();
            p.a.1.notified();
            p.settle();
        }
        assert_eq!(p.b.1.state(), State::Paused);
        assert!(p.b.1.lose());
        assert_eq!(p.b.1.state(), State::Draining { waiting: true });
        assert!(
            p.b.1.poll_timeout().is_none(),
            "no heartbeat for a gone peer"
        );
        assert!(p.b.1.poll_transmit().is_none(), "nothing more written");
        for _ in 0..hwm {
            p.b.0.recv().unwrap();
        }
        assert!(p.b.1.notified(), "room: deliver the rest");
        assert!(matches!(p.b.1.pump_in(|_| {}), Input::Drained));
    }

    #[test]
    fn a_connecter_keeps_its_pipe_an_accepted_connection_gives_it_up() {
        let p = Pair::new(Push, Pull);
        let (a_pipe, b_pipe) = (p.a.1.pipe().unwrap(), p.b.1.pipe().unwrap());
        assert!(matches!(p.a.1.finish(), Leftover::Keep(id, _) if id == a_pipe));
        assert!(matches!(p.b.1.finish(), Leftover::Detach(id) if id == b_pipe));
        let (_, unattached) = side(Push, Role::Connecter);
        assert!(matches!(unattached.finish(), Leftover::Nothing));
    }
}
