//! The seam between the engine and the kernel: one completion-based
//! interface, implemented by the io_uring [`Driver`] and by the epoll
//! [`EpollDriver`](super::EpollDriver).
//!
//! The engine is generic over [`Backend`] (`IoThread<B: Backend>`), and the
//! backend is chosen once, when an I/O thread starts. Each loop turn thereby
//! runs monomorphic code: no virtual call and no `match` on the backend per
//! operation, and the compiler may inline the driver's small methods into
//! the engine's loops, as it did before the seam existed. The price is a
//! second copy of the engine's machine code in the binary (one per backend),
//! a few hundred KiB, which an I/O thread never touches at once.
//!
//! The trait is not object-safe on purpose (`sendmsg` and `drain` take
//! generic arguments so that neither boxes nor allocates).

use std::io;
use std::os::fd::{OwnedFd, RawFd};
use std::time::Duration;

use bytes::Bytes;
use socket2::SockAddr;

use super::{Completion, Driver, DriverStats, OpId};

/// Which kernel interface a backend drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// One io_uring: multishot accept and receive on a provided-buffer ring.
    IoUring,
    /// epoll readiness, with the operations completed in user space.
    Epoll,
}

impl BackendKind {
    /// `"io_uring"` or `"epoll"`.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::IoUring => "io_uring",
            BackendKind::Epoll => "epoll",
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The operations an I/O thread asks of the kernel, completion-based.
///
/// Every implementation keeps the rules of the [driver module](super):
/// an operation started here is named by its [`OpId`] until its final
/// completion (`more == false`), which always comes, cancelled or not;
/// the backend owns everything the operation uses until then; sends
/// complete only when all bytes are sent or an error stops them (then with
/// the bytes sent so far); multishot operations stay armed while their
/// completions say `more`; received bytes are lent to the
/// [`drain`](Self::drain) callback only. The engine cannot tell two
/// backends apart by their completions.
///
/// Descriptors: a descriptor passed to an operation stays open until that
/// operation's final completion or until it is handed back with
/// [`retire`](Self::retire), which closes it once nothing the backend
/// started can reach it any more.
pub trait Backend {
    /// Which kernel interface this is.
    fn kind(&self) -> BackendKind;

    /// Arms a multishot accept on `listener`.
    fn accept_multishot(&mut self, listener: RawFd, user: u64) -> OpId;

    /// Connects the nonblocking socket `fd` to `addr`.
    fn connect(&mut self, fd: RawFd, addr: SockAddr, user: u64) -> OpId;

    /// Arms a multishot receive on `fd`.
    fn recv_multishot(&mut self, fd: RawFd, user: u64) -> OpId;

    /// Sends `buf` on `fd`. One send in flight per connection.
    fn send(&mut self, fd: RawFd, buf: Bytes, user: u64) -> OpId;

    /// Sends `bufs` in order from their own memory (at most `IOV_MAX`
    /// non-empty buffers). One send in flight per connection.
    fn sendmsg(&mut self, fd: RawFd, bufs: impl IntoIterator<Item = Bytes>, user: u64) -> OpId;

    /// Reads the 8-byte counter of the eventfd `fd`.
    fn read_eventfd(&mut self, fd: RawFd, user: u64) -> OpId;

    /// A one-shot timer.
    fn timeout(&mut self, after: Duration, user: u64) -> OpId;

    /// Asks for `op` to end early; its final completion still comes.
    fn cancel(&mut self, op: OpId);

    /// Closes `fd` as an operation: [`Closed`](super::CompletionResult::Closed).
    fn close(&mut self, fd: OwnedFd, user: u64) -> OpId;

    /// The caller is done with `fd`: close it as soon as no operation
    /// started on it can reach it (no completion is reported). Operations
    /// still in flight on it run to their end, as they would on a socket
    /// the kernel holds a reference to.
    fn retire(&mut self, fd: OwnedFd);

    /// Starts what was asked since the last call and waits until `want`
    /// completions are ready or `timeout` passes (`None`: no limit).
    fn submit_and_wait(&mut self, want: usize, timeout: Option<Duration>) -> io::Result<()>;

    /// Hands every ready completion to `f`.
    fn drain(&mut self, f: impl FnMut(Completion<'_>));

    /// Whether [`drain`](Self::drain) would hand out a completion now,
    /// without asking the kernel (a spinning thread calls
    /// `submit_and_wait(0, Some(Duration::ZERO))`, then this).
    fn has_completions(&mut self) -> bool;

    /// Whether operations were started since the last
    /// [`submit_and_wait`](Self::submit_and_wait) (the kernel has not seen
    /// them yet).
    fn has_unsubmitted(&mut self) -> bool;

    /// Operations whose final completion has not been drained yet.
    fn in_flight(&self) -> usize;

    /// The counters so far.
    fn stats(&self) -> DriverStats;
}

impl Backend for Driver {
    fn kind(&self) -> BackendKind {
        BackendKind::IoUring
    }

    #[inline]
    fn accept_multishot(&mut self, listener: RawFd, user: u64) -> OpId {
        Driver::accept_multishot(self, listener, user)
    }

    #[inline]
    fn connect(&mut self, fd: RawFd, addr: SockAddr, user: u64) -> OpId {
        Driver::connect(self, fd, addr, user)
    }

    #[inline]
    fn recv_multishot(&mut self, fd: RawFd, user: u64) -> OpId {
        Driver::recv_multishot(self, fd, user)
    }

    #[inline]
    fn send(&mut self, fd: RawFd, buf: Bytes, user: u64) -> OpId {
        Driver::send(self, fd, buf, user)
    }

    #[inline]
    fn sendmsg(&mut self, fd: RawFd, bufs: impl IntoIterator<Item = Bytes>, user: u64) -> OpId {
        Driver::sendmsg(self, fd, bufs, user)
    }

    #[inline]
    fn read_eventfd(&mut self, fd: RawFd, user: u64) -> OpId {
        Driver::read_eventfd(self, fd, user)
    }

    #[inline]
    fn timeout(&mut self, after: Duration, user: u64) -> OpId {
        Driver::timeout(self, after, user)
    }

    #[inline]
    fn cancel(&mut self, op: OpId) {
        Driver::cancel(self, op)
    }

    #[inline]
    fn close(&mut self, fd: OwnedFd, user: u64) -> OpId {
        Driver::close(self, fd, user)
    }

    #[inline]
    fn retire(&mut self, fd: OwnedFd) {
        Driver::retire(self, fd)
    }

    #[inline]
    fn submit_and_wait(&mut self, want: usize, timeout: Option<Duration>) -> io::Result<()> {
        Driver::submit_and_wait(self, want, timeout)
    }

    #[inline]
    fn drain(&mut self, f: impl FnMut(Completion<'_>)) {
        Driver::drain(self, f)
    }

    #[inline]
    fn has_completions(&mut self) -> bool {
        Driver::has_completions(self)
    }

    #[inline]
    fn has_unsubmitted(&mut self) -> bool {
        Driver::has_unsubmitted(self)
    }

    #[inline]
    fn in_flight(&self) -> usize {
        Driver::in_flight(self)
    }

    #[inline]
    fn stats(&self) -> DriverStats {
        Driver::stats(self)
    }
}
