//! Instructions per message: a fixed scenario run under
//! `valgrind --tool=callgrind`, its total instruction count (the `totals:`
//! line of the output file) divided by the messages it moved.
//!
//! With a second, smaller count the fixed costs (process start, dynamic
//! linking, context and socket set-up) cancel out:
//! `(I(count) − I(base)) ÷ (count − base)`.

use crate::record::Record;
use std::path::Path;
use std::process::Command;

/// The `Ir` total of a callgrind output file: the `totals:` line (or the
/// older `summary:`), at the column `events:` gives `Ir`.
pub fn parse_total(text: &str) -> Result<u64, String> {
    let mut events: Vec<&str> = Vec::new();
    let mut summary = None;
    let mut totals = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("events:") {
            events = rest.split_whitespace().collect();
        } else if let Some(rest) = line.strip_prefix("summary:") {
            summary = Some(rest.to_string());
        } else if let Some(rest) = line.strip_prefix("totals:") {
            totals = Some(rest.to_string());
        }
    }
    let line = totals
        .or(summary)
        .ok_or("no totals: or summary: line in the callgrind output")?;
    let col = if events.is_empty() {
        0
    } else {
        events
            .iter()
            .position(|e| *e == "Ir")
            .ok_or("callgrind counted no Ir event")?
    };
    line.split_whitespace()
        .nth(col)
        .ok_or("the totals line has no Ir column")?
        .parse::<u64>()
        .map_err(|e| format!("bad Ir total: {e}"))
}

/// Runs `cmd` under callgrind, writing its profile to `out_file`; returns
/// the instructions it executed.
pub fn measure(cmd: &[String], out_file: &Path) -> Result<u64, String> {
    let (prog, args) = cmd.split_first().ok_or("no command to measure")?;
    let out = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(prog)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run valgrind (is it installed?): {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "valgrind --tool=callgrind {} failed ({}):\n{}",
            cmd.join(" "),
            out.status,
            tail.join("\n")
        ));
    }
    let text = std::fs::read_to_string(out_file)
        .map_err(|e| format!("cannot read {}: {e}", out_file.display()))?;
    parse_total(&text)
}

/// `cmd` with every `{count}` replaced.
pub fn with_count(cmd: &[String], count: u64) -> Vec<String> {
    cmd.iter()
        .map(|a| a.replace("{count}", &count.to_string()))
        .collect()
}

/// What was measured, to be merged into the run's record of the same
/// implementation and scenario.
#[derive(Clone, Debug)]
pub struct Measurement {
    pub impl_name: String,
    pub transport: String,
    pub pattern: String,
    pub size: u64,
    pub count: u64,
    pub total: u64,
    pub base: Option<(u64, u64)>,
    pub command: String,
}

impl Measurement {
    pub fn per_msg(&self) -> f64 {
        match self.base {
            Some((bc, bt)) if self.count > bc => {
                (self.total as f64 - bt as f64) / (self.count - bc) as f64
            }
            _ => self.total as f64 / self.count.max(1) as f64,
        }
    }

    pub fn to_record(&self) -> Record {
        Record {
            schema: Some(1),
            kind: Some("instr".into()),
            imp: Some(self.impl_name.clone()),
            pattern: Some(self.pattern.clone()),
            transport: Some(self.transport.clone()),
            size: Some(self.size),
            instr_per_msg: Some((self.per_msg() * 10.0).round() / 10.0),
            instr_tool: Some("callgrind".into()),
            instr_count: Some(self.count),
            instr_total: Some(self.total),
            instr_base_count: self.base.map(|(c, _)| c),
            instr_base_total: self.base.map(|(_, t)| t),
            instr_command: Some(self.command.clone()),
            ..Record::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_totals() {
        let text = "version: 1\ncreator: callgrind-3.19.0\ncmd: ./inproc_thr 64 100000\n\
                    positions: line\nevents: Ir\nsummary: 48210345\n\nfl=(1) x.c\nfn=(1) main\n3 5\n\ntotals: 48210345\n";
        assert_eq!(parse_total(text).unwrap(), 48_210_345);
        let two = "events: Dr Ir\nsummary: 5 77\n";
        assert_eq!(parse_total(two).unwrap(), 77);
        assert!(parse_total("events: Ir\n").is_err());
    }

    #[test]
    fn base_count_cancels_fixed_cost() {
        let m = Measurement {
            impl_name: "ringmq".into(),
            transport: "inproc".into(),
            pattern: "PUSH/PULL".into(),
            size: 64,
            count: 200_000,
            total: 2_000_000 + 200_000 * 500,
            base: Some((100_000, 2_000_000 + 100_000 * 500)),
            command: String::new(),
        };
        assert_eq!(m.per_msg(), 500.0);
        assert_eq!(m.to_record().instr_per_msg(), Some(500.0));
    }
}
