//! The inline mode (`RINGMQ_ENGINE=inline`): each socket's connections on
//! an engine of their own, turned by the threads that call the socket
//! rather than by an I/O thread.
//!
//! The engine is the I/O thread's own ([`IoThread`]), one per socket, with
//! no thread of its own. Its rules:
//!
//! - Every call makes progress: a send that queued a message turns the
//!   engine once without waiting (the message is encoded and written
//!   before `send` returns) — unless the socket is in a burst (its previous
//!   send returned under [`BURST_GAP`] ago): then up to [`BURST_BATCH`]
//!   messages are coalesced into one write, and the housekeeper is asked to
//!   write what the burst leaves behind once it pauses; a receive, a poll
//!   or `ZMQ_EVENTS` that finds nothing turns it too; a blocking call waits
//!   *inside* the engine (its `epoll_wait`) until a completion, the
//!   socket's deadline or the engine's next timer. No thread hop is on the
//!   message path.
//! - A socket left alone is turned by the engine's housekeeper, a thread
//!   that turns, without waiting, every inline engine its callers have not
//!   turned for a [`HOUSEKEEPING_INTERVAL`], each interval: accepts, reconnects, heartbeats and
//!   the linger of a closed socket go on while the application computes
//!   (at that pace: a connection a socket does not call for meets its
//!   handshake within a few milliseconds).
//! - One caller at a time turns an engine (a mutex; the housekeeper only
//!   tries it).
//! - The engines run on epoll. An io_uring that any thread may turn has to
//!   be made without `SINGLE_ISSUER`, hence without `DEFER_TASKRUN`; its
//!   completions then reach the thread that submitted the operation as
//!   task work, announced like a signal, and that thread's own blocking
//!   system calls with a timeout fail with `EINTR` (seen: a test's
//!   `read` on a plain socket with `SO_RCVTIMEO`). A ring kept to one
//!   thread (`SINGLE_ISSUER`) could not be turned by the housekeeper. An
//!   epoll set has neither problem, and its operations complete in the
//!   caller anyway (a send is a `sendmsg` in the calling thread).

use super::io_thread::IoThread;
use super::{BackendChoice, EngineError, IoCounters, IoShared, Spin};
use crate::driver::{Backend, BackendKind, DriverConfig, EpollDriver, EventFd};
use crate::shared::monotonic_ns;
use crossbeam_queue::SegQueue;
use ringmq_core::Error;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, Thread};
use std::time::Duration;

/// How often the housekeeper turns the engines nobody is turning.
pub const HOUSEKEEPING_INTERVAL: Duration = Duration::from_millis(2);

/// A send this soon after the socket's previous send returned is part of a
/// burst: it is coalesced with the ones that follow instead of written at
/// once.
pub const BURST_GAP: Duration = Duration::from_micros(2);

/// The most messages a burst coalesces before a send writes them.
pub const BURST_BATCH: u32 = 64;

/// An engine that can be turned from any thread, one at a time.
pub(crate) trait Turn: Send {
    /// One turn; false once the engine has served its last socket.
    fn turn(&mut self, max_wait: Option<Duration>) -> bool;
}

impl<B: Backend + Send> Turn for IoThread<B> {
    fn turn(&mut self, max_wait: Option<Duration>) -> bool {
        let alive = IoThread::turn(self, max_wait);
        if !alive {
            self.publish_counters();
        }
        alive
    }
}

/// One socket's inline engine.
pub(crate) struct Inline {
    pub(crate) io: Arc<IoShared>,
    /// `None` once the engine has finished (its socket closed and flushed).
    engine: parking_lot::Mutex<Option<Box<dyn Turn>>>,
    keeper: Arc<Housekeeper>,
    /// When the socket last sent (`monotonic_ns`).
    last_send: AtomicU64,
    /// Sends coalesced and not yet written.
    deferred: AtomicU32,
    /// When a caller last turned the engine (`monotonic_ns`).
    last_turn: AtomicU64,
}

impl Inline {
    fn new(io: Arc<IoShared>, engine: Box<dyn Turn>, keeper: Arc<Housekeeper>) -> Inline {
        Inline {
            io,
            engine: parking_lot::Mutex::new(Some(engine)),
            keeper,
            last_send: AtomicU64::new(0),
            deferred: AtomicU32::new(0),
            last_turn: AtomicU64::new(0),
        }
    }

