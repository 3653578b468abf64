//! `perf/history.jsonl` and the bench's output files: reading them, grouping
//! their lines into runs, and picking a run by commit.

use crate::record::{impl_rank, Record, Scenario};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Records read from a file, and what was skipped with why.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    pub warnings: Vec<String>,
}

/// Reads JSON objects: one a line (the history, `--jsonl`), or a stream of
/// (pretty-printed) objects or arrays of objects (the bench's default output).
/// Unknown fields are kept; a line that is not JSON is skipped with a warning
/// (a merge conflict in the history costs those lines, not the whole file).
pub fn parse_records(text: &str) -> Parsed {
    let mut out = Parsed::default();
    // The whole text as a stream of values first: JSONL is such a stream too.
    let mut stream = Vec::new();
    let mut stream_ok = true;
    for v in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        match v {
            Ok(v) => stream.push(v),
            Err(_) => {
                stream_ok = false;
                break;
            }
        }
    }
    if stream_ok {
        for v in stream {
            push_value(&mut out, v, None);
        }
        return out;
    }
    // Not a clean stream: line by line, skipping what does not parse.
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) => push_value(&mut out, v, Some(i + 1)),
            Err(e) => out
                .warnings
                .push(format!("line {}: not JSON ({e}), skipped", i + 1)),
        }
    }
    out
}

fn push_value(out: &mut Parsed, v: Value, line: Option<usize>) {
    let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
    match v {
        Value::Array(items) => {
            for item in items {
                push_value(out, item, line);
            }
        }
        Value::Object(_) => {
            let r = match Record::from_value(v) {
                Some(r) => r,
                None => {
                    out.warnings.push(format!("{at}not a record, skipped"));
                    return;
                }
            };
            match r.schema {
                Some(s) if s > 1 => out.warnings.push(format!(
                    "{at}schema {s} is newer than this tool (1); reading the fields it knows"
                )),
                _ => {}
            }
            if r.imp.is_none() {
                out.warnings.push(format!("{at}no \"impl\" field, skipped"));
                return;
            }
            out.records.push(r);
        }
        other => out
            .warnings
            .push(format!("{at}not an object ({other}), skipped")),
    }
}

pub fn load(path: &Path) -> Result<Parsed, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(parse_records(&text))
}

/// Loads, printing the warnings to stderr.
pub fn load_runs(path: &Path) -> Result<Vec<Run>, String> {
    let parsed = load(path)?;
    for w in &parsed.warnings {
        eprintln!("warning: {}: {w}", path.display());
    }
    Ok(group_runs(parsed.records))
}

/// The lines one invocation of the bench (and `scripts/perf`) produced.
#[derive(Clone, Debug)]
pub struct Run {
    /// The `run` field of its lines, or "" for lines without one.
    pub id: String,
    pub records: Vec<Record>,
}

/// Groups records into runs: lines with the same `run` field belong together
/// wherever they are; consecutive lines without one belong together while
/// commit and dirty flag stay the same (a bench file is one run).
pub fn group_runs(records: Vec<Record>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for r in records {
        match r.run_id().map(str::to_string) {
            Some(id) => match runs.iter_mut().find(|run| run.id == id) {
                Some(run) => run.records.push(r),
                None => runs.push(Run {
                    id,
                    records: vec![r],
                }),
            },
            None => {
                let joins = runs.last().is_some_and(|last| {
                    last.id.is_empty() && last.commit() == r.commit() && last.dirty() == r.dirty()
                });
                if joins {
                    runs.last_mut().expect("checked").records.push(r);
                } else {
                    runs.push(Run {
                        id: String::new(),
                        records: vec![r],
                    });
                }
            }
        }
    }
    runs
}

impl Run {
    fn first(&self) -> Option<&Record> {
        self.records.first()
    }

    pub fn commit(&self) -> &str {
        self.first().map_or("unknown", Record::commit)
    }

    pub fn dirty(&self) -> bool {
        self.records.iter().any(Record::dirty)
    }

