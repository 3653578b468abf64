//! [`Context`]: creates sockets, owns the inproc name space and, once a
//! socket uses tcp or ipc, the io_uring engine.

use crate::error::{Error, Result};
use crate::socket::{Socket, SocketType};
use crate::stats::{Registered, Registry};
use crate::transport::{
    spin_from_env, BackendChoice, Engine, EngineConfig, EngineMode, SharedSocket, Spin, SPIN_MAX,
};
use ringmq_core::snapshot::Snapshot;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// [`SPIN_MAX`] in microseconds, for `set_spin_us`.
const SPIN_MAX_US: i64 = SPIN_MAX.as_micros() as i64;
/// `spin_us` before `set_spin_us`: the environment decides.
const SPIN_UNSET: i64 = i64::MIN;
/// `set_spin_us`'s and `get_spin_us`'s value for the adaptive default.
const SPIN_AUTO: i64 = -1;

/// A [`Spin`] as `get_spin_us` reports it.
fn spin_to_us(s: Spin) -> i64 {
    if s.adaptive {
        SPIN_AUTO
    } else {
        i64::try_from(s.budget.as_micros()).unwrap_or(i64::MAX)
    }
}

/// A ringmq context: the `zmq` crate's `Context`.
///
/// Cheap to clone; every clone (and every socket, which keeps one) refers to
/// the same context. When the last clone and the last socket are gone, the
/// I/O threads are stopped, after lingering sockets have flushed.
///
/// The I/O engine is started lazily, by the first tcp or ipc `bind` or
/// `connect`: a program that only uses `inproc://` runs no I/O thread.
///
/// ```
/// use ringmq as zmq;
///
/// let ctx = zmq::Context::new();
/// let rep = ctx.socket(zmq::REP).unwrap();
/// rep.bind("inproc://greeter").unwrap();
/// let req = ctx.socket(zmq::REQ).unwrap();
/// req.connect("inproc://greeter").unwrap();
///
/// req.send("Hello", 0).unwrap();
/// assert_eq!(rep.recv_string(0).unwrap().unwrap(), "Hello");
/// rep.send("World", 0).unwrap();
/// assert_eq!(req.recv_string(0).unwrap().unwrap(), "World");
/// ```
#[derive(Clone)]
pub struct Context {
    pub(crate) inner: Arc<ContextInner>,
}

pub(crate) struct ContextInner {
    /// `ZMQ_IO_THREADS`; read when the engine starts.
    io_threads: AtomicI32,
    /// The backend asked for by `set_backend` (`None`: `RINGMQ_BACKEND`,
    /// else auto); read when the engine starts.
    backend: Mutex<Option<BackendChoice>>,
    /// The spin budget asked for by `set_spin_us` in microseconds (-1:
    /// `RINGMQ_SPIN_US`, else none); read when the engine starts.
    spin_us: AtomicI64,
    /// The engine mode asked for by `set_engine_mode` (`None`:
    /// `RINGMQ_ENGINE`, else I/O threads); read when the engine starts.
    mode: Mutex<Option<EngineMode>>,
    /// Started on first use; a failure is kept (and was logged once).
    engine: OnceLock<std::result::Result<Engine, String>>,
    terminated: AtomicBool,
    /// Every open socket (so that termination reaches them all), with what
    /// the inspector needs to know about them.
    pub(crate) registry: Arc<Registry>,
    /// The inproc name space.
    pub(crate) inproc: Mutex<crate::inproc::Registry>,
    /// Inspector servers started by `serve_inspector` (or `RINGMQ_INSPECT`);
    /// stopped when the context is destroyed or dropped.
    #[cfg(feature = "inspector")]
    pub(crate) inspectors: Mutex<Vec<crate::inspector::Server>>,
}

impl Context {
    /// Creates a context.
    ///
    /// If the environment variable `RINGMQ_INSPECT` holds an address
    /// (`127.0.0.1:9870`; port 0 picks one), the context serves the live
    /// inspector there (see `serve_inspector`, feature `inspector`), so any
    /// program using ringmq can be watched without a code change. Only one
    /// context at a time does so: the first one created, or the next one
    /// after it is gone. The address is printed to stderr, as is a failure
    /// (the context works either way).
    pub fn new() -> Context {
        let ctx = Context {
            inner: Arc::new(ContextInner {
                io_threads: AtomicI32::new(1),
                backend: Mutex::new(None),
                spin_us: AtomicI64::new(SPIN_UNSET),
                mode: Mutex::new(None),
                engine: OnceLock::new(),
                terminated: AtomicBool::new(false),
                registry: Arc::new(Registry::new()),
                inproc: Mutex::new(crate::inproc::Registry::default()),
                #[cfg(feature = "inspector")]
                inspectors: Mutex::new(Vec::new()),
            }),
        };
        ctx.inspect_from_env();
        ctx
    }

