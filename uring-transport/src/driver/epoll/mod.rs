//! The epoll backend: the driver's completion interface emulated over
//! readiness, for machines where io_uring is blocked.
//!
//! A proactor over a reactor. Each descriptor is registered once,
//! edge-triggered for both directions, and the backend keeps its readiness
//! (`readable`, `writable`, set by events, cleared by `EAGAIN`). An
//! operation waits on its descriptor's list until the readiness it needs
//! is there, then the backend does the system call itself and reports the
//! result as the completion io_uring would have posted:
//!
//! - **sends** are tried as soon as they are started (in the next
//!   [`submit_and_wait`](EpollDriver::submit_and_wait), as io_uring tries
//!   an SQE inline), continued on `EPOLLOUT`, and complete once every byte
//!   is written (io_uring's `MSG_WAITALL`) or an error stops them, then with
//!   the bytes written so far;
//! - **connect** is started nonblocking and completes on `EPOLLOUT` with
//!   `SO_ERROR`;
//! - **multishot accept and recv** stay armed: each readable edge accepts
//!   or reads until `EAGAIN` (or a per-turn budget, so one busy socket
//!   cannot starve the others), one completion with `more` per connection or
//!   chunk. Received bytes are read into one buffer the backend owns and
//!   lent to the [`drain`](EpollDriver::drain) callback, as a provided
//!   buffer is; since the read happens inside `drain`, one buffer serves
//!   every socket and the pool can never run dry (no `NoBuffers`);
//! - **timeouts** live in a heap and bound the `epoll_wait` timeout;
//! - **cancel** takes the operation off its list and completes it as
//!   `Canceled` (a send that made progress reports `Sent(n)` instead);
//! - **close** and **retire** close at once unless an operation still uses
//!   the descriptor, which then stays open until that operation ends.
//!
//! Results that need no buffer are queued and handed out by the next
//! `drain`, before the reads.

mod sys;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::io::{self, IoSlice};
use std::os::fd::{OwnedFd, RawFd};
use std::time::{Duration, Instant};

use bytes::Bytes;
use smallvec::SmallVec;
use socket2::SockAddr;

use super::slab::Slab;
use super::{Backend, BackendKind, Completion, CompletionResult, DriverConfig, DriverStats, OpId};
use sys::{Epoll, Io};

/// Reads of one socket per readable edge and loop turn before the others
/// get their turn (io_uring's multishot recv is bounded the same way, by
/// its buffer ring).
const RECV_BUDGET: usize = 8;

/// Connections accepted per readable edge and loop turn.
const ACCEPT_BUDGET: usize = 64;

/// Readiness events taken per `epoll_wait`.
const EVENTS: usize = 256;

/// Linux's `IOV_MAX`: the most buffers one `sendmsg` takes.
const IOV_MAX: usize = 1024;

/// What an operation is and how far it got.
enum Kind {
    Accept,
    /// Started at the next submit; then in progress until `EPOLLOUT`.
    Connect(SockAddr),
    Recv,
    Send {
        buf: Bytes,
        sent: usize,
    },
    SendMsg {
        bufs: SmallVec<[Bytes; 8]>,
        sent: usize,
    },
    EventfdRead,
    Timeout {
        at: Instant,
    },
    /// Its final completion is queued in `ready`.
    Finished,
}

impl Kind {
    fn reads(&self) -> bool {
        matches!(self, Kind::Accept | Kind::Recv | Kind::EventfdRead)
    }
}

/// The reading operations, copied out of [`Kind`] so the loop can borrow
/// the driver.
#[derive(Clone, Copy)]
enum Reader {
    Accept,
    Recv,
    Eventfd,
}

/// One operation: its descriptor and state.
struct EpOp {
    fd: RawFd,
    kind: Kind,
}

