//! The app's state and the one reducer that changes it.
//!
//! Everything derived from the stream — message rates, the event log, gaps
//! in the sequence — is computed here, once per snapshot, so components only
//! draw. Rates come from the difference between two successive snapshots'
//! cumulative counters divided by the time between them.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use ringmq_core::snapshot::{EventRecord, Snapshot, SocketCounters};
use yew::prelude::*;

use crate::perf::PerfRecord;

/// Points kept per sparkline: a minute at two snapshots a second.
pub const SERIES_LEN: usize = 120;
/// Events kept in the log.
pub const EVENT_LOG_LEN: usize = 500;

/// The WebSocket's state, as the status banner shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ConnStatus {
    /// A connection attempt is in flight.
    #[default]
    Connecting,
    /// Open; snapshots flow.
    Connected,
    /// Closed or refused; the next attempt is scheduled.
    Disconnected { attempt: u32, retry_in_ms: u32 },
    /// No server: built-in sample data (`?demo=1`).
    Demo,
}

/// Which page is shown (from the URL's fragment).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    Live,
    Perf,
}

impl Page {
    pub fn from_hash(hash: &str) -> Page {
        if hash
            .trim_start_matches('#')
            .trim_start_matches('/')
            .starts_with("perf")
        {
            Page::Perf
        } else {
            Page::Live
        }
    }
}

/// The perf history, fetched once when its page is first shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PerfHistory {
    #[default]
    NotLoaded,
    Loading,
    Loaded(Rc<Vec<PerfRecord>>),
    Failed(String),
}

/// A bounded series of per-second rates, oldest first.
pub type Series = VecDeque<f64>;

/// Rates derived for one socket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SocketRates {
    /// Messages the application sent, per second.
    pub sent: Series,
    /// Messages the application received, per second.
    pub received: Series,
    /// Bytes towards all peers, per second (sum over the pipes seen twice).
    pub bytes_out: Series,
    /// Bytes from all peers, per second.
    pub bytes_in: Series,
    /// Drops of every cause, per second.
    pub drops: Series,
}

/// The latest rates of one pipe.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PipeRate {
    pub msgs_out: f64,
    pub msgs_in: f64,
    pub bytes_out: f64,
    pub bytes_in: f64,
}

/// Rates derived for one I/O thread.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ThreadRates {
    /// io_uring_enter calls per second.
    pub submits: Series,
    /// SQEs per submit over the last interval.
    pub sqes_per_submit: Option<f64>,
    /// CQEs per loop turn over the last interval.
    pub cqes_per_turn: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    pub status: ConnStatus,
    /// Where the WebSocket connects (shown in the banner's tooltip).
    pub endpoint: String,
    /// The latest snapshot.
    pub snapshot: Option<Rc<Snapshot>>,
    pub socket_rates: BTreeMap<u64, SocketRates>,
    /// Keyed by (socket id, pipe id).
    pub pipe_rates: BTreeMap<(u64, String), PipeRate>,
    pub thread_rates: BTreeMap<u32, ThreadRates>,
    /// Oldest first, at most `EVENT_LOG_LEN`.
    pub events: Rc<VecDeque<EventRecord>>,
    /// Snapshots received since the page loaded.
    pub received: u64,
    /// Snapshots the sequence numbers say we missed.
    pub missed: u64,
    pub perf: PerfHistory,
    pub page: Page,
}

/// Everything that can happen to the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A connection attempt to this URL starts.
    Connecting(String),
    Connected,
    Disconnected {
        attempt: u32,
        retry_in_ms: u32,
    },
    /// Sample data instead of a server.
    Demo,
    /// The server sent a snapshot.
    Snapshot(Box<Snapshot>),
    PerfLoading,
    PerfLoaded(Vec<PerfRecord>),
    PerfFailed(String),
    Navigate(Page),
}

/// What components get from the context.
pub type AppContext = UseReducerHandle<State>;

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Connecting(url) => {
                s.status = ConnStatus::Connecting;
                s.endpoint = url;
            }
            Action::Connected => s.status = ConnStatus::Connected,
            Action::Disconnected {
                attempt,
                retry_in_ms,
            } => {
                s.status = ConnStatus::Disconnected {
                    attempt,
                    retry_in_ms,
                }
            }
            Action::Demo => s.status = ConnStatus::Demo,
            Action::Snapshot(snap) => s.apply_snapshot(*snap),
            Action::PerfLoading => s.perf = PerfHistory::Loading,
            Action::PerfLoaded(r) => s.perf = PerfHistory::Loaded(Rc::new(r)),
            Action::PerfFailed(e) => s.perf = PerfHistory::Failed(e),
            Action::Navigate(p) => s.page = p,
        }
        Rc::new(s)
    }
}

