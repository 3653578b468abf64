//! The JSON result objects (schema 1, documented in README.md), medians over
//! runs, ratios between implementations, and the table for people.

use crate::env::{Env, Machine};
use crate::run::Outcome;
use crate::scenario::Scenario;
use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;

/// The schema version written in every object.
pub const SCHEMA: u32 = 1;

/// The implementations ratios are taken against, in the order of the keys.
pub const PEERS: [&str; 3] = ["libzmq", "zmqrs", "rawtcp"];

/// Latency distribution in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Lat {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub p9999: f64,
    pub max: f64,
    pub mean: f64,
}

impl Lat {
    /// From a histogram of nanoseconds.
    pub fn from_ns(h: &Histogram<u64>) -> Lat {
        let us = |ns: u64| round3(ns as f64 / 1000.0);
        Lat {
            p50: us(h.value_at_quantile(0.50)),
            p90: us(h.value_at_quantile(0.90)),
            p99: us(h.value_at_quantile(0.99)),
            p999: us(h.value_at_quantile(0.999)),
            p9999: us(h.value_at_quantile(0.9999)),
            max: us(h.max()),
            mean: round3(h.mean() / 1000.0),
        }
    }

    fn fields(&self) -> [f64; 7] {
        [
            self.p50, self.p90, self.p99, self.p999, self.p9999, self.max, self.mean,
        ]
    }

    fn from_fields(f: [f64; 7]) -> Lat {
        Lat {
            p50: f[0],
            p90: f[1],
            p99: f[2],
            p999: f[3],
            p9999: f[4],
            max: f[5],
            mean: f[6],
        }
    }
}

/// One run's figures, as recorded in `each_run`.
#[derive(Clone, Debug, Serialize)]
pub struct RunFigures {
    pub msgs_per_sec: f64,
    pub mb_per_sec: f64,
    pub elapsed_s: f64,
    pub received: u64,
    pub lat_us: Option<Lat>,
}

impl RunFigures {
    pub fn new(o: &Outcome, size: usize) -> RunFigures {
        RunFigures {
            msgs_per_sec: round3(o.msgs_per_sec),
            mb_per_sec: round3(o.msgs_per_sec * size as f64 / 1e6),
            elapsed_s: round6(o.elapsed.as_secs_f64()),
            received: o.received,
            lat_us: o.hist.as_ref().map(Lat::from_ns),
        }
    }
}

/// Ratios of this object's figures to another implementation's in the
/// same invocation. `thr_*`: higher is better for the row's implementation;
/// `p*_*`: lower is better. Null where either figure is missing, and against
/// the row's own implementation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ratios {
    pub thr_vs_libzmq: Option<f64>,
    pub thr_vs_zmqrs: Option<f64>,
    pub thr_vs_rawtcp: Option<f64>,
    pub p50_vs_libzmq: Option<f64>,
    pub p50_vs_zmqrs: Option<f64>,
    pub p50_vs_rawtcp: Option<f64>,
    pub p99_vs_libzmq: Option<f64>,
    pub p99_vs_zmqrs: Option<f64>,
    pub p99_vs_rawtcp: Option<f64>,
    pub p999_vs_libzmq: Option<f64>,
    pub p999_vs_zmqrs: Option<f64>,
    pub p999_vs_rawtcp: Option<f64>,
}

/// One scenario × implementation: the object of the JSON output.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub schema: u32,
    pub scenario: String,
    pub commit: String,
    pub dirty: Option<bool>,
    pub date: String,
    pub machine: Machine,
    pub rustc: String,
    #[serde(rename = "impl")]
    pub impl_name: String,
    pub version: String,
    pub impl_notes: Value,
    pub pattern: String,
    pub transport: String,
    pub size: usize,
    pub count: u64,
    pub subscribers: Option<usize>,
    pub mode: String,
    pub runs: usize,
    pub msgs_per_sec: Option<f64>,
    pub mb_per_sec: Option<f64>,
    pub lat_us: Option<Lat>,
    pub rate: Option<u64>,
    pub received: Option<u64>,
    pub lost: Option<u64>,
    pub ratios: Ratios,
    pub each_run: Vec<RunFigures>,
    pub options: Value,
    pub error: Option<String>,
}

/// What identifies the implementation a row is for.
pub struct ImplInfo {
    pub name: String,
    pub version: String,
    pub notes: Value,
}

