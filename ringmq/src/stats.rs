//! What the inspector sees of a context: the registry of its sockets (with
//! their endpoints), and the builder of [`Snapshot`]s.
//!
//! Nothing here is on the message path. The counters it reads are kept
//! where they are cheapest to keep: socket and pipe counters in the core
//! socket (updated under the lock send and recv already hold), I/O thread
//! counters in atomics the thread stores once per loop turn, sampled
//! latencies in lock-free rings ([`LatencySamples`]) and connection events
//! in a small per-socket queue. A snapshot locks each socket briefly,
//! copies what it needs, and folds the latency samples into one
//! HdrHistogram per socket and path, kept here.

use crate::transport::{EngineCounters, LatencySamples, SharedSocket};
use hdrhistogram::Histogram;
use ringmq_core::snapshot::{
    EndpointSnapshot, EventRecord, LatencySnapshot, PipeSnapshot, Snapshot, SocketSnapshot,
};
use ringmq_core::PipeId;
use ringmq_uring::shared::monotonic_ns;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};

/// Events kept for `/api/snapshot` and for a newly connected dashboard.
const EVENT_HISTORY: usize = 512;

/// Latency histograms: 1 ns to 60 s, two significant digits (1 %), about
/// 30 KiB each, created on a socket's first sample.
const HIST_MAX_NS: u64 = 60_000_000_000;
const HIST_SIGFIG: u8 = 2;

/// HdrHistogram's percentile ticks: this many per halving of the distance
/// to 100 % (its percentile output's default).
const TICKS_PER_HALF_DISTANCE: u32 = 5;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A socket as the context knows it.
pub(crate) struct Registered {
    pub(crate) shared: Arc<SharedSocket>,
    /// Bound and connected endpoints, in the order they were made.
    endpoints: Vec<EndpointSnapshot>,
}

/// The context's sockets and what the inspector keeps about them. Shared
/// (`Arc`) by the context and its inspector servers, so a server never keeps
/// the context alive.
pub(crate) struct Registry {
    /// [`monotonic_ns`] when the context was created: time 0 of the
    /// snapshots and events.
    epoch_ns: u64,
    /// Every open socket, so that termination reaches them all.
    sockets: Mutex<HashMap<u64, Registered>>,
    /// Signalled when a socket closes (`destroy` waits for none to be left).
    pub(crate) closed: Condvar,
    /// The engine's counters, once it has started.
    engine: OnceLock<EngineCounters>,
    /// Snapshots streamed so far (the `seq` of the last one).
    seq: AtomicU64,
    folded: Mutex<Folded>,
}

/// What snapshots accumulate between them. Locked only by snapshot
/// builders (and by a socket's close, to keep its last events).
#[derive(Default)]
struct Folded {
    latency: HashMap<u64, SocketLatency>,
    /// The latest events, oldest first; `events_total` counts all ever.
    events: VecDeque<EventRecord>,
    events_total: u64,
}

#[derive(Default)]
struct SocketLatency {
    send: Path,
    recv: Path,
}

#[derive(Default)]
struct Path {
    hist: Option<Histogram<u64>>,
    /// How far [`LatencySamples::drain`] has read.
    cursor: u64,
}

impl Path {
    fn fold(&mut self, samples: &LatencySamples) {
        let Path { hist, cursor } = self;
        samples.drain(cursor, |ns| {
            hist.get_or_insert_with(|| {
                Histogram::new_with_bounds(1, HIST_MAX_NS, HIST_SIGFIG)
                    .expect("valid histogram bounds")
            })
            .saturating_record(ns.max(1));
        });
    }

    fn snapshot(&self) -> Option<LatencySnapshot> {
        let h = self.hist.as_ref().filter(|h| !h.is_empty())?;
        let us = |ns: u64| ns as f64 / 1000.0;
        let mut percentiles: Vec<(f64, f64)> = Vec::new();
        for v in h.iter_quantiles(TICKS_PER_HALF_DISTANCE) {
            let point = (v.percentile(), us(v.value_iterated_to()));
            // The iterator can repeat a tick; keep the curve strictly
            // ascending in percentile.
            match percentiles.last_mut() {
                Some(last) if last.0 >= point.0 => *last = point,
                _ => percentiles.push(point),
            }
        }
        Some(LatencySnapshot {
            count: h.len(),
            mean_us: h.mean() / 1000.0,
            max_us: us(h.max()),
            percentiles,
        })
    }
}

impl Registry {
    pub(crate) fn new() -> Registry {
        Registry {
            epoch_ns: monotonic_ns(),
            sockets: Mutex::new(HashMap::new()),
            closed: Condvar::new(),
            engine: OnceLock::new(),
            seq: AtomicU64::new(0),
            folded: Mutex::new(Folded::default()),
        }
    }

