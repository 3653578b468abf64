//! Everything that ends a ZMTP connection: each way a peer can break the
//! protocol is its own variant, plus the two timeouts.

use crate::socket_type::SocketType;
use std::fmt;

/// Why a [`Session`](super::Session) gave up on its peer.
///
/// Every variant is fatal: after a [`Session`](super::Session) has returned
/// one, it is dead and the driver closes the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The peer's signature is not a versioned one (first byte not `0xFF`, or
    /// bit 0 of its tenth byte clear): it speaks ZMTP 1.0 (libzmq 2.x), or is
    /// not a ZeroMQ peer at all.
    Zmtp10Peer,
    /// The peer announced a ZMTP revision below 3 in its greeting: ZMTP 2.0
    /// (libzmq 3.x sends revision 1). `revision` is the byte it sent.
    Zmtp20Peer {
        /// The peer's version byte (greeting byte 10).
        revision: u8,
    },
    /// The peer's greeting names a different security mechanism.
    MechanismMismatch {
        /// Our mechanism (`NULL`, `PLAIN`, `CURVE`).
        local: String,
        /// The peer's mechanism field, trailing NULs removed.
        peer: String,
    },
    /// A frame's flags byte has a bit other than MORE, LONG and COMMAND set.
    ReservedFlags {
        /// The flags byte as received.
        flags: u8,
    },
    /// A command frame has the MORE flag: commands are always single frames.
    CommandWithMore,
    /// A frame declares a size above the limit (MAXMSGSIZE for messages; see
    /// [`Decoder`](super::Decoder) for commands). Refused before any byte of
    /// its body is buffered.
    FrameTooLarge {
        /// The size the frame header declares.
        size: u64,
        /// The limit it breaks.
        max: u64,
    },
    /// The frames of one multipart message add up to more than MAXMSGSIZE.
    MessageTooLarge {
        /// Payload bytes the message would reach with the offending frame.
        size: u64,
        /// MAXMSGSIZE.
        max: u64,
    },
    /// One multipart message has more frames than the limit that goes with
    /// MAXMSGSIZE (see [`Decoder`](super::Decoder)).
    TooManyFrames {
        /// The frame limit.
        max: u64,
    },
    /// A command frame is empty, its name runs past its end, or a known
    /// command's body is too short (PING without its TTL, ERROR without its
    /// reason).
    MalformedCommand {
        /// The command name, as far as it could be read (may be empty).
        name: String,
    },
    /// The metadata of READY (or of a mechanism's command) is truncated: a
    /// property's name or value runs past the end of the command.
    MalformedProperties,
    /// The peer sent a message frame before the handshake finished.
    MessageBeforeReady,
    /// The peer sent a command the security handshake does not expect at
    /// this point (for NULL: anything but READY or ERROR).
    UnexpectedCommand {
        /// The command name.
        name: String,
    },
    /// The peer's READY has no `Socket-Type` property.
    MissingSocketType,
    /// The peer's `Socket-Type` is not one of the eleven ZeroMQ names.
    UnknownSocketType {
        /// The value it sent (lossily decoded).
        name: String,
    },
    /// The peer's socket type cannot talk to ours (`zmq_socket(3)`'s
    /// "compatible peer sockets").
    IncompatibleSocketType {
        /// Our socket type.
        local: SocketType,
        /// The peer's socket type.
        peer: SocketType,
    },
    /// The peer sent an ERROR command (during the handshake this is how a
    /// mechanism refuses us, e.g. bad PLAIN credentials).
    PeerError {
        /// The reason it gave (lossily decoded).
        reason: String,
    },
    /// The handshake did not complete within `handshake_timeout`.
    HandshakeTimeout,
    /// Nothing arrived from the peer within `heartbeat_timeout` after one of
    /// our PINGs, or within the TTL announced in the peer's own PING.
    HeartbeatTimeout,
}

impl Error {
    /// True for the two timeouts (the peer went quiet) as opposed to the peer
    /// saying something wrong. libzmq reports the former as a timeout error and
    /// the latter as a protocol error, which decides whether to reconnect.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::HandshakeTimeout | Error::HeartbeatTimeout)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Zmtp10Peer => f.write_str(
                "peer speaks ZMTP 1.0 (libzmq 2.x) or is not a ZeroMQ peer; only ZMTP 3.x is supported",
            ),
            Error::Zmtp20Peer { revision } => write!(
                f,
                "ZMTP 2.0 peers (libzmq 3.x) are not supported yet (peer sent revision {revision})"
            ),
            Error::MechanismMismatch { local, peer } => write!(
                f,
                "security mechanism mismatch: we use {local}, the peer uses {peer:?}"
            ),
            Error::ReservedFlags { flags } => {
                write!(f, "frame flags {flags:#04x} have reserved bits set")
            }
            Error::CommandWithMore => f.write_str("command frame with the MORE flag set"),
            Error::FrameTooLarge { size, max } => {
                write!(f, "frame of {size} bytes exceeds the limit of {max} bytes")
            }
            Error::MessageTooLarge { size, max } => write!(
                f,
                "multipart message reaches {size} bytes, above MAXMSGSIZE {max}"
            ),
            Error::TooManyFrames { max } => {
                write!(f, "multipart message has more than {max} frames")
            }
            Error::MalformedCommand { name } => write!(f, "malformed command {name:?}"),
            Error::MalformedProperties => f.write_str("malformed metadata properties"),
            Error::MessageBeforeReady => {
                f.write_str("peer sent a message before the handshake completed")
            }
            Error::UnexpectedCommand { name } => {
                write!(f, "unexpected command {name:?} during the handshake")
            }
            Error::MissingSocketType => f.write_str("peer's READY has no Socket-Type property"),
            Error::UnknownSocketType { name } => write!(f, "unknown peer socket type {name:?}"),
            Error::IncompatibleSocketType { local, peer } => {
                write!(f, "a {local} socket cannot talk to a {peer} peer")
            }
            Error::PeerError { reason } => write!(f, "peer sent ERROR: {reason}"),
            Error::HandshakeTimeout => f.write_str("handshake timed out"),
            Error::HeartbeatTimeout => f.write_str("peer sent nothing within the heartbeat timeout"),
        }
    }
}

impl std::error::Error for Error {}

/// Lossy text for names and reasons taken off the wire, for error messages.
pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
