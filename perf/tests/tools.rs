//! libzmq's perf tools on ringmq: against real libzmq (pyzmq's, 4.3.5,
//! driven by `libzmq_tools.py`) in both directions, their output lines, and
//! their usage errors and exit codes. Timings are printed, never checked.
//!
//! The Python interpreter is `$RINGMQ_PYTHON`, else `.venv/bin/python` at
//! the repository root (`scripts/test` creates it with pyzmq).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("RINGMQ_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with pyzmq: run scripts/test (it creates .venv with pyzmq), or set RINGMQ_PYTHON"
    );
    venv
}

fn libzmq_tool(args: &[&str]) -> Command {
    let mut cmd = Command::new(python());
    cmd.arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/libzmq_tools.py"))
        .args(args);
    cmd
}

fn ringmq_tool(name: &str) -> Command {
    let exe = match name {
        "local_thr" => env!("CARGO_BIN_EXE_local_thr"),
        "remote_thr" => env!("CARGO_BIN_EXE_remote_thr"),
        "local_lat" => env!("CARGO_BIN_EXE_local_lat"),
        "remote_lat" => env!("CARGO_BIN_EXE_remote_lat"),
        "inproc_thr" => env!("CARGO_BIN_EXE_inproc_thr"),
        "inproc_lat" => env!("CARGO_BIN_EXE_inproc_lat"),
        other => panic!("no tool {other}"),
    };
    Command::new(exe)
}

fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a tool")
}

/// Waits for a tool, killing it after `limit` (then the test fails).
fn finish(mut child: Child, what: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().expect("wait for a tool").is_some() {
            return child.wait_with_output().expect("tool output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("tool output");
            panic!(
                "{what} did not finish: stdout {:?} stderr {:?}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn lines(out: &Output, what: &str) -> Vec<String> {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): stdout {:?} stderr {:?}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .expect("utf-8 output")
        .lines()
        .map(str::to_string)
        .collect()
}

/// A tcp endpoint on a port that was free a moment ago.
fn free_endpoint() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    format!(
        "tcp://127.0.0.1:{}",
        l.local_addr().expect("local address").port()
    )
}

/// `"<prefix><number><suffix>"` → the number, or the test fails.
fn number_in(line: &str, prefix: &str, suffix: &str) -> f64 {
    let n = line
        .strip_prefix(prefix)
        .and_then(|r| r.strip_suffix(suffix))
        .unwrap_or_else(|| panic!("{line:?} is not {prefix:?}…{suffix:?}"));
    assert!(
        n.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "{line:?}: {n:?} is not a plain number"
    );
    n.parse()
        .unwrap_or_else(|_| panic!("{line:?}: {n:?} is not a number"))
}

/// The four lines of local_thr/inproc_thr.
fn assert_thr_output(lines: &[String], size: usize, count: usize) {
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0], format!("message size: {size} [B]"));
    assert_eq!(lines[1], format!("message count: {count}"));
    let msgs = number_in(&lines[2], "mean throughput: ", " [msg/s]");
    assert!(
        !lines[2].contains('.'),
        "msg/s is an integer: {:?}",
        lines[2]
    );
    let mbits = number_in(&lines[3], "mean throughput: ", " [Mb/s]");
    let decimals = lines[3]
        .split('.')
        .nth(1)
        .map_or(0, |d| d.split(' ').next().unwrap_or("").len());
    assert_eq!(decimals, 3, "Mb/s has three decimals: {:?}", lines[3]);
    assert!(msgs > 0.0 && mbits > 0.0, "{lines:?}");
    eprintln!("{}", lines.join(" | "));
}

/// The three lines of remote_lat/inproc_lat.
fn assert_lat_output(lines: &[String], size: usize, count: usize) {
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], format!("message size: {size} [B]"));
    assert_eq!(lines[1], format!("roundtrip count: {count}"));
    let us = number_in(&lines[2], "average latency: ", " [us]");
    let decimals = lines[2]
        .split('.')
        .nth(1)
        .map_or(0, |d| d.split(' ').next().unwrap_or("").len());
    assert_eq!(decimals, 3, "latency has three decimals: {:?}", lines[2]);
    assert!(us > 0.0, "{lines:?}");
    eprintln!("{}", lines.join(" | "));
}

#[test]
fn the_python_side_is_libzmq_4_3_5() {
    let out = libzmq_tool(&["version"]).output().expect("run python");
    assert_eq!(lines(&out, "version"), ["4.3.5"]);
}

#[test]
fn ringmq_local_thr_counts_what_libzmq_remote_thr_sends() {
    let ep = free_endpoint();
    let local = spawn({
        let mut c = ringmq_tool("local_thr");
        c.args([&ep, "64", "20000"]);
        c
    });
    let remote = spawn(libzmq_tool(&["remote_thr", &ep, "64", "20000"]));
    let remote = finish(remote, "libzmq remote_thr");
    lines(&remote, "libzmq remote_thr");
    let local = finish(local, "ringmq local_thr");
    assert_thr_output(&lines(&local, "ringmq local_thr"), 64, 20000);
}

