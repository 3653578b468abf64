//! Socket options, with the `zmq` crate's getter and setter names and types.
//!
//! Three kinds:
//! - options ringmq acts on (HWMs, identity, subscriptions, timeouts,
//!   linger, ROUTER_MANDATORY, XPUB_VERBOSE, reconnect, heartbeats,
//!   handshake, immediate, MAXMSGSIZE), validated as libzmq validates them;
//! - OS tuning options (buffers, keep-alive, backlog, TOS, …) that are
//!   accepted, stored and reported but not applied yet;
//! - options for features ringmq lacks (CURVE, PLAIN, GSSAPI, CONFLATE,
//!   REQ_RELAXED, …): setting them to their default ("off") succeeds,
//!   anything else is `EINVAL`, which is what libzmq built without the
//!   feature answers.

use crate::error::{Error, Result};
use crate::poll::PollEvents;
use crate::socket::{Socket, SocketType};
use crate::transport::TransportOptions;
use bytes::Bytes;
use std::time::Duration;

/// The options kept by the public socket (the core keeps HWMs, identity,
/// ROUTER_MANDATORY, XPUB_VERBOSE, MAXMSGSIZE, IMMEDIATE and the wire
/// options: heartbeats and the handshake interval). Values as libzmq stores
/// them: milliseconds, -1 for "none"/"forever".
#[derive(Clone, Debug)]
pub(crate) struct LocalOptions {
    pub(crate) sndtimeo: i32,
    pub(crate) rcvtimeo: i32,
    pub(crate) linger: i32,
    reconnect_ivl: i32,
    reconnect_ivl_max: i32,
    // Stored, not applied yet.
    ipv6: bool,
    affinity: u64,
    rate: i32,
    recovery_ivl: i32,
    sndbuf: i32,
    rcvbuf: i32,
    tos: i32,
    backlog: i32,
    multicast_hops: i32,
    tcp_keepalive: i32,
    tcp_keepalive_cnt: i32,
    tcp_keepalive_idle: i32,
    tcp_keepalive_intvl: i32,
    connect_timeout: i32,
}

impl Default for LocalOptions {
    /// libzmq 4.3's defaults.
    fn default() -> Self {
        LocalOptions {
            sndtimeo: -1,
            rcvtimeo: -1,
            linger: -1,
            reconnect_ivl: 100,
            reconnect_ivl_max: 0,
            ipv6: false,
            affinity: 0,
            rate: 100,
            recovery_ivl: 10_000,
            sndbuf: -1,
            rcvbuf: -1,
            tos: 0,
            backlog: 100,
            multicast_hops: 1,
            tcp_keepalive: -1,
            tcp_keepalive_cnt: -1,
            tcp_keepalive_idle: -1,
            tcp_keepalive_intvl: -1,
            connect_timeout: 0,
        }
    }
}

impl LocalOptions {
    /// What the engine takes at connect time (it takes the wire options
    /// from the core).
    pub(crate) fn transport(&self) -> TransportOptions {
        TransportOptions {
            // -1 is libzmq's "never reconnect"; the engine has no such
            // setting, so it becomes an interval nobody will wait out.
            reconnect_ivl: match self.reconnect_ivl {
                -1 => Duration::from_secs(u64::from(u32::MAX)),
                v => Duration::from_millis(u64::try_from(v).unwrap_or(0)),
            },
            reconnect_ivl_max: u64::try_from(self.reconnect_ivl_max)
                .ok()
                .filter(|&v| v > 0)
                .map(Duration::from_millis),
        }
    }
}

