//! # ringmq
//!
//! ZeroMQ for Rust, on io_uring, wire-compatible with libzmq — with the API
//! of the [`zmq`](https://docs.rs/zmq/0.10) crate. Porting a program is one
//! line:
//!
//! ```
//! use ringmq as zmq;
//!
//! let ctx = zmq::Context::new();
//! let publisher = ctx.socket(zmq::PUB).unwrap();
//! publisher.bind("inproc://quotes").unwrap();
//! let subscriber = ctx.socket(zmq::SUB).unwrap();
//! subscriber.connect("inproc://quotes").unwrap();
//! subscriber.set_subscribe(b"EUR").unwrap();
//!
//! publisher.send("USDJPY 151.20", 0).unwrap();
//! publisher.send("EURUSD 1.0842", 0).unwrap();
//! assert_eq!(subscriber.recv_string(0).unwrap().unwrap(), "EURUSD 1.0842");
//! ```
//!
//! (In `Cargo.toml`, `zmq = { package = "ringmq", … }` does the same without
//! touching the source.)
//!
//! Names, signatures and errno values are the `zmq` crate's, for everything
//! ringmq supports:
//! - [`Context`], [`Socket`] with `bind`/`connect`/`unbind`/`disconnect`,
//!   `send`/`send_multipart`, `recv`/`recv_bytes`/`recv_string`/
//!   `recv_multipart`/`recv_into`/`recv_msg`, and the socket options as
//!   `get_*`/`set_*`/`is_*` methods;
//! - [`Message`], [`Error`] and [`Result`], the flags [`DONTWAIT`] and
//!   [`SNDMORE`], [`poll`] with [`PollItem`] and [`PollEvents`],
//!   [`proxy`] and its variants, [`z85_encode`]/[`z85_decode`];
//! - transports `tcp://` and `ipc://` (served by the io_uring engine's I/O
//!   threads, started on first use) and `inproc://` (no I/O thread at all).
//!
//! What differs, and every choice made where libzmq leaves room, is listed
//! in this crate's `README.md`. In short: `STREAM` sockets, socket monitors, CURVE/
//! PLAIN/GSSAPI and polling plain file descriptors are not there yet, and
//! report `EINVAL`/`ENOTSUP`; raw-pointer functions (`into_raw`,
//! `from_raw`, `as_mut_ptr`) do not exist.
//!
//! ringmq extensions, additive to the `zmq` API: [`Context::snapshot`]
//! (counters, queues, latency histograms and events of every socket) and the
//! live inspector, `Context::serve_inspector` or `RINGMQ_INSPECT=addr`
//! (module `inspector`, cargo feature `inspector`, on by default).
//!
//! A [`Socket`] is `Send` but not `Sync`: it may move to another thread but
//! is used by one thread at a time, as `zmq_socket(3)` requires — here the
//! compiler checks it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod context;
mod error;
mod inproc;
mod message;
mod poll;
mod proxy;
mod socket;
mod sockopt;
mod stats;
mod transport;
mod z85;

#[cfg(feature = "inspector")]
pub mod inspector;

/// The inspector's data model ([`Context::snapshot`] returns a
/// [`Snapshot`](snapshot::Snapshot)); the same types the dashboard reads.
pub use ringmq_core::snapshot;

pub use crate::context::Context;
pub use crate::error::{Error, Result};
pub use crate::message::Message;
pub use crate::poll::{poll, PollEvents, PollItem, POLLERR, POLLIN, POLLOUT};
pub use crate::proxy::{proxy, proxy_steerable, proxy_steerable_with_capture, proxy_with_capture};
pub use crate::socket::{Sendable, Socket, SocketType, SocketType::*};
pub use crate::sockopt::Mechanism;
pub use crate::z85::{z85_decode, z85_encode, CurveKeyPair, DecodeError, EncodeError};

/// Flag for `send`/`recv`: do not block; fail with `EAGAIN` instead.
pub const DONTWAIT: i32 = 1;
/// Flag for `send`: more frames of this message follow.
pub const SNDMORE: i32 = 2;

/// Sets how many messages of each stream are stamped for the latency
/// histograms: one in `one_in` (1: every message; 0: none). The default is
/// one in 64, or the environment variable `RINGMQ_STATS` (`0` turns
/// sampling off). Process-wide; counters and events are always kept. A
/// ringmq extension.
pub fn set_latency_sampling(one_in: u32) {
    ringmq_uring::shared::set_sample_interval(one_in);
}

/// The current latency sampling interval (see [`set_latency_sampling`]).
pub fn latency_sampling() -> u32 {
    ringmq_uring::shared::sample_interval()
}

/// The libzmq version whose behaviour ringmq follows, as
/// `(major, minor, patch)`.
pub fn version() -> (i32, i32, i32) {
    (4, 3, 5)
}

/// `zmq_has`: whether a capability is built in. ringmq has `ipc`; it has
/// none of `pgm`, `tipc`, `norm`, `curve`, `gssapi` or `draft`.
///
/// Always `Some`, as in the `zmq` crate.
pub fn has(capability: &str) -> Option<bool> {
    Some(capability == "ipc")
}

/// Socket monitor events (the `zmq` crate's enum). ringmq does not produce
/// them yet: [`Socket::monitor`] returns `ENOTSUP`.
#[allow(non_camel_case_types, missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketEvent {
    CONNECTED = 0x0001,
    CONNECT_DELAYED = 0x0002,
    CONNECT_RETRIED = 0x0004,
    LISTENING = 0x0008,
    BIND_FAILED = 0x0010,
    ACCEPTED = 0x0020,
    ACCEPT_FAILED = 0x0040,
    CLOSED = 0x0080,
    CLOSE_FAILED = 0x0100,
    DISCONNECTED = 0x0200,
    MONITOR_STOPPED = 0x0400,
    HANDSHAKE_FAILED_NO_DETAIL = 0x0800,
    HANDSHAKE_SUCCEEDED = 0x1000,
    HANDSHAKE_FAILED_PROTOCOL = 0x2000,
    HANDSHAKE_FAILED_AUTH = 0x4000,
    ALL = 0xFFFF,
}

impl SocketEvent {
    /// The `ZMQ_EVENT_*` value.
    pub fn to_raw(self) -> u16 {
        self as u16
    }

    /// The event for a `ZMQ_EVENT_*` value.
    ///
    /// # Panics
    /// On an unknown value, as the `zmq` crate does.
    pub fn from_raw(raw: u16) -> SocketEvent {
        use SocketEvent::*;
        [
            CONNECTED,
            CONNECT_DELAYED,
            CONNECT_RETRIED,
            LISTENING,
            BIND_FAILED,
            ACCEPTED,
            ACCEPT_FAILED,
            CLOSED,
            CLOSE_FAILED,
            DISCONNECTED,
            MONITOR_STOPPED,
            HANDSHAKE_FAILED_NO_DETAIL,
            HANDSHAKE_SUCCEEDED,
            HANDSHAKE_FAILED_PROTOCOL,
            HANDSHAKE_FAILED_AUTH,
            ALL,
        ]
        .into_iter()
        .find(|e| e.to_raw() == raw)
        .unwrap_or_else(|| panic!("unknown event type {raw}"))
    }
}
