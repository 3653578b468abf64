//! Runs one scenario once on one implementation: the binding side and the
//! connecting side(s) each on their own thread, with their own context (one
//! shared context over inproc), as two processes would.
//!
//! Every role waits, before it closes its socket, until every receiver has
//! finished, so nothing in flight is lost to the close.
//!
//! At a fixed rate, message *i* is due at `t0 + i / rate`. Its latency is
//! what the system took from the moment it was actually sent, plus the time
//! the system kept the sender from sending it when due (the previous send
//! blocked, or the previous reply came late): `arrival − actual send +
//! max(0, sender free − due)`. Stalls thus delay every message behind them,
//! as they would at a real offered load (no coordinated omission), while the
//! pacer's own lateness (a thread wakes up tens of µs after its timer) is
//! not counted against the system. The sender records for each message that
//! corrected start, `actual send − max(0, sender free − due)`; receivers
//! record arrivals; the two are matched by sequence number.

use crate::peer::{Kind, Peer, Res, Sock, SockConfig, Transport};
use crate::scenario::{Mode, Pattern, Scenario};
use hdrhistogram::Histogram;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// High-water mark of PUB and SUB sockets in pub-sub scenarios: none, so a
/// publisher's stream is measured as delivered rather than as dropped.
/// (zmq.rs has no such option: its queues hold 100,000 messages.)
pub const PUBSUB_HWM: i32 = 0;

/// Longest wait for the other side (a subscription to arrive, receivers to
/// finish) before the run is declared failed.
const WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Messages sent before a paced stream starts, not measured.
const RATE_WARMUP: u64 = 100;

/// Payload tags of pub-sub (first byte): subscription probes, data, end.
/// Data messages of a paced stream carry their sequence number in bytes
/// 1..9 (little-endian) when they are that long.
const TAG_WARM: u8 = b'W';
const TAG_DATA: u8 = b'D';
const TAG_END: u8 = b'E';

/// What one run measured.
#[derive(Debug)]
pub struct Outcome {
    /// Messages (streams) or round trips per second.
    pub msgs_per_sec: f64,
    /// The interval the rate was taken over.
    pub elapsed: Duration,
    /// Messages (or round trips) measured; for a stream, by the receiver that
    /// got the fewest.
    pub received: u64,
    /// Latencies in ns: round trips (lat mode, req-rep at a rate) or one-way
    /// from the intended send time (push-pull and pub-sub at a rate).
    pub hist: Option<Histogram<u64>>,
}

/// Makes ipc and inproc endpoint names unique within the process, whoever
/// calls [`run`] (tests run several at once).
static ENDPOINTS: AtomicU64 = AtomicU64::new(0);

/// Runs `sc` once. `seq` goes into the endpoint names (with a process-wide
/// counter that keeps them unique).
pub fn run<P: Peer>(peer: &P, sc: &Scenario, seq: u64) -> Res<Outcome> {
    let unique = ENDPOINTS.fetch_add(1, Ordering::Relaxed);
    if !peer.supports(sc.transport) {
        return Err(format!(
            "{} has no {} transport",
            peer.name(),
            sc.transport.name()
        ));
    }
    let endpoint = match sc.transport {
        Transport::Tcp => "tcp://127.0.0.1:0".to_string(),
        Transport::Ipc => format!(
            "ipc://{}/ringmq-bench-{}-{seq}-{unique}.sock",
            std::env::temp_dir().display(),
            std::process::id()
        ),
        Transport::Inproc => format!("inproc://ringmq-bench-{seq}-{unique}"),
    };
    let bind_ctx = peer.context()?;
    let other;
    let conn_ctx = if sc.transport == Transport::Inproc {
        &bind_ctx
    } else {
        other = peer.context()?;
        &other
    };
    let sides = Sides {
        peer,
        sc,
        endpoint: &endpoint,
        bind_ctx: &bind_ctx,
        conn_ctx,
    };
    let out = match sc.pattern {
        Pattern::PushPull => sides.push_pull(),
        Pattern::PubSub { subscribers } => sides.pub_sub(subscribers),
        Pattern::ReqRep => sides.round_trips(Kind::Rep, Kind::Req),
        Pattern::DealerRouter => sides.round_trips(Kind::Router, Kind::Dealer),
    };
    if let Some(path) = endpoint.strip_prefix("ipc://") {
        let _ = std::fs::remove_file(path);
    }
    out
}

