//! The perf-history record: one scenario × implementation result as
//! `ringmq-bench` writes it (schema 1), with what `scripts/perf` adds to it
//! (the run id, callgrind's instruction counts). This is the one definition
//! of that JSON object: `ringmq-perf-report` reads and writes the history
//! with it, the inspector's perf-history page (inspector-web) reads it, and
//! ringmq-perf's tests check that the bench's output parses into it.
//!
//! Reading is lenient, field by field: a field that is absent, null or of
//! another type than expected reads as `None`, so old and new lines parse
//! alike. Fields this crate does not know are kept in [`Record::extra`] and
//! written back, after the known ones. Written back, a `None` field is left
//! out (a null the bench wrote does not survive a trip through `record`).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Serde helpers: `None` for a value of the wrong type instead of an error.
mod lenient {
    use super::*;

    pub fn any<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(serde_json::from_value(v).ok())
    }

    /// A finite number.
    pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(Value::deserialize(d)?.as_f64().filter(|x| x.is_finite()))
    }

    /// A count: a non-negative integer, or a float rounded down.
    pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(v.as_u64().or_else(|| {
            v.as_f64()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(|x| x as u64)
        }))
    }

    /// `dirty` as the bench writes it (a bool); "true"/"false" strings and
    /// numbers too.
    pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Bool(b) => Some(b),
            Value::String(s) => Some(s == "true" || s == "1" || s == "yes"),
            Value::Number(n) => n.as_f64().map(|x| x != 0.0),
            _ => None,
        })
    }
}