    /// The engine setup ringmq ran with in this run: its backend (records
    /// from before the epoll backend existed, which say nothing or
    /// `io_uring`, ran on io_uring), the inline mode if it ran in it, and
    /// its spin budget if it had one, as in `epoll, inline, spinning 50 µs`
    /// (`adaptive spin`: the default since 2026-12-06). Runs of different
    /// setups are never each other's baseline.
    pub fn backend(&self) -> String {
        let ringmq = || self.records.iter().filter(|r| r.impl_name() == "ringmq");
        let mut setup = ringmq()
            .find_map(Record::engine)
            .unwrap_or("io_uring")
            .to_string();
        if ringmq().find_map(Record::engine_mode) == Some("inline") {
            setup.push_str(", inline");
        }
        match ringmq().find_map(Record::spin_us) {
            Some(-1) => setup.push_str(", adaptive spin"),
            Some(us) if us > 0 => setup.push_str(&format!(", spinning {us} µs")),
            _ => {}
        }
        setup
    }

    pub fn date(&self) -> &str {
        self.first().map_or("", Record::date)
    }

    pub fn machine(&self) -> Option<String> {
        self.records.iter().find_map(Record::machine)
    }

    /// `1a2b3c4` or `1a2b3c4+dirty`.
    pub fn label(&self) -> String {
        let c = self.commit();
        let short = &c[..c.len().min(7)];
        if self.dirty() {
            format!("{short}+dirty")
        } else {
            short.to_string()
        }
    }

    /// Label, date and run id, for headers.
    pub fn describe(&self) -> String {
        let mut s = self.label();
        if !self.date().is_empty() {
            s.push_str(&format!(" ({})", self.date()));
        }
        s
    }

    /// The record of one implementation in one scenario. If the run has it
    /// twice, the later line wins.
    pub fn find(&self, impl_name: &str, scenario: &Scenario) -> Option<&Record> {
        self.records
            .iter()
            .rev()
            .find(|r| r.impl_name() == impl_name && &r.scenario() == scenario)
    }

    /// The scenarios of the run, sorted.
    pub fn scenarios(&self) -> Vec<Scenario> {
        let mut s: Vec<Scenario> = self.records.iter().map(Record::scenario).collect();
        s.sort();
        s.dedup();
        s
    }

    /// The implementations of the run, ringmq first.
    pub fn impls(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .records
            .iter()
            .map(|r| r.impl_name().to_string())
            .collect();
        v.sort_by_key(|n| impl_rank(n));
        v.dedup();
        v
    }

    /// The lowest and highest of `metric` taken run by run (`each_run`):
    /// run i of ringmq over run i of the peer, which ran next to it in time.
    /// `None` without per-run figures.
    pub fn ratio_spread(
        &self,
        impl_name: &str,
        scenario: &Scenario,
        metric: &str,
    ) -> Option<(f64, f64)> {
        let (what, peer) = metric.split_once("_vs_")?;
        let runs_of = |name: &str| self.find(name, scenario)?.each_run.as_ref();
        let (a, b) = (runs_of(impl_name)?, runs_of(peer)?);
        let ratios: Vec<f64> = a
            .iter()
            .zip(b)
            .filter_map(|(x, y)| Some(x.figure(what)? / y.figure(what)?))
            .collect();
        let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (!ratios.is_empty()).then_some((lo, hi))
    }

    /// `metric` of `impl_name` in `scenario` — e.g. `thr_vs_libzmq`: the
    /// ratio the bench wrote, or else one computed from the two records of
    /// this run (msg/s over msg/s, or percentile over percentile).
    pub fn ratio(&self, impl_name: &str, scenario: &Scenario, metric: &str) -> Option<f64> {
        let r = self.find(impl_name, scenario)?;
        if let Some(v) = r.ratio(metric) {
            return Some(v);
        }
        let (what, peer) = metric.split_once("_vs_")?;
        let p = self.find(peer, scenario)?;
        let (a, b) = match what {
            "thr" => (r.msgs_per_sec()?, p.msgs_per_sec()?),
            "instr" => (r.instr_per_msg()?, p.instr_per_msg()?),
            lat => (r.lat(lat)?, p.lat(lat)?),
        };
        (b > 0.0).then(|| a / b)
    }
}