#[test]
fn libzmq_local_thr_counts_what_ringmq_remote_thr_sends() {
    let ep = free_endpoint();
    let local = spawn(libzmq_tool(&["local_thr", &ep, "1000", "5000"]));
    let remote = spawn({
        let mut c = ringmq_tool("remote_thr");
        c.args([&ep, "1000", "5000"]);
        c
    });
    let remote = finish(remote, "ringmq remote_thr");
    assert_eq!(
        lines(&remote, "ringmq remote_thr"),
        Vec::<String>::new(),
        "remote_thr prints nothing"
    );
    let local = finish(local, "libzmq local_thr");
    assert_thr_output(&lines(&local, "libzmq local_thr"), 1000, 5000);
}

#[test]
fn ringmq_remote_lat_against_libzmq_local_lat() {
    let ep = free_endpoint();
    let local = spawn(libzmq_tool(&["local_lat", &ep, "64", "2000"]));
    let remote = spawn({
        let mut c = ringmq_tool("remote_lat");
        c.args([&ep, "64", "2000"]);
        c
    });
    let remote = finish(remote, "ringmq remote_lat");
    assert_lat_output(&lines(&remote, "ringmq remote_lat"), 64, 2000);
    lines(&finish(local, "libzmq local_lat"), "libzmq local_lat");
}

#[test]
fn libzmq_remote_lat_against_ringmq_local_lat() {
    let ep = free_endpoint();
    let local = spawn({
        let mut c = ringmq_tool("local_lat");
        c.args([&ep, "100", "2000"]);
        c
    });
    let remote = spawn(libzmq_tool(&["remote_lat", &ep, "100", "2000"]));
    let remote = finish(remote, "libzmq remote_lat");
    assert_lat_output(&lines(&remote, "libzmq remote_lat"), 100, 2000);
    let local = finish(local, "ringmq local_lat");
    assert_eq!(
        lines(&local, "ringmq local_lat"),
        Vec::<String>::new(),
        "local_lat prints nothing"
    );
}

#[test]
fn inproc_tools_print_libzmqs_lines() {
    let out = ringmq_tool("inproc_thr")
        .args(["32", "50000"])
        .output()
        .expect("inproc_thr");
    assert_thr_output(&lines(&out, "inproc_thr"), 32, 50000);
    let out = ringmq_tool("inproc_lat")
        .args(["32", "2000"])
        .output()
        .expect("inproc_lat");
    assert_lat_output(&lines(&out, "inproc_lat"), 32, 2000);
}

#[test]
fn usage_errors_print_libzmqs_usage_and_exit_1() {
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "local_thr",
            &["tcp://127.0.0.1:1", "1"],
            "usage: local_thr <bind-to> <message-size> <message-count> [<enable_curve>]",
        ),
        (
            "remote_thr",
            &[],
            "usage: remote_thr <connect-to> <message-size> <message-count> [<enable_curve>]",
        ),
        (
            "local_lat",
            &["a", "b", "c", "d"],
            "usage: local_lat <bind-to> <message-size> <roundtrip-count>",
        ),
        (
            "remote_lat",
            &[],
            "usage: remote_lat <connect-to> <message-size> <roundtrip-count>",
        ),
        (
            "inproc_thr",
            &["1"],
            "usage: inproc_thr <message-size> <message-count>",
        ),
        (
            "inproc_lat",
            &["1", "2", "3"],
            "usage: inproc_lat <message-size> <roundtrip-count>",
        ),
    ];
    for (tool, args, usage) in cases {
        let out = ringmq_tool(tool).args(args).output().expect("run a tool");
        assert_eq!(out.status.code(), Some(1), "{tool} {args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{usage}\n"),
            "{tool}"
        );
    }
}

#[test]
fn a_failed_call_prints_error_in_and_exits_255() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let ep = format!(
        "tcp://127.0.0.1:{}",
        taken.local_addr().expect("address").port()
    );
    for tool in ["local_thr", "local_lat"] {
        let out = ringmq_tool(tool)
            .args([&ep, "64", "10"])
            .output()
            .expect("run a tool");
        assert_eq!(out.status.code(), Some(255), "{tool}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "error in zmq_bind: Address already in use\n",
            "{tool}"
        );
    }
    // ringmq has no CURVE: asking for it fails as a libzmq without CURVE.
    let out = ringmq_tool("remote_thr")
        .args([&ep, "64", "10", "1"])
        .output()
        .expect("run remote_thr");
    assert_eq!(out.status.code(), Some(255));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "error in zmq_setsockoopt: Invalid argument\n"
    );
}
