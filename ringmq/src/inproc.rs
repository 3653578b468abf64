//! `inproc://`: sockets of one context joined directly, with no I/O thread.
//!
//! A link is a pair of core pipes, one in each socket. Messages move from
//! one socket's outbound queue (`pop_outbound`) to the other's inbound queue
//! (`deliver`) right after every operation that may let one move: a send
//! (new output), a receive (new room), a subscription change, the link's
//! creation. So at rest nothing that could move is left behind, and a
//! blocked peer is woken by the thread that made progress possible.
//!
//! Both sockets are locked for a transfer, always in the order of their
//! `SharedSocket::id`, so two threads pumping the same link from either end
//! cannot deadlock. Nothing else ever holds two socket locks.

use crate::error::{Error, Result};
use crate::transport::{monotonic_ns, ConnEventKind, SharedSocket};
use ringmq_core::pipe::PeerMeta;
use ringmq_core::{Multipart, PipeId, Socket as CoreSocket};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A socket as its context and its inproc peers see it.
pub(crate) struct Entry {
    pub(crate) shared: Arc<SharedSocket>,
    /// Copy on write: a pump takes a reference to the current list (one
    /// atomic increment, no allocation per message); link and unlink swap
    /// in a new list.
    links: Mutex<Arc<Vec<Arc<Link>>>>,
    /// `links.len()`, read without the lock on every send and receive.
    n_links: AtomicUsize,
}

impl Entry {
    pub(crate) fn new(shared: Arc<SharedSocket>) -> Arc<Entry> {
        Arc::new(Entry {
            shared,
            links: Mutex::new(Arc::new(Vec::new())),
            n_links: AtomicUsize::new(0),
        })
    }

    fn id(&self) -> u64 {
        self.shared.id()
    }

    fn add_link(&self, link: Arc<Link>) {
        let mut links = lock(&self.links);
        Arc::make_mut(&mut links).push(link);
        self.n_links.store(links.len(), Ordering::Release);
    }

    fn remove_dead_links(&self) {
        let mut links = lock(&self.links);
        Arc::make_mut(&mut links).retain(|l| !l.is_dead());
        self.n_links.store(links.len(), Ordering::Release);
    }

    /// The current links, shared (no copy).
    fn links(&self) -> Arc<Vec<Arc<Link>>> {
        lock(&self.links).clone()
    }

    fn take_links(&self) -> Arc<Vec<Arc<Link>>> {
        let mut links = lock(&self.links);
        self.n_links.store(0, Ordering::Release);
        std::mem::take(&mut *links)
    }
}

/// The context's inproc name space.
#[derive(Default)]
pub(crate) struct Registry {
    /// Bound names. Invariant: each entry's socket is open.
    bound: HashMap<String, Arc<Entry>>,
    /// Connects made before the bind, completed by it (libzmq 4 allows
    /// connect-before-bind for inproc).
    pending: HashMap<String, Vec<Arc<Entry>>>,
}

struct End {
    sock: Arc<SharedSocket>,
    pipe: PipeId,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum LinkState {
    Up,
    /// `ends[side]` was closed with messages still queued for the other
    /// end: they keep moving (when the peer receives) until drained or the
    /// linger deadline, then the peer's pipe is detached.
    Closing {
        side: usize,
        deadline: Option<Instant>,
    },
    Dead,
}

/// One inproc connection.
struct Link {
    /// Invariant: `ends[0].sock.id() < ends[1].sock.id()`, the lock order.
    ends: [End; 2],
    /// The name the connecting side used, for `disconnect`.
    name: String,
    /// Which end connected.
    connector: usize,
    /// Only read or written with both sockets locked.
    state: Mutex<LinkState>,
}

impl Link {
    fn is_dead(&self) -> bool {
        *lock(&self.state) == LinkState::Dead
    }

    fn side_of(&self, id: u64) -> usize {
        usize::from(self.ends[1].sock.id() == id)
    }

    /// Locks both sockets in id order.
    fn lock_both(&self) -> (MutexGuard<'_, CoreSocket>, MutexGuard<'_, CoreSocket>) {
        debug_assert!(self.ends[0].sock.id() < self.ends[1].sock.id());
        let a = self.ends[0].sock.lock();
        let b = self.ends[1].sock.lock();
        (a, b)
    }

    fn wake_both(&self) {
        self.ends[0].sock.wake_waiters();
        self.ends[1].sock.wake_waiters();
    }

