//! ringmq and libzmq (through the `zmq` crate): the same API, so one body
//! of code, instantiated for each crate.

use super::{thread_sleep_until, Kind, Peer, Res, Sock, SockConfig, Transport, IO_TIMEOUT};
use serde_json::{json, Value};
use std::future::Future;
use std::time::{Duration, Instant};

macro_rules! zmq_api_peer {
    (
        $peer:ident,
        $socket:ident,
        $krate:ident,
        $name:literal,
        $version:path,
        $notes:path,
        $on_context:path
    ) => {
        /// A peer on the `zmq` API of this crate.
        pub struct $peer {
            /// I/O threads per context (libzmq's and ringmq's default is 1).
            pub io_threads: i32,
        }

        /// A socket, with the last message received kept for `echo`.
        pub struct $socket {
            sock: $krate::Socket,
            kind: Kind,
            /// ROUTER: routing id of the last message received.
            id: $krate::Message,
            body: $krate::Message,
        }

        impl Peer for $peer {
            type Ctx = $krate::Context;
            type Socket = $socket;

            fn name(&self) -> &'static str {
                $name
            }

            fn version(&self) -> String {
                $version()
            }

            fn notes(&self) -> Value {
                $notes(self.io_threads)
            }

            fn supports(&self, _transport: Transport) -> bool {
                true
            }

            fn context(&self) -> Res<Self::Ctx> {
                let ctx = $krate::Context::new();
                ctx.set_io_threads(self.io_threads)
                    .map_err(|e| format!("set_io_threads: {e}"))?;
                $on_context(&ctx);
                Ok(ctx)
            }

            fn block_on<F: Future>(&self, _ctx: &Self::Ctx, f: F) -> F::Output {
                super::block_on_ready(f)
            }

            async fn socket(&self, ctx: &Self::Ctx, cfg: SockConfig) -> Res<$socket> {
                use $krate::SocketType as T;
                let t = match cfg.kind {
                    Kind::Push => T::PUSH,
                    Kind::Pull => T::PULL,
                    Kind::Pub => T::PUB,
                    Kind::Sub => T::SUB,
                    Kind::Req => T::REQ,
                    Kind::Rep => T::REP,
                    Kind::Dealer => T::DEALER,
                    Kind::Router => T::ROUTER,
                };
                let sock = ctx.socket(t).map_err(|e| format!("socket: {e}"))?;
                let ms = IO_TIMEOUT.as_millis() as i32;
                let setup = || -> $krate::Result<()> {
                    // Scenarios close only once every receiver is done, so
                    // nothing that matters is left to linger.
                    sock.set_linger(0)?;
                    sock.set_rcvtimeo(ms)?;
                    sock.set_sndtimeo(ms)?;
                    if let Some(hwm) = cfg.hwm {
                        sock.set_sndhwm(hwm)?;
                        sock.set_rcvhwm(hwm)?;
                    }
                    if cfg.kind == Kind::Sub {
                        sock.set_subscribe(b"")?;
                    }
                    Ok(())
                };
                setup().map_err(|e| format!("socket options: {e}"))?;
                Ok($socket {
                    sock,
                    kind: cfg.kind,
                    id: $krate::Message::new(),
                    body: $krate::Message::new(),
                })
            }

            async fn sleep_until(&self, deadline: Instant) {
                thread_sleep_until(deadline)
            }

            async fn pause(&self, d: Duration) {
                std::thread::sleep(d)
            }
        }

        impl Sock for $socket {
            async fn bind(&mut self, endpoint: &str) -> Res<String> {
                let endpoint = match endpoint.strip_suffix(":0") {
                    Some(host) if endpoint.starts_with("tcp://") => format!("{host}:*"),
                    _ => endpoint.to_string(),
                };
                self.sock
                    .bind(&endpoint)
                    .map_err(|e| format!("bind {endpoint}: {e}"))?;
                match self.sock.get_last_endpoint() {
                    Ok(Ok(resolved)) if !resolved.is_empty() => Ok(resolved),
                    _ => Ok(endpoint),
                }
            }

            async fn connect(&mut self, endpoint: &str) -> Res<()> {
                self.sock
                    .connect(endpoint)
                    .map_err(|e| format!("connect {endpoint}: {e}"))
            }

            async fn send(&mut self, payload: &[u8]) -> Res<()> {
                if self.kind == Kind::Router {
                    self.sock
                        .send(&self.id[..], $krate::SNDMORE)
                        .map_err(|e| format!("send: {e}"))?;
                }
                self.sock.send(payload, 0).map_err(|e| format!("send: {e}"))
            }

            async fn recv(&mut self) -> Res<&[u8]> {
                if self.kind == Kind::Router {
                    self.sock
                        .recv(&mut self.id, 0)
                        .map_err(|e| format!("recv: {e}"))?;
                }
                self.sock
                    .recv(&mut self.body, 0)
                    .map_err(|e| format!("recv: {e}"))?;
                Ok(&self.body[..])
            }

            async fn echo(&mut self) -> Res<()> {
                if self.kind == Kind::Router {
                    let id = std::mem::replace(&mut self.id, $krate::Message::new());
                    self.sock
                        .send(id, $krate::SNDMORE)
                        .map_err(|e| format!("send: {e}"))?;
                }
                let body = std::mem::replace(&mut self.body, $krate::Message::new());
                self.sock.send(body, 0).map_err(|e| format!("send: {e}"))
            }
        }
    };
}

