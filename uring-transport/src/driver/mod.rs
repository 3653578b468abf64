//! A small safe API over one io_uring, used by one I/O thread.
//!
//! The driver is the only code in the crate that talks to the kernel. Its one
//! rule: **every byte an operation lends the kernel (send buffers, iovecs,
//! socket addresses, the eventfd counter, timespecs, the provided receive
//! buffers) belongs to the driver until the kernel's last completion for that
//! operation** — for a multishot operation, the completion without `MORE`.
//! [`Driver::cancel`] therefore frees nothing: it asks the kernel to finish the
//! operation early, and the resources go when the final completion arrives.
//! Dropping the driver cancels everything in flight and waits (bounded) for
//! those completions; if the kernel does not deliver them in time, the
//! resources are leaked rather than freed under it.
//!
//! # One turn of the loop
//!
//! ```
//! use std::time::Duration;
//! use ringmq_uring::driver::{CompletionResult, Driver, DriverConfig};
//!
//! let mut driver = Driver::new(&DriverConfig::default())?;
//! let timer = driver.timeout(Duration::from_millis(1), 7);
//! let mut fired = false;
//! while !fired {
//!     // One syscall: submit the queued SQEs, wait for a completion.
//!     driver.submit_and_wait(1, Some(Duration::from_secs(1)))?;
//!     driver.drain(|c| {
//!         assert_eq!((c.op, c.user), (timer, 7));
//!         fired = matches!(c.result, CompletionResult::TimedOut);
//!     });
//! }
//! assert_eq!(driver.in_flight(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules for the caller
//!
//! - Create the driver on the thread that uses it; it is `!Send` because the
//!   ring is created `SINGLE_ISSUER`.
//! - A descriptor passed to an operation must stay open until that operation's
//!   final completion (the kernel looks it up when the SQE is submitted, so a
//!   reused descriptor number would be acted on instead). Closing a socket does
//!   not end io_uring operations on it: cancel them first.
//! - **One send in flight per connection.** Two sends on one stream socket can
//!   interleave or reorder; queue the next send when the previous one's
//!   completion arrives.
//! - **Partial sends.** Sends use `MSG_WAITALL`, so the kernel itself retries a
//!   short write on a stream socket, but an error after some progress still
//!   completes with the bytes sent: [`CompletionResult::Sent`]`(n)` with `n`
//!   less than asked means the caller resends the rest.
//! - **Multishot operations** ([`accept_multishot`](Driver::accept_multishot),
//!   [`recv_multishot`](Driver::recv_multishot)) stay armed while completions
//!   carry `more == true`. A completion with `more == false` ends the
//!   operation, whatever its result: after [`CompletionResult::NoBuffers`] (the
//!   buffer ring ran dry) re-arm, and also after `Accepted`/`Received` with
//!   `more == false` — on Linux 6.18 a multishot whose completion would not fit
//!   in the completion queue is ended that way instead of overflowing.
//! - Call [`drain`](Driver::drain) after every
//!   [`submit_and_wait`](Driver::submit_and_wait): completions left in the
//!   queue satisfy the next wait at once.
#![allow(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod backend;
mod buf_ring;
mod epoll;
mod error;
mod kbox;
mod op;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod seccomp;
mod slab;
mod sys;

use std::collections::VecDeque;
use std::io;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::os::fd::{OwnedFd, RawFd};
use std::time::{Duration, Instant};

use bytes::Bytes;
use io_uring::types::{SubmitArgs, Timespec};
use io_uring::{cqueue, squeue, EnterFlags, IoUring};
use socket2::SockAddr;

pub use backend::{Backend, BackendKind};
pub use epoll::EpollDriver;
pub use error::{SetupError, SetupErrorKind};
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub use seccomp::block_io_uring_in_this_thread;

/// The shorter of two waits, where `None` is no limit.
pub(crate) fn sooner(a: Option<Duration>, b: Option<Duration>) -> Option<Duration> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
pub use sys::{raise_nofile_limit, EventFd};

use buf_ring::BufRing;
use op::{accept, cancel, close, connect, eventfd, recv, send, sendmsg, timeout, Op};
use slab::{Slab, CANCEL_USER_DATA};

