//! The regression check, history parsing, the SVG figures and the README
//! table, on synthetic runs in ringmq-bench's schema. No timings are taken.

use ringmq_perf_report::compare::{compare, render, Options, Verdict};
use ringmq_perf_report::history::{
    find_commit, group_runs, parse_records, previous_of, resolve, Run,
};
use ringmq_perf_report::merge::{merge, Meta};
use ringmq_perf_report::plot::{figures, render_svg};
use ringmq_perf_report::record::Record;
use ringmq_perf_report::table;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

/// Figures of one implementation in one scenario.
#[derive(Clone, Copy)]
struct Fig {
    thr: f64,
    lat: Option<[f64; 3]>,
    instr: Option<f64>,
}

const IMPLS: [&str; 4] = ["ringmq", "libzmq", "zmqrs", "rawtcp"];

/// (transport, pattern, size, rate) and each implementation's figures.
type Scen = (&'static str, &'static str, u64, Option<u64>, [Fig; 4]);

fn scenarios() -> Vec<Scen> {
    let f = |thr, lat, instr| Fig { thr, lat, instr };
    vec![
        (
            "tcp",
            "push-pull",
            64,
            None,
            [
                f(7.0e6, None, None),
                f(3.5e6, None, None),
                f(2.5e6, None, None),
                f(2.25e8, None, None),
            ],
        ),
        (
            "tcp",
            "req-rep",
            64,
            None,
            [
                f(3.0e4, Some([28.0, 40.0, 50.0]), None),
                f(1.4e4, Some([70.7, 94.0, 115.0]), None),
                f(2.2e4, Some([43.6, 67.4, 103.0]), None),
                f(3.8e4, Some([26.2, 38.2, 47.8]), None),
            ],
        ),
        (
            "tcp",
            "push-pull",
            64,
            Some(20_000),
            [
                f(2.0e4, Some([15.0, 30.0, 60.0]), None),
                f(2.0e4, Some([30.0, 60.0, 120.0]), None),
                f(2.0e4, Some([25.0, 50.0, 100.0]), None),
                f(2.0e4, Some([10.0, 20.0, 40.0]), None),
            ],
        ),
        (
            "inproc",
            "push-pull",
            64,
            None,
            [
                f(9.0e6, None, Some(480.0)),
                f(5.0e6, None, Some(1027.0)),
                f(0.0, None, None),
                f(0.0, None, None),
            ],
        ),
    ]
}

/// One run's bench objects, with ratios computed as the bench does (ringmq
/// ÷ peer), the whole run scaled by `scale` per implementation and ringmq's
/// figures changed by `tweak`.
fn run_values(commit: &str, dirty: bool, date: &str, tweak: &dyn Fn(&str, &mut Fig)) -> Vec<Value> {
    let mut out = Vec::new();
    for (transport, pattern, size, rate, figs) in scenarios() {
        let mut figs = figs;
        tweak(&format!("{transport} {pattern}"), &mut figs[0]);
        for (i, imp) in IMPLS.iter().enumerate() {
            let fg = figs[i];
            if fg.thr == 0.0 {
                continue;
            }
            let mut ratios = serde_json::Map::new();
            if i == 0 {
                for (j, peer) in IMPLS.iter().enumerate().skip(1) {
                    if figs[j].thr == 0.0 {
                        continue;
                    }
                    ratios.insert(format!("thr_vs_{peer}"), json!(fg.thr / figs[j].thr));
                    if let (Some(a), Some(b)) = (fg.lat, figs[j].lat) {
                        for (k, key) in ["p50", "p99", "p999"].iter().enumerate() {
                            ratios.insert(format!("{key}_vs_{peer}"), json!(a[k] / b[k]));
                        }
                    }
                }
            }
            let lat = fg.lat.map(|l| {
                json!({"p50": l[0], "p90": l[0] * 1.1, "p99": l[1], "p999": l[2],
                       "p9999": l[2] * 1.2, "max": l[2] * 2.0, "mean": l[0] * 1.05})
            });
            let mode = if rate.is_some() {
                "rate"
            } else if fg.lat.is_some() {
                "lat"
            } else {
                "thr"
            };
            let mut v = json!({
                "schema": 1,
                "scenario": match rate {
                    Some(r) => format!("{transport}-{pattern}-{size}-at-{r}"),
                    None => format!("{transport}-{pattern}-{size}"),
                },
                "commit": commit, "dirty": dirty, "date": date,
                "machine": {"cpu": "AMD EPYC 9B14", "cores": 2, "kernel": "6.18.44"},
                "impl": imp, "version": "0.1.0", "pattern": pattern, "transport": transport,
                "size": size, "count": 1_000_000, "subscribers": null, "mode": mode, "runs": 7,
                "msgs_per_sec": fg.thr, "mb_per_sec": fg.thr * size as f64 / 1e6,
                "lat_us": lat, "rate": rate, "ratios": ratios,
            });
            if let Some(instr) = fg.instr {
                v["instr_per_msg"] = json!(instr);
            }
            out.push(v);
        }
    }
    out
}

fn to_run(values: Vec<Value>) -> Run {
    let records: Vec<Record> = values.into_iter().filter_map(Record::from_value).collect();
    let mut runs = group_runs(records);
    assert_eq!(runs.len(), 1);
    runs.remove(0)
}

