//! The errors a socket operation returns, one to one with libzmq's errno values.

use std::fmt;

/// libzmq's base for its own errno values (`ZMQ_HAUSNUMERO`).
const HAUSNUMERO: i32 = 156_384_712;

/// What a socket operation can fail with. Each variant is one libzmq errno, so
/// the public API and a future C ABI can hand it on unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// `EAGAIN`: the operation would block (mute state, nothing to receive,
    /// or a non-blocking call); try again later.
    Again,
    /// `EFSM`: the operation is not allowed in the socket's current state
    /// (REQ sending twice, REP replying before a request).
    Fsm,
    /// `ENOTSUP`: the socket type does not implement the operation (recv on
    /// PUB or PUSH, send on SUB or PULL).
    NotSupported,
    /// `EHOSTUNREACH`: ROUTER_MANDATORY is set and the message names a peer
    /// that is not connected.
    HostUnreachable,
    /// `EINVAL`: an argument is invalid (an empty message, a bad option value,
    /// a malformed endpoint).
    Invalid,
    /// `ETERM`: the context was terminated.
    Terminated,
    /// `EADDRINUSE`: the endpoint is already bound.
    AddrInUse,
    /// `ENOENT`: no such endpoint (unbind/disconnect of an unknown endpoint).
    NoEntry,
    /// `EPROTONOSUPPORT`: the endpoint's transport is not supported.
    ProtocolNotSupported,
    /// `EMSGSIZE`: the message is larger than allowed.
    MsgSize,
    /// `EINTR`: the operation was interrupted.
    Interrupted,
}

impl Error {
    /// The errno value libzmq reports for this error on Linux.
    pub fn errno(self) -> i32 {
        match self {
            Error::Again => 11,
            Error::Fsm => HAUSNUMERO + 51,
            Error::NotSupported => 95,
            Error::HostUnreachable => 113,
            Error::Invalid => 22,
            Error::Terminated => HAUSNUMERO + 53,
            Error::AddrInUse => 98,
            Error::NoEntry => 2,
            Error::ProtocolNotSupported => 93,
            Error::MsgSize => 90,
            Error::Interrupted => 4,
        }
    }

    /// The message `zmq_strerror` gives for this error.
    pub fn message(self) -> &'static str {
        match self {
            Error::Again => "Resource temporarily unavailable",
            Error::Fsm => "Operation cannot be accomplished in current state",
            Error::NotSupported => "Operation not supported",
            Error::HostUnreachable => "Host unreachable",
            Error::Invalid => "Invalid argument",
            Error::Terminated => "Context was terminated",
            Error::AddrInUse => "Address already in use",
            Error::NoEntry => "No such file or directory",
            Error::ProtocolNotSupported => "Protocol not supported",
            Error::MsgSize => "Message too long",
            Error::Interrupted => "Interrupted system call",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// A failed send: the error, and the message handed back so the caller can
/// retry it (a blocking send waits and tries again with the same message).
#[derive(Debug)]
pub struct SendError {
    /// Why the message was not taken.
    pub error: Error,
    /// The message, untouched.
    pub msg: crate::Multipart,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for SendError {}
