//! One scenario × implementation result as `ringmq-bench` prints it (schema 1),
//! kept as the JSON object it was so that fields this crate does not know
//! survive a round trip through the history.

use serde_json::{Map, Value};
use std::fmt;

/// A bench object. Accessors return `None` for a field that is absent, null
/// or of another type than expected: old and new lines parse alike.
#[derive(Clone, Debug, PartialEq)]
pub struct Record(pub Map<String, Value>);

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

impl Record {
    pub fn from_value(v: Value) -> Option<Record> {
        match v {
            Value::Object(m) => Some(Record(m)),
            _ => None,
        }
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    pub fn num(&self, key: &str) -> Option<f64> {
        self.0
            .get(key)
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite())
    }

    pub fn impl_name(&self) -> &str {
        self.str("impl").unwrap_or("?")
    }

    pub fn commit(&self) -> &str {
        self.str("commit").unwrap_or("unknown")
    }

    /// `dirty` as the bench writes it (a bool); "true"/"false" strings too.
    pub fn dirty(&self) -> bool {
        match self.0.get("dirty") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true" || s == "1" || s == "yes",
            Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
            _ => false,
        }
    }

    pub fn date(&self) -> &str {
        self.str("date").unwrap_or("")
    }

    /// The `scripts/perf` invocation that recorded this line, if any.
    pub fn run_id(&self) -> Option<&str> {
        self.str("run").filter(|s| !s.is_empty())
    }

    pub fn scenario(&self) -> Scenario {
        Scenario {
            transport: self.str("transport").unwrap_or("?").to_string(),
            pattern: self.str("pattern").unwrap_or("?").to_string(),
            size: self.num("size").map_or(0, |x| x.max(0.0) as u64),
            subscribers: self.num("subscribers").map(|x| x.max(0.0) as u64),
            rate: self
                .num("rate")
                .filter(|r| *r > 0.0)
                .map(|r| r.round() as u64),
        }
    }

    /// The bench's `mode`; for lines without one, latency if they have
    /// percentiles, else throughput.
    pub fn mode(&self) -> Mode {
        match self.str("mode") {
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
        self.str("error").filter(|e| !e.is_empty())
    }

    pub fn msgs_per_sec(&self) -> Option<f64> {
        self.num("msgs_per_sec").filter(|x| *x > 0.0)
    }

    /// A latency percentile in µs (`"p50"`, `"p999"`, …).
    pub fn lat(&self, key: &str) -> Option<f64> {
        self.0
            .get("lat_us")
            .and_then(|l| l.get(key))
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite() && *x > 0.0)
    }

    pub fn has_latency(&self) -> bool {
        PERCENTILES.iter().any(|(k, _)| self.lat(k).is_some())
    }

    /// A ratio the bench computed, e.g. `thr_vs_libzmq`.
    pub fn ratio(&self, name: &str) -> Option<f64> {
        self.0
            .get("ratios")
            .and_then(|r| r.get(name))
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite() && *x > 0.0)
    }

    pub fn ratio_names(&self) -> Vec<String> {
        match self.0.get("ratios") {
            Some(Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    pub fn instr_per_msg(&self) -> Option<f64> {
        self.num("instr_per_msg").filter(|x| *x > 0.0)
    }

    /// "cpu, N cores, Linux kernel" from `machine`.
    pub fn machine(&self) -> Option<String> {
        let m = self.0.get("machine")?;
        let mut parts = Vec::new();
        if let Some(cpu) = m.get("cpu").and_then(Value::as_str) {
            parts.push(cpu.trim().to_string());
        }
        if let Some(c) = m.get("cores").and_then(Value::as_u64) {
            parts.push(format!("{c} cores"));
        }
        if let Some(k) = m.get("kernel").and_then(Value::as_str) {
            parts.push(format!("Linux {}", k.trim()));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    pub fn set(&mut self, key: &str, v: Value) {
        self.0.insert(key.to_string(), v);
    }

    pub fn to_json_line(&self) -> String {
        serde_json::to_string(&self.0).expect("a JSON map always serializes")
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
        other => other,
    }
}

/// The order implementations appear in: ringmq first, then its peers.
pub fn impl_rank(name: &str) -> (u8, String) {
    let r = match name {
        "ringmq" => 0,
        "libzmq" => 1,
        "zmqrs" => 2,
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