fn baseline() -> Run {
    to_run(run_values(
        "aaaa1111",
        false,
        "2026-11-26T10:00:00Z",
        &|_, _| {},
    ))
}

fn current(tweak: &dyn Fn(&str, &mut Fig)) -> Run {
    to_run(run_values("bbbb2222", false, "2026-11-27T10:00:00Z", tweak))
}

fn opts() -> Options {
    Options::default() // 5%, ratios to libzmq gate
}

#[test]
fn unchanged_run_passes() {
    let cmp = compare(&baseline(), &current(&|_, _| {}), &opts());
    assert!(!cmp.has_regression(), "{}", render(&cmp));
    // Throughput, p50/p99/p99.9 and instructions were all checked.
    let checked: Vec<&str> = cmp
        .rows
        .iter()
        .filter(|r| r.verdict == Verdict::Ok)
        .map(|r| r.metric.as_str())
        .collect();
    for m in [
        "thr_vs_libzmq",
        "p50_vs_libzmq",
        "p99_vs_libzmq",
        "p999_vs_libzmq",
        "instr_per_msg",
    ] {
        assert!(checked.contains(&m), "{m} not checked: {checked:?}");
    }
    assert!(render(&cmp).contains("RESULT: no regression"));
}

#[test]
fn noise_under_the_threshold_passes() {
    // ±3–4% on every ringmq figure: ratios move by as much, under 5%.
    let noisy = current(&|sc, f| {
        f.thr *= if sc.starts_with("tcp") { 0.97 } else { 1.04 };
        if let Some(l) = &mut f.lat {
            l[0] *= 1.03;
            l[1] *= 0.96;
            l[2] *= 1.045;
        }
        if let Some(i) = &mut f.instr {
            *i *= 1.04;
        }
    });
    let cmp = compare(&baseline(), &noisy, &opts());
    assert!(!cmp.has_regression(), "{}", render(&cmp));
}

#[test]
fn throughput_ratio_down_20_percent_is_a_regression() {
    let slow = current(&|sc, f| {
        if sc == "tcp push-pull" {
            f.thr *= 0.8;
        }
    });
    let cmp = compare(&baseline(), &slow, &opts());
    let regs = cmp.regressions();
    assert_eq!(regs.len(), 1, "{}", render(&cmp));
    assert_eq!(regs[0].metric, "thr_vs_libzmq");
    assert_eq!(regs[0].scenario.transport, "tcp");
    assert!((regs[0].change().unwrap() + 0.2).abs() < 1e-9);
    let text = render(&cmp);
    assert!(
        text.contains("REGRESSION") && text.contains("-20.0%"),
        "{text}"
    );
}

#[test]
fn instructions_up_20_percent_is_a_regression() {
    let heavy = current(&|_, f| {
        if let Some(i) = &mut f.instr {
            *i *= 1.2;
        }
    });
    let cmp = compare(&baseline(), &heavy, &opts());
    let regs = cmp.regressions();
    assert_eq!(regs.len(), 1, "{}", render(&cmp));
    assert_eq!(regs[0].metric, "instr_per_msg");
    assert_eq!(regs[0].impl_name, "ringmq");
    // A tighter instruction threshold catches even 2%, timings aside.
    let slight = current(&|_, f| {
        if let Some(i) = &mut f.instr {
            *i *= 1.02;
        }
    });
    let tight = Options {
        instr_threshold: 0.01,
        ..opts()
    };
    assert!(compare(&baseline(), &slight, &tight).has_regression());
    assert!(!compare(&baseline(), &slight, &opts()).has_regression());
}

#[test]
fn latency_ratio_up_is_a_regression_and_down_an_improvement() {
    let slower = current(&|sc, f| {
        if let (Some(l), "tcp req-rep") = (&mut f.lat, sc) {
            l[2] *= 1.2; // p99.9 only
        }
    });
    let cmp = compare(&baseline(), &slower, &opts());
    let regs = cmp.regressions();
    assert_eq!(regs.len(), 1, "{}", render(&cmp));
    assert_eq!(regs[0].metric, "p999_vs_libzmq");

    let faster = current(&|_, f| {
        f.thr *= 1.3;
        if let Some(l) = &mut f.lat {
            l.iter_mut().for_each(|x| *x *= 0.7);
        }
    });
    let cmp = compare(&baseline(), &faster, &opts());
    assert!(!cmp.has_regression(), "{}", render(&cmp));
    assert!(cmp.rows.iter().any(|r| r.verdict == Verdict::Improved));
}

