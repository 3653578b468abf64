//! The inspector's data model: what a process using ringmq looks like at one
//! instant, as the inspector server streams it and the browser app draws it.
//!
//! Shared by both ends (the server serialises it with serde_json, the wasm
//! app deserialises it), so the two cannot drift apart. Everything here is
//! plain data; building a snapshot is the server's job.

use serde::{Deserialize, Serialize};

/// One sample of the whole process.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Increases by one per snapshot sent; a gap means the client missed some.
    pub seq: u64,
    /// Milliseconds since the inspector started.
    pub time_ms: u64,
    /// Every live socket of the context.
    pub sockets: Vec<SocketSnapshot>,
    /// One entry per I/O thread.
    pub io_threads: Vec<IoThreadSnapshot>,
    /// Events since the previous snapshot, oldest first.
    pub events: Vec<EventRecord>,
}

/// One socket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SocketSnapshot {
    /// Process-unique id.
    pub id: u64,
    /// "PUB", "ROUTER", … as in ZMTP.
    pub socket_type: String,
    /// Endpoints bound or connected.
    pub endpoints: Vec<EndpointSnapshot>,
    /// Socket-wide counters.
    pub stats: SocketCounters,
    /// One entry per peer.
    pub pipes: Vec<PipeSnapshot>,
    /// send() → handed to the kernel, microseconds (sampled).
    pub send_latency: Option<LatencySnapshot>,
    /// Receive completion → recv(), microseconds (sampled).
    pub recv_latency: Option<LatencySnapshot>,
}

/// A bound or connected endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSnapshot {
    /// "tcp://127.0.0.1:5556", "inproc://feed", …
    pub endpoint: String,
    /// "bind" or "connect".
    pub kind: String,
}

/// Socket-wide counters: kept by the core socket (`Socket::stats`) and
/// copied as they are into the snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketCounters {
    /// Messages the application sent that were accepted.
    pub msgs_sent: u64,
    /// Messages the application received.
    pub msgs_received: u64,
    /// Messages (or fan-out copies) dropped because a pipe was mute.
    pub drops_hwm: u64,
    /// ROUTER messages addressed to no connected peer, dropped.
    pub drops_unroutable: u64,
    /// Messages no subscription matched: not sent by PUB/XPUB, or discarded
    /// on arrival by SUB/XSUB.
    pub drops_no_subscriber: u64,
    /// Messages discarded because their peer had gone (REP replies) or they
    /// were not expected (REQ replies from the wrong peer, malformed envelopes).
    pub drops_discarded: u64,
    /// Peers attached.
    pub attached: u64,
    /// Peers refused at attach (incompatible type, PAIR already taken,
    /// duplicate ROUTER identity).
    pub refused: u64,
    /// Peers detached.
    pub detached: u64,
}

/// One peer's pipe.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipeSnapshot {
    /// Stable while the pipe lives.
    pub id: String,
    /// The peer's socket type.
    pub peer_type: String,
    /// The peer's routing identity, printable or `0x…` hex.
    pub peer_identity: String,
    /// The peer's address when known ("127.0.0.1:40412", "inproc").
    pub peer_addr: String,
    /// Messages queued towards the peer.
    pub out_queued: u64,
    /// SNDHWM (0: none).
    pub sndhwm: u64,
    /// Messages received and not yet read by the application.
    pub in_queued: u64,
    /// RCVHWM (0: none).
    pub rcvhwm: u64,
    /// The pipe is in the mute state (its HWM reached).
    pub muted: bool,
    /// Messages queued towards the peer, total.
    pub msgs_out: u64,
    /// Bytes queued towards the peer, total.
    pub bytes_out: u64,
    /// Messages received from the peer, total.
    pub msgs_in: u64,
    /// Bytes received from the peer, total.
    pub bytes_in: u64,
    /// Messages dropped at this pipe's HWM.
    pub drops_hwm: u64,
}

/// A latency distribution, ready to plot as HdrHistogram's percentile plot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySnapshot {
    /// Samples recorded.
    pub count: u64,
    /// Mean, microseconds.
    pub mean_us: f64,
    /// Largest sample, microseconds.
    pub max_us: f64,
    /// (percentile in 0..=100, value in microseconds), ascending.
    pub percentiles: Vec<(f64, f64)>,
}

/// Which kernel interface an I/O thread drives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IoBackend {
    /// One io_uring per thread (the default where the kernel allows it).
    #[default]
    #[serde(rename = "io_uring")]
    IoUring,
    /// epoll readiness: where io_uring is blocked (containers' seccomp
    /// profiles, `kernel.io_uring_disabled`) or `RINGMQ_BACKEND=epoll`.
    #[serde(rename = "epoll")]
    Epoll,
}

impl IoBackend {
    /// `"io_uring"` or `"epoll"`, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            IoBackend::IoUring => "io_uring",
            IoBackend::Epoll => "epoll",
        }
    }
}

/// One I/O thread's engine counters.
///
/// On the epoll backend the io_uring words keep their place: a "submit"
/// is one `epoll_wait`, an "SQE" one operation started, a "CQE" one
/// completion handed to the engine; `enobufs` stays 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IoThreadSnapshot {
    /// Thread index.
    pub index: u32,
    /// The kernel interface this thread drives.
    #[serde(default)]
    pub backend: IoBackend,
    /// `Some(id)`: not an I/O thread but the inline engine of socket `id`
    /// (`RINGMQ_ENGINE=inline`), turned by the threads that call it.
    #[serde(default)]
    pub socket: Option<u64>,
    /// Loop turns (each ends in one io_uring_enter).
    pub loop_turns: u64,
    /// io_uring_enter calls.
    pub submit_calls: u64,
    /// SQEs submitted.
    pub sqes_submitted: u64,
    /// CQEs reaped.
    pub cqes_reaped: u64,
    /// Multishot receives that ran out of provided buffers.
    pub enobufs: u64,
    /// Most CQEs handled in one wake-up.
    pub max_cqes_per_wake: u64,
    /// Provided buffers in the ring.
    pub buffers_total: u64,
    /// Open connections.
    pub connections: u64,
    /// The spin budget in microseconds (`RINGMQ_SPIN_US`; 0: none).
    #[serde(default)]
    pub spin_us: u64,
    /// The budget is adaptive (the default, `RINGMQ_SPIN_US=auto`): the
    /// thread spins only while spinning finds work, and backs off when it
    /// does not.
    #[serde(default)]
    pub spin_adaptive: bool,
    /// Spins that found work before the budget ran out.
    #[serde(default)]
    pub spin_hits: u64,
    /// Spins that ran out of budget, each followed by a sleep.
    #[serde(default)]
    pub spin_misses: u64,
}

/// Something that happened to a socket's connections.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Milliseconds since the inspector started.
    pub time_ms: u64,
    /// The socket's id.
    pub socket_id: u64,
    /// "listening", "accepted", "connected", "disconnected",
    /// "handshake_failed", "connect_retried", "closed".
    pub kind: String,
    /// The endpoint or peer address involved.
    pub endpoint: String,
    /// Free text: the handshake error, the errno, …
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_snapshot_is_empty() {
        let s = Snapshot::default();
        assert!(s.sockets.is_empty() && s.events.is_empty());
    }
}
