//! The spin budget (`Context::set_spin_us`, `RINGMQ_SPIN_US`): how long an
//! I/O thread polls for work before it sleeps. Only what it does is tested
//! here; what it buys is measured by the perf suite.

mod common;

use common::{socket, Transport};
use ringmq as zmq;

/// REQ/REP round trips over tcp on `ctx`.
fn round_trips(ctx: &zmq::Context) {
    let rep = socket(ctx, zmq::REP);
    let ep = common::bind(&rep, Transport::Tcp, "spin").expect("tcp works here");
    let req = socket(ctx, zmq::REQ);
    req.connect(&ep).unwrap();
    for i in 0..50 {
        req.send(format!("q{i}").as_str(), 0).unwrap();
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), format!("q{i}"));
        rep.send(format!("a{i}").as_str(), 0).unwrap();
        assert_eq!(req.recv_string(0).unwrap().unwrap(), format!("a{i}"));
    }
}

#[test]
fn a_context_spin_budget_reaches_its_io_threads_and_the_snapshot() {
    let ctx = zmq::Context::new();
    ctx.set_spin_us(20_000).unwrap();
    assert_eq!(ctx.get_spin_us(), Ok(20_000), "as asked, before the start");
    round_trips(&ctx);
    assert_eq!(ctx.get_spin_us(), Ok(20_000), "as run");
    let snap = ctx.snapshot();
    assert_eq!(snap.io_threads.len(), 1);
    let t = &snap.io_threads[0];
    assert_eq!(t.spin_us, 20_000);
    assert!(
        t.spin_hits > 0,
        "a 20 ms budget sees loopback replies: {t:?}"
    );
    let json = serde_json::to_string(t).unwrap();
    assert!(json.contains("\"spin_us\":20000"), "{json}");
}

#[test]
fn a_change_after_the_start_is_kept_but_not_applied() {
    let ctx = zmq::Context::new();
    ctx.set_spin_us(0).unwrap();
    round_trips(&ctx);
    ctx.set_spin_us(100).unwrap();
    assert_eq!(ctx.get_spin_us(), Ok(0), "the I/O threads run without one");
    assert_eq!(ctx.snapshot().io_threads[0].spin_hits, 0);
}

#[test]
fn a_budget_out_of_range_is_einval() {
    let ctx = zmq::Context::new();
    assert_eq!(ctx.set_spin_us(-1), Err(zmq::Error::EINVAL));
    assert_eq!(ctx.set_spin_us(1_000_001), Err(zmq::Error::EINVAL));
    assert_eq!(ctx.set_spin_us(1_000_000), Ok(()));
}

#[test]
fn the_environment_variable_applies_when_the_context_does_not_choose() {
    let ctx = zmq::Context::new();
    let expected = std::env::var("RINGMQ_SPIN_US")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    round_trips(&ctx);
    assert_eq!(ctx.get_spin_us(), Ok(expected));
    assert_eq!(ctx.snapshot().io_threads[0].spin_us, expected as u64);
}