/// Which run a `--baseline`/`--current`/`--commit` argument names.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick {
    /// The last run.
    Latest,
    /// The last run before the current one whose commit or dirty flag
    /// differs from it.
    Previous,
    /// A commit: a hash prefix (4+ hex digits), `+dirty` to ask for a run
    /// with uncommitted changes, or anything `git rev-parse` knows (HEAD, a
    /// branch, a tag).
    Commit(String),
}

impl Pick {
    pub fn parse(s: &str) -> Pick {
        match s {
            "latest" | "last" => Pick::Latest,
            "previous" | "prev" => Pick::Previous,
            other => Pick::Commit(other.to_string()),
        }
    }
}

/// The last run whose commit matches `spec` — a clean one if there is any,
/// unless `spec` ends in `+dirty`.
pub fn find_commit<'a>(runs: &'a [Run], spec: &str) -> Option<&'a Run> {
    let (want, dirty) = match spec.strip_suffix("+dirty") {
        Some(c) => (c, true),
        None => (spec, false),
    };
    let lookup = |hash: &str| -> Option<&'a Run> {
        let hash = hash.to_ascii_lowercase();
        let matching: Vec<&Run> = runs
            .iter()
            .filter(|r| {
                let c = r.commit().to_ascii_lowercase();
                c == hash || (hash.len() >= 4 && c.starts_with(&hash))
            })
            .collect();
        matching
            .iter()
            .rev()
            .find(|r| r.dirty() == dirty)
            .or(if dirty { None } else { matching.last() })
            .copied()
    };
    if let Some(r) = lookup(want) {
        return Some(r);
    }
    // HEAD, HEAD~1, a branch or tag name: ask git for the hash.
    let out = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{want}^{{commit}}"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
    lookup(&hash)
}

/// The run before `current` in `runs` (or the last of `runs` if `current`
/// is not among them) whose commit or dirty flag differs from it.
pub fn previous_of<'a>(runs: &'a [Run], current: &Run) -> Option<&'a Run> {
    let end = if current.id.is_empty() {
        None
    } else {
        runs.iter().position(|r| r.id == current.id)
    };
    let before = &runs[..end.unwrap_or(runs.len())];
    before.iter().rev().find(|r| {
        (r.commit() != current.commit() || r.dirty() != current.dirty())
            && r.backend() == current.backend()
    })
}

/// Resolves one argument: a file of bench output (its last run) or a pick in
/// the history.
pub fn resolve(arg: &str, history: Option<&[Run]>, current: Option<&Run>) -> Result<Run, String> {
    let path = Path::new(arg);
    if path.is_file() {
        let runs = load_runs(path)?;
        return runs
            .into_iter()
            .last()
            .ok_or_else(|| format!("{arg}: no records"));
    }
    let runs =
        history.ok_or_else(|| format!("{arg}: no such file, and no --history to look it up in"))?;
    // A run id (scripts/perf names its run by its start time).
    if let Some(r) = runs.iter().rev().find(|r| !r.id.is_empty() && r.id == arg) {
        return Ok(r.clone());
    }
    let found = match Pick::parse(arg) {
        Pick::Latest => runs.last(),
        Pick::Previous => match current {
            Some(c) => previous_of(runs, c),
            None => runs.len().checked_sub(2).map(|i| &runs[i]),
        },
        Pick::Commit(c) => {
            // A baseline by commit is another run than the current one (a
            // re-run of the same commit compares with its earlier run).
            let others: Vec<Run> = runs
                .iter()
                .filter(|r| {
                    current.is_none_or(|cur| {
                        (cur.id.is_empty() || r.id != cur.id) && r.backend() == cur.backend()
                    })
                })
                .cloned()
                .collect();
            return find_commit(&others, &c)
                .cloned()
                .ok_or_else(|| format!("no run of commit {c} in the history"));
        }
    };
    found.cloned().ok_or_else(|| match Pick::parse(arg) {
        Pick::Previous => "no earlier run of another commit in the history".to_string(),
        Pick::Latest => "the history is empty".to_string(),
        Pick::Commit(c) => format!("no run of commit {c} in the history"),
    })
}
