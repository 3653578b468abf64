//! Test helpers on top of `ringmq_core::sim`.

#![allow(dead_code)]

pub use ringmq_core::sim::*;
use ringmq_core::SocketType;

/// Asserts the "Compatible peer sockets" row of a type's table: a socket of
/// type `t` completes the handshake with exactly the `expected` types — in
/// either connect direction — and refuses every other type at READY.
pub fn assert_compatible_peers(t: SocketType, expected: &[SocketType]) {
    for peer in SocketType::ALL {
        for t_connects in [true, false] {
            let mut net = Net::new();
            let a = net.socket(t);
            let b = net.socket(peer);
            let l = if t_connects {
                net.connect(a, b)
            } else {
                net.connect(b, a)
            };
            if expected.contains(&peer) {
                assert_eq!(net.state(l), &LinkState::Up, "{t} with {peer}");
                assert!(net.pipe_of(l, a).is_some(), "{t} attached {peer}");
                assert!(net.pipe_of(l, b).is_some(), "{peer} attached {t}");
            } else {
                assert!(
                    matches!(net.state(l), LinkState::Refused(_)),
                    "{t} must refuse {peer}, link is {:?}",
                    net.state(l)
                );
                assert_eq!(net.s(a).pipes().count(), 0, "{t} kept a pipe to {peer}");
                assert_eq!(net.s(b).pipes().count(), 0, "{peer} kept a pipe to {t}");
            }
        }
    }
}
