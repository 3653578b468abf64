//! # ringmq-core
//!
//! The sans-IO heart of ringmq: everything ZeroMQ does that is not I/O.
//! No sockets, no clocks, no threads — bytes and time go in, bytes, timers
//! and events come out — so every behaviour of `zmq_socket(3)` can be tested
//! in memory, deterministically, and the same code runs under the io_uring
//! engine, inproc, and the wasm inspector.
//!
//! - [`msg`]: frames and whole messages on `bytes::Bytes`.
//! - [`zmtp`]: the ZMTP 3.1 wire protocol (greeting, handshake, frames,
//!   commands) as a state machine, [`zmtp::Session`].
//! - [`pipe`]: per-peer message queues with high-water marks.
//! - [`link`]: one connection's session and pipe, backpressure, linger and
//!   reconnect, driven by the engine and by [`sim`].
//! - [`strategy`]: load-balance, fair-queue and dist.
//! - [`trie`], [`mtrie`]: subscription tries.
//! - [`socket`]: the eleven socket types over those pieces.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod error;
pub mod link;
pub mod msg;
pub mod mtrie;
pub mod options;
pub mod pipe;
pub mod sim;
pub mod snapshot;
pub mod socket;
pub mod socket_type;
pub mod strategy;
pub mod trie;
pub mod zmtp;

pub use error::Error;
pub use msg::{Msg, Multipart};
pub use pipe::PipeId;
pub use socket::Socket;
pub use socket_type::SocketType;