impl Row {
    /// The row for `runs` of `sc` on one implementation: medians over the
    /// runs (each latency field separately), every run kept in `each_run`.
    /// Without any successful run the figures are null and `error` says why.
    pub fn new(
        env: &Env,
        options: &Value,
        sc: &Scenario,
        imp: &ImplInfo,
        runs: Vec<RunFigures>,
        error: Option<String>,
        runs_asked: usize,
    ) -> Row {
        let med = |f: &dyn Fn(&RunFigures) -> f64| median(runs.iter().map(f).collect());
        let msgs_per_sec = med(&|r| r.msgs_per_sec);
        let lat_us = if runs.iter().all(|r| r.lat_us.is_some()) && !runs.is_empty() {
            let mut f = [0.0; 7];
            for (i, v) in f.iter_mut().enumerate() {
                *v = median(
                    runs.iter()
                        .map(|r| r.lat_us.expect("checked").fields()[i])
                        .collect(),
                )
                .unwrap_or(0.0);
            }
            Some(Lat::from_fields(f))
        } else {
            None
        };
        let received = runs.iter().map(|r| r.received).min();
        Row {
            schema: SCHEMA,
            scenario: sc.name(),
            commit: env.commit.clone(),
            dirty: env.dirty,
            date: env.date.clone(),
            machine: env.machine.clone(),
            rustc: env.rustc.clone(),
            impl_name: imp.name.clone(),
            version: imp.version.clone(),
            impl_notes: imp.notes.clone(),
            pattern: sc.pattern.name().to_string(),
            transport: sc.transport.name().to_string(),
            size: sc.size,
            count: sc.count,
            subscribers: sc.subscribers(),
            mode: sc.mode().name().to_string(),
            runs: runs_asked,
            msgs_per_sec: msgs_per_sec.map(round3),
            mb_per_sec: msgs_per_sec.map(|m| round3(m * sc.size as f64 / 1e6)),
            lat_us,
            rate: sc.rate,
            received,
            lost: received.map(|r| sc.count.saturating_sub(r)),
            ratios: Ratios::default(),
            each_run: runs,
            options: options.clone(),
            error,
        }
    }
}

/// Fills in the ratios of the rows of one scenario.
pub fn set_ratios(rows: &mut [Row]) {
    let figures: Vec<(String, Option<f64>, Option<Lat>)> = rows
        .iter()
        .map(|r| (r.impl_name.clone(), r.msgs_per_sec, r.lat_us))
        .collect();
    let find = |name: &str| figures.iter().find(|(n, ..)| n == name);
    for row in rows.iter_mut() {
        let mut rt = Ratios::default();
        for peer in PEERS {
            if peer == row.impl_name {
                continue;
            }
            let Some((_, thr, lat)) = find(peer) else {
                continue;
            };
            let thr_ratio = ratio(row.msgs_per_sec, *thr);
            let lat_ratio =
                |f: fn(&Lat) -> f64| ratio(row.lat_us.map(|l| f(&l)), lat.map(|l| f(&l)));
            let (p50, p99, p999) = (
                lat_ratio(|l| l.p50),
                lat_ratio(|l| l.p99),
                lat_ratio(|l| l.p999),
            );
            match peer {
                "libzmq" => {
                    (
                        rt.thr_vs_libzmq,
                        rt.p50_vs_libzmq,
                        rt.p99_vs_libzmq,
                        rt.p999_vs_libzmq,
                    ) = (thr_ratio, p50, p99, p999)
                }
                "zmqrs" => {
                    (
                        rt.thr_vs_zmqrs,
                        rt.p50_vs_zmqrs,
                        rt.p99_vs_zmqrs,
                        rt.p999_vs_zmqrs,
                    ) = (thr_ratio, p50, p99, p999)
                }
                _ => {
                    (
                        rt.thr_vs_rawtcp,
                        rt.p50_vs_rawtcp,
                        rt.p99_vs_rawtcp,
                        rt.p999_vs_rawtcp,
                    ) = (thr_ratio, p50, p99, p999)
                }
            }
        }
        row.ratios = rt;
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => Some(round3(a / b)),
        _ => None,
    }
}

/// Median (mean of the middle two for an even count); `None` when empty.
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// 3_120_000 → "3.12M".
pub fn si(x: f64) -> String {
    let (v, unit) = if x >= 1e9 {
        (x / 1e9, "G")
    } else if x >= 1e6 {
        (x / 1e6, "M")
    } else if x >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$}{unit}")
}

