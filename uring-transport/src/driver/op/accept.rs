//! Multishot accept: one SQE, one CQE (with `MORE`) per accepted connection.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use io_uring::{opcode, squeue, types};

use super::{error, Op};
use crate::driver::CompletionResult;

pub(in crate::driver) fn prepare(listener: RawFd) -> (squeue::Entry, Op) {
    // Accepted sockets are nonblocking so the engine may also try a plain
    // syscall on them without stalling the thread; io_uring does not care.
    let sqe = opcode::AcceptMulti::new(types::Fd(listener))
        .flags(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK)
        .build();
    (sqe, Op::Accept)
}

pub(super) fn complete(res: i32) -> CompletionResult<'static> {
    if res < 0 {
        return error(res);
    }
    // Safety: a non-negative accept result is a descriptor the kernel has just
    // installed in our table for this completion alone; nothing else owns it.
    CompletionResult::Accepted(unsafe { OwnedFd::from_raw_fd(res) })
}
