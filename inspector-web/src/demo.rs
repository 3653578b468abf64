//! Built-in sample data, shown with `?demo=1` and used by the tests: a small
//! market-data process (a PUB with one slow subscriber held at its HWM, an
//! order-gateway ROUTER, a SUB and a PUSH) whose counters move like a real
//! one's, and a perf history with a latency regression in it.

use ringmq_core::snapshot::{
    EndpointSnapshot, EventRecord, IoThreadSnapshot, LatencySnapshot, PipeSnapshot, Snapshot,
    SocketCounters, SocketSnapshot,
};

use crate::perf::{PerfRecord, Scenario};

/// Milliseconds between two demo snapshots.
pub const INTERVAL_MS: u64 = 500;

/// A deterministic wobble in 0..1 for (seq, salt).
fn noise(seq: u64, salt: u64) -> f64 {
    let mut x = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    (x % 10_000) as f64 / 10_000.0
}

/// Cumulative count after `seq` intervals at about `per_sec`, varying smoothly.
fn counter(seq: u64, per_sec: f64, salt: u64) -> u64 {
    let t = seq as f64 * INTERVAL_MS as f64 / 1000.0;
    let wobble = (t / 7.0 + salt as f64).sin() * 0.25 + (t / 2.3 + salt as f64 * 0.7).sin() * 0.1;
    (per_sec * (t + wobble * 3.0)).max(0.0) as u64
}

/// An HdrHistogram-like percentile curve: `p50` at the median, a tail that
/// bends up past 99 %.
fn latency(count: u64, p50: f64, tail: f64, seq: u64, salt: u64) -> LatencySnapshot {
    let mut percentiles = Vec::new();
    // Two points per halving of 1 - p, as HdrHistogram's percentile output.
    for k in 0..=34 {
        let p = 100.0 * (1.0 - 0.5f64.powf(k as f64 / 2.0));
        let x = crate::plot::percentile_x(p);
        let v = p50
            * (0.55 + 0.45 * (x / 0.301).min(1.0))
            * (1.0 + tail * (x / 4.0).powi(3))
            * (1.0 + 0.03 * noise(seq, salt + k));
        percentiles.push((p, v));
    }
    let max_us = percentiles.last().map_or(p50, |p| p.1) * 1.6;
    percentiles.push((100.0, max_us));
    LatencySnapshot {
        count,
        mean_us: p50 * 1.12,
        max_us,
        percentiles,
    }
}

#[allow(clippy::too_many_arguments)]
fn pipe(
    id: &str,
    peer_type: &str,
    identity: &str,
    addr: &str,
    out: (u64, u64),
    inq: (u64, u64),
    msgs: (u64, u64),
    size: u64,
    drops: u64,
) -> PipeSnapshot {
    PipeSnapshot {
        id: id.into(),
        peer_type: peer_type.into(),
        peer_identity: identity.into(),
        peer_addr: addr.into(),
        out_queued: out.0,
        sndhwm: out.1,
        in_queued: inq.0,
        rcvhwm: inq.1,
        muted: out.1 > 0 && out.0 >= out.1,
        msgs_out: msgs.0,
        bytes_out: msgs.0 * size,
        msgs_in: msgs.1,
        bytes_in: msgs.1 * size,
        drops_hwm: drops,
    }
}

fn endpoint(e: &str, kind: &str) -> EndpointSnapshot {
    EndpointSnapshot {
        endpoint: e.into(),
        kind: kind.into(),
    }
}

fn event(time_ms: u64, socket_id: u64, kind: &str, endpoint: &str, detail: &str) -> EventRecord {
    EventRecord {
        time_ms,
        socket_id,
        kind: kind.into(),
        endpoint: endpoint.into(),
        detail: detail.into(),
    }
}