    /// A send queued a message: write it now, or coalesce it with the rest
    /// of a burst (see the module notes).
    pub(crate) fn sent(&self) {
        // The gap is measured from the end of the previous send: a send
        // that wrote took the time of the write, which is no pause.
        let now = monotonic_ns();
        let previous = self.last_send.load(Ordering::Relaxed);
        if now.saturating_sub(previous) < BURST_GAP.as_nanos() as u64 {
            // One read-modify-write: the housekeeper's reset after it wrote
            // (a compare-exchange) either sees this count or is seen here
            // as 0, which asks it to come again.
            let deferred = self.deferred.fetch_add(1, Ordering::Relaxed);
            if deferred + 1 < BURST_BATCH {
                self.last_send.store(now, Ordering::Relaxed);
                if deferred == 0 {
                    // Whatever the burst leaves behind goes out without a
                    // call.
                    self.keeper.soon();
                }
                return;
            }
        }
        self.deferred.store(0, Ordering::Relaxed);
        self.progress();
        self.last_send.store(monotonic_ns(), Ordering::Relaxed);
    }

    /// One turn that does not wait: what the socket queued goes out, what
    /// arrived comes in. False if the engine has finished.
    pub(crate) fn progress(&self) -> bool {
        self.turn(Some(Duration::ZERO))
    }

    /// One turn that waits in the kernel for up to `max_wait` (`None`: until
    /// something happens). False if the engine has finished.
    pub(crate) fn wait(&self, max_wait: Option<Duration>) -> bool {
        self.turn(max_wait)
    }

    fn turn(&self, max_wait: Option<Duration>) -> bool {
        let mut guard = self.engine.lock();
        self.last_turn.store(monotonic_ns(), Ordering::Relaxed);
        let Some(engine) = guard.as_mut() else {
            return false;
        };
        if !engine.turn(max_wait) {
            // Dropping the engine cancels what is still armed and closes
            // its descriptors once the kernel is done with them.
            *guard = None;
            return false;
        }
        true
    }

    /// The housekeeper's turn: only for an engine its callers left alone
    /// for a housekeeping interval, or whose burst paused with messages
    /// queued, and only if no caller is turning it now. (An engine its
    /// callers keep turning is never locked by the housekeeper: a
    /// housekeeper preempted while it held the lock would stall them for
    /// a scheduler slice.)
    fn housekeep(&self, now: u64) -> Kept {
        let deferred = self.deferred.load(Ordering::Relaxed);
        let last_send = self.last_send.load(Ordering::Relaxed);
        if deferred > 0 && now.saturating_sub(last_send) < BURST_GAP.as_nanos() as u64 {
            return Kept::Pending;
        }
        let last_turn = self.last_turn.load(Ordering::Relaxed);
        if deferred == 0 && now.saturating_sub(last_turn) < HOUSEKEEPING_INTERVAL.as_nanos() as u64
        {
            return Kept::Idle;
        }
        let Some(mut guard) = self.engine.try_lock() else {
            return Kept::Idle;
        };
        let Some(engine) = guard.as_mut() else {
            return Kept::Finished;
        };
        if !engine.turn(Some(Duration::ZERO)) {
            *guard = None;
            return Kept::Finished;
        }
        drop(guard);
        // Written; unless the socket sent more meanwhile, which it then
        // coalesces on (and this looks at again soon).
        match self
            .deferred
            .compare_exchange(deferred, 0, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => Kept::Idle,
            Err(_) => Kept::Pending,
        }
    }
}

/// What the housekeeper's turn left.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// Nothing waits for the housekeeper.
    Idle,
    /// Messages are coalesced and not yet written: look again soon.
    Pending,
    /// The engine has finished.
    Finished,
}

/// A socket's engine is smaller than an I/O thread's (which serves many).
fn inline_driver_config() -> DriverConfig {
    DriverConfig {
        entries: 64,
        buf_count: 16,
        buf_size: 16 * 1024,
    }
}

/// The engine in inline mode: which backend its sockets' engines run on,
/// and their housekeeper.
pub(crate) struct InlineMode {
    spin: Spin,
    keeper: Arc<Housekeeper>,
    join: Mutex<Option<JoinHandle<()>>>,
}

impl InlineMode {
    /// Starts the housekeeper. The engines run on epoll (see the module
    /// notes), so a `uring` asked for explicitly is refused.
    pub(crate) fn start(choice: BackendChoice, spin: Spin) -> Result<InlineMode, EngineError> {
        if choice == BackendChoice::Uring {
            return Err(EngineError::Config(
                "the inline mode (RINGMQ_ENGINE=inline) runs on epoll, and io_uring was \
                 asked for (RINGMQ_BACKEND=uring or Context::set_backend)"
                    .to_string(),
            ));
        }
        let keeper = Housekeeper::new();
        let k = keeper.clone();
        let join = std::thread::Builder::new()
            .name("ringmq-housekeeper".into())
            .spawn(move || k.run())
            .map_err(EngineError::Io)?;
        Ok(InlineMode {
            spin,
            keeper,
            join: Mutex::new(Some(join)),
        })
    }

    /// The backend every inline engine runs on.
    pub(crate) fn kind(&self) -> BackendKind {
        BackendKind::Epoll
    }

    pub(crate) fn spin(&self) -> Spin {
        self.spin
    }