/// Sizes of one driver's ring and receive buffers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverConfig {
    /// Submission queue entries (1..=32768; the kernel rounds up to a power of
    /// two). The completion queue gets four times as many, because multishot
    /// operations post many completions per submission.
    pub entries: u32,
    /// Provided buffers shared by all multishot receives; a power of two,
    /// 1..=32768.
    pub buf_count: u16,
    /// Bytes per provided buffer: the most one receive completion carries.
    pub buf_size: u32,
}

impl Default for DriverConfig {
    /// 256 entries, 64 buffers of 16 KiB (1 MiB of receive buffers).
    fn default() -> Self {
        Self {
            entries: 256,
            buf_count: 64,
            buf_size: 16 * 1024,
        }
    }
}

/// Names one submitted operation until its final completion; then the id is
/// retired (a later operation gets a different one).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OpId(u64);

impl OpId {
    fn new(index: u32, generation: u32) -> Self {
        Self(u64::from(generation) << 32 | u64::from(index))
    }

    fn index(self) -> u32 {
        self.0 as u32
    }

    fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// The SQE `user_data` that carries this id.
    fn as_u64(self) -> u64 {
        self.0
    }
}

/// One completion of an operation, as handed to [`Driver::drain`].
#[derive(Debug)]
pub struct Completion<'a> {
    /// The operation, as returned when it was started.
    pub op: OpId,
    /// The caller's tag given when it was started.
    pub user: u64,
    /// The operation is still armed and will complete again (multishot only).
    /// `false` means this is its final completion.
    pub more: bool,
    /// What happened.
    pub result: CompletionResult<'a>,
}

/// What one completion reports.
#[derive(Debug)]
pub enum CompletionResult<'a> {
    /// A connection was accepted (nonblocking, close-on-exec). Dropping the
    /// `OwnedFd` closes it.
    Accepted(OwnedFd),
    /// The connect finished.
    Connected,
    /// Bytes received, borrowed from a provided buffer that goes back to the
    /// kernel as soon as the `drain` callback returns.
    Received(&'a [u8]),
    /// The peer shut down its side (recv returned 0); the multishot has ended.
    Eof,
    /// This many bytes were sent; fewer than asked means resend the rest.
    Sent(usize),
    /// The eventfd's counter, reset to 0 by the read.
    EventfdRead(u64),
    /// The descriptor is closed.
    Closed,
    /// The timer fired.
    TimedOut,
    /// The operation ended because it was cancelled (`ECANCELED`).
    Canceled,
    /// The buffer ring ran out (`ENOBUFS`): the multishot recv ended with data
    /// still in the socket. Re-arm it (after draining, buffers are back).
    NoBuffers,
    /// The operation failed with this error.
    Error(io::Error),
}

/// Plain counters for the inspector. They only grow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DriverStats {
    /// `io_uring_enter` calls made (waits and early submits).
    pub submit_calls: u64,
    /// SQEs the kernel consumed, cancels included.
    pub sqes_submitted: u64,
    /// CQEs reaped, including those of internal cancels.
    pub cqes_reaped: u64,
    /// Multishot receives ended by an empty buffer ring.
    pub enobufs: u64,
    /// The most CQEs one `drain` call reaped.
    pub max_cqes_per_drain: u64,
    /// Times the submission queue was full and had to be submitted before the
    /// loop's own `submit_and_wait`.
    pub sq_full_submits: u64,
}

/// How long `Drop` waits for cancelled operations to post their final
/// completions before leaking what they hold.
const DROP_GRACE: Duration = Duration::from_secs(2);

