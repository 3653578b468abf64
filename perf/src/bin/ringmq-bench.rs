//! `ringmq-bench`: runs scenarios on ringmq, libzmq, zmq.rs and raw sockets
//! side by side and writes the results as JSON (see perf/README.md).

use ringmq_perf::bench::{bench, BenchOptions, Impl};
use ringmq_perf::env::Env;
use ringmq_perf::peer::Flavor;
use ringmq_perf::report::{table, Row};
use ringmq_perf::scenario::{Matrix, Scenario};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

const HELP: &str = "\
usage: ringmq-bench [--quick | --full] [--scenario NAME[,NAME…]]… [--impl LIST]
                    [--runs N] [--count N] [--out FILE] [--jsonl]
                    [--zmqrs-runtime ct|mt] [--io-threads N] [--list]

Runs messaging scenarios on ringmq and its comparison peers, in one process,
and reports throughput and latency percentiles with ratios measured in the
same invocation.

  --quick             the small matrix (default; about two minutes with --impl all)
  --full              every pattern × transport × size, and fixed rates
  --scenario NAMES    only these scenarios (comma-separated, repeatable):
                      TRANSPORT-PATTERN-SIZE[-Nsubs][-at-RATE], e.g.
                      tcp-push-pull-64, ipc-pub-sub-1k-4subs, tcp-req-rep-64-at-10000
                      (counts default to the --quick or --full matrix's)
  --impl LIST         ringmq, libzmq, zmqrs, rawtcp or all, comma-separated
                      (default: all)
  --runs N            runs of each scenario × implementation; the median is
                      reported, every run recorded (default 3, or 7 with --full)
  --count N           messages (or round trips) per run, for every scenario
  --out FILE          write the JSON there (default: standard output)
  --jsonl             one JSON object per line instead of a JSON array
  --zmqrs-runtime F   tokio flavour for zmq.rs: ct (current_thread, default) or mt
  --io-threads N      I/O threads per context for ringmq and libzmq (default 1)
  --list              print the scenario names of the chosen matrix and exit
";

struct Cli {
    opts: BenchOptions,
    out: Option<String>,
    jsonl: bool,
    list: bool,
}

fn parse(args: &[String]) -> Result<Option<Cli>, String> {
    let mut matrix = None;
    let mut names: Vec<String> = Vec::new();
    let mut impls = Impl::ALL.to_vec();
    let mut runs = None;
    let mut count = None;
    let mut out = None;
    let mut jsonl = false;
    let mut list = false;
    let mut flavor = Flavor::CurrentThread;
    let mut io_threads = 1;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let number = |v: String| -> Result<u64, String> {
            v.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag}: {v:?} is not a positive number"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--quick" => matrix = Some(Matrix::Quick),
            "--full" => matrix = Some(Matrix::Full),
            "--scenario" => names.extend(value()?.split(',').map(|s| s.trim().to_string())),
            "--impl" => impls = Impl::parse_list(&value()?)?,
            "--runs" => runs = Some(number(value()?)? as usize),
            "--count" => count = Some(number(value()?)?),
            "--out" => out = Some(value()?),
            "--jsonl" => jsonl = true,
            "--list" => list = true,
            "--io-threads" => io_threads = number(value()?)? as i32,
            "--zmqrs-runtime" => {
                flavor = match value()?.as_str() {
                    "ct" | "current_thread" => Flavor::CurrentThread,
                    "mt" | "multi_thread" => Flavor::MultiThread,
                    other => return Err(format!("--zmqrs-runtime: {other:?} is not ct or mt")),
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let base = matrix.unwrap_or(Matrix::Quick);
    let scenarios = if names.is_empty() {
        base.scenarios()
    } else {
        names
            .iter()
            .filter(|n| !n.is_empty())
            .map(|n| Scenario::parse(n, base))
            .collect::<Result<Vec<_>, _>>()?
    };
    let runs = runs.unwrap_or(match base {
        Matrix::Quick => 3,
        Matrix::Full => 7,
    });
    Ok(Some(Cli {
        opts: BenchOptions {
            matrix: base,
            scenarios,
            impls,
            runs,
            count,
            io_threads,
            zmqrs_flavor: flavor,
        },
        out,
        jsonl,
        list,
    }))
}

fn render(rows: &[Row], jsonl: bool) -> String {
    if jsonl {
        rows.iter()
            .map(|r| serde_json::to_string(r).expect("rows serialize") + "\n")
            .collect()
    } else {
        serde_json::to_string_pretty(rows).expect("rows serialize") + "\n"
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cli = match parse(&args) {
        Ok(Some(cli)) => cli,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("ringmq-bench: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    if cli.list {
        for s in &cli.opts.scenarios {
            println!("{s}");
        }
        return ExitCode::SUCCESS;
    }
    if cfg!(debug_assertions) {
        eprintln!("ringmq-bench: a debug build; figures mean little (build with --release)");
    }

    let env = Env::detect();
    let tty = std::io::stderr().is_terminal();
    let mut progress = |line: &str| {
        let mut err = std::io::stderr().lock();
        if tty {
            let _ = write!(err, "\r\x1b[2K{line}");
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    };
    let rows = bench(&cli.opts, &env, &mut progress);
    if tty {
        eprintln!();
    }

    let json = render(&rows, cli.jsonl);
    let summary = table(&rows);
    match &cli.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, json) {
                eprintln!("ringmq-bench: writing {path}: {e}");
                return ExitCode::from(2);
            }
            print!("{summary}");
        }
        None => {
            print!("{json}");
            eprint!("{summary}");
        }
    }
    let failed: Vec<&Row> = rows.iter().filter(|r| r.error.is_some()).collect();
    for r in &failed {
        eprintln!(
            "ringmq-bench: {} on {} failed: {}",
            r.scenario,
            r.impl_name,
            r.error.as_deref().unwrap_or("")
        );
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
