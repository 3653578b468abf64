//! The scenario runner: its JSON has every field of schema 1 and the values
//! are consistent (counts, ordered percentiles, ratios); the raw floor
//! works; `ringmq-bench --quick` runs end to end. No timing is asserted.

use ringmq_perf::bench::{bench, BenchOptions, Impl};
use ringmq_perf::env::Env;
use ringmq_perf::peer::{Flavor, RawTcp, Transport};
use ringmq_perf::run;
use ringmq_perf::scenario::{Matrix, Pattern, Scenario};
use serde_json::Value;
use std::process::Command;

fn scenario(name: &str, count: u64) -> Scenario {
    Scenario {
        count,
        ..Scenario::parse(name, Matrix::Quick).expect("a valid name")
    }
}

fn options(scenarios: Vec<Scenario>, impls: Vec<Impl>, runs: usize) -> BenchOptions {
    BenchOptions {
        matrix: Matrix::Quick,
        scenarios,
        impls,
        runs,
        count: None,
        io_threads: 1,
        zmqrs_flavor: Flavor::CurrentThread,
    }
}

const TOP_LEVEL: [&str; 27] = [
    "schema",
    "scenario",
    "commit",
    "dirty",
    "date",
    "machine",
    "rustc",
    "impl",
    "version",
    "impl_notes",
    "pattern",
    "transport",
    "size",
    "count",
    "subscribers",
    "mode",
    "runs",
    "msgs_per_sec",
    "mb_per_sec",
    "lat_us",
    "rate",
    "received",
    "lost",
    "ratios",
    "each_run",
    "options",
    "error",
];
const LAT: [&str; 7] = ["p50", "p90", "p99", "p999", "p9999", "max", "mean"];
const RATIOS: [&str; 12] = [
    "thr_vs_libzmq",
    "thr_vs_zmqrs",
    "thr_vs_rawtcp",
    "p50_vs_libzmq",
    "p50_vs_zmqrs",
    "p50_vs_rawtcp",
    "p99_vs_libzmq",
    "p99_vs_zmqrs",
    "p99_vs_rawtcp",
    "p999_vs_libzmq",
    "p999_vs_zmqrs",
    "p999_vs_rawtcp",
];

