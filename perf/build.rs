//! Records, for the bench's JSON, the compiler that built it and the
//! versions of the compared crates as the workspace's lock file has them.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=RINGMQ_PERF_RUSTC={version}");

    let lock = std::fs::read_to_string("../Cargo.lock").unwrap_or_default();
    for (krate, var) in [
        ("ringmq", "RINGMQ_PERF_RINGMQ_VERSION"),
        ("zeromq", "RINGMQ_PERF_ZEROMQ_VERSION"),
        ("zmq", "RINGMQ_PERF_ZMQ_VERSION"),
        ("tokio", "RINGMQ_PERF_TOKIO_VERSION"),
    ] {
        let v = locked_version(&lock, krate).unwrap_or_else(|| "unknown".into());
        println!("cargo:rustc-env={var}={v}");
    }
    println!("cargo:rerun-if-changed=../Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
}

/// The version of `name` in a Cargo.lock (the first entry if several).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            let v = lines.next()?.trim();
            return v
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_string);
        }
    }
    None
}
