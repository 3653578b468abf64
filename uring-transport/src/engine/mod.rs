//! The engine: I/O threads that serve sockets' tcp and ipc connections.
//!
//! Each I/O thread owns one io_uring (created inside the thread; epoll
//! where io_uring is blocked), its listeners and its connections.
//! Application threads talk to it through a command queue and an eventfd
//! that is written only when the thread is parked. Bind happens in the
//! calling thread (so `EADDRINUSE` comes back at once); the listening
//! socket is then handed to the I/O thread, which accepts with one
//! multishot accept. In the inline mode (`inline`) each socket has the same
//! engine to itself, turned by its callers instead of by a thread.

mod config;
mod conn;
mod inline;
mod io_thread;

pub use config::{
    parse_spin_us, spin_from_env, BackendChoice, EngineConfig, EngineMode, Spin, TransportOptions,
    SPIN_ENV, SPIN_MAX,
};

pub(crate) use inline::Inline;
pub use inline::HOUSEKEEPING_INTERVAL;

use crate::driver::{BackendKind, EventFd, SetupError};
use crate::endpoint::{tcp_last_endpoint, Endpoint};
use crate::shared::{ConnEventKind, SharedSocket};
use crossbeam_queue::SegQueue;
use ringmq_core::snapshot::{IoBackend, IoThreadSnapshot};
use ringmq_core::zmtp::SessionConfig;
use ringmq_core::Error;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The engine could not start.
#[derive(Debug)]
pub enum EngineError {
    /// io_uring could not be set up (the message names why).
    Setup(SetupError),
    /// The wake-up eventfd, the epoll instance or the thread could not be
    /// created.
    Io(std::io::Error),
    /// `RINGMQ_BACKEND` names no backend.
    Config(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Setup(e) => write!(f, "ringmq engine: {e}"),
            EngineError::Io(e) => write!(f, "ringmq engine: {e}"),
            EngineError::Config(e) => write!(f, "ringmq engine: {e}"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Where a connection goes.
#[derive(Clone, Debug)]
pub(crate) enum Remote {
    Tcp(SocketAddr),
    Ipc(PathBuf),
}

/// What application threads ask of an I/O thread.
pub(crate) enum Cmd {
    Listen {
        sock: Arc<SharedSocket>,
        fd: OwnedFd,
        endpoint: String,
        ipc_path: Option<PathBuf>,
        /// The sessions of the connections it accepts.
        session: SessionConfig,
    },
    Connect {
        sock: Arc<SharedSocket>,
        remote: Remote,
        endpoint: String,
        opts: TransportOptions,
        /// The sessions of its connections (each reconnection's too).
        session: SessionConfig,
    },
    Unbind {
        sock: Arc<SharedSocket>,
        endpoint: String,
        reply: mpsc::SyncSender<Result<(), Error>>,
    },
    Disconnect {
        sock: Arc<SharedSocket>,
        endpoint: String,
        reply: mpsc::SyncSender<Result<(), Error>>,
    },
    /// A connection's pipe has input from its socket, or room again
    /// towards it (posted by the pipe's [`ConnNotify`]).
    Pump(PumpTarget),
    Close {
        sock: Arc<SharedSocket>,
        linger: Option<Duration>,
    },
    Shutdown,
}

/// Whose pipe a [`Cmd::Pump`] is for. A connecter's pipe outlives its
/// connections, so its notifier names the connecter, not a connection.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PumpTarget {
    Conn(conn::Key),
    Connecter(conn::Key),
}

/// A connection's side of its pipe: what the socket does to the pipe
/// reaches the I/O thread as a [`Cmd::Pump`], only when the connection went
/// idle (input) or waits (room), so a busy stream costs no command at all.
pub(crate) struct ConnNotify {
    pub(crate) io: Arc<IoShared>,
    pub(crate) target: PumpTarget,
}

impl ringmq_core::pipe::Notify for ConnNotify {
    fn input(&self) {
        self.io.push(Cmd::Pump(self.target));
    }

    fn room(&self) {
        self.io.push(Cmd::Pump(self.target));
    }
}

/// Declares [`IoCounters`] with one atomic per named field of
/// [`IoThreadSnapshot`] (the one definition of the I/O-thread counters):
/// the struct literal in `read` makes the compiler check that the list
/// names every field.
macro_rules! io_counters {
    ($($field:ident),* $(,)?) => {
        /// One I/O thread's counters for the inspector. The thread owns the
        /// real values (an [`IoThreadSnapshot`]) and publishes copies here
        /// with relaxed stores once per loop turn (a handful of plain stores
        /// to a cache line nobody else writes); readers see each counter at
        /// most one turn old, and the set not necessarily from one instant.
        #[derive(Debug, Default)]
        pub(crate) struct IoCounters {
            /// [`backend_code`] of the thread's backend, set once at start.
            backend: AtomicU8,
            /// Why `auto` took epoll: io_uring's setup or probe error.
            fallback: std::sync::OnceLock<String>,
            /// The socket an inline engine serves (0: an I/O thread).
            socket: AtomicU64,
            /// Whether the spin budget is adaptive, set once at start.
            spin_adaptive: AtomicBool,
            $($field: AtomicU64,)*
        }

        impl IoCounters {
            pub(crate) fn publish(&self, v: &IoThreadSnapshot) {
                $(self.$field.store(v.$field, Ordering::Relaxed);)*
            }

            pub(crate) fn set_backend(&self, kind: BackendKind) {
                self.backend.store(backend_code(kind), Ordering::Relaxed);
            }

            pub(crate) fn set_fallback(&self, why: String) {
                let _ = self.fallback.set(why);
            }

            pub(crate) fn set_socket(&self, id: u64) {
                self.socket.store(id, Ordering::Relaxed);
            }

            pub(crate) fn set_spin_adaptive(&self, adaptive: bool) {
                self.spin_adaptive.store(adaptive, Ordering::Relaxed);
            }

            fn read(&self, index: u32) -> IoThreadSnapshot {
                IoThreadSnapshot {
                    index,
                    backend: match self.backend.load(Ordering::Relaxed) {
                        1 => IoBackend::Epoll,
                        _ => IoBackend::IoUring,
                    },
                    socket: match self.socket.load(Ordering::Relaxed) {
                        0 => None,
                        id => Some(id),
                    },
                    spin_adaptive: self.spin_adaptive.load(Ordering::Relaxed),
                    $($field: self.$field.load(Ordering::Relaxed),)*
                }
            }
        }
    };
}

fn backend_code(kind: BackendKind) -> u8 {
    match kind {
        BackendKind::IoUring => 0,
        BackendKind::Epoll => 1,
    }
}

io_counters!(
    loop_turns,
    submit_calls,
    sqes_submitted,
    cqes_reaped,
    enobufs,
    max_cqes_per_wake,
    buffers_total,
    connections,
    spin_us,
    spin_hits,
    spin_misses,
);

/// A handle on every I/O thread's counters, for the inspector. Cheap to
/// clone; it keeps only the counters alive, not the engine, and reads the
/// last values published once the engine has stopped.
#[derive(Clone, Debug)]
pub struct EngineCounters {
    threads: Vec<Arc<IoCounters>>,
    /// In inline mode: the sockets' engines, which come and go.
    inline: Option<Arc<inline::Housekeeper>>,
}

impl EngineCounters {
    /// The counters of each I/O thread, in thread order; in inline mode,
    /// of each socket's engine (`socket` names it).
    pub fn snapshot(&self) -> Vec<IoThreadSnapshot> {
        let inline = self
            .inline
            .as_ref()
            .map(|k| k.counters())
            .unwrap_or_default();
        self.threads
            .iter()
            .chain(inline.iter())
            .zip(0u32..)
            .map(|(c, i)| c.read(i))
            .collect()
    }
}

/// The application side of one I/O thread.
pub(crate) struct IoShared {
    /// Lock-free: posted from application threads and from pipes' notifiers.
    cmds: SegQueue<Cmd>,
    wake: EventFd,
    /// The thread is about to wait (or waiting) in the kernel: a poster must
    /// write the eventfd. Dekker-style with the queue check in the thread.
    parked: AtomicBool,
    /// Written by the thread only.
    pub(crate) counters: Arc<IoCounters>,
    /// The spin budget: how long the thread polls before it sleeps.
    spin: Spin,
    /// Set by [`notify_if_parked`](Self::notify_if_parked).
    woken: AtomicBool,
}

impl IoShared {
    pub(crate) fn push(&self, cmd: Cmd) {
        self.cmds.push(cmd);
        self.wake_if_parked();
    }

    /// After making work visible (a command, `woken`): pairs with the fence
    /// after the thread sets `parked`, so either it sees the work before it
    /// sleeps or this sees it parked and writes the eventfd.
    fn wake_if_parked(&self) {
        fence(Ordering::SeqCst);
        if self.parked.load(Ordering::SeqCst) {
            // A failed write leaves the thread to its timeout; nothing to do.
            let _ = self.wake.notify();
        }
    }

    /// Wakes the thread if it waits in the kernel (for an inline engine:
    /// the caller blocked in it), without a command: its wait ends, or the
    /// next one does not begin, and it looks again at what it waits for.
    /// (Dekker-style with `parked`, as [`push`](Self::push): either the
    /// thread sees `woken` before it sleeps or this sees it parked.)
    pub(crate) fn notify_if_parked(&self) {
        self.woken.store(true, Ordering::SeqCst);
        self.wake_if_parked();
    }

    /// Whether [`notify_if_parked`](Self::notify_if_parked) was called
    /// since the last look (and forgets it).
    pub(crate) fn take_woken(&self) -> bool {
        self.woken.load(Ordering::SeqCst) && self.woken.swap(false, Ordering::SeqCst)
    }

    pub(crate) fn take(&self, into: &mut Vec<Cmd>) {
        while let Some(c) = self.cmds.pop() {
            into.push(c);
        }
    }

    pub(crate) fn has_cmds(&self) -> bool {
        !self.cmds.is_empty()
    }

    pub(crate) fn spin(&self) -> Spin {
        self.spin
    }
}

struct IoThreadHandle {
    shared: Arc<IoShared>,
    join: Mutex<Option<JoinHandle<()>>>,
}

/// The running engine. `Send + Sync`: any application thread may bind,
/// connect and close through it.
pub struct Engine {
    threads: Vec<IoThreadHandle>,
    next: AtomicUsize,
    /// `Some` in inline mode (then `threads` is empty).
    inline: Option<inline::InlineMode>,
}

impl Engine {
    /// Starts the I/O threads. Each creates its ring inside the thread; a
    /// failure there (io_uring disabled, …) is reported here.
    ///
    /// # Errors
    /// [`EngineError`] naming the cause.
    pub fn start(cfg: &EngineConfig) -> Result<Engine, EngineError> {
        let choice = match cfg.backend {
            Some(c) => c,
            None => BackendChoice::from_env().map_err(EngineError::Config)?,
        };
        let spin = match cfg.spin {
            Some(s) => Spin {
                budget: s.budget.min(SPIN_MAX),
                ..s
            },
            None => spin_from_env().map_err(EngineError::Config)?,
        };
        let mode = match cfg.mode {
            Some(m) => m,
            None => EngineMode::from_env().map_err(EngineError::Config)?,
        };
        if mode == EngineMode::Inline {
            return Ok(Engine {
                threads: Vec::new(),
                next: AtomicUsize::new(0),
                inline: Some(inline::InlineMode::start(choice, spin)?),
            });
        }
        let mut threads = Vec::new();
        for i in 0..cfg.io_threads.max(1) {
            let shared = Arc::new(IoShared {
                cmds: SegQueue::new(),
                wake: EventFd::new().map_err(EngineError::Io)?,
                parked: AtomicBool::new(false),
                counters: Arc::new(IoCounters::default()),
                spin,
                woken: AtomicBool::new(false),
            });
            let (ready_tx, ready_rx) = mpsc::sync_channel(1);
            let s = shared.clone();
            let join = std::thread::Builder::new()
                .name(format!("ringmq-io-{i}"))
                .spawn(move || io_thread::run(s, choice, ready_tx))
                .map_err(EngineError::Io)?;
            match ready_rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    let _ = join.join();
                    return Err(e);
                }
                Err(_) => {
                    let _ = join.join();
                    return Err(EngineError::Io(std::io::Error::other(
                        "I/O thread exited during start-up",
                    )));
                }
            }
            threads.push(IoThreadHandle {
                shared,
                join: Mutex::new(Some(join)),
            });
        }
        Ok(Engine {
            threads,
            next: AtomicUsize::new(0),
            inline: None,
        })
    }

