//! Heap memory lent to the kernel for the life of one operation.

use std::ptr::NonNull;

/// A heap value whose address the kernel holds while an operation is in flight.
///
/// Unlike a `Box`, this keeps only a raw pointer: while the kernel may read or
/// write the value, no Rust reference to it exists, so nothing the compiler
/// assumes about references is broken by the kernel's accesses. Moving a
/// `KernelBox` (the slab's `Vec` does when it grows) never moves the value.
///
/// Invariant: a `KernelBox` is dropped only when its operation's slab entry is
/// removed, which happens on the kernel's final completion for that operation;
/// if that completion never comes, the driver leaks the entry instead.
pub(super) struct KernelBox<T> {
    ptr: NonNull<T>,
}

impl<T> KernelBox<T> {
    pub(super) fn new(value: T) -> Self {
        Self {
            ptr: NonNull::from(Box::leak(Box::new(value))),
        }
    }

    /// Boxes `value`, lets `f` fill in self-references (a msghdr pointing at
    /// its iovecs) and compute the addresses for the SQE, before any kernel
    /// can see the value.
    pub(super) fn new_with<R>(value: T, f: impl FnOnce(&mut T) -> R) -> (Self, R) {
        let this = Self::new(value);
        // Safety: the value was boxed just above and its address has not been
        // given to the kernel or anyone else yet, so this is the only reference.
        let out = f(unsafe { &mut *this.ptr.as_ptr() });
        (this, out)
    }

    /// The address to put in an SQE.
    pub(super) fn as_mut_ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// Reads the value after the kernel is done with it.
    ///
    /// # Safety
    ///
    /// The operation that was given this address must have posted its final
    /// completion (the kernel no longer reads or writes the value).
    pub(super) unsafe fn get(&self) -> &T {
        // Safety: the pointer came from a live Box that only Drop frees, and
        // the caller guarantees the kernel no longer accesses it.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> Drop for KernelBox<T> {
    fn drop(&mut self) {
        // Safety: `ptr` came from `Box::leak` and is freed only here, once; by the
        // type's invariant the kernel has posted its final completion for the
        // operation that used it, so it no longer touches the memory.
        drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
    }
}