/// State the roles of one run share.
#[derive(Default)]
struct Shared {
    /// Receivers that have finished.
    done: AtomicUsize,
    /// Subscribers that have seen a probe (their subscription is in place).
    ready: AtomicUsize,
    /// A role failed: the others stop waiting.
    abort: AtomicBool,
}

struct Sides<'a, P: Peer> {
    peer: &'a P,
    sc: &'a Scenario,
    endpoint: &'a str,
    bind_ctx: &'a P::Ctx,
    conn_ctx: &'a P::Ctx,
}

/// Runs a role to completion on this thread; a failure makes the others
/// stop waiting for it.
fn role<P: Peer, T>(
    peer: &P,
    ctx: &P::Ctx,
    shared: &Shared,
    f: impl Future<Output = Res<T>>,
) -> Res<T> {
    let out = peer.block_on(ctx, peer.guard(&shared.abort, f));
    if out.is_err() {
        shared.abort.store(true, Ordering::SeqCst);
    }
    out
}

fn join<T>(h: thread::ScopedJoinHandle<'_, Res<T>>) -> Res<T> {
    h.join().unwrap_or_else(|_| Err("a role panicked".into()))
}

/// Waits (letting the peer's tasks run) until `cond` holds.
async fn wait_for<P: Peer>(
    peer: &P,
    shared: &Shared,
    what: &str,
    cond: impl Fn() -> bool,
) -> Res<()> {
    let deadline = Instant::now() + WAIT_TIMEOUT;
    loop {
        if cond() {
            return Ok(());
        }
        if shared.abort.load(Ordering::SeqCst) {
            return Err(format!("stopped waiting for {what}: another role failed"));
        }
        let now = Instant::now();
        if now > deadline {
            return Err(format!("timed out waiting for {what}"));
        }
        peer.pause(Duration::from_micros(200)).await;
    }
}

/// When message `i` of a stream paced at `rate` from `t0` is due.
fn intended(t0: Instant, i: u64, rate: u64) -> Instant {
    t0 + Duration::from_nanos((u128::from(i) * 1_000_000_000 / u128::from(rate)) as u64)
}

fn histogram() -> Histogram<u64> {
    // 1 ns … 60 s at 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds")
}

fn record(h: &mut Histogram<u64>, d: Duration) {
    h.saturating_record((d.as_nanos() as u64).max(1));
}

fn check_size(got: usize, want: usize) -> Res<()> {
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "message of incorrect size received ({got} B, expected {want} B)"
        ))
    }
}

/// What a stream's receiver saw.
struct Received {
    first: Instant,
    last: Instant,
    count: u64,
    /// At a fixed rate: (sequence number, arrival) of each message.
    arrivals: Vec<(u64, Instant)>,
}

impl Received {
    /// Messages per second between the first and the last (the first only
    /// starts the clock, as in libzmq's local_thr).
    fn rate(&self) -> f64 {
        let secs = (self.last - self.first).as_secs_f64();
        if self.count < 2 || secs <= 0.0 {
            0.0
        } else {
            (self.count - 1) as f64 / secs
        }
    }
}

/// The sequence number a paced data message carries, if it is long enough.
fn seq_of(msg: &[u8]) -> Option<u64> {
    msg.get(1..9)
        .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes")))
}

fn set_seq(payload: &mut [u8], i: u64) {
    if let Some(b) = payload.get_mut(1..9) {
        b.copy_from_slice(&i.to_le_bytes());
    }
}

