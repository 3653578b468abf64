//! One file per io_uring operation: how its SQE is built, what it lends the
//! kernel, and how its CQE reads back.
//!
//! Every `prepare` returns the SQE together with the [`Op`] that owns all
//! memory the SQE points to; the driver stores the `Op` in its slab *before*
//! pushing the SQE and drops it only on the operation's final completion.

use std::io;

use super::buf_ring::BufRing;
use super::CompletionResult;

pub(super) mod accept;
pub(super) mod cancel;
pub(super) mod close;
pub(super) mod connect;
pub(super) mod eventfd;
pub(super) mod recv;
pub(super) mod send;
pub(super) mod sendmsg;
pub(super) mod timeout;

/// An operation in flight and everything it lent the kernel.
// Most payloads are never read: they are held only so that they are dropped
// with the slab entry, at the final completion.
#[allow(dead_code)]
pub(super) enum Op {
    /// Multishot accept: lends nothing (no peer address is asked for).
    Accept,
    Connect(connect::Connect),
    /// Multishot recv: its buffers belong to the buffer ring, not the op.
    Recv,
    Send(send::Send),
    SendMsg(sendmsg::SendMsg),
    EventfdRead(eventfd::EventfdRead),
    Timeout(timeout::Timeout),
    Close,
}

/// Reads one CQE of `op`. Runs before the CQE's buffer (if any) is recycled,
/// and for a final CQE before `op` is dropped.
pub(super) fn complete<'a>(
    op: &Op,
    res: i32,
    flags: u32,
    bufs: &'a mut BufRing,
) -> CompletionResult<'a> {
    if res == -libc::ECANCELED {
        return CompletionResult::Canceled;
    }
    match op {
        Op::Accept => accept::complete(res),
        Op::Connect(_) => connect::complete(res),
        Op::Recv => recv::complete(res, flags, bufs),
        Op::Send(_) | Op::SendMsg(_) => send::complete(res),
        Op::EventfdRead(op) => op.complete(res),
        Op::Timeout(_) => timeout::complete(res),
        Op::Close => close::complete(res),
    }
}

/// A negative CQE result as the error it stands for.
fn error(res: i32) -> CompletionResult<'static> {
    debug_assert!(res < 0);
    CompletionResult::Error(io::Error::from_raw_os_error(-res))
}
