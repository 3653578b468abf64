//! The two pages: what the process is doing now, and how fast each commit was.

pub mod live;
pub mod perf_history;