impl<P: Peer> Sides<'_, P> {
    fn cfg(&self, kind: Kind, hwm: Option<i32>) -> SockConfig {
        SockConfig {
            kind,
            size: self.sc.size,
            hwm,
            batch: self.sc.mode() == Mode::Throughput,
        }
    }

    /// PULL binds, PUSH connects (as local_thr/remote_thr).
    fn push_pull(&self) -> Res<Outcome> {
        let (peer, sc, shared) = (self.peer, self.sc, &Shared::default());
        let (ep_tx, ep_rx) = mpsc::channel::<String>();
        let warm = if sc.rate.is_some() { RATE_WARMUP } else { 0 };
        thread::scope(|s| {
            let receiver = s.spawn(move || {
                role(peer, self.bind_ctx, shared, async {
                    let mut sock = peer
                        .socket(self.bind_ctx, self.cfg(Kind::Pull, None))
                        .await?;
                    let ep = sock.bind(self.endpoint).await?;
                    let _ = ep_tx.send(ep);
                    for _ in 0..warm {
                        check_size(sock.recv().await?.len(), sc.size)?;
                    }
                    let got = receive_stream(&mut sock, sc).await;
                    shared.done.fetch_add(1, Ordering::SeqCst);
                    got
                })
            });
            let sender = s.spawn(move || {
                let Ok(ep) = ep_rx.recv() else {
                    return Err("the receiver did not bind".to_string());
                };
                role(peer, self.conn_ctx, shared, async {
                    let mut sock = peer
                        .socket(self.conn_ctx, self.cfg(Kind::Push, None))
                        .await?;
                    sock.connect(&ep).await?;
                    let mut payload = vec![TAG_DATA; sc.size];
                    for _ in 0..warm {
                        sock.send(&payload).await?;
                    }
                    let starts = send_stream(peer, &mut sock, sc, &mut payload).await?;
                    sock.flush().await?;
                    wait_for(peer, shared, "the receiver", || {
                        shared.done.load(Ordering::SeqCst) == 1
                    })
                    .await?;
                    Ok(starts)
                })
            });
            let got = join(receiver);
            let starts = join(sender);
            let got = got?;
            Ok(stream_outcome(sc, vec![got], &starts?))
        })
    }

    /// PUB binds, the subscribers connect. The publisher probes until every
    /// subscriber has seen a probe, then streams; then it sends end markers
    /// until every subscriber is done (so that one which lost data stops).
    fn pub_sub(&self, subscribers: usize) -> Res<Outcome> {
        let (peer, sc, shared) = (self.peer, self.sc, &Shared::default());
        let (ep_tx, ep_rx) = mpsc::channel::<String>();
        let hwm = Some(PUBSUB_HWM);
        thread::scope(|s| {
            let publisher = s.spawn(move || {
                role(peer, self.bind_ctx, shared, async {
                    let mut sock = peer.socket(self.bind_ctx, self.cfg(Kind::Pub, hwm)).await?;
                    let ep = sock.bind(self.endpoint).await?;
                    for _ in 0..subscribers {
                        let _ = ep_tx.send(ep.clone());
                    }
                    let mut probe = vec![0; sc.size];
                    probe[0] = TAG_WARM;
                    let deadline = Instant::now() + WAIT_TIMEOUT;
                    while shared.ready.load(Ordering::SeqCst) < subscribers {
                        if shared.abort.load(Ordering::SeqCst) || Instant::now() > deadline {
                            return Err("subscribers did not get the probes".into());
                        }
                        sock.send(&probe).await?;
                        sock.flush().await?;
                        peer.pause(Duration::from_millis(1)).await;
                    }
                    let mut payload = vec![TAG_DATA; sc.size];
                    let starts = send_stream(peer, &mut sock, sc, &mut payload).await?;
                    sock.flush().await?;
                    let mut end = vec![0; sc.size];
                    end[0] = TAG_END;
                    let deadline = Instant::now() + WAIT_TIMEOUT;
                    while shared.done.load(Ordering::SeqCst) < subscribers {
                        if shared.abort.load(Ordering::SeqCst) || Instant::now() > deadline {
                            return Err("subscribers did not finish".into());
                        }
                        sock.send(&end).await?;
                        sock.flush().await?;
                        peer.pause(Duration::from_millis(1)).await;
                    }
                    Ok(starts)
                })
            });
            let subs: Vec<_> = (0..subscribers)
                .map(|_| {
                    let ep = ep_rx.recv();
                    s.spawn(move || {
                        let Ok(ep) = ep else {
                            return Err("the publisher did not bind".to_string());
                        };
                        role(peer, self.conn_ctx, shared, async {
                            let mut sock =
                                peer.socket(self.conn_ctx, self.cfg(Kind::Sub, hwm)).await?;
                            sock.connect(&ep).await?;
                            let got = receive_tagged(&mut sock, sc, shared).await;
                            shared.done.fetch_add(1, Ordering::SeqCst);
                            let got = got?;
                            wait_for(peer, shared, "the other subscribers", || {
                                shared.done.load(Ordering::SeqCst) == subscribers
                            })
                            .await?;
                            Ok(got)
                        })
                    })
                })
                .collect();
            let got: Vec<_> = subs.into_iter().map(join).collect();
            let starts = join(publisher)?;
            let got = got.into_iter().collect::<Res<Vec<_>>>()?;
            Ok(stream_outcome(sc, got, &starts))
        })
    }

    /// The server binds and echoes; the client connects and times each
    /// round trip (as local_lat/remote_lat, plus a histogram).
    fn round_trips(&self, server: Kind, client: Kind) -> Res<Outcome> {
        let (peer, sc, shared) = (self.peer, self.sc, &Shared::default());
        let (ep_tx, ep_rx) = mpsc::channel::<String>();
        let warm = (sc.count / 10).clamp(1, 1_000);
        thread::scope(|s| {
            let echo = s.spawn(move || {
                role(peer, self.bind_ctx, shared, async {
                    let mut sock = peer.socket(self.bind_ctx, self.cfg(server, None)).await?;
                    let ep = sock.bind(self.endpoint).await?;
                    let _ = ep_tx.send(ep);
                    for _ in 0..warm + sc.count {
                        check_size(sock.recv().await?.len(), sc.size)?;
                        sock.echo().await?;
                    }
                    wait_for(peer, shared, "the client", || {
                        shared.done.load(Ordering::SeqCst) == 1
                    })
                    .await
                })
            });
            let timing = s.spawn(move || {
                let Ok(ep) = ep_rx.recv() else {
                    return Err("the server did not bind".to_string());
                };
                role(peer, self.conn_ctx, shared, async {
                    let mut sock = peer.socket(self.conn_ctx, self.cfg(client, None)).await?;
                    sock.connect(&ep).await?;
                    let got = ping_pong(peer, &mut sock, sc, warm).await;
                    shared.done.fetch_add(1, Ordering::SeqCst);
                    got
                })
            });
            let got = join(timing);
            let served = join(echo);
            let got = got?;
            served?;
            Ok(got)
        })
    }
}

