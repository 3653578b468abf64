//! What is measured: a messaging pattern over a transport at a message size,
//! flat out or at a fixed offered rate; and the `--quick`/`--full` matrices.
//!
//! A scenario's name says all of it, so that any one can be run by name:
//! `{transport}-{pattern}-{size}[-{n}subs][-at-{rate}]`, e.g.
//! `tcp-push-pull-64`, `ipc-pub-sub-1024-4subs`, `tcp-req-rep-64-at-10000`.
//! Sizes may be written `4k` (4096).

use crate::peer::Transport;
use std::fmt;

/// A messaging pattern and what it measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// PUSH → PULL stream: throughput.
    PushPull,
    /// PUB → N SUB: throughput as delivered to every subscriber.
    PubSub { subscribers: usize },
    /// REQ ⇄ REP ping-pong: round-trip latency.
    ReqRep,
    /// DEALER ⇄ ROUTER ping-pong (the ROUTER echoes with the routing id):
    /// round-trip latency.
    DealerRouter,
}

impl Pattern {
    /// `pattern` in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Pattern::PushPull => "push-pull",
            Pattern::PubSub { .. } => "pub-sub",
            Pattern::ReqRep => "req-rep",
            Pattern::DealerRouter => "dealer-router",
        }
    }

    /// Whether, flat out, it measures latency (a ping-pong) rather than
    /// throughput (a stream).
    pub fn is_round_trip(self) -> bool {
        matches!(self, Pattern::ReqRep | Pattern::DealerRouter)
    }
}

/// How the figures are taken (`mode` in the JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A stream as fast as it goes: msg/s.
    Throughput,
    /// One message in flight at a time: round-trip histogram.
    Latency,
    /// Messages offered at a fixed rate, latency measured from each one's
    /// intended send time (no coordinated omission).
    Rate(u64),
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Throughput => "thr",
            Mode::Latency => "lat",
            Mode::Rate(_) => "rate",
        }
    }
}

/// One scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub pattern: Pattern,
    pub transport: Transport,
    /// Message size in bytes.
    pub size: usize,
    /// Offered rate in msg/s; `None` runs flat out.
    pub rate: Option<u64>,
    /// Messages (or round trips) per run.
    pub count: u64,
}

impl Scenario {
    /// A scenario with the default message count for `matrix`.
    pub fn new(
        pattern: Pattern,
        transport: Transport,
        size: usize,
        rate: Option<u64>,
        matrix: Matrix,
    ) -> Scenario {
        let mut s = Scenario {
            pattern,
            transport,
            size,
            rate,
            count: 0,
        };
        s.count = s.default_count(matrix);
        s
    }

    pub fn mode(&self) -> Mode {
        match self.rate {
            Some(r) => Mode::Rate(r),
            None if self.pattern.is_round_trip() => Mode::Latency,
            None => Mode::Throughput,
        }
    }

    pub fn subscribers(&self) -> Option<usize> {
        match self.pattern {
            Pattern::PubSub { subscribers } => Some(subscribers),
            _ => None,
        }
    }

    /// Sized so a run of a fast implementation takes a few tenths of a
    /// second in the quick matrix (and twice that in the full one).
    fn default_count(&self, matrix: Matrix) -> u64 {
        let scale = match matrix {
            Matrix::Quick => 1,
            Matrix::Full => 2,
        };
        let base = match self.mode() {
            Mode::Throughput => {
                let by_bytes = (256u64 << 20) / self.size.max(1) as u64;
                let n = by_bytes.clamp(4_000, 400_000);
                match self.pattern {
                    Pattern::PubSub { subscribers } => n / subscribers.max(1) as u64,
                    _ => n,
                }
            }
            Mode::Latency => {
                if self.size > 16 * 1024 {
                    4_000
                } else {
                    10_000
                }
            }
            // Half a second at the offered rate.
            Mode::Rate(r) => (r / 2).max(1_000),
        };
        base * scale
    }

    /// The scenario's name (see the module documentation).
    pub fn name(&self) -> String {
        self.to_string()
    }

