//! The socket options the core acts on, and the wire options it hands each
//! ZMTP session. The public crate maps `ZMQ_*` option names onto these
//! fields; times are kept as libzmq keeps them (milliseconds, with its
//! "none" values), so what is set reads back unchanged.

use crate::socket_type::SocketType;
use crate::zmtp::SessionConfig;
use bytes::Bytes;
use std::time::Duration;

/// Options that shape a socket's routing and queueing, and its connections'
/// ZMTP sessions.
#[derive(Clone, Debug)]
pub struct Options {
    /// `ZMQ_SNDHWM`: messages queued towards one peer before it is mute;
    /// 0 means no limit. libzmq's default is 1000.
    pub sndhwm: usize,
    /// `ZMQ_RCVHWM`: messages queued from one peer before we stop reading
    /// from it; 0 means no limit.
    pub rcvhwm: usize,
    /// `ZMQ_ROUTING_ID` (`ZMQ_IDENTITY`): the identity announced in READY.
    pub routing_id: Bytes,
    /// `ZMQ_ROUTER_MANDATORY`: a ROUTER reports unroutable messages with
    /// EHOSTUNREACH (and a full peer with EAGAIN) instead of dropping them.
    pub router_mandatory: bool,
    /// `ZMQ_XPUB_VERBOSE`: an XPUB hands the application every subscription,
    /// not only the first one for a topic.
    pub xpub_verbose: bool,
    /// `ZMQ_MAXMSGSIZE`: largest inbound message accepted; `None` is no limit.
    pub max_msg_size: Option<u64>,
    /// `ZMQ_HEARTBEAT_IVL`, in ms: a PING this often once established; 0
    /// (default) sends none.
    pub heartbeat_ivl: i32,
    /// `ZMQ_HEARTBEAT_TTL`, in ms (a multiple of 100: the wire carries
    /// deciseconds): the time-to-live announced in our PINGs; 0 is none.
    pub heartbeat_ttl: i32,
    /// `ZMQ_HEARTBEAT_TIMEOUT`, in ms: close the connection if nothing
    /// arrives this long after a PING; -1 (default) is `heartbeat_ivl`.
    pub heartbeat_timeout: i32,
    /// `ZMQ_HANDSHAKE_IVL`, in ms: a peer has this long to complete the
    /// handshake; 0 is no limit. Default 30000.
    pub handshake_ivl: i32,
    /// `ZMQ_IMMEDIATE`: queue messages only to completed connections. Stored;
    /// ringmq gives a peer its pipe when its handshake completes either way.
    pub immediate: bool,
}

impl Default for Options {
    /// libzmq 4.3's defaults.
    fn default() -> Self {
        Options {
            sndhwm: 1000,
            rcvhwm: 1000,
            routing_id: Bytes::new(),
            router_mandatory: false,
            xpub_verbose: false,
            max_msg_size: None,
            heartbeat_ivl: 0,
            heartbeat_ttl: 0,
            heartbeat_timeout: -1,
            handshake_ivl: 30_000,
            immediate: false,
        }
    }
}

/// A positive number of ms as a duration; 0 and the negative "none" values
/// are `None`.
fn ms(v: i32) -> Option<Duration> {
    u64::try_from(v)
        .ok()
        .filter(|&v| v > 0)
        .map(Duration::from_millis)
}

impl Options {
    /// The configuration of a ZMTP session for one connection of a socket
    /// of `socket_type`: the one place it is built. The transport takes it
    /// at bind/connect time, so options set later apply to later endpoints
    /// only, as in libzmq.
    pub fn session_config(&self, socket_type: SocketType) -> SessionConfig {
        SessionConfig {
            identity: self.routing_id.clone(),
            max_msg_size: self.max_msg_size,
            heartbeat_ivl: ms(self.heartbeat_ivl),
            heartbeat_ttl: ms(self.heartbeat_ttl),
            // A timeout of `None` is the session's "same as the interval".
            heartbeat_timeout: ms(self.heartbeat_timeout),
            handshake_timeout: ms(self.handshake_ivl),
            ..SessionConfig::new(socket_type)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_give_the_default_session() {
        let cfg = Options::default().session_config(SocketType::Dealer);
        let want = SessionConfig::new(SocketType::Dealer);
        assert_eq!(cfg.socket_type, want.socket_type);
        assert_eq!(cfg.identity, want.identity);
        assert_eq!(cfg.as_server, want.as_server);
        assert_eq!(cfg.max_msg_size, want.max_msg_size);
        assert_eq!(cfg.heartbeat_ivl, want.heartbeat_ivl);
        assert_eq!(cfg.heartbeat_ttl, want.heartbeat_ttl);
        assert_eq!(cfg.heartbeat_timeout, want.heartbeat_timeout);
        assert_eq!(cfg.handshake_timeout, want.handshake_timeout);
    }

    #[test]
    fn wire_options_reach_the_session() {
        let opts = Options {
            routing_id: Bytes::from_static(b"me"),
            max_msg_size: Some(64),
            heartbeat_ivl: 1000,
            heartbeat_ttl: 2300,
            heartbeat_timeout: 500,
            handshake_ivl: 0,
            ..Options::default()
        };
        let cfg = opts.session_config(SocketType::Router);
        assert_eq!(cfg.socket_type, SocketType::Router);
        assert_eq!(cfg.identity, Bytes::from_static(b"me"));
        assert_eq!(cfg.max_msg_size, Some(64));
        assert_eq!(cfg.heartbeat_ivl, Some(Duration::from_millis(1000)));
        assert_eq!(cfg.heartbeat_ttl, Some(Duration::from_millis(2300)));
        assert_eq!(cfg.heartbeat_timeout, Some(Duration::from_millis(500)));
        // HANDSHAKE_IVL 0 is no limit.
        assert_eq!(cfg.handshake_timeout, None);
    }
}
