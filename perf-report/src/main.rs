//! `ringmq-perf-report`: compare, plot, table, callgrind, record.

#![forbid(unsafe_code)]

use ringmq_perf_report::callgrind::{self, Measurement};
use ringmq_perf_report::compare::{self, Options};
use ringmq_perf_report::history::{self, group_runs, load_runs, resolve, Run};
use ringmq_perf_report::merge::{merge, Meta};
use ringmq_perf_report::record::{Machine, Record};
use ringmq_perf_report::{plot, table};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `println!` that does not panic when the reader went away (`| head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!`, the same way.
macro_rules! out {
    ($($t:tt)*) => {{
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

const USAGE: &str = "\
ringmq-perf-report — ringmq's perf history, regression check, plots and README table

USAGE:
  ringmq-perf-report compare [--baseline <commit|file|previous>] [--current <commit|file|latest>]
                             [--history perf/history.jsonl] [--threshold 5%] [--instr-threshold <pct>]
                             [--gate libzmq[,zmqrs,…]] [--all] [--outside-spread] [--instr-only]
      Compares ringmq's ratios to its peers (throughput down, or p50/p99/p99.9
      latency up) and its instructions per message (up) between two runs.
      A commit is a hash prefix (4+ digits, `+dirty` for a run with uncommitted
      changes) or a git ref; a file is bench output (`ringmq-bench --jsonl`)
      or a history, of which the last run counts. Defaults: current = latest
      run of the history, baseline = the run before it of another commit.
      --outside-spread: a timing ratio beyond the threshold counts only if
      every run (each_run) of the current invocation is worse than every run
      of the baseline; otherwise it shows as `noise`.
      --instr-only: instructions per message only, no timing ratios (for a
      run of `scripts/perf --callgrind-only`).
      Exit status: 0 no regression, 1 regression, 2 error.

  ringmq-perf-report plot [--history perf/history.jsonl] [--out perf/plots/]
      SVG figures by commit: throughput, p50/p99/p99.9 latency (log scale)
      and instructions per message, one per scenario, one line per
      implementation; and a README.md that shows them.

  ringmq-perf-report table [--history perf/history.jsonl] [--commit <commit|latest>] [--readme README.md]
      The Markdown table of ringmq's ratios to libzmq, zmq.rs and raw TCP in
      one run, with its machine. With --readme, replaces what lies between
      <!-- perf-table:start --> and <!-- perf-table:end --> in that file.

  ringmq-perf-report callgrind --impl ringmq --transport inproc --pattern PUSH/PULL --size 64
                               --count 200000 [--base-count 100000] [--out instr.jsonl] -- <command with {count}>
      Runs the command under valgrind --tool=callgrind and prints (or appends
      to --out) a JSON line with its instructions per message. With
      --base-count, runs it twice and divides the difference, which cancels
      start-up costs. The command is any program that moves {count} messages,
      e.g. ringmq-bench, or libzmq's own inproc_thr with --impl libzmq-tool
      (`-- target/libzmq-perf/inproc_thr 64 {count}`) and ringmq's port of it
      with --impl ringmq-tool (`-- target/release/inproc_thr 64 {count}`);
      every thread counts.

  ringmq-perf-report record --bench bench.jsonl [--instr instr.jsonl] --to perf/history.jsonl
                            [--run-id ID] [--dirty true|false] [--commit HASH] [--date DATE]
                            [--detect-machine]
      Appends a run to the history: the bench's lines tagged with the run id,
      the callgrind figures merged into the line of the same scenario.
      --commit, --date, --detect-machine: for lines without them (a run
      without the bench); --detect-machine reads this machine's cpu, cores
      and kernel as ringmq-bench does.
";

/// `--key value`, `--key=value`, flags and what follows `--`.
struct Args {
    opts: HashMap<String, Vec<String>>,
    flags: Vec<String>,
    rest: Vec<String>,
}

impl Args {
    fn parse(raw: &[String], with_value: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut a = Args {
            opts: HashMap::new(),
            flags: Vec::new(),
            rest: Vec::new(),
        };
        let mut i = 0;
        while i < raw.len() {
            let arg = &raw[i];
            if arg == "--" {
                a.rest = raw[i + 1..].to_vec();
                break;
            }
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let name = key.trim_start_matches("--");
            if !key.starts_with("--") {
                return Err(format!("unexpected argument {arg:?}"));
            } else if with_value.contains(&name) {
                let v = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        raw.get(i).cloned().ok_or(format!("{key} needs a value"))?
                    }
                };
                a.opts.entry(name.to_string()).or_default().push(v);
            } else if flags.contains(&name) && inline.is_none() {
                a.flags.push(name.to_string());
            } else {
                return Err(format!("unknown option {key}"));
            }
            i += 1;
        }
        Ok(a)
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.opts.get(k).and_then(|v| v.last()).map(String::as_str)
    }

    fn all(&self, k: &str) -> Vec<String> {
        self.opts.get(k).cloned().unwrap_or_default()
    }

    fn flag(&self, k: &str) -> bool {
        self.flags.iter().any(|f| f == k)
    }

    fn need(&self, k: &str) -> Result<&str, String> {
        self.get(k).ok_or(format!("--{k} is required"))
    }

    fn num(&self, k: &str) -> Result<Option<u64>, String> {
        self.get(k)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| format!("--{k}: not a number: {v}"))
            })
            .transpose()
    }
}