/// The process at snapshot `seq` (time = seq × 500 ms).
pub fn sample_snapshot(seq: u64) -> Snapshot {
    let time_ms = seq * INTERVAL_MS;
    let n = |rate: f64, salt: u64| counter(seq, rate, salt);

    // PUB: three subscribers; the third reads slowly and sits at its HWM.
    let fast_a = n(41_000.0, 1);
    let fast_b = n(40_500.0, 2);
    let slow = n(9_000.0, 3);
    let published = fast_a.max(fast_b) + 17;
    let slow_drops = published.saturating_sub(slow + 1000);
    let pub_sock = SocketSnapshot {
        id: 1,
        socket_type: "PUB".into(),
        endpoints: vec![
            endpoint("tcp://0.0.0.0:5556", "bind"),
            endpoint("ipc:///run/md/feed.ipc", "bind"),
        ],
        stats: SocketCounters {
            msgs_sent: published,
            drops_hwm: slow_drops,
            attached: 4,
            detached: 1,
            ..Default::default()
        },
        pipes: vec![
            pipe(
                "1.a",
                "SUB",
                "",
                "10.0.4.21:51234",
                (3 + seq % 7, 1000),
                (0, 1000),
                (fast_a, 12),
                96,
                0,
            ),
            pipe(
                "1.b",
                "SUB",
                "",
                "10.0.4.22:40118",
                (11 + seq % 13, 1000),
                (0, 1000),
                (fast_b, 12),
                96,
                0,
            ),
            pipe(
                "1.c",
                "SUB",
                "",
                "10.0.9.3:38870",
                (1000, 1000),
                (0, 1000),
                (slow, 3),
                96,
                slow_drops,
            ),
        ],
        send_latency: Some(latency(published / 64, 9.5, 14.0, seq, 10)),
        recv_latency: None,
    };

    // ROUTER: the order gateway; two DEALERs, replies to a gone one are unroutable.
    let orders_a = n(2_400.0, 4);
    let orders_b = n(1_100.0, 5);
    let router = SocketSnapshot {
        id: 2,
        socket_type: "ROUTER".into(),
        endpoints: vec![endpoint("tcp://127.0.0.1:5570", "bind")],
        stats: SocketCounters {
            msgs_sent: (orders_a + orders_b).saturating_sub(40),
            msgs_received: orders_a + orders_b,
            drops_unroutable: 3 + seq / 40,
            attached: 3,
            detached: 1,
            ..Default::default()
        },
        pipes: vec![
            pipe(
                "2.a",
                "DEALER",
                "gw-alpha",
                "127.0.0.1:40412",
                (0, 1000),
                (2 + seq % 5, 1000),
                (orders_a.saturating_sub(20), orders_a),
                220,
                0,
            ),
            pipe(
                "2.b",
                "DEALER",
                "0x00a1b2c3d4",
                "127.0.0.1:40418",
                (1, 1000),
                (seq % 3, 1000),
                (orders_b.saturating_sub(20), orders_b),
                220,
                0,
            ),
        ],
        send_latency: Some(latency(orders_a / 2, 14.0, 6.0, seq, 20)),
        recv_latency: Some(latency(orders_a / 2, 21.0, 9.0, seq, 30)),
    };

    // SUB: a reference-data feed from another host, lagging now and then.
    let refdata = n(6_500.0, 6);
    let backlog = ((seq as f64 / 9.0).sin().max(0.0) * 420.0) as u64;
    let sub = SocketSnapshot {
        id: 3,
        socket_type: "SUB".into(),
        endpoints: vec![endpoint("tcp://10.0.0.7:6000", "connect")],
        stats: SocketCounters {
            msgs_received: refdata,
            drops_discarded: seq / 25,
            attached: 1,
            ..Default::default()
        },
        pipes: vec![pipe(
            "3.a",
            "PUB",
            "",
            "10.0.0.7:6000",
            (0, 1000),
            (backlog, 1000),
            (2, refdata),
            512,
            0,
        )],
        send_latency: None,
        recv_latency: Some(latency(refdata / 4, 31.0, 4.0, seq, 40)),
    };

    // PUSH over inproc to a worker thread; no peer yet on its tcp endpoint.
    let jobs = n(850.0, 7);
    let push = SocketSnapshot {
        id: 4,
        socket_type: "PUSH".into(),
        endpoints: vec![
            endpoint("inproc://risk", "bind"),
            endpoint("tcp://10.0.0.9:7100", "connect"),
        ],
        stats: SocketCounters {
            msgs_sent: jobs,
            attached: 1,
            ..Default::default()
        },
        pipes: vec![pipe(
            "4.a",
            "PULL",
            "",
            "inproc",
            (5 + seq % 4, 100),
            (0, 0),
            (jobs, 0),
            64,
            0,
        )],
        send_latency: None,
        recv_latency: None,
    };

    let io_threads = (0..2)
        .map(|i| {
            let turns = n(if i == 0 { 21_000.0 } else { 6_500.0 }, 8 + i);
            let submits = turns * 97 / 100;
            IoThreadSnapshot {
                index: i as u32,
                backend: Default::default(),
                socket: None,
                loop_turns: turns,
                submit_calls: submits,
                sqes_submitted: submits * if i == 0 { 37 } else { 14 } / 10,
                cqes_reaped: turns * if i == 0 { 42 } else { 15 } / 10,
                enobufs: if i == 0 { seq / 60 } else { 0 },
                max_cqes_per_wake: if i == 0 { 64 } else { 22 },
                buffers_total: 512,
                connections: if i == 0 { 5 } else { 2 },
                // The first runs the default adaptive budget; the second
                // serves the order gateway: a fixed one.
                spin_us: if i == 0 { 20 } else { 50 },
                spin_adaptive: i == 0,
                spin_hits: if i == 0 { turns / 20 } else { turns * 9 / 10 },
                spin_misses: if i == 0 { turns / 50 } else { turns / 10 },
            }
        })
        .collect();

    let mut events = Vec::new();
    if seq == 0 {
        events.push(event(0, 1, "listening", "tcp://0.0.0.0:5556", ""));
        events.push(event(0, 1, "listening", "ipc:///run/md/feed.ipc", ""));
        events.push(event(0, 2, "listening", "tcp://127.0.0.1:5570", ""));
        events.push(event(0, 4, "listening", "inproc://risk", ""));
        events.push(event(0, 3, "connected", "tcp://10.0.0.7:6000", ""));
    }
    match seq % 40 {
        5 => events.push(event(time_ms, 1, "accepted", "10.0.4.21:51234", "")),
        12 => events.push(event(
            time_ms,
            2,
            "handshake_failed",
            "127.0.0.1:40420",
            "peer socket type PUB is not compatible with ROUTER",
        )),
        19 => events.push(event(
            time_ms,
            4,
            "connect_retried",
            "tcp://10.0.0.9:7100",
            "ECONNREFUSED, next in 200 ms",
        )),
        27 => events.push(event(
            time_ms,
            2,
            "disconnected",
            "127.0.0.1:40416",
            "peer closed",
        )),
        33 => events.push(event(time_ms, 2, "accepted", "127.0.0.1:40418", "")),
        _ => {}
    }

    Snapshot {
        seq,
        time_ms,
        sockets: vec![pub_sock, router, sub, push],
        io_threads,
        events,
    }
}