    /// The spin setting the I/O threads (or inline engines) run with.
    pub fn spin(&self) -> Spin {
        match &self.inline {
            Some(m) => m.spin(),
            None => self.threads.first().map_or(Spin::OFF, |t| t.shared.spin()),
        }
    }

    /// Who drives the connections.
    pub fn mode(&self) -> EngineMode {
        if self.inline.is_some() {
            EngineMode::Inline
        } else {
            EngineMode::IoThreads
        }
    }

    /// A handle on the I/O threads' counters (for the inspector).
    pub fn counters(&self) -> EngineCounters {
        EngineCounters {
            threads: self
                .threads
                .iter()
                .map(|t| t.shared.counters.clone())
                .collect(),
            inline: self.inline.as_ref().map(|m| m.keeper().clone()),
        }
    }

    /// The backend each I/O thread runs on, in thread order; in inline
    /// mode, the one backend the sockets' engines are made on.
    pub fn backends(&self) -> Vec<BackendKind> {
        if let Some(m) = &self.inline {
            return vec![m.kind()];
        }
        self.io_thread_stats()
            .iter()
            .map(|t| match t.backend {
                IoBackend::IoUring => BackendKind::IoUring,
                IoBackend::Epoll => BackendKind::Epoll,
            })
            .collect()
    }

