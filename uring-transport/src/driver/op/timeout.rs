//! A one-shot timer on the ring.

use std::time::Duration;

use io_uring::{opcode, squeue, types::Timespec};

use super::{error, Op};
use crate::driver::kbox::KernelBox;
use crate::driver::CompletionResult;

/// The duration, which the kernel reads from our memory.
pub(in crate::driver) struct Timeout {
    _ts: KernelBox<Timespec>,
}

pub(in crate::driver) fn prepare(after: Duration) -> (squeue::Entry, Op) {
    let ts = KernelBox::new(Timespec::from(after));
    // count 0: a pure timer, not "or after N completions".
    let sqe = opcode::Timeout::new(ts.as_mut_ptr().cast_const()).build();
    (sqe, Op::Timeout(Timeout { _ts: ts }))
}

pub(super) fn complete(res: i32) -> CompletionResult<'static> {
    match res {
        // -ETIME is the timer firing; 0 would be a completion count reached,
        // which a pure timer never has, so read it the same way.
        r if r == -libc::ETIME || r == 0 => CompletionResult::TimedOut,
        r => error(r),
    }
}
