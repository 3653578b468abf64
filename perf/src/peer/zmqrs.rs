//! zmq.rs (the `zeromq` crate) on tokio.

use super::{Kind, Peer, Res, Sock, SockConfig, Transport, ROLE_TIMEOUT};
use bytes::Bytes;
use serde_json::{json, Value};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};
use zeromq::{Socket as _, SocketRecv as _, SocketSend as _, ZmqMessage};

/// Which tokio runtime drives zmq.rs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// A current-thread runtime per endpoint thread: each side's sockets and
    /// their background tasks run on that side's own thread.
    CurrentThread,
    /// A multi-thread runtime (one worker per core) per side, as
    /// `#[tokio::main]` gives; the scenario's threads `block_on` it.
    MultiThread,
}

impl Flavor {
    pub fn name(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "current_thread",
            Flavor::MultiThread => "multi_thread",
        }
    }
}

/// zmq.rs with the chosen runtime flavour.
pub struct ZmqRs {
    pub flavor: Flavor,
}

/// One side: the multi-thread runtime, if that flavour is used.
pub struct ZmqRsCtx {
    rt: Option<Runtime>,
}

enum Inner {
    Push(zeromq::PushSocket),
    Pull(zeromq::PullSocket),
    Pub(zeromq::PubSocket),
    Sub(zeromq::SubSocket),
    Req(zeromq::ReqSocket),
    Rep(zeromq::RepSocket),
    Dealer(zeromq::DealerSocket),
    Router(zeromq::RouterSocket),
}

/// Calls `$body` with the concrete socket bound to `$s`.
macro_rules! each {
    ($inner:expr, $s:ident => $body:expr) => {
        match $inner {
            Inner::Push($s) => $body,
            Inner::Pull($s) => $body,
            Inner::Pub($s) => $body,
            Inner::Sub($s) => $body,
            Inner::Req($s) => $body,
            Inner::Rep($s) => $body,
            Inner::Dealer($s) => $body,
            Inner::Router($s) => $body,
        }
    };
}

/// A zmq.rs socket with the last message received kept for `echo`.
pub struct ZmqRsSocket {
    inner: Inner,
    last: Option<ZmqMessage>,
}

impl Peer for ZmqRs {
    type Ctx = ZmqRsCtx;
    type Socket = ZmqRsSocket;

    fn name(&self) -> &'static str {
        "zmqrs"
    }

    fn version(&self) -> String {
        env!("RINGMQ_PERF_ZEROMQ_VERSION").to_string()
    }

    fn notes(&self) -> Value {
        let runtime = match self.flavor {
            Flavor::CurrentThread => "current_thread runtime per endpoint thread",
            Flavor::MultiThread => "multi_thread runtime per side, a worker per core",
        };
        json!({
            "runtime": format!("tokio {} {}", env!("RINGMQ_PERF_TOKIO_VERSION"), runtime),
            "flavor": self.flavor.name(),
            "queues": "fixed 100000 messages per peer (no HWM option); PUB drops beyond",
        })
    }

    fn supports(&self, transport: Transport) -> bool {
        transport != Transport::Inproc
    }

    fn context(&self) -> Res<ZmqRsCtx> {
        let rt = match self.flavor {
            Flavor::CurrentThread => None,
            Flavor::MultiThread => Some(
                Builder::new_multi_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("tokio runtime: {e}"))?,
            ),
        };
        Ok(ZmqRsCtx { rt })
    }

    fn block_on<F: Future>(&self, ctx: &ZmqRsCtx, f: F) -> F::Output {
        match &ctx.rt {
            Some(rt) => rt.block_on(f),
            None => Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread tokio runtime")
                .block_on(f),
        }
    }

    async fn socket(&self, _ctx: &ZmqRsCtx, cfg: SockConfig) -> Res<ZmqRsSocket> {
        let inner = match cfg.kind {
            Kind::Push => Inner::Push(zeromq::PushSocket::new()),
            Kind::Pull => Inner::Pull(zeromq::PullSocket::new()),
            Kind::Pub => Inner::Pub(zeromq::PubSocket::new()),
            Kind::Sub => {
                let mut s = zeromq::SubSocket::new();
                s.subscribe("")
                    .await
                    .map_err(|e| format!("subscribe: {e}"))?;
                Inner::Sub(s)
            }
            Kind::Req => Inner::Req(zeromq::ReqSocket::new()),
            Kind::Rep => Inner::Rep(zeromq::RepSocket::new()),
            Kind::Dealer => Inner::Dealer(zeromq::DealerSocket::new()),
            Kind::Router => Inner::Router(zeromq::RouterSocket::new()),
        };
        Ok(ZmqRsSocket { inner, last: None })
    }

    /// Lets the runtime's ready tasks (the writer of what was just sent)
    /// run, then sleeps the thread: tokio's timers have a resolution of a
    /// millisecond, too coarse to pace tens of thousands of messages a second.
    async fn sleep_until(&self, deadline: Instant) {
        tokio::task::yield_now().await;
        super::thread_sleep_until(deadline);
    }

    async fn pause(&self, d: Duration) {
        tokio::time::sleep(d).await
    }

    /// One timer for the whole role rather than one per call: a timeout
    /// around every send and receive would cost zmq.rs a timer registration
    /// per message, which the blocking peers do not pay.
    async fn guard<T>(&self, abort: &AtomicBool, role: impl Future<Output = Res<T>>) -> Res<T> {
        let watchdog = async {
            let deadline = Instant::now() + ROLE_TIMEOUT;
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                if abort.load(Ordering::SeqCst) {
                    return "stopped: another role failed".to_string();
                }
                if Instant::now() > deadline {
                    return format!("timed out after {ROLE_TIMEOUT:?}");
                }
            }
        };
        tokio::select! {
            biased;
            out = role => out,
            why = watchdog => Err(why),
        }
    }
}

