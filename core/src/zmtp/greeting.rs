//! The 64-byte ZMTP greeting and version detection.
//!
//! ```text
//! offset  0      1..9      9     10     11     12..32      32         33..64
//!         0xFF   padding   0x7F  major  minor  mechanism   as-server  filler
//! ```
//!
//! Both peers send it in libzmq's three stages — the 10-byte signature at
//! once, the major version after reading the peer's signature, the rest after
//! reading the peer's major version — and read it in the same stages, so that
//! a peer that speaks an older ZMTP can be recognised before either side has
//! committed to more, and so that two peers never both wait for a whole
//! greeting before sending theirs (which would deadlock).

use super::error::{lossy, Error};

/// Length of the whole greeting.
pub const GREETING_LEN: usize = 64;
/// Length of the signature, the first stage.
pub const SIGNATURE_LEN: usize = 10;
/// Offset of the major version byte, the second stage.
pub const MAJOR_POS: usize = 10;
/// Length of the mechanism name field.
pub const MECHANISM_LEN: usize = 20;

/// The ZMTP version ringmq speaks: 3.1.
pub const VERSION: (u8, u8) = (3, 1);

const MINOR_POS: usize = 11;
const MECHANISM_POS: usize = 12;
const AS_SERVER_POS: usize = 32;

/// A parsed greeting: what a peer tells us before any frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Greeting {
    /// (major, minor) as sent.
    pub version: (u8, u8),
    /// Mechanism name, NUL-padded as on the wire.
    pub mechanism: [u8; MECHANISM_LEN],
    /// The as-server flag (meaningful for PLAIN and CURVE; NULL ignores it).
    pub as_server: bool,
}

impl Greeting {
    /// Our greeting for `mechanism` (at most 20 bytes, e.g. `"NULL"`).
    ///
    /// # Panics
    /// If `mechanism` is longer than 20 bytes (a programming error: the
    /// mechanisms are compiled in).
    pub fn new(mechanism: &str, as_server: bool) -> Self {
        let mut name = [0u8; MECHANISM_LEN];
        assert!(mechanism.len() <= MECHANISM_LEN, "mechanism name too long");
        name[..mechanism.len()].copy_from_slice(mechanism.as_bytes());
        Greeting {
            version: VERSION,
            mechanism: name,
            as_server,
        }
    }

    /// The mechanism name without its NUL padding.
    pub fn mechanism_name(&self) -> &[u8] {
        let end = self
            .mechanism
            .iter()
            .rposition(|&b| b != 0)
            .map_or(0, |i| i + 1);
        &self.mechanism[..end]
    }

    /// The 64 bytes to send. `padding` fills bytes 1..9; libzmq puts its
    /// identity length + 1 there (big-endian), a leftover that lets a ZMTP 1.0
    /// peer read the signature as an identity frame, and ringmq does the same
    /// so its first ten bytes match libzmq's.
    pub fn encode(&self, padding: u64) -> [u8; GREETING_LEN] {
        let mut g = [0u8; GREETING_LEN];
        g[0] = 0xFF;
        g[1..9].copy_from_slice(&padding.to_be_bytes());
        g[9] = 0x7F;
        g[MAJOR_POS] = self.version.0;
        g[MINOR_POS] = self.version.1;
        g[MECHANISM_POS..MECHANISM_POS + MECHANISM_LEN].copy_from_slice(&self.mechanism);
        g[AS_SERVER_POS] = u8::from(self.as_server);
        g
    }

    /// Checks as much of a peer's signature as has arrived (`prefix` is the
    /// first `min(received, 10)` bytes). Detects ZMTP 1.0 as early as libzmq
    /// does: on the first byte, then on the tenth. Padding is not checked —
    /// libzmq does not send zeros there.
    pub fn check_signature(prefix: &[u8]) -> Result<(), Error> {
        if prefix.first().is_some_and(|&b| b != 0xFF) {
            return Err(Error::Zmtp10Peer);
        }
        // Bit 0 of byte 9 is where a ZMTP 1.0 identity frame has its flags
        // (always clear there), so a set bit is what marks a versioned peer.
        if prefix.get(9).is_some_and(|&b| b & 0x01 == 0) {
            return Err(Error::Zmtp10Peer);
        }
        Ok(())
    }