fn push(series: &mut Series, v: f64) {
    if series.len() == SERIES_LEN {
        series.pop_front();
    }
    series.push_back(v);
}

fn per_sec(cur: u64, prev: u64, dt: f64) -> f64 {
    cur.saturating_sub(prev) as f64 / dt
}

fn all_drops(c: &SocketCounters) -> u64 {
    c.drops_hwm + c.drops_unroutable + c.drops_no_subscriber + c.drops_discarded
}

impl State {
    fn apply_snapshot(&mut self, snap: Snapshot) {
        self.received += 1;
        match self.snapshot.clone() {
            // A sequence or clock that goes back: the server restarted, and
            // the old counters are no baseline for the new ones.
            Some(prev) if snap.seq <= prev.seq || snap.time_ms < prev.time_ms => {
                self.socket_rates.clear();
                self.pipe_rates.clear();
                self.thread_rates.clear();
            }
            Some(prev) => {
                self.missed += snap.seq - prev.seq - 1;
                let dt = (snap.time_ms - prev.time_ms) as f64 / 1000.0;
                if dt > 0.0 {
                    self.derive_rates(&prev, &snap, dt);
                }
            }
            None => {}
        }
        // Forget what belongs to sockets, pipes and threads that are gone.
        self.socket_rates
            .retain(|id, _| snap.sockets.iter().any(|s| s.id == *id));
        self.pipe_rates.retain(|(sid, pid), _| {
            snap.sockets
                .iter()
                .any(|s| s.id == *sid && s.pipes.iter().any(|p| &p.id == pid))
        });
        self.thread_rates
            .retain(|i, _| snap.io_threads.iter().any(|t| t.index == *i));

        if !snap.events.is_empty() {
            let events = Rc::make_mut(&mut self.events);
            events.extend(snap.events.iter().cloned());
            while events.len() > EVENT_LOG_LEN {
                events.pop_front();
            }
        }
        self.snapshot = Some(Rc::new(snap));
    }

