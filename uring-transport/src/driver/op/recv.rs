//! Multishot recv on the provided-buffer ring.

use std::os::fd::RawFd;

use io_uring::{cqueue, opcode, squeue, types};

use super::{error, Op};
use crate::driver::buf_ring::{BufRing, BGID};
use crate::driver::CompletionResult;

pub(in crate::driver) fn prepare(fd: RawFd) -> (squeue::Entry, Op) {
    // len 0: each completion may fill a whole provided buffer.
    let sqe = opcode::RecvMulti::new(types::Fd(fd), BGID).build();
    (sqe, Op::Recv)
}

pub(super) fn complete(res: i32, flags: u32, bufs: &mut BufRing) -> CompletionResult<'_> {
    match res {
        0 => CompletionResult::Eof,
        // The ring ran dry: the kernel ends the multishot (no MORE); the data
        // stays in the socket until the caller re-arms.
        r if r == -libc::ENOBUFS => CompletionResult::NoBuffers,
        r if r < 0 => error(r),
        r => match cqueue::buffer_select(flags) {
            Some(bid) => CompletionResult::Received(bufs.take(bid, r as usize)),
            None => CompletionResult::Error(std::io::Error::other(
                "multishot recv completed with data but no provided buffer",
            )),
        },
    }
}