    /// Checks the peer's major version byte. Revision 0 is libzmq's number
    /// for versioned ZMTP 1.0; 1 (and 2, never assigned) are ZMTP 2.0.
    /// Anything from 3 up is accepted: a newer peer must speak our version.
    pub fn check_major(major: u8) -> Result<(), Error> {
        match major {
            0 => Err(Error::Zmtp10Peer),
            1 | 2 => Err(Error::Zmtp20Peer { revision: major }),
            _ => Ok(()),
        }
    }

    /// Parses a complete greeting, with the checks of both early stages.
    pub fn decode(bytes: &[u8; GREETING_LEN]) -> Result<Greeting, Error> {
        Self::check_signature(&bytes[..SIGNATURE_LEN])?;
        Self::check_major(bytes[MAJOR_POS])?;
        let mut mechanism = [0u8; MECHANISM_LEN];
        mechanism.copy_from_slice(&bytes[MECHANISM_POS..MECHANISM_POS + MECHANISM_LEN]);
        Ok(Greeting {
            version: (bytes[MAJOR_POS], bytes[MINOR_POS]),
            mechanism,
            // Spec 23: as-server is 0 or 1; be liberal and read any non-zero as set.
            as_server: bytes[AS_SERVER_POS] != 0,
        })
    }

    /// Fails unless `peer` uses the same mechanism as `self`.
    pub fn check_mechanism(&self, peer: &Greeting) -> Result<(), Error> {
        if self.mechanism == peer.mechanism {
            Ok(())
        } else {
            Err(Error::MechanismMismatch {
                local: lossy(self.mechanism_name()),
                peer: lossy(peer.mechanism_name()),
            })
        }
    }

    /// The version both sides speak: ZMTP 3.0 with a 3.0 peer, else 3.1.
    pub fn negotiate(&self, peer: &Greeting) -> (u8, u8) {
        if peer.version.0 > VERSION.0 {
            VERSION
        } else {
            (VERSION.0, peer.version.1.min(VERSION.1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_libzmq_layout() {
        let g = Greeting::new("NULL", false).encode(1);
        assert_eq!(&g[..10], b"\xff\0\0\0\0\0\0\0\x01\x7f");
        assert_eq!(&g[10..12], &[3, 1]);
        assert_eq!(&g[12..16], b"NULL");
        assert!(g[16..].iter().all(|&b| b == 0));
    }

    #[test]
    fn round_trips() {
        let g = Greeting::new("PLAIN", true);
        let d = Greeting::decode(&g.encode(0)).unwrap();
        assert_eq!(d, g);
        assert_eq!(d.mechanism_name(), b"PLAIN");
    }

    #[test]
    fn detects_old_versions() {
        assert_eq!(Greeting::check_signature(&[0x05]), Err(Error::Zmtp10Peer));
        assert_eq!(Greeting::check_signature(&[0xFF; 9]), Ok(()));
        let mut sig = [0xFFu8; 10];
        sig[9] = 0x7E;
        assert_eq!(Greeting::check_signature(&sig), Err(Error::Zmtp10Peer));
        assert_eq!(Greeting::check_major(0), Err(Error::Zmtp10Peer));
        assert_eq!(
            Greeting::check_major(1),
            Err(Error::Zmtp20Peer { revision: 1 })
        );
        assert_eq!(
            Greeting::check_major(2),
            Err(Error::Zmtp20Peer { revision: 2 })
        );
        assert_eq!(Greeting::check_major(3), Ok(()));
        assert_eq!(Greeting::check_major(4), Ok(()));
    }

    #[test]
    fn negotiates_down() {
        let ours = Greeting::new("NULL", false);
        let mut peer = ours.clone();
        peer.version = (3, 0);
        assert_eq!(ours.negotiate(&peer), (3, 0));
        peer.version = (3, 7);
        assert_eq!(ours.negotiate(&peer), (3, 1));
        peer.version = (4, 0);
        assert_eq!(ours.negotiate(&peer), (3, 1));
    }
}
