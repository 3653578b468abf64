//! Security mechanisms: the handshake between the greeting and the first
//! message. NULL is here; PLAIN and CURVE will implement the same trait.

use super::command::{Command, Properties};
use super::error::{lossy, Error};
use crate::socket_type::SocketType;
use bytes::Bytes;
use std::fmt;

/// What a mechanism needs to know about our side.
#[derive(Clone, Debug)]
pub struct LocalInfo {
    /// Our socket type, sent as `Socket-Type`.
    pub socket_type: SocketType,
    /// Our routing id, sent as `Identity`.
    pub identity: Bytes,
    /// Our as-server flag from the greeting.
    pub as_server: bool,
}

impl LocalInfo {
    /// The metadata every mechanism sends: `Socket-Type` and `Identity`.
    ///
    /// `Identity` is sent for every socket type, even when empty. libzmq 4.3.5
    /// sends it only from REQ, DEALER and ROUTER; peers ignore it otherwise, so
    /// sending it always is harmless and keeps this independent of the type.
    pub fn properties(&self) -> Properties {
        let mut p = Properties::new();
        p.push(
            "Socket-Type",
            Bytes::from_static(self.socket_type.name().as_bytes()),
        );
        p.push("Identity", self.identity.clone());
        p
    }
}

/// A security mechanism's side of the handshake.
///
/// The [`Session`](super::Session) drives it after the greeting: it calls
/// [`start`](Self::start) once, then [`handle_command`](Self::handle_command)
/// with each command the peer sends, sending whatever commands either pushes
/// to `out`, until `handle_command` returns the peer's metadata. ERROR commands
/// are handled by the session, before the mechanism sees them. Checking the
/// metadata (`Socket-Type`) is also the session's job, the same for every
/// mechanism.
///
/// CURVE will also need to wrap every frame after the handshake in a MESSAGE
/// command; that will be added here as provided methods when CURVE lands.
pub trait Mechanism: fmt::Debug + Send {
    /// The name sent in the greeting (at most 20 bytes): `"NULL"`, `"PLAIN"`, `"CURVE"`.
    fn name(&self) -> &'static str;

    /// The greeting is done: push the commands we speak first.
    fn start(&mut self, out: &mut Vec<Command>);

    /// One command from the peer. Pushes replies to `out`; returns the peer's
    /// metadata once the handshake is complete on our side, `Ok(None)` while
    /// more commands are expected, or the peer's mistake.
    fn handle_command(
        &mut self,
        cmd: Command,
        out: &mut Vec<Command>,
    ) -> Result<Option<Properties>, Error>;
}

/// Where the NULL handshake is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NullState {
    /// `start` has not run yet: nothing sent.
    Start,
    /// Our READY is sent; waiting for the peer's.
    ExpectReady,
    /// Both READYs exchanged.
    Done,
}

/// The NULL mechanism (ZMTP 3.0 spec 23): no security, each side sends
/// READY with its metadata and waits for the other's.
#[derive(Debug)]
pub struct NullMechanism {
    local: LocalInfo,
    state: NullState,
}

impl NullMechanism {
    /// A NULL handshake announcing `local`.
    pub fn new(local: LocalInfo) -> Self {
        NullMechanism {
            local,
            state: NullState::Start,
        }
    }
}

impl Mechanism for NullMechanism {
    fn name(&self) -> &'static str {
        "NULL"
    }

    fn start(&mut self, out: &mut Vec<Command>) {
        debug_assert_eq!(self.state, NullState::Start);
        out.push(Command::Ready(self.local.properties()));
        self.state = NullState::ExpectReady;
    }

    fn handle_command(
        &mut self,
        cmd: Command,
        _out: &mut Vec<Command>,
    ) -> Result<Option<Properties>, Error> {
        match (self.state, cmd) {
            (NullState::ExpectReady, Command::Ready(props)) => {
                self.state = NullState::Done;
                Ok(Some(props))
            }
            (_, cmd) => Err(Error::UnexpectedCommand {
                name: lossy(cmd.name()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_sends_ready_then_takes_ready() {
        let mut m = NullMechanism::new(LocalInfo {
            socket_type: SocketType::Dealer,
            identity: Bytes::from_static(b"me"),
            as_server: false,
        });
        let mut out = Vec::new();
        m.start(&mut out);
        let [Command::Ready(p)] = &out[..] else {
            panic!("expected one READY, got {out:?}");
        };
        assert_eq!(p.get("socket-type").unwrap(), &b"DEALER"[..]);
        assert_eq!(p.get("identity").unwrap(), &b"me"[..]);
        out.clear();
        let err = m
            .handle_command(
                Command::Ping {
                    ttl: 0,
                    context: Bytes::new(),
                },
                &mut out,
            )
            .unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedCommand {
                name: "PING".into()
            }
        );
        let props = m
            .handle_command(Command::Ready(Properties::new()), &mut out)
            .unwrap();
        assert_eq!(props, Some(Properties::new()));
        assert!(out.is_empty());
    }
}