/// A bench object, or an instruction count (`kind: "instr"`), or both merged.
/// Field order is the bench's, then what `scripts/perf` adds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub schema: Option<u64>,
    /// The bench's scenario name, e.g. `tcp-pub-sub-64-2subs`.
    #[serde(
        rename = "scenario",
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub scenario_name: Option<String>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub commit: Option<String>,
    #[serde(
        deserialize_with = "lenient::bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub dirty: Option<bool>,
    /// RFC 3339 UTC; sorts chronologically as text.
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<String>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub machine: Option<Machine>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub rustc: Option<String>,
    /// `ringmq`, `libzmq`, `zmqrs`, `rawtcp`; `libzmq-tool` and
    /// `ringmq-tool` (libzmq's own perf tool `inproc_thr` and ringmq's port
    /// of it, measured by callgrind only).
    #[serde(
        rename = "impl",
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub imp: Option<String>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<String>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub impl_notes: Option<Value>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub pattern: Option<String>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub transport: Option<String>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<u64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<u64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub subscribers: Option<u64>,
    /// `thr`, `lat` or `rate`.
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub mode: Option<String>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub runs: Option<u64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msgs_per_sec: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub mb_per_sec: Option<f64>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub lat_us: Option<Latency>,
    /// Offered rate (msg/s) of a rate-limited scenario.
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<f64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub received: Option<u64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub lost: Option<u64>,
    /// `thr_vs_libzmq`, `p999_vs_zmqrs`, …: this implementation ÷ the named
    /// one, as the bench computed them (null where it could not).
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub ratios: Option<Map<String, Value>>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub each_run: Option<Vec<RunFigures>>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub options: Option<Value>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<String>,
    /// `"instr"` on a line `ringmq-perf-report callgrind` wrote.
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// Instructions per message (callgrind), send and receive.
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub instr_per_msg: Option<f64>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub instr_tool: Option<String>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub instr_count: Option<u64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub instr_total: Option<u64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub instr_base_count: Option<u64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub instr_base_total: Option<u64>,
    /// The command measured (with the larger count).
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub instr_command: Option<String>,
    /// The `scripts/perf` invocation that recorded this line.
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub run: Option<String>,
    /// Fields this crate does not know, kept in their order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The bench's `machine`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Machine {
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub cpu: Option<String>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub cores: Option<u64>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub kernel: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Machine {
    /// The machine this runs on (ringmq-bench reads it here too):
    /// `model name` of /proc/cpuinfo, the CPUs this
    /// process may run on, the kernel release. For lines that no bench run
    /// came with (`scripts/perf --callgrind-only`).
    pub fn detect() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .ok()
            .or_else(|| {
                let out = std::process::Command::new("uname")
                    .arg("-r")
                    .output()
                    .ok()?;
                out.status
                    .success()
                    .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        Machine {
            cpu: Some(cpu),
            cores: Some(std::thread::available_parallelism().map_or(1, |n| n.get() as u64)),
            kernel: Some(kernel),
            extra: Map::new(),
        }
    }
}

/// Latency percentiles in µs (`lat_us`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Latency {
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub p50: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub p90: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub p99: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub p999: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub p9999: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub mean: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Latency {
    /// A percentile by its key (`"p50"`, `"p999"`, …), if positive.
    pub fn get(&self, key: &str) -> Option<f64> {
        match key {
            "p50" => self.p50,
            "p90" => self.p90,
            "p99" => self.p99,
            "p999" => self.p999,
            "p9999" => self.p9999,
            "max" => self.max,
            "mean" => self.mean,
            other => self.extra.get(other).and_then(Value::as_f64),
        }
        .filter(|x| x.is_finite() && *x > 0.0)
    }
}

/// One run of a scenario (`each_run`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunFigures {
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub msgs_per_sec: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub mb_per_sec: Option<f64>,
    #[serde(
        deserialize_with = "lenient::f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub elapsed_s: Option<f64>,
    #[serde(
        deserialize_with = "lenient::u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub received: Option<u64>,
    #[serde(
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub lat_us: Option<Latency>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RunFigures {
    /// msg/s (`"thr"`) or a latency percentile, if positive.
    pub fn figure(&self, what: &str) -> Option<f64> {
        if what == "thr" {
            self.msgs_per_sec.filter(|x| x.is_finite() && *x > 0.0)
        } else {
            self.lat_us.as_ref()?.get(what)
        }
    }
}

/// What a record measured, apart from which implementation ran it. Sorts
/// tcp, ipc, inproc, then others; then by pattern, size and rate.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scenario {
    pub transport: String,
    pub pattern: String,
    pub size: u64,
    /// SUB sockets of a pub-sub scenario.
    pub subscribers: Option<u64>,
    /// Offered rate (msg/s) of a rate-limited scenario; `None` runs flat out.
    pub rate: Option<u64>,
}

/// How a scenario was measured (the bench's `mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A stream flat out: msg/s.
    Throughput,
    /// A ping-pong: round-trip percentiles.
    Latency,
    /// A fixed offered rate: latency percentiles at that rate.
    Rate,
}

/// The latency percentiles the plots and the table show, as `lat_us` keys
/// and as people write them.
pub const PERCENTILES: [(&str, &str); 3] = [("p50", "p50"), ("p99", "p99"), ("p999", "p99.9")];

/// The implementation label of libzmq's own `inproc_thr` (libzmq's perf
/// sources, built by `scripts/perf`), measured by callgrind only.
pub const LIBZMQ_TOOL: &str = "libzmq-tool";

/// The implementation label of ringmq's own `inproc_thr` (ringmq-perf's
/// port of libzmq's, `perf/src/bin/inproc_thr.rs`), measured by callgrind
/// only: tool against tool, the fair comparison with [`LIBZMQ_TOOL`].
pub const RINGMQ_TOOL: &str = "ringmq-tool";

impl Record {
    /// A record from a JSON object (`None` for anything else).
    pub fn from_value(v: Value) -> Option<Record> {
        match v {
            Value::Object(_) => serde_json::from_value(v).ok(),
            _ => None,
        }
    }

    /// Parses one JSON object.
    pub fn from_json(text: &str) -> Result<Record, String> {
        match serde_json::from_str::<Value>(text).map_err(|e| e.to_string())? {
            v @ Value::Object(_) => serde_json::from_value(v).map_err(|e| e.to_string()),
            other => Err(format!("not an object: {other}")),
        }
    }