#[test]
fn the_far_tail_and_round_trips_per_second_do_not_gate() {
    // p99.99, max and round trips/s of a ping-pong are noisy or redundant:
    // shown with --all, never a regression.
    let mut values = run_values("bbbb2222", false, "d2", &|_, _| {});
    for v in &mut values {
        if v["impl"] == "ringmq" && v["mode"] == "lat" {
            v["ratios"]["p9999_vs_libzmq"] = json!(9.0);
            v["ratios"]["max_vs_libzmq"] = json!(9.0);
            v["ratios"]["thr_vs_libzmq"] = json!(0.1);
        }
    }
    let mut base = run_values("aaaa1111", false, "d1", &|_, _| {});
    for v in &mut base {
        if v["impl"] == "ringmq" && v["mode"] == "lat" {
            v["ratios"]["p9999_vs_libzmq"] = json!(1.0);
            v["ratios"]["max_vs_libzmq"] = json!(1.0);
        }
    }
    let (b, c) = (to_run(base), to_run(values));
    let cmp = compare(&b, &c, &opts());
    assert!(!cmp.has_regression(), "{}", render(&cmp));
    let all = Options {
        all: true,
        ..opts()
    };
    let cmp = compare(&b, &c, &all);
    assert!(!cmp.has_regression(), "{}", render(&cmp));
    let text = render(&cmp);
    assert!(
        text.contains("max vs libzmq") && text.contains("p50 vs zmq.rs"),
        "{text}"
    );
}

/// Sets `each_run` msg/s of tcp-push-pull-64 for ringmq and libzmq.
fn with_runs(mut values: Vec<Value>, ringmq: [f64; 3], libzmq: [f64; 3]) -> Run {
    for v in &mut values {
        if v["scenario"] != "tcp-push-pull-64" {
            continue;
        }
        let runs = match v["impl"].as_str() {
            Some("ringmq") => ringmq,
            Some("libzmq") => libzmq,
            _ => continue,
        };
        v["each_run"] = runs
            .iter()
            .map(|x| json!({"msgs_per_sec": x, "lat_us": null}))
            .collect();
    }
    to_run(values)
}

#[test]
fn outside_spread_tells_a_shift_from_noise() {
    let spread = Options {
        outside_spread: true,
        ..opts()
    };
    let slow = |sc: &str, f: &mut Fig| {
        if sc == "tcp push-pull" {
            f.thr *= 0.8;
        }
    };
    let base_values = run_values("aaaa1111", false, "d1", &|_, _| {});
    // Baseline per-run ratios 1.6 … 2.4 (median 2.0).
    let b = with_runs(base_values, [6.0e6, 7.0e6, 8.4e6], [3.75e6, 3.5e6, 3.5e6]);
    // −20% at the median, but one run (2.0) inside the baseline's range.
    let noisy = with_runs(
        run_values("bbbb2222", false, "d2", &slow),
        [5.6e6, 5.6e6, 7.0e6],
        [3.5e6, 3.5e6, 3.5e6],
    );
    let cmp = compare(&b, &noisy, &spread);
    assert!(!cmp.has_regression(), "{}", render(&cmp));
    assert!(cmp.rows.iter().any(|r| r.verdict == Verdict::Noise));
    assert!(render(&cmp).contains("within the run-to-run spread"));
    // Without the option the same run is a regression.
    assert!(compare(&b, &noisy, &opts()).has_regression());
    // Every run below the baseline's lowest: a regression either way.
    let shifted = with_runs(
        run_values("bbbb2222", false, "d2", &slow),
        [5.2e6, 5.5e6, 5.4e6],
        [3.5e6, 3.5e6, 3.5e6],
    );
    assert_eq!(compare(&b, &shifted, &spread).regressions().len(), 1);
}

#[test]
fn a_scenario_that_fails_on_ringmq_is_a_regression() {
    let mut values = run_values("bbbb2222", false, "d2", &|_, _| {});
    for v in &mut values {
        if v["impl"] == "ringmq" && v["scenario"] == "tcp-push-pull-64" {
            v["error"] = json!("recv timed out after 30 s");
            v["msgs_per_sec"] = Value::Null;
            v["ratios"] = json!({"thr_vs_libzmq": null});
        }
        // A failure of a peer is not ringmq's regression.
        if v["impl"] == "zmqrs" && v["scenario"] == "tcp-req-rep-64" {
            v["error"] = json!("zmq.rs hung");
        }
    }
    let cmp = compare(&baseline(), &to_run(values), &opts());
    let regs = cmp.regressions();
    assert_eq!(regs.len(), 1, "{}", render(&cmp));
    assert_eq!(regs[0].verdict, Verdict::Failed);
    let text = render(&cmp);
    assert!(text.contains("recv timed out"), "{text}");
}

