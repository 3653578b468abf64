//! The spin budget (`Context::set_spin_us`, `RINGMQ_SPIN_US`): how long an
//! I/O thread polls for work before it sleeps (by default: adaptively, up
//! to 20 µs). Only what it does is tested
//! here; what it buys is measured by the perf suite.

mod common;

use ringmq as zmq;

fn round_trips(ctx: &zmq::Context) -> [zmq::Socket; 2] {
    common::req_rep_round_trips(ctx, 50, "spin")
}

#[test]
fn a_context_spin_budget_reaches_its_io_threads_and_the_snapshot() {
    let ctx = zmq::Context::new();
    ctx.set_spin_us(20_000).unwrap();
    assert_eq!(ctx.get_spin_us(), Ok(20_000), "as asked, before the start");
    let _sockets = round_trips(&ctx);
    assert_eq!(ctx.get_spin_us(), Ok(20_000), "as run");
    let snap = ctx.snapshot();
    // One I/O thread; in inline mode, the two sockets' own engines.
    let engines = if ctx.engine_mode() == "inline" { 2 } else { 1 };
    assert_eq!(snap.io_threads.len(), engines);
    assert!(snap.io_threads.iter().all(|t| t.spin_us == 20_000));
    let t = &snap.io_threads[0];
    assert_eq!(t.spin_us, 20_000);
    // (In inline mode this one thread's calls never wait: each receive
    // finds the other socket's send already in the kernel.)
    assert!(
        ctx.engine_mode() == "inline" || t.spin_hits > 0,
        "a 20 ms budget sees loopback replies: {t:?}"
    );
    let json = serde_json::to_string(t).unwrap();
    assert!(json.contains("\"spin_us\":20000"), "{json}");
}

#[test]
fn a_change_after_the_start_is_kept_but_not_applied() {
    let ctx = zmq::Context::new();
    ctx.set_spin_us(0).unwrap();
    let _sockets = round_trips(&ctx);
    ctx.set_spin_us(100).unwrap();
    assert_eq!(ctx.get_spin_us(), Ok(0), "the I/O threads run without one");
    assert_eq!(ctx.snapshot().io_threads[0].spin_hits, 0);
}

#[test]
fn a_budget_out_of_range_is_einval() {
    let ctx = zmq::Context::new();
    assert_eq!(ctx.set_spin_us(-2), Err(zmq::Error::EINVAL));
    assert_eq!(ctx.set_spin_us(-1), Ok(()), "the adaptive default");
    assert_eq!(ctx.set_spin_us(1_000_001), Err(zmq::Error::EINVAL));
    assert_eq!(ctx.set_spin_us(1_000_000), Ok(()));
}

#[test]
fn the_environment_variable_applies_when_the_context_does_not_choose() {
    let ctx = zmq::Context::new();
    // Unset or "auto": the adaptive default (-1).
    let expected = std::env::var("RINGMQ_SPIN_US")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(-1);
    let _sockets = round_trips(&ctx);
    assert_eq!(ctx.get_spin_us(), Ok(expected));
    let t = &ctx.snapshot().io_threads[0];
    if expected == -1 {
        assert_eq!((t.spin_us, t.spin_adaptive), (20, true));
    } else {
        assert_eq!((t.spin_us, t.spin_adaptive), (expected as u64, false));
    }
}

#[test]
fn the_adaptive_default_is_reported_with_its_20_us_budget() {
    let ctx = zmq::Context::new();
    ctx.set_spin_us(-1).unwrap();
    assert_eq!(ctx.get_spin_us(), Ok(-1), "before the start");
    let _sockets = round_trips(&ctx);
    assert_eq!(ctx.get_spin_us(), Ok(-1), "as run");
    let snap = ctx.snapshot();
    assert!(snap
        .io_threads
        .iter()
        .all(|t| t.spin_us == 20 && t.spin_adaptive));
    let json = serde_json::to_string(&snap.io_threads[0]).unwrap();
    assert!(json.contains("\"spin_adaptive\":true"), "{json}");
}