/// What the backend knows about one descriptor.
#[derive(Default)]
struct FdState {
    /// Registered with epoll at some point and not known to be closed: a
    /// new operation re-arms (`EPOLL_CTL_MOD`) instead of adding.
    registered: bool,
    /// Readiness as last reported; cleared on `EAGAIN`.
    readable: bool,
    writable: bool,
    /// The peer hung up or the socket has an error: a short read no longer
    /// means the socket is drained (the end of stream is still to be read).
    hup: bool,
    /// Operations waiting to read, in order; invariant: each is in the slab.
    readers: SmallVec<[OpId; 2]>,
    /// Operations waiting to write (connect, sends), in order.
    writers: SmallVec<[OpId; 2]>,
    /// A descriptor handed back while operations still used it: closed when
    /// the last of them ends.
    retired: Option<OwnedFd>,
    /// In `read_ready` already.
    queued: bool,
    /// An eventfd whose read just completed, still registered and with
    /// its readiness known (the read emptied it): the next read on it waits
    /// for the next edge without re-arming, saving an `epoll_ctl` a wake-up.
    rearm_free: bool,
}

impl FdState {
    fn idle(&self) -> bool {
        self.readers.is_empty() && self.writers.is_empty()
    }
}

/// The epoll backend. See the [module docs](self).
pub struct EpollDriver {
    epoll: Epoll,
    ops: Slab<EpOp>,
    /// Indexed by descriptor number.
    fds: Vec<FdState>,
    /// Operations started since the last `submit_and_wait`, in order.
    started: Vec<OpId>,
    /// Final completions waiting for `drain`, in the order they happened.
    ready: VecDeque<(OpId, CompletionResult<'static>)>,
    /// Descriptors with readers and readiness to read, for `drain`.
    read_ready: Vec<RawFd>,
    /// The last `submit_and_wait` handed back completions without calling
    /// `epoll_wait`; the next one must poll, so readiness is never starved.
    skipped_wait: bool,
    timers: BinaryHeap<Reverse<(Instant, u64)>>,
    events: Vec<libc::epoll_event>,
    /// The one receive buffer, lent to `drain`'s callback.
    buf: Box<[u8]>,
    stats: DriverStats,
}

impl EpollDriver {
    /// Creates the epoll instance and a receive buffer of
    /// `cfg.buf_size` bytes (the ring sizes mean nothing here).
    pub fn new(cfg: &DriverConfig) -> io::Result<EpollDriver> {
        if cfg.buf_size == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid DriverConfig: buf_size = 0",
            ));
        }
        Ok(EpollDriver {
            epoll: Epoll::new()?,
            ops: Slab::default(),
            fds: Vec::new(),
            started: Vec::new(),
            ready: VecDeque::new(),
            read_ready: Vec::new(),
            skipped_wait: false,
            timers: BinaryHeap::new(),
            events: Vec::with_capacity(EVENTS),
            buf: vec![0; cfg.buf_size as usize].into_boxed_slice(),
            stats: DriverStats::default(),
        })
    }

    fn start(&mut self, fd: RawFd, kind: Kind, user: u64) -> OpId {
        let id = self.ops.insert(user, EpOp { fd, kind });
        self.started.push(id);
        id
    }

    fn fd_state(&mut self, fd: RawFd) -> &mut FdState {
        let i = fd as usize;
        if self.fds.len() <= i {
            self.fds.resize_with(i + 1, FdState::default);
        }
        &mut self.fds[i]
    }

    /// Queues `id`'s final completion.
    fn finish(&mut self, id: OpId, result: CompletionResult<'static>) {
        if let Some(e) = self.ops.get_mut(id) {
            e.op.kind = Kind::Finished;
        }
        self.ready.push_back((id, result));
    }

    /// Puts `id` on its descriptor's list, registering the descriptor if
    /// this is its first operation. A failed registration fails the
    /// operation.
    fn wait_on(&mut self, id: OpId, fd: RawFd, read: bool) {
        let epoll = &self.epoll;
        let i = fd as usize;
        if self.fds.len() <= i {
            self.fds.resize_with(i + 1, FdState::default);
        }
        // The kind is looked up only for the one descriptor that may skip.
        let rearm_free = std::mem::take(&mut self.fds[i].rearm_free)
            && self.fds[i].registered
            && matches!(
                self.ops.get(id).map(|e| &e.op.kind),
                Some(Kind::EventfdRead)
            );
        let st = &mut self.fds[i];
        if st.idle() && !rearm_free {
            // Whatever was known belongs to the last user of this number,
            // maybe another file: the (re)registration reports the truth.
            // (A connect in progress must in any case wait for its own
            // EPOLLOUT.)
            st.readable = false;
            st.writable = false;
            st.hup = false;
            if let Err(e) = epoll.arm(fd, st.registered) {
                st.registered = false;
                self.finish(id, CompletionResult::Error(e));
                return;
            }
            st.registered = true;
        }
        if read {
            st.readers.push(id);
            if st.readable && !st.queued {
                st.queued = true;
                self.read_ready.push(fd);
            }
        } else {
            st.writers.push(id);
        }
    }

    /// `id` left its descriptor's lists (finished or cancelled): closes a
    /// retired descriptor that nothing uses any more.
    fn leave(&mut self, fd: RawFd, id: OpId) {
        let Some(st) = self.fds.get_mut(fd as usize) else {
            return;
        };
        st.readers.retain(|o| *o != id);
        st.writers.retain(|o| *o != id);
        if st.idle() && st.retired.is_some() {
            // Closing drops the epoll registration with the file.
            *st = FdState::default();
        }
    }

    /// Starts what was asked since the last turn.
    fn submit(&mut self) {
        let mut started = std::mem::take(&mut self.started);
        for &id in &started {
            let Some(entry) = self.ops.get(id) else {
                continue;
            };
            let fd = entry.op.fd;
            self.stats.sqes_submitted += 1;
            match &entry.op.kind {
                Kind::Finished => {} // cancelled before it started
                Kind::Timeout { at } => self.timers.push(Reverse((*at, id.as_u64()))),
                Kind::Connect(addr) => match sys::connect(fd, addr) {
                    Io::Done(()) => self.finish(id, CompletionResult::Connected),
                    Io::WouldBlock => self.wait_on(id, fd, false),
                    Io::Failed(e) => self.finish(id, CompletionResult::Error(e)),
                },
                k => {
                    let read = k.reads();
                    self.wait_on(id, fd, read);
                    if !read && self.fds.get(fd as usize).is_some_and(|s| s.writable) {
                        self.run_writers(fd);
                    }
                }
            }
        }
        started.clear();
        self.started = started;
    }

    /// Runs the writers of `fd` while it is writable; their results go to
    /// `ready`.
    fn run_writers(&mut self, fd: RawFd) {
        while let Some(&id) = self.fds.get(fd as usize).and_then(|s| s.writers.first()) {
            if !self.fds[fd as usize].writable {
                return;
            }
            let Some(entry) = self.ops.get_mut(id) else {
                self.leave(fd, id);
                continue;
            };
            let result = match &mut entry.op.kind {
                Kind::Connect { .. } => Some(match sys::connect_result(fd) {
                    Ok(()) => CompletionResult::Connected,
                    Err(e) => CompletionResult::Error(e),
                }),
                Kind::Send { buf, sent } => {
                    write_all(sent, buf.len(), |done| sys::send(fd, &buf[done..]))
                }
                Kind::SendMsg { bufs, sent } => {
                    let total = bufs.iter().map(Bytes::len).sum();
                    write_all(sent, total, |done| sys::sendmsg(fd, &unsent(bufs, done)))
                }
                _ => {
                    debug_assert!(false, "a reader on the writer list");
                    None
                }
            };
            match result {
                Some(r) => {
                    self.leave(fd, id);
                    self.finish(id, r);
                }
                None => {
                    // Would block: wait for the next EPOLLOUT.
                    self.fds[fd as usize].writable = false;
                    return;
                }
            }
        }
    }

    /// Records the readiness epoll reported and runs what it unblocks.
    fn on_events(&mut self) {
        let events = std::mem::take(&mut self.events);
        for ev in &events {
            let fd = ev.u64 as RawFd;
            let bits = ev.events as i32;
            let Some(st) = self.fds.get_mut(fd as usize) else {
                continue;
            };
            let broken = bits & (libc::EPOLLHUP | libc::EPOLLERR) != 0;
            if bits & (libc::EPOLLIN | libc::EPOLLRDHUP) != 0 || broken {
                st.readable = true;
            }
            if bits & libc::EPOLLOUT != 0 || broken {
                st.writable = true;
            }
            if bits & libc::EPOLLRDHUP != 0 || broken {
                st.hup = true;
            }
            if st.readable && !st.readers.is_empty() && !st.queued {
                st.queued = true;
                self.read_ready.push(fd);
            }
            if st.writable && !st.writers.is_empty() {
                self.run_writers(fd);
            }
        }
        self.events = events;
    }

    /// Moves due timers to `ready`.
    fn expire_timers(&mut self) {
        let now = Instant::now();
        while let Some(&Reverse((at, raw))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            let id = OpId(raw);
            let live = self
                .ops
                .get(id)
                .is_some_and(|e| matches!(e.op.kind, Kind::Timeout { .. }));
            if live {
                self.finish(id, CompletionResult::TimedOut);
            }
        }
    }

    /// How long `epoll_wait` may sleep: not at all if something is ready,
    /// else until the caller's timeout or the next timer.
    fn wait_ms(&self, want: usize, timeout: Option<Duration>) -> i32 {
        if want == 0 || !self.ready.is_empty() || !self.read_ready.is_empty() {
            return 0;
        }
        let timer = self
            .timers
            .peek()
            .map(|Reverse((at, _))| at.saturating_duration_since(Instant::now()));
        match super::sooner(timeout, timer) {
            None => -1,
            // Rounded up: waking early would only spin until the deadline.
            Some(d) => i32::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX),
        }
    }

    /// Submits what was started, waits for readiness (at most `timeout`, or
    /// the next timer), and performs the operations it unblocks. A signal
    /// is not an error.
    ///
    /// When what was started completed already (a send the socket took at
    /// once, as io_uring completes an SQE inline), the completions are
    /// handed back without polling — `epoll_wait` would not block and
    /// costs a system call — but never twice in a row, so readiness is
    /// still polled at least every other turn.
    pub fn submit_and_wait(&mut self, want: usize, timeout: Option<Duration>) -> io::Result<()> {
        self.submit();
        if !self.ready.is_empty() && !self.skipped_wait {
            self.skipped_wait = true;
            self.expire_timers();
            return Ok(());
        }
        self.skipped_wait = false;
        let ms = self.wait_ms(want, timeout);
        self.stats.submit_calls += 1;
        self.epoll.wait(&mut self.events, ms)?;
        self.on_events();
        self.expire_timers();
        Ok(())
    }

    /// Hands every ready completion to `f`: the queued results first, then
    /// what the readable descriptors give (received bytes are lent from the
    /// backend's buffer until `f` returns).
    pub fn drain(&mut self, mut f: impl FnMut(Completion<'_>)) {
        let mut reaped = 0u64;
        while let Some((id, result)) = self.ready.pop_front() {
            let Some(entry) = self.ops.remove(id) else {
                continue;
            };
            reaped += 1;
            f(Completion {
                op: id,
                user: entry.user,
                more: false,
                result,
            });
        }
        let fds = std::mem::take(&mut self.read_ready);
        for &fd in &fds {
            if let Some(st) = self.fds.get_mut(fd as usize) {
                st.queued = false;
            }
            reaped += self.run_readers(fd, &mut f);
        }
        // `run_readers` re-queued what its budget left unread.
        let mut fds = fds;
        fds.clear();
        if self.read_ready.is_empty() {
            self.read_ready = fds;
        }
        self.stats.cqes_reaped += reaped;
        self.stats.max_cqes_per_drain = self.stats.max_cqes_per_drain.max(reaped);
    }

    /// Runs the readers of `fd` while it is readable, up to the budgets.
    /// Returns the completions handed to `f`.
    fn run_readers(&mut self, fd: RawFd, f: &mut impl FnMut(Completion<'_>)) -> u64 {
        let mut reaped = 0;
        let mut reads = 0;
        loop {
            let Some(st) = self.fds.get(fd as usize) else {
                return reaped;
            };
            let Some(&id) = st.readers.first() else {
                return reaped;
            };
            if !st.readable {
                return reaped;
            }
            let hup = st.hup;
            let Some(entry) = self.ops.get(id) else {
                self.leave(fd, id);
                continue;
            };
            let user = entry.user;
            let reader = match entry.op.kind {
                Kind::Accept => Reader::Accept,
                Kind::Recv => Reader::Recv,
                Kind::EventfdRead => Reader::Eventfd,
                _ => {
                    debug_assert!(false, "a writer on the reader list");
                    self.leave(fd, id);
                    continue;
                }
            };
            // `Some(result)`: the operation ended with it.
            let end: Option<CompletionResult<'static>> = match reader {
                Reader::Accept => loop {
                    if reads >= ACCEPT_BUDGET {
                        self.requeue(fd);
                        return reaped;
                    }
                    match sys::accept(fd) {
                        Io::Done(conn) => {
                            reads += 1;
                            reaped += 1;
                            f(Completion {
                                op: id,
                                user,
                                more: true,
                                result: CompletionResult::Accepted(conn),
                            });
                        }
                        Io::WouldBlock => break None,
                        // The connection left before it was accepted.
                        Io::Failed(e) if e.raw_os_error() == Some(libc::ECONNABORTED) => {}
                        Io::Failed(e) => break Some(CompletionResult::Error(e)),
                    }
                },
                Reader::Recv => loop {
                    if reads >= RECV_BUDGET {
                        self.requeue(fd);
                        return reaped;
                    }
                    match sys::recv(fd, &mut self.buf) {
                        Io::Done(0) => break Some(CompletionResult::Eof),
                        Io::Done(n) => {
                            reads += 1;
                            reaped += 1;
                            f(Completion {
                                op: id,
                                user,
                                more: true,
                                result: CompletionResult::Received(&self.buf[..n]),
                            });
                            if n < self.buf.len() && !hup {
                                // A short read emptied the socket: the next
                                // bytes bring a new edge.
                                self.fds[fd as usize].readable = false;
                                return reaped;
                            }
                        }
                        Io::WouldBlock => break None,
                        Io::Failed(e) => break Some(CompletionResult::Error(e)),
                    }
                },
                Reader::Eventfd => match sys::read_eventfd(fd) {
                    Io::Done(v) => {
                        // The read set the counter to zero: the next write
                        // is a new edge, and the registration stays.
                        let st = &mut self.fds[fd as usize];
                        st.readable = false;
                        st.rearm_free = true;
                        Some(CompletionResult::EventfdRead(v))
                    }
                    Io::WouldBlock => None,
                    Io::Failed(e) => Some(CompletionResult::Error(e)),
                },
            };
            match end {
                None => {
                    self.fds[fd as usize].readable = false;
                    return reaped;
                }
                Some(result) => {
                    self.leave(fd, id);
                    if let Some(entry) = self.ops.remove(id) {
                        reaped += 1;
                        f(Completion {
                            op: id,
                            user: entry.user,
                            more: false,
                            result,
                        });
                    }
                }
            }
        }
    }

    /// `fd` has readers left that the budget stopped: the next turn goes on.
    fn requeue(&mut self, fd: RawFd) {
        let st = &mut self.fds[fd as usize];
        if !st.queued {
            st.queued = true;
            self.read_ready.push(fd);
        }
    }

    /// Ends `op` early: [`Canceled`](CompletionResult::Canceled) at the
    /// next `drain` (a send that wrote something: `Sent(n)`). Idempotent; a
    /// finished or retired `op` is ignored.
    pub fn cancel(&mut self, op: OpId) {
        let Some(entry) = self.ops.get_mut(op) else {
            return;
        };
        let fd = entry.op.fd;
        let result = match &entry.op.kind {
            Kind::Finished => return,
            Kind::Send { sent, .. } | Kind::SendMsg { sent, .. } if *sent > 0 => {
                CompletionResult::Sent(*sent)
            }
            _ => CompletionResult::Canceled,
        };
        self.leave(fd, op);
        self.finish(op, result);
    }

    /// Closes `fd` (at once, or when the operations still using it end):
    /// [`Closed`](CompletionResult::Closed).
    pub fn close(&mut self, fd: OwnedFd, user: u64) -> OpId {
        let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
        self.retire(fd);
        let id = self.ops.insert(
            user,
            EpOp {
                fd: raw,
                kind: Kind::Finished,
            },
        );
        self.ready.push_back((id, CompletionResult::Closed));
        id
    }

    /// The caller is done with `fd`: closed now if no operation uses it,
    /// else when the last one ends.
    pub fn retire(&mut self, fd: OwnedFd) {
        let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
        let st = self.fd_state(raw);
        if st.idle() {
            // Closing drops the registration with the file; a later
            // descriptor with this number starts afresh.
            *st = FdState::default();
            drop(fd);
        } else {
            st.retired = Some(fd);
        }
    }
}

