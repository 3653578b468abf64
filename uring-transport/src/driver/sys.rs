//! Small system helpers the engine needs and which would otherwise put
//! `unsafe` outside the driver.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// Raises the soft `RLIMIT_NOFILE` to at least `want` (capped at the hard
/// limit) and returns the soft limit now in force.
///
/// A listener that accepts thousands of connections needs more than the
/// common default of 1024 descriptors.
pub fn raise_nofile_limit(want: u64) -> io::Result<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // Safety: `lim` is a valid, writable rlimit for the call's duration.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    if lim.rlim_cur >= want {
        return Ok(lim.rlim_cur);
    }
    lim.rlim_cur = want.min(lim.rlim_max);
    // Safety: `lim` is a valid rlimit; only the soft limit changed, within
    // the hard limit, which needs no privilege.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(lim.rlim_cur)
}

/// An eventfd that another thread writes to wake an I/O thread blocked in
/// [`Driver::submit_and_wait`](super::Driver::submit_and_wait), whose ring
/// keeps a [`Driver::read_eventfd`](super::Driver::read_eventfd) armed on it.
///
/// Nonblocking and close-on-exec. `Send + Sync`: `notify` takes `&self`.
#[derive(Debug)]
pub struct EventFd {
    file: File,
}

impl EventFd {
    /// Creates an eventfd with counter 0.
    pub fn new() -> io::Result<Self> {
        // Safety: eventfd takes no pointers; the result is checked below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // Safety: `fd` was just returned by eventfd, is open, and nothing else
        // owns it.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Self {
            file: File::from(owned),
        })
    }

    /// Adds 1 to the counter, waking a pending read.
    ///
    /// A counter at its maximum (`EAGAIN`) already guarantees a wake-up, so
    /// that is not an error.
    pub fn notify(&self) -> io::Result<()> {
        match (&self.file).write(&1u64.to_ne_bytes()) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }
}

impl AsRawFd for EventFd {
    fn as_raw_fd(&self) -> RawFd {
        self.file.as_raw_fd()
    }
}

impl AsFd for EventFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}
