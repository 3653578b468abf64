//! `inproc://`: sockets of one context joined directly, with no I/O thread.
//!
//! A link is one core pipe shared by two sockets: the connecting side's
//! socket creates it (`attach`) and the bound side's takes the other end
//! (`adopt`). A send writes the message into the pipe's lock-free queue and
//! the peer's next receive takes it from there: no socket is locked by the
//! other's thread, and nothing moves messages in between. The pipe wakes a
//! peer blocked in a receive (or a send at the high-water mark) only if it
//! went idle.
//!
//! Both sockets are locked to create and to cut a link, always in the
//! order of their `SharedSocket::id`, so two threads linking or
//! disconnecting the same pair cannot deadlock. Nothing else ever holds two
//! socket locks.

use crate::error::{Error, Result};
use crate::transport::{ConnEventKind, SharedSocket};
use ringmq_core::pipe::{Keep, PeerMeta};
use ringmq_core::PipeId;
use ringmq_uring::shared::CoreGuard;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A socket as its context and its inproc peers see it.
pub(crate) struct Entry {
    pub(crate) shared: Arc<SharedSocket>,
    /// Touched only when links come and go, never per message.
    links: Mutex<Vec<Arc<Link>>>,
    /// `links.len()`, read without the lock.
    n_links: AtomicUsize,
}

impl Entry {
    pub(crate) fn new(shared: Arc<SharedSocket>) -> Arc<Entry> {
        Arc::new(Entry {
            shared,
            links: Mutex::new(Vec::new()),
            n_links: AtomicUsize::new(0),
        })
    }

    fn id(&self) -> u64 {
        self.shared.id()
    }

    /// True if the socket has (or had, until it next cleans up) an inproc
    /// peer.
    pub(crate) fn has_links(&self) -> bool {
        self.n_links.load(Ordering::Relaxed) > 0
    }

    fn add_link(&self, link: Arc<Link>) {
        let mut links = lock(&self.links);
        // Links the peers closed go here, so the list stays as long as the
        // live ones (plus those closed since the last link).
        links.retain(|l| !l.is_dead());
        links.push(link);
        self.n_links.store(links.len(), Ordering::Relaxed);
    }

    fn remove_dead_links(&self) {
        let mut links = lock(&self.links);
        links.retain(|l| !l.is_dead());
        self.n_links.store(links.len(), Ordering::Relaxed);
    }

    fn links(&self) -> Vec<Arc<Link>> {
        lock(&self.links).clone()
    }

    fn take_links(&self) -> Vec<Arc<Link>> {
        let mut links = lock(&self.links);
        self.n_links.store(0, Ordering::Relaxed);
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

/// One inproc connection.
struct Link {
    /// Invariant: `ends[0].sock.id() < ends[1].sock.id()`, the lock order.
    ends: [End; 2],
    /// The name the connecting side used, for `disconnect`.
    name: String,
    /// Which end connected.
    connector: usize,
    /// One side closed or cut it.
    dead: AtomicBool,
}

impl Link {
    fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Acquire)
    }

    fn side_of(&self, id: u64) -> usize {
        usize::from(self.ends[1].sock.id() == id)
    }

    /// Locks both sockets in id order.
    fn lock_both(&self) -> (CoreGuard<'_>, CoreGuard<'_>) {
        debug_assert!(self.ends[0].sock.id() < self.ends[1].sock.id());
        let a = self.ends[0].sock.lock();
        let b = self.ends[1].sock.lock();
        (a, b)
    }

    fn wake_both(&self) {
        self.ends[0].sock.wake_waiters();
        self.ends[1].sock.wake_waiters();
    }

    /// The socket at `ends[side]` is closing. Its peer may still receive
    /// what was sent (all of it; with `LINGER` 0 only what its own receive
    /// high-water mark holds), then sees the pipe closed and drops it.
    fn close_side(&self, side: usize, linger: Option<std::time::Duration>) {
        if self.dead.swap(true, Ordering::AcqRel) {
            return;
        }
        let keep = if linger == Some(std::time::Duration::ZERO) {
            Keep::ReaderShare
        } else {
            Keep::All
        };
        let end = &self.ends[side];
        end.sock.lock().close_pipe(end.pipe, keep);
        self.wake_both();
    }

    /// Explicit disconnect: each side keeps what its own receive high-water
    /// mark holds of what the other sent, then both pipes go.
    fn cut(&self) {
        let (mut a, mut b) = self.lock_both();
        if self.dead.swap(true, Ordering::AcqRel) {
            return;
        }
        let (pa, pb) = (self.ends[0].pipe, self.ends[1].pipe);
        a.close_pipe(pa, Keep::ReaderShare);
        b.close_pipe(pb, Keep::ReaderShare);
        a.detach(pa);
        b.detach(pb);
        drop((a, b));
        self.wake_both();
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
        let Ok((pa, end)) = a.attach(meta_for_a) else {
            return;
        };
        match b.adopt(meta_for_b, end) {
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
        dead: AtomicBool::new(false),
    });
    first.add_link(link.clone());
    second.add_link(link.clone());
    // A sender blocked for want of a peer may go on now.
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
