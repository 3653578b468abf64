//! The option table's accessors (each setter's bounds, each getter reading
//! back what was set) and when options take effect: at bind/connect, as in
//! libzmq.

mod common;

use common::{bind, socket, within, Transport};
use ringmq as zmq;
use std::time::{Duration, Instant};

/// Every `i32` option's lowest accepted value is accepted and read back, and
/// the value below it is `EINVAL` and leaves the option as it was.
#[test]
fn each_setter_accepts_its_lowest_value_and_refuses_the_one_below() {
    type Get = fn(&zmq::Socket) -> zmq::Result<i32>;
    type Set = fn(&zmq::Socket, i32) -> zmq::Result<()>;
    let table: &[(&str, Get, Set, i32)] = &[
        (
            "sndhwm",
            zmq::Socket::get_sndhwm,
            zmq::Socket::set_sndhwm,
            0,
        ),
        (
            "rcvhwm",
            zmq::Socket::get_rcvhwm,
            zmq::Socket::set_rcvhwm,
            0,
        ),
        (
            "linger",
            zmq::Socket::get_linger,
            zmq::Socket::set_linger,
            -1,
        ),
        (
            "rcvtimeo",
            zmq::Socket::get_rcvtimeo,
            zmq::Socket::set_rcvtimeo,
            -1,
        ),
        (
            "sndtimeo",
            zmq::Socket::get_sndtimeo,
            zmq::Socket::set_sndtimeo,
            -1,
        ),
        (
            "reconnect_ivl",
            zmq::Socket::get_reconnect_ivl,
            zmq::Socket::set_reconnect_ivl,
            -1,
        ),
        (
            "reconnect_ivl_max",
            zmq::Socket::get_reconnect_ivl_max,
            zmq::Socket::set_reconnect_ivl_max,
            0,
        ),
        (
            "heartbeat_ivl",
            zmq::Socket::get_heartbeat_ivl,
            zmq::Socket::set_heartbeat_ivl,
            0,
        ),
        (
            "heartbeat_timeout",
            zmq::Socket::get_heartbeat_timeout,
            zmq::Socket::set_heartbeat_timeout,
            0,
        ),
        (
            "handshake_ivl",
            zmq::Socket::get_handshake_ivl,
            zmq::Socket::set_handshake_ivl,
            0,
        ),
        ("rate", zmq::Socket::get_rate, zmq::Socket::set_rate, 1),
        (
            "recovery_ivl",
            zmq::Socket::get_recovery_ivl,
            zmq::Socket::set_recovery_ivl,
            0,
        ),
        (
            "sndbuf",
            zmq::Socket::get_sndbuf,
            zmq::Socket::set_sndbuf,
            -1,
        ),
        (
            "rcvbuf",
            zmq::Socket::get_rcvbuf,
            zmq::Socket::set_rcvbuf,
            -1,
        ),
        ("tos", zmq::Socket::get_tos, zmq::Socket::set_tos, 0),
        (
            "backlog",
            zmq::Socket::get_backlog,
            zmq::Socket::set_backlog,
            0,
        ),
        (
            "multicast_hops",
            zmq::Socket::get_multicast_hops,
            zmq::Socket::set_multicast_hops,
            1,
        ),
        (
            "tcp_keepalive",
            zmq::Socket::get_tcp_keepalive,
            zmq::Socket::set_tcp_keepalive,
            -1,
        ),
        (
            "tcp_keepalive_cnt",
            zmq::Socket::get_tcp_keepalive_cnt,
            zmq::Socket::set_tcp_keepalive_cnt,
            -1,
        ),
        (
            "tcp_keepalive_idle",
            zmq::Socket::get_tcp_keepalive_idle,
            zmq::Socket::set_tcp_keepalive_idle,
            -1,
        ),
        (
            "tcp_keepalive_intvl",
            zmq::Socket::get_tcp_keepalive_intvl,
            zmq::Socket::set_tcp_keepalive_intvl,
            -1,
        ),
        (
            "connect_timeout",
            zmq::Socket::get_connect_timeout,
            zmq::Socket::set_connect_timeout,
            0,
        ),
    ];
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::DEALER).unwrap();
    for &(name, get, set, min) in table {
        set(&s, min).unwrap_or_else(|e| panic!("{name}: {min} refused: {e}"));
        assert_eq!(get(&s).unwrap(), min, "{name}");
        assert_eq!(set(&s, min - 1), Err(zmq::Error::EINVAL), "{name}");
        assert_eq!(get(&s).unwrap(), min, "{name}: changed by a refused value");
        set(&s, i32::MAX).unwrap();
        assert_eq!(get(&s).unwrap(), i32::MAX, "{name}");
    }
    s.set_immediate(true).unwrap();
    assert!(s.is_immediate().unwrap());
    s.set_ipv6(true).unwrap();
    assert!(s.is_ipv6().unwrap());
    s.set_affinity(u64::MAX).unwrap();
    assert_eq!(s.get_affinity().unwrap(), u64::MAX);
}

/// The routing id is taken when `connect` is called: one set afterwards is
/// for the next endpoint, not the one already connecting (whose handshake
/// may well start after the second `set_identity`).
fn identity_is_taken_at_connect(t: Transport) {
    within(30, move || {
        let ctx = zmq::Context::new();
        let r1 = socket(&ctx, zmq::ROUTER);
        let r2 = socket(&ctx, zmq::ROUTER);
        let Some(ep1) = bind(&r1, t, "id-at-connect-1") else {
            return;
        };
        let ep2 = bind(&r2, t, "id-at-connect-2").expect("the first bind worked");
        let d = socket(&ctx, zmq::DEALER);
        d.set_identity(b"A").unwrap();
        d.connect(&ep1).unwrap();
        d.set_identity(b"B").unwrap();
        d.connect(&ep2).unwrap();
        // Round robin reaches both routers once both handshakes are done.
        let (mut seen1, mut seen2) = (false, false);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(seen1 && seen2) {
            assert!(Instant::now() < deadline, "a router got nothing");
            let _ = d.send("x", zmq::DONTWAIT);
            for (r, want, seen) in [(&r1, b"A", &mut seen1), (&r2, b"B", &mut seen2)] {
                if let Ok(m) = r.recv_multipart(zmq::DONTWAIT) {
                    assert_eq!(m, vec![want.to_vec(), b"x".to_vec()]);
                    *seen = true;
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
}

on_every_transport!(identity_is_taken_at_connect);