/// Sends `sc.count` messages, flat out or paced at `sc.rate`. Paced, it
/// returns each message's corrected start (see the module documentation).
async fn send_stream<P: Peer>(
    peer: &P,
    sock: &mut P::Socket,
    sc: &Scenario,
    payload: &mut [u8],
) -> Res<Vec<Instant>> {
    let Some(rate) = sc.rate else {
        for _ in 0..sc.count {
            sock.send(payload).await?;
        }
        return Ok(Vec::new());
    };
    let mut starts = Vec::with_capacity(sc.count as usize);
    let t0 = Instant::now();
    let mut free = t0;
    for i in 0..sc.count {
        let due = intended(t0, i, rate);
        peer.sleep_until(due).await;
        set_seq(payload, i);
        let sent = Instant::now();
        sock.send(payload).await?;
        starts.push(sent - free.saturating_duration_since(due));
        free = Instant::now();
    }
    Ok(starts)
}

/// Receives `sc.count` messages of a push-pull stream.
async fn receive_stream<S: Sock>(sock: &mut S, sc: &Scenario) -> Res<Received> {
    let paced = sc.rate.is_some();
    let mut arrivals = Vec::with_capacity(if paced { sc.count as usize } else { 0 });
    let mut first = None;
    for i in 0..sc.count {
        let msg = sock.recv().await?;
        let now = Instant::now();
        check_size(msg.len(), sc.size)?;
        first.get_or_insert(now);
        if paced {
            arrivals.push((seq_of(msg).unwrap_or(i), now));
        }
    }
    let last = Instant::now();
    Ok(Received {
        first: first.unwrap_or(last),
        last,
        count: sc.count,
        arrivals,
    })
}