#[test]
fn ratios_are_computed_when_the_bench_left_them_out() {
    let strip = |mut vs: Vec<Value>| {
        for v in &mut vs {
            v.as_object_mut().unwrap().remove("ratios");
        }
        vs
    };
    let b = to_run(strip(run_values("aaaa1111", false, "d1", &|_, _| {})));
    let c = to_run(strip(run_values("bbbb2222", false, "d2", &|sc, f| {
        if sc == "tcp push-pull" {
            f.thr *= 0.8;
        }
    })));
    let cmp = compare(&b, &c, &opts());
    assert_eq!(cmp.regressions().len(), 1, "{}", render(&cmp));
    let sc = &cmp.regressions()[0].scenario;
    assert!((b.ratio("ringmq", sc, "thr_vs_libzmq").unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn history_parsing_tolerates_unknown_fields_and_bad_lines() {
    let mut text = String::new();
    for mut v in run_values("aaaa1111", false, "d1", &|_, _| {}) {
        v["some_future_field"] = json!({"nested": [1, 2, 3]});
        v["lat_us"]
            .as_object_mut()
            .map(|l| l.insert("p99999".into(), json!(1.0)));
        v["run"] = json!("r1");
        text.push_str(&serde_json::to_string(&v).unwrap());
        text.push('\n');
    }
    text.push_str("<<<<<<< HEAD\n"); // a merge conflict marker
    text.push_str(r#"{"schema":2,"impl":"ringmq","commit":"cccc3333","run":"r2","pattern":"push-pull","transport":"tcp","size":64,"msgs_per_sec":"fast","new_thing":true}"#);
    text.push('\n');
    text.push_str("[1,2]\n");
    let parsed = parse_records(&text);
    assert_eq!(parsed.records.len(), 15);
    assert!(parsed.warnings.iter().any(|w| w.contains("not JSON")));
    assert!(parsed.warnings.iter().any(|w| w.contains("schema 2")));
    let runs = group_runs(parsed.records);
    assert_eq!(runs.len(), 2);
    // A wrongly-typed figure reads as absent.
    assert_eq!(runs[1].records[0].msgs_per_sec(), None);
    // Unknown fields survive a trip through `record`.
    let merged = merge(runs[0].records.clone(), vec![], &Meta::default());
    assert!(merged[0]
        .to_json_line()
        .contains(r#""some_future_field":{"nested":[1,2,3]}"#));
    // The bench's pretty-printed output (a stream of objects) parses too.
    let pretty: String = run_values("aaaa1111", false, "d1", &|_, _| {})
        .iter()
        .map(|v| serde_json::to_string_pretty(v).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(parse_records(&pretty).records.len(), 14);
}

#[test]
fn a_baseline_is_never_a_run_on_the_other_backend() {
    // run0 and run2 on io_uring (run0 from before records named the
    // backend), run1 on epoll.
    let mut values = Vec::new();
    for (i, (c, engine)) in [
        ("aaaa1111", None),
        ("bbbb2222", Some("epoll")),
        ("cccc3333", Some("io_uring")),
    ]
    .iter()
    .enumerate()
    {
        for mut v in run_values(c, false, &format!("d{i}"), &|_, _| {}) {
            v["run"] = json!(format!("run{i}"));
            match engine {
                Some(e) if v["impl"] == "ringmq" => v["impl_notes"] = json!({ "engine": e }),
                _ => {}
            }
            values.push(v);
        }
    }
    let runs = group_runs(values.into_iter().filter_map(Record::from_value).collect());
    assert_eq!(
        runs.iter().map(Run::backend).collect::<Vec<_>>(),
        ["io_uring", "epoll", "io_uring"]
    );
    assert_eq!(previous_of(&runs, &runs[2]).unwrap().id, "run0");
    assert!(previous_of(&runs, &runs[1]).is_none());
    assert!(resolve("bbbb", Some(&runs), Some(&runs[2])).is_err());
    assert_eq!(
        resolve("aaaa", Some(&runs), Some(&runs[2])).unwrap().id,
        "run0"
    );
}

#[test]
fn a_baseline_is_never_a_run_with_another_spin_budget_or_engine_mode() {
    // run0 without a budget (before records named one), run1 spinning
    // 50 µs, run2 with the budget 0 said out loud, run3 in inline mode,
    // run4 with the adaptive default (-1).
    let mut values = Vec::new();
    for (i, (c, spin)) in [
        ("aaaa1111", None),
        ("bbbb2222", Some(50)),
        ("cccc3333", Some(0)),
        ("dddd4444", Some(0)),
        ("eeee5555", Some(-1)),
    ]
    .iter()
    .enumerate()
    {
        for mut v in run_values(c, false, &format!("d{i}"), &|_, _| {}) {
            v["run"] = json!(format!("run{i}"));
            if v["impl"] == "ringmq" {
                v["impl_notes"] = json!({ "engine": "epoll", "spin_us": spin });
                if i == 3 {
                    v["impl_notes"]["mode"] = json!("inline");
                }
            }
            values.push(v);
        }
    }
    let runs = group_runs(values.into_iter().filter_map(Record::from_value).collect());
    assert_eq!(
        runs.iter().map(Run::backend).collect::<Vec<_>>(),
        [
            "epoll",
            "epoll, spinning 50 µs",
            "epoll",
            "epoll, inline",
            "epoll, adaptive spin"
        ]
    );
    assert!(previous_of(&runs, &runs[4]).is_none());
    assert_eq!(previous_of(&runs, &runs[2]).unwrap().id, "run0");
    assert!(previous_of(&runs, &runs[3]).is_none());
    assert!(previous_of(&runs, &runs[1]).is_none());
    assert!(resolve("bbbb", Some(&runs), Some(&runs[2])).is_err());
    // The table says which setup the figures come from.
    assert!(table::render(&runs[1]).contains("ringmq on epoll, spinning 50 µs"));
}

#[test]
fn runs_are_picked_by_commit_prefix_and_previous_skips_reruns() {
    let mut values = Vec::new();
    for (i, (c, d)) in [
        ("aaaa1111", false),
        ("bbbb2222", false),
        ("bbbb2222", true),
        ("bbbb2222", true),
    ]
    .iter()
    .enumerate()
    {
        for mut v in run_values(c, *d, &format!("d{i}"), &|_, _| {}) {
            v["run"] = json!(format!("run{i}"));
            values.push(v);
        }
    }
    let runs = group_runs(values.into_iter().filter_map(Record::from_value).collect());
    assert_eq!(runs.len(), 4);
    assert_eq!(find_commit(&runs, "bbbb").unwrap().id, "run1"); // the clean one
    assert_eq!(find_commit(&runs, "bbbb+dirty").unwrap().id, "run3");
    assert_eq!(find_commit(&runs, "aaaa1111").unwrap().id, "run0");
    assert_eq!(previous_of(&runs, &runs[3]).unwrap().id, "run1");
    assert_eq!(previous_of(&runs, &runs[1]).unwrap().id, "run0");
    assert!(previous_of(&runs, &runs[0]).is_none());
    // A baseline named by commit is never the current run itself.
    assert_eq!(
        resolve("bbbb+dirty", Some(&runs), Some(&runs[3]))
            .unwrap()
            .id,
        "run2"
    );
    assert_eq!(resolve("run1", Some(&runs), None).unwrap().id, "run1");
    assert_eq!(resolve("latest", Some(&runs), None).unwrap().id, "run3");
    assert!(resolve("ffff", Some(&runs), None).is_err());
}

#[test]
fn instruction_counts_merge_into_the_bench_line() {
    let bench: Vec<Record> = run_values("aaaa1111", false, "d1", &|_, _| {})
        .into_iter()
        .filter_map(Record::from_value)
        .map(|mut r| {
            r.instr_per_msg = None;
            r
        })
        .collect();
    let instr = |imp: &str, transport: &str, n: f64| {
        Record::from_value(json!({"kind": "instr", "impl": imp, "transport": transport,
            "pattern": "push-pull", "size": 64, "rate": null, "instr_per_msg": n,
            "instr_tool": "callgrind", "instr_count": 100000}))
        .unwrap()
    };
    let meta = Meta {
        run_id: "r9".into(),
        dirty: Some(false),
        ..Meta::default()
    };
    let n = bench.len();
    let merged = merge(
        bench,
        vec![
            instr("ringmq", "inproc", 512.0),
            instr("ringmq", "ipc", 700.0),
        ],
        &meta,
    );
    assert_eq!(merged.len(), n + 1); // ipc was not in the bench: its own line
    let run = group_runs(merged).remove(0);
    let sc = run
        .scenarios()
        .into_iter()
        .find(|s| s.transport == "inproc")
        .unwrap();
    let r = run.find("ringmq", &sc).unwrap();
    assert_eq!(r.instr_per_msg(), Some(512.0));
    assert!(r.msgs_per_sec().is_some());
    let ipc = run.records.last().unwrap();
    assert_eq!(ipc.commit(), "aaaa1111");
    assert_eq!(ipc.run_id(), Some("r9"));
}

fn history_of(n: usize) -> Vec<Run> {
    let mut values = Vec::new();
    for i in 0..n {
        let k = 1.0 + i as f64 * 0.05;
        for mut v in run_values(
            &format!("{:07x}deadbeef", 0x1000 + i),
            i == n - 1,
            &format!("d{i}"),
            &|_, f| {
                f.thr *= k;
                if let Some(l) = &mut f.lat {
                    l.iter_mut().for_each(|x| *x /= k);
                }
            },
        ) {
            v["run"] = json!(format!("run{i}"));
            values.push(v);
        }
    }
    group_runs(values.into_iter().filter_map(Record::from_value).collect())
}

#[test]
fn svg_figures_are_well_formed_with_one_line_per_implementation() {
    let runs = history_of(6);
    let figs = figures(&runs);
    let names: Vec<&str> = figs.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"thr-tcp-push-pull-64.svg"), "{names:?}");
    assert!(names.contains(&"lat-tcp-req-rep-64.svg"), "{names:?}");
    assert!(
        names.contains(&"instr-inproc-push-pull-64.svg"),
        "{names:?}"
    );
    for (name, fig) in &figs {
        let svg = render_svg(fig);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let panels: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("panel"))
            .collect();
        assert_eq!(panels.len(), fig.panels.len(), "{name}");
        for (panel, spec) in panels.iter().zip(&fig.panels) {
            let mut lines: Vec<&str> = panel
                .descendants()
                .filter(|n| n.has_tag_name("polyline"))
                .map(|n| n.attribute("data-impl").unwrap())
                .collect();
            let mut want: Vec<&str> = spec.series.iter().map(|s| s.name.as_str()).collect();
            lines.sort();
            want.sort();
            assert_eq!(lines, want, "{name} {}", spec.title);
            // Every commit is a point of the line.
            for p in panel.descendants().filter(|n| n.has_tag_name("polyline")) {
                assert_eq!(
                    p.attribute("points").unwrap().split(' ').count(),
                    6,
                    "{name}"
                );
            }
        }
        // The legend names every implementation, and the commits are labelled.
        let text: String = doc
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap())
            .collect::<Vec<_>>()
            .join("|");
        assert!(text.contains("ringmq") && text.contains("libzmq"), "{name}");
        assert!(text.contains("0001005+dirty"), "{name}");
    }
    // Four implementations in tcp throughput; the latency figure has three
    // panels with a line per implementation in each.
    let thr = &figs
        .iter()
        .find(|(n, _)| n.starts_with("thr-tcp-push"))
        .unwrap()
        .1;
    assert_eq!(thr.panels[0].series.len(), 4);
    let lat = &figs.iter().find(|(n, _)| n.starts_with("lat-")).unwrap().1;
    assert_eq!(lat.panels.len(), 3);
    assert!(lat.panels.iter().all(|p| p.series.len() == 4));
}

#[test]
fn plot_writes_files_and_removes_stale_ones() {
    let dir = std::env::temp_dir().join(format!("ringmq-perf-report-plots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("thr-gone-1.svg"), "<svg/>").unwrap();
    std::fs::write(dir.join("mine.svg"), "<svg/>").unwrap();
    let names = ringmq_perf_report::plot::write_all(&history_of(3), &dir).unwrap();
    assert!(!dir.join("thr-gone-1.svg").exists());
    assert!(dir.join("mine.svg").exists()); // not one of ours
    for n in &names {
        roxmltree::Document::parse(&std::fs::read_to_string(dir.join(n)).unwrap()).unwrap();
    }
    let index = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(index.contains("thr-tcp-push-pull-64.svg"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn table_renders_ratios_and_machine() {
    let md = table::render(&baseline());
    assert!(
        md.contains("Machine: AMD EPYC 9B14, 2 cores, Linux 6.18.44."),
        "{md}"
    );
    assert!(
        md.contains("| scenario | ringmq msg/s | vs libzmq | vs zmq.rs | vs raw TCP |"),
        "{md}"
    );
    assert!(
        md.contains("| tcp PUSH/PULL 64 B | 7M | 2.00× | 2.80× | 0.031× |"),
        "{md}"
    );
    // Latency: ringmq's µs, then ratios at p50 / p99 / p99.9.
    assert!(
        md.contains("| tcp REQ/REP 64 B | 28 / 40 / 50 | 0.40 / 0.43 / 0.43× |"),
        "{md}"
    );
    assert!(
        md.contains("| inproc PUSH/PULL 64 B | 480 | 1,027 | 0.47× |"),
        "{md}"
    );
    // Every table row has as many cells as its header.
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let counts: Vec<usize> = block.lines().map(|l| l.matches(" | ").count()).collect();
        assert!(counts.windows(2).all(|w| w[0] == w[1]), "{block}");
    }
    // Into the README between the markers, twice in a row without growing.
    let readme = "# x\n\n## Performance\n\ntext\n\n<!-- perf-table:start -->\nOLD TABLE\n<!-- perf-table:end -->\n\nafter\n";
    let once = table::replace_section(readme, &md).unwrap();
    let twice = table::replace_section(&once, &md).unwrap();
    assert_eq!(once, twice);
    assert!(
        once.contains("| tcp PUSH/PULL 64 B")
            && !once.contains("OLD TABLE")
            && once.ends_with("after\n")
    );
    assert!(table::replace_section("no markers", &md).is_err());
}

/// A callgrind line of a perf tool, as `ringmq-perf-report callgrind`
/// writes it: `libzmq-tool` (libzmq's own inproc_thr) or `ringmq-tool`
/// (ringmq's port of it).
fn tool_line(imp: &str, instr: f64) -> Record {
    let cmd = match imp {
        "libzmq-tool" => "target/libzmq-perf/inproc_thr 64 200000",
        _ => "target/release/inproc_thr 64 200000",
    };
    Record::from_value(json!({"schema": 1, "kind": "instr", "impl": imp,
        "pattern": "push-pull", "transport": "inproc", "size": 64, "instr_per_msg": instr,
        "instr_tool": "callgrind", "instr_count": 200000, "instr_command": cmd}))
    .unwrap()
}

/// A run with perf tools measured too, as scripts/perf records them: a
/// callgrind line of its own per tool, merged into the run.
fn with_tools(run: Run, tools: &[(&str, f64)]) -> Run {
    let lines = tools.iter().map(|(imp, n)| tool_line(imp, *n)).collect();
    let meta = Meta {
        run_id: "r1".into(),
        ..Meta::default()
    };
    group_runs(merge(run.records, lines, &meta)).remove(0)
}

/// A run with libzmq's own inproc_thr measured too (impl `libzmq-tool`).
fn with_libzmq_tool(run: Run, instr: f64) -> Run {
    with_tools(run, &[("libzmq-tool", instr)])
}

#[test]
fn libzmq_tool_figure_is_tabled_and_compared() {
    let cur = with_libzmq_tool(baseline(), 960.0);
    let tool = cur.records.last().unwrap();
    assert_eq!(tool.impl_name(), "libzmq-tool");
    assert_eq!(tool.commit(), "aaaa1111"); // from the run's bench lines
    assert!(tool.machine().is_some());
    let md = table::render(&cur);
    assert!(
        md.contains("| scenario | ringmq | libzmq | libzmq inproc_thr | ringmq ÷ libzmq | ringmq ÷ libzmq inproc_thr |"),
        "{md}"
    );
    assert!(
        md.contains("| inproc PUSH/PULL 64 B | 480 | 1,027 | 960 | 0.47× | 0.50× |"),
        "{md}"
    );
    // A run without it (every run before this figure) keeps the old table.
    assert!(table::render(&baseline()).contains("| inproc PUSH/PULL 64 B | 480 | 1,027 | 0.47× |"));
    // compare: the tool's count and ringmq's ratio to it are shown, not
    // checked; a 20% rise of libzmq's own count is no regression of ringmq.
    let base = with_libzmq_tool(baseline(), 800.0);
    let cmp = compare(&base, &cur, &opts());
    assert!(!cmp.has_regression(), "{}", render(&cmp));
    let text = render(&cmp);
    assert!(text.contains("instr/msg (libzmq inproc_thr)"), "{text}");
    let row = cmp
        .rows
        .iter()
        .find(|r| r.metric == "instr_vs_libzmq-tool")
        .expect("a ratio row");
    assert_eq!(row.verdict, Verdict::Info);
    assert_eq!(row.current, Some(0.5));
    assert!(text.contains("instr vs libzmq inproc_thr"), "{text}");
    assert!(cmp.rows.iter().any(|r| r.metric == "instr_vs_libzmq"));
    // --instr-only (scripts/perf --callgrind-only): no timing rows.
    let only = Options {
        instr_only: true,
        ..opts()
    };
    let cmp = compare(&base, &cur, &only);
    assert!(cmp.rows.iter().all(|r| r.metric.starts_with("instr")));
    assert!(cmp.rows.iter().any(|r| r.metric == "instr_vs_libzmq-tool"));
    // Against a baseline from before the figure existed: shown as new.
    let cmp = compare(&baseline(), &cur, &opts());
    assert!(!cmp.has_regression());
}

/// ringmq's own inproc_thr (`ringmq-tool`) next to libzmq's: a column of
/// its own, the tool ÷ tool ratio (the ≤ 0.5× target) in the table and, as
/// information, in the comparison; its count gates like ringmq's.
#[test]
fn ringmq_tool_figure_is_tabled_gated_and_compared() {
    let cur = with_tools(
        baseline(),
        &[("libzmq-tool", 960.0), ("ringmq-tool", 432.0)],
    );
    let inproc = cur
        .scenarios()
        .into_iter()
        .find(|s| s.transport == "inproc")
        .unwrap();
    let tool = cur.find("ringmq-tool", &inproc).expect("its own line");
    assert_eq!(tool.commit(), "aaaa1111");
    assert!(tool.machine().is_some());
    assert_eq!(cur.impls()[..2], ["ringmq", "ringmq-tool"]);
    let md = table::render(&cur);
    assert!(
        md.contains(
            "| scenario | ringmq | libzmq | libzmq inproc_thr | ringmq inproc_thr | ringmq ÷ libzmq \
             | ringmq ÷ libzmq inproc_thr | ringmq inproc_thr ÷ libzmq inproc_thr |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| inproc PUSH/PULL 64 B | 480 | 1,027 | 960 | 432 | 0.47× | 0.50× | 0.45× |"),
        "{md}"
    );
    assert!(md.contains("headline ratio (target ≤ 0.5×)"), "{md}");
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let counts: Vec<usize> = block.lines().map(|l| l.matches(" | ").count()).collect();
        assert!(counts.windows(2).all(|w| w[0] == w[1]), "{block}");
    }
    // Only ringmq's tool: its column, no ratio without libzmq's.
    let alone = table::render(&with_tools(baseline(), &[("ringmq-tool", 432.0)]));
    assert!(
        alone.contains("| inproc PUSH/PULL 64 B | 480 | 1,027 | 432 | 0.47× |"),
        "{alone}"
    );
    assert!(!alone.contains("÷ libzmq inproc_thr"), "{alone}");

    // compare: unchanged, no regression; the tool ratio shown as info.
    let base = with_tools(
        baseline(),
        &[("libzmq-tool", 960.0), ("ringmq-tool", 432.0)],
    );
    let cmp = compare(&base, &cur, &opts());
    assert!(!cmp.has_regression(), "{}", render(&cmp));
    let text = render(&cmp);
    assert!(text.contains("instr/msg (ringmq inproc_thr)"), "{text}");
    assert!(
        text.contains("instr (ringmq inproc_thr) vs libzmq inproc_thr"),
        "{text}"
    );
    let row = cmp
        .rows
        .iter()
        .find(|r| r.impl_name == "ringmq-tool" && r.metric == "instr_vs_libzmq-tool")
        .expect("a tool ÷ tool row");
    assert_eq!(row.verdict, Verdict::Info);
    assert_eq!(row.current, Some(0.45));
    let own = cmp
        .rows
        .iter()
        .find(|r| r.impl_name == "ringmq-tool" && r.metric == "instr_per_msg")
        .expect("its count");
    assert_eq!(own.verdict, Verdict::Ok);
    // ringmq's inproc_thr 10% up: a regression, as ringmq's own count is;
    // in --instr-only too (scripts/perf --callgrind-only).
    let worse = with_tools(
        baseline(),
        &[("libzmq-tool", 960.0), ("ringmq-tool", 475.2)],
    );
    for o in [
        opts(),
        Options {
            instr_only: true,
            ..opts()
        },
    ] {
        let cmp = compare(&base, &worse, &o);
        let regs = cmp.regressions();
        assert_eq!(regs.len(), 1, "{}", render(&cmp));
        assert_eq!(regs[0].impl_name, "ringmq-tool");
        assert_eq!(regs[0].metric, "instr_per_msg");
        assert!(
            render(&cmp).contains("instr/msg (ringmq inproc_thr): 432 → 475"),
            "{}",
            render(&cmp)
        );
    }
    // Against a baseline from before the figure existed: new, not checked.
    let cmp = compare(&with_libzmq_tool(baseline(), 960.0), &cur, &opts());
    assert!(!cmp.has_regression());
    assert!(cmp
        .rows
        .iter()
        .any(|r| r.impl_name == "ringmq-tool" && r.verdict == Verdict::New));
}

/// A run of `scripts/perf --callgrind-only`: instruction lines only, no
/// bench line to take the commit, date and machine from.
#[test]
fn instruction_only_run_gets_commit_date_and_machine() {
    let lines = vec![
        tool_line("libzmq-tool", 960.0),
        tool_line("ringmq-tool", 432.0),
    ];
    let machine = ringmq_perf_report::record::Machine {
        cpu: Some("cpu".into()),
        cores: Some(2),
        kernel: Some("6.1".into()),
        ..Default::default()
    };
    let meta = Meta {
        run_id: "r2".into(),
        commit: Some("cccc3333".into()),
        date: Some("2026-01-02T00:00:00Z".into()),
        machine: Some(machine),
        dirty: Some(false),
    };
    let run = group_runs(merge(Vec::new(), lines, &meta)).remove(0);
    assert_eq!(run.records.len(), 2);
    for r in &run.records {
        assert_eq!(r.commit(), "cccc3333");
        assert_eq!(r.machine().as_deref(), Some("cpu, 2 cores, Linux 6.1"));
    }
    assert!(table::render(&run).contains("Machine: cpu, 2 cores, Linux 6.1."));
    // A line that has a machine keeps it.
    let mut own = tool_line("ringmq-tool", 432.0);
    own.machine = Some(ringmq_perf_report::record::Machine {
        cpu: Some("other".into()),
        ..Default::default()
    });
    let kept = merge(Vec::new(), vec![own], &meta);
    assert_eq!(kept[0].machine().as_deref(), Some("other"));
}

/// `record --detect-machine` fills this machine in, as ringmq-bench reads it.
#[test]
fn record_command_detects_the_machine() {
    let instr = write_jsonl(
        "instr-only",
        &[serde_json::to_value(tool_line("ringmq-tool", 432.0)).unwrap()],
    );
    let to = std::env::temp_dir().join(format!(
        "ringmq-perf-report-{}-instr-only-history.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&to);
    let out = Command::new(bin())
        .arg("record")
        .arg("--instr")
        .arg(&instr)
        .arg("--to")
        .arg(&to)
        .args([
            "--run-id",
            "r3",
            "--commit",
            "dddd4444",
            "--date",
            "2026-01-03T00:00:00Z",
        ])
        .arg("--detect-machine")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&to).unwrap();
    let r = Record::from_json(text.lines().next().unwrap()).unwrap();
    assert_eq!(r.commit(), "dddd4444");
    let m = r.machine.expect("a machine");
    assert!(m.cores.is_some_and(|c| c >= 1));
    assert!(m.cpu.is_some() && m.kernel.is_some());
    for p in [instr, to] {
        let _ = std::fs::remove_file(p);
    }
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ringmq-perf-report"))
}

fn write_jsonl(name: &str, values: &[Value]) -> PathBuf {
    let p = std::env::temp_dir().join(format!(
        "ringmq-perf-report-{}-{name}.jsonl",
        std::process::id()
    ));
    let text: String = values
        .iter()
        .map(|v| serde_json::to_string(v).unwrap() + "\n")
        .collect();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn compare_command_exits_1_on_regression_and_0_otherwise() {
    let b = write_jsonl("base", &run_values("aaaa1111", false, "d1", &|_, _| {}));
    let same = write_jsonl("same", &run_values("bbbb2222", false, "d2", &|_, _| {}));
    let slow = write_jsonl(
        "slow",
        &run_values("cccc3333", false, "d3", &|_, f| {
            f.thr *= 0.8;
        }),
    );
    let run = |cur: &PathBuf, threshold: &str| {
        Command::new(bin())
            .args(["compare", "--baseline"])
            .arg(&b)
            .arg("--current")
            .arg(cur)
            .args(["--threshold", threshold])
            .output()
            .unwrap()
    };
    let ok = run(&same, "5%");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = run(&slow, "5%");
    assert_eq!(bad.status.code(), Some(1));
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(
        out.contains("REGRESSION") && out.contains("thr vs libzmq"),
        "{out}"
    );
    // Beyond a 25% threshold, −20% passes.
    assert_eq!(run(&slow, "25").status.code(), Some(0));
    // A missing file or commit is an error, not a pass.
    let err = Command::new(bin())
        .args(["compare", "--baseline", "nonexistent", "--current"])
        .arg(&slow)
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    for p in [b, same, slow] {
        let _ = std::fs::remove_file(p);
    }
}
