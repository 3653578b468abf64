//! Close a descriptor through the ring.

use std::os::fd::{IntoRawFd, OwnedFd};

use io_uring::{opcode, squeue, types};

use super::{error, Op};
use crate::driver::CompletionResult;

pub(in crate::driver) fn prepare(fd: OwnedFd) -> (squeue::Entry, Op) {
    // Ownership passes to the kernel: the descriptor is closed by the SQE,
    // and if the SQE never runs the driver's drop still submits it.
    let sqe = opcode::Close::new(types::Fd(fd.into_raw_fd())).build();
    (sqe, Op::Close)
}

pub(super) fn complete(res: i32) -> CompletionResult<'static> {
    if res < 0 {
        error(res)
    } else {
        CompletionResult::Closed
    }
}