    pub fn impl_name(&self) -> &str {
        self.imp.as_deref().unwrap_or("?")
    }

    pub fn commit(&self) -> &str {
        self.commit.as_deref().unwrap_or("unknown")
    }

    pub fn dirty(&self) -> bool {
        self.dirty.unwrap_or(false)
    }

    pub fn date(&self) -> &str {
        self.date.as_deref().unwrap_or("")
    }

    /// The engine backend the figures of ringmq's line come from
    /// (`impl_notes.engine`: `io_uring` or `epoll`), if it says.
    pub fn engine(&self) -> Option<&str> {
        self.impl_notes.as_ref()?.get("engine")?.as_str()
    }

    /// The I/O threads' spin budget in microseconds (`impl_notes.spin_us`;
    /// -1: the adaptive default, `Context::get_spin_us`'s value), if the
    /// line says (lines from before it existed ran without one).
    pub fn spin_us(&self) -> Option<i64> {
        self.impl_notes.as_ref()?.get("spin_us")?.as_i64()
    }

    /// Who drove ringmq's connections (`impl_notes.mode`: `io-threads` or
    /// `inline`), if the line says (older lines: I/O threads).
    pub fn engine_mode(&self) -> Option<&str> {
        self.impl_notes.as_ref()?.get("mode")?.as_str()
    }

    /// The `scripts/perf` invocation that recorded this line, if any.
    pub fn run_id(&self) -> Option<&str> {
        self.run.as_deref().filter(|s| !s.is_empty())
    }

    pub fn scenario(&self) -> Scenario {
        Scenario {
            transport: self.transport.clone().unwrap_or_else(|| "?".into()),
            pattern: self.pattern.clone().unwrap_or_else(|| "?".into()),
            size: self.size.unwrap_or(0),
            subscribers: self.subscribers,
            rate: self.rate.filter(|r| *r > 0.0).map(|r| r.round() as u64),
        }
    }

    /// The bench's `mode`; for lines without one, latency if they have
    /// percentiles, else throughput.
    pub fn mode(&self) -> Mode {
        match self.mode.as_deref() {
            Some("thr") => Mode::Throughput,
            Some("lat") => Mode::Latency,
            Some("rate") => Mode::Rate,
            _ if self.scenario().rate.is_some() => Mode::Rate,
            _ if self.has_latency() => Mode::Latency,
            _ => Mode::Throughput,
        }
    }

