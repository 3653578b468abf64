//! ringmq's performance history and regression check.
//!
//! `scripts/perf` runs `ringmq-bench` (timings of ringmq and its peers, side
//! by side) and a callgrind count of a fixed scenario, and appends both to
//! `perf/history.jsonl` through [`merge`]. From that history this crate
//! compares two runs ([`compare`]), draws the figures by commit ([`plot`])
//! and writes the README's table ([`table`]).

#![forbid(unsafe_code)]

pub mod callgrind;
pub mod compare;
pub mod history;
pub mod merge;
pub mod plot;
pub mod record;
pub mod table;
pub mod text;
