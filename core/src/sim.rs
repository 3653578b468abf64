//! A deterministic network in memory: sockets wired to each other through
//! real ZMTP sessions (greeting, READY, frames), with bounded "wires"
//! standing in for TCP buffers. No threads, no sockets, no clock: [`Net::pump`]
//! moves everything that can move, in a fixed order, so a topology behaves
//! the same on every run.
//!
//! Each side of a connection is a [`Link`], driven as the io_uring engine
//! drives one: woken by its pipe's notifier, paused when the pipe is full,
//! one write in flight (short when the wire is full), linger on close, a
//! connecter's pipe kept across reconnects, input delivered after the peer
//! hung up. So the engine's behaviours are tested here, in memory.
//!
//! The spec tests are written on it, and it is a way to try a topology
//! without any I/O:
//!
//! ```
//! use ringmq_core::sim::Net;
//! use ringmq_core::SocketType::{Pub, Sub};
//!
//! let mut net = Net::new();
//! let publisher = net.socket(Pub);
//! let subscriber = net.socket(Sub);
//! net.s(subscriber).subscribe(b"EUR").unwrap();
//! net.connect(subscriber, publisher);
//! net.send(publisher, &["EURUSD 1.0842"]);
//! net.send(publisher, &["USDJPY 151.20"]);
//! assert_eq!(net.recv(subscriber).unwrap(), ["EURUSD 1.0842"]);
//! assert!(net.recv(subscriber).is_err(), "USDJPY was filtered out");
//! ```
//!
//! A link can be *frozen* (nothing moves on it, like a TCP peer whose
//! window is zero) to observe a sender's mute state exactly at its HWM, and
//! *cut* (the connection dies and both sides give up) to observe what
//! happens when a peer goes. [`Net::lose`] (a reset), [`Net::hang_up`] (one
//! side closes) and [`Net::close`] (the application closes a socket, with
//! linger) end only the connection: the connecting side keeps its pipe for
//! [`Net::reconnect`].

use crate::link::{attach_pipe, Input, Leftover, Link, Role};
use crate::options::Options;
use crate::pipe::{End as PipeEnd, Notify};
use crate::zmtp::Session;
use crate::{Error, Multipart, PipeId, Socket, SocketType};
use bytes::{Buf, BytesMut};
use core::time::Duration;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Bytes a wire holds before the writer must wait: a small TCP buffer. A
/// write that does not fit is short, and the rest waits.
pub const WIRE_LIMIT: usize = 4096;
/// Bytes a session may have encoded but not yet written before the link
/// stops reading its pipe (the links' output batch).
pub const SESSION_OUT_LIMIT: usize = 4096;

/// A socket in the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sock(usize);

/// A connection between two sockets: made by [`Net::connect`], it lives on
/// through reconnections ([`Net::reconnect`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkId(usize);

/// How a link ended, if it did.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkState {
    /// Handshake in progress or done.
    Up,
    /// One side refused the other (handshake error or attach refused).
    Refused(String),
    /// Cut by the test.
    Cut,
    /// The connection ended ([`Net::lose`], [`Net::hang_up`], a lingering
    /// socket's close); the connecting side keeps its pipe for
    /// [`Net::reconnect`].
    Down,
}

/// A pipe's notifier: the socket wrote to the pipe, or made room in it.
/// One per connecting role, so a pipe kept across reconnects still reaches
/// whichever connection it has (as the engine's `PumpTarget::Connecter`).
#[derive(Default)]
struct Flag(AtomicBool);

