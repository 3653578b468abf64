//! The live inspector's server (cargo feature `inspector`, on by default).
//!
//! [`Context::serve_inspector`] (or the environment variable
//! `RINGMQ_INSPECT=addr`, read when a context is created) starts an HTTP
//! server on its own thread, with its own current-thread tokio runtime, so
//! nothing of it runs on the application's or the I/O threads. It serves:
//!
//! | path | what |
//! |---|---|
//! | `/` | the dashboard (the Yew app of `inspector-web/`, built into the binary), or a "dashboard not built" page with the raw data if `scripts/build-inspector` had not run when ringmq was compiled |
//! | `/ws` | a WebSocket: one text message `{"type":"snapshot","data":<Snapshot>}` five times a second, each carrying the events since the previous one (the first carries the latest events) |
//! | `/api/snapshot` | one [`Snapshot`](crate::snapshot::Snapshot) as JSON, with the latest events |
//! | `/api/perf-history` | the perf suite's history as a JSON array: the file named by `RINGMQ_PERF_HISTORY` (read at each request) if set, else `perf/history.jsonl` as it was at build time, else `[]` |
//! | `/healthz` | `ok` |
//!
//! The server stops when the context is destroyed ([`Context::destroy`]) or
//! dropped. Building without the feature (`default-features = false`)
//! removes tokio, axum and the embedded app from the dependency tree;
//! [`Context::snapshot`] and the counters remain.
//!
//! # Where the numbers come from
//!
//! Nothing is added to the message path but a countdown and a branch:
//! - socket and pipe counters are the core's, updated under the lock that
//!   `send`/`recv` hold anyway;
//! - each I/O thread publishes its counters (loop turns, `io_uring_enter`
//!   calls, SQEs, CQEs, ENOBUFS, most CQEs per wake-up, provided buffers,
//!   connections) with relaxed atomic stores once per loop turn;
//! - connection events (listening, accepted, connected, disconnected,
//!   handshake_failed with the error, connect_retried, closed) go into a
//!   bounded queue per socket (256; the server empties it every 50 ms);
//! - latencies are **sampled**: one message in 64 per stream (and the first
//!   one) carries a monotonic timestamp (`Multipart::stamp`). The send path
//!   is measured from `send()` to the I/O thread encoding the message for
//!   the kernel (inproc: to the peer's queue), the receive path from the I/O
//!   thread queueing the decoded message (in the loop turn that reaped its
//!   receive completion) to `recv()`. Samples go through a lock-free ring
//!   per socket and path into an HdrHistogram (1 ns–60 s, 2 significant
//!   digits); the snapshot gives its percentiles at HdrHistogram's ticks (5
//!   per halving of the distance to 100 %), in microseconds. The
//!   histograms cover the socket's whole life.
//!   [`set_latency_sampling`](crate::set_latency_sampling) or the
//!   environment variable `RINGMQ_STATS` change the rate (`RINGMQ_STATS=0`:
//!   off, `1`: every message).
//!
//! Measured on a 2-vCPU VM (ringmq-bench, medians of 36 runs, configurations
//! interleaved; the run-to-run spread is ±10–30 %): with the default
//! sampling, tcp and inproc throughput and round-trip percentiles are
//! within that noise of a build without any of this (tcp push-pull 64 B:
//! 3.70 M msg/s vs 3.67 M; req-rep 64 B p50: 95.6 µs vs 94.1 µs). Counted
//! instructions (callgrind, inproc 64 B, deterministic): 2,756 per message
//! with sampling on, 2,744 with it off, 2,696 without any of this (+2.2 %,
//! +1.8 %). Sampling *every* message costs four clock reads per message:
//! tcp push-pull 64 B drops to 0.61×, inproc to 0.92× (+18 % instructions).
//!
//! ```no_run
//! use ringmq as zmq;
//! let ctx = zmq::Context::new();
//! let addr = ctx.serve_inspector("127.0.0.1:9870").unwrap();
//! println!("open http://{addr}/");
//! ```

mod web;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::stats::Registry;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use web::dashboard_built;

impl Context {
    /// Serves the live inspector on `addr` (`"127.0.0.1:9870"`;
    /// `"127.0.0.1:0"` lets the system pick a port) and returns the address
    /// it is bound to (`"127.0.0.1:41234"`). See the
    /// [`inspector`](crate::inspector) module for what it serves. Runs
    /// until the context is destroyed or dropped; calling it again serves on
    /// another address too. A ringmq extension (feature `inspector`).
    ///
    /// The server only reads: counters kept without locks on the message
    /// path, each socket's lock taken briefly five times a second.
    ///
    /// # Errors
    /// `EINVAL` if `addr` is not a socket address, `EADDRINUSE`,
    /// `EADDRNOTAVAIL` or `EACCES` from the bind, `ETERM` once the context
    /// was destroyed.
    pub fn serve_inspector(&self, addr: &str) -> Result<String> {
        self.serve_inspector_as(addr, false)
    }

    /// `from_env`: the server `RINGMQ_INSPECT` asked for (see
    /// [`ENV_SERVER`]).
    pub(crate) fn serve_inspector_as(&self, addr: &str, from_env: bool) -> Result<String> {
        if self.inner.is_terminated() {
            return Err(Error::ETERM);
        }
        let mut server = Server::start(self.inner.registry.clone(), addr)?;
        server.from_env = from_env;
        let bound = server.addr.clone();
        self.inner
            .inspectors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(server);
        Ok(bound)
    }
}

/// A server started by `RINGMQ_INSPECT` is running (in some context): no
/// other context starts one for it.
pub(crate) static ENV_SERVER: AtomicBool = AtomicBool::new(false);

/// A running server; dropping it stops it (and waits for its thread).
pub(crate) struct Server {
    addr: String,
    from_env: bool,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(registry: Arc<Registry>, addr: &str) -> Result<Server> {
        // Bound here, so that the caller gets the error (and the port).
        let listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
        let local = listener.local_addr().map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .thread_name("ringmq-inspector")
            .build()
            .map_err(|_| Error::EMTHREAD)?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let thread = std::thread::Builder::new()
            .name("ringmq-inspector".into())
            .spawn(move || {
                runtime.block_on(web::run(listener, registry, stop_rx));
                // Dropping the runtime here ends every connection's task.
            })
            .map_err(|_| Error::EMTHREAD)?;
        Ok(Server {
            addr: local.to_string(),
            from_env: false,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(t) = self.thread.take() {
            // The server never holds the context, so this does not run on
            // its own thread; checked anyway, as joining oneself deadlocks.
            if t.thread().id() != std::thread::current().id() {
                let _ = t.join();
            }
        }
        if self.from_env {
            ENV_SERVER.store(false, Ordering::Release);
        }
    }
}

fn bind_error(e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => Error::EADDRINUSE,
        std::io::ErrorKind::AddrNotAvailable => Error::EADDRNOTAVAIL,
        std::io::ErrorKind::PermissionDenied => Error::EACCES,
        _ => Error::EINVAL,
    }
}
