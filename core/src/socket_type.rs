//! The eleven socket types of `zmq_socket(3)`, their ZMTP names and which
//! peers each may talk to.

use std::fmt;

/// A ZeroMQ socket type. The discriminants are libzmq's `ZMQ_*` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SocketType {
    /// Exclusive pair (`ZMQ_PAIR`).
    Pair = 0,
    /// Publisher (`ZMQ_PUB`).
    Pub = 1,
    /// Subscriber (`ZMQ_SUB`).
    Sub = 2,
    /// Requester (`ZMQ_REQ`).
    Req = 3,
    /// Replier (`ZMQ_REP`).
    Rep = 4,
    /// Dealer, formerly XREQ (`ZMQ_DEALER`).
    Dealer = 5,
    /// Router, formerly XREP (`ZMQ_ROUTER`).
    Router = 6,
    /// Pipeline consumer (`ZMQ_PULL`).
    Pull = 7,
    /// Pipeline producer (`ZMQ_PUSH`).
    Push = 8,
    /// Publisher that sees subscriptions (`ZMQ_XPUB`).
    XPub = 9,
    /// Subscriber that sends subscriptions as messages (`ZMQ_XSUB`).
    XSub = 10,
}

impl SocketType {
    /// All eleven types, in libzmq's numbering order.
    pub const ALL: [SocketType; 11] = [
        SocketType::Pair,
        SocketType::Pub,
        SocketType::Sub,
        SocketType::Req,
        SocketType::Rep,
        SocketType::Dealer,
        SocketType::Router,
        SocketType::Pull,
        SocketType::Push,
        SocketType::XPub,
        SocketType::XSub,
    ];

    /// The libzmq constant (`ZMQ_PAIR` = 0 … `ZMQ_XSUB` = 10).
    pub fn from_raw(raw: i32) -> Option<SocketType> {
        Self::ALL.get(usize::try_from(raw).ok()?).copied()
    }

    /// The name sent in the ZMTP READY command's `Socket-Type` property.
    pub fn name(self) -> &'static str {
        match self {
            SocketType::Pair => "PAIR",
            SocketType::Pub => "PUB",
            SocketType::Sub => "SUB",
            SocketType::Req => "REQ",
            SocketType::Rep => "REP",
            SocketType::Dealer => "DEALER",
            SocketType::Router => "ROUTER",
            SocketType::Pull => "PULL",
            SocketType::Push => "PUSH",
            SocketType::XPub => "XPUB",
            SocketType::XSub => "XSUB",
        }
    }

    /// Parses a `Socket-Type` property value. ZMTP names are upper case and
    /// compared exactly, as libzmq does.
    pub fn from_name(name: &[u8]) -> Option<SocketType> {
        Self::ALL.into_iter().find(|t| t.name().as_bytes() == name)
    }

    /// The "Compatible peer sockets" row of the type's table in
    /// `zmq_socket(3)`, extended with the X-variants as libzmq does.
    pub fn compatible_peers(self) -> &'static [SocketType] {
        use SocketType::*;
        match self {
            Req => &[Rep, Router],
            Rep => &[Req, Dealer],
            Dealer => &[Router, Rep, Dealer],
            Router => &[Dealer, Req, Router],
            Pub | XPub => &[Sub, XSub],
            Sub | XSub => &[Pub, XPub],
            Push => &[Pull],
            Pull => &[Push],
            Pair => &[Pair],
        }
    }

    /// True if a socket of this type may exchange messages with `peer`.
    pub fn is_compatible(self, peer: SocketType) -> bool {
        self.compatible_peers().contains(&peer)
    }
}

impl fmt::Display for SocketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in SocketType::ALL {
            assert_eq!(SocketType::from_name(t.name().as_bytes()), Some(t));
            assert_eq!(SocketType::from_raw(t as i32), Some(t));
        }
        assert_eq!(SocketType::from_name(b"req"), None);
        assert_eq!(SocketType::from_raw(11), None);
        assert_eq!(SocketType::from_raw(-1), None);
    }

    #[test]
    fn compatibility_is_symmetric() {
        for a in SocketType::ALL {
            for b in SocketType::ALL {
                assert_eq!(a.is_compatible(b), b.is_compatible(a), "{a} {b}");
            }
        }
    }
}