    pub(crate) fn lock_sockets(&self) -> MutexGuard<'_, HashMap<u64, Registered>> {
        lock(&self.sockets)
    }

    /// Adds a socket (the caller checked the context is not terminated,
    /// under this lock).
    pub(crate) fn insert(sockets: &mut HashMap<u64, Registered>, s: &Arc<SharedSocket>) {
        sockets.insert(
            s.id(),
            Registered {
                shared: s.clone(),
                endpoints: Vec::new(),
            },
        );
    }

    /// Forgets a closed socket, keeping the events it had not reported.
    pub(crate) fn remove(&self, id: u64) {
        let gone = self.lock_sockets().remove(&id);
        if let Some(r) = gone {
            let mut f = lock(&self.folded);
            self.fold_events(&mut f, id, &r.shared);
            f.latency.remove(&id);
        }
        self.closed.notify_all();
    }

    /// Notes an endpoint the socket bound (`kind` "bind") or connected to
    /// ("connect").
    pub(crate) fn add_endpoint(&self, id: u64, endpoint: &str, kind: &str) {
        if let Some(r) = self.lock_sockets().get_mut(&id) {
            r.endpoints.push(EndpointSnapshot {
                endpoint: endpoint.to_string(),
                kind: kind.to_string(),
            });
        }
    }

    /// Forgets an endpoint after unbind/disconnect.
    pub(crate) fn remove_endpoint(&self, id: u64, endpoint: &str, kind: &str) {
        if let Some(r) = self.lock_sockets().get_mut(&id) {
            if let Some(i) = r
                .endpoints
                .iter()
                .position(|e| e.endpoint == endpoint && e.kind == kind)
            {
                r.endpoints.remove(i);
            }
        }
    }

    /// Called once the engine runs, so snapshots include its threads.
    pub(crate) fn set_engine(&self, counters: EngineCounters) {
        let _ = self.engine.set(counters);
    }

    /// Milliseconds since the context was created.
    pub(crate) fn elapsed_ms(&self) -> u64 {
        monotonic_ns().saturating_sub(self.epoch_ns) / 1_000_000
    }

    /// Counts one snapshot streamed; returns its `seq`.
    #[cfg_attr(not(feature = "inspector"), allow(dead_code))] // the server's
    pub(crate) fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Folds what the sockets recorded since the last call (latency
    /// samples, events) into this registry, without building a snapshot.
    /// The inspector calls it more often than it snapshots, so that the
    /// latency rings rarely overflow.
    #[cfg_attr(not(feature = "inspector"), allow(dead_code))] // the server's
    pub(crate) fn collect(&self) {
        let socks = self.socket_list();
        let mut f = lock(&self.folded);
        self.fold(&mut f, &socks);
    }

    fn socket_list(&self) -> Vec<(u64, Arc<SharedSocket>, Vec<EndpointSnapshot>)> {
        let mut v: Vec<_> = self
            .lock_sockets()
            .iter()
            .map(|(id, r)| (*id, r.shared.clone(), r.endpoints.clone()))
            .collect();
        v.sort_by_key(|(id, _, _)| *id);
        v
    }

    fn fold(&self, f: &mut Folded, socks: &[(u64, Arc<SharedSocket>, Vec<EndpointSnapshot>)]) {
        for (id, s, _) in socks {
            self.fold_events(f, *id, s);
            let lat = f.latency.entry(*id).or_default();
            lat.send.fold(s.send_latency());
            lat.recv.fold(s.recv_latency());
        }
        f.latency
            .retain(|id, _| socks.binary_search_by_key(id, |(i, _, _)| *i).is_ok());
    }

    fn fold_events(&self, f: &mut Folded, id: u64, s: &SharedSocket) {
        let (events, dropped) = s.take_events();
        let push = |f: &mut Folded, e: EventRecord| {
            if f.events.len() >= EVENT_HISTORY {
                f.events.pop_front();
            }
            f.events.push_back(e);
            f.events_total += 1;
        };
        if dropped > 0 {
            push(
                f,
                EventRecord {
                    time_ms: self.elapsed_ms(),
                    socket_id: id,
                    kind: "events_dropped".into(),
                    endpoint: String::new(),
                    detail: format!("{dropped} events not read in time"),
                },
            );
        }
        for e in events {
            push(
                f,
                EventRecord {
                    time_ms: e.at_ns.saturating_sub(self.epoch_ns) / 1_000_000,
                    socket_id: id,
                    kind: e.kind.as_str().into(),
                    endpoint: e.endpoint,
                    detail: e.detail,
                },
            );
        }
    }

    /// Builds a snapshot of every socket and the I/O threads.
    ///
    /// Events are numbered from 0 in the order recorded. With `since:
    /// Some(n)` the snapshot carries those numbered `n` and above (a
    /// stream's snapshots, each with what is new), with `None` the latest
    /// ones kept (up to 512: a one-off snapshot). Also returns the number
    /// the next event will get: the snapshot's events are those just below.
    ///
    /// `seq` is the stream's count (see [`next_seq`](Self::next_seq)); a
    /// one-off snapshot repeats the last one's.
    pub(crate) fn snapshot(&self, seq: Option<u64>, since: Option<u64>) -> (Snapshot, u64) {
        let socks = self.socket_list();
        let mut f = lock(&self.folded);
        self.fold(&mut f, &socks);
        let sockets = socks
            .into_iter()
            .map(|(id, s, endpoints)| {
                let lat = f.latency.get(&id);
                socket_snapshot(id, &s, endpoints, lat)
            })
            .collect();
        let end = f.events_total;
        let skip = match since {
            Some(n) => {
                let new = usize::try_from(end.saturating_sub(n)).unwrap_or(usize::MAX);
                f.events.len().saturating_sub(new)
            }
            None => 0,
        };
        let events = f.events.iter().skip(skip).cloned().collect();
        drop(f);
        let snap = Snapshot {
            seq: seq.unwrap_or_else(|| self.seq.load(Ordering::Relaxed)),
            time_ms: self.elapsed_ms(),
            sockets,
            io_threads: self
                .engine
                .get()
                .map(EngineCounters::snapshot)
                .unwrap_or_default(),
            events,
        };
        (snap, end)
    }
}

