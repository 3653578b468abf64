//! ZMTP commands and metadata properties.
//!
//! ```text
//! command  = name-len name body
//! READY    = metadata                     property = name-len name value-len(4, BE) value
//! ERROR    = reason-len reason
//! SUBSCRIBE, CANCEL = topic
//! PING     = ttl(2, BE, deciseconds) context(0..16)
//! PONG     = context
//! ```

use super::error::{lossy, Error};
use super::frame::{encode_header, header_len, FLAG_COMMAND};
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Longest PING context the spec allows; PONG echoes at most this much.
pub const PING_CONTEXT_MAX: usize = 16;

/// Metadata properties, as carried by READY (and later by PLAIN's INITIATE
/// and CURVE's INITIATE/READY), in the order received.
///
/// Names are compared case-insensitively, as the ZMTP spec says (libzmq
/// compares them exactly; a peer sending `socket-type` works with ringmq and
/// not with libzmq).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Properties(Vec<(String, Bytes)>);

impl Properties {
    /// No properties.
    pub fn new() -> Self {
        Properties(Vec::new())
    }

    /// Appends a property.
    ///
    /// # Panics
    /// If `name` is empty or longer than 255 bytes, or `value` longer than
    /// `u32::MAX` bytes: such a property cannot be encoded.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<Bytes>) {
        let name = name.into();
        let value = value.into();
        assert!((1..=255).contains(&name.len()), "property name length");
        assert!(u32::try_from(value.len()).is_ok(), "property value length");
        self.0.push((name, value));
    }

    /// The first property called `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Bytes> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// All properties, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Number of properties.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Gives up the list.
    pub fn into_vec(self) -> Vec<(String, Bytes)> {
        self.0
    }

    /// Parses a metadata block. Values are split out of `data` without
    /// copying; anything truncated is an error. Names are not checked against
    /// the spec's character set (libzmq does not either).
    pub fn parse(mut data: Bytes) -> Result<Properties, Error> {
        let mut props = Vec::new();
        while !data.is_empty() {
            let name_len = usize::from(data[0]);
            if data.len() < 1 + name_len + 4 {
                return Err(Error::MalformedProperties);
            }
            data.advance(1);
            let name = lossy(&data.split_to(name_len));
            let value_len = data.get_u32() as usize;
            if data.len() < value_len {
                return Err(Error::MalformedProperties);
            }
            props.push((name, data.split_to(value_len)));
        }
        Ok(Properties(props))
    }

    /// Encoded size in bytes.
    pub fn encoded_len(&self) -> usize {
        self.0.iter().map(|(n, v)| 1 + n.len() + 4 + v.len()).sum()
    }

    /// Appends the wire form.
    pub fn encode(&self, out: &mut BytesMut) {
        for (name, value) in &self.0 {
            out.put_u8(name.len() as u8);
            out.put_slice(name.as_bytes());
            out.put_u32(value.len() as u32);
            out.put_slice(value);
        }
    }
}

impl From<Vec<(String, Bytes)>> for Properties {
    fn from(v: Vec<(String, Bytes)>) -> Self {
        Properties(v)
    }
}

/// A ZMTP command.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// READY: the sender's metadata; ends the NULL handshake.
    Ready(Properties),
    /// ERROR: the sender is closing the connection, and why.
    Error {
        /// Reason text (at most 255 bytes).
        reason: Bytes,
    },
    /// SUBSCRIBE (ZMTP 3.1): a SUB/XSUB peer wants messages starting with `topic`.
    Subscribe(Bytes),
    /// CANCEL (ZMTP 3.1): a SUB/XSUB peer drops a subscription.
    Cancel(Bytes),
    /// PING (ZMTP 3.1 heartbeat).
    Ping {
        /// How long the receiver should wait for traffic before giving up on
        /// the sender, in deciseconds; 0 means no limit.
        ttl: u16,
        /// Up to 16 bytes that the PONG echoes.
        context: Bytes,
    },
    /// PONG: the answer to a PING.
    Pong {
        /// The PING's context.
        context: Bytes,
    },
    /// Any other command (e.g. a mechanism's HELLO). After the handshake
    /// these are ignored, as libzmq does.
    Unknown {
        /// Command name.
        name: Bytes,
        /// Command data after the name.
        body: Bytes,
    },
}

