//! The transport side ringmq builds on, from `ringmq-uring`: the shared
//! socket (core socket + wake-up protocol), endpoint parsing, and the
//! io_uring engine.

pub(crate) use ringmq_uring::endpoint::Endpoint;
pub(crate) use ringmq_uring::engine::{
    spin_from_env, BackendChoice, Engine, EngineConfig, EngineCounters, EngineMode, Spin,
    TransportOptions, SPIN_MAX,
};
pub(crate) use ringmq_uring::shared::{
    monotonic_ns, sample_interval, ConnEventKind, LatencySamples, Sampler, SharedSocket, Wait,
};