    /// Moves everything that can move, in both directions; finishes a
    /// closing link once drained. Returns false once the link is dead.
    fn pump(&self) -> bool {
        let (mut a, mut b) = self.lock_both();
        let mut state = lock(&self.state);
        let (pa, pb) = (self.ends[0].pipe, self.ends[1].pipe);
        let mut moved = false;
        match *state {
            LinkState::Dead => return false,
            LinkState::Up => {
                let (sa, sb) = (&self.ends[0].sock, &self.ends[1].sock);
                moved |= transfer((&mut a, sa, pa), (&mut b, pb));
                moved |= transfer((&mut b, sb, pb), (&mut a, pa));
            }
            LinkState::Closing { side, deadline } => {
                // Only the closed end's leftovers move; nobody reads its side.
                let (closed, cp, peer, pp) = if side == 0 {
                    (&mut *a, pa, &mut *b, pb)
                } else {
                    (&mut *b, pb, &mut *a, pa)
                };
                let cs = &self.ends[side].sock;
                moved |= transfer((closed, cs, cp), (peer, pp));
                let drained = closed.pipe(cp).is_none_or(|p| p.out_len() == 0);
                if drained || deadline.is_some_and(|d| Instant::now() >= d) {
                    peer.detach(pp);
                    *state = LinkState::Dead;
                    moved = true;
                }
            }
        }
        let alive = *state != LinkState::Dead;
        drop((state, a, b));
        if moved {
            self.wake_both();
        }
        alive
    }

    /// The socket at `ends[side]` is closing with `linger`.
    fn close_side(&self, side: usize, linger: Option<std::time::Duration>) {
        let (mut a, mut b) = self.lock_both();
        let mut state = lock(&self.state);
        if *state != LinkState::Up {
            return;
        }
        let (pa, pb) = (self.ends[0].pipe, self.ends[1].pipe);
        let (closed, cp, peer, pp) = if side == 0 {
            (&mut *a, pa, &mut *b, pb)
        } else {
            (&mut *b, pb, &mut *a, pa)
        };
        transfer((closed, &self.ends[side].sock, cp), (peer, pp));
        let drained = closed.pipe(cp).is_none_or(|p| p.out_len() == 0);
        if drained || linger == Some(std::time::Duration::ZERO) {
            peer.detach(pp);
            *state = LinkState::Dead;
        } else {
            *state = LinkState::Closing {
                side,
                deadline: linger.map(|l| Instant::now() + l),
            };
        }
        drop((state, a, b));
        self.wake_both();
    }