impl Command {
    /// The command name as sent on the wire.
    pub fn name(&self) -> &[u8] {
        match self {
            Command::Ready(_) => b"READY",
            Command::Error { .. } => b"ERROR",
            Command::Subscribe(_) => b"SUBSCRIBE",
            Command::Cancel(_) => b"CANCEL",
            Command::Ping { .. } => b"PING",
            Command::Pong { .. } => b"PONG",
            Command::Unknown { name, .. } => name,
        }
    }

    /// Parses a command frame's body (name length, name, data).
    pub fn parse(mut frame: Bytes) -> Result<Command, Error> {
        let Some(&name_len) = frame.first() else {
            return Err(Error::MalformedCommand {
                name: String::new(),
            });
        };
        let name_len = usize::from(name_len);
        if frame.len() < 1 + name_len {
            return Err(Error::MalformedCommand {
                name: lossy(&frame[1..]),
            });
        }
        frame.advance(1);
        let name = frame.split_to(name_len);
        let mut body = frame;
        let malformed = || Error::MalformedCommand { name: lossy(&name) };
        Ok(match &name[..] {
            b"READY" => Command::Ready(Properties::parse(body)?),
            b"ERROR" => {
                let reason_len = usize::from(*body.first().ok_or_else(malformed)?);
                if body.len() < 1 + reason_len {
                    return Err(malformed());
                }
                body.advance(1);
                Command::Error {
                    reason: body.split_to(reason_len),
                }
            }
            b"SUBSCRIBE" => Command::Subscribe(body),
            b"CANCEL" => Command::Cancel(body),
            b"PING" => {
                if body.len() < 2 {
                    return Err(malformed());
                }
                let ttl = body.get_u16();
                // The spec allows 16 bytes of context; libzmq truncates a
                // longer one rather than failing, and so do we.
                body.truncate(PING_CONTEXT_MAX);
                Command::Ping { ttl, context: body }
            }
            b"PONG" => Command::Pong { context: body },
            _ => Command::Unknown { name, body },
        })
    }

    /// Length of the command data after the name.
    fn data_len(&self) -> usize {
        match self {
            Command::Ready(p) => p.encoded_len(),
            Command::Error { reason } => 1 + reason.len().min(255),
            Command::Subscribe(t) | Command::Cancel(t) => t.len(),
            Command::Ping { context, .. } => 2 + context.len().min(PING_CONTEXT_MAX),
            Command::Pong { context } => context.len().min(PING_CONTEXT_MAX),
            Command::Unknown { body, .. } => body.len(),
        }
    }