    /// `RINGMQ_INSPECT`: serves the inspector for the first context of the
    /// process, and again for a later one once that one is gone (a fixed
    /// port cannot serve two contexts at once).
    #[cfg(feature = "inspector")]
    fn inspect_from_env(&self) {
        let Some(addr) = std::env::var_os("RINGMQ_INSPECT") else {
            return;
        };
        let addr = addr.to_string_lossy();
        let addr = addr.trim();
        if addr.is_empty() || crate::inspector::ENV_SERVER.swap(true, Ordering::AcqRel) {
            return;
        }
        match self.serve_inspector_as(addr, true) {
            Ok(bound) => eprintln!("ringmq: inspector on http://{bound}/ (RINGMQ_INSPECT)"),
            Err(e) => {
                crate::inspector::ENV_SERVER.store(false, Ordering::Release);
                eprintln!("ringmq: RINGMQ_INSPECT={addr}: the inspector could not start: {e}");
            }
        }
    }

    #[cfg(not(feature = "inspector"))]
    fn inspect_from_env(&self) {
        static WARNED: std::sync::Once = std::sync::Once::new();
        if std::env::var_os("RINGMQ_INSPECT").is_some_and(|v| !v.is_empty()) {
            WARNED.call_once(|| {
                eprintln!(
                    "ringmq: RINGMQ_INSPECT is set, but ringmq was built without its `inspector` feature"
                );
            });
        }
    }

    /// What the live inspector shows, now: every socket of the context with
    /// its endpoints, counters, pipes (queue depths, high-water marks, mute
    /// state, drops) and sampled latency distributions, the I/O threads'
    /// counters, and the latest connection events (up to 512). A ringmq
    /// extension.
    ///
    /// ```
    /// use ringmq as zmq;
    /// let ctx = zmq::Context::new();
    /// let push = ctx.socket(zmq::PUSH).unwrap();
    /// push.bind("inproc://snapshot-doc").unwrap();
    /// let snap = ctx.snapshot();
    /// assert_eq!(snap.sockets[0].socket_type, "PUSH");
    /// assert_eq!(snap.sockets[0].endpoints[0].endpoint, "inproc://snapshot-doc");
    /// assert_eq!(snap.events[0].kind, "listening");
    /// ```
    pub fn snapshot(&self) -> Snapshot {
        self.inner.registry.snapshot(None, None).0
    }

    /// `ZMQ_IO_THREADS`: the number of I/O threads (default 1).
    ///
    /// # Errors
    /// Never; the `Result` is the `zmq` crate's signature.
    pub fn get_io_threads(&self) -> Result<i32> {
        Ok(self.inner.io_threads.load(Ordering::Relaxed))
    }

    /// Sets `ZMQ_IO_THREADS`. As in libzmq the value is read when the I/O
    /// threads start: here, at the context's first tcp or ipc bind/connect;
    /// a later change is stored but has no effect. 0 leaves the context
    /// without I/O threads: tcp/ipc then fail with `EMTHREAD`, inproc works.
    ///
    /// # Errors
    /// `EINVAL` for a negative value.
    pub fn set_io_threads(&self, value: i32) -> Result<()> {
        if value < 0 {
            return Err(Error::EINVAL);
        }
        self.inner.io_threads.store(value, Ordering::Relaxed);
        Ok(())
    }

    /// Chooses the I/O threads' kernel interface (a ringmq extension):
    /// `"uring"`, `"epoll"` or `"auto"` (io_uring where this process may use
    /// it, else epoll). Overrides `RINGMQ_BACKEND`; read when the I/O
    /// threads start, like [`set_io_threads`](Self::set_io_threads). A
    /// forced `"uring"` where io_uring is blocked leaves tcp/ipc failing
    /// with `EMTHREAD` and the reason in [`engine_error`](Self::engine_error).
    ///
    /// # Errors
    /// `EINVAL` for any other name.
    pub fn set_backend(&self, name: &str) -> Result<()> {
        let choice = BackendChoice::parse(name).ok_or(Error::EINVAL)?;
        *self.inner.backend.lock().unwrap_or_else(|e| e.into_inner()) = Some(choice);
        Ok(())
    }

