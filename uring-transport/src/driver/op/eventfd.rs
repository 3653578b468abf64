//! An 8-byte read of an eventfd, the I/O thread's wake-up call.

use std::os::fd::RawFd;

use io_uring::{opcode, squeue, types};

use super::{error, Op};
use crate::driver::kbox::KernelBox;
use crate::driver::CompletionResult;

/// The counter's destination, which the kernel writes.
pub(in crate::driver) struct EventfdRead {
    value: KernelBox<u64>,
}

pub(in crate::driver) fn prepare(fd: RawFd) -> (squeue::Entry, Op) {
    let value = KernelBox::new(0u64);
    let sqe = opcode::Read::new(types::Fd(fd), value.as_mut_ptr().cast::<u8>(), 8)
        // -1: read at the file position, as read(2) does; an eventfd has none
        // to speak of, and this is the form valid for any stream.
        .offset(u64::MAX)
        .build();
    (sqe, Op::EventfdRead(EventfdRead { value }))
}

impl EventfdRead {
    pub(super) fn complete(&self, res: i32) -> CompletionResult<'static> {
        match res {
            8 => {
                // Safety: a read is single-shot, so this CQE is its final
                // completion: the kernel has written the value and let go.
                CompletionResult::EventfdRead(unsafe { *self.value.get() })
            }
            r if r < 0 => error(r),
            // An eventfd read is all 8 bytes or an error.
            r => CompletionResult::Error(std::io::Error::other(format!(
                "eventfd read returned {r} bytes"
            ))),
        }
    }
}