/// One io_uring with a provided-buffer ring, and every operation in flight.
/// See the [module docs](self) for the rules of use.
pub struct Driver {
    /// Dropped by hand in `Drop`, before `bufs`: the kernel unregisters the
    /// buffer ring when the io_uring goes.
    ring: ManuallyDrop<IoUring>,
    /// Dropped by hand after `ring`, or leaked if operations outlive `Drop`.
    bufs: ManuallyDrop<BufRing>,
    /// Invariant: an SQE is pushed only after the `Op` owning its memory is
    /// in `ops`, and the `Op` leaves `ops` only on the operation's final CQE.
    ops: Slab,
    /// SQEs that did not fit in the submission queue, in submission order.
    /// Non-empty only while the queue is full; new SQEs queue behind it so
    /// the kernel still sees them in order.
    backlog: VecDeque<squeue::Entry>,
    /// Descriptors handed back by [`retire`](Self::retire), closed after the
    /// next `io_uring_enter`: an SQE still queued for one must never reach
    /// a new file that reused its number. (A submitted SQE holds its own
    /// reference to the file.)
    retired: Vec<OwnedFd>,
    stats: DriverStats,
    /// `SINGLE_ISSUER`: the ring may only be used from the thread that made it.
    _not_send: PhantomData<*const ()>,
}

impl Driver {
    /// Creates the ring (`SINGLE_ISSUER | DEFER_TASKRUN | COOP_TASKRUN`) and
    /// registers the provided-buffer ring. Call it on the thread that will use
    /// the driver.
    pub fn new(cfg: &DriverConfig) -> Result<Driver, SetupError> {
        if !(1..=32768).contains(&cfg.entries) {
            return Err(SetupError::invalid_config(format!(
                "entries = {} is not in 1..=32768",
                cfg.entries
            )));
        }
        if !cfg.buf_count.is_power_of_two() || cfg.buf_count > 32768 {
            return Err(SetupError::invalid_config(format!(
                "buf_count = {} is not a power of two in 1..=32768",
                cfg.buf_count
            )));
        }
        if cfg.buf_size == 0 {
            return Err(SetupError::invalid_config("buf_size = 0"));
        }
        let ring = IoUring::builder()
            .setup_single_issuer()
            .setup_defer_taskrun()
            .setup_coop_taskrun()
            // Keep submitting the rest of a batch when one SQE fails early.
            .setup_submit_all()
            .setup_cqsize(cfg.entries.next_power_of_two() * 4)
            .build(cfg.entries)
            .map_err(SetupError::from_setup)?;
        let bufs = BufRing::new(cfg.buf_count, cfg.buf_size).map_err(SetupError::buffer_ring)?;
        bufs.register(&ring.submitter())
            .map_err(SetupError::buffer_ring)?;
        Ok(Driver {
            ring: ManuallyDrop::new(ring),
            bufs: ManuallyDrop::new(bufs),
            ops: Slab::default(),
            backlog: VecDeque::new(),
            retired: Vec::new(),
            stats: DriverStats::default(),
            _not_send: PhantomData,
        })
    }

    /// [`new`](Self::new), then proves the ring works: one operation (a zero
    /// timeout) submitted and completed. A seccomp filter or an LSM can let
    /// `io_uring_setup` through and still refuse `io_uring_enter`; the
    /// engine's automatic choice of backend must see that too.
    pub fn probe(cfg: &DriverConfig) -> Result<Driver, SetupError> {
        let mut d = Driver::new(cfg)?;
        let op = d.timeout(Duration::ZERO, 0);
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut outcome = None;
        while outcome.is_none() {
            if Instant::now() >= deadline {
                return Err(SetupError::probe(io::Error::from_raw_os_error(
                    libc::ETIMEDOUT,
                )));
            }
            d.submit_and_wait(1, Some(Duration::from_millis(100)))
                .map_err(SetupError::probe)?;
            d.drain(|c| {
                if c.op == op {
                    outcome = Some(match c.result {
                        CompletionResult::TimedOut => Ok(()),
                        CompletionResult::Error(e) => Err(e),
                        other => Err(io::Error::other(format!("{other:?}"))),
                    });
                }
            });
        }
        match outcome {
            Some(Err(e)) => Err(SetupError::probe(e)),
            _ => Ok(d),
        }
    }

    /// Arms a multishot accept on `listener`: one [`CompletionResult::Accepted`]
    /// (with `more`) per connection until cancelled or ended.
    pub fn accept_multishot(&mut self, listener: RawFd, user: u64) -> OpId {
        let (sqe, op) = accept::prepare(listener);
        self.start(sqe, op, user)
    }

