//! One small component per file. They take props and only draw; the pages
//! read the shared state from the context and hand each its slice.

pub mod drop_counters;
pub mod endpoint_list;
pub mod engine_stats;
pub mod event_log;
pub mod header;
pub mod hwm_gauge;
pub mod latency_plot;
pub mod perf_chart;
pub mod pipe_row;
pub mod socket_card;
pub mod sparkline;
pub mod status_banner;
pub mod topology;