fn socket_snapshot(
    id: u64,
    s: &SharedSocket,
    endpoints: Vec<EndpointSnapshot>,
    lat: Option<&SocketLatency>,
) -> SocketSnapshot {
    let core = s.lock();
    let pipes = core
        .pipes()
        .map(|p| PipeSnapshot {
            id: pipe_id(id, p.id()),
            peer_type: p.peer().socket_type.name().to_string(),
            peer_identity: printable(p.routing_id()),
            peer_addr: s.peer_addr(p.id()).unwrap_or_default(),
            out_queued: p.out_len() as u64,
            sndhwm: p.sndhwm() as u64,
            in_queued: p.in_len() as u64,
            rcvhwm: p.rcvhwm() as u64,
            muted: p.is_muted(),
            msgs_out: p.stats().msgs_out,
            bytes_out: p.stats().bytes_out,
            msgs_in: p.stats().msgs_in,
            bytes_in: p.stats().bytes_in,
            drops_hwm: p.stats().drops_hwm,
        })
        .collect();
    let snap = SocketSnapshot {
        id,
        socket_type: core.socket_type().name().to_string(),
        endpoints,
        stats: *core.stats(),
        pipes,
        send_latency: None,
        recv_latency: None,
    };
    drop(core);
    SocketSnapshot {
        send_latency: lat.and_then(|l| l.send.snapshot()),
        recv_latency: lat.and_then(|l| l.recv.snapshot()),
        ..snap
    }
}

/// `"<socket>.<index>.<generation>"`: unique in the process while the pipe
/// lives. (`PipeId` shows its parts only through `Debug`.)
fn pipe_id(socket: u64, p: PipeId) -> String {
    let dbg = format!("{p:?}");
    let nums: Vec<&str> = dbg
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    format!("{socket}.{}", nums.join("."))
}

/// An identity as text if it is printable ASCII, else `0x` + hex.
fn printable(id: &[u8]) -> String {
    if id.iter().all(|b| (0x20..0x7f).contains(b)) {
        String::from_utf8_lossy(id).into_owned()
    } else {
        let mut s = String::with_capacity(2 + 2 * id.len());
        s.push_str("0x");
        for b in id {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_print_as_text_or_hex() {
        assert_eq!(printable(b""), "");
        assert_eq!(printable(b"client-7"), "client-7");
        assert_eq!(printable(&[0, 0, 0, 0, 1]), "0x0000000001");
        assert_eq!(printable(b"caf\xc3\xa9"), "0x636166c3a9");
    }

    #[test]
    fn latency_percentiles_ascend_and_end_at_100() {
        let samples = LatencySamples::default();
        let mut p = Path::default();
        for ns in 1..=10_000u64 {
            samples.push(ns * 100);
            if ns % 1000 == 0 {
                p.fold(&samples); // before the ring wraps
            }
        }
        let l = p.snapshot().expect("samples were recorded");
        assert_eq!(l.count, 10_000);
        assert!((l.max_us - 1000.0).abs() < 10.0, "{}", l.max_us);
        assert!(l.percentiles.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(l.percentiles.last().map(|p| p.0), Some(100.0));
        let median = l.percentiles.iter().find(|p| p.0 >= 50.0).unwrap().1;
        assert!((490.0..=510.0).contains(&median), "{median}");
        assert!(Path::default().snapshot().is_none());
    }

    #[test]
    fn a_histogram_is_small() {
        let h = Histogram::<u64>::new_with_bounds(1, HIST_MAX_NS, HIST_SIGFIG).unwrap();
        assert!(
            h.distinct_values() * 8 <= 40 * 1024,
            "{}",
            h.distinct_values()
        );
    }
}