/// "5%", "5" and "2.5" are percentages.
fn parse_pct(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("not a percentage: {s}"))?;
    if !(0.0..1000.0).contains(&v) {
        return Err(format!("threshold out of range: {s}"));
    }
    Ok(v / 100.0)
}

const DEFAULT_HISTORY: &str = "perf/history.jsonl";

fn history_runs(args: &Args) -> Result<Option<Vec<Run>>, String> {
    let path = PathBuf::from(args.get("history").unwrap_or(DEFAULT_HISTORY));
    if path.is_file() {
        load_runs(&path).map(Some)
    } else if args.get("history").is_some() {
        Err(format!("no history file {}", path.display()))
    } else {
        Ok(None)
    }
}

fn cmd_compare(raw: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(
        raw,
        &[
            "baseline",
            "current",
            "history",
            "threshold",
            "instr-threshold",
            "gate",
        ],
        &["all", "outside-spread", "instr-only"],
    )?;
    let hist = history_runs(&args)?;
    let current = resolve(
        args.get("current").unwrap_or("latest"),
        hist.as_deref(),
        None,
    )?;
    let baseline_arg = args.get("baseline").unwrap_or("previous");
    let baseline = match resolve(baseline_arg, hist.as_deref(), Some(&current)) {
        Ok(b) => b,
        Err(e) if baseline_arg == "previous" => {
            outln!("nothing to compare {} with: {e}", current.describe());
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e),
    };
    let threshold = parse_pct(args.get("threshold").unwrap_or("5"))?;
    let opts = Options {
        threshold,
        instr_threshold: args
            .get("instr-threshold")
            .map(parse_pct)
            .transpose()?
            .unwrap_or(threshold),
        gate: args
            .get("gate")
            .map(|g| g.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_else(|| vec!["libzmq".to_string()]),
        all: args.flag("all"),
        outside_spread: args.flag("outside-spread"),
        instr_only: args.flag("instr-only"),
    };
    let cmp = compare::compare(&baseline, &current, &opts);
    out!("{}", compare::render(&cmp));
    Ok(if cmp.has_regression() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_plot(raw: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(raw, &["history", "out"], &[])?;
    let path = PathBuf::from(args.get("history").unwrap_or(DEFAULT_HISTORY));
    let runs = load_runs(&path)?;
    let out = PathBuf::from(args.get("out").unwrap_or("perf/plots"));
    let names = plot::write_all(&runs, &out)?;
    outln!(
        "{} figure(s) from {} run(s) in {}",
        names.len(),
        plot::runs_by_commit(&runs).len(),
        out.display()
    );
    for n in names {
        outln!("  {}", out.join(n).display());
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_table(raw: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(raw, &["history", "commit", "readme"], &[])?;
    let path = PathBuf::from(args.get("history").unwrap_or(DEFAULT_HISTORY));
    let runs = load_runs(&path)?;
    let run = resolve(args.get("commit").unwrap_or("latest"), Some(&runs), None)?;
    let md = table::render(&run);
    match args.get("readme") {
        Some(readme) => {
            let text = std::fs::read_to_string(readme)
                .map_err(|e| format!("cannot read {readme}: {e}"))?;
            let new = table::replace_section(&text, &md).map_err(|e| format!("{readme}: {e}"))?;
            std::fs::write(readme, new).map_err(|e| format!("cannot write {readme}: {e}"))?;
            outln!(
                "{readme}: performance table rewritten from run {}",
                run.describe()
            );
        }
        None => out!("{md}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_callgrind(raw: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(
        raw,
        &[
            "impl",
            "transport",
            "pattern",
            "size",
            "count",
            "base-count",
            "out",
            "keep",
        ],
        &[],
    )?;
    if args.rest.is_empty() {
        return Err("give the command to measure after --".into());
    }
    let count = args.num("count")?.ok_or("--count is required")?;
    let base = args.num("base-count")?;
    if base.is_some_and(|b| b >= count) {
        return Err("--base-count must be below --count".into());
    }
    if base.is_some() && !args.rest.iter().any(|a| a.contains("{count}")) {
        return Err("--base-count needs {count} in the command".into());
    }
    let dir = std::env::temp_dir();
    let file = |n: u64| dir.join(format!("ringmq-callgrind.{}.{n}.out", std::process::id()));
    let run = |n: u64| -> Result<u64, String> {
        let cmd = callgrind::with_count(&args.rest, n);
        eprintln!("callgrind: {}", cmd.join(" "));
        let f = file(n);
        let total = callgrind::measure(&cmd, &f);
        if let Some(keep) = args.get("keep") {
            let _ = std::fs::copy(&f, format!("{keep}.{n}"));
        }
        let _ = std::fs::remove_file(&f);
        total
    };
    let total = run(count)?;
    let base = match base {
        Some(b) => Some((b, run(b)?)),
        None => None,
    };
    let m = Measurement {
        impl_name: args.need("impl")?.to_string(),
        transport: args.need("transport")?.to_string(),
        pattern: args.need("pattern")?.to_string(),
        size: args.num("size")?.ok_or("--size is required")?,
        count,
        total,
        base,
        command: callgrind::with_count(&args.rest, count).join(" "),
    };
    eprintln!(
        "callgrind: {} {} {} {} B: {} instructions / {} messages → {:.1} per message{}",
        m.impl_name,
        m.transport,
        m.pattern,
        m.size,
        m.total,
        m.count,
        m.per_msg(),
        if m.base.is_some() {
            " (start-up cancelled)"
        } else {
            ""
        }
    );
    let line = m.to_record().to_json_line();
    match args.get("out") {
        Some(out) => append(Path::new(out), &[line])?,
        None => outln!("{line}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn append(path: &Path, lines: &[String]) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut buf = String::new();
    for l in lines {
        buf.push_str(l);
        buf.push('\n');
    }
    f.write_all(buf.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn read_records(path: &str) -> Result<Vec<Record>, String> {
    let parsed = history::load(Path::new(path))?;
    for w in &parsed.warnings {
        eprintln!("warning: {path}: {w}");
    }
    Ok(parsed.records)
}

fn cmd_record(raw: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(
        raw,
        &["bench", "instr", "to", "run-id", "dirty", "commit", "date"],
        &["detect-machine"],
    )?;
    let to = args.need("to")?;
    let bench = match args.get("bench") {
        Some(b) => read_records(b)?,
        None => Vec::new(),
    };
    let mut instr = Vec::new();
    for f in args.all("instr") {
        instr.extend(read_records(&f)?);
    }
    if bench.is_empty() && instr.is_empty() {
        return Err("nothing to record: no bench lines and no instruction counts".into());
    }
    let dirty = match args.get("dirty") {
        None => None,
        Some("true") | Some("1") | Some("yes") => Some(true),
        Some("false") | Some("0") | Some("no") => Some(false),
        Some(other) => return Err(format!("--dirty true|false, not {other}")),
    };
    let meta = Meta {
        run_id: args.get("run-id").map(str::to_string).unwrap_or_else(|| {
            bench
                .first()
                .map(|r| format!("{}@{}", r.date(), r.commit()))
                .unwrap_or_default()
        }),
        commit: args.get("commit").map(str::to_string),
        date: args.get("date").map(str::to_string),
        machine: args.flag("detect-machine").then(Machine::detect),
        dirty,
    };
    for r in bench.iter().filter(|r| r.error().is_some()) {
        eprintln!(
            "warning: {} failed on {}: {}",
            r.scenario(),
            r.impl_name(),
            r.error().unwrap_or_default()
        );
    }
    let merged = merge(bench, instr, &meta);
    let lines: Vec<String> = merged.iter().map(Record::to_json_line).collect();
    append(Path::new(to), &lines)?;
    let run = group_runs(merged).into_iter().next();
    outln!(
        "recorded {} line(s) of run {} into {to}",
        lines.len(),
        run.map(|r| r.describe()).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = argv.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match cmd.as_str() {
        "compare" => cmd_compare(rest),
        "plot" => cmd_plot(rest),
        "table" => cmd_table(rest),
        "callgrind" => cmd_callgrind(rest),
        "record" => cmd_record(rest),
        "help" | "--help" | "-h" => {
            out!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown command {other:?} (see --help)")),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ringmq-perf-report {cmd}: {e}");
            ExitCode::from(2)
        }
    }
}