    /// Connects the nonblocking socket `fd` to `addr` (IPv4, IPv6 or a unix
    /// path). The address is kept by the driver until the completion.
    pub fn connect(&mut self, fd: RawFd, addr: SockAddr, user: u64) -> OpId {
        let (sqe, op) = connect::prepare(fd, addr);
        self.start(sqe, op, user)
    }

    /// Arms a multishot receive on `fd`, taking buffers from the provided
    /// buffer ring: one [`CompletionResult::Received`] (with `more`) per chunk,
    /// ending with [`Eof`](CompletionResult::Eof),
    /// [`NoBuffers`](CompletionResult::NoBuffers), an error, or
    /// [`Canceled`](CompletionResult::Canceled).
    pub fn recv_multishot(&mut self, fd: RawFd, user: u64) -> OpId {
        let (sqe, op) = recv::prepare(fd);
        self.start(sqe, op, user)
    }

    /// Sends `buf` on `fd`. The driver holds `buf` until the completion,
    /// [`Sent`](CompletionResult::Sent)`(n)`; resend from `n` if `n` is short.
    /// One send in flight per connection.
    pub fn send(&mut self, fd: RawFd, buf: Bytes, user: u64) -> OpId {
        let (sqe, op) = send::prepare(fd, buf);
        self.start(sqe, op, user)
    }

    /// Sends `bufs` in order with one `sendmsg`, straight from their own
    /// memory (no copy into a staging buffer). The driver holds the buffers and
    /// the iovec array until the completion; [`Sent`](CompletionResult::Sent)
    /// counts bytes across all buffers. At most `IOV_MAX` (1024) non-empty
    /// buffers, else the completion is `EMSGSIZE`. One send in flight per
    /// connection.
    pub fn sendmsg(&mut self, fd: RawFd, bufs: impl IntoIterator<Item = Bytes>, user: u64) -> OpId {
        let (sqe, op) = sendmsg::prepare(fd, bufs);
        self.start(sqe, op, user)
    }

    /// Reads the 8-byte counter of the eventfd `fd` into driver-owned memory:
    /// [`CompletionResult::EventfdRead`]. Keep one armed to be woken by
    /// [`EventFd::notify`].
    pub fn read_eventfd(&mut self, fd: RawFd, user: u64) -> OpId {
        let (sqe, op) = eventfd::prepare(fd);
        self.start(sqe, op, user)
    }

    /// A one-shot timer: [`CompletionResult::TimedOut`] after `after`.
    pub fn timeout(&mut self, after: Duration, user: u64) -> OpId {
        let (sqe, op) = timeout::prepare(after);
        self.start(sqe, op, user)
    }

    /// Asks the kernel to end `op` early. Frees nothing: `op`'s final
    /// completion still arrives — [`Canceled`](CompletionResult::Canceled), or
    /// its real result if it finished first — and only then are its resources
    /// released. Idempotent; a retired `op` is ignored.
    ///
    /// Cancelling a send leaves the stream at an unknown position: close the
    /// connection afterwards.
    pub fn cancel(&mut self, op: OpId) {
        let Some(entry) = self.ops.get_mut(op) else {
            return;
        };
        if entry.cancel_requested {
            return;
        }
        entry.cancel_requested = true;
        self.push(cancel::one(op));
    }

    /// Closes `fd` through the ring: [`CompletionResult::Closed`]. Cancel the
    /// descriptor's operations first; they would otherwise keep the socket
    /// alive.
    pub fn close(&mut self, fd: OwnedFd, user: u64) -> OpId {
        let (sqe, op) = close::prepare(fd);
        self.start(sqe, op, user)
    }

    /// The caller is done with `fd`: it is closed after the next
    /// [`submit_and_wait`](Self::submit_and_wait), once every SQE queued
    /// for it has reached the kernel (which then holds its own reference
    /// for the operations still running on it).
    pub fn retire(&mut self, fd: OwnedFd) {
        self.retired.push(fd);
    }