    /// Why the scenario failed on this implementation, if it did.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref().filter(|e| !e.is_empty())
    }

    pub fn msgs_per_sec(&self) -> Option<f64> {
        self.msgs_per_sec.filter(|x| *x > 0.0)
    }

    /// A latency percentile in µs (`"p50"`, `"p999"`, …).
    pub fn lat(&self, key: &str) -> Option<f64> {
        self.lat_us.as_ref()?.get(key)
    }

    pub fn has_latency(&self) -> bool {
        PERCENTILES.iter().any(|(k, _)| self.lat(k).is_some())
    }

    /// A ratio the bench computed, e.g. `thr_vs_libzmq`.
    pub fn ratio(&self, name: &str) -> Option<f64> {
        self.ratios
            .as_ref()?
            .get(name)
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite() && *x > 0.0)
    }

    pub fn ratio_names(&self) -> Vec<String> {
        self.ratios
            .as_ref()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    pub fn instr_per_msg(&self) -> Option<f64> {
        self.instr_per_msg.filter(|x| *x > 0.0)
    }

    /// Copies the instruction count of `m` (a `kind: "instr"` line) into
    /// this record.
    pub fn merge_instr(&mut self, m: &Record) {
        let copy = |dst: &mut Option<u64>, src: Option<u64>| {
            if src.is_some() {
                *dst = src;
            }
        };
        if m.instr_per_msg.is_some() {
            self.instr_per_msg = m.instr_per_msg;
        }
        if m.instr_tool.is_some() {
            self.instr_tool.clone_from(&m.instr_tool);
        }
        copy(&mut self.instr_count, m.instr_count);
        copy(&mut self.instr_total, m.instr_total);
        copy(&mut self.instr_base_count, m.instr_base_count);
        copy(&mut self.instr_base_total, m.instr_base_total);
    }

    /// "cpu, N cores, Linux kernel" from `machine`.
    pub fn machine(&self) -> Option<String> {
        let m = self.machine.as_ref()?;
        let mut parts = Vec::new();
        if let Some(cpu) = &m.cpu {
            parts.push(cpu.trim().to_string());
        }
        if let Some(c) = m.cores {
            parts.push(format!("{c} cores"));
        }
        if let Some(k) = &m.kernel {
            parts.push(format!("Linux {}", k.trim()));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("a record always serializes")
    }
}

impl Ord for Scenario {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Scenario {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Scenario {
    /// Flat out before paced; tcp, ipc, inproc; streams before ping-pongs.
    #[allow(clippy::type_complexity)]
    fn sort_key(&self) -> (bool, u8, &str, u8, &str, u64, Option<u64>, Option<u64>) {
        let transport = match self.transport.as_str() {
            "tcp" => 0,
            "ipc" => 1,
            "inproc" => 2,
            _ => 3,
        };
        (
            self.rate.is_some(),
            transport,
            &self.transport,
            pattern_rank(&self.pattern),
            &self.pattern,
            self.size,
            self.subscribers,
            self.rate,
        )
    }

    /// A name safe in a file name, as the bench names scenarios:
    /// `tcp-push-pull-64`, `tcp-pub-sub-64-2subs`, `tcp-req-rep-64-at-10000`.
    pub fn slug(&self) -> String {
        let mut s = format!("{}-{}-{}", self.transport, self.pattern, self.size);
        if let Some(n) = self.subscribers.filter(|n| *n != 1) {
            s.push_str(&format!("-{n}subs"));
        }
        if let Some(r) = self.rate {
            s.push_str(&format!("-at-{r}"));
        }
        let mut out = String::new();
        for c in s.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
        out.trim_matches('-').to_string()
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.transport,
            pattern_label(&self.pattern),
            fmt_size(self.size)
        )?;
        if let Some(n) = self.subscribers.filter(|n| *n != 1) {
            write!(f, " ×{n} subs")?;
        }
        if let Some(r) = self.rate {
            write!(f, " @ {} msg/s", fmt_si(r as f64))?;
        }
        Ok(())
    }
}

/// Streams first, then ping-pongs, as the bench lists them.
fn pattern_rank(p: &str) -> u8 {
    match p.to_ascii_lowercase().as_str() {
        "push-pull" | "push/pull" => 0,
        "pub-sub" | "pub/sub" => 1,
        "req-rep" | "req/rep" => 2,
        "dealer-router" | "dealer/router" => 3,
        _ => 4,
    }
}

/// The bench's `push-pull` as people write it: `PUSH/PULL`.
pub fn pattern_label(p: &str) -> String {
    p.to_ascii_uppercase().replace('-', "/")
}

/// 64 → "64 B", 1024 → "1 KiB", 65536 → "64 KiB".
pub fn fmt_size(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

/// 3_120_000 → "3.12M", 27_200 → "27.2k", 950 → "950", 0.5 → "0.5".
pub fn fmt_si(x: f64) -> String {
    let (v, unit) = if x.abs() >= 1e9 {
        (x / 1e9, "G")
    } else if x.abs() >= 1e6 {
        (x / 1e6, "M")
    } else if x.abs() >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    format!("{}{unit}", fmt_sig(v))
}

/// Three significant digits, without trailing zeros: 3.1, 27.2, 950, 0.045.
pub fn fmt_sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".to_string();
    }
    let mag = v.abs().log10().floor() as i32;
    let decimals = (2 - mag).clamp(0, 6) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// 1027.4 → "1,027".
pub fn fmt_thousands(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// How people write an implementation's name.
pub fn impl_label(name: &str) -> &str {
    match name {
        "zmqrs" => "zmq.rs",
        "rawtcp" => "raw TCP",
        LIBZMQ_TOOL => "libzmq inproc_thr",
        RINGMQ_TOOL => "ringmq inproc_thr",
        other => other,
    }
}

/// The order implementations appear in: ringmq first, then its peers.
pub fn impl_rank(name: &str) -> (u8, String) {
    let r = match name {
        "ringmq" => 0,
        "libzmq" => 1,
        "zmqrs" => 2,
        // Each tool next to its implementation through the bench.
        RINGMQ_TOOL => 0,
        LIBZMQ_TOOL => 1,
        "rawtcp" => 3,
        _ => 4,
    };
    (r, name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fmt_size(64), "64 B");
        assert_eq!(fmt_size(1024), "1 KiB");
        assert_eq!(fmt_size(65536), "64 KiB");
        assert_eq!(fmt_size(1000), "1000 B");
        assert_eq!(fmt_si(3_120_000.0), "3.12M");
        assert_eq!(fmt_si(27_200.0), "27.2k");
        assert_eq!(fmt_si(950.0), "950");
        assert_eq!(fmt_si(0.5), "0.5");
        assert_eq!(fmt_si(1e6), "1M");
        assert_eq!(fmt_thousands(1027.4), "1,027");
        assert_eq!(fmt_thousands(1_234_567.0), "1,234,567");
        assert_eq!(fmt_thousands(39.0), "39");
    }

    #[test]
    fn typed_record_reads_leniently_and_round_trips() {
        let line = r#"{"schema":1,"scenario":"inproc-push-pull-64","commit":"abc","dirty":"true","impl":"ringmq","pattern":"push-pull","transport":"inproc","size":64.0,"subscribers":null,"mode":"thr","msgs_per_sec":"fast","lat_us":{"p50":2.5,"p99999":9.0},"ratios":{"thr_vs_libzmq":0.5,"p50_vs_libzmq":null},"future":[1,2],"instr_per_msg":412.5}"#;
        let r = Record::from_json(line).unwrap();
        assert_eq!(r.impl_name(), "ringmq");
        assert!(r.dirty());
        assert_eq!(r.size, Some(64));
        assert_eq!(r.msgs_per_sec(), None); // wrong type: absent
        assert_eq!(r.lat("p50"), Some(2.5));
        assert_eq!(r.lat("p99999"), Some(9.0)); // unknown percentile kept
        assert_eq!(r.ratio("thr_vs_libzmq"), Some(0.5));
        assert_eq!(r.ratio("p50_vs_libzmq"), None);
        assert_eq!(r.instr_per_msg(), Some(412.5));
        let out = r.to_json_line();
        assert!(out.starts_with(r#"{"schema":1,"scenario":"inproc-push-pull-64","commit":"abc","dirty":true,"impl":"ringmq""#));
        assert!(out.ends_with(r#""instr_per_msg":412.5,"future":[1,2]}"#));
        assert!(!out.contains("subscribers")); // nulls are left out
        assert_eq!(Record::from_json(&out).unwrap(), r);
        assert!(Record::from_json("[1]").is_err());
    }

    #[test]
    fn slug() {
        let s = Scenario {
            transport: "tcp".into(),
            pattern: "PUSH/PULL".into(),
            size: 64,
            subscribers: None,
            rate: Some(10000),
        };
        assert_eq!(s.slug(), "tcp-push-pull-64-at-10000");
        assert_eq!(s.to_string(), "tcp PUSH/PULL 64 B @ 10k msg/s");
        let p = Scenario {
            transport: "tcp".into(),
            pattern: "pub-sub".into(),
            size: 64,
            subscribers: Some(2),
            rate: None,
        };
        assert_eq!(p.slug(), "tcp-pub-sub-64-2subs");
        assert_eq!(p.to_string(), "tcp PUB/SUB 64 B ×2 subs");
    }
}
