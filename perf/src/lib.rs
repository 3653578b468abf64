//! # ringmq-perf
//!
//! ringmq's performance suite:
//! - libzmq's perf tools on ringmq, with libzmq's command lines and output
//!   (`local_thr`, `remote_thr`, `local_lat`, `remote_lat`, `inproc_thr`,
//!   `inproc_lat`), so one command compares the two;
//! - `ringmq-bench`, a scenario runner that measures ringmq, libzmq, zmq.rs
//!   and raw sockets side by side and writes JSON (see README.md).

#![forbid(unsafe_code)]

pub mod bench;
pub mod env;
pub mod peer;
pub mod report;
pub mod run;
pub mod scenario;
pub mod tools;