/// Every schema-1 field is there and sane; returns the object's map.
fn check_row(row: &Value, runs: usize) -> &serde_json::Map<String, Value> {
    let o = row.as_object().expect("an object");
    for key in TOP_LEVEL {
        assert!(o.contains_key(key), "missing {key} in {row}");
    }
    let what = format!("{} on {}", o["scenario"], o["impl"]);
    assert_eq!(o["schema"], 1);
    assert!(o["error"].is_null(), "{what}: {}", o["error"]);
    assert!(o["commit"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(
        o["date"]
            .as_str()
            .is_some_and(|d| d.len() == 20 && d.ends_with('Z')),
        "{what}"
    );
    let m = &o["machine"];
    assert!(m["cpu"].is_string() && m["kernel"].is_string(), "{what}");
    assert!(m["cores"].as_u64().is_some_and(|c| c >= 1), "{what}");
    assert!(
        o["rustc"].as_str().is_some_and(|r| r.starts_with("rustc ")),
        "{what}"
    );
    assert!(
        o["version"].as_str().is_some_and(|v| !v.is_empty()),
        "{what}"
    );
    assert_eq!(o["runs"], runs, "{what}");
    let count = o["count"].as_u64().expect("count");
    assert_eq!(o["received"], count, "{what}: every message arrives");
    assert_eq!(o["lost"], 0, "{what}");
    assert!(
        o["msgs_per_sec"].as_f64().is_some_and(|x| x > 0.0),
        "{what}"
    );
    let mb = o["mb_per_sec"].as_f64().expect("mb_per_sec");
    let size = o["size"].as_f64().expect("size");
    let expected_mb = o["msgs_per_sec"].as_f64().unwrap_or(0.0) * size / 1e6;
    assert!(
        (mb - expected_mb).abs() <= 0.002 + expected_mb * 1e-6,
        "{what}: {mb} MB/s"
    );
    let each = o["each_run"].as_array().expect("each_run");
    assert_eq!(each.len(), runs, "{what}");
    for r in each {
        assert_eq!(r["received"], count, "{what}");
        assert!(
            r["msgs_per_sec"].as_f64().is_some_and(|x| x > 0.0),
            "{what}"
        );
    }
    let mode = o["mode"].as_str().expect("mode");
    match mode {
        "thr" => assert!(o["lat_us"].is_null() && o["rate"].is_null(), "{what}"),
        "lat" | "rate" => {
            let lat = &o["lat_us"];
            let v: Vec<f64> = LAT.iter().map(|k| lat[*k].as_f64().expect(k)).collect();
            assert!(v[0] > 0.0, "{what}: {lat}");
            for w in v[..6].windows(2) {
                assert!(w[0] <= w[1], "{what}: percentiles out of order: {lat}");
            }
            assert!(v[6] > 0.0 && v[6] <= v[5], "{what}: mean {lat}");
            assert_eq!(o["rate"].is_null(), mode == "lat", "{what}");
        }
        other => panic!("{what}: mode {other}"),
    }
    let ratios = o["ratios"].as_object().expect("ratios");
    for key in RATIOS {
        assert!(ratios.contains_key(key), "{what}: no ratio {key}");
    }
    o
}

#[test]
fn a_quick_run_writes_every_field_of_the_schema() {
    let scenarios = vec![
        scenario("tcp-push-pull-64", 3000),
        scenario("ipc-push-pull-1k", 1000),
        scenario("inproc-pub-sub-64-2subs", 1000),
        scenario("tcp-req-rep-64", 300),
        scenario("inproc-dealer-router-100", 300),
        scenario("tcp-push-pull-64-at-20000", 300),
        scenario("tcp-req-rep-64-at-5000", 200),
    ];
    let opts = options(scenarios.clone(), vec![Impl::Ringmq], 2);
    let mut lines = Vec::new();
    let rows = bench(&opts, &Env::detect(), &mut |l| lines.push(l.to_string()));
    assert_eq!(lines.len(), scenarios.len() * 2, "a progress line per run");
    let json: Value = serde_json::to_value(&rows).expect("rows serialize");
    let rows = json.as_array().expect("an array");
    assert_eq!(rows.len(), scenarios.len());
    for (row, sc) in rows.iter().zip(&scenarios) {
        let o = check_row(row, 2);
        assert_eq!(o["impl"], "ringmq");
        assert_eq!(o["scenario"], sc.name());
        assert_eq!(o["pattern"], sc.pattern.name());
        assert_eq!(o["transport"], sc.transport.name());
        assert_eq!(o["size"], sc.size);
        assert_eq!(o["count"], sc.count);
        assert_eq!(o["rate"], serde_json::to_value(sc.rate).expect("rate"));
        assert_eq!(
            o["subscribers"],
            serde_json::to_value(sc.subscribers()).expect("subs")
        );
        // No peer ran: no ratio.
        assert!(o["ratios"]
            .as_object()
            .expect("ratios")
            .values()
            .all(Value::is_null));
    }
}

#[test]
fn ratios_compare_the_implementations_of_the_same_invocation() {
    let scenarios = vec![
        scenario("tcp-push-pull-64", 2000),
        scenario("tcp-req-rep-64", 200),
    ];
    let opts = options(scenarios, Impl::ALL.to_vec(), 1);
    let rows = bench(&opts, &Env::detect(), &mut |_| {});
    let json: Value = serde_json::to_value(&rows).expect("rows serialize");
    let rows = json.as_array().expect("an array");
    assert_eq!(rows.len(), 8, "2 scenarios × 4 implementations");
    for row in rows {
        check_row(row, 1);
    }
    let find = |sc: &str, imp: &str| {
        rows.iter()
            .find(|r| r["scenario"] == sc && r["impl"] == imp)
            .unwrap_or_else(|| panic!("no {sc} row for {imp}"))
    };
    let libzmq = find("tcp-push-pull-64", "libzmq");
    assert!(libzmq["version"]
        .as_str()
        .is_some_and(|v| v.starts_with("4.")));
    assert!(
        libzmq["impl_notes"]["library"]
            .as_str()
            .is_some_and(|l| l.contains("libzmq.so")),
        "the system's shared libzmq is linked: {}",
        libzmq["impl_notes"]
    );
    let zmqrs = find("tcp-push-pull-64", "zmqrs");
    assert_eq!(zmqrs["impl_notes"]["flavor"], "current_thread");

    let ringmq = find("tcp-push-pull-64", "ringmq");
    for peer in ["libzmq", "zmqrs", "rawtcp"] {
        let expected = ringmq["msgs_per_sec"].as_f64().unwrap()
            / find("tcp-push-pull-64", peer)["msgs_per_sec"]
                .as_f64()
                .unwrap();
        let got = ringmq["ratios"][format!("thr_vs_{peer}")]
            .as_f64()
            .expect("a ratio");
        assert!(
            (got - expected).abs() <= 0.001 + expected * 1e-3,
            "{peer}: {got} vs {expected}"
        );
        assert!(
            ringmq["ratios"][format!("p50_vs_{peer}")].is_null(),
            "no latency in a stream"
        );
    }
    let ringmq = find("tcp-req-rep-64", "ringmq");
    for peer in ["libzmq", "zmqrs", "rawtcp"] {
        for p in ["p50", "p99", "p999"] {
            let expected = ringmq["lat_us"][p].as_f64().unwrap()
                / find("tcp-req-rep-64", peer)["lat_us"][p].as_f64().unwrap();
            let got = ringmq["ratios"][format!("{p}_vs_{peer}")]
                .as_f64()
                .expect("a ratio");
            assert!(
                (got - expected).abs() <= 0.001 + expected * 1e-3,
                "{p} vs {peer}"
            );
        }
    }
    // A row has no ratio against its own implementation.
    assert!(find("tcp-req-rep-64", "libzmq")["ratios"]["p50_vs_libzmq"].is_null());
}

#[test]
fn the_raw_floor_streams_and_ping_pongs() {
    for transport in ["tcp", "ipc"] {
        let stream = scenario(&format!("{transport}-push-pull-100"), 20_000);
        let o = run::run(&RawTcp, &stream, 1).expect("a raw stream");
        assert_eq!(o.received, 20_000);
        assert!(o.msgs_per_sec > 0.0 && o.hist.is_none());

        let big = scenario(&format!("{transport}-push-pull-64k"), 200);
        assert_eq!(
            run::run(&RawTcp, &big, 2).expect("a raw stream").received,
            200
        );

        let fanout = scenario(&format!("{transport}-pub-sub-64-3subs"), 5_000);
        assert_eq!(
            run::run(&RawTcp, &fanout, 3)
                .expect("a raw fan-out")
                .received,
            5_000
        );

        let pingpong = scenario(&format!("{transport}-req-rep-64"), 500);
        let o = run::run(&RawTcp, &pingpong, 4).expect("a raw ping-pong");
        assert_eq!(o.hist.expect("round trips").len(), 500);

        let paced = scenario(&format!("{transport}-push-pull-64-at-10000"), 300);
        let o = run::run(&RawTcp, &paced, 5).expect("a paced raw stream");
        assert_eq!(o.hist.expect("one-way latencies").len(), 300);
    }
    let inproc = scenario("inproc-push-pull-64", 10);
    assert!(run::run(&RawTcp, &inproc, 6).is_err(), "no raw inproc");
    assert_eq!(inproc.transport, Transport::Inproc);
    assert_eq!(inproc.pattern, Pattern::PushPull);
}

#[test]
fn ringmq_bench_quick_runs_end_to_end() {
    let dir = std::env::temp_dir().join(format!("ringmq-bench-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let jsonl = dir.join("quick.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_ringmq-bench"))
        .args([
            "--quick", "--impl", "ringmq", "--count", "200", "--runs", "1", "--jsonl", "--out",
        ])
        .arg(&jsonl)
        .output()
        .expect("run ringmq-bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ringmq-bench failed: {stderr}");
    let text = std::fs::read_to_string(&jsonl).expect("the JSON lines");
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    assert_eq!(
        rows.len(),
        Matrix::Quick.scenarios().len(),
        "one line per scenario"
    );
    for row in &rows {
        let o = check_row(row, 1);
        assert_eq!(o["count"], 200);
        assert_eq!(o["options"]["matrix"], "quick");
    }
    assert!(stderr.contains("[1/"), "progress lines on stderr: {stderr}");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("tcp-push-pull-64 "),
        "the table on stdout: {table}"
    );

    // Without --out, the JSON array goes to stdout.
    let out = Command::new(env!("CARGO_BIN_EXE_ringmq-bench"))
        .args([
            "--scenario",
            "inproc-req-rep-64",
            "--impl",
            "ringmq",
            "--count",
            "50",
            "--runs",
            "1",
        ])
        .output()
        .expect("run ringmq-bench");
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).expect("a JSON array on stdout");
    assert_eq!(json.as_array().map(Vec::len), Some(1));

    let bad = Command::new(env!("CARGO_BIN_EXE_ringmq-bench"))
        .args(["--scenario", "tcp-push-pull"])
        .output()
        .expect("run ringmq-bench");
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