/// Writes with `attempt(already_sent)` until all `total` bytes are out,
/// as `MSG_WAITALL` makes io_uring's send: `Some(Sent(total))`; an error
/// after some progress reports that progress (`Sent(n)`, as io_uring does),
/// before any an `Error`; `None` if the socket is full. `sent` keeps the
/// progress across calls.
fn write_all(
    sent: &mut usize,
    total: usize,
    mut attempt: impl FnMut(usize) -> Io<usize>,
) -> Option<CompletionResult<'static>> {
    while *sent < total {
        match attempt(*sent) {
            Io::Done(n) => *sent += n,
            Io::WouldBlock => return None,
            Io::Failed(_) if *sent > 0 => return Some(CompletionResult::Sent(*sent)),
            Io::Failed(e) => return Some(CompletionResult::Error(e)),
        }
    }
    Some(CompletionResult::Sent(total))
}

/// The not-yet-sent part of `bufs` after `done` bytes, as at most
/// [`IOV_MAX`] slices.
fn unsent(bufs: &[Bytes], done: usize) -> SmallVec<[IoSlice<'_>; 8]> {
    let mut skip = done;
    let mut out = SmallVec::new();
    for b in bufs {
        if skip >= b.len() {
            skip -= b.len();
            continue;
        }
        out.push(IoSlice::new(&b[skip..]));
        skip = 0;
        if out.len() == IOV_MAX {
            break;
        }
    }
    out
}

