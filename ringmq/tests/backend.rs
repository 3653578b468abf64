//! Which kernel interface the I/O threads drive: chosen by
//! `RINGMQ_BACKEND` or `Context::set_backend`, shown by
//! `Context::io_backends` and the snapshot, and chosen automatically where
//! io_uring is blocked — proven here under a real seccomp filter that
//! fails io_uring's system calls with `EPERM`, as Docker's default profile
//! does.

mod common;

use common::{socket, Transport};
use ringmq as zmq;
use ringmq_uring::driver::{Driver, DriverConfig, SetupErrorKind};

/// A PUSH/PULL round over tcp on `ctx`; returns its I/O threads' backends.
fn round_trip(ctx: &zmq::Context) -> Vec<&'static str> {
    let pull = socket(ctx, zmq::PULL);
    let ep = common::bind(&pull, Transport::Tcp, "backend").expect("tcp works here");
    let push = socket(ctx, zmq::PUSH);
    push.connect(&ep).unwrap();
    for i in 0..100 {
        push.send(format!("m{i}").as_str(), 0).unwrap();
    }
    for i in 0..100 {
        assert_eq!(pull.recv_string(0).unwrap().unwrap(), format!("m{i}"));
    }
    ctx.io_backends()
}

/// io_uring_setup fails in this thread as Docker's profile makes it fail.
fn assert_io_uring_refused_with_eperm(why_expected: &str) {
    let err = Driver::new(&DriverConfig::default())
        .err()
        .unwrap_or_else(|| panic!("{why_expected}, but io_uring works in this thread"));
    assert_eq!(err.kind(), SetupErrorKind::Blocked, "{err}");
    assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err}");
}

/// A context on I/O threads whatever `RINGMQ_ENGINE` says: the backend
/// is chosen per I/O thread (the inline mode always runs on epoll).
fn io_thread_context() -> zmq::Context {
    let ctx = zmq::Context::new();
    ctx.set_engine_mode("io-threads").unwrap();
    ctx
}

fn io_uring_works_here() -> bool {
    Driver::probe(&DriverConfig::default()).is_ok()
}

#[test]
fn set_backend_epoll_runs_the_engine_on_epoll_and_says_so() {
    let ctx = zmq::Context::new();
    ctx.set_backend("epoll").unwrap();
    assert_eq!(round_trip(&ctx), ["epoll"]);
    assert_eq!(ctx.io_fallback_reason(), None, "epoll was asked for");
    let snap = ctx.snapshot();
    // One I/O thread; in inline mode, the two sockets' own engines.
    let engines = if ctx.engine_mode() == "inline" { 2 } else { 1 };
    assert_eq!(snap.io_threads.len(), engines);
    for t in &snap.io_threads {
        assert_eq!(t.backend.name(), "epoll");
        let json = serde_json::to_string(t).unwrap();
        assert!(json.contains("\"backend\":\"epoll\""), "{json}");
    }
}

#[test]
fn auto_and_uring_take_io_uring_where_it_works() {
    if !io_uring_works_here() {
        eprintln!("skipped: io_uring is blocked here (the seccomp test covers that case)");
        return;
    }
    for name in ["auto", "uring", "io_uring"] {
        let ctx = io_thread_context();
        ctx.set_backend(name).unwrap();
        assert_eq!(round_trip(&ctx), ["io_uring"], "{name}");
    }
}

#[test]
fn an_unknown_backend_name_is_einval() {
    let ctx = zmq::Context::new();
    assert_eq!(ctx.set_backend("kqueue"), Err(zmq::Error::EINVAL));
    assert!(ctx.io_backends().is_empty(), "no engine started yet");
}

#[test]
fn the_environment_variable_chooses_when_the_context_does_not() {
    let ctx = zmq::Context::new();
    let backends = round_trip(&ctx);
    match std::env::var("RINGMQ_BACKEND").as_deref() {
        // The inline mode runs on epoll.
        _ if ctx.engine_mode() == "inline" => assert_eq!(backends, ["epoll"]),
        Ok("epoll") => assert_eq!(backends, ["epoll"]),
        Ok("uring") => assert_eq!(backends, ["io_uring"]),
        _ if io_uring_works_here() => assert_eq!(backends, ["io_uring"]),
        _ => assert_eq!(backends, ["epoll"]),
    }
}

/// The filter binds the thread that installs it and the threads it starts
/// (the context's I/O threads among them), so the test runs in a thread
/// of its own and leaves the rest of the process alone.
#[test]
fn with_io_uring_blocked_by_seccomp_auto_falls_back_to_epoll_and_uring_says_why() {
    std::thread::spawn(|| {
        ringmq_uring::driver::block_io_uring_in_this_thread().expect("seccomp filter");
        assert_io_uring_refused_with_eperm("the filter is installed");

        let auto = io_thread_context();
        auto.set_backend("auto").unwrap();
        assert_eq!(round_trip(&auto), ["epoll"]);
        assert_eq!(auto.snapshot().io_threads[0].backend.name(), "epoll");
        let why = auto.io_fallback_reason().expect("the fallback says why");
        assert!(why.contains("io_uring is blocked"), "{why}");

        let forced = io_thread_context();
        forced.set_backend("uring").unwrap();
        let s = socket(&forced, zmq::PULL);
        assert_eq!(s.bind("tcp://127.0.0.1:*"), Err(zmq::Error::EMTHREAD));
        let why = forced.engine_error().expect("the reason is kept");
        assert!(why.contains("io_uring is blocked"), "{why}");
        assert!(why.contains("seccomp"), "{why}");
        // inproc does not need the engine.
        let a = socket(&forced, zmq::PAIR);
        a.bind("inproc://still-works").unwrap();
    })
    .join()
    .expect("the test thread");
}

/// `scripts/test` runs this file, the engine, interop and CLI tests once
/// more under `without-io-uring` (the seccomp filter for the whole test
/// process) with `RINGMQ_EXPECT_FALLBACK=1`. This test proves that run
/// really had io_uring blocked — without it, the run would prove nothing —
/// and that a context left to its default chose epoll and says why.
#[test]
fn under_without_io_uring_the_default_backend_falls_back_to_epoll() {
    if std::env::var_os("RINGMQ_EXPECT_FALLBACK").is_none() {
        eprintln!("skipped: runs under scripts/test's without-io-uring pass");
        return;
    }
    assert_io_uring_refused_with_eperm("RINGMQ_EXPECT_FALLBACK is set");
    let ctx = zmq::Context::new();
    assert_eq!(round_trip(&ctx), ["epoll"]);
    let why = ctx.io_fallback_reason().expect("the fallback says why");
    assert!(why.contains("io_uring is blocked"), "{why}");
}