    /// Parses a name; the count is the default of `matrix`.
    pub fn parse(name: &str, matrix: Matrix) -> Result<Scenario, String> {
        let bad = || {
            format!(
                "bad scenario name {name:?}: expected \
                 TRANSPORT-PATTERN-SIZE[-Nsubs][-at-RATE], e.g. tcp-push-pull-64"
            )
        };
        let parts: Vec<&str> = name.split('-').collect();
        if parts.len() < 4 {
            return Err(bad());
        }
        let transport = Transport::parse(parts[0]).ok_or_else(bad)?;
        let mut pattern = match (parts[1], parts[2]) {
            ("push", "pull") => Pattern::PushPull,
            ("pub", "sub") => Pattern::PubSub { subscribers: 1 },
            ("req", "rep") => Pattern::ReqRep,
            ("dealer", "router") => Pattern::DealerRouter,
            _ => return Err(bad()),
        };
        let size = parse_size(parts[3]).ok_or_else(bad)?;
        let mut rest = &parts[4..];
        if let Some(n) = rest.first().and_then(|p| p.strip_suffix("subs")) {
            let n: usize = n.parse().map_err(|_| bad())?;
            match &mut pattern {
                Pattern::PubSub { subscribers } if n > 0 => *subscribers = n,
                _ => return Err(bad()),
            }
            rest = &rest[1..];
        }
        let rate = match rest {
            [] => None,
            ["at", r] => Some(r.parse::<u64>().ok().filter(|r| *r > 0).ok_or_else(bad)?),
            _ => return Err(bad()),
        };
        if !(1..=64 * 1024 * 1024).contains(&size) {
            return Err(format!("scenario {name:?}: size must be 1 B … 64 MiB"));
        }
        if rate.is_some() && pattern == Pattern::DealerRouter {
            return Err(format!(
                "scenario {name:?}: fixed-rate mode is for push-pull, pub-sub and req-rep"
            ));
        }
        Ok(Scenario::new(pattern, transport, size, rate, matrix))
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}",
            self.transport.name(),
            self.pattern.name(),
            self.size
        )?;
        if let Pattern::PubSub { subscribers } = self.pattern {
            if subscribers != 1 {
                write!(f, "-{subscribers}subs")?;
            }
        }
        if let Some(r) = self.rate {
            write!(f, "-at-{r}")?;
        }
        Ok(())
    }
}

/// `64`, `4k`, `64K`, `1m` → bytes.
fn parse_size(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let (digits, mult) = if let Some(d) = lower.strip_suffix('k') {
        (d, 1024)
    } else if let Some(d) = lower.strip_suffix('m') {
        (d, 1024 * 1024)
    } else {
        (lower.as_str(), 1)
    };
    digits.parse::<usize>().ok().map(|n| n * mult)
}

/// Which predefined set of scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matrix {
    /// A small set for a check that takes about two minutes on two cores
    /// with every implementation.
    Quick,
    /// Every pattern × transport × size, and rates.
    Full,
}

impl Matrix {
    pub fn name(self) -> &'static str {
        match self {
            Matrix::Quick => "quick",
            Matrix::Full => "full",
        }
    }

    pub fn scenarios(self) -> Vec<Scenario> {
        use Pattern::*;
        use Transport::*;
        let s = |p, t, size, rate| Scenario::new(p, t, size, rate, self);
        match self {
            Matrix::Quick => vec![
                s(PushPull, Tcp, 64, None),
                s(PushPull, Tcp, 1024, None),
                s(PushPull, Tcp, 65536, None),
                s(PushPull, Ipc, 64, None),
                s(PushPull, Inproc, 64, None),
                s(PubSub { subscribers: 2 }, Tcp, 64, None),
                s(ReqRep, Tcp, 64, None),
                s(ReqRep, Ipc, 64, None),
                s(ReqRep, Inproc, 64, None),
                s(DealerRouter, Tcp, 64, None),
                s(PushPull, Tcp, 64, Some(20_000)),
                s(ReqRep, Tcp, 64, Some(10_000)),
            ],
            Matrix::Full => {
                let sizes = [1, 64, 256, 1024, 4096, 16384, 65536];
                let mut v = Vec::new();
                for t in [Tcp, Ipc, Inproc] {
                    for &size in &sizes {
                        v.push(s(PushPull, t, size, None));
                    }
                    for &size in &[64, 1024, 65536] {
                        v.push(s(PubSub { subscribers: 1 }, t, size, None));
                        v.push(s(PubSub { subscribers: 4 }, t, size, None));
                    }
                    for &size in &sizes {
                        v.push(s(ReqRep, t, size, None));
                    }
                    for &size in &[64, 1024, 65536] {
                        v.push(s(DealerRouter, t, size, None));
                    }
                    for rate in [10_000, 50_000, 100_000] {
                        v.push(s(PushPull, t, 64, Some(rate)));
                        v.push(s(PubSub { subscribers: 2 }, t, 64, Some(rate)));
                    }
                    v.push(s(ReqRep, t, 64, Some(5_000)));
                    v.push(s(ReqRep, t, 64, Some(10_000)));
                }
                v
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for m in [Matrix::Quick, Matrix::Full] {
            for s in m.scenarios() {
                assert_eq!(Scenario::parse(&s.name(), m).unwrap(), s, "{s}");
            }
        }
    }

    #[test]
    fn names_parse() {
        let s = Scenario::parse("ipc-pub-sub-4k-3subs-at-1000", Matrix::Quick).unwrap();
        assert_eq!(s.pattern, Pattern::PubSub { subscribers: 3 });
        assert_eq!(
            (s.transport, s.size, s.rate),
            (Transport::Ipc, 4096, Some(1000))
        );
        assert_eq!(s.name(), "ipc-pub-sub-4096-3subs-at-1000");
        assert!(Scenario::parse("tcp-push-pull", Matrix::Quick).is_err());
        assert!(Scenario::parse("udp-push-pull-64", Matrix::Quick).is_err());
        assert!(Scenario::parse("tcp-req-rep-64-2subs", Matrix::Quick).is_err());
        assert!(Scenario::parse("tcp-dealer-router-64-at-10", Matrix::Quick).is_err());
        assert!(Scenario::parse("tcp-push-pull-0", Matrix::Quick).is_err());
    }
}
