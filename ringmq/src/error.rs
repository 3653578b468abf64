//! [`Error`]: the `zmq` crate's error enum, one variant per errno value.

use std::fmt;

/// The result type of every fallible call, as in the `zmq` crate.
pub type Result<T> = std::result::Result<T, Error>;

/// libzmq's base for its own errno values (`ZMQ_HAUSNUMERO`).
const HAUSNUMERO: i32 = 156_384_712;

/// An error returned by a ringmq call: the same variants, errno values and
/// messages as the `zmq` crate's `Error` (libzmq's `zmq_errno()` values and
/// `zmq_strerror()` texts on Linux).
///
/// Not every variant is produced by ringmq (there is no `EMFILE` from a
/// socket count limit, for instance); they exist so that code matching on
/// them compiles unchanged.
///
/// ```
/// use ringmq as zmq;
/// let ctx = zmq::Context::new();
/// let sub = ctx.socket(zmq::SUB).unwrap();
/// assert_eq!(sub.send("x", 0), Err(zmq::Error::ENOTSUP));
/// assert_eq!(zmq::Error::EAGAIN.to_raw(), 11);
/// assert_eq!(zmq::Error::ETERM.message(), "Context was terminated");
/// ```
#[derive(Clone, Copy, Eq, PartialEq, Hash)]
#[allow(missing_docs)] // the variants are errno names; `message` says what each means
pub enum Error {
    EACCES,
    EADDRINUSE,
    EAGAIN,
    EBUSY,
    ECONNREFUSED,
    EFAULT,
    EINTR,
    EHOSTUNREACH,
    EINPROGRESS,
    EINVAL,
    EMFILE,
    EMSGSIZE,
    ENAMETOOLONG,
    ENODEV,
    ENOENT,
    ENOMEM,
    ENOTCONN,
    ENOTSOCK,
    EPROTO,
    EPROTONOSUPPORT,
    ENOTSUP,
    ENOBUFS,
    ENETDOWN,
    EADDRNOTAVAIL,

    // libzmq's own error codes
    EFSM,
    ENOCOMPATPROTO,
    ETERM,
    EMTHREAD,
}

impl Error {
    /// The errno value (what `zmq_errno()` would return).
    pub fn to_raw(self) -> i32 {
        match self {
            Error::EACCES => libc::EACCES,
            Error::EADDRINUSE => libc::EADDRINUSE,
            Error::EAGAIN => libc::EAGAIN,
            Error::EBUSY => libc::EBUSY,
            Error::ECONNREFUSED => libc::ECONNREFUSED,
            Error::EFAULT => libc::EFAULT,
            Error::EINTR => libc::EINTR,
            Error::EHOSTUNREACH => libc::EHOSTUNREACH,
            Error::EINPROGRESS => libc::EINPROGRESS,
            Error::EINVAL => libc::EINVAL,
            Error::EMFILE => libc::EMFILE,
            Error::EMSGSIZE => libc::EMSGSIZE,
            Error::ENAMETOOLONG => libc::ENAMETOOLONG,
            Error::ENODEV => libc::ENODEV,
            Error::ENOENT => libc::ENOENT,
            Error::ENOMEM => libc::ENOMEM,
            Error::ENOTCONN => libc::ENOTCONN,
            Error::ENOTSOCK => libc::ENOTSOCK,
            Error::EPROTO => libc::EPROTO,
            Error::EPROTONOSUPPORT => libc::EPROTONOSUPPORT,
            Error::ENOTSUP => libc::ENOTSUP,
            Error::ENOBUFS => libc::ENOBUFS,
            Error::ENETDOWN => libc::ENETDOWN,
            Error::EADDRNOTAVAIL => libc::EADDRNOTAVAIL,
            Error::EFSM => HAUSNUMERO + 51,
            Error::ENOCOMPATPROTO => HAUSNUMERO + 52,
            Error::ETERM => HAUSNUMERO + 53,
            Error::EMTHREAD => HAUSNUMERO + 54,
        }
    }

    /// The error for an errno value.
    ///
    /// # Panics
    /// On a value that is none of the variants, as the `zmq` crate does.
    pub fn from_raw(raw: i32) -> Error {
        const ALL: [Error; 28] = [
            Error::EACCES,
            Error::EADDRINUSE,
            Error::EAGAIN,
            Error::EBUSY,
            Error::ECONNREFUSED,
            Error::EFAULT,
            Error::EINTR,
            Error::EHOSTUNREACH,
            Error::EINPROGRESS,
            Error::EINVAL,
            Error::EMFILE,
            Error::EMSGSIZE,
            Error::ENAMETOOLONG,
            Error::ENODEV,
            Error::ENOENT,
            Error::ENOMEM,
            Error::ENOTCONN,
            Error::ENOTSOCK,
            Error::EPROTO,
            Error::EPROTONOSUPPORT,
            Error::ENOTSUP,
            Error::ENOBUFS,
            Error::ENETDOWN,
            Error::EADDRNOTAVAIL,
            Error::EFSM,
            Error::ENOCOMPATPROTO,
            Error::ETERM,
            Error::EMTHREAD,
        ];
        // libzmq's stand-ins for errno values a platform lacks.
        let alt = match raw - HAUSNUMERO {
            1 => Some(Error::ENOTSUP),
            2 => Some(Error::EPROTONOSUPPORT),
            3 => Some(Error::ENOBUFS),
            4 => Some(Error::ENETDOWN),
            5 => Some(Error::EADDRINUSE),
            6 => Some(Error::EADDRNOTAVAIL),
            7 => Some(Error::ECONNREFUSED),
            8 => Some(Error::EINPROGRESS),
            9 => Some(Error::ENOTSOCK),
            10 => Some(Error::EMSGSIZE),
            _ => None,
        };
        ALL.into_iter()
            .find(|e| e.to_raw() == raw)
            .or(alt)
            .unwrap_or_else(|| panic!("unknown error [{raw}]"))
    }