    /// Appends the whole command frame (flags, size, name, data). Reasons
    /// over 255 bytes and contexts over 16 are truncated to fit the format.
    pub fn encode(&self, out: &mut BytesMut) {
        let name = self.name();
        debug_assert!(name.len() <= 255);
        let body_len = 1 + name.len() + self.data_len();
        out.reserve(header_len(body_len) + body_len);
        encode_header(out, FLAG_COMMAND, body_len);
        out.put_u8(name.len() as u8);
        out.put_slice(name);
        match self {
            Command::Ready(p) => p.encode(out),
            Command::Error { reason } => {
                let reason = &reason[..reason.len().min(255)];
                out.put_u8(reason.len() as u8);
                out.put_slice(reason);
            }
            Command::Subscribe(t) | Command::Cancel(t) => out.put_slice(t),
            Command::Ping { ttl, context } => {
                out.put_u16(*ttl);
                out.put_slice(&context[..context.len().min(PING_CONTEXT_MAX)]);
            }
            Command::Pong { context } => {
                out.put_slice(&context[..context.len().min(PING_CONTEXT_MAX)])
            }
            Command::Unknown { body, .. } => out.put_slice(body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(cmd: Command) {
        let mut out = BytesMut::new();
        cmd.encode(&mut out);
        let mut dec = super::super::frame::Decoder::new(None);
        let Some(super::super::frame::Frame::Command(body)) = dec.decode_frame(&mut out).unwrap()
        else {
            panic!("not a command frame");
        };
        assert!(out.is_empty());
        assert_eq!(Command::parse(body).unwrap(), cmd);
    }

    #[test]
    fn round_trips() {
        let mut props = Properties::new();
        props.push("Socket-Type", Bytes::from_static(b"DEALER"));
        props.push("Identity", Bytes::new());
        props.push("X-Big", Bytes::from(vec![9u8; 300]));
        round_trip(Command::Ready(props));
        round_trip(Command::Error {
            reason: Bytes::from_static(b"nope"),
        });
        round_trip(Command::Subscribe(Bytes::from_static(b"AB")));
        round_trip(Command::Cancel(Bytes::new()));
        round_trip(Command::Ping {
            ttl: 20,
            context: Bytes::from_static(b"ctx"),
        });
        round_trip(Command::Pong {
            context: Bytes::new(),
        });
        round_trip(Command::Unknown {
            name: Bytes::from_static(b"HELLO"),
            body: Bytes::from_static(b"x"),
        });
    }

    #[test]
    fn error_wire_form() {
        // `05 "ERROR"`, 1-byte reason length, reason (as libzmq sends it).
        let mut out = BytesMut::new();
        Command::Error {
            reason: Bytes::from_static(b"bye"),
        }
        .encode(&mut out);
        assert_eq!(&out[..], b"\x04\x0a\x05ERROR\x03bye");
    }

    #[test]
    fn ping_wire_form() {
        let mut out = BytesMut::new();
        Command::Ping {
            ttl: 20,
            context: Bytes::new(),
        }
        .encode(&mut out);
        assert_eq!(&out[..], b"\x04\x07\x04PING\x00\x14");
    }

    #[test]
    fn property_names_are_case_insensitive() {
        let p = Properties::parse(Bytes::from_static(b"\x0bsocket-TYPE\0\0\0\x03PUB")).unwrap();
        assert_eq!(p.get("Socket-Type").unwrap(), &b"PUB"[..]);
    }

    #[test]
    fn malformed() {
        assert!(matches!(
            Command::parse(Bytes::new()),
            Err(Error::MalformedCommand { .. })
        ));
        assert!(matches!(
            Command::parse(Bytes::from_static(b"\x09SUB")),
            Err(Error::MalformedCommand { .. })
        ));
        assert!(matches!(
            Command::parse(Bytes::from_static(b"\x04PING\x00")),
            Err(Error::MalformedCommand { .. })
        ));
        assert!(matches!(
            Command::parse(Bytes::from_static(b"\x05ERROR\x05ab")),
            Err(Error::MalformedCommand { .. })
        ));
        for bad in [
            &b"\x05READY\x0b"[..],
            b"\x05READY\x01a\0\0",
            b"\x05READY\x01a\0\0\0\x05abc",
        ] {
            assert_eq!(
                Command::parse(Bytes::copy_from_slice(bad)),
                Err(Error::MalformedProperties)
            );
        }
    }

    #[test]
    fn long_ping_context_is_truncated() {
        let cmd = Command::parse(Bytes::from_static(
            b"\x04PING\x00\x00abcdefghijklmnopqrstuvwxyz",
        ))
        .unwrap();
        assert_eq!(
            cmd,
            Command::Ping {
                ttl: 0,
                context: Bytes::from_static(b"abcdefghijklmnop")
            }
        );
    }
}
