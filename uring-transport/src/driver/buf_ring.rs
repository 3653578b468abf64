//! The provided-buffer ring that multishot receives take their buffers from.
//!
//! Protocol (io_uring_register_buf_ring(3)): user space writes buffer
//! descriptors into a ring of `struct io_uring_buf` and publishes them by
//! storing the ring's tail (the `resv` field of entry 0) with release order; the
//! kernel consumes from its private head, and a CQE with `IORING_CQE_F_BUFFER`
//! hands buffer `bid` back to user space until it is published again.

use std::io;
use std::ptr::{self, NonNull};
use std::slice;
use std::sync::atomic::{AtomicU16, Ordering};

use io_uring::Submitter;

/// The buffer group id the driver registers its one ring under.
pub(super) const BGID: u16 = 0;

/// `struct io_uring_buf`; entry 0's `resv` doubles as the ring's tail.
#[repr(C)]
struct RawBuf {
    addr: u64,
    len: u32,
    bid: u16,
    resv: u16,
}

const _: () = assert!(std::mem::size_of::<RawBuf>() == 16);

/// An anonymous private mapping, unmapped on drop.
struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

impl Mapping {
    fn new(len: usize) -> io::Result<Self> {
        // Safety: an anonymous private mapping at an address of the kernel's
        // choosing aliases nothing; the result is checked before use.
        let ptr = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                // Populate now so the kernel's copies into the buffers do not
                // take page faults on the receive path.
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(ptr.cast::<u8>()).ok_or_else(|| io::Error::other("mmap at 0"))?;
        Ok(Self { ptr, len })
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // Safety: `ptr`/`len` describe a mapping this value created and nothing
        // else unmaps; its owner (BufRing) is dropped only when the kernel can
        // no longer select a buffer from it (see `Driver::drop`).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// The provided-buffer ring and the buffers it describes.
pub(super) struct BufRing {
    /// `count` descriptors; page-aligned because mmap returns pages, as the
    /// kernel requires.
    ring: Mapping,
    /// `count` buffers of `buf_size` bytes, buffer `bid` at `bid * buf_size`.
    data: Mapping,
    buf_size: u32,
    /// `count - 1`; `count` is a power of two.
    mask: u16,
    /// The next descriptor slot to fill. Published to the kernel by `publish`.
    tail: u16,
    /// `checked_out[bid]`: a CQE handed buffer `bid` to us and it has not been
    /// given back. Guards `take` and `recycle` against a bid used twice.
    checked_out: Vec<bool>,
}

impl BufRing {
    /// Maps `count` buffers of `buf_size` bytes and queues them all in the
    /// ring. `count` must be a power of two (checked by the caller).
    pub(super) fn new(count: u16, buf_size: u32) -> io::Result<Self> {
        debug_assert!(count.is_power_of_two());
        let ring = Mapping::new(usize::from(count) * std::mem::size_of::<RawBuf>())?;
        let data_len = usize::from(count)
            .checked_mul(buf_size as usize)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::ENOMEM))?;
        let data = Mapping::new(data_len)?;
        let mut this = Self {
            ring,
            data,
            buf_size,
            mask: count - 1,
            tail: 0,
            checked_out: vec![false; usize::from(count)],
        };
        for bid in 0..count {
            this.push(bid);
        }
        this.publish();
        Ok(this)
    }

    /// Registers the ring with `submitter`'s io_uring under [`BGID`].
    pub(super) fn register(&self, submitter: &Submitter<'_>) -> io::Result<()> {
        let entries = (usize::from(self.mask) + 1) as u16;
        // Safety: the ring mapping holds `entries` descriptors and outlives the
        // registration: the driver drops the io_uring (which unregisters the
        // group) before it drops this BufRing, or leaks both.
        unsafe {
            submitter.register_buf_ring_with_flags(self.ring.ptr.as_ptr() as u64, entries, BGID, 0)
        }
    }

    /// The `len` bytes the kernel received into buffer `bid`.
    ///
    /// Panics if `bid` is out of range, already checked out, or `len` is larger
    /// than a buffer: any of these would mean the CQE was misread.
    pub(super) fn take(&mut self, bid: u16, len: usize) -> &[u8] {
        let slot = &mut self.checked_out[usize::from(bid)];
        assert!(!*slot, "buffer {bid} handed out twice");
        assert!(
            len <= self.buf_size as usize,
            "receive longer than a buffer"
        );
        *slot = true;
        let offset = usize::from(bid) * self.buf_size as usize;
        // Safety: `offset + len` lies inside the data mapping (bid < count, len
        // <= buf_size). The kernel wrote these bytes before posting the CQE that
        // handed `bid` to us and will not select `bid` again until `recycle`
        // republishes it, which needs `&mut self` and so cannot happen while
        // this slice lives.
        unsafe { slice::from_raw_parts(self.data.ptr.as_ptr().add(offset), len) }
    }

    /// Gives buffer `bid` back to the kernel.
    pub(super) fn recycle(&mut self, bid: u16) {
        // Not necessarily checked out: a CQE can carry a buffer whose bytes were
        // never looked at; it is ours to give back all the same.
        self.checked_out[usize::from(bid)] = false;
        self.push(bid);
        self.publish();
    }

    /// Writes the descriptor for `bid` at the local tail, unpublished.
    fn push(&mut self, bid: u16) {
        let index = usize::from(self.tail & self.mask);
        let addr = self.data.ptr.as_ptr() as u64 + u64::from(bid) * u64::from(self.buf_size);
        // Safety: `index < count`, so the entry lies in the ring mapping. The
        // kernel reads only entries between its head and the published tail;
        // as many buffers exist as ring slots and `bid` is not in the ring, so
        // the slot at the tail is not among them. Raw field writes leave entry
        // 0's `resv` (the tail, which the kernel reads) untouched.
        unsafe {
            let entry = self.ring.ptr.as_ptr().cast::<RawBuf>().add(index);
            ptr::addr_of_mut!((*entry).addr).write(addr);
            ptr::addr_of_mut!((*entry).len).write(self.buf_size);
            ptr::addr_of_mut!((*entry).bid).write(bid);
        }
        self.tail = self.tail.wrapping_add(1);
    }

    /// Makes every pushed descriptor visible to the kernel.
    fn publish(&self) {
        // Safety: entry 0's `resv` is a u16 at offset 14 of a page-aligned
        // mapping, so it is aligned for AtomicU16; the kernel reads it with
        // acquire order, the only other access, so an atomic view is sound.
        let tail = unsafe {
            &*ptr::addr_of!((*self.ring.ptr.as_ptr().cast::<RawBuf>()).resv).cast::<AtomicU16>()
        };
        tail.store(self.tail, Ordering::Release);
    }
}