impl Backend for EpollDriver {
    fn kind(&self) -> BackendKind {
        BackendKind::Epoll
    }

    fn accept_multishot(&mut self, listener: RawFd, user: u64) -> OpId {
        self.start(listener, Kind::Accept, user)
    }

    fn connect(&mut self, fd: RawFd, addr: SockAddr, user: u64) -> OpId {
        self.start(fd, Kind::Connect(addr), user)
    }

    fn recv_multishot(&mut self, fd: RawFd, user: u64) -> OpId {
        self.start(fd, Kind::Recv, user)
    }

    fn send(&mut self, fd: RawFd, buf: Bytes, user: u64) -> OpId {
        self.start(fd, Kind::Send { buf, sent: 0 }, user)
    }

    fn sendmsg(&mut self, fd: RawFd, bufs: impl IntoIterator<Item = Bytes>, user: u64) -> OpId {
        let bufs = bufs.into_iter().filter(|b| !b.is_empty()).collect();
        self.start(fd, Kind::SendMsg { bufs, sent: 0 }, user)
    }

    fn read_eventfd(&mut self, fd: RawFd, user: u64) -> OpId {
        self.start(fd, Kind::EventfdRead, user)
    }

    fn timeout(&mut self, after: Duration, user: u64) -> OpId {
        let at = Instant::now() + after;
        self.start(-1, Kind::Timeout { at }, user)
    }

