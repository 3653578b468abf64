//! What a result was measured on: machine, kernel, source commit, compiler.

use serde::Serialize;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// The machine, as the JSON's `machine` object.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// CPUs this process may run on.
    pub cores: usize,
    /// `uname -r`.
    pub kernel: String,
}

/// Everything about the run that is the same for every result.
#[derive(Clone, Debug)]
pub struct Env {
    /// `git rev-parse HEAD`, or "unknown" outside a checkout.
    pub commit: String,
    /// Uncommitted changes (tracked or untracked, ignored files aside).
    pub dirty: Option<bool>,
    /// Start of the run, RFC 3339, UTC.
    pub date: String,
    pub machine: Machine,
    /// `rustc --version` of the compiler that built the bench.
    pub rustc: String,
}

impl Env {
    /// Reads the environment. Git is asked about the checkout this crate was
    /// built from, then about the current directory.
    pub fn detect() -> Env {
        let (commit, dirty) = git_state();
        Env {
            commit,
            dirty,
            date: rfc3339_utc(SystemTime::now()),
            machine: Machine::detect(),
            rustc: env!("RINGMQ_PERF_RUSTC").to_string(),
        }
    }
}

impl Machine {
    /// Read the way the perf history reads a machine that no bench run
    /// described (`ringmq_perf_report::record::Machine::detect`), so both
    /// name it alike.
    fn detect() -> Machine {
        let m = ringmq_perf_report::record::Machine::detect();
        let unknown = || "unknown".to_string();
        Machine {
            cpu: m.cpu.unwrap_or_else(unknown),
            cores: m.cores.map_or(1, |n| usize::try_from(n).unwrap_or(1)),
            kernel: m.kernel.unwrap_or_else(unknown),
        }
    }
}

fn git_state() -> (String, Option<bool>) {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [Some(built_from), None] {
        if let Some(commit) = run("git", &["rev-parse", "HEAD"], dir) {
            let dirty = run("git", &["status", "--porcelain"], dir).map(|s| !s.is_empty());
            return (commit, dirty);
        }
    }
    ("unknown".into(), None)
}

/// A command's trimmed standard output, if it ran and succeeded.
fn run(program: &str, args: &[&str], dir: Option<&Path>) -> Option<String> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    if let Some(dir) = dir {
        if !dir.is_dir() {
            return None;
        }
        cmd.current_dir(dir);
    }
    let out = cmd.stderr(std::process::Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `2026-11-26T14:05:09Z`.
pub fn rfc3339_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_rfc3339_utc() {
        assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_702_509);
        assert_eq!(rfc3339_utc(t), "2026-11-26T14:15:09Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339_utc(leap), "2000-02-29T00:00:00Z");
    }
}
