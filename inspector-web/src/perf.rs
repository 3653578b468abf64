//! The perf suite's history as `GET /api/perf-history` serves it: one JSON
//! object per scenario × implementation × commit. The object is parsed by
//! the perf history's one definition of it, `ringmq_perf_report::record::
//! Record` (lenient: a record missing a figure, such as a throughput-only
//! scenario's `"lat_us": null`, or carrying fields this app does not know
//! still counts); [`PerfRecord`] is the part of it this page plots.

use ringmq_perf_report::history::parse_records;
use ringmq_perf_report::record::Record;

/// One result of the perf history: the figures the page plots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerfRecord {
    pub commit: String,
    /// RFC 3339, as the bench writes it; sorts chronologically as text.
    pub date: String,
    /// "ringmq", "libzmq", "zmqrs", "rawtcp", …
    pub imp: String,
    pub scenario: Scenario,
    pub msgs_per_sec: Option<f64>,
    pub p50_us: Option<f64>,
    pub p99_us: Option<f64>,
    pub p999_us: Option<f64>,
    pub instr_per_msg: Option<f64>,
}

/// What a record measured, apart from which implementation ran it.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scenario {
    pub transport: String,
    pub pattern: String,
    pub size: u64,
    /// Offered rate (msg/s) of a rate-limited scenario; `None` runs flat out.
    pub rate: Option<u64>,
}

impl Scenario {
    /// "tcp PUSH/PULL 64 B", "tcp REQ/REP 64 B @ 100k msg/s".
    pub fn label(&self) -> String {
        let mut s = format!("{} {} {} B", self.transport, self.pattern, self.size);
        if let Some(r) = self.rate {
            s.push_str(&format!(" @ {} msg/s", crate::format::si(r as f64)));
        }
        s
    }

    /// tcp, ipc, inproc, then others; then pattern, size and rate.
    fn sort_key(&self) -> (u8, &str, &str, u64, Option<u64>) {
        let t = match self.transport.as_str() {
            "tcp" => 0,
            "ipc" => 1,
            "inproc" => 2,
            _ => 3,
        };
        (t, &self.transport, &self.pattern, self.size, self.rate)
    }
}

/// A commit of the history, in chronological order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    pub date: String,
}

impl Commit {
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(7)]
    }
}

impl PerfRecord {
    pub fn from_record(r: &Record) -> Option<PerfRecord> {
        let sc = r.scenario();
        Some(PerfRecord {
            commit: r.commit().to_string(),
            date: r.date().to_string(),
            imp: r.imp.clone()?,
            scenario: Scenario {
                transport: sc.transport,
                pattern: sc.pattern,
                size: sc.size,
                rate: sc.rate,
            },
            msgs_per_sec: r.msgs_per_sec(),
            p50_us: r.lat("p50"),
            p99_us: r.lat("p99"),
            p999_us: r.lat("p999"),
            instr_per_msg: r.instr_per_msg(),
        })
    }
}

/// Parses the history: a JSON array, or JSON lines (the history file itself).
/// Lines that are not records are skipped; text with none and something
/// skipped is an error.
pub fn parse_history(text: &str) -> Result<Vec<PerfRecord>, String> {
    let parsed = parse_records(text);
    if parsed.records.is_empty() && !parsed.warnings.is_empty() {
        return Err(parsed.warnings.join("; "));
    }
    Ok(parsed
        .records
        .iter()
        .filter_map(PerfRecord::from_record)
        .collect())
}

/// The commits in chronological order (by date, then first appearance).
pub fn commits(records: &[PerfRecord]) -> Vec<Commit> {
    let mut out: Vec<Commit> = Vec::new();
    for r in records {
        match out.iter_mut().find(|c| c.id == r.commit) {
            Some(c) if r.date < c.date || c.date.is_empty() => c.date = r.date.clone(),
            Some(_) => {}
            None => out.push(Commit {
                id: r.commit.clone(),
                date: r.date.clone(),
            }),
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date));
    out
}

/// The scenarios, tcp first.
pub fn scenarios(records: &[PerfRecord]) -> Vec<Scenario> {
    let mut out: Vec<Scenario> = Vec::new();
    for r in records {
        if !out.contains(&r.scenario) {
            out.push(r.scenario.clone());
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// The implementations, ringmq first, then as they appear.
pub fn impls(records: &[PerfRecord]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in records {
        if !out.contains(&r.imp) {
            out.push(r.imp.clone());
        }
    }
    out.sort_by_key(|i| i != "ringmq");
    out
}

/// One figure of `imp` in `scenario` per commit (the latest record wins
/// when a commit was measured more than once).
pub fn series(
    records: &[PerfRecord],
    commits: &[Commit],
    imp: &str,
    scenario: &Scenario,
    figure: impl Fn(&PerfRecord) -> Option<f64>,
) -> Vec<Option<f64>> {
    commits
        .iter()
        .map(|c| {
            records
                .iter()
                .filter(|r| r.commit == c.id && r.imp == imp && &r.scenario == scenario)
                .filter_map(&figure)
                .last()
        })
        .collect()
}

/// GETs the history from the inspector server.
pub async fn fetch_history(url: &str) -> Result<Vec<PerfRecord>, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let js = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let resp = JsFuture::from(gloo::utils::window().fetch_with_str(url))
        .await
        .map_err(js)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(js)?;
    if !resp.ok() {
        return Err(format!("HTTP {} {}", resp.status(), resp.status_text()));
    }
    let text = JsFuture::from(resp.text().map_err(js)?).await.map_err(js)?;
    parse_history(&text.as_string().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_records_leniently() {
        let text = r#"[
          {"commit":"bbb","date":"2026-02-01T00:00:00Z","impl":"libzmq","pattern":"REQ/REP","transport":"tcp","size":64,
           "msgs_per_sec":50000,"lat_us":{"p50":20.5,"p99":40,"p999":90},"ratios":{}},
          {"commit":"aaa","date":"2026-01-01T00:00:00Z","impl":"ringmq","pattern":"PUSH/PULL","transport":"ipc","size":64,
           "msgs_per_sec":6.6e6,"lat_us":null,"ratios":{"thr_vs_libzmq":1.9},"instr_per_msg":412.5},
          {"commit":"aaa","impl":"ringmq","pattern":"PUSH/PULL","transport":"tcp","size":64,"rate":null}
        ]"#;
        let r = parse_history(text).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].p99_us, Some(40.0));
        assert_eq!(r[1].p50_us, None);
        assert_eq!(r[1].instr_per_msg, Some(412.5));
        let c = commits(&r);
        assert_eq!(
            c.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["aaa", "bbb"]
        );
        assert_eq!(impls(&r), ["ringmq", "libzmq"]);
        assert_eq!(scenarios(&r)[0].transport, "tcp");
        let s = series(&r, &c, "ringmq", &r[1].scenario, |r| r.msgs_per_sec);
        assert_eq!(s, [Some(6.6e6), None]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_json_lines() {
        let text = "{\"commit\":\"a\",\"impl\":\"ringmq\",\"size\":1}\n{\"commit\":\"b\",\"impl\":\"ringmq\",\"size\":1}\n";
        assert_eq!(parse_history(text).unwrap().len(), 2);
    }
}
