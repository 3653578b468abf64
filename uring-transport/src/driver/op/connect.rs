//! Connect a (nonblocking) socket.

use std::os::fd::RawFd;

use io_uring::{opcode, squeue, types};
use socket2::SockAddr;

use super::{error, Op};
use crate::driver::kbox::KernelBox;
use crate::driver::CompletionResult;

/// The peer address, which the kernel reads from our memory.
pub(in crate::driver) struct Connect {
    _addr: KernelBox<SockAddr>,
}

pub(in crate::driver) fn prepare(fd: RawFd, addr: SockAddr) -> (squeue::Entry, Op) {
    let (addr, (ptr, len)) = KernelBox::new_with(addr, |a| (a.as_ptr().cast(), a.len()));
    let sqe = opcode::Connect::new(types::Fd(fd), ptr, len).build();
    (sqe, Op::Connect(Connect { _addr: addr }))
}

pub(super) fn complete(res: i32) -> CompletionResult<'static> {
    if res < 0 {
        error(res)
    } else {
        CompletionResult::Connected
    }
}