    /// Sets the spin budget (a ringmq extension): before an I/O thread
    /// sleeps in the kernel, it polls for completions and commands for up
    /// to `us` microseconds, trading a busy CPU for the time a sleeping
    /// thread takes to wake. `us` > 0 spins before every sleep; 0 never
    /// spins (libzmq's way); -1 is the default, adaptive: up to 20 µs, only
    /// while spinning finds work (a thread whose spins keep finding
    /// nothing backs off, so an idle or sparse socket costs no CPU).
    /// Overrides `RINGMQ_SPIN_US`; read when the I/O threads start, like
    /// [`set_io_threads`](Self::set_io_threads).
    ///
    /// # Errors
    /// `EINVAL` below -1 or above 1,000,000 (one second).
    pub fn set_spin_us(&self, us: i64) -> Result<()> {
        if !(SPIN_AUTO..=SPIN_MAX_US).contains(&us) {
            return Err(Error::EINVAL);
        }
        self.inner.spin_us.store(us, Ordering::Relaxed);
        Ok(())
    }

    /// The spin budget in microseconds, -1 for the adaptive default: the
    /// one the I/O threads run with once started, else what
    /// [`set_spin_us`](Self::set_spin_us) or `RINGMQ_SPIN_US` will give
    /// them (an unreadable variable: 0, as the engine will not start).
    ///
    /// # Errors
    /// Never; `Result` for symmetry with the other options.
    pub fn get_spin_us(&self) -> Result<i64> {
        if let Some(e) = self.inner.started_engine() {
            return Ok(spin_to_us(e.spin()));
        }
        let asked = self.inner.spin_us.load(Ordering::Relaxed);
        if asked != SPIN_UNSET {
            return Ok(asked);
        }
        Ok(spin_from_env().map_or(0, spin_to_us))
    }

    /// Chooses who drives tcp and ipc connections (a ringmq extension):
    /// `"io-threads"` (the default: `ZMQ_IO_THREADS` I/O threads, as in
    /// libzmq) or `"inline"` (each socket on a ring of its own, driven by
    /// the threads that call it: no I/O thread on the message path; see
    /// docs/engine.md, "The inline mode"). Overrides `RINGMQ_ENGINE`; read
    /// when the engine starts, like [`set_io_threads`](Self::set_io_threads).
    ///
    /// # Errors
    /// `EINVAL` for any other name.
    pub fn set_engine_mode(&self, name: &str) -> Result<()> {
        let mode = EngineMode::parse(name).ok_or(Error::EINVAL)?;
        *self.inner.mode.lock().unwrap_or_else(|e| e.into_inner()) = Some(mode);
        Ok(())
    }

    /// `"io-threads"` or `"inline"`: the mode the engine runs in once
    /// started, else the one it will start in (an unreadable
    /// `RINGMQ_ENGINE`: `"io-threads"`).
    pub fn engine_mode(&self) -> &'static str {
        if let Some(e) = self.inner.started_engine() {
            return e.mode().name();
        }
        let asked = *self.inner.mode.lock().unwrap_or_else(|e| e.into_inner());
        asked
            .unwrap_or_else(|| EngineMode::from_env().unwrap_or_default())
            .name()
    }

    /// The backend each I/O thread runs on (`"io_uring"` or `"epoll"`), in
    /// thread order; empty until the first tcp/ipc endpoint starts them.
    /// The inspector's `/api/snapshot` shows the same per I/O thread.
    pub fn io_backends(&self) -> Vec<&'static str> {
        self.inner
            .started_engine()
            .map(|e| e.backends().into_iter().map(|b| b.name()).collect())
            .unwrap_or_default()
    }

    /// Why the I/O threads run on epoll although io_uring was not ruled
    /// out by [`set_backend`](Self::set_backend) or `RINGMQ_BACKEND`: the
    /// reason `auto` fell back (`io_uring is blocked: …`). `None` while
    /// they run on io_uring, on an epoll that was asked for, or before
    /// they start.
    pub fn io_fallback_reason(&self) -> Option<String> {
        self.inner
            .started_engine()?
            .fallback_reasons()
            .into_iter()
            .flatten()
            .next()
    }

    /// Creates a socket of the given type.
    ///
    /// # Errors
    /// `ETERM` once the context was destroyed; `EINVAL` for
    /// [`STREAM`](SocketType::STREAM), which ringmq does not implement.
    pub fn socket(&self, socket_type: SocketType) -> Result<Socket> {
        Socket::new(self.clone(), socket_type)
    }

    /// Terminates the context (`zmq_ctx_term`): every blocking call on any
    /// of its sockets, in any thread, returns `ETERM` at once, and so does
    /// every later call except closing. Then waits until every socket of the
    /// context has been closed (dropped), and for lingering messages to be
    /// flushed, as libzmq does.
    ///
    /// Like libzmq, this blocks forever if the calling thread itself still
    /// holds a socket of the context: drop your own sockets first, and let
    /// the threads that own the others drop theirs when they see `ETERM`.
    ///
    /// # Errors
    /// Never; the `Result` is the `zmq` crate's signature.
    pub fn destroy(&mut self) -> Result<()> {
        self.inner.terminate();
        let mut sockets = self.inner.lock_sockets();
        while !sockets.is_empty() {
            sockets = self
                .inner
                .registry
                .closed
                .wait(sockets)
                .unwrap_or_else(|e| e.into_inner());
        }
        drop(sockets);
        if let Some(Ok(engine)) = self.inner.engine.get() {
            engine.shutdown();
        }
        // Last, so a destroy that waits for lingering sockets can still be
        // watched.
        self.inner.stop_inspectors();
        Ok(())
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("terminated", &self.inner.is_terminated())
            .finish_non_exhaustive()
    }
}

