//! What an application thread and an I/O thread share about one socket.
//!
//! The core socket (`ringmq_core::Socket`: options, pipes, routing) sits
//! behind a mutex. The application locks it to send and receive; the I/O
//! thread locks it to take outbound messages and deliver inbound ones. Each
//! side tells the other about changes without a syscall when nobody waits:
//! - application → I/O thread: [`SharedSocket::notify_io`] posts the socket to
//!   its I/O thread once (an atomic flag coalesces a burst of sends into one
//!   wake-up), and writes the thread's eventfd only if it is parked;
//! - I/O thread → application: [`SharedSocket::wake_waiters`] unparks the
//!   threads blocked on the socket (send, recv, poll), only if there are any.

use ringmq_core::{Error, Socket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::Thread;
use std::time::Instant;

/// Something that can be told "this socket needs the I/O thread's attention".
pub trait IoNotify: Send + Sync + 'static {
    /// Queue `socket` for the I/O thread and wake it if it is parked.
    fn post(&self, socket: Arc<SharedSocket>);
    /// For the engine to find its own type behind the trait object.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// One socket as both threads see it.
pub struct SharedSocket {
    id: u64,
    core: Mutex<Socket>,
    /// Threads parked on this socket. Registered while holding the core lock,
    /// so a change made under that lock is either seen by the waiter's check
    /// or followed by its wake-up.
    waiters: Mutex<Vec<Thread>>,
    n_waiters: AtomicUsize,
    /// The socket is already queued for its I/O thread.
    io_pending: AtomicBool,
    /// Some connection stopped reading because this socket's inbound queue
    /// was full: a receive should tell the I/O thread there is room again.
    input_paused: AtomicBool,
    io: OnceLock<Arc<dyn IoNotify>>,
    terminated: AtomicBool,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl SharedSocket {
    /// Wraps a core socket.
    pub fn new(core: Socket) -> Arc<SharedSocket> {
        Arc::new(SharedSocket {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            core: Mutex::new(core),
            waiters: Mutex::new(Vec::new()),
            n_waiters: AtomicUsize::new(0),
            io_pending: AtomicBool::new(false),
            input_paused: AtomicBool::new(false),
            io: OnceLock::new(),
            terminated: AtomicBool::new(false),
        })
    }

    /// A process-unique id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Locks the core socket.
    pub fn lock(&self) -> MutexGuard<'_, Socket> {
        // A panic while holding the lock leaves the core consistent enough
        // to keep going (every core method is all-or-nothing on a message).
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Assigns the I/O thread that serves this socket's connections (first
    /// bind or connect); later calls keep the first assignment.
    pub fn set_io(&self, io: Arc<dyn IoNotify>) -> &Arc<dyn IoNotify> {
        self.io.get_or_init(|| io)
    }

    /// The serving I/O thread, if one was assigned.
    pub fn io(&self) -> Option<&Arc<dyn IoNotify>> {
        self.io.get()
    }

    /// Application side: output was queued (or room freed); let the I/O
    /// thread act. Cheap when the socket is already queued.
    pub fn notify_io(self: &Arc<Self>) {
        if let Some(io) = self.io.get() {
            if !self.io_pending.swap(true, Ordering::AcqRel) {
                io.post(self.clone());
            }
        }
    }

    /// Application side, after a receive: if a connection paused its reads
    /// for lack of room, wake the I/O thread.
    pub fn notify_room(self: &Arc<Self>) {
        if self.input_paused.load(Ordering::Acquire) {
            self.notify_io();
        }
    }

    /// I/O side: the socket is being served now; later notifications queue it
    /// again. Call before looking at the socket, so nothing is missed.
    pub fn take_io_pending(&self) {
        self.io_pending.store(false, Ordering::Release);
    }

    /// I/O side: record whether some connection is paused for lack of room.
    pub fn set_input_paused(&self, paused: bool) {
        self.input_paused.store(paused, Ordering::Release);
    }

    /// I/O side (or anyone): wake the threads blocked on this socket.
    pub fn wake_waiters(&self) {
        if self.n_waiters.load(Ordering::Acquire) == 0 {
            return;
        }
        for t in self
            .waiters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            t.unpark();
        }
    }

    /// Marks the socket's context as terminated: blocked and later calls
    /// return `ETERM`.
    pub fn terminate(&self) {
        self.terminated.store(true, Ordering::Release);
        self.wake_waiters();
    }

    /// True once the context was terminated.
    pub fn is_terminated(&self) -> bool {
        self.terminated.load(Ordering::Acquire)
    }

    /// Registers the current thread to be woken by [`wake_waiters`]. Call
    /// while holding the core lock (see the field's invariant).
    ///
    /// [`wake_waiters`]: Self::wake_waiters
    pub fn register_waiter(&self) {
        self.waiters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(std::thread::current());
        self.n_waiters.fetch_add(1, Ordering::AcqRel);
    }

    /// Undoes one [`register_waiter`](Self::register_waiter) of this thread.
    pub fn unregister_waiter(&self) {
        let me = std::thread::current().id();
        let mut w = self.waiters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = w.iter().position(|t| t.id() == me) {
            w.swap_remove(i);
            self.n_waiters.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Runs `attempt` on the locked socket until it returns `Some`, parking
    /// between tries; gives up with `Again` at `deadline`, `Terminated` when
    /// the context ends.
    ///
    /// # Errors
    /// `Again` on timeout, `Terminated` after [`terminate`](Self::terminate).
    pub fn block_on<T>(
        &self,
        deadline: Option<Instant>,
        mut attempt: impl FnMut(&mut Socket) -> Option<T>,
    ) -> Result<T, Error> {
        loop {
            if self.is_terminated() {
                return Err(Error::Terminated);
            }
            {
                let mut core = self.lock();
                if let Some(v) = attempt(&mut core) {
                    return Ok(v);
                }
                self.register_waiter();
            }
            match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now < d {
                        std::thread::park_timeout(d - now);
                    }
                }
                None => std::thread::park(),
            }
            self.unregister_waiter();
            if deadline.is_some_and(|d| Instant::now() >= d) {
                // One last try, so a wake-up at the deadline is not lost.
                if self.is_terminated() {
                    return Err(Error::Terminated);
                }
                return attempt(&mut self.lock()).ok_or(Error::Again);
            }
        }
    }
}

impl std::fmt::Debug for SharedSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedSocket")
            .field("id", &self.id)
            .finish()
    }
}
