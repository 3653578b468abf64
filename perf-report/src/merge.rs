//! One `scripts/perf` run into history lines: the bench's objects tagged
//! with a run id, the callgrind figures merged into the record of the same
//! implementation and scenario.

use crate::record::{Machine, Record};

/// What the run adds to or corrects in every line.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// Ties the lines of one run together in the history.
    pub run_id: String,
    /// Fill-ins for lines that lack them (instruction-only runs).
    pub commit: Option<String>,
    pub date: Option<String>,
    /// For lines without a `machine` (instruction-only runs: no bench line
    /// to take it from), e.g. [`Machine::detect`].
    pub machine: Option<Machine>,
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
            Some(r) => r.merge_instr(&m),
            None => {
                // A scenario or implementation the bench did not run (libzmq's
                // own inproc_thr, ringmq's port of it): a line of its own,
                // with the run's commit, date and machine.
                let mut r = m;
                if let Some(t) = &template {
                    if r.commit.is_none() {
                        r.commit.clone_from(&t.commit);
                    }
                    if r.dirty.is_none() {
                        r.dirty = t.dirty;
                    }
                    if r.date.is_none() {
                        r.date.clone_from(&t.date);
                    }
                    if r.machine.is_none() {
                        r.machine.clone_from(&t.machine);
                    }
                }
                out.push(r);
            }
        }
    }
    for r in &mut out {
        if !meta.run_id.is_empty() {
            r.run = Some(meta.run_id.clone());
        }
        if let Some(d) = meta.dirty {
            r.dirty = Some(d);
        }
        if r.commit.is_none() {
            r.commit.clone_from(&meta.commit);
        }
        if r.date.is_none() {
            r.date.clone_from(&meta.date);
        }
        if r.machine.is_none() {
            r.machine.clone_from(&meta.machine);
        }
        if r.dirty.is_none() {
            r.dirty = Some(false);
        }
    }
    out
}
