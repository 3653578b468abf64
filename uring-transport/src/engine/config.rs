//! What the engine is asked to run with: the number of I/O threads, the
//! backend, the mode and the spin budget (each with the environment
//! variable that chooses it when the program does not), and the options of
//! one endpoint.

use std::time::Duration;

/// Engine settings.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Number of I/O threads (libzmq's `ZMQ_IO_THREADS`, default 1).
    pub io_threads: usize,
    /// Which kernel interface the I/O threads drive; `None` reads
    /// `RINGMQ_BACKEND` (unset: [`BackendChoice::Auto`]).
    pub backend: Option<BackendChoice>,
    /// How long an I/O thread polls for work before it sleeps in the
    /// kernel; `None` reads `RINGMQ_SPIN_US` (unset: [`Spin::AUTO`]). See
    /// [`spin_from_env`].
    pub spin: Option<Spin>,
    /// Who drives the connections; `None` reads `RINGMQ_ENGINE` (unset:
    /// [`EngineMode::IoThreads`]).
    pub mode: Option<EngineMode>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            io_threads: 1,
            backend: None,
            spin: None,
            mode: None,
        }
    }
}

/// Who drives a socket's connections (`RINGMQ_ENGINE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EngineMode {
    /// I/O threads (`ZMQ_IO_THREADS` of them), as libzmq.
    #[default]
    IoThreads,
    /// Each socket on a ring of its own, turned by the threads that call
    /// it (see the `inline` module); no I/O thread on the message path.
    Inline,
}

impl EngineMode {
    /// The environment variable read when [`EngineConfig::mode`] is `None`.
    pub const ENV: &'static str = "RINGMQ_ENGINE";

    /// `"inline"`, or `"io-threads"` (also `"io_threads"`, `"threads"`,
    /// empty); case-insensitive.
    pub fn parse(s: &str) -> Option<EngineMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "inline" => Some(EngineMode::Inline),
            "" | "io-threads" | "io_threads" | "threads" | "io-thread" => {
                Some(EngineMode::IoThreads)
            }
            _ => None,
        }
    }

    /// `"inline"` or `"io-threads"`.
    pub fn name(self) -> &'static str {
        match self {
            EngineMode::IoThreads => "io-threads",
            EngineMode::Inline => "inline",
        }
    }

    /// `RINGMQ_ENGINE`, `IoThreads` if unset.
    ///
    /// # Errors
    /// The message to report when the variable holds something else.
    pub fn from_env() -> Result<EngineMode, String> {
        from_env_or(Self::ENV, EngineMode::IoThreads, |v| {
            Self::parse(v)
                .ok_or_else(|| format!("{}={v:?} is not one of inline, io-threads", Self::ENV))
        })
    }
}

/// The environment variable holding the spin budget in microseconds.
pub const SPIN_ENV: &str = "RINGMQ_SPIN_US";

/// The longest spin budget accepted (one second): a spin is a busy wait,
/// meant for microseconds.
pub const SPIN_MAX: Duration = Duration::from_secs(1);

/// How long a thread with nothing to do polls for work before it sleeps
/// in the kernel (`RINGMQ_SPIN_US`, `Context::set_spin_us`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spin {
    /// The longest spin before a sleep (zero: never spin).
    pub budget: Duration,
    /// Spin only while spinning pays: after a run of spins that found
    /// nothing, back off (see docs/engine.md, "The spin budget"). A fixed
    /// budget spins before every sleep.
    pub adaptive: bool,
}

impl Spin {
    /// No spinning: sleep as soon as there is nothing to do (libzmq's way).
    pub const OFF: Spin = Spin {
        budget: Duration::ZERO,
        adaptive: false,
    };
    /// The default: up to 20 µs, while spinning pays. Above what a wake-up
    /// on an idle vCPU costs here (10 µs did not change a round trip, 20 µs
    /// took it from 110 to 30 µs; docs/engine.md).
    pub const AUTO: Spin = Spin {
        budget: Duration::from_micros(20),
        adaptive: true,
    };