    /// One `io_uring_enter`: submits every queued SQE and waits until `want`
    /// completions are ready or `timeout` passes (`None`: no limit). `want = 0`
    /// does not block but still runs the kernel's deferred work, so ready
    /// completions show up for [`drain`](Self::drain).
    ///
    /// A timeout (`ETIME`), a signal (`EINTR`) or a busy ring (`EBUSY`) is not
    /// an error: drain and loop. If the submission queue filled up since the
    /// last call, the overflow was already submitted early (counted in
    /// [`DriverStats::sq_full_submits`]).
    pub fn submit_and_wait(&mut self, want: usize, timeout: Option<Duration>) -> io::Result<()> {
        self.flush_backlog();
        let pending = self.ring.submission().len();
        let want = u32::try_from(want).unwrap_or(u32::MAX);
        let to_submit = pending as u32;
        // GETEVENTS even for want = 0: with DEFER_TASKRUN, completions are only
        // produced by an enter that asks for events.
        let flags = EnterFlags::GETEVENTS;
        let submitter = self.ring.submitter();
        let res = match timeout {
            Some(after) => {
                let ts = Timespec::from(after);
                let args = SubmitArgs::new().timespec(&ts);
                // Safety: EXT_ARG tells the kernel `args` is an
                // io_uring_getevents_arg (SubmitArgs is a transparent wrapper of
                // one, and `enter` passes its size); it and the timespec it
                // points to live on this stack frame across the call. The
                // SQEs submitted point only at memory held by `self.ops`.
                unsafe {
                    submitter.enter(
                        to_submit,
                        want,
                        (flags | EnterFlags::EXT_ARG).bits(),
                        Some(&args),
                    )
                }
            }
            // Safety: no argument pointer is passed (no sigmask); the SQEs
            // submitted point only at memory held by `self.ops`.
            None => unsafe {
                submitter.enter::<libc::sigset_t>(to_submit, want, flags.bits(), None)
            },
        };
        self.stats.submit_calls += 1;
        let left = self.ring.submission().len();
        self.stats.sqes_submitted += pending.saturating_sub(left) as u64;
        if left == 0 && self.backlog.is_empty() {
            self.retired.clear();
        }
        match res {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::ETIME | libc::EINTR | libc::EBUSY)
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Whether a completion is waiting in the completion queue. With
    /// `DEFER_TASKRUN` the kernel fills it only in an enter that asks for
    /// events, such as `submit_and_wait(0, Some(Duration::ZERO))`.
    pub fn has_completions(&mut self) -> bool {
        !self.ring.completion().is_empty()
    }

    /// Whether SQEs wait for the next `submit_and_wait`.
    pub fn has_unsubmitted(&mut self) -> bool {
        !self.backlog.is_empty() || !self.ring.submission().is_empty()
    }

    /// Hands every ready completion to `f`, in the order the kernel posted
    /// them. Received data borrows a provided buffer that goes back to the
    /// buffer ring as soon as `f` returns; copy or decode it inside `f`. An
    /// operation's resources are released right after its final completion.
    pub fn drain(&mut self, mut f: impl FnMut(Completion<'_>)) {
        let Driver {
            ring,
            bufs,
            ops,
            stats,
            ..
        } = self;
        let mut reaped = 0u64;
        for cqe in ring.completion() {
            reaped += 1;
            let user_data = cqe.user_data();
            if user_data == CANCEL_USER_DATA {
                continue;
            }
            let id = OpId(user_data);
            let (res, flags) = (cqe.result(), cqe.flags());
            let more = cqueue::more(flags);
            // Taken out before `f` runs on a final completion, so a panic in
            // `f` cannot leave a finished operation counted as in flight.
            let finished = if more { None } else { ops.remove(id) };
            let Some(entry) = finished.as_ref().or_else(|| ops.get(id)) else {
                debug_assert!(false, "CQE for unknown op {id:?} (res {res})");
                // Still give back a buffer it may carry, or the ring shrinks.
                if let Some(bid) = cqueue::buffer_select(flags) {
                    bufs.recycle(bid);
                }
                continue;
            };
            let user = entry.user;
            if res == -libc::ENOBUFS {
                stats.enobufs += 1;
            }
            let result = op::complete(&entry.op, res, flags, bufs);
            f(Completion {
                op: id,
                user,
                more,
                result,
            });
            if let Some(bid) = cqueue::buffer_select(flags) {
                bufs.recycle(bid);
            }
            // `finished` drops here: the kernel is done with its memory.
        }
        stats.cqes_reaped += reaped;
        stats.max_cqes_per_drain = stats.max_cqes_per_drain.max(reaped);
    }

    /// Operations whose final completion has not been drained yet.
    pub fn in_flight(&self) -> usize {
        self.ops.len()
    }

    /// The counters so far.
    pub fn stats(&self) -> DriverStats {
        self.stats
    }

    fn start(&mut self, sqe: squeue::Entry, op: Op, user: u64) -> OpId {
        // The op's memory is in the slab before its SQE exists in the ring.
        let id = self.ops.insert(user, op);
        self.push(sqe.user_data(id.as_u64()));
        id
    }

    /// Queues an SQE, submitting early if the submission queue is full.
    fn push(&mut self, sqe: squeue::Entry) {
        if self.backlog.is_empty() {
            if self.try_push(&sqe) {
                return;
            }
            self.submit_early();
            if self.try_push(&sqe) {
                return;
            }
        }
        self.backlog.push_back(sqe);
    }

    fn try_push(&mut self, sqe: &squeue::Entry) -> bool {
        // Safety: every SQE the driver builds points only at memory owned by
        // its op's slab entry (KernelBox, Bytes) or by the buffer ring, all of
        // which stay alive until the op's final CQE (struct invariant); cancel
        // SQEs point at nothing.
        unsafe { self.ring.submission().push(sqe) }.is_ok()
    }

    /// Moves backlogged SQEs into the submission queue, submitting as often as
    /// it takes, until the backlog is empty or the kernel takes nothing.
    fn flush_backlog(&mut self) {
        while !self.backlog.is_empty() {
            {
                let mut sq = self.ring.submission();
                while let Some(sqe) = self.backlog.front() {
                    // Safety: as in `try_push`.
                    if unsafe { sq.push(sqe) }.is_err() {
                        break;
                    }
                    self.backlog.pop_front();
                }
            }
            if self.backlog.is_empty() || !self.submit_early() {
                break;
            }
        }
    }

    /// Submits what the queue holds without waiting. Returns whether the
    /// kernel took anything; an error resurfaces at the next wait.
    fn submit_early(&mut self) -> bool {
        let before = self.ring.submission().len();
        let _ = self.ring.submit();
        self.stats.submit_calls += 1;
        self.stats.sq_full_submits += 1;
        let taken = before.saturating_sub(self.ring.submission().len());
        self.stats.sqes_submitted += taken as u64;
        taken > 0
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Cancel everything, then reap until every op has had its final
        // completion. Re-cancel now and then: an op submitted from the backlog
        // after a cancel went out would otherwise be missed.
        let deadline = Instant::now() + DROP_GRACE;
        let mut last_cancel: Option<Instant> = None;
        while self.ops.len() > 0 {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if last_cancel.is_none_or(|t| now - t >= Duration::from_millis(100)) {
                self.push(cancel::all());
                last_cancel = Some(now);
            }
            let wait = (deadline - now).min(Duration::from_millis(50));
            if self.submit_and_wait(1, Some(wait)).is_err() {
                break;
            }
            self.drain(|_| {});
        }
        let clean = self.ops.len() == 0;
        // Safety: `ring` is not used after this point; closing it first means
        // the kernel unregisters the buffer ring before its memory can go.
        unsafe { ManuallyDrop::drop(&mut self.ring) };
        if clean {
            // Safety: no operation is in flight and the ring is gone, so
            // nothing can select or write a provided buffer; `bufs` is not used
            // again.
            unsafe { ManuallyDrop::drop(&mut self.bufs) };
        } else {
            // The kernel may still write into these (it finishes cancelling
            // asynchronously after the ring fd closes): leak the buffer ring
            // (by leaving `bufs` undropped) and every op's memory.
            std::mem::forget(std::mem::take(&mut self.ops));
        }
    }
}