    /// The message `zmq_strerror()` gives on Linux.
    pub fn message(self) -> &'static str {
        match self {
            Error::EACCES => "Permission denied",
            Error::EADDRINUSE => "Address already in use",
            Error::EAGAIN => "Resource temporarily unavailable",
            Error::EBUSY => "Device or resource busy",
            Error::ECONNREFUSED => "Connection refused",
            Error::EFAULT => "Bad address",
            Error::EINTR => "Interrupted system call",
            Error::EHOSTUNREACH => "No route to host",
            Error::EINPROGRESS => "Operation now in progress",
            Error::EINVAL => "Invalid argument",
            Error::EMFILE => "Too many open files",
            Error::EMSGSIZE => "Message too long",
            Error::ENAMETOOLONG => "File name too long",
            Error::ENODEV => "No such device",
            Error::ENOENT => "No such file or directory",
            Error::ENOMEM => "Cannot allocate memory",
            Error::ENOTCONN => "Transport endpoint is not connected",
            Error::ENOTSOCK => "Socket operation on non-socket",
            Error::EPROTO => "Protocol error",
            Error::EPROTONOSUPPORT => "Protocol not supported",
            Error::ENOTSUP => "Operation not supported",
            Error::ENOBUFS => "No buffer space available",
            Error::ENETDOWN => "Network is down",
            Error::EADDRNOTAVAIL => "Cannot assign requested address",
            Error::EFSM => "Operation cannot be accomplished in current state",
            Error::ENOCOMPATPROTO => "The protocol is not compatible with the socket type",
            Error::ETERM => "Context was terminated",
            Error::EMTHREAD => "No thread available",
        }
    }
}

impl From<ringmq_core::Error> for Error {
    fn from(e: ringmq_core::Error) -> Error {
        use ringmq_core::Error as E;
        match e {
            E::Again => Error::EAGAIN,
            E::Fsm => Error::EFSM,
            E::NotSupported => Error::ENOTSUP,
            E::HostUnreachable => Error::EHOSTUNREACH,
            E::Invalid => Error::EINVAL,
            E::Terminated => Error::ETERM,
            E::AddrInUse => Error::EADDRINUSE,
            E::NoEntry => Error::ENOENT,
            E::ProtocolNotSupported => Error::EPROTONOSUPPORT,
            E::MsgSize => Error::EMSGSIZE,
            E::Interrupted => Error::EINTR,
        }
    }
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Prints the message, as the `zmq` crate does (so `unwrap()` panics read
/// the same).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl From<Error> for std::io::Error {
    fn from(error: Error) -> Self {
        use std::io::ErrorKind;
        let kind = match error {
            Error::ENOENT => ErrorKind::NotFound,
            Error::EACCES => ErrorKind::PermissionDenied,
            Error::ECONNREFUSED => ErrorKind::ConnectionRefused,
            Error::ENOTCONN => ErrorKind::NotConnected,
            Error::EADDRINUSE => ErrorKind::AddrInUse,
            Error::EADDRNOTAVAIL => ErrorKind::AddrNotAvailable,
            Error::EAGAIN => ErrorKind::WouldBlock,
            Error::EINVAL => ErrorKind::InvalidInput,
            Error::EINTR => ErrorKind::Interrupted,
            _ => ErrorKind::Other,
        };
        std::io::Error::new(kind, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_round_trip() {
        for raw in [
            11,
            22,
            95,
            93,
            98,
            2,
            113,
            90,
            4,
            HAUSNUMERO + 51,
            HAUSNUMERO + 53,
        ] {
            assert_eq!(Error::from_raw(raw).to_raw(), raw);
        }
        assert_eq!(Error::from_raw(HAUSNUMERO + 1), Error::ENOTSUP);
    }

    #[test]
    fn core_errors_map_one_to_one() {
        use ringmq_core::Error as E;
        for (c, z) in [
            (E::Again, Error::EAGAIN),
            (E::Fsm, Error::EFSM),
            (E::Terminated, Error::ETERM),
            (E::HostUnreachable, Error::EHOSTUNREACH),
        ] {
            assert_eq!(Error::from(c), z);
            assert_eq!(c.errno(), z.to_raw());
        }
    }

    #[test]
    fn io_error_kind() {
        let e: std::io::Error = Error::EAGAIN.into();
        assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
    }
}