    fn derive_rates(&mut self, prev: &Snapshot, snap: &Snapshot, dt: f64) {
        for sock in &snap.sockets {
            let Some(old) = prev.sockets.iter().find(|s| s.id == sock.id) else {
                continue;
            };
            let (mut bytes_out, mut bytes_in) = (0.0, 0.0);
            for pipe in &sock.pipes {
                let Some(op) = old.pipes.iter().find(|p| p.id == pipe.id) else {
                    continue;
                };
                let r = PipeRate {
                    msgs_out: per_sec(pipe.msgs_out, op.msgs_out, dt),
                    msgs_in: per_sec(pipe.msgs_in, op.msgs_in, dt),
                    bytes_out: per_sec(pipe.bytes_out, op.bytes_out, dt),
                    bytes_in: per_sec(pipe.bytes_in, op.bytes_in, dt),
                };
                bytes_out += r.bytes_out;
                bytes_in += r.bytes_in;
                self.pipe_rates.insert((sock.id, pipe.id.clone()), r);
            }
            let rates = self.socket_rates.entry(sock.id).or_default();
            push(
                &mut rates.sent,
                per_sec(sock.stats.msgs_sent, old.stats.msgs_sent, dt),
            );
            push(
                &mut rates.received,
                per_sec(sock.stats.msgs_received, old.stats.msgs_received, dt),
            );
            push(&mut rates.bytes_out, bytes_out);
            push(&mut rates.bytes_in, bytes_in);
            push(
                &mut rates.drops,
                per_sec(all_drops(&sock.stats), all_drops(&old.stats), dt),
            );
        }
        for t in &snap.io_threads {
            let Some(old) = prev.io_threads.iter().find(|o| o.index == t.index) else {
                continue;
            };
            let submits = t.submit_calls.saturating_sub(old.submit_calls);
            let turns = t.loop_turns.saturating_sub(old.loop_turns);
            let rates = self.thread_rates.entry(t.index).or_default();
            push(&mut rates.submits, submits as f64 / dt);
            rates.sqes_per_submit = (submits > 0).then(|| {
                t.sqes_submitted.saturating_sub(old.sqes_submitted) as f64 / submits as f64
            });
            rates.cqes_per_turn = (turns > 0)
                .then(|| t.cqes_reaped.saturating_sub(old.cqes_reaped) as f64 / turns as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringmq_core::snapshot::{IoThreadSnapshot, PipeSnapshot, SocketSnapshot};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn snap(seq: u64, time_ms: u64, sent: u64, pipe_bytes: u64) -> Action {
        Action::Snapshot(Box::new(Snapshot {
            seq,
            time_ms,
            sockets: vec![SocketSnapshot {
                id: 9,
                socket_type: "PUSH".into(),
                stats: SocketCounters {
                    msgs_sent: sent,
                    drops_hwm: sent / 100,
                    ..Default::default()
                },
                pipes: vec![PipeSnapshot {
                    id: "9.a".into(),
                    msgs_out: sent,
                    bytes_out: pipe_bytes,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            io_threads: vec![IoThreadSnapshot {
                submit_calls: seq * 10,
                sqes_submitted: seq * 35,
                loop_turns: seq * 10,
                cqes_reaped: seq * 20,
                ..Default::default()
            }],
            events: vec![EventRecord {
                time_ms,
                kind: "connected".into(),
                ..Default::default()
            }],
        }))
    }

    fn reduce(actions: Vec<Action>) -> Rc<State> {
        actions
            .into_iter()
            .fold(Rc::new(State::default()), |s, a| s.reduce(a))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rates_come_from_successive_snapshots() {
        let s = reduce(vec![
            snap(1, 1000, 1000, 64_000),
            snap(2, 1500, 1500, 96_000),
            snap(3, 2500, 3500, 224_000),
        ]);
        let r = &s.socket_rates[&9];
        // 500 msgs in 0.5 s, then 2000 in 1 s.
        assert_eq!(r.sent, [1000.0, 2000.0]);
        assert_eq!(r.bytes_out, [64_000.0, 128_000.0]);
        assert_eq!(r.drops, [10.0, 20.0]);
        assert_eq!(s.pipe_rates[&(9, "9.a".to_string())].msgs_out, 2000.0);
        let t = &s.thread_rates[&0];
        assert_eq!(t.submits, [20.0, 10.0]);
        assert_eq!(t.sqes_per_submit, Some(3.5));
        assert_eq!(t.cqes_per_turn, Some(2.0));
        assert_eq!(s.events.len(), 3);
        assert_eq!(s.missed, 0);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_gap_is_counted_and_a_restart_resets_the_rates() {
        let s = reduce(vec![snap(1, 1000, 1000, 0), snap(4, 2000, 2000, 0)]);
        assert_eq!(s.missed, 2);
        assert_eq!(s.socket_rates[&9].sent.len(), 1);
        // The server restarted: seq and counters start again.
        let s = s.reduce(snap(1, 100, 10, 0));
        assert!(s.socket_rates.is_empty());
        let s = s.reduce(snap(2, 1100, 110, 0));
        assert_eq!(s.socket_rates[&9].sent, [100.0]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn series_and_log_are_bounded() {
        let actions = (1..=(SERIES_LEN as u64 + 700))
            .map(|i| snap(i, i * 500, i * 10, 0))
            .collect();
        let s = reduce(actions);
        assert_eq!(s.socket_rates[&9].sent.len(), SERIES_LEN);
        assert_eq!(s.events.len(), EVENT_LOG_LEN);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn connection_states() {
        let s = reduce(vec![
            Action::Connecting("ws://x/ws".into()),
            Action::Disconnected {
                attempt: 2,
                retry_in_ms: 500,
            },
        ]);
        assert_eq!(
            s.status,
            ConnStatus::Disconnected {
                attempt: 2,
                retry_in_ms: 500
            }
        );
        assert_eq!(s.endpoint, "ws://x/ws");
        assert_eq!(s.reduce(Action::Connected).status, ConnStatus::Connected);
        assert_eq!(Page::from_hash("#/perf"), Page::Perf);
        assert_eq!(Page::from_hash(""), Page::Live);
    }
}
