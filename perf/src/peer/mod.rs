//! The implementations a scenario runs on, behind one trait.
//!
//! A scenario's code is written once, as `async` functions over [`Peer`] and
//! [`Sock`]. Blocking implementations (ringmq, libzmq, raw sockets) return
//! ready futures and are driven by [`block_on_ready`], which polls once per
//! call and costs nothing; zmq.rs runs the same code on its tokio runtime,
//! so its background tasks make progress whenever the scenario waits.

mod rawtcp;
mod zmq_like;
mod zmqrs;

pub use rawtcp::RawTcp;
pub use zmq_like::{Libzmq, Ringmq};
pub use zmqrs::{Flavor, ZmqRs};

use serde_json::Value;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::AtomicBool;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Errors are reported, never handled: a message is enough.
pub type Res<T> = Result<T, String>;

/// How long a single send or receive may block before the run is declared
/// hung (and reported as failed instead of stalling the whole bench).
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a role may run where sockets have no timeouts of their own.
pub const ROLE_TIMEOUT: Duration = Duration::from_secs(120);

/// The socket types the scenarios use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Push,
    Pull,
    Pub,
    Sub,
    Req,
    Rep,
    Dealer,
    Router,
}

/// A transport, as in the endpoint's scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    Tcp,
    Ipc,
    Inproc,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Ipc => "ipc",
            Transport::Inproc => "inproc",
        }
    }

    pub fn parse(s: &str) -> Option<Transport> {
        match s {
            "tcp" => Some(Transport::Tcp),
            "ipc" => Some(Transport::Ipc),
            "inproc" => Some(Transport::Inproc),
            _ => None,
        }
    }
}

/// What a socket is created with.
#[derive(Clone, Copy, Debug)]
pub struct SockConfig {
    pub kind: Kind,
    /// Message size of the scenario (raw sockets frame by it).
    pub size: usize,
    /// Send and receive high-water mark, where the implementation has one;
    /// `None` keeps its default.
    pub hwm: Option<i32>,
    /// Raw sockets: pack records into 64 KiB writes (a throughput stream)
    /// instead of writing each at once.
    pub batch: bool,
}

/// One implementation of ZeroMQ (or the raw floor).
///
/// `Ctx` is what one process of a two-process test would share: the
/// scenario gives the binding side and the connecting side one each, except
/// over inproc where both use the same.
#[allow(async_fn_in_trait)]
pub trait Peer: Sync {
    type Ctx: Sync;
    type Socket: Sock;

    /// `impl` in the JSON: ringmq, libzmq, zmqrs, rawtcp.
    fn name(&self) -> &'static str;
    /// The implementation's version.
    fn version(&self) -> String;
    /// How it is set up (linkage, runtime flavour…), for the JSON.
    fn notes(&self) -> Value;
    fn supports(&self, transport: Transport) -> bool;
    fn context(&self) -> Res<Self::Ctx>;
    /// Runs one role of a scenario (on the calling thread) to completion.
    fn block_on<F: Future>(&self, ctx: &Self::Ctx, f: F) -> F::Output;
    async fn socket(&self, ctx: &Self::Ctx, cfg: SockConfig) -> Res<Self::Socket>;
    /// Paces a stream: sleeps until about `deadline` without spinning (the
    /// sender's lateness is taken out of the measurement, see `run.rs`),
    /// after letting the implementation's own tasks run.
    async fn sleep_until(&self, deadline: Instant);
    /// Waits a while outside the measurement (for the other side), letting
    /// the implementation's own tasks run.
    async fn pause(&self, d: Duration);
    /// Runs a whole role, ending it with an error if it is still running
    /// after [`ROLE_TIMEOUT`] or once `abort` is set. Blocking peers rely on
    /// their sockets' own timeouts (`IO_TIMEOUT`) instead and just run it.
    async fn guard<T>(&self, abort: &AtomicBool, role: impl Future<Output = Res<T>>) -> Res<T> {
        let _ = abort;
        role.await
    }
}

/// A socket of one of the scenarios' kinds, used by one thread.
#[allow(async_fn_in_trait)]
pub trait Sock {
    /// Binds to `endpoint` (a tcp port 0 means any free port) and returns the
    /// endpoint to connect to.
    async fn bind(&mut self, endpoint: &str) -> Res<String>;
    async fn connect(&mut self, endpoint: &str) -> Res<()>;
    /// Sends one single-frame message (a ROUTER sends it to the peer it last
    /// received from).
    async fn send(&mut self, payload: &[u8]) -> Res<()>;
    /// Receives one message and returns its body (a ROUTER keeps the
    /// routing id for [`echo`](Sock::echo)).
    async fn recv(&mut self) -> Res<&[u8]>;
    /// Sends the message just received back to where it came from (REP,
    /// ROUTER), without copying it where the implementation allows.
    async fn echo(&mut self) -> Res<()>;
    /// Pushes out what a packed raw stream holds; nothing for ZeroMQ sockets.
    async fn flush(&mut self) -> Res<()> {
        Ok(())
    }
}

/// Drives a future of a blocking implementation: it is always ready at the
/// first poll, since every call inside it blocks instead of returning
/// `Pending`.
///
/// # Panics
/// If the future is not ready at once (a bug in a blocking peer).
pub fn block_on_ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a blocking peer's future was not ready"),
    }
}

/// Sleeps until `deadline`, unless it is closer than the sleep's own
/// resolution: no spinning, which would take a core from the I/O threads of
/// the implementations that have them.
pub fn thread_sleep_until(deadline: Instant) {
    let left = deadline.saturating_duration_since(Instant::now());
    if left >= Duration::from_micros(10) {
        std::thread::sleep(left);
    }
}