zmq_api_peer!(
    Ringmq,
    RingmqSocket,
    ringmq,
    "ringmq",
    ringmq_version,
    ringmq_notes,
    ringmq_remember
);
zmq_api_peer!(
    Libzmq,
    LibzmqSocket,
    zmq,
    "libzmq",
    libzmq_version,
    libzmq_notes,
    libzmq_remember
);

fn ringmq_version() -> String {
    env!("RINGMQ_PERF_RINGMQ_VERSION").to_string()
}

fn ringmq_notes(io_threads: i32) -> Value {
    let engine = ringmq_backend();
    // The spin budget changes every latency figure: recorded with the
    // backend, so the history compares runs of one setting only.
    let (spin_us, mode) = match engine {
        Some(_) => {
            let last = LAST_RINGMQ.lock().unwrap_or_else(|e| e.into_inner());
            let ctx = last.as_ref();
            (
                ctx.and_then(|c| c.get_spin_us().ok()),
                ctx.map(ringmq::Context::engine_mode),
            )
        }
        None => (None, None),
    };
    json!({ "io_threads": io_threads, "engine": engine, "spin_us": spin_us, "mode": mode })
}

/// The context of the latest ringmq run (contexts are handles: this keeps
/// nothing alive that the run does not).
static LAST_RINGMQ: std::sync::Mutex<Option<ringmq::Context>> = std::sync::Mutex::new(None);

fn ringmq_remember(ctx: &ringmq::Context) {
    *LAST_RINGMQ.lock().unwrap_or_else(|e| e.into_inner()) = Some(ctx.clone());
}

fn libzmq_remember(_ctx: &zmq::Context) {}

/// The backend the latest run's I/O threads ran on (`io_uring`, or `epoll`
/// when `RINGMQ_BACKEND` asks for it or io_uring is blocked): every record
/// says which engine its figures come from, so the history never compares
/// one with the other. `None` for a run that started no I/O thread
/// (inproc).
fn ringmq_backend() -> Option<&'static str> {
    let last = LAST_RINGMQ.lock().unwrap_or_else(|e| e.into_inner());
    last.as_ref()?.io_backends().first().copied()
}

/// The version of the libzmq actually linked (not the headers').
fn libzmq_version() -> String {
    let (major, minor, patch) = zmq::version();
    format!("{major}.{minor}.{patch}")
}

fn libzmq_notes(io_threads: i32) -> Value {
    json!({
        "io_threads": io_threads,
        "binding": format!("zmq crate {}", env!("RINGMQ_PERF_ZMQ_VERSION")),
        "library": libzmq_linkage(),
    })
}

/// Where libzmq comes from: the shared library mapped into this process
/// (the system's), or, if none is, the static copy zmq-sys builds.
pub fn libzmq_linkage() -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    maps.lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .find(|path| path.contains("/libzmq.so"))
        .map_or_else(
            || "static, vendored by zmq-sys".to_string(),
            |path| format!("shared {path}"),
        )
}
