//! One `scripts/perf` run into history lines: the bench's objects tagged
//! with a run id, the callgrind figures merged into the record of the same
//! implementation and scenario.

use crate::callgrind::MERGED_FIELDS;
use crate::record::Record;
use serde_json::Value;

/// What the run adds to or corrects in every line.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// Ties the lines of one run together in the history.
    pub run_id: String,
    /// Fill-ins for lines that lack them (instruction-only runs).
    pub commit: Option<String>,
    pub date: Option<String>,
    /// Replaces the bench's flag: `scripts/perf` does not count the
    /// history, the plots and the README table as uncommitted changes.
    pub dirty: Option<bool>,
}

pub fn merge(bench: Vec<Record>, instr: Vec<Record>, meta: &Meta) -> Vec<Record> {
    let mut out = bench;
    let template = out.first().cloned();
    for m in instr {
        let target = out
            .iter_mut()
            .find(|r| r.impl_name() == m.impl_name() && r.scenario() == m.scenario());
        match target {
            Some(r) => {
                for f in MERGED_FIELDS {
                    if let Some(v) = m.0.get(f) {
                        r.set(f, v.clone());
                    }
                }
            }
            None => {
                // A scenario the bench did not run: a line of its own, with
                // the run's commit, date and machine.
                let mut r = m;
                if let Some(t) = &template {
                    for f in ["commit", "dirty", "date", "machine"] {
                        if let (Some(v), false) = (t.0.get(f), r.0.contains_key(f)) {
                            r.set(f, v.clone());
                        }
                    }
                }
                out.push(r);
            }
        }
    }
    for r in &mut out {
        if !meta.run_id.is_empty() {
            r.set("run", Value::String(meta.run_id.clone()));
        }
        if let Some(d) = meta.dirty {
            r.set("dirty", Value::Bool(d));
        }
        if let (Some(c), None) = (&meta.commit, r.str("commit")) {
            r.set("commit", Value::String(c.clone()));
        }
        if let (Some(d), None) = (&meta.date, r.str("date")) {
            r.set("date", Value::String(d.clone()));
        }
        if !r.0.contains_key("dirty") {
            r.set("dirty", Value::Bool(false));
        }
    }
    out
}