/// Getter and setter of an `i32` option kept in [`LocalOptions`], refusing
/// values below `$min`.
macro_rules! local_i32 {
    ($(#[$doc:meta])* $get:ident, $set:ident, $field:ident, $min:expr) => {
        $(#[$doc])*
        ///
        /// # Errors
        /// The setter: `EINVAL` for an out-of-range value.
        pub fn $get(&self) -> Result<i32> {
            Ok(self.local.borrow().opts.$field)
        }

        $(#[$doc])*
        ///
        /// # Errors
        /// `EINVAL` for an out-of-range value.
        pub fn $set(&self, value: i32) -> Result<()> {
            if value < $min {
                return Err(Error::EINVAL);
            }
            self.local.borrow_mut().opts.$field = value;
            Ok(())
        }
    };
}

/// Getter and setter of a `bool` option kept in [`LocalOptions`].
macro_rules! local_bool {
    ($(#[$doc:meta])* $get:ident, $set:ident, $field:ident) => {
        $(#[$doc])*
        ///
        /// # Errors
        /// Never.
        pub fn $get(&self) -> Result<bool> {
            Ok(self.local.borrow().opts.$field)
        }

        $(#[$doc])*
        ///
        /// # Errors
        /// Never.
        pub fn $set(&self, value: bool) -> Result<()> {
            self.local.borrow_mut().opts.$field = value;
            Ok(())
        }
    };
}

/// Getter and setter of an `i32` option kept in the core's options,
/// refusing values below `$min`.
macro_rules! core_i32 {
    ($(#[$doc:meta])* $get:ident, $set:ident, $field:ident, $min:expr) => {
        $(#[$doc])*
        ///
        /// # Errors
        /// The setter: `EINVAL` for an out-of-range value.
        pub fn $get(&self) -> Result<i32> {
            Ok(self.shared().lock().options().$field)
        }

        $(#[$doc])*
        ///
        /// # Errors
        /// `EINVAL` for an out-of-range value.
        pub fn $set(&self, value: i32) -> Result<()> {
            if value < $min {
                return Err(Error::EINVAL);
            }
            self.shared().lock().options_mut().$field = value;
            Ok(())
        }
    };
}

/// A boolean option of a feature ringmq lacks: reads false, accepts false.
macro_rules! unsupported_bool {
    ($(#[$doc:meta])* $get:ident, $set:ident) => {
        $(#[$doc])*
        /// Not supported by ringmq: always false.
        ///
        /// # Errors
        /// Never.
        pub fn $get(&self) -> Result<bool> {
            Ok(false)
        }

        unsupported_bool!($(#[$doc])* $set);
    };
    ($(#[$doc:meta])* $set:ident) => {
        $(#[$doc])*
        /// Not supported by ringmq: only `false` (the default) is accepted.
        ///
        /// # Errors
        /// `EINVAL` for `true`.
        pub fn $set(&self, value: bool) -> Result<()> {
            if value {
                Err(Error::EINVAL)
            } else {
                Ok(())
            }
        }
    };
}

/// A string or key option of a feature ringmq lacks.
macro_rules! unsupported_setter {
    ($(#[$doc:meta])* $set:ident, $ty:ty, $is_default:expr) => {
        $(#[$doc])*
        /// Not supported by ringmq: only the default (none) is accepted.
        ///
        /// # Errors
        /// `EINVAL` for any other value.
        pub fn $set(&self, value: $ty) -> Result<()> {
            #[allow(clippy::redundant_closure_call)]
            if ($is_default)(value) {
                Ok(())
            } else {
                Err(Error::EINVAL)
            }
        }
    };
}

/// The `zmq` crate's `(ZMQ_*)` security mechanisms.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    /// No security (the only one ringmq implements so far).
    ZMQ_NULL,
    /// User name and password.
    ZMQ_PLAIN,
    /// CurveZMQ.
    ZMQ_CURVE,
    /// Kerberos.
    ZMQ_GSSAPI,
}

impl Socket {
    fn is_type(&self, types: &[SocketType]) -> bool {
        types.contains(&self.local.borrow().socket_type)
    }

    /// `ZMQ_TYPE`.
    ///
    /// # Errors
    /// Never.
    pub fn get_socket_type(&self) -> Result<SocketType> {
        Ok(self.local.borrow().socket_type)
    }

    /// `ZMQ_RCVMORE`: true if the last frame received has more frames of
    /// the same message after it.
    ///
    /// # Errors
    /// Never.
    pub fn get_rcvmore(&self) -> Result<bool> {
        Ok(self.local.borrow().rcvmore)
    }

    /// `ZMQ_LAST_ENDPOINT`: the endpoint of the last `bind` (resolved:
    /// `tcp://0.0.0.0:41234` for `tcp://*:*`) or `connect`; empty before.
    ///
    /// ```
    /// use ringmq as zmq;
    /// let ctx = zmq::Context::new();
    /// let s = ctx.socket(zmq::PULL).unwrap();
    /// s.bind("inproc://last-endpoint-doc").unwrap();
    /// assert_eq!(s.get_last_endpoint().unwrap().unwrap(), "inproc://last-endpoint-doc");
    /// ```
    ///
    /// # Errors
    /// Never.
    pub fn get_last_endpoint(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(Ok(self.local.borrow().last_endpoint.clone()))
    }

    /// `ZMQ_EVENTS`: `POLLIN` if a message can be received now, `POLLOUT`
    /// if one can be sent.
    ///
    /// # Errors
    /// `ETERM`.
    pub fn get_events(&self) -> Result<PollEvents> {
        if self.shared().is_terminated() {
            return Err(Error::ETERM);
        }
        let mut core = self.shared().lock();
        Ok(self.ready_events(&mut core))
    }

    /// `ZMQ_FD`. ringmq sockets have no notification file descriptor yet.
    ///
    /// # Errors
    /// Always `ENOTSUP`.
    pub fn get_fd(&self) -> Result<std::os::unix::io::RawFd> {
        Err(Error::ENOTSUP)
    }

    /// `ZMQ_SNDHWM`: messages queued towards one peer before the socket
    /// blocks or drops (by type); 0 is no limit. Default 1000. Applies to
    /// connections made afterwards.
    ///
    /// # Errors
    /// Never.
    pub fn get_sndhwm(&self) -> Result<i32> {
        Ok(clamp_i32(self.shared().lock().options().sndhwm))
    }

    /// Sets `ZMQ_SNDHWM`.
    ///
    /// # Errors
    /// `EINVAL` for a negative value.
    pub fn set_sndhwm(&self, value: i32) -> Result<()> {
        let v = usize::try_from(value).map_err(|_| Error::EINVAL)?;
        self.shared().lock().options_mut().sndhwm = v;
        Ok(())
    }

    /// `ZMQ_RCVHWM`: messages queued from one peer before it is not read
    /// from any more; 0 is no limit. Default 1000.
    ///
    /// # Errors
    /// Never.
    pub fn get_rcvhwm(&self) -> Result<i32> {
        Ok(clamp_i32(self.shared().lock().options().rcvhwm))
    }

    /// Sets `ZMQ_RCVHWM`.
    ///
    /// # Errors
    /// `EINVAL` for a negative value.
    pub fn set_rcvhwm(&self, value: i32) -> Result<()> {
        let v = usize::try_from(value).map_err(|_| Error::EINVAL)?;
        self.shared().lock().options_mut().rcvhwm = v;
        Ok(())
    }

    /// `ZMQ_ROUTING_ID` (formerly `ZMQ_IDENTITY`): the identity a ROUTER
    /// peer knows this socket by. Empty by default.
    ///
    /// # Errors
    /// Never.
    pub fn get_identity(&self) -> Result<Vec<u8>> {
        Ok(self.shared().lock().options().routing_id.to_vec())
    }

    /// Sets `ZMQ_ROUTING_ID`, for connections made afterwards.
    ///
    /// # Errors
    /// `EINVAL` unless 1 to 255 bytes long.
    pub fn set_identity(&self, value: &[u8]) -> Result<()> {
        if value.is_empty() || value.len() > 255 {
            return Err(Error::EINVAL);
        }
        self.shared().lock().options_mut().routing_id = Bytes::copy_from_slice(value);
        Ok(())
    }

    /// `ZMQ_SUBSCRIBE`: a SUB socket receives messages whose first frame
    /// starts with `value` (empty: everything).
    ///
    /// ```
    /// use ringmq as zmq;
    /// let ctx = zmq::Context::new();
    /// let sub = ctx.socket(zmq::SUB).unwrap();
    /// sub.set_subscribe(b"EUR").unwrap();
    /// let push = ctx.socket(zmq::PUSH).unwrap();
    /// assert_eq!(push.set_subscribe(b"EUR"), Err(zmq::Error::EINVAL));
    /// ```
    ///
    /// # Errors
    /// `EINVAL` on any socket but SUB (XSUB subscribes by sending).
    pub fn set_subscribe(&self, value: &[u8]) -> Result<()> {
        self.shared().lock().subscribe(value)?;
        Ok(())
    }

    /// `ZMQ_UNSUBSCRIBE`: undoes one earlier `set_subscribe` of the same
    /// prefix.
    ///
    /// # Errors
    /// `EINVAL` on any socket but SUB.
    pub fn set_unsubscribe(&self, value: &[u8]) -> Result<()> {
        self.shared().lock().unsubscribe(value)?;
        Ok(())
    }

    /// `ZMQ_ROUTER_MANDATORY` (ROUTER only): unroutable messages fail with
    /// `EHOSTUNREACH` (and a full peer with `EAGAIN`) instead of being
    /// dropped.
    ///
    /// libzmq cannot read this option back; ringmq returns its value.
    ///
    /// # Errors
    /// `EINVAL` on other socket types.
    pub fn is_router_mandatory(&self) -> Result<bool> {
        if !self.is_type(&[SocketType::ROUTER]) {
            return Err(Error::EINVAL);
        }
        Ok(self.shared().lock().options().router_mandatory)
    }

    /// Sets `ZMQ_ROUTER_MANDATORY`.
    ///
    /// # Errors
    /// `EINVAL` on other socket types than ROUTER.
    pub fn set_router_mandatory(&self, value: bool) -> Result<()> {
        if !self.is_type(&[SocketType::ROUTER]) {
            return Err(Error::EINVAL);
        }
        self.shared().lock().options_mut().router_mandatory = value;
        Ok(())
    }

    /// `ZMQ_XPUB_VERBOSE` (XPUB, and PUB which is an XPUB in libzmq):
    /// pass every subscription to the application, not only new topics.
    ///
    /// # Errors
    /// `EINVAL` on other socket types.
    pub fn set_xpub_verbose(&self, value: bool) -> Result<()> {
        if !self.is_type(&[SocketType::XPUB, SocketType::PUB]) {
            return Err(Error::EINVAL);
        }
        self.shared().lock().options_mut().xpub_verbose = value;
        Ok(())
    }

    /// `ZMQ_MAXMSGSIZE`: the largest message accepted from a tcp/ipc peer,
    /// in bytes; -1 (default) is no limit. A peer sending more is
    /// disconnected.
    ///
    /// # Errors
    /// Never.
    pub fn get_maxmsgsize(&self) -> Result<i64> {
        Ok(self
            .shared()
            .lock()
            .options()
            .max_msg_size
            .map_or(-1, |v| i64::try_from(v).unwrap_or(i64::MAX)))
    }

    /// Sets `ZMQ_MAXMSGSIZE` (any negative value is no limit, as in
    /// libzmq).
    ///
    /// # Errors
    /// Never.
    pub fn set_maxmsgsize(&self, value: i64) -> Result<()> {
        self.shared().lock().options_mut().max_msg_size = u64::try_from(value).ok();
        Ok(())
    }

    local_i32!(
        /// `ZMQ_LINGER`: how long, in ms, queued messages may still be sent
        /// after the socket is closed; -1 (default) is until sent, 0 drops
        /// them.
        get_linger, set_linger, linger, -1
    );
    local_i32!(
        /// `ZMQ_RCVTIMEO`: how long, in ms, a receive waits before
        /// `EAGAIN`; -1 (default) is forever, 0 never waits.
        get_rcvtimeo, set_rcvtimeo, rcvtimeo, -1
    );
    local_i32!(
        /// `ZMQ_SNDTIMEO`: how long, in ms, a send waits before `EAGAIN`;
        /// -1 (default) is forever, 0 never waits.
        get_sndtimeo, set_sndtimeo, sndtimeo, -1
    );
    local_i32!(
        /// `ZMQ_RECONNECT_IVL`: ms before reconnecting a lost or refused
        /// tcp/ipc connection (default 100; -1: never reconnect). Taken at
        /// `connect`.
        get_reconnect_ivl, set_reconnect_ivl, reconnect_ivl, -1
    );
    local_i32!(
        /// `ZMQ_RECONNECT_IVL_MAX`: if above `RECONNECT_IVL`, the wait
        /// doubles after each failed attempt up to this (ms); 0 (default)
        /// keeps it constant. Taken at `connect`.
        get_reconnect_ivl_max, set_reconnect_ivl_max, reconnect_ivl_max, 0
    );
    core_i32!(
        /// `ZMQ_HEARTBEAT_IVL`: ms between ZMTP PINGs on tcp/ipc
        /// connections; 0 (default) sends none. Taken at bind/connect.
        get_heartbeat_ivl, set_heartbeat_ivl, heartbeat_ivl, 0
    );
    core_i32!(
        /// `ZMQ_HANDSHAKE_IVL`: ms a tcp/ipc peer has to complete the ZMTP
        /// handshake; 0 is no limit. Default 30000.
        get_handshake_ivl, set_handshake_ivl, handshake_ivl, 0
    );

    /// `ZMQ_IMMEDIATE`: queue messages only to completed connections.
    /// Taken at bind/connect.
    ///
    /// # Errors
    /// Never.
    pub fn is_immediate(&self) -> Result<bool> {
        Ok(self.shared().lock().options().immediate)
    }

    /// `ZMQ_IMMEDIATE`: queue messages only to completed connections.
    /// Taken at bind/connect.
    ///
    /// # Errors
    /// Never.
    pub fn set_immediate(&self, value: bool) -> Result<()> {
        self.shared().lock().options_mut().immediate = value;
        Ok(())
    }

    /// `ZMQ_HEARTBEAT_TTL`: the time-to-live, in ms, this socket asks its
    /// peers to apply (sent in its PINGs); 0 (default) is none. libzmq
    /// keeps it in deciseconds, so it reads back rounded down to 100 ms.
    ///
    /// # Errors
    /// Never.
    pub fn get_heartbeat_ttl(&self) -> Result<i32> {
        Ok(self.shared().lock().options().heartbeat_ttl)
    }

    /// Sets `ZMQ_HEARTBEAT_TTL`.
    ///
    /// # Errors
    /// `EINVAL` below 0 or above 6553599 ms (the wire field's range).
    pub fn set_heartbeat_ttl(&self, value: i32) -> Result<()> {
        if !(0..=6_553_599).contains(&value) {
            return Err(Error::EINVAL);
        }
        self.shared().lock().options_mut().heartbeat_ttl = value / 100 * 100;
        Ok(())
    }

    /// `ZMQ_HEARTBEAT_TIMEOUT`: ms without any traffic after a PING before
    /// the connection is closed; -1 (default) means `HEARTBEAT_IVL`.
    ///
    /// # Errors
    /// Never.
    pub fn get_heartbeat_timeout(&self) -> Result<i32> {
        Ok(self.shared().lock().options().heartbeat_timeout)
    }

    /// Sets `ZMQ_HEARTBEAT_TIMEOUT`.
    ///
    /// # Errors
    /// `EINVAL` for a negative value (as libzmq, -1 can only be the
    /// default).
    pub fn set_heartbeat_timeout(&self, value: i32) -> Result<()> {
        if value < 0 {
            return Err(Error::EINVAL);
        }
        self.shared().lock().options_mut().heartbeat_timeout = value;
        Ok(())
    }

    // OS tuning options: stored and reported; not applied yet.

    local_bool!(
        /// `ZMQ_IPV6`. Stored; ringmq resolves IPv6 addresses either way.
        is_ipv6, set_ipv6, ipv6
    );
    local_i32!(
        /// `ZMQ_RATE` (PGM only). Stored, no effect.
        get_rate, set_rate, rate, 1
    );
    local_i32!(
        /// `ZMQ_RECOVERY_IVL` (PGM only). Stored, no effect.
        get_recovery_ivl, set_recovery_ivl, recovery_ivl, 0
    );
    local_i32!(
        /// `ZMQ_SNDBUF` (kernel send buffer; -1 = OS default). Stored, not
        /// applied yet.
        get_sndbuf, set_sndbuf, sndbuf, -1
    );
    local_i32!(
        /// `ZMQ_RCVBUF` (kernel receive buffer; -1 = OS default). Stored,
        /// not applied yet.
        get_rcvbuf, set_rcvbuf, rcvbuf, -1
    );
    local_i32!(
        /// `ZMQ_TOS` (IP type-of-service). Stored, not applied yet.
        get_tos, set_tos, tos, 0
    );
    local_i32!(
        /// `ZMQ_BACKLOG` (listen backlog). Stored, not applied yet.
        get_backlog, set_backlog, backlog, 0
    );
    local_i32!(
        /// `ZMQ_MULTICAST_HOPS` (PGM only). Stored, no effect.
        get_multicast_hops, set_multicast_hops, multicast_hops, 1
    );
    local_i32!(
        /// `ZMQ_TCP_KEEPALIVE` (-1 OS default, 0 off, 1 on). Stored, not
        /// applied yet.
        get_tcp_keepalive, set_tcp_keepalive, tcp_keepalive, -1
    );
    local_i32!(
        /// `ZMQ_TCP_KEEPALIVE_CNT`. Stored, not applied yet.
        get_tcp_keepalive_cnt, set_tcp_keepalive_cnt, tcp_keepalive_cnt, -1
    );
    local_i32!(
        /// `ZMQ_TCP_KEEPALIVE_IDLE`. Stored, not applied yet.
        get_tcp_keepalive_idle, set_tcp_keepalive_idle, tcp_keepalive_idle, -1
    );
    local_i32!(
        /// `ZMQ_TCP_KEEPALIVE_INTVL`. Stored, not applied yet.
        get_tcp_keepalive_intvl, set_tcp_keepalive_intvl, tcp_keepalive_intvl, -1
    );
    local_i32!(
        /// `ZMQ_CONNECT_TIMEOUT` (ms; 0 = the OS's). Stored, not applied
        /// yet.
        get_connect_timeout, set_connect_timeout, connect_timeout, 0
    );

    /// `ZMQ_AFFINITY` (I/O thread mask). Stored, not applied yet: a
    /// socket's connections live on one I/O thread chosen round robin.
    ///
    /// # Errors
    /// Never.
    pub fn get_affinity(&self) -> Result<u64> {
        Ok(self.local.borrow().opts.affinity)
    }

    /// Sets `ZMQ_AFFINITY`.
    ///
    /// # Errors
    /// Never.
    pub fn set_affinity(&self, value: u64) -> Result<()> {
        self.local.borrow_mut().opts.affinity = value;
        Ok(())
    }

    // Features ringmq does not have.

    unsupported_bool!(
        /// `ZMQ_PLAIN_SERVER`.
        is_plain_server, set_plain_server
    );
    unsupported_bool!(
        /// `ZMQ_CONFLATE`.
        is_conflate, set_conflate
    );
    unsupported_bool!(
        /// `ZMQ_PROBE_ROUTER`.
        is_probe_router, set_probe_router
    );
    unsupported_bool!(
        /// `ZMQ_ROUTER_HANDOVER`.
        is_router_handover, set_router_handover
    );
    unsupported_bool!(
        /// `ZMQ_CURVE_SERVER`.
        is_curve_server, set_curve_server
    );
    unsupported_bool!(
        /// `ZMQ_GSSAPI_SERVER`.
        is_gssapi_server, set_gssapi_server
    );
    unsupported_bool!(
        /// `ZMQ_GSSAPI_PLAINTEXT`.
        is_gssapi_plaintext, set_gssapi_plaintext
    );
    unsupported_bool!(
        /// `ZMQ_REQ_RELAXED`.
        set_req_relaxed
    );
    unsupported_bool!(
        /// `ZMQ_REQ_CORRELATE`.
        set_req_correlate
    );
    unsupported_setter!(
        /// `ZMQ_SOCKS_PROXY`.
        set_socks_proxy, Option<&str>, |v: Option<&str>| v.is_none_or(str::is_empty)
    );
    unsupported_setter!(
        /// `ZMQ_PLAIN_USERNAME`.
        set_plain_username, Option<&str>, |v: Option<&str>| v.is_none()
    );
    unsupported_setter!(
        /// `ZMQ_PLAIN_PASSWORD`.
        set_plain_password, Option<&str>, |v: Option<&str>| v.is_none()
    );
    unsupported_setter!(
        /// `ZMQ_ZAP_DOMAIN`.
        set_zap_domain, &str, str::is_empty
    );
    unsupported_setter!(
        /// `ZMQ_XPUB_WELCOME_MSG`.
        set_xpub_welcome_msg, Option<&str>, |v: Option<&str>| v.is_none()
    );
    unsupported_setter!(
        /// `ZMQ_CURVE_PUBLICKEY`.
        set_curve_publickey, &[u8], |_| false
    );
    unsupported_setter!(
        /// `ZMQ_CURVE_SECRETKEY`.
        set_curve_secretkey, &[u8], |_| false
    );
    unsupported_setter!(
        /// `ZMQ_CURVE_SERVERKEY`.
        set_curve_serverkey, &[u8], |_| false
    );
    unsupported_setter!(
        /// `ZMQ_GSSAPI_PRINCIPAL`.
        set_gssapi_principal, &str, |_| false
    );
    unsupported_setter!(
        /// `ZMQ_GSSAPI_SERVICE_PRINCIPAL`.
        set_gssapi_service_principal, &str, |_| false
    );

    /// `ZMQ_MECHANISM`: always `ZMQ_NULL` (the only mechanism ringmq has).
    ///
    /// # Errors
    /// Never.
    pub fn get_mechanism(&self) -> Result<Mechanism> {
        Ok(Mechanism::ZMQ_NULL)
    }

    /// `ZMQ_SOCKS_PROXY`: always empty.
    ///
    /// # Errors
    /// Never.
    pub fn get_socks_proxy(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(Ok(String::new()))
    }

    /// `ZMQ_PLAIN_USERNAME`: always empty.
    ///
    /// # Errors
    /// Never.
    pub fn get_plain_username(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(Ok(String::new()))
    }

    /// `ZMQ_PLAIN_PASSWORD`: always empty.
    ///
    /// # Errors
    /// Never.
    pub fn get_plain_password(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(Ok(String::new()))
    }

    /// `ZMQ_ZAP_DOMAIN`: always empty.
    ///
    /// # Errors
    /// Never.
    pub fn get_zap_domain(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Ok(Ok(String::new()))
    }

    /// `ZMQ_CURVE_PUBLICKEY`: CURVE is not supported.
    ///
    /// # Errors
    /// Always `EINVAL`.
    pub fn get_curve_publickey(&self) -> Result<Vec<u8>> {
        Err(Error::EINVAL)
    }

    /// `ZMQ_CURVE_SECRETKEY`: CURVE is not supported.
    ///
    /// # Errors
    /// Always `EINVAL`.
    pub fn get_curve_secretkey(&self) -> Result<Vec<u8>> {
        Err(Error::EINVAL)
    }

    /// `ZMQ_CURVE_SERVERKEY`: CURVE is not supported.
    ///
    /// # Errors
    /// Always `EINVAL`.
    pub fn get_curve_serverkey(&self) -> Result<Vec<u8>> {
        Err(Error::EINVAL)
    }

    /// `ZMQ_GSSAPI_PRINCIPAL`: GSSAPI is not supported.
    ///
    /// # Errors
    /// Always `EINVAL`.
    pub fn get_gssapi_principal(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Err(Error::EINVAL)
    }

    /// `ZMQ_GSSAPI_SERVICE_PRINCIPAL`: GSSAPI is not supported.
    ///
    /// # Errors
    /// Always `EINVAL`.
    pub fn get_gssapi_service_principal(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        Err(Error::EINVAL)
    }
}

fn clamp_i32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}
