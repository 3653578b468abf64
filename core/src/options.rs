//! The socket options the core acts on. The public crate maps `ZMQ_*` option
//! names onto these fields.

use bytes::Bytes;

/// Options that shape a socket's routing and queueing.
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sndhwm: 1000,
            rcvhwm: 1000,
            routing_id: Bytes::new(),
            router_mandatory: false,
            xpub_verbose: false,
            max_msg_size: None,
        }
    }
}
