//! Gather-send several buffers with one SQE, without copying them together.

use std::os::fd::RawFd;

use bytes::Bytes;
use io_uring::{opcode, squeue, types};
use smallvec::SmallVec;

use super::send::SEND_FLAGS;
use super::Op;
use crate::driver::kbox::KernelBox;

/// Enough inline iovecs for a typical multipart message.
const INLINE: usize = 8;

/// Everything the kernel reads: the msghdr, the iovec array it points to
/// (both at a stable address) and the buffers the iovecs describe (kept alive
/// by their `Bytes` handles). One allocation per sendmsg.
struct Parts {
    hdr: libc::msghdr,
    iov: SmallVec<[libc::iovec; INLINE]>,
    _bufs: SmallVec<[Bytes; INLINE]>,
}

/// What a sendmsg lends the kernel.
pub(in crate::driver) struct SendMsg {
    _parts: KernelBox<Parts>,
}

pub(in crate::driver) fn prepare(
    fd: RawFd,
    bufs: impl IntoIterator<Item = Bytes>,
) -> (squeue::Entry, Op) {
    let bufs: SmallVec<[Bytes; INLINE]> = bufs.into_iter().filter(|b| !b.is_empty()).collect();
    let iov = bufs
        .iter()
        .map(|b| libc::iovec {
            // The kernel only reads through this pointer (sendmsg), the C
            // type just is not const.
            iov_base: b.as_ptr() as *mut libc::c_void,
            iov_len: b.len(),
        })
        .collect();
    // No address (the socket is connected), no control data; the iovecs are
    // filled in once they have their final address.
    let hdr = libc::msghdr {
        msg_name: std::ptr::null_mut(),
        msg_namelen: 0,
        msg_iov: std::ptr::null_mut(),
        msg_iovlen: 0,
        msg_control: std::ptr::null_mut(),
        msg_controllen: 0,
        msg_flags: 0,
    };
    let parts = Parts {
        hdr,
        iov,
        _bufs: bufs,
    };
    let (parts, hdr_ptr) = KernelBox::new_with(parts, |p| {
        // The iovecs live inline in the same box (or on the SmallVec's heap
        // when there are many); either way they do not move from here on.
        p.hdr.msg_iov = p.iov.as_mut_ptr();
        p.hdr.msg_iovlen = p.iov.len();
        std::ptr::addr_of!(p.hdr)
    });
    let sqe = opcode::SendMsg::new(types::Fd(fd), hdr_ptr)
        .flags(SEND_FLAGS as u32)
        .build();
    (sqe, Op::SendMsg(SendMsg { _parts: parts }))
}
