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

/// The one table of the simple options: a getter and a setter that load and
/// store one field, the setter refusing values outside a range with
/// `EINVAL`. Options with more to them (identity, subscriptions, socket-type
/// checks, MAXMSGSIZE's "negative is none", HEARTBEAT_TTL's rounding,
/// read-only state) are written out by hand below.
///
/// A row is the option's doc (it follows the generated `` `ZMQ_NAME`: ``),
/// then `ZMQ_NAME => getter, setter: TYPE = STORE.field in RANGE;`:
/// - `TYPE`: the API's type (`i32`, `u64`, `bool`), or `i32 as usize` for a
///   field kept as `usize` (read back at most `i32::MAX`);
/// - `STORE`: `local` ([`LocalOptions`], the public socket's) or `core` (the
///   core socket's `Options`, taken by its pipes and sessions);
/// - `in RANGE`, optional: the values the setter accepts.
macro_rules! sockopts {
    ($(
        $(#[$doc:meta])*
        $zmq:ident => $get:ident, $set:ident: $ty:ident $(as $store:ty)?
            = $at:ident.$field:ident $(in $range:expr)?;
    )*) => {
        impl Socket {
            $(
                #[doc = concat!("`", stringify!($zmq), "`: ")]
                $(#[$doc])*
                ///
                /// # Errors
                /// Never.
                pub fn $get(&self) -> Result<$ty> {
                    let v = sockopts!(@load self, $at, $field);
                    Ok(sockopts!(@out $ty $(as $store)?, v))
                }

                #[doc = concat!("Sets `", stringify!($zmq), "`: ")]
                $(#[$doc])*
                ///
                /// # Errors
                #[doc = sockopts!(@errors $($range)?)]
                pub fn $set(&self, value: $ty) -> Result<()> {
                    $(
                        if !std::ops::RangeBounds::contains(&$range, &value) {
                            return Err(Error::EINVAL);
                        }
                    )?
                    let v = sockopts!(@in $ty $(as $store)?, value);
                    sockopts!(@store self, $at, $field, v);
                    Ok(())
                }
            )*
        }
    };
    (@load $s:ident, local, $field:ident) => { $s.local.borrow().opts.$field };
    (@load $s:ident, core, $field:ident) => { $s.shared().lock().options().$field };
    (@store $s:ident, local, $field:ident, $v:expr) => { $s.local.borrow_mut().opts.$field = $v };
    (@store $s:ident, core, $field:ident, $v:expr) => {
        $s.shared().lock().options_mut().$field = $v
    };
    (@out $ty:ident, $v:expr) => { $v };
    (@out $ty:ident as $store:ty, $v:expr) => { <$ty>::try_from($v).unwrap_or(<$ty>::MAX) };
    (@in $ty:ident, $v:expr) => { $v };
    (@in $ty:ident as $store:ty, $v:expr) => {
        <$store>::try_from($v).map_err(|_| Error::EINVAL)?
    };
    (@errors) => { "Never." };
    (@errors $range:expr) => { "`EINVAL` for an out-of-range value." };
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
    /// if one can be sent. In the inline mode the socket's engine is turned
    /// first, so what arrived counts (as libzmq processes its commands).
    ///
    /// # Errors
    /// `ETERM`.
    pub fn get_events(&self) -> Result<PollEvents> {
        if self.shared().is_terminated() {
            return Err(Error::ETERM);
        }
        self.shared().progress();
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
}

sockopts! {
    /// messages queued towards one peer before the socket blocks or
    /// drops (by type); 0 is no limit. Default 1000. Applies to connections
    /// made afterwards.
    ZMQ_SNDHWM => get_sndhwm, set_sndhwm: i32 as usize = core.sndhwm in 0..;
    /// messages queued from one peer before it is not read from any
    /// more; 0 is no limit. Default 1000.
    ZMQ_RCVHWM => get_rcvhwm, set_rcvhwm: i32 as usize = core.rcvhwm in 0..;
    /// how long, in ms, queued messages may still be sent after the
    /// socket is closed; -1 (default) is until sent, 0 drops them.
    ZMQ_LINGER => get_linger, set_linger: i32 = local.linger in -1..;
    /// how long, in ms, a receive waits before `EAGAIN`; -1 (default)
    /// is forever, 0 never waits.
    ZMQ_RCVTIMEO => get_rcvtimeo, set_rcvtimeo: i32 = local.rcvtimeo in -1..;
    /// how long, in ms, a send waits before `EAGAIN`; -1 (default) is
    /// forever, 0 never waits.
    ZMQ_SNDTIMEO => get_sndtimeo, set_sndtimeo: i32 = local.sndtimeo in -1..;
    /// ms before reconnecting a lost or refused tcp/ipc connection
    /// (default 100; -1: never reconnect). Taken at `connect`.
    ZMQ_RECONNECT_IVL => get_reconnect_ivl, set_reconnect_ivl: i32
        = local.reconnect_ivl in -1..;
    /// if above `RECONNECT_IVL`, the wait doubles after each failed
    /// attempt up to this (ms); 0 (default) keeps it constant. Taken at
    /// `connect`.
    ZMQ_RECONNECT_IVL_MAX => get_reconnect_ivl_max, set_reconnect_ivl_max: i32
        = local.reconnect_ivl_max in 0..;
    /// ms between ZMTP PINGs on tcp/ipc connections; 0 (default) sends
    /// none. Taken at bind/connect.
    ZMQ_HEARTBEAT_IVL => get_heartbeat_ivl, set_heartbeat_ivl: i32
        = core.heartbeat_ivl in 0..;
    /// ms without any traffic after a PING before the connection is
    /// closed; -1 (default) means `HEARTBEAT_IVL`, and as in libzmq can
    /// only be the default. Taken at bind/connect.
    ZMQ_HEARTBEAT_TIMEOUT => get_heartbeat_timeout, set_heartbeat_timeout: i32
        = core.heartbeat_timeout in 0..;
    /// ms a tcp/ipc peer has to complete the ZMTP handshake; 0 is no
    /// limit. Default 30000. Taken at bind/connect.
    ZMQ_HANDSHAKE_IVL => get_handshake_ivl, set_handshake_ivl: i32
        = core.handshake_ivl in 0..;
    /// queue messages only to completed connections. Stored: ringmq
    /// always does (see docs/behaviour.md).
    ZMQ_IMMEDIATE => is_immediate, set_immediate: bool = core.immediate;

    // OS tuning options: stored and reported; not applied yet.

    /// stored; ringmq resolves IPv6 addresses either way.
    ZMQ_IPV6 => is_ipv6, set_ipv6: bool = local.ipv6;
    /// PGM only. Stored, no effect.
    ZMQ_RATE => get_rate, set_rate: i32 = local.rate in 1..;
    /// PGM only. Stored, no effect.
    ZMQ_RECOVERY_IVL => get_recovery_ivl, set_recovery_ivl: i32 = local.recovery_ivl in 0..;
    /// kernel send buffer (-1 = OS default). Stored, not applied yet.
    ZMQ_SNDBUF => get_sndbuf, set_sndbuf: i32 = local.sndbuf in -1..;
    /// kernel receive buffer (-1 = OS default). Stored, not applied yet.
    ZMQ_RCVBUF => get_rcvbuf, set_rcvbuf: i32 = local.rcvbuf in -1..;
    /// IP type-of-service. Stored, not applied yet.
    ZMQ_TOS => get_tos, set_tos: i32 = local.tos in 0..;
    /// listen backlog. Stored, not applied yet.
    ZMQ_BACKLOG => get_backlog, set_backlog: i32 = local.backlog in 0..;
    /// PGM only. Stored, no effect.
    ZMQ_MULTICAST_HOPS => get_multicast_hops, set_multicast_hops: i32
        = local.multicast_hops in 1..;
    /// -1 OS default, 0 off, 1 on. Stored, not applied yet.
    ZMQ_TCP_KEEPALIVE => get_tcp_keepalive, set_tcp_keepalive: i32
        = local.tcp_keepalive in -1..;
    /// stored, not applied yet.
    ZMQ_TCP_KEEPALIVE_CNT => get_tcp_keepalive_cnt, set_tcp_keepalive_cnt: i32
        = local.tcp_keepalive_cnt in -1..;
    /// stored, not applied yet.
    ZMQ_TCP_KEEPALIVE_IDLE => get_tcp_keepalive_idle, set_tcp_keepalive_idle: i32
        = local.tcp_keepalive_idle in -1..;
    /// stored, not applied yet.
    ZMQ_TCP_KEEPALIVE_INTVL => get_tcp_keepalive_intvl, set_tcp_keepalive_intvl: i32
        = local.tcp_keepalive_intvl in -1..;
    /// ms; 0 = the OS's. Stored, not applied yet.
    ZMQ_CONNECT_TIMEOUT => get_connect_timeout, set_connect_timeout: i32
        = local.connect_timeout in 0..;
    /// I/O thread mask. Stored, not applied yet: a socket's connections
    /// live on one I/O thread chosen round robin.
    ZMQ_AFFINITY => get_affinity, set_affinity: u64 = local.affinity;
}

impl Socket {
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
