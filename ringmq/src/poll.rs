//! `poll`: wait until one of several sockets can receive or send.
//!
//! The polling thread registers itself as a waiter on every socket (under
//! each socket's lock, after finding it not ready, so a change made under
//! that lock is either seen or followed by a wake-up), parks, and checks
//! again when woken or at the timeout.

use crate::error::{Error, Result};
use crate::socket::Socket;
use bitflags::bitflags;
use std::os::unix::io::RawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

bitflags! {
    /// The events `poll` waits for and reports (the `zmq` crate's type).
    pub struct PollEvents: i16 {
        /// A message can be received.
        const POLLIN = 1;
        /// A message can be sent.
        const POLLOUT = 2;
        /// An error condition (file-descriptor items only).
        const POLLERR = 4;
    }
}

/// A message can be received (for [`poll`]).
pub const POLLIN: PollEvents = PollEvents::POLLIN;
/// A message can be sent (for [`poll`]).
pub const POLLOUT: PollEvents = PollEvents::POLLOUT;
/// An error condition (file-descriptor items only).
pub const POLLERR: PollEvents = PollEvents::POLLERR;

/// One entry of a [`poll`] call: a socket (from
/// [`Socket::as_poll_item`]) or a file descriptor, the events asked for,
/// and after the call the events that occurred.
///
/// File-descriptor items are not supported yet: `poll` returns `ENOTSUP`
/// if one is present.
pub struct PollItem<'a> {
    socket: Option<&'a Socket>,
    fd: RawFd,
    events: PollEvents,
    revents: PollEvents,
}

impl<'a> PollItem<'a> {
    pub(crate) fn from_socket(socket: &'a Socket, events: PollEvents) -> PollItem<'a> {
        PollItem {
            socket: Some(socket),
            fd: 0,
            events,
            revents: PollEvents::empty(),
        }
    }

    /// An item for a plain file descriptor (not supported by [`poll`] yet).
    pub fn from_fd(fd: RawFd, events: PollEvents) -> PollItem<'a> {
        PollItem {
            socket: None,
            fd,
            events,
            revents: PollEvents::empty(),
        }
    }

    /// Changes the events to wait for.
    pub fn set_events(&mut self, events: PollEvents) {
        self.events = events;
    }

    /// The events that occurred in the last [`poll`].
    pub fn get_revents(&self) -> PollEvents {
        self.revents
    }

    /// True if the last [`poll`] found a message to receive.
    pub fn is_readable(&self) -> bool {
        self.revents.contains(POLLIN)
    }

    /// True if the last [`poll`] found that a message can be sent.
    pub fn is_writable(&self) -> bool {
        self.revents.contains(POLLOUT)
    }

    /// True if the last [`poll`] reported an error condition.
    pub fn is_error(&self) -> bool {
        self.revents.contains(POLLERR)
    }

    /// True if this item polls `socket`.
    pub fn has_socket(&self, socket: &Socket) -> bool {
        self.socket.is_some_and(|s| std::ptr::eq(s, socket))
    }

    /// True if this item polls the file descriptor `fd`.
    pub fn has_fd(&self, fd: RawFd) -> bool {
        self.socket.is_none() && self.fd == fd
    }
}