    pub(crate) fn keeper(&self) -> &Arc<Housekeeper> {
        &self.keeper
    }

    /// A new engine for the socket `sock_id`, turned by its callers and the
    /// housekeeper.
    pub(crate) fn open(&self, sock_id: u64) -> Result<Arc<Inline>, Error> {
        let io = Arc::new(IoShared {
            cmds: SegQueue::new(),
            wake: EventFd::new().map_err(super::io_to_error)?,
            parked: AtomicBool::new(false),
            counters: Arc::new(IoCounters::default()),
            spin: self.spin,
            woken: AtomicBool::new(false),
        });
        io.counters.set_socket(sock_id);
        let cfg = inline_driver_config();
        let d = EpollDriver::new(&cfg).map_err(super::io_to_error)?;
        io.counters.set_backend(self.kind());
        let engine: Box<dyn Turn> = Box::new(IoThread::new(d, io.clone(), 1, true));
        let inline = Arc::new(Inline::new(io, engine, self.keeper.clone()));
        self.keeper.add(inline.clone());
        Ok(inline)
    }

    /// Asks every engine to flush and finish, then waits for the
    /// housekeeper to see them all finished.
    pub(crate) fn shutdown(&self) {
        for e in self.keeper.engines() {
            e.io.push(super::Cmd::Shutdown);
        }
        self.keeper.stop();
        if let Some(j) = self.join.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = j.join();
        }
    }
}

/// Every inline engine of one [`Engine`](super::Engine), and the thread
/// that turns the ones left alone.
pub(crate) struct Housekeeper {
    engines: Mutex<Vec<Arc<Inline>>>,
    stop: AtomicBool,
    /// The thread, once it runs (to wake it early).
    thread: std::sync::OnceLock<Thread>,
    /// A turn was asked for before the next interval.
    urgent: AtomicBool,
}

impl std::fmt::Debug for Housekeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Housekeeper")
            .field("engines", &self.lock().len())
            .finish()
    }
}

impl Housekeeper {
    /// The counters of every engine still running.
    pub(crate) fn counters(&self) -> Vec<Arc<IoCounters>> {
        self.lock().iter().map(|e| e.io.counters.clone()).collect()
    }

    pub(crate) fn new() -> Arc<Housekeeper> {
        Arc::new(Housekeeper {
            engines: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            thread: std::sync::OnceLock::new(),
            urgent: AtomicBool::new(false),
        })
    }

    pub(crate) fn add(&self, inline: Arc<Inline>) {
        self.lock().push(inline);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Inline>>> {
        self.engines.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The engines still running.
    pub(crate) fn engines(&self) -> Vec<Arc<Inline>> {
        self.lock().clone()
    }

    /// Asks the thread to end once every engine has finished.
    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.soon();
    }

    /// Asks for a round of turns now rather than at the next interval.
    pub(crate) fn soon(&self) {
        if !self.urgent.swap(true, Ordering::AcqRel) {
            if let Some(t) = self.thread.get() {
                t.unpark();
            }
        }
    }

    /// The housekeeper thread's loop.
    pub(crate) fn run(&self) {
        let _ = self.thread.set(std::thread::current());
        loop {
            self.urgent.store(false, Ordering::Release);
            let engines = self.engines();
            let now = monotonic_ns();
            let mut pending = false;
            let mut finished = Vec::new();
            for e in engines {
                match e.housekeep(now) {
                    Kept::Idle => {}
                    Kept::Pending => pending = true,
                    Kept::Finished => finished.push(e),
                }
            }
            let left = {
                let mut list = self.lock();
                list.retain(|e| !finished.iter().any(|f| Arc::ptr_eq(e, f)));
                list.len()
            };
            if left == 0 && self.stop.load(Ordering::SeqCst) {
                return;
            }
            if !self.urgent.load(Ordering::Acquire) {
                std::thread::park_timeout(if pending {
                    BURST_GAP
                } else {
                    HOUSEKEEPING_INTERVAL
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_wake_before_the_wait_ends_the_wait() {
        // A waiter registers, finds nothing, and is about to wait in its
        // engine when the housekeeper's turn delivers what it waits for and
        // wakes it: the engine is not in the kernel yet, so no eventfd is
        // written. The wait that follows must not sleep through it.
        let mode = InlineMode::start(BackendChoice::Epoll, Spin::OFF).unwrap();
        let inline = mode.open(1).unwrap();
        assert!(inline.progress());
        inline.io.notify_if_parked();
        let start = Instant::now();
        assert!(inline.wait(Some(Duration::from_secs(10))));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "slept {:?} through a wake-up that came first",
            start.elapsed()
        );
        // Once seen, it is forgotten: the next wait waits (here, briefly).
        let start = Instant::now();
        assert!(inline.wait(Some(Duration::from_millis(50))));
        assert!(start.elapsed() >= Duration::from_millis(40));
        mode.shutdown();
    }
}
