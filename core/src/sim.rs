//! A deterministic network in memory: sockets wired to each other through
//! real ZMTP sessions (greeting, READY, frames), with bounded "wires"
//! standing in for TCP buffers. No threads, no sockets, no clock: [`Net::pump`]
//! moves everything that can move, in a fixed order, so a topology behaves
//! the same on every run.
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
//! *cut* (the connection dies) to observe what happens when a peer goes.

use crate::options::Options;
use crate::pipe::{End as PipeEnd, PeerMeta};
use crate::zmtp::{Event, Session, SessionConfig};
use crate::{Error, Multipart, PipeId, Socket, SocketType};
use bytes::{Buf, BytesMut};
use core::time::Duration;

/// Bytes a wire holds before the writer must wait: a small TCP buffer.
pub const WIRE_LIMIT: usize = 4096;
/// Bytes a session may have encoded but not yet written before the socket
/// stops handing it messages.
pub const SESSION_OUT_LIMIT: usize = 4096;

/// A socket in the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sock(usize);

/// A connection between two sockets.
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
}

struct End {
    sock: usize,
    session: Session,
    pipe: Option<PipeId>,
    /// The transport's end of the pipe, once attached.
    peer_end: Option<PipeEnd>,
    /// Bytes written by this end, not yet read by the other.
    wire: BytesMut,
}

struct Link {
    ends: [End; 2],
    state: LinkState,
    frozen: bool,
}

/// The network.
pub struct Net {
    sockets: Vec<Socket>,
    links: Vec<Link>,
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
            links: Vec::new(),
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

    /// Connects `a` to `b` (a is the ZMTP client side) and runs the handshake.
    pub fn connect(&mut self, a: Sock, b: Sock) -> LinkId {
        let end = |net: &Net, s: Sock| {
            let sock = &net.sockets[s.0];
            let mut cfg = SessionConfig::new(sock.socket_type());
            cfg.identity = sock.options().routing_id.clone();
            cfg.max_msg_size = sock.options().max_msg_size;
            End {
                sock: s.0,
                session: Session::new(cfg, net.now),
                pipe: None,
                peer_end: None,
                wire: BytesMut::new(),
            }
        };
        let link = Link {
            ends: [end(self, a), end(self, b)],
            state: LinkState::Up,
            frozen: false,
        };
        self.links.push(link);
        let id = LinkId(self.links.len() - 1);
        self.pump();
        id
    }

    /// The link's state.
    pub fn state(&self, l: LinkId) -> &LinkState {
        &self.links[l.0].state
    }

    /// The pipe `s` has for link `l`, once attached.
    pub fn pipe_of(&self, l: LinkId, s: Sock) -> Option<PipeId> {
        self.links[l.0]
            .ends
            .iter()
            .find(|e| e.sock == s.0)
            .and_then(|e| e.pipe)
    }

    /// Stops everything on the link in both directions: nothing leaves either
    /// socket's pipe, so a sender's queue fills to exactly its HWM.
    pub fn freeze(&mut self, l: LinkId) {
        self.links[l.0].frozen = true;
    }

    /// Lets the wire carry bytes again.
    pub fn thaw(&mut self, l: LinkId) {
        self.links[l.0].frozen = false;
        self.pump();
    }

    /// Kills the connection: both sockets detach their pipe. Bytes on the
    /// wire are lost, as with a reset TCP connection.
    pub fn cut(&mut self, l: LinkId) {
        let link = &mut self.links[l.0];
        if link.state != LinkState::Up {
            return;
        }
        link.state = LinkState::Cut;
        for e in &mut link.ends {
            e.peer_end = None;
            if let Some(p) = e.pipe.take() {
                self.sockets[e.sock].detach(p);
            }
        }
    }

    /// Advances the clock and fires session timers.
    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        for li in 0..self.links.len() {
            if self.links[li].state != LinkState::Up {
                continue;
            }
            for side in 0..2 {
                if let Err(e) = self.links[li].ends[side].session.handle_timeout(self.now) {
                    self.fail(li, format!("{e}"));
                    break;
                }
            }
        }
        self.pump();
    }

    fn fail(&mut self, li: usize, why: String) {
        let link = &mut self.links[li];
        link.state = LinkState::Refused(why);
        for e in &mut link.ends {
            e.peer_end = None;
            if let Some(p) = e.pipe.take() {
                self.sockets[e.sock].detach(p);
            }
        }
    }

    /// Moves messages and bytes until nothing more can move. Each round
    /// also lets every socket take what its pipes brought (what an
    /// application thread does at its next call), so filtering and
    /// subscriptions act as soon as messages arrive.
    pub fn pump(&mut self) {
        for _round in 0..1_000_000 {
            let mut moved = false;
            for li in 0..self.links.len() {
                moved |= self.pump_link(li);
            }
            for s in &mut self.sockets {
                s.process_arrivals();
            }
            if !moved {
                return;
            }
        }
        panic!("network did not settle");
    }

    fn pump_link(&mut self, li: usize) -> bool {
        let mut moved = false;
        if self.links[li].state != LinkState::Up || self.links[li].frozen {
            return false;
        }
        for side in 0..2 {
            // Socket -> session: encode while the session's buffer has room.
            let link = &mut self.links[li];
            let end = &mut link.ends[side];
            if let Some(pe) = end.peer_end.as_mut() {
                while end.session.output_len() < SESSION_OUT_LIMIT {
                    match pe.read() {
                        Some(m) => {
                            end.session.send(&m);
                            moved = true;
                        }
                        None => break,
                    }
                }
                pe.release();
            }
            // Session -> wire, bounded like a socket buffer.
            if end.wire.len() < WIRE_LIMIT {
                if let Some(b) = end.session.take_output() {
                    end.wire.extend_from_slice(&b);
                    moved = true;
                }
            }
            // Wire -> the other session, while it wants input.
            let other = 1 - side;
            {
                let [e0, e1] = &mut link.ends;
                let (from, to) = if side == 0 { (e0, e1) } else { (e1, e0) };
                while !from.wire.is_empty() && to.session.wants_input() {
                    let n = from.wire.len().min(self.chunk);
                    to.session.handle_input(&from.wire[..n]);
                    from.wire.advance(n);
                    moved = true;
                }
            }
            // The other session -> its socket, while the socket has room.
            moved |= self.drain_events(li, other);
            if self.links[li].state != LinkState::Up {
                return true;
            }
        }
        moved
    }

    fn drain_events(&mut self, li: usize, side: usize) -> bool {
        let mut moved = false;
        loop {
            let link = &mut self.links[li];
            let end = &mut link.ends[side];
            let sock = &mut self.sockets[end.sock];
            if let Some(pe) = &end.peer_end {
                if !pe.has_room() {
                    return moved;
                }
            }
            match end.session.poll_event() {
                None => return moved,
                Some(Ok(Event::Ready(peer))) => {
                    moved = true;
                    let meta = PeerMeta {
                        socket_type: peer.socket_type,
                        identity: peer.identity.clone(),
                    };
                    match sock.attach(meta) {
                        Ok((p, pe)) => {
                            end.pipe = Some(p);
                            end.peer_end = Some(pe);
                        }
                        Err(e) => {
                            self.fail(li, format!("attach refused: {e}"));
                            return true;
                        }
                    }
                }
                Some(Ok(Event::Message(m))) => {
                    moved = true;
                    let pe = end.peer_end.as_mut().expect("messages only after READY");
                    pe.write(m);
                    pe.flush();
                }
                Some(Err(e)) => {
                    self.fail(li, format!("{e}"));
                    return true;
                }
            }
        }
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