impl ZmqRsSocket {
    async fn send_msg(&mut self, msg: ZmqMessage) -> Res<()> {
        let sent = match &mut self.inner {
            Inner::Push(s) => s.send(msg).await,
            Inner::Pub(s) => s.send(msg).await,
            Inner::Req(s) => s.send(msg).await,
            Inner::Rep(s) => s.send(msg).await,
            Inner::Dealer(s) => s.send(msg).await,
            Inner::Router(s) => s.send(msg).await,
            Inner::Pull(_) | Inner::Sub(_) => return Err("send on a receive-only socket".into()),
        };
        sent.map_err(|e| format!("send: {e}"))
    }
}

impl Sock for ZmqRsSocket {
    async fn bind(&mut self, endpoint: &str) -> Res<String> {
        let bound = each!(&mut self.inner, s => s.bind(endpoint).await);
        bound
            .map(|ep| ep.to_string())
            .map_err(|e| format!("bind {endpoint}: {e}"))
    }

    async fn connect(&mut self, endpoint: &str) -> Res<()> {
        let connected = each!(&mut self.inner, s => s.connect(endpoint).await);
        connected.map_err(|e| format!("connect {endpoint}: {e}"))
    }

    async fn send(&mut self, payload: &[u8]) -> Res<()> {
        let mut msg = ZmqMessage::from(Bytes::copy_from_slice(payload));
        if let Inner::Router(_) = self.inner {
            let id = self
                .last
                .as_ref()
                .and_then(|m| m.get(0))
                .cloned()
                .ok_or("ROUTER send before any receive")?;
            msg.push_front(id);
        }
        self.send_msg(msg).await
    }

    async fn recv(&mut self) -> Res<&[u8]> {
        let got = match &mut self.inner {
            Inner::Pull(s) => s.recv().await,
            Inner::Sub(s) => s.recv().await,
            Inner::Req(s) => s.recv().await,
            Inner::Rep(s) => s.recv().await,
            Inner::Dealer(s) => s.recv().await,
            Inner::Router(s) => s.recv().await,
            Inner::Push(_) | Inner::Pub(_) => return Err("recv on a send-only socket".into()),
        };
        let msg = got.map_err(|e| format!("recv: {e}"))?;
        let msg = self.last.insert(msg);
        Ok(msg.get(msg.len() - 1).map_or(&[][..], |b| &b[..]))
    }

    async fn echo(&mut self) -> Res<()> {
        let msg = self.last.take().ok_or("echo before any receive")?;
        self.send_msg(msg).await
    }
}