impl ContextInner {
    pub(crate) fn is_terminated(&self) -> bool {
        self.terminated.load(Ordering::Acquire)
    }

    fn lock_sockets(&self) -> MutexGuard<'_, HashMap<u64, Registered>> {
        self.registry.lock_sockets()
    }

    fn stop_inspectors(&self) {
        #[cfg(feature = "inspector")]
        {
            let servers =
                std::mem::take(&mut *self.inspectors.lock().unwrap_or_else(|e| e.into_inner()));
            drop(servers);
        }
    }

    fn terminate(&self) {
        // Set under the registry lock so that a socket being created either
        // sees the flag or is in the registry when it is walked.
        let sockets = self.lock_sockets();
        self.terminated.store(true, Ordering::Release);
        for s in sockets.values() {
            s.shared.terminate();
        }
    }

    /// Registers a new socket.
    ///
    /// # Errors
    /// `ETERM` if the context is terminated.
    pub(crate) fn add_socket(&self, s: &Arc<SharedSocket>) -> Result<()> {
        let mut sockets = self.lock_sockets();
        if self.is_terminated() {
            return Err(Error::ETERM);
        }
        Registry::insert(&mut sockets, s);
        Ok(())
    }

    pub(crate) fn remove_socket(&self, id: u64) {
        self.registry.remove(id);
    }

    /// The engine, started on first call.
    ///
    /// # Errors
    /// `EMTHREAD` (libzmq's "no I/O thread") if it cannot run: io_uring
    /// unavailable, or `ZMQ_IO_THREADS` set to 0. The cause is printed to
    /// stderr once, and [`engine_error`](Self::engine_error) keeps it.
    pub(crate) fn engine(&self) -> Result<&Engine> {
        let engine = self.engine.get_or_init(|| {
            let io_threads = self.io_threads.load(Ordering::Relaxed);
            let started = if io_threads == 0 {
                Err("ZMQ_IO_THREADS is 0: no I/O thread for tcp:// and ipc://".to_string())
            } else {
                let backend = *self.backend.lock().unwrap_or_else(|e| e.into_inner());
                let spin = match self.spin_us.load(Ordering::Relaxed) {
                    SPIN_UNSET => None,
                    SPIN_AUTO => Some(Spin::AUTO),
                    us => u64::try_from(us)
                        .ok()
                        .map(|us| Spin::fixed(Duration::from_micros(us))),
                };
                let mode = *self.mode.lock().unwrap_or_else(|e| e.into_inner());
                Engine::start(&EngineConfig {
                    io_threads: usize::try_from(io_threads).unwrap_or(1),
                    backend,
                    spin,
                    mode,
                })
                .map_err(|e| e.to_string())
            };
            match &started {
                Ok(engine) => self.registry.set_engine(engine.counters()),
                Err(why) => eprintln!(
                    "ringmq: tcp:// and ipc:// are unavailable ({why}); inproc:// still works"
                ),
            }
            started
        });
        engine.as_ref().map_err(|_| Error::EMTHREAD)
    }

    /// The engine if it was started (closing a socket must not start it).
    pub(crate) fn started_engine(&self) -> Option<&Engine> {
        self.engine.get().and_then(|e| e.as_ref().ok())
    }

    /// Why the engine could not start, if it could not.
    pub(crate) fn engine_error(&self) -> Option<&str> {
        self.engine
            .get()
            .and_then(|e| e.as_ref().err())
            .map(String::as_str)
    }
}

impl Context {
    /// Why the I/O engine could not start, if it was tried and failed
    /// (a ringmq extension: tcp/ipc calls then return `EMTHREAD`, and the
    /// cause, such as io_uring being disabled, is also printed to stderr
    /// once).
    pub fn engine_error(&self) -> Option<String> {
        self.inner.engine_error().map(str::to_string)
    }
}

impl Drop for ContextInner {
    fn drop(&mut self) {
        // Every socket holds a Context, so none is left: flush lingering
        // sockets and stop the I/O threads, then the inspector.
        if let Some(Ok(engine)) = self.engine.get() {
            engine.shutdown();
        }
        self.stop_inspectors();
    }
}