    /// Explicit disconnect: deliver what fits, then both pipes go.
    fn cut(&self) {
        let (mut a, mut b) = self.lock_both();
        let mut state = lock(&self.state);
        if *state == LinkState::Dead {
            return;
        }
        let (pa, pb) = (self.ends[0].pipe, self.ends[1].pipe);
        let (sa, sb) = (&self.ends[0].sock, &self.ends[1].sock);
        transfer((&mut a, sa, pa), (&mut b, pb));
        transfer((&mut b, sb, pb), (&mut a, pa));
        a.detach(pa);
        b.detach(pb);
        *state = LinkState::Dead;
        drop((state, a, b));
        self.wake_both();
    }
}

/// Moves whole messages from `from`'s pipe to `to`'s while `to` takes them.
///
/// For a sampled message (one with a stamp) the peer's queue is where the
/// send path ends, as the kernel is for tcp: its send latency is recorded
/// on `from`'s socket and it is stamped again, so the receiver's recv
/// measures from here.
// Inlined into its four callers, as it was before it had a sample to hand
// over: a call per direction per pump costs ~40 instructions a message.
#[inline(always)]
fn transfer(
    (from, from_shared, fp): (&mut CoreSocket, &SharedSocket, PipeId),
    (to, tp): (&mut CoreSocket, PipeId),
) -> bool {
    let mut moved = false;
    while to.can_deliver(tp) {
        let Some(mut msg) = from.pop_outbound(fp) else {
            break;
        };
        if let Some(sent_at) = msg.stamp() {
            hand_over_sample(&mut msg, sent_at, from_shared);
        }
        to.deliver(tp, msg);
        moved = true;
    }
    moved
}

/// Out of line: one message in 64 comes here, and the loop above stays
/// small enough to inline.
#[cold]
#[inline(never)]
fn hand_over_sample(msg: &mut Multipart, sent_at: u64, from: &SharedSocket) {
    let now = monotonic_ns();
    from.send_latency().push(now.saturating_sub(sent_at));
    msg.set_stamp(now);
}

/// Moves whatever can move on every inproc link of `entry`. Called after
/// each send, receive and subscription change.
pub(crate) fn pump(entry: &Entry) {
    if entry.n_links.load(Ordering::Acquire) == 0 {
        return;
    }
    let links = entry.links();
    let mut any_dead = false;
    for l in links.iter() {
        any_dead |= !l.pump();
    }
    if any_dead {
        entry.remove_dead_links();
    }
}

/// Joins `connector` to `binder`. Sockets of incompatible types (and a
/// socket connecting to itself) stay unconnected, without an error, as
/// libzmq's connect succeeds for them; a refused attach (PAIR already
/// paired, ROUTER identity in use) likewise leaves no pipe.
fn link(connector: &Arc<Entry>, binder: &Arc<Entry>, name: &str) {
    if connector.id() == binder.id() {
        return;
    }
    let (first, second, connector_side) = if connector.id() < binder.id() {
        (connector, binder, 0)
    } else {
        (binder, connector, 1)
    };
    let pipes = {
        let mut a = first.shared.lock();
        let mut b = second.shared.lock();
        let (ta, tb) = (a.socket_type(), b.socket_type());
        if !ta.is_compatible(tb) {
            return;
        }
        let meta_for_a = PeerMeta {
            socket_type: tb,
            identity: b.options().routing_id.clone(),
        };
        let meta_for_b = PeerMeta {
            socket_type: ta,
            identity: a.options().routing_id.clone(),
        };
        let Ok(pa) = a.attach(meta_for_a) else {
            return;
        };
        match b.attach(meta_for_b) {
            Ok(pb) => {
                let addr = format!("inproc://{name}");
                first.shared.set_peer_addr(&a, pa, addr.clone());
                second.shared.set_peer_addr(&b, pb, addr);
                [pa, pb]
            }
            Err(_) => {
                a.detach(pa);
                return;
            }
        }
    };
    let endpoint = format!("inproc://{name}");
    connector
        .shared
        .push_event(ConnEventKind::Connected, endpoint.clone(), "inproc");
    binder
        .shared
        .push_event(ConnEventKind::Accepted, "inproc", format!("on {endpoint}"));
    let link = Arc::new(Link {
        ends: [
            End {
                sock: first.shared.clone(),
                pipe: pipes[0],
            },
            End {
                sock: second.shared.clone(),
                pipe: pipes[1],
            },
        ],
        name: name.to_string(),
        connector: connector_side,
        state: Mutex::new(LinkState::Up),
    });
    first.add_link(link.clone());
    second.add_link(link.clone());
    // Subscriptions replayed at attach, and anything sent before.
    link.pump();
    link.wake_both();
}

/// `bind("inproc://name")`.
///
/// # Errors
/// `EADDRINUSE` if the name is bound already.
pub(crate) fn bind(reg: &Mutex<Registry>, entry: &Arc<Entry>, name: &str) -> Result<()> {
    let mut reg = lock(reg);
    if reg.bound.contains_key(name) {
        return Err(Error::EADDRINUSE);
    }
    reg.bound.insert(name.to_string(), entry.clone());
    entry
        .shared
        .push_event(ConnEventKind::Listening, format!("inproc://{name}"), "");
    for connector in reg.pending.remove(name).unwrap_or_default() {
        link(&connector, entry, name);
    }
    Ok(())
}

/// `connect("inproc://name")`: now if bound, else when it is.
pub(crate) fn connect(reg: &Mutex<Registry>, entry: &Arc<Entry>, name: &str) {
    let mut reg = lock(reg);
    match reg.bound.get(name).cloned() {
        Some(binder) => link(entry, &binder, name),
        None => reg
            .pending
            .entry(name.to_string())
            .or_default()
            .push(entry.clone()),
    }
}

/// `unbind("inproc://name")`: frees the name; existing connections stay,
/// as in libzmq.
///
/// # Errors
/// `ENOENT` if this socket has not bound the name.
pub(crate) fn unbind(reg: &Mutex<Registry>, entry: &Entry, name: &str) -> Result<()> {
    let mut reg = lock(reg);
    match reg.bound.get(name) {
        Some(e) if e.id() == entry.id() => {
            reg.bound.remove(name);
            Ok(())
        }
        _ => Err(Error::ENOENT),
    }
}

/// `disconnect("inproc://name")`: drops the connections this socket made
/// to the name (or its pending connect).
///
/// # Errors
/// `ENOENT` if there is none.
pub(crate) fn disconnect(reg: &Mutex<Registry>, entry: &Entry, name: &str) -> Result<()> {
    let mut found = false;
    {
        let mut reg = lock(reg);
        if let Some(p) = reg.pending.get_mut(name) {
            let before = p.len();
            p.retain(|e| e.id() != entry.id());
            found |= p.len() != before;
            if p.is_empty() {
                reg.pending.remove(name);
            }
        }
    }
    for l in entry.links().iter() {
        if l.name == name && l.side_of(entry.id()) == l.connector && !l.is_dead() {
            l.cut();
            found = true;
        }
    }
    entry.remove_dead_links();
    if found {
        Ok(())
    } else {
        Err(Error::ENOENT)
    }
}

/// The socket closes: its names are freed, its pending connects dropped,
/// and each link is closed with `linger` (queued messages keep moving to
/// the peer until drained or the deadline; `Some(0)` drops them).
pub(crate) fn close(reg: &Mutex<Registry>, entry: &Entry, linger: Option<std::time::Duration>) {
    {
        let mut reg = lock(reg);
        reg.bound.retain(|_, e| e.id() != entry.id());
        reg.pending.retain(|_, v| {
            v.retain(|e| e.id() != entry.id());
            !v.is_empty()
        });
    }
    for l in entry.take_links().iter() {
        l.close_side(l.side_of(entry.id()), linger);
    }
}