    /// Why the automatic choice ran each I/O thread on epoll (io_uring's
    /// setup or probe error, such as `io_uring is blocked: …`); `None` for
    /// a thread on io_uring or on an epoll that was asked for. In inline
    /// mode, one `None`: epoll is that mode's backend, not a fallback.
    pub fn fallback_reasons(&self) -> Vec<Option<String>> {
        if self.inline.is_some() {
            return vec![None];
        }
        self.threads
            .iter()
            .map(|t| t.shared.counters.fallback.get().cloned())
            .collect()
    }

    /// The counters of each I/O thread now.
    pub fn io_thread_stats(&self) -> Vec<IoThreadSnapshot> {
        self.counters().snapshot()
    }

    /// The I/O thread serving `sock`, assigning one round robin on first use
    /// (all of a socket's connections live on one thread).
    ///
    /// In inline mode the socket gets an engine of its own instead, made
    /// in the calling thread.
    fn io_for<'a>(&self, sock: &'a Arc<SharedSocket>) -> Result<&'a IoShared, Error> {
        if let Some(io) = sock.io() {
            return Ok(io);
        }
        match &self.inline {
            Some(m) => {
                let inline = m.open(sock.id())?;
                Ok(sock.set_inline(inline))
            }
            None => {
                let i = self.next.fetch_add(1, Ordering::Relaxed) % self.threads.len();
                Ok(sock.set_io(self.threads[i].shared.clone()))
            }
        }
    }

    /// Binds `sock` to a tcp or ipc endpoint; returns the resolved endpoint
    /// (`tcp://127.0.0.1:41234` for `tcp://127.0.0.1:*`).
    ///
    /// # Errors
    /// `AddrInUse`, `Invalid` (bad address), `ProtocolNotSupported`
    /// (inproc is not the engine's), `NoEntry` (ipc directory missing).
    pub fn bind(&self, sock: &Arc<SharedSocket>, ep: &Endpoint) -> Result<String, Error> {
        let (fd, endpoint, ipc_path) = match ep {
            Endpoint::Tcp { host, port } => {
                let addr = Endpoint::tcp_bind_addr(host, *port)?;
                let l = tcp_listener(addr).map_err(io_to_error)?;
                let local = l.local_addr().map_err(io_to_error)?;
                (OwnedFd::from(l), tcp_last_endpoint(local), None)
            }
            Endpoint::Ipc(path) => {
                remove_stale_ipc(path);
                let l = unix_listener(path).map_err(io_to_error)?;
                (OwnedFd::from(l), ep.to_string(), Some(path.clone()))
            }
            Endpoint::Inproc(_) => return Err(Error::ProtocolNotSupported),
        };
        // The socket listens from here (the I/O thread only accepts).
        sock.push_event(ConnEventKind::Listening, endpoint.clone(), "");
        self.io_for(sock)?.push(Cmd::Listen {
            sock: sock.clone(),
            fd,
            endpoint: endpoint.clone(),
            ipc_path,
            session: session_config(sock),
        });
        sock.progress();
        Ok(endpoint)
    }

    /// Connects `sock` to a tcp or ipc endpoint. Returns at once; the
    /// connection (and reconnection) proceeds in the I/O thread.
    ///
    /// # Errors
    /// `Invalid` if a tcp host does not resolve or the port is `*`.
    pub fn connect(
        &self,
        sock: &Arc<SharedSocket>,
        ep: &Endpoint,
        opts: &TransportOptions,
    ) -> Result<(), Error> {
        let remote = match ep {
            Endpoint::Tcp { port: 0, .. } => return Err(Error::Invalid),
            Endpoint::Tcp { host, port } => Remote::Tcp(Endpoint::resolve(host, *port)?),
            Endpoint::Ipc(p) => Remote::Ipc(p.clone()),
            Endpoint::Inproc(_) => return Err(Error::ProtocolNotSupported),
        };
        self.io_for(sock)?.push(Cmd::Connect {
            sock: sock.clone(),
            remote,
            endpoint: ep.to_string(),
            opts: opts.clone(),
            session: session_config(sock),
        });
        sock.progress();
        Ok(())
    }

    fn ask(
        &self,
        sock: &Arc<SharedSocket>,
        make: impl FnOnce(mpsc::SyncSender<Result<(), Error>>) -> Cmd,
    ) -> Result<(), Error> {
        let Some(io) = sock.io() else {
            return Err(Error::NoEntry);
        };
        let (tx, rx) = mpsc::sync_channel(1);
        io.push(make(tx));
        let Some(inline) = sock.inline() else {
            return rx.recv().unwrap_or(Err(Error::Terminated));
        };
        // Nobody else may be turning the socket's engine: turn it here
        // until it answers (closing a listener takes a completion or two).
        loop {
            match rx.try_recv() {
                Ok(r) => return r,
                Err(mpsc::TryRecvError::Disconnected) => return Err(Error::Terminated),
                Err(mpsc::TryRecvError::Empty) => {
                    if !inline.wait(Some(Duration::from_millis(1))) {
                        return rx.recv().unwrap_or(Err(Error::Terminated));
                    }
                }
            }
        }
    }

    /// Stops listening on an endpoint `bind` returned (or was given).
    ///
    /// # Errors
    /// `NoEntry` if the socket is not bound there.
    pub fn unbind(&self, sock: &Arc<SharedSocket>, endpoint: &str) -> Result<(), Error> {
        let endpoint = endpoint.to_string();
        self.ask(sock, |reply| Cmd::Unbind {
            sock: sock.clone(),
            endpoint,
            reply,
        })
    }

    /// Drops the connection made by `connect(endpoint)`.
    ///
    /// # Errors
    /// `NoEntry` if the socket has no such connection.
    pub fn disconnect(&self, sock: &Arc<SharedSocket>, endpoint: &str) -> Result<(), Error> {
        let endpoint = endpoint.to_string();
        self.ask(sock, |reply| Cmd::Disconnect {
            sock: sock.clone(),
            endpoint,
            reply,
        })
    }

    /// The socket is closed by the application: stop listening, then flush
    /// what is queued for up to `linger` (`None` = until sent) and close the
    /// connections. Returns at once.
    ///
    /// An inline socket's engine then finishes once the linger is over,
    /// turned by the housekeeper.
    pub fn close_socket(&self, sock: &Arc<SharedSocket>, linger: Option<Duration>) {
        if let Some(io) = sock.io() {
            io.push(Cmd::Close {
                sock: sock.clone(),
                linger,
            });
            if sock.inline().is_some() {
                io.push(Cmd::Shutdown);
                sock.progress();
            }
        }
    }

    /// Waits for lingering sockets, then stops and joins the I/O threads.
    pub fn shutdown(&self) {
        if let Some(m) = &self.inline {
            m.shutdown();
        }
        for t in &self.threads {
            t.shared.push(Cmd::Shutdown);
        }
        for t in &self.threads {
            if let Some(j) = t.join.lock().unwrap_or_else(|e| e.into_inner()).take() {
                let _ = j.join();
            }
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The socket's wire options now, for an endpoint being bound or connected:
/// later changes apply to later endpoints only, as in libzmq.
fn session_config(sock: &SharedSocket) -> SessionConfig {
    let core = sock.lock();
    core.options().session_config(core.socket_type())
}

/// Pending connections the kernel queues for a listener. Larger than
/// libzmq's default (ZMQ_BACKLOG = 100): a feed handler that many clients
/// reconnect to at once must not leave them retrying SYNs for seconds.
const LISTEN_BACKLOG: i32 = 1024;

fn unix_listener(path: &std::path::Path) -> std::io::Result<UnixListener> {
    let s = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None)?;
    s.bind(&socket2::SockAddr::unix(path)?)?;
    s.listen(LISTEN_BACKLOG)?;
    Ok(s.into())
}

fn tcp_listener(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let s = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        None,
    )?;
    // A restarted binder must get its port back while old connections sit
    // in TIME_WAIT (libzmq sets it too).
    s.set_reuse_address(true)?;
    s.bind(&addr.into())?;
    s.listen(LISTEN_BACKLOG)?;
    Ok(s.into())
}

/// libzmq removes an ipc socket file nobody listens on before binding; a
/// file somebody does listen on is left alone (bind then fails).
fn remove_stale_ipc(path: &std::path::Path) {
    use std::os::unix::fs::FileTypeExt;
    let is_socket = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket());
    if is_socket && std::os::unix::net::UnixStream::connect(path).is_err() {
        let _ = std::fs::remove_file(path);
    }
}

/// Maps an OS error from bind/connect to the errno libzmq reports.
pub(crate) fn io_to_error(e: std::io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::EADDRINUSE) => Error::AddrInUse,
        Some(libc::ENOENT) => Error::NoEntry,
        Some(libc::EINTR) => Error::Interrupted,
        _ => Error::Invalid,
    }
}