/// The results as a table: one line per scenario × implementation, the
/// ratios on each line (this implementation ÷ the named one).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<32} {:<7} {:>9} {:>9} {:>9} {:>9} {:>9}  ratios (thr ÷, higher better; p50/p99.9 ÷, lower better)",
        "scenario", "impl", "msg/s", "MB/s", "p50 µs", "p99 µs", "p99.9 µs"
    );
    let opt = |x: Option<f64>, f: &dyn Fn(f64) -> String| x.map_or_else(|| "-".to_string(), f);
    for r in rows {
        let lat = |f: fn(&Lat) -> f64| opt(r.lat_us.map(|l| f(&l)), &|v| format!("{v:.1}"));
        let mut ratios = String::new();
        let rt = &r.ratios;
        for (name, thr, p50, p999) in [
            (
                "libzmq",
                rt.thr_vs_libzmq,
                rt.p50_vs_libzmq,
                rt.p999_vs_libzmq,
            ),
            ("zmq.rs", rt.thr_vs_zmqrs, rt.p50_vs_zmqrs, rt.p999_vs_zmqrs),
            ("raw", rt.thr_vs_rawtcp, rt.p50_vs_rawtcp, rt.p999_vs_rawtcp),
        ] {
            if thr.is_none() && p50.is_none() {
                continue;
            }
            let _ = write!(ratios, " vs {name}:");
            if let Some(p50) = p50 {
                let _ = write!(
                    ratios,
                    " p50 {p50:.2} p99.9 {:.2};",
                    p999.unwrap_or(f64::NAN)
                );
            } else if let Some(thr) = thr {
                let _ = write!(ratios, " thr {thr:.2};");
            }
        }
        if let Some(e) = &r.error {
            let _ = write!(ratios, " ERROR: {e}");
        } else if r.lost.unwrap_or(0) > 0 {
            let _ = write!(ratios, " (lost {})", r.lost.unwrap_or(0));
        }
        let _ = writeln!(
            out,
            "{:<32} {:<7} {:>9} {:>9} {:>9} {:>9} {:>9} {}",
            r.scenario,
            r.impl_name,
            opt(r.msgs_per_sec, &si),
            opt(r.mb_per_sec, &|v| format!("{v:.1}")),
            lat(|l| l.p50),
            lat(|l| l.p99),
            lat(|l| l.p999),
            ratios.trim_end_matches(';'),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    /// What the bench writes is what the history reads: a row serialized
    /// here parses into perf-report's `Record` (the perf-history record's
    /// one definition) with every figure the history uses.
    #[test]
    fn rows_parse_as_history_records() {
        use crate::env::{Env, Machine};
        use crate::scenario::{Matrix, Scenario};
        use ringmq_perf_report::record::{Mode, Record};
        let env = Env {
            commit: "abc1234".into(),
            dirty: Some(false),
            date: "2026-12-02T10:00:00Z".into(),
            machine: Machine {
                cpu: "cpu".into(),
                cores: 2,
                kernel: "6.1".into(),
            },
            rustc: "rustc 1.85".into(),
        };
        let sc = Scenario::parse("tcp-req-rep-64", Matrix::Quick).unwrap();
        let lat = |p50: f64| Lat {
            p50,
            p90: p50 * 1.5,
            p99: p50 * 2.0,
            p999: p50 * 3.0,
            p9999: p50 * 4.0,
            max: p50 * 5.0,
            mean: p50,
        };
        let fig = |p50: f64| RunFigures {
            msgs_per_sec: 1e6 / p50,
            mb_per_sec: 1.0,
            elapsed_s: 1.0,
            received: 1000,
            lat_us: Some(lat(p50)),
        };
        let imp = |name: &str| ImplInfo {
            name: name.into(),
            version: "1".into(),
            notes: Value::Null,
        };
        let opts = serde_json::json!({"matrix": "quick"});
        let mut rows = vec![
            Row::new(&env, &opts, &sc, &imp("ringmq"), vec![fig(10.0)], None, 1),
            Row::new(&env, &opts, &sc, &imp("libzmq"), vec![fig(20.0)], None, 1),
        ];
        set_ratios(&mut rows);
        let r = Record::from_value(serde_json::to_value(&rows[0]).unwrap()).unwrap();
        assert_eq!(r.impl_name(), "ringmq");
        assert_eq!(r.commit(), "abc1234");
        assert_eq!(r.scenario_name.as_deref(), Some("tcp-req-rep-64"));
        assert_eq!(r.mode(), Mode::Latency);
        let s = r.scenario();
        assert_eq!(
            (s.transport.as_str(), s.pattern.as_str(), s.size),
            ("tcp", "req-rep", 64)
        );
        assert_eq!(r.lat("p999"), Some(30.0));
        assert_eq!(r.msgs_per_sec(), Some(1e5));
        assert_eq!(r.ratio("p50_vs_libzmq"), Some(0.5));
        assert_eq!(r.machine().as_deref(), Some("cpu, 2 cores, Linux 6.1"));
        assert_eq!(r.each_run.as_ref().map(Vec::len), Some(1));
        assert!(
            r.extra.is_empty(),
            "fields the record does not know: {:?}",
            r.extra
        );
    }

    #[test]
    fn si_prefixes() {
        assert_eq!(si(3_120_000.0), "3.12M");
        assert_eq!(si(27_200.0), "27.2k");
        assert_eq!(si(950.0), "950");
    }
}
