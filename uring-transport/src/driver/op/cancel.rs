//! Async cancel, by operation or of everything.
//!
//! A cancel request lends the kernel no memory and is not itself an operation
//! of the caller: it carries the reserved `CANCEL_USER_DATA` and its CQE, if
//! any, is dropped. What the caller sees is the target's own final CQE.

use io_uring::{opcode, squeue, types::CancelBuilder};

use crate::driver::slab::CANCEL_USER_DATA;
use crate::driver::OpId;

/// Cancels the one request whose `user_data` is `target`'s.
pub(in crate::driver) fn one(target: OpId) -> squeue::Entry {
    opcode::AsyncCancel::new(target.as_u64())
        .build()
        // Success says nothing the target's CQE will not; failure (ENOENT:
        // already completed, EALREADY: already running) is harmless.
        .flags(squeue::Flags::SKIP_SUCCESS)
        .user_data(CANCEL_USER_DATA)
}

/// Cancels every request in the ring (used when the driver is dropped).
pub(in crate::driver) fn all() -> squeue::Entry {
    opcode::AsyncCancel2::new(CancelBuilder::any())
        .build()
        .flags(squeue::Flags::SKIP_SUCCESS)
        .user_data(CANCEL_USER_DATA)
}
