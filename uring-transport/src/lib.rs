//! The io_uring engine of ringmq.
//!
//! One io_uring per I/O thread, created inside that thread, drives the
//! sans-IO state machines of `ringmq-core` over tcp and ipc connections.
//!
//! [`driver`] is the only place that talks to the kernel: it owns every buffer,
//! iovec and socket address that an operation hands to the kernel until the
//! kernel's final completion for it, and it holds all of this crate's `unsafe`
//! (the crate denies `unsafe_code` everywhere else).
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod driver;
pub mod endpoint;
pub mod engine;
pub mod shared;
