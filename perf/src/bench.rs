//! The scenario runner behind `ringmq-bench`: every scenario on every chosen
//! implementation, N runs each (the implementations interleaved run by run,
//! so that drift on the machine touches them alike), medians and ratios.

use crate::env::Env;
use crate::peer::{Flavor, Libzmq, Peer, RawTcp, Res, Ringmq, Transport, ZmqRs, IO_TIMEOUT};
use crate::report::{set_ratios, ImplInfo, Row, RunFigures};
use crate::run::{self, Outcome, PUBSUB_HWM};
use crate::scenario::{Matrix, Scenario};
use serde_json::{json, Value};

/// An implementation to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    Ringmq,
    Libzmq,
    ZmqRs,
    RawTcp,
}

impl Impl {
    pub const ALL: [Impl; 4] = [Impl::Ringmq, Impl::Libzmq, Impl::ZmqRs, Impl::RawTcp];

    pub fn name(self) -> &'static str {
        match self {
            Impl::Ringmq => "ringmq",
            Impl::Libzmq => "libzmq",
            Impl::ZmqRs => "zmqrs",
            Impl::RawTcp => "rawtcp",
        }
    }

    /// `ringmq`, `libzmq`, `zmqrs` (or `zmq.rs`), `rawtcp` (or `raw`), `all`.
    pub fn parse_list(s: &str) -> Result<Vec<Impl>, String> {
        let mut out = Vec::new();
        for part in s.split(',') {
            let more: &[Impl] = match part.trim() {
                "all" => &Impl::ALL,
                "ringmq" => &[Impl::Ringmq],
                "libzmq" => &[Impl::Libzmq],
                "zmqrs" | "zmq.rs" => &[Impl::ZmqRs],
                "rawtcp" | "raw" => &[Impl::RawTcp],
                other => return Err(format!("unknown implementation {other:?}")),
            };
            for i in more {
                if !out.contains(i) {
                    out.push(*i);
                }
            }
        }
        Ok(out)
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Where the scenarios came from (recorded in the JSON).
    pub matrix: Matrix,
    pub scenarios: Vec<Scenario>,
    pub impls: Vec<Impl>,
    pub runs: usize,
    /// Overrides every scenario's message count.
    pub count: Option<u64>,
    /// I/O threads per context of ringmq and libzmq.
    pub io_threads: i32,
    pub zmqrs_flavor: Flavor,
}

impl BenchOptions {
    /// The `options` object of the JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "matrix": self.matrix.name(),
            "runs": self.runs,
            "count": self.count,
            "impls": self.impls.iter().map(|i| i.name()).collect::<Vec<_>>(),
            "io_threads": self.io_threads,
            "zmqrs_runtime": self.zmqrs_flavor.name(),
            "pubsub_hwm": PUBSUB_HWM,
            "io_timeout_s": IO_TIMEOUT.as_secs(),
            "build": if cfg!(debug_assertions) { "debug" } else { "release" },
            "process": "one process; each side a thread with its own context",
        })
    }

    fn with(&self, f: impl FnOnce(&dyn Dispatch)) {
        let peers = Peers {
            ringmq: Ringmq {
                io_threads: self.io_threads,
            },
            libzmq: Libzmq {
                io_threads: self.io_threads,
            },
            zmqrs: ZmqRs {
                flavor: self.zmqrs_flavor,
            },
        };
        f(&peers)
    }
}

/// The peers, reachable by [`Impl`] without generics at the call site.
struct Peers {
    ringmq: Ringmq,
    libzmq: Libzmq,
    zmqrs: ZmqRs,
}

trait Dispatch {
    fn info(&self, i: Impl) -> ImplInfo;
    fn supports(&self, i: Impl, t: Transport) -> bool;
    fn run(&self, i: Impl, sc: &Scenario, seq: u64) -> Res<Outcome>;
}

fn info_of<P: Peer>(p: &P) -> ImplInfo {
    ImplInfo {
        name: p.name().to_string(),
        version: p.version(),
        notes: p.notes(),
    }
}

impl Dispatch for Peers {
    fn info(&self, i: Impl) -> ImplInfo {
        match i {
            Impl::Ringmq => info_of(&self.ringmq),
            Impl::Libzmq => info_of(&self.libzmq),
            Impl::ZmqRs => info_of(&self.zmqrs),
            Impl::RawTcp => info_of(&RawTcp),
        }
    }

    fn supports(&self, i: Impl, t: Transport) -> bool {
        match i {
            Impl::Ringmq => self.ringmq.supports(t),
            Impl::Libzmq => self.libzmq.supports(t),
            Impl::ZmqRs => self.zmqrs.supports(t),
            Impl::RawTcp => RawTcp.supports(t),
        }
    }

    fn run(&self, i: Impl, sc: &Scenario, seq: u64) -> Res<Outcome> {
        match i {
            Impl::Ringmq => run::run(&self.ringmq, sc, seq),
            Impl::Libzmq => run::run(&self.libzmq, sc, seq),
            Impl::ZmqRs => run::run(&self.zmqrs, sc, seq),
            Impl::RawTcp => run::run(&RawTcp, sc, seq),
        }
    }
}

/// Runs everything and returns one row per scenario × implementation that
/// supports its transport. `progress` gets a line before each run.
pub fn bench(opts: &BenchOptions, env: &Env, progress: &mut dyn FnMut(&str)) -> Vec<Row> {
    let options = opts.to_json();
    let mut rows = Vec::new();
    let mut seq = 0;
    opts.with(|peers| {
        let scenarios: Vec<Scenario> = opts
            .scenarios
            .iter()
            .map(|s| Scenario {
                count: opts.count.unwrap_or(s.count).max(2),
                ..*s
            })
            .collect();
        let total: usize = scenarios
            .iter()
            .map(|s| {
                opts.impls
                    .iter()
                    .filter(|i| peers.supports(**i, s.transport))
                    .count()
            })
            .sum::<usize>()
            * opts.runs;
        let mut done = 0;
        for sc in &scenarios {
            let impls: Vec<Impl> = opts
                .impls
                .iter()
                .copied()
                .filter(|i| peers.supports(*i, sc.transport))
                .collect();
            let mut figures: Vec<Vec<RunFigures>> = vec![Vec::new(); impls.len()];
            let mut errors: Vec<Option<String>> = vec![None; impls.len()];
            for run in 0..opts.runs {
                // Rotate the order so no implementation always goes first.
                for k in 0..impls.len() {
                    let j = (k + run) % impls.len();
                    let imp = impls[j];
                    done += 1;
                    seq += 1;
                    let mut line = format!(
                        "[{done}/{total}] {sc} {} run {}/{}",
                        imp.name(),
                        run + 1,
                        opts.runs
                    );
                    if errors[j].is_some() {
                        line.push_str(": skipped after an error");
                        progress(&line);
                        continue;
                    }
                    progress(&line);
                    match peers.run(imp, sc, seq) {
                        Ok(o) => figures[j].push(RunFigures::new(&o, sc.size)),
                        Err(e) => errors[j] = Some(e),
                    }
                }
            }
            let mut scenario_rows: Vec<Row> = impls
                .iter()
                .zip(figures.into_iter().zip(errors))
                .map(|(imp, (runs, err))| {
                    // A run that failed makes the figures of the others
                    // suspect: report the error and no figures.
                    let runs = if err.is_some() { Vec::new() } else { runs };
                    Row::new(env, &options, sc, &peers.info(*imp), runs, err, opts.runs)
                })
                .collect();
            set_ratios(&mut scenario_rows);
            rows.extend(scenario_rows);
        }
    });
    rows
}