impl Notify for Flag {
    fn input(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn room(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// One side of a connection.
struct Side {
    sock: usize,
    /// `None` once its link finished.
    link: Option<Link>,
    /// Its connection ended: it reads and writes no more (a link kept for
    /// its input only delivers).
    gone: bool,
    /// It hung up: once the other side has read `wire`, it sees the end of
    /// the stream.
    hung_up: bool,
    /// Bytes written by this side, not yet read by the other.
    wire: BytesMut,
}

struct Connection {
    /// `[connecting side, accepting side]`.
    sides: [Side; 2],
    state: LinkState,
    frozen: bool,
    /// The connecting side's pipe between connections.
    kept: Option<(PipeId, PipeEnd)>,
    notify: [Arc<Flag>; 2],
}

/// The network.
pub struct Net {
    sockets: Vec<Socket>,
    /// Per socket: closed, with its linger deadline (`None`: forever).
    closed: Vec<Option<Option<Duration>>>,
    conns: Vec<Connection>,
    now: Duration,
    /// Largest chunk handed to a session at once (1 = byte by byte).
    pub chunk: usize,
}

impl Default for Net {
    fn default() -> Self {
        Self::new()
    }
}

impl Net {
    /// An empty network.
    pub fn new() -> Self {
        Net {
            sockets: Vec::new(),
            closed: Vec::new(),
            conns: Vec::new(),
            now: Duration::ZERO,
            chunk: usize::MAX,
        }
    }

    /// Adds a socket with default options.
    pub fn socket(&mut self, t: SocketType) -> Sock {
        self.socket_with(t, Options::default())
    }

    /// Adds a socket with the given options.
    pub fn socket_with(&mut self, t: SocketType, options: Options) -> Sock {
        self.sockets.push(Socket::with_options(t, options));
        self.closed.push(None);
        Sock(self.sockets.len() - 1)
    }

    /// Adds a socket with the given send and receive high-water marks.
    pub fn socket_hwm(&mut self, t: SocketType, sndhwm: usize, rcvhwm: usize) -> Sock {
        self.socket_with(
            t,
            Options {
                sndhwm,
                rcvhwm,
                ..Options::default()
            },
        )
    }

    /// The core socket, to call send/recv/options on.
    pub fn s(&mut self, s: Sock) -> &mut Socket {
        &mut self.sockets[s.0]
    }

    fn side(&self, s: usize, role: Role) -> Side {
        let sock = &self.sockets[s];
        let cfg = sock.options().session_config(sock.socket_type());
        let mut link =
            Link::new(Session::new(cfg, self.now), role).with_out_batch(SESSION_OUT_LIMIT);
        if self.closed[s].is_some() {
            link.close();
        }
        Side {
            sock: s,
            link: Some(link),
            gone: false,
            hung_up: false,
            wire: BytesMut::new(),
        }
    }

    /// Connects `a` to `b` (a is the ZMTP client side) and runs the handshake.
    pub fn connect(&mut self, a: Sock, b: Sock) -> LinkId {
        let conn = Connection {
            sides: [
                self.side(a.0, Role::Connecter),
                self.side(b.0, Role::Accepted),
            ],
            state: LinkState::Up,
            frozen: false,
            kept: None,
            notify: [Arc::default(), Arc::default()],
        };
        self.conns.push(conn);
        let id = LinkId(self.conns.len() - 1);
        self.pump();
        id
    }

    /// The link's state.
    pub fn state(&self, l: LinkId) -> &LinkState {
        &self.conns[l.0].state
    }

    /// The pipe `s` has for link `l`, once attached (the connecting side's
    /// also between connections).
    pub fn pipe_of(&self, l: LinkId, s: Sock) -> Option<PipeId> {
        let c = &self.conns[l.0];
        let i = c.sides.iter().position(|e| e.sock == s.0)?;
        c.sides[i]
            .link
            .as_ref()
            .and_then(Link::pipe)
            .or_else(|| c.kept.as_ref().filter(|_| i == 0).map(|k| k.0))
    }

    /// The link of `s` on `l`, while its connection lasts (or drains).
    pub fn link(&self, l: LinkId, s: Sock) -> Option<&Link> {
        let c = &self.conns[l.0];
        c.sides.iter().find(|e| e.sock == s.0)?.link.as_ref()
    }

    /// Stops everything on the link in both directions: nothing leaves either
    /// socket's pipe, so a sender's queue fills to exactly its HWM.
    pub fn freeze(&mut self, l: LinkId) {
        self.conns[l.0].frozen = true;
    }

    /// Lets the wire carry bytes again.
    pub fn thaw(&mut self, l: LinkId) {
        self.conns[l.0].frozen = false;
        self.pump();
    }

    /// Ends the link for good, as `disconnect` on the connecting side with
    /// its peer gone too: both sockets detach their pipe. Bytes on the wire
    /// are lost, as with a reset TCP connection.
    pub fn cut(&mut self, l: LinkId) {
        if matches!(self.conns[l.0].state, LinkState::Up | LinkState::Down) {
            self.end_for_good(l.0, LinkState::Cut);
        }
    }

    /// The connection breaks (a reset): bytes on the wire are lost. Each
    /// side's link delivers what its session already holds; the accepting
    /// socket then detaches its pipe, the connecting one keeps its pipe —
    /// and what the application queued in it — for [`reconnect`](Self::reconnect).
    pub fn lose(&mut self, l: LinkId) {
        let c = &mut self.conns[l.0];
        if c.state != LinkState::Up {
            return;
        }
        c.state = LinkState::Down;
        for side in 0..2 {
            c.sides[side].wire.clear();
        }
        for side in 0..2 {
            self.lose_side(l.0, side);
        }
        self.pump();
    }

    /// `s`'s side closes its connection (an orderly shutdown, as a process
    /// that exits): what it has written reaches the peer, which then sees
    /// the end of the stream; what its session had not written yet is lost.
    pub fn hang_up(&mut self, l: LinkId, s: Sock) {
        let side = self.conns[l.0]
            .sides
            .iter()
            .position(|e| e.sock == s.0)
            .expect("a socket of the link");
        self.hang_up_side(l.0, side);
        self.pump();
    }

    /// The connecting side connects again after the link went
    /// [`Down`](LinkState::Down): new sessions, a new handshake, and the
    /// pipe it kept (the socket *hiccups* it).
    ///
    /// # Panics
    /// If the link is not down, or its old connection still delivers input.
    pub fn reconnect(&mut self, l: LinkId) {
        let c = &self.conns[l.0];
        assert_eq!(c.state, LinkState::Down, "only a link that is down");
        assert!(
            c.sides.iter().all(|e| e.link.is_none()),
            "the old connection still delivers"
        );
        let (a, b) = (c.sides[0].sock, c.sides[1].sock);
        let sides = [self.side(a, Role::Connecter), self.side(b, Role::Accepted)];
        let c = &mut self.conns[l.0];
        c.sides = sides;
        c.state = LinkState::Up;
        self.pump();
    }

    /// The application closes `s`: its links flush what is queued for up to
    /// `linger` (`None`: until written), reading only to finish a
    /// handshake, then hang up. A connecting side whose connection is down
    /// keeps its pipe while something waits in it (deliver it with
    /// [`reconnect`](Self::reconnect)), unless `s` is a SUB or XSUB, whose
    /// queue holds only subscriptions.
    pub fn close(&mut self, s: Sock, linger: Option<Duration>) {
        self.closed[s.0] = Some(linger.map(|d| self.now + d));
        for c in &mut self.conns {
            for e in &mut c.sides {
                if e.sock == s.0 {
                    if let Some(link) = e.link.as_mut() {
                        link.close();
                    }
                }
            }
        }
        self.pump();
    }

    /// Advances the clock and fires session timers (and linger deadlines).
    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        for ci in 0..self.conns.len() {
            for side in 0..2 {
                let e = &mut self.conns[ci].sides[side];
                let Some(link) = e.link.as_mut().filter(|_| !e.gone) else {
                    continue;
                };
                if let Err(err) = link.handle_timeout(self.now) {
                    self.end_for_good(ci, LinkState::Refused(format!("{err}")));
                    break;
                }
            }
        }
        self.pump();
    }

    /// Ends the connection and the link: every pipe it had is detached.
    fn end_for_good(&mut self, ci: usize, state: LinkState) {
        let c = &mut self.conns[ci];
        c.state = state;
        let mut pipes = Vec::new();
        for e in &mut c.sides {
            e.gone = true;
            e.wire.clear();
            if let Some(link) = e.link.take() {
                match link.finish() {
                    Leftover::Nothing => {}
                    Leftover::Detach(p) | Leftover::Keep(p, _) => pipes.push((e.sock, p)),
                }
            }
        }
        if let Some((p, _)) = c.kept.take() {
            pipes.push((c.sides[0].sock, p));
        }
        for (s, p) in pipes {
            self.sockets[s].detach(p);
        }
    }

    /// `side`'s connection is gone: its link delivers what it holds, then
    /// finishes.
    fn lose_side(&mut self, ci: usize, side: usize) {
        let e = &mut self.conns[ci].sides[side];
        e.gone = true;
        if e.link.as_mut().is_some_and(Link::lose) {
            return;
        }
        self.finish_side(ci, side);
    }

    fn hang_up_side(&mut self, ci: usize, side: usize) {
        let c = &mut self.conns[ci];
        if c.state == LinkState::Up {
            c.state = LinkState::Down;
        }
        c.sides[side].hung_up = true;
        c.sides[side].gone = true;
        self.finish_side(ci, side);
    }

    fn finish_side(&mut self, ci: usize, side: usize) {
        let c = &mut self.conns[ci];
        let Some(link) = c.sides[side].link.take() else {
            return;
        };
        match link.finish() {
            Leftover::Nothing => {}
            Leftover::Detach(p) => self.sockets[c.sides[side].sock].detach(p),
            Leftover::Keep(p, end) => c.kept = Some((p, end)),
        }
    }

    /// Moves messages and bytes until nothing more can move. Each round
    /// also lets every socket take what its pipes brought (what an
    /// application thread does at its next call), so filtering and
    /// subscriptions act as soon as messages arrive.
    pub fn pump(&mut self) {
        for _round in 0..1_000_000 {
            let mut moved = false;
            for ci in 0..self.conns.len() {
                moved |= self.pump_conn(ci);
            }
            for s in &mut self.sockets {
                s.process_arrivals();
            }
            moved |= self.check_linger();
            if !moved {
                return;
            }
        }
        panic!("network did not settle");
    }

    fn pump_conn(&mut self, ci: usize) -> bool {
        if self.conns[ci].frozen {
            return false;
        }
        let mut moved = false;
        for side in 0..2 {
            let other = 1 - side;
            moved |= self.take_notice(ci, side);
            moved |= self.transmit(ci, side);
            // As the engine does: a link delivers when input arrived, or
            // when its pipe's notifier reported room (`take_notice`) —
            // never by polling, so a lost wake-up shows here.
            if self.carry(ci, side) {
                self.deliver(ci, other);
                moved = true;
            }
            moved |= self.end_of_stream(ci, side);
        }
        moved
    }

    /// What the pipe's notifier reported: input from the socket, or room.
    fn take_notice(&mut self, ci: usize, side: usize) -> bool {
        let c = &mut self.conns[ci];
        let Some(link) = c.sides[side].link.as_mut() else {
            return false;
        };
        if !c.notify[side].0.swap(false, Ordering::Relaxed) {
            return false;
        }
        if link.notified() {
            self.deliver(ci, side);
        }
        true
    }

    /// Socket → session → wire, bounded like a socket buffer.
    fn transmit(&mut self, ci: usize, side: usize) -> bool {
        let e = &mut self.conns[ci].sides[side];
        let Some(link) = e.link.as_mut().filter(|_| !e.gone) else {
            return false;
        };
        let mut moved = false;
        link.pump_out(|_| moved = true);
        let room = WIRE_LIMIT.saturating_sub(e.wire.len());
        if room == 0 {
            return moved;
        }
        if link.in_flight().is_empty() {
            link.poll_transmit();
        }
        let mut n = 0;
        for chunk in link.in_flight() {
            let take = chunk.len().min(room - n);
            e.wire.extend_from_slice(&chunk[..take]);
            n += take;
            if n == room {
                break;
            }
        }
        if n > 0 {
            link.sent(n);
            moved = true;
        }
        moved
    }

    /// `side`'s wire → the other side's session, while it wants input.
    fn carry(&mut self, ci: usize, side: usize) -> bool {
        let chunk = self.chunk;
        let [e0, e1] = &mut self.conns[ci].sides;
        let (from, to) = if side == 0 { (e0, e1) } else { (e1, e0) };
        let Some(link) = to.link.as_mut().filter(|_| !to.gone) else {
            // Nobody reads any more: what arrives is discarded.
            from.wire.clear();
            return false;
        };
        let mut moved = false;
        while !from.wire.is_empty() && link.wants_input() {
            let n = from.wire.len().min(chunk);
            link.handle_input(&from.wire[..n]);
            from.wire.advance(n);
            moved = true;
        }
        moved
    }

    /// `side`'s session → its socket, while the pipe has room.
    fn deliver(&mut self, ci: usize, side: usize) -> bool {
        let mut moved = false;
        loop {
            let c = &mut self.conns[ci];
            let e = &mut c.sides[side];
            let Some(link) = e.link.as_mut() else {
                return moved;
            };
            match link.pump_in(|_| moved = true) {
                Input::Done => return moved,
                Input::Ready(peer) => {
                    moved = true;
                    let kept = if side == 0 { c.kept.take() } else { None };
                    match attach_pipe(&mut self.sockets[e.sock], kept, peer) {
                        Ok((p, end)) => {
                            end.set_notify(c.notify[side].clone());
                            link.attach(p, end);
                        }
                        Err(err) => {
                            let why = format!("attach refused: {err}");
                            self.end_for_good(ci, LinkState::Refused(why));
                            return true;
                        }
                    }
                }
                Input::Failed(err) => {
                    self.end_for_good(ci, LinkState::Refused(format!("{err}")));
                    return true;
                }
                Input::Drained => {
                    self.finish_side(ci, side);
                    return true;
                }
            }
        }
    }

    /// `side` hung up and the other has read all it wrote: the other sees
    /// the end of the stream.
    fn end_of_stream(&mut self, ci: usize, side: usize) -> bool {
        let c = &self.conns[ci];
        let (from, to) = (&c.sides[side], &c.sides[1 - side]);
        if !from.hung_up || !from.wire.is_empty() || to.gone || to.link.is_none() {
            return false;
        }
        self.lose_side(ci, 1 - side);
        true
    }

    /// Hangs up the closed sockets' links that have flushed (or whose
    /// linger ran out), and lets go of their connecters' kept pipes once
    /// nothing waits in them.
    fn check_linger(&mut self) -> bool {
        let mut moved = false;
        for ci in 0..self.conns.len() {
            for side in 0..2 {
                let c = &self.conns[ci];
                let e = &c.sides[side];
                let Some(deadline) = self.closed[e.sock] else {
                    continue;
                };
                let expired = deadline.is_some_and(|d| d <= self.now);
                let queued = side == 0 && self.connecter_has_queued(ci);
                if let Some(link) = e.link.as_ref().filter(|_| !e.gone) {
                    let flushed = link.may_close(queued);
                    if flushed || expired {
                        self.hang_up_side(ci, side);
                        moved = true;
                    }
                } else if side == 0
                    && c.sides[0].link.is_none()
                    && c.kept.is_some()
                    && (!queued || expired)
                {
                    let s = c.sides[0].sock;
                    let (p, _) = self.conns[ci].kept.take().expect("checked");
                    self.sockets[s].detach(p);
                    moved = true;
                }
            }
        }
        moved
    }

    /// Messages wait for the connecting side's peer (in its link's pipe or
    /// the one it keeps). A SUB's or XSUB's queue holds only subscriptions,
    /// which mean nothing once the socket is closed.
    fn connecter_has_queued(&self, ci: usize) -> bool {
        let c = &self.conns[ci];
        let e = &c.sides[0];
        let in_link = e.link.as_ref().is_some_and(Link::has_queued);
        let in_kept = c.kept.as_ref().is_some_and(|(_, end)| end.in_len() > 0);
        !matches!(
            self.sockets[e.sock].socket_type(),
            SocketType::Sub | SocketType::XSub
        ) && (in_link || in_kept)
    }
}

/// A message from string frames.
pub fn msg(parts: &[&str]) -> Multipart {
    parts.iter().map(|p| p.as_bytes().to_vec()).collect()
}

/// A message's frames as strings (lossy), for readable assertions.
pub fn strs(m: &Multipart) -> Vec<String> {
    m.iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

impl Net {
    /// Sends and pumps; panics on error.
    pub fn send(&mut self, s: Sock, parts: &[&str]) {
        self.s(s).send(msg(parts)).expect("send");
        self.pump();
    }

    /// Tries to send, pumps, returns the error if any.
    pub fn try_send(&mut self, s: Sock, parts: &[&str]) -> Result<(), Error> {
        let r = self.s(s).send(msg(parts)).map_err(|e| e.error);
        self.pump();
        r
    }

    /// Receives one message as strings and pumps (so freed room lets more in).
    pub fn recv(&mut self, s: Sock) -> Result<Vec<String>, Error> {
        let r = self.s(s).recv().map(|m| strs(&m));
        self.pump();
        r
    }

    /// Receives everything waiting.
    pub fn recv_all(&mut self, s: Sock) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        while let Ok(m) = self.recv(s) {
            out.push(m);
        }
        out
    }
}

impl Net {
    /// Adds a socket announcing `id` as its routing identity.
    pub fn socket_id(&mut self, t: SocketType, id: &str) -> Sock {
        self.socket_with(
            t,
            Options {
                routing_id: bytes::Bytes::copy_from_slice(id.as_bytes()),
                ..Options::default()
            },
        )
    }

    /// Sends copies of a message until the socket refuses one; returns how
    /// many it took and the refusal.
    pub fn send_until_refused(&mut self, s: Sock, body: &str, limit: usize) -> (usize, Error) {
        for n in 0..limit {
            if let Err(e) = self.try_send(s, &[body]) {
                return (n, e);
            }
        }
        panic!("{limit} messages were all accepted");
    }
}
