//! Helpers shared by the integration tests: sockets with bounded timeouts,
//! and endpoints on each transport.

#![allow(dead_code)]

use ringmq as zmq;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Every wait in the tests is bounded by this (ms), so a bug fails a test
/// instead of hanging it.
pub const TIMEOUT_MS: i32 = 5000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Inproc,
    Tcp,
    Ipc,
}

/// A socket whose sends and receives give up after [`TIMEOUT_MS`] and
/// that drops unsent messages on close.
pub fn socket(ctx: &zmq::Context, t: zmq::SocketType) -> zmq::Socket {
    let s = ctx.socket(t).unwrap();
    s.set_rcvtimeo(TIMEOUT_MS).unwrap();
    s.set_sndtimeo(TIMEOUT_MS).unwrap();
    s.set_linger(0).unwrap();
    s
}

fn unique(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Binds `s` on transport `t` and returns the endpoint to connect to, or
/// `None` if tcp/ipc are unavailable here (the I/O engine cannot start,
/// e.g. io_uring is disabled) *and* `RINGMQ_SKIP_IO_TESTS` is set; without
/// that variable such a machine fails the test, so a green run always means
/// the engine was exercised.
pub fn bind(s: &zmq::Socket, t: Transport, tag: &str) -> Option<String> {
    let ep = match t {
        Transport::Inproc => format!("inproc://{}", unique(tag)),
        Transport::Tcp => "tcp://127.0.0.1:*".to_string(),
        Transport::Ipc => format!(
            "ipc://{}",
            std::env::temp_dir()
                .join(format!("{}.sock", unique(tag)))
                .display()
        ),
    };
    match s.bind(&ep) {
        Ok(()) => Some(s.get_last_endpoint().unwrap().unwrap()),
        Err(zmq::Error::EMTHREAD) if std::env::var_os("RINGMQ_SKIP_IO_TESTS").is_some() => {
            eprintln!("skipped: {t:?} unavailable here (RINGMQ_SKIP_IO_TESTS is set)");
            None
        }
        Err(e) => panic!("bind {ep}: {e}"),
    }
}

/// Generates `inproc`, `tcp` and `ipc` tests from `fn $name(Transport)`.
#[macro_export]
macro_rules! on_every_transport {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::common::Transport;
                #[test]
                fn inproc() {
                    super::$name(Transport::Inproc)
                }
                #[test]
                fn tcp() {
                    super::$name(Transport::Tcp)
                }
                #[test]
                fn ipc() {
                    super::$name(Transport::Ipc)
                }
            }
        )*
    };
}

/// Runs `f` on its own thread and fails the test if it has not finished
/// within `secs` (for tests whose calls wait forever by design).
pub fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        let r = f();
        let _ = tx.send(());
        r
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match t.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("timed out after {secs} s"),
    }
}

/// REQ/REP over tcp on `ctx`: `n` round trips, each checked; returns the
/// two sockets (in the inline mode their engines live as long as they do).
pub fn req_rep_round_trips(ctx: &zmq::Context, n: usize, tag: &str) -> [zmq::Socket; 2] {
    let rep = socket(ctx, zmq::REP);
    let ep = bind(&rep, Transport::Tcp, tag).expect("tcp works here");
    let req = socket(ctx, zmq::REQ);
    req.connect(&ep).unwrap();
    for i in 0..n {
        req.send(format!("q{i}").as_str(), 0).unwrap();
        assert_eq!(rep.recv_string(0).unwrap().unwrap(), format!("q{i}"));
        rep.send(format!("a{i}").as_str(), 0).unwrap();
        assert_eq!(req.recv_string(0).unwrap().unwrap(), format!("a{i}"));
    }
    [rep, req]
}