    /// A spin of `budget` before every sleep (zero: [`Spin::OFF`]).
    pub fn fixed(budget: Duration) -> Spin {
        Spin {
            budget: budget.min(SPIN_MAX),
            adaptive: false,
        }
    }
}

/// Parses a spin setting: whole microseconds for a fixed budget (`"0"` =
/// no spinning), or `"auto"` (also `"-1"`) for [`Spin::AUTO`].
///
/// # Errors
/// The message to report for anything but those, or a number above
/// [`SPIN_MAX`].
pub fn parse_spin_us(v: &str) -> Result<Spin, String> {
    let v = v.trim();
    if v == "auto" || v == "-1" {
        return Ok(Spin::AUTO);
    }
    let us: u64 = v.parse().map_err(|_| {
        format!("{SPIN_ENV}={v:?} is neither a number of microseconds nor \"auto\"")
    })?;
    let d = Duration::from_micros(us);
    if d > SPIN_MAX {
        return Err(format!(
            "{SPIN_ENV}={v:?} is more than {} microseconds",
            SPIN_MAX.as_micros()
        ));
    }
    Ok(Spin::fixed(d))
}

/// `RINGMQ_SPIN_US`, [`Spin::AUTO`] if unset.
///
/// # Errors
/// As [`parse_spin_us`].
pub fn spin_from_env() -> Result<Spin, String> {
    from_env_or(SPIN_ENV, Spin::AUTO, parse_spin_us)
}

/// The environment variable `var` read by `parse`, or `default` if unset.
fn from_env_or<T>(
    var: &str,
    default: T,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, String> {
    match std::env::var(var) {
        Err(_) => Ok(default),
        Ok(v) => parse(&v),
    }
}

/// Which backend an I/O thread runs on, as asked (`RINGMQ_BACKEND`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BackendChoice {
    /// io_uring if this process may use it (a ring is set up and one
    /// operation completes on it), else epoll.
    #[default]
    Auto,
    /// io_uring or nothing: a blocked io_uring fails the start with the
    /// reason.
    Uring,
    /// epoll readiness.
    Epoll,
}

impl BackendChoice {
    /// The environment variable read when [`EngineConfig::backend`] is
    /// `None`.
    pub const ENV: &'static str = "RINGMQ_BACKEND";

    /// `"auto"`, `"uring"` (or `"io_uring"`), `"epoll"`; case-insensitive.
    pub fn parse(s: &str) -> Option<BackendChoice> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Some(BackendChoice::Auto),
            "uring" | "io_uring" | "iouring" => Some(BackendChoice::Uring),
            "epoll" => Some(BackendChoice::Epoll),
            _ => None,
        }
    }

    /// `RINGMQ_BACKEND`, `Auto` if unset.
    ///
    /// # Errors
    /// The message to report when the variable holds something else.
    pub fn from_env() -> Result<BackendChoice, String> {
        from_env_or(Self::ENV, BackendChoice::Auto, |v| {
            Self::parse(v)
                .ok_or_else(|| format!("{}={v:?} is not one of uring, epoll, auto", Self::ENV))
        })
    }
}

/// Per-endpoint options that live in the transport, not the core socket:
/// reconnection only (the wire options are the core's, in the
/// [`SessionConfig`] it builds). Taken when `bind`/`connect` is called, as
/// libzmq does.
#[derive(Clone, Debug)]
pub struct TransportOptions {
    /// `ZMQ_RECONNECT_IVL`: first wait before reconnecting.
    pub reconnect_ivl: Duration,
    /// `ZMQ_RECONNECT_IVL_MAX`: the wait doubles after each failure up to
    /// this; `None` keeps it constant.
    pub reconnect_ivl_max: Option<Duration>,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            reconnect_ivl: Duration::from_millis(100),
            reconnect_ivl_max: None,
        }
    }
}