/// A plausible perf history: 14 commits, four scenarios, three
/// implementations, with ringmq's tail latency regressing at the twelfth
/// commit.
pub fn sample_history() -> Vec<PerfRecord> {
    let scenarios = [
        ("tcp", "PUSH/PULL", 64, None),
        ("tcp", "REQ/REP", 64, None),
        ("ipc", "PUB/SUB", 1024, None),
        ("tcp", "DEALER/ROUTER", 256, Some(100_000)),
    ];
    let impls = [
        ("ringmq", 1.0, 1.0),
        ("libzmq", 0.55, 1.35),
        ("zmqrs", 0.38, 2.1),
    ];
    let mut out = Vec::new();
    for c in 0..14u64 {
        let commit = format!("{:07x}{}", 0x3f2a9c1 + c * 0x1d3b7, "0".repeat(33));
        let date = format!("2026-11-{:02}T10:00:00Z", 10 + c);
        for (si, (transport, pattern, size, rate)) in scenarios.iter().enumerate() {
            for (ii, (imp, thr_k, lat_k)) in impls.iter().enumerate() {
                let salt = si as u64 * 10 + ii as u64;
                let wob = 1.0 + 0.06 * (noise(c, salt) - 0.5);
                let mine = ii == 0;
                let improve = if mine { 1.0 + 0.03 * c as f64 } else { 1.0 };
                let regress = if mine && c >= 11 {
                    1.0 + 0.9 * (si as f64 + 1.0) / 2.0
                } else {
                    1.0
                };
                let base_thr = 6.2e6 / (1.0 + *size as f64 / 512.0);
                let is_lat = *pattern == "REQ/REP" || rate.is_some();
                let p50 = (if is_lat { 18.0 } else { 0.0 }) * lat_k * wob / improve;
                out.push(PerfRecord {
                    commit: commit.clone(),
                    date: date.clone(),
                    imp: imp.to_string(),
                    scenario: Scenario {
                        transport: transport.to_string(),
                        pattern: pattern.to_string(),
                        size: *size,
                        rate: *rate,
                    },
                    msgs_per_sec: Some(match rate {
                        Some(r) => *r as f64 * (1.0 - 0.002 * noise(c, salt + 7)),
                        None if *pattern == "REQ/REP" => 1e6 / (2.0 * p50.max(1.0)),
                        None => base_thr * thr_k * wob * improve,
                    }),
                    p50_us: is_lat.then_some(p50),
                    p99_us: is_lat.then_some(p50 * 2.1 * regress.sqrt()),
                    p999_us: is_lat.then_some(p50 * 4.8 * regress),
                    instr_per_msg: mine.then_some(520.0 / improve),
                });
            }
        }
    }
    out
}
