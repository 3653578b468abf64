//! The README's performance table: ringmq's ratios to libzmq, zmq.rs and raw
//! TCP in one run, with the machine it ran on.

use crate::compare::{fmt_ratio, SUBJECT};
use crate::history::Run;
use crate::record::{
    fmt_si, fmt_sig, fmt_thousands, impl_label, Mode, Scenario, LIBZMQ_TOOL, PERCENTILES,
    RINGMQ_TOOL,
};

/// The peers a column is given to, in this order, when the run has them.
const PEERS: [&str; 3] = ["libzmq", "zmqrs", "rawtcp"];

fn ratio_cell(run: &Run, sc: &Scenario, metric: &str) -> String {
    run.ratio(SUBJECT, sc, metric)
        .map(|v| format!("{}×", fmt_ratio(v)))
        .unwrap_or_else(|| "—".to_string())
}

/// 8.67, 20.7, 162, 4,227.
fn fmt_us(v: f64) -> String {
    if v >= 1000.0 {
        fmt_thousands(v)
    } else {
        fmt_sig(v)
    }
}

fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

fn latency_table(run: &Run, scenarios: &[Scenario], peers: &[&str]) -> String {
    let mut out = String::new();
    let mut head = vec!["scenario".to_string(), "ringmq µs".to_string()];
    head.extend(peers.iter().map(|p| format!("vs {}", impl_label(p))));
    out.push_str(&row(&head));
    let mut rule = vec!["---".to_string(), "---:".to_string()];
    rule.extend(peers.iter().map(|_| "---:".to_string()));
    out.push_str(&row(&rule));
    for sc in scenarios {
        let r = run.find(SUBJECT, sc).expect("chosen by the caller");
        let own: Vec<String> = PERCENTILES
            .iter()
            .map(|(k, _)| r.lat(k).map(fmt_us).unwrap_or_else(|| "—".into()))
            .collect();
        let mut cells = vec![sc.to_string(), own.join(" / ")];
        for p in peers {
            let rs: Vec<String> = PERCENTILES
                .iter()
                .map(|(k, _)| {
                    run.ratio(SUBJECT, sc, &format!("{k}_vs_{p}"))
                        .map(fmt_ratio)
                        .unwrap_or_else(|| "—".into())
                })
                .collect();
            cells.push(if rs.iter().all(|c| c == "—") {
                "—".to_string()
            } else {
                format!("{}×", rs.join(" / "))
            });
        }
        out.push_str(&row(&cells));
    }
    out.push('\n');
    out
}

/// The Markdown: a line about the run, then tables for throughput, latency
/// and instructions per message (each only if the run has such figures).
pub fn render(run: &Run) -> String {
    let peers: Vec<&str> = PEERS
        .iter()
        .copied()
        .filter(|p| run.records.iter().any(|r| r.impl_name() == *p))
        .collect();
    let mut out = String::new();

    let runs_per = run
        .records
        .iter()
        .find_map(|r| r.runs)
        .map(|n| format!(", medians of {n} runs each"))
        .unwrap_or_default();
    out.push_str(&format!(
        "Commit `{}`{}, {}{}, ringmq on {}; every implementation measured in the same run, \
         so the ratios hold across machines better than the absolute figures.\n\n",
        run.label(),
        if run.dirty() {
            " (with uncommitted changes)"
        } else {
            ""
        },
        if run.date().is_empty() {
            "date unknown"
        } else {
            run.date()
        },
        runs_per,
        run.backend()
    ));
    if let Some(m) = run.machine() {
        out.push_str(&format!("Machine: {m}.\n\n"));
    }

    let mut thr = Vec::new();
    let mut lat = Vec::new();
    let mut rate = Vec::new();
    let mut instr = Vec::new();
    for sc in run.scenarios() {
        if let Some(r) = run.find(SUBJECT, &sc).filter(|r| r.error().is_none()) {
            match r.mode() {
                Mode::Throughput if r.msgs_per_sec().is_some() => thr.push(sc.clone()),
                Mode::Latency if r.has_latency() => lat.push(sc.clone()),
                Mode::Rate if r.has_latency() => rate.push(sc.clone()),
                _ => {}
            }
        }
        if run
            .records
            .iter()
            .any(|x| x.scenario() == sc && x.instr_per_msg().is_some())
        {
            instr.push(sc);
        }
    }

    if !thr.is_empty() {
        out.push_str(
            "Throughput — ringmq's messages per second, and ringmq ÷ peer (above 1×: ringmq is faster):\n\n",
        );
        let mut head = vec!["scenario".to_string(), "ringmq msg/s".to_string()];
        head.extend(peers.iter().map(|p| format!("vs {}", impl_label(p))));
        out.push_str(&row(&head));
        let mut rule = vec!["---".to_string(), "---:".to_string()];
        rule.extend(peers.iter().map(|_| "---:".to_string()));
        out.push_str(&row(&rule));
        for sc in &thr {
            let r = run.find(SUBJECT, sc).expect("chosen above");
            let mut cells = vec![
                sc.to_string(),
                r.msgs_per_sec().map(fmt_si).unwrap_or_else(|| "—".into()),
            ];
            cells.extend(
                peers
                    .iter()
                    .map(|p| ratio_cell(run, sc, &format!("thr_vs_{p}"))),
            );
            out.push_str(&row(&cells));
        }
        out.push('\n');
    }
    if !lat.is_empty() {
        out.push_str(
            "Round-trip latency — ringmq's p50 / p99 / p99.9 in µs, and ringmq ÷ peer at each \
             (below 1×: ringmq is faster):\n\n",
        );
        out.push_str(&latency_table(run, &lat, &peers));
    }
    if !rate.is_empty() {
        out.push_str(
            "At a fixed offered rate — latency from each message's intended send time (one way \
             for streams, round trip for req-rep), p50 / p99 / p99.9 in µs, and ringmq ÷ peer:\n\n",
        );
        out.push_str(&latency_table(run, &rate, &peers));
    }

    if !instr.is_empty() {
        out.push_str(&instr_table(run, &instr));
    }
    if thr.is_empty() && lat.is_empty() && rate.is_empty() && instr.is_empty() {
        out.push_str("(this run has no ringmq figures)\n");
    }
    out
}

