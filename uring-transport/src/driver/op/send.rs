//! Send one buffer.

use std::os::fd::RawFd;

use bytes::Bytes;
use io_uring::{opcode, squeue, types};

use super::{error, Op};
use crate::driver::CompletionResult;

/// Flags for every send: no SIGPIPE on a closed peer (the error comes back as
/// EPIPE), and MSG_WAITALL so that on a stream socket the kernel itself retries
/// a short write until everything is sent or an error stops it.
pub(super) const SEND_FLAGS: i32 = libc::MSG_NOSIGNAL | libc::MSG_WAITALL;

/// The bytes being sent; `Bytes` data never moves, so its address is stable
/// for as long as this handle lives.
pub(in crate::driver) struct Send {
    _buf: Bytes,
}

pub(in crate::driver) fn prepare(fd: RawFd, buf: Bytes) -> (squeue::Entry, Op) {
    // A longer buffer is sent in part; the caller resends the rest.
    let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    let sqe = opcode::Send::new(types::Fd(fd), buf.as_ptr(), len)
        .flags(SEND_FLAGS)
        .build();
    (sqe, Op::Send(Send { _buf: buf }))
}

/// Shared by send and sendmsg.
pub(super) fn complete(res: i32) -> CompletionResult<'static> {
    if res < 0 {
        error(res)
    } else {
        CompletionResult::Sent(res as usize)
    }
}
