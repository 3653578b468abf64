//! Bookkeeping for the I/O thread: a generation-checked slab, the
//! completion tokens, and the per-connection state.

use crate::driver::OpId;
use crate::engine::{Remote, TransportOptions};
use crate::shared::{Sampler, SharedSocket};
use ringmq_core::link::Link;
use ringmq_core::pipe::End;
use ringmq_core::zmtp::SessionConfig;
use ringmq_core::{Error, PipeId};
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A slot index plus the slot's generation when it was handed out, so a
/// completion that arrives after its connection was closed is recognised
/// and ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Key {
    index: u32,
    generation: u32,
}

/// A slab whose keys go stale when their slot is freed.
pub(crate) struct Slab<T> {
    slots: Vec<(u32, Option<T>)>,
    free: Vec<u32>,
    /// Occupied slots.
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    pub(crate) fn insert(&mut self, v: T) -> Key {
        let index = self.free.pop().unwrap_or_else(|| {
            self.slots.push((0, None));
            (self.slots.len() - 1) as u32
        });
        let slot = &mut self.slots[index as usize];
        slot.1 = Some(v);
        self.len += 1;
        Key {
            index,
            generation: slot.0,
        }
    }

    pub(crate) fn get(&self, k: Key) -> Option<&T> {
        let (g, v) = self.slots.get(k.index as usize)?;
        if *g == k.generation {
            v.as_ref()
        } else {
            None
        }
    }

    pub(crate) fn get_mut(&mut self, k: Key) -> Option<&mut T> {
        let (g, v) = self.slots.get_mut(k.index as usize)?;
        if *g == k.generation {
            v.as_mut()
        } else {
            None
        }
    }

    pub(crate) fn remove(&mut self, k: Key) -> Option<T> {
        let (g, v) = self.slots.get_mut(k.index as usize)?;
        if *g != k.generation {
            return None;
        }
        let out = v.take()?;
        self.len -= 1;
        // 24 bits of generation fit the token; wrapping is harmless because
        // a slot is reused only after its old completions have long passed.
        *g = (*g + 1) & 0x00ff_ffff;
        self.free.push(k.index);
        Some(out)
    }

    /// Occupied slots.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// What a completion's `user` value refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    Wake,
    Listener(Key),
    Conn(Key),
}

impl Token {
    pub(crate) fn encode(self) -> u64 {
        let (kind, k) = match self {
            Token::Wake => return 1 << 56,
            Token::Listener(k) => (2u64, k),
            Token::Conn(k) => (3u64, k),
        };
        kind << 56 | (k.generation as u64) << 32 | k.index as u64
    }

    pub(crate) fn decode(v: u64) -> Option<Token> {
        let k = Key {
            index: v as u32,
            generation: ((v >> 32) & 0x00ff_ffff) as u32,
        };
        match v >> 56 {
            1 => Some(Token::Wake),
            2 => Some(Token::Listener(k)),
            3 => Some(Token::Conn(k)),
            _ => None,
        }
    }
}

/// A bound endpoint accepting connections.
pub(crate) struct Listener {
    pub sock_id: u64,
    pub fd: OwnedFd,
    pub endpoint: String,
    pub ipc_path: Option<PathBuf>,
    /// Taken at bind: what each accepted connection's session starts from.
    pub session: SessionConfig,
    pub accept_op: Option<OpId>,
    /// Unbound (or its socket closed): the accept is being cancelled, and
    /// the listener goes once its final completion is in.
    pub closing: bool,
    /// Who waits for the port to be free (`unbind`).
    pub on_closed: Option<SyncSender<Result<(), Error>>>,
}

/// A connected endpoint: reconnects with backoff and keeps its pipe across
/// reconnections, so what the application queued is sent once the peer is
/// back (libzmq's behaviour for the connecting side).
pub(crate) struct Connecter {
    pub sock_id: u64,
    pub remote: Remote,
    pub endpoint: String,
    pub opts: TransportOptions,
    /// Taken at connect: what each connection's session starts from.
    pub session: SessionConfig,
    /// The current wait before the next attempt.
    pub backoff: Duration,
    pub conn: Option<Key>,
    pub pipe: Option<PipeId>,
    /// The transport's end of `pipe` while no connection holds it.
    pub end: Option<End>,
}

/// Where a connection came from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Origin {
    Accepted,
    Connecter(Key),
}

/// One tcp or ipc connection: the I/O (descriptor, operations in flight,
/// timer) around its [`Link`], which holds the protocol (session, pipe,
/// backpressure, linger).
pub(crate) struct Conn {
    pub sock: Arc<SharedSocket>,
    pub fd: OwnedFd,
    pub origin: Origin,
    /// `None` until the transport is up (a connect completes).
    pub link: Option<Link>,
    /// The multishot recv. Invariant: at most one.
    pub recv: Recv,
    /// The session timer currently in the heap.
    pub timer_at: Option<Instant>,
    /// The endpoint this connection belongs to: the bound one it was
    /// accepted on, or the one the application connected to.
    pub endpoint: String,
    /// The peer's address ("127.0.0.1:40412", an ipc path, "ipc").
    pub peer_addr: String,
    /// Its loss (disconnect, failed handshake) was reported as an event;
    /// closing it reports nothing more.
    pub reported: bool,
    /// Picks the inbound messages stamped for the receive latency.
    pub sampler: Sampler,
}

impl Conn {
    /// A connection of `sock` on `fd`, before its link starts.
    pub(crate) fn new(
        sock: Arc<SharedSocket>,
        fd: OwnedFd,
        origin: Origin,
        endpoint: String,
        peer_addr: String,
    ) -> Conn {
        Conn {
            sock,
            fd,
            origin,
            link: None,
            recv: Recv::Off,
            timer_at: None,
            endpoint,
            peer_addr,
            reported: false,
            sampler: Sampler::default(),
        }
    }
}

/// A connection's multishot recv.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recv {
    /// None armed.
    Off,
    /// Armed: completions bring input.
    Armed(OpId),
    /// A cancel was requested (backpressure, closing, the peer gone); its
    /// final completion turns it `Off`.
    Cancelling(OpId),
}

impl Recv {
    /// The operation, armed or being cancelled.
    pub(crate) fn op(self) -> Option<OpId> {
        match self {
            Recv::Off => None,
            Recv::Armed(op) | Recv::Cancelling(op) => Some(op),
        }
    }
}