/// Instructions per message of ringmq and of libzmq through the bench, and
/// (when the run measured them) of libzmq's own `inproc_thr` and ringmq's
/// port of it, with ringmq's ratio to each libzmq figure and the tool ÷
/// tool ratio: each side's own program, the figure the ≤ 0.5× target is
/// about.
fn instr_table(run: &Run, instr: &[Scenario]) -> String {
    let has = |imp: &str| run.records.iter().any(|r| r.impl_name() == imp);
    let (lt_on, rt_on) = (has(LIBZMQ_TOOL), has(RINGMQ_TOOL));
    let tools_on = lt_on && rt_on;
    let mut out = String::from(
        "Instructions per message, send and receive (callgrind, user space; repeatable to \
         about 0.5%, so this is the figure regressions are checked on first). ringmq and \
         libzmq run through ringmq-bench",
    );
    out.push_str(match (lt_on, rt_on) {
        (true, true) => {
            "; libzmq inproc_thr is libzmq's own perf tool (libzmq 4.3.5's perf/inproc_thr.cpp, \
             on the system's libzmq) and ringmq inproc_thr ringmq's port of it \
             (perf/src/bin/inproc_thr.rs, same command line): each side's own tool, so \
             ringmq inproc_thr ÷ libzmq inproc_thr is the headline ratio (target ≤ 0.5×):\n\n"
        }
        (true, false) => {
            "; libzmq inproc_thr is libzmq's own perf tool (libzmq 4.3.5's perf/inproc_thr.cpp, \
             on the system's libzmq):\n\n"
        }
        (false, true) => {
            "; ringmq inproc_thr is ringmq's port of libzmq's perf tool \
             (perf/src/bin/inproc_thr.rs):\n\n"
        }
        (false, false) => ":\n\n",
    });
    let tool_ratio_label = format!("{} ÷ {}", impl_label(RINGMQ_TOOL), impl_label(LIBZMQ_TOOL));
    let mut head: Vec<String> = vec!["scenario".into(), "ringmq".into(), "libzmq".into()];
    if lt_on {
        head.push(impl_label(LIBZMQ_TOOL).into());
    }
    if rt_on {
        head.push(impl_label(RINGMQ_TOOL).into());
    }
    head.push("ringmq ÷ libzmq".into());
    if lt_on {
        head.push(format!("ringmq ÷ {}", impl_label(LIBZMQ_TOOL)));
    }
    if tools_on {
        head.push(tool_ratio_label);
    }
    let mut rule = vec!["---".to_string()];
    rule.extend((1..head.len()).map(|_| "---:".to_string()));
    out.push_str(&row(&head));
    out.push_str(&row(&rule));
    let fmt = |v: Option<f64>| v.map(fmt_thousands).unwrap_or_else(|| "—".into());
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{}×", fmt_ratio(a / b)),
        _ => "—".into(),
    };
    for sc in instr {
        let of = |imp: &str| run.find(imp, sc).and_then(|r| r.instr_per_msg());
        let own = of(SUBJECT);
        let (lz, lt, rt) = (of("libzmq"), of(LIBZMQ_TOOL), of(RINGMQ_TOOL));
        let mut cells = vec![sc.to_string(), fmt(own), fmt(lz)];
        if lt_on {
            cells.push(fmt(lt));
        }
        if rt_on {
            cells.push(fmt(rt));
        }
        cells.push(ratio(own, lz));
        if lt_on {
            cells.push(ratio(own, lt));
        }
        if tools_on {
            cells.push(ratio(rt, lt));
        }
        out.push_str(&row(&cells));
    }
    out.push('\n');
    out
}

pub const START: &str = "<!-- perf-table:start -->";
pub const END: &str = "<!-- perf-table:end -->";

/// `text` with what lies between the markers replaced by `table`.
pub fn replace_section(text: &str, table: &str) -> Result<String, String> {
    let s = text
        .find(START)
        .ok_or_else(|| format!("no {START} marker"))?;
    let e = text[s..]
        .find(END)
        .map(|i| s + i)
        .ok_or_else(|| format!("no {END} marker after {START}"))?;
    let mut out = String::with_capacity(text.len() + table.len());
    out.push_str(&text[..s + START.len()]);
    out.push('\n');
    out.push_str(table.trim_end());
    out.push('\n');
    out.push_str(&text[e..]);
    Ok(out)
}