    fn cancel(&mut self, op: OpId) {
        EpollDriver::cancel(self, op)
    }

    fn close(&mut self, fd: OwnedFd, user: u64) -> OpId {
        EpollDriver::close(self, fd, user)
    }

    fn retire(&mut self, fd: OwnedFd) {
        EpollDriver::retire(self, fd)
    }

    fn submit_and_wait(&mut self, want: usize, timeout: Option<Duration>) -> io::Result<()> {
        EpollDriver::submit_and_wait(self, want, timeout)
    }

    fn drain(&mut self, f: impl FnMut(Completion<'_>)) {
        EpollDriver::drain(self, f)
    }

    fn has_completions(&mut self) -> bool {
        !self.ready.is_empty() || !self.read_ready.is_empty()
    }

    fn has_unsubmitted(&mut self) -> bool {
        !self.started.is_empty()
    }

    fn in_flight(&self) -> usize {
        self.ops.len()
    }

    fn stats(&self) -> DriverStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(slices: &[IoSlice<'_>]) -> Vec<u8> {
        slices.iter().flat_map(|s| s.iter().copied()).collect()
    }

    #[test]
    fn unsent_resumes_inside_and_across_buffers() {
        let bufs = [
            Bytes::from_static(b"abc"),
            Bytes::from_static(b"de"),
            Bytes::from_static(b"fghi"),
        ];
        let all = b"abcdefghi";
        for done in 0..=all.len() {
            assert_eq!(flat(&unsent(&bufs, done)), &all[done..], "after {done}");
        }
        assert!(
            unsent(&bufs, 3).len() == 2,
            "a whole buffer sent is skipped"
        );
    }

    #[test]
    fn unsent_gives_at_most_iov_max_slices() {
        let bufs: Vec<Bytes> = (0..IOV_MAX + 10)
            .map(|_| Bytes::from_static(b"x"))
            .collect();
        assert_eq!(unsent(&bufs, 0).len(), IOV_MAX);
        assert_eq!(unsent(&bufs, IOV_MAX).len(), 10);
    }

    #[test]
    fn a_send_that_completes_at_once_is_handed_back_without_polling_but_only_once() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let mut d = EpollDriver::new(&DriverConfig::default()).unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&a);
        // The registration reports the socket writable.
        d.recv_multishot(fd, 1);
        d.submit_and_wait(0, None).unwrap();
        let polls = d.stats().submit_calls;
        let mut sent = 0;
        // Each send completes inside submit; only every other turn may skip
        // epoll_wait (which, with a completion ready, does not block).
        for (round, polled) in [0, 1, 1].into_iter().enumerate() {
            d.send(fd, Bytes::from_static(b"ping"), 2);
            d.submit_and_wait(1, None).unwrap();
            assert_eq!(d.stats().submit_calls, polls + polled, "round {round}");
            d.drain(|c| {
                if let CompletionResult::Sent(n) = c.result {
                    sent += n;
                }
            });
        }
        assert_eq!(sent, 12);
        let mut got = [0u8; 16];
        let n = std::io::Read::read(&mut &b, &mut got).unwrap();
        assert_eq!(&got[..n], b"pingpingping");
    }

    #[test]
    fn the_wait_is_rounded_up_and_bounded_by_the_next_timer() {
        let mut d = EpollDriver::new(&DriverConfig::default()).unwrap();
        assert_eq!(d.wait_ms(1, None), -1, "nothing to wait for: no limit");
        assert_eq!(d.wait_ms(0, None), 0, "want 0 never blocks");
        assert_eq!(d.wait_ms(1, Some(Duration::from_micros(1))), 1);
        assert_eq!(d.wait_ms(1, Some(Duration::from_millis(30))), 30);
        d.timeout(Duration::from_secs(5), 1);
        d.submit();
        let ms = d.wait_ms(1, Some(Duration::from_secs(60)));
        assert!((4900..=5000).contains(&ms), "{ms}");
        d.ready.push_back((OpId(0), CompletionResult::Closed));
        assert_eq!(d.wait_ms(1, None), 0, "a ready completion: no wait");
    }
}