/// Waits until at least one item's events occur, or `timeout` ms pass
/// (0: check once; -1: wait forever). Returns the number of items with
/// events; each item's [`get_revents`](PollItem::get_revents) says which.
///
/// ```
/// use ringmq as zmq;
/// let ctx = zmq::Context::new();
/// let pull = ctx.socket(zmq::PULL).unwrap();
/// pull.bind("inproc://poll-doc").unwrap();
/// let push = ctx.socket(zmq::PUSH).unwrap();
/// push.connect("inproc://poll-doc").unwrap();
///
/// let mut items = [pull.as_poll_item(zmq::POLLIN)];
/// assert_eq!(zmq::poll(&mut items, 0).unwrap(), 0);
/// push.send("tick", 0).unwrap();
/// assert_eq!(zmq::poll(&mut items, 1000).unwrap(), 1);
/// assert!(items[0].is_readable());
/// ```
///
/// # Errors
/// `ETERM` if a socket's context was destroyed; `ENOTSUP` if an item is a
/// file descriptor; `EINVAL` for no items and no timeout (-1).
pub fn poll(items: &mut [PollItem], timeout: i64) -> Result<i32> {
    if items.iter().any(|i| i.socket.is_none()) {
        return Err(Error::ENOTSUP);
    }
    let deadline = u64::try_from(timeout)
        .ok()
        .map(|ms| Instant::now() + Duration::from_millis(ms));
    if items.is_empty() {
        return match deadline {
            Some(d) => {
                std::thread::sleep(d.saturating_duration_since(Instant::now()));
                Ok(0)
            }
            None => Err(Error::EINVAL),
        };
    }
    loop {
        let mut ready = 0;
        let mut terminated = false;
        for item in items.iter_mut() {
            let sock = item.socket.expect("fd items refused above");
            let shared = sock.shared();
            // Inline mode: the socket's engine takes in what arrived.
            shared.progress();
            let mut core = shared.lock();
            terminated |= shared.is_terminated();
            // Registered before looking, so that what changes after the
            // look wakes this thread.
            shared.register_waiter();
            item.revents = sock.ready_events(&mut core) & item.events;
            let recv = item.events.contains(PollEvents::POLLIN);
            let send = item.events.contains(PollEvents::POLLOUT);
            while item.revents.is_empty() && !core.prepare_wait(recv, send) {
                // Something came while its pipes went idle: look again.
                item.revents = sock.ready_events(&mut core) & item.events;
            }
            if !item.revents.is_empty() {
                ready += 1;
            }
        }
        let now = Instant::now();
        let expired = timeout == 0 || deadline.is_some_and(|d| now >= d);
        if ready == 0 && !terminated && !expired {
            let left = deadline.map(|d| d - now);
            match inline_wait(items) {
                // Only one socket, inline: wait in its engine (its
                // wake-ups notify the engine's eventfd).
                InlineWait::One(shared) => {
                    if !shared.wait_inline(left) {
                        std::thread::park_timeout(left.unwrap_or(INLINE_POLL_ROUND));
                    }
                }
                // An inline socket among others: a thread can wait in one
                // engine only, and would not see the others' wake-ups
                // there. Each engine is turned above on every round (and
                // by the housekeeper); look again at least that often.
                InlineWait::Several => std::thread::park_timeout(
                    left.map_or(INLINE_POLL_ROUND, |l| l.min(INLINE_POLL_ROUND)),
                ),
                InlineWait::None => match left {
                    Some(l) => std::thread::park_timeout(l),
                    None => std::thread::park(),
                },
            }
        }
        for item in items.iter() {
            item.socket
                .expect("socket items")
                .shared()
                .unregister_waiter();
        }
        if terminated {
            return Err(Error::ETERM);
        }
        if ready > 0 || expired {
            return Ok(ready);
        }
    }
}

/// How often `poll` looks again when it waits on several inline sockets
/// (it can block in one engine only).
const INLINE_POLL_ROUND: Duration = Duration::from_millis(1);

enum InlineWait<'a> {
    None,
    One(&'a ringmq_uring::shared::SharedSocket),
    Several,
}

fn inline_wait<'a>(items: &'a [PollItem]) -> InlineWait<'a> {
    let mut sockets = items
        .iter()
        .map(|i| i.socket.expect("socket items").shared());
    let Some(first) = sockets.next() else {
        return InlineWait::None;
    };
    let mut any_inline = first.is_inline();
    let mut all_first = true;
    for s in sockets {
        any_inline |= s.is_inline();
        all_first &= Arc::ptr_eq(s, first);
    }
    match (any_inline, all_first) {
        (false, _) => InlineWait::None,
        (true, true) => InlineWait::One(first),
        (true, false) => InlineWait::Several,
    }
}
