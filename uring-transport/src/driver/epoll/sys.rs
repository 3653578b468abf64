//! The system calls of the epoll backend, each behind a safe function.
//!
//! Sockets are reached through `socket2` where it has the call (send,
//! gather-send, receive, connect, `SO_ERROR`); what it lacks (epoll itself,
//! `accept4` without an address, an 8-byte eventfd read) is `libc` here.

use std::io::{self, IoSlice};
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use socket2::{SockAddr, SockRef};

/// One epoll instance, close-on-exec.
pub(super) struct Epoll {
    fd: OwnedFd,
}

/// What every registration asks for: edge-triggered, both directions, and
/// the peer's half-close, so one `EPOLL_CTL_ADD` serves a descriptor's
/// whole life (the backend keeps the readiness itself).
const INTEREST: u32 = (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32;

impl Epoll {
    pub(super) fn new() -> io::Result<Self> {
        // Safety: epoll_create1 takes no pointers; the result is checked.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // Safety: `fd` was just returned by epoll_create1 and nothing else
        // owns it.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Self { fd })
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events: INTEREST,
            u64: fd as u64,
        };
        // Safety: `ev` is a valid epoll_event for the call's duration (the
        // kernel copies it); a bad `fd` is reported as an error, not UB.
        let r = unsafe { libc::epoll_ctl(self.fd.as_raw_fd(), op, fd, &mut ev) };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }

    /// Registers `fd`, or re-arms a registration it may still have: either
    /// way the kernel re-checks its readiness and reports it. A descriptor
    /// registered afresh is made nonblocking (the caller's listener may
    /// not be: io_uring never blocks on it, a readiness loop would).
    pub(super) fn arm(&self, fd: RawFd, maybe_registered: bool) -> io::Result<()> {
        if maybe_registered {
            match self.ctl(libc::EPOLL_CTL_MOD, fd) {
                // The descriptor was closed since (and its number reused):
                // the kernel dropped the old registration.
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
                other => return other,
            }
        }
        set_nonblocking(fd)?;
        match self.ctl(libc::EPOLL_CTL_ADD, fd) {
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) => self.ctl(libc::EPOLL_CTL_MOD, fd),
            other => other,
        }
    }

    /// Waits for readiness, filling `events` (its capacity is the most one
    /// call returns); `timeout_ms` -1 waits without limit. `EINTR` is no
    /// error: the events are then empty.
    pub(super) fn wait(
        &self,
        events: &mut Vec<libc::epoll_event>,
        timeout_ms: i32,
    ) -> io::Result<()> {
        events.clear();
        let max = events.capacity().clamp(1, i32::MAX as usize) as i32;
        // Safety: the kernel writes at most `max` entries into the vector's
        // spare capacity, which holds at least `max` of them.
        let n =
            unsafe { libc::epoll_wait(self.fd.as_raw_fd(), events.as_mut_ptr(), max, timeout_ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.raw_os_error() == Some(libc::EINTR) {
                Ok(())
            } else {
                Err(e)
            };
        }
        // Safety: the kernel initialised the first `n` (<= max <= capacity)
        // entries.
        unsafe { events.set_len(n as usize) };
        Ok(())
    }
}

/// Runs `f` on the socket behind `fd`.
///
/// The backend calls this only for a descriptor with an operation in
/// flight, which the caller's contract (see `Backend`) keeps open, or for
/// one it owns itself after `retire`.
fn with_sock<T>(fd: RawFd, f: impl FnOnce(SockRef<'_>) -> T) -> T {
    // Safety: `fd` is open for the duration of the borrow, by the contract
    // above; the borrow does not outlive this call.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    f(SockRef::from(&borrowed))
}

/// Sets `O_NONBLOCK` on `fd` with one `ioctl(FIONBIO)`.
pub(super) fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    let on: libc::c_int = 1;
    // Safety: FIONBIO reads one c_int from the pointer, valid for the call.
    let r = unsafe { libc::ioctl(fd, libc::FIONBIO, &on) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// The result of a nonblocking call: done, would block, or failed.
pub(super) enum Io<T> {
    Done(T),
    WouldBlock,
    Failed(io::Error),
}

fn classify<T>(r: io::Result<T>) -> Io<T> {
    match r {
        Ok(v) => Io::Done(v),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Io::WouldBlock,
        Err(e) => Io::Failed(e),
    }
}

/// Retries `f` while it is interrupted by a signal.
fn retry<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// `accept4` of one pending connection, nonblocking and close-on-exec, as
/// the io_uring accept makes them.
pub(super) fn accept(listener: RawFd) -> Io<OwnedFd> {
    classify(retry(|| {
        // Safety: no address is asked for (both pointers null); the result
        // is checked.
        let fd = unsafe {
            libc::accept4(
                listener,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            )
        };
        if fd < 0 {
            Err(io::Error::last_os_error())
        } else {
            // Safety: a fresh descriptor the kernel just installed for us.
            Ok(unsafe { OwnedFd::from_raw_fd(fd) })
        }
    }))
}

/// Starts a nonblocking connect: `Done` if it completed at once (unix
/// sockets often do), `WouldBlock` while in progress.
pub(super) fn connect(fd: RawFd, addr: &SockAddr) -> Io<()> {
    if let Err(e) = set_nonblocking(fd) {
        return Io::Failed(e);
    }
    match with_sock(fd, |s| s.connect(addr)) {
        Ok(()) => Io::Done(()),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Io::WouldBlock,
        // EAGAIN (a unix listener's backlog is full) is not a connect in
        // progress: the socket stays unconnected, and waiting for it to be
        // writable would report a connection that does not exist. The
        // caller retries, as after any failed connect.
        Err(e) => Io::Failed(e),
    }
}

/// How a connect in progress ended, once the socket is writable.
pub(super) fn connect_result(fd: RawFd) -> io::Result<()> {
    match with_sock(fd, |s| s.take_error())? {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// One `recv` into `buf`.
pub(super) fn recv(fd: RawFd, buf: &mut [u8]) -> Io<usize> {
    // A `&mut [u8]` is a valid `&mut [MaybeUninit<u8>]` that the call only
    // writes initialised bytes into.
    let uninit: &mut [MaybeUninit<u8>] = as_uninit(buf);
    classify(retry(|| with_sock(fd, |s| s.recv(uninit))))
}

fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // Safety: MaybeUninit<u8> has u8's layout; the callee (recv) only writes
    // initialised bytes, so `buf` stays initialised.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

/// One nonblocking `send` (no SIGPIPE).
pub(super) fn send(fd: RawFd, buf: &[u8]) -> Io<usize> {
    classify(retry(|| {
        with_sock(fd, |s| s.send_with_flags(buf, libc::MSG_NOSIGNAL))
    }))
}

/// One nonblocking `sendmsg` gathering `bufs` (no SIGPIPE).
pub(super) fn sendmsg(fd: RawFd, bufs: &[IoSlice<'_>]) -> Io<usize> {
    classify(retry(|| {
        with_sock(fd, |s| s.send_vectored_with_flags(bufs, libc::MSG_NOSIGNAL))
    }))
}

/// One 8-byte read of an eventfd's counter.
pub(super) fn read_eventfd(fd: RawFd) -> Io<u64> {
    classify(retry(|| {
        let mut v = 0u64;
        // Safety: `v` is 8 writable bytes for the call's duration.
        let n = unsafe { libc::read(fd, std::ptr::addr_of_mut!(v).cast(), 8) };
        match n {
            8 => Ok(v),
            n if n < 0 => Err(io::Error::last_os_error()),
            n => Err(io::Error::other(format!("eventfd read returned {n} bytes"))),
        }
    }))
}
