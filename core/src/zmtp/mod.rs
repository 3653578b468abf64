//! ZMTP 3.1 (rfc.zeromq.org spec 37, with spec 23's ZMTP 3.0 as the fallback):
//! the wire protocol between two ZeroMQ peers, sans I/O.
//!
//! - [`greeting`]: the 64-byte greeting, sent and read in libzmq's stages,
//!   and version detection (ZMTP 1.0 and 2.0 peers are refused with
//!   [`Error::Zmtp10Peer`] / [`Error::Zmtp20Peer`]).
//! - [`frame`]: frames and the [`Decoder`] (input split anywhere, zero-copy,
//!   MAXMSGSIZE enforced before buffering).
//! - [`command`]: READY, ERROR, SUBSCRIBE, CANCEL, PING, PONG and metadata.
//! - [`mechanism`]: the [`Mechanism`] trait and [`NullMechanism`].
//! - [`session`]: [`Session`], one connection's state machine, which is
//!   what the engine drives.
//! - [`error`]: [`Error`], one variant per way a peer can fail us.

pub mod command;
pub mod error;
pub mod frame;
pub mod greeting;
pub mod mechanism;
pub mod session;

pub use command::{Command, Properties};
pub use error::Error;
pub use frame::{Decoded, Decoder, Frame};
pub use greeting::Greeting;
pub use mechanism::{LocalInfo, Mechanism, NullMechanism};
pub use session::{Event, PeerInfo, Session, SessionConfig};