/// Receives a pub-sub stream: skips probes (telling the publisher the first
/// one arrived), counts data until `sc.count` or an end marker.
async fn receive_tagged<S: Sock>(sock: &mut S, sc: &Scenario, shared: &Shared) -> Res<Received> {
    let paced = sc.rate.is_some();
    let mut arrivals = Vec::with_capacity(if paced { sc.count as usize } else { 0 });
    let mut ready = false;
    let mut first = None;
    let mut last = Instant::now();
    let mut n = 0;
    while n < sc.count {
        let msg = sock.recv().await?;
        let now = Instant::now();
        check_size(msg.len(), sc.size)?;
        match msg[0] {
            TAG_WARM => {
                if !ready {
                    ready = true;
                    shared.ready.fetch_add(1, Ordering::SeqCst);
                }
            }
            TAG_DATA => {
                first.get_or_insert(now);
                last = now;
                if paced {
                    arrivals.push((seq_of(msg).unwrap_or(n), now));
                }
                n += 1;
            }
            TAG_END => break,
            other => return Err(format!("unexpected message tag {other:#04x}")),
        }
    }
    Ok(Received {
        first: first.unwrap_or(last),
        last,
        count: n,
        arrivals,
    })
}

/// `warm` untimed round trips, then `sc.count` timed ones: back to back, or
/// each sent when due at `sc.rate` and timed as the module documentation
/// says.
async fn ping_pong<P: Peer>(
    peer: &P,
    sock: &mut P::Socket,
    sc: &Scenario,
    warm: u64,
) -> Res<Outcome> {
    let payload = vec![0u8; sc.size];
    for _ in 0..warm {
        sock.send(&payload).await?;
        check_size(sock.recv().await?.len(), sc.size)?;
    }
    let mut hist = histogram();
    let t0 = Instant::now();
    let mut free = t0;
    for i in 0..sc.count {
        let start = match sc.rate {
            Some(rate) => {
                let due = intended(t0, i, rate);
                peer.sleep_until(due).await;
                Instant::now() - free.saturating_duration_since(due)
            }
            None => Instant::now(),
        };
        sock.send(&payload).await?;
        check_size(sock.recv().await?.len(), sc.size)?;
        free = Instant::now();
        record(&mut hist, free - start);
    }
    let elapsed = t0.elapsed();
    Ok(Outcome {
        msgs_per_sec: sc.count as f64 / elapsed.as_secs_f64().max(1e-9),
        elapsed,
        received: sc.count,
        hist: Some(hist),
    })
}

/// Combines the receivers of a stream: the rate of the slowest, the count of
/// the one that got fewest; at a fixed rate, the latencies of every message
/// at every receiver from its corrected start.
fn stream_outcome(sc: &Scenario, got: Vec<Received>, starts: &[Instant]) -> Outcome {
    let received = got.iter().map(|r| r.count).min().unwrap_or(0);
    if sc.rate.is_none() {
        let slowest = got
            .iter()
            .min_by(|a, b| a.rate().total_cmp(&b.rate()))
            .expect("at least one receiver");
        return Outcome {
            msgs_per_sec: slowest.rate(),
            elapsed: slowest.last - slowest.first,
            received,
            hist: None,
        };
    }
    // Paced: what was delivered over the whole paced interval.
    let first = got
        .iter()
        .map(|r| r.first)
        .min()
        .expect("at least one receiver");
    let last = got
        .iter()
        .map(|r| r.last)
        .max()
        .expect("at least one receiver");
    let span = last - first;
    let mut hist = histogram();
    for r in &got {
        for &(seq, at) in &r.arrivals {
            if let Some(start) = starts.get(seq as usize) {
                record(&mut hist, at.saturating_duration_since(*start));
            }
        }
    }
    Outcome {
        msgs_per_sec: received.saturating_sub(1) as f64 / span.as_secs_f64().max(1e-9),
        elapsed: span,
        received,
        hist: Some(hist),
    }
}
