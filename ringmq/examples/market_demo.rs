//! The market-data demo, live: a quote feed and an order gateway over tcp on
//! the io_uring engine, watched in the browser by the inspector.
//!
//! - An XPUB publishes quotes of eight currency pairs (prices on a random
//!   walk, a five-level book, a sequence number) at a steady rate.
//! - Four SUB subscribers on different topics each read in their own thread.
//! - One slow subscriber (RCVHWM 100) reads ten quotes a second: its queue
//!   and the kernel's buffers fill, the publisher's pipe to it turns mute and
//!   its copies are dropped there, which the dashboard shows on that pipe.
//!   The subscriber that takes everything checks the sequence numbers: it
//!   misses nothing.
//! - REQ traders send orders through a ROUTER/DEALER gateway
//!   (`zmq::proxy_steerable`) to REP matching engines, which fill them; each
//!   trader times its round trips.
//!
//! The inspector serves the dashboard on 127.0.0.1:9870 (`--inspect ADDR`,
//! port 0 for any free one); a one-line summary on stderr is refreshed every
//! second (rewritten in place with `\r` on a terminal, one line a second in
//! a log). Runs until Ctrl-C or `--duration SECS`, then stops every thread
//! and closes every socket.
//!
//! ```sh
//! cargo run --release -p ringmq --example market_demo -- --duration 30
//! ```
//!
//! The topology is the `Demo` type below; the dashboard's end-to-end test
//! (`tests/dashboard_e2e.rs`) includes this file as a module and runs the
//! very same code.

use hdrhistogram::Histogram;
use ringmq as zmq;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use zmq::snapshot::{PipeSnapshot, Snapshot};

/// The instruments quoted, with a starting mid price and the decimals quoted.
pub const INSTRUMENTS: [(&str, f64, usize); 8] = [
    ("EURUSD", 1.0842, 5),
    ("USDJPY", 151.20, 3),
    ("GBPUSD", 1.2655, 5),
    ("EURJPY", 163.93, 3),
    ("AUDUSD", 0.6571, 5),
    ("USDCHF", 0.9043, 5),
    ("EURGBP", 0.8567, 5),
    ("USDCAD", 1.3578, 5),
];

/// The well-behaved subscribers: a name and the topics (prefixes) they take.
pub const SUBSCRIBERS: [(&str, &[&str]); 4] = [
    ("eur", &["EUR"]),
    ("usdjpy", &["USDJPY"]),
    ("majors", &["EURUSD", "GBPUSD", "USDJPY"]),
    ("all", &[""]),
];

/// The slow subscriber's routing id: its pipe at the publisher carries it.
pub const SLOW_IDENTITY: &str = "sub-slow";

/// How long a blocking call waits before its thread looks at the stop flag.
const POLL_MS: i32 = 100;

/// What the demo runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Quotes published per second.
    pub quote_rate: u32,
    /// Orders sent per second, by all traders together.
    pub order_rate: u32,
    /// REQ clients sending orders.
    pub traders: usize,
    /// REP matching engines behind the gateway.
    pub engines: usize,
    /// The publisher's SNDHWM: how many quotes it queues per subscriber.
    pub publisher_sndhwm: i32,
    /// The slow subscriber's RCVHWM.
    pub slow_rcvhwm: i32,
    /// The slow subscriber reads one quote this often.
    pub slow_read_every: Duration,
    /// The interface the sockets bind on (ports are chosen by the system).
    pub host: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            quote_rate: 20_000,
            order_rate: 1_000,
            traders: 3,
            engines: 2,
            publisher_sndhwm: 10_000,
            slow_rcvhwm: 100,
            slow_read_every: Duration::from_millis(100),
            host: "127.0.0.1".to_string(),
        }
    }
}

/// What one subscriber saw.
#[derive(Debug, Default)]
pub struct SubscriberStats {
    /// Quotes received.
    pub received: AtomicU64,
    /// Quotes missed, from the gaps in the sequence numbers (counted only by
    /// subscribers that take every topic, and only once they read past the
    /// gap).
    pub missed: AtomicU64,
}

/// Counters the demo's threads update and the summary line reads.
#[derive(Debug, Default)]
pub struct Stats {
    /// Quotes published.
    pub quotes: AtomicU64,
    /// Subscription messages the XPUB received.
    pub subscriptions: AtomicU64,
    /// One per entry of [`SUBSCRIBERS`].
    pub subscribers: [SubscriberStats; SUBSCRIBERS.len()],
    /// The slow subscriber.
    pub slow: SubscriberStats,
    /// Orders sent by the traders.
    pub orders_sent: AtomicU64,
    /// Fills received by the traders.
    pub orders_filled: AtomicU64,
    /// Order round trips (µs) since the last [`Stats::take_round_trips`].
    round_trips: Mutex<Option<Histogram<u64>>>,
}

impl Stats {
    fn record_round_trip(&self, rtt: Duration) {
        let us = u64::try_from(rtt.as_micros()).unwrap_or(u64::MAX);
        self.round_trips
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(new_histogram)
            .saturating_record(us);
    }

    /// The round trips recorded since the last call, in microseconds.
    pub fn take_round_trips(&self) -> Histogram<u64> {
        self.round_trips
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_else(new_histogram)
    }
}

/// The publisher's pipe to the slow subscriber in a snapshot of the
/// context, with the publisher's socket id.
pub fn slow_pipe(snapshot: &Snapshot) -> Option<(u64, &PipeSnapshot)> {
    snapshot
        .sockets
        .iter()
        .filter(|s| s.socket_type == "XPUB")
        .find_map(|s| {
            s.pipes
                .iter()
                .find(|p| p.peer_identity == SLOW_IDENTITY)
                .map(|p| (s.id, p))
        })
}

/// A histogram of round trips in µs, 1 µs to 60 s, three significant digits.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// A reading of [`Stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Quotes published.
    pub quotes: u64,
    /// Quotes received, per entry of [`SUBSCRIBERS`].
    pub received: [u64; SUBSCRIBERS.len()],
    /// Quotes the "all" subscriber missed (0 unless something is wrong).
    pub missed_by_all: u64,
    /// Quotes the slow subscriber read.
    pub slow_received: u64,
    /// Copies for the slow subscriber the publisher dropped at its pipe's
    /// high-water mark (the inspector's counter for that pipe).
    pub slow_dropped: u64,
    /// Orders sent.
    pub orders_sent: u64,
    /// Orders filled.
    pub orders_filled: u64,
}

/// The endpoints the demo bound.
#[derive(Clone, Debug)]
pub struct Endpoints {
    /// The XPUB quote feed.
    pub quotes: String,
    /// The gateway's ROUTER, where traders connect.
    pub orders: String,
    /// The gateway's DEALER, where matching engines connect.
    pub engines: String,
}

/// The running topology: every socket lives in one of its threads.
pub struct Demo {
    ctx: zmq::Context,
    stop: Arc<AtomicBool>,
    /// Sends TERMINATE to the gateway's `proxy_steerable`.
    gateway_control: zmq::Socket,
    threads: Vec<(String, JoinHandle<zmq::Result<()>>)>,
    /// The counters.
    pub stats: Arc<Stats>,
    /// Where to connect to it from outside.
    pub endpoints: Endpoints,
}

/// A socket of the demo: closes at once, and blocking calls return every
/// [`POLL_MS`] so that its thread notices the stop flag.
fn socket(ctx: &zmq::Context, kind: zmq::SocketType) -> zmq::Result<zmq::Socket> {
    let s = ctx.socket(kind)?;
    s.set_linger(0)?;
    s.set_rcvtimeo(POLL_MS)?;
    s.set_sndtimeo(POLL_MS)?;
    Ok(s)
}

fn bind(s: &zmq::Socket, host: &str) -> zmq::Result<String> {
    s.bind(&format!("tcp://{host}:*"))?;
    Ok(s.get_last_endpoint()?.expect("a tcp endpoint is printable"))
}

/// Whether a call's error only means "nothing yet" (a timeout).
fn is_timeout(e: &zmq::Error) -> bool {
    *e == zmq::Error::EAGAIN
}

/// A small xorshift generator: prices need variety, not quality.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in [-1, 1).
    fn signed(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

/// One quote's payload: the sequence number, top of book and five levels.
fn quote(seq: u64, mid: f64, decimals: usize, rng: &mut Rng) -> String {
    let tick = 10f64.powi(-(decimals as i32));
    let half_spread = tick * (1.0 + (rng.next() % 3) as f64);
    let (bid, ask) = (mid - half_spread, mid + half_spread);
    let mut s = format!("{seq} {bid:.decimals$} {ask:.decimals$} |");
    for side in [-1.0, 1.0] {
        for level in 0..5 {
            let px = mid + side * (half_spread + level as f64 * tick);
            let size = 1 + rng.next() % 9;
            s.push_str(&format!(" {px:.decimals$}x{size}M"));
        }
        s.push_str(" |");
    }
    s
}

/// The sequence number at the start of a quote's payload.
fn sequence(payload: &[u8]) -> Option<u64> {
    let end = payload.iter().position(|b| *b == b' ')?;
    std::str::from_utf8(&payload[..end]).ok()?.parse().ok()
}

impl Demo {
    /// Builds the topology in `ctx` and starts its threads. Binds on
    /// ephemeral ports of `config.host`; the subscribers, traders and
    /// engines connect to them.
    ///
    /// # Errors
    /// A socket's creation, bind or connect failed (`EMTHREAD` where the
    /// I/O engine cannot run: io_uring disabled).
    pub fn start(ctx: &zmq::Context, config: &Config) -> zmq::Result<Demo> {
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(Stats::default());
        // Every socket is made, bound and connected first, and the threads
        // start only once nothing can fail: an error leaves nothing running.
        type Job = Box<dyn FnOnce() -> zmq::Result<()> + Send>;
        let mut jobs: Vec<(String, Job)> = Vec::new();
        let mut add = |name: String, job: Job| jobs.push((name, job));

        // --- market data ---------------------------------------------------
        let publisher = socket(ctx, zmq::XPUB)?;
        // Half a second of quotes at the default rate: a subscriber that
        // keeps up rides out a scheduling hiccup; one that does not is cut
        // off after that much.
        publisher.set_sndhwm(config.publisher_sndhwm)?;
        // Every subscription reaches the application, so the publisher can
        // wait for all its subscribers before it starts (no slow joiner).
        publisher.set_xpub_verbose(true)?;
        let quotes_ep = bind(&publisher, &config.host)?;
        let mut expected_subscriptions = 0;
        for (i, (name, topics)) in SUBSCRIBERS.iter().enumerate() {
            let sub = socket(ctx, zmq::SUB)?;
            sub.set_identity(format!("sub-{name}").as_bytes())?;
            for t in *topics {
                sub.set_subscribe(t.as_bytes())?;
                expected_subscriptions += 1;
            }
            sub.connect(&quotes_ep)?;
            let (stop, stats) = (stop.clone(), stats.clone());
            let gap_check = topics.iter().any(|t| t.is_empty());
            add(
                format!("sub-{name}"),
                Box::new(move || subscribe(&sub, &stats.subscribers[i], gap_check, &stop)),
            );
        }
        let slow = socket(ctx, zmq::SUB)?;
        slow.set_identity(SLOW_IDENTITY.as_bytes())?;
        slow.set_rcvhwm(config.slow_rcvhwm)?;
        slow.set_subscribe(b"")?;
        expected_subscriptions += 1;
        slow.connect(&quotes_ep)?;
        {
            let (stop, stats) = (stop.clone(), stats.clone());
            let every = config.slow_read_every;
            add(
                SLOW_IDENTITY.into(),
                Box::new(move || slow_subscriber(&slow, &stats.slow, every, &stop)),
            );
        }
        {
            let (stop, stats) = (stop.clone(), stats.clone());
            let rate = config.quote_rate.max(1);
            add(
                "publisher".into(),
                Box::new(move || publish(&publisher, rate, expected_subscriptions, &stats, &stop)),
            );
        }

        // --- order gateway -------------------------------------------------
        let mut frontend = socket(ctx, zmq::ROUTER)?;
        let mut backend = socket(ctx, zmq::DEALER)?;
        let orders_ep = bind(&frontend, &config.host)?;
        let engines_ep = bind(&backend, &config.host)?;
        let control_ep = format!("inproc://market-demo-gateway-{}", unique());
        let mut control = socket(ctx, zmq::PAIR)?;
        control.bind(&control_ep)?;
        let gateway_control = socket(ctx, zmq::PAIR)?;
        gateway_control.connect(&control_ep)?;
        add(
            "gateway".into(),
            Box::new(move || zmq::proxy_steerable(&mut frontend, &mut backend, &mut control)),
        );
        for i in 0..config.engines {
            let engine = socket(ctx, zmq::REP)?;
            engine.set_identity(format!("engine-{i}").as_bytes())?;
            engine.connect(&engines_ep)?;
            let stop = stop.clone();
            add(
                format!("engine-{i}"),
                Box::new(move || match_orders(&engine, &stop)),
            );
        }
        let traders = config.traders.max(1);
        let interval =
            Duration::from_secs_f64(traders as f64 / f64::from(config.order_rate.max(1)));
        for i in 0..traders {
            let trader = socket(ctx, zmq::REQ)?;
            trader.set_identity(format!("trader-{i}").as_bytes())?;
            trader.connect(&orders_ep)?;
            let (stop, stats) = (stop.clone(), stats.clone());
            add(
                format!("trader-{i}"),
                Box::new(move || trade(&trader, i, interval, &stats, &stop)),
            );
        }

        let threads = jobs
            .into_iter()
            .map(|(name, job)| {
                let handle = thread::Builder::new()
                    .name(name.clone())
                    .spawn(job)
                    .expect("spawn a demo thread");
                (name, handle)
            })
            .collect();
        Ok(Demo {
            ctx: ctx.clone(),
            stop,
            gateway_control,
            threads,
            stats,
            endpoints: Endpoints {
                quotes: quotes_ep,
                orders: orders_ep,
                engines: engines_ep,
            },
        })
    }

    /// The counters, read now: the demo's own, and the publisher's pipe to
    /// the slow subscriber from the context's snapshot (what the inspector
    /// serves).
    pub fn totals(&self) -> Totals {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let stats = &self.stats;
        let snapshot = self.ctx.snapshot();
        let slow = slow_pipe(&snapshot).map(|(_, p)| p);
        Totals {
            quotes: get(&stats.quotes),
            received: std::array::from_fn(|i| get(&stats.subscribers[i].received)),
            missed_by_all: get(&stats.subscribers[SUBSCRIBERS.len() - 1].missed),
            slow_received: get(&stats.slow.received),
            slow_dropped: slow.map_or(0, |p| p.drops_hwm),
            orders_sent: get(&stats.orders_sent),
            orders_filled: get(&stats.orders_filled),
        }
    }

    /// Stops every thread and waits for them; their sockets close as they
    /// return.
    ///
    /// # Errors
    /// What went wrong in the threads, each error named after its thread.
    pub fn stop(mut self) -> Result<(), String> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), String> {
        if self.threads.is_empty() {
            return Ok(());
        }
        self.stop.store(true, Ordering::Relaxed);
        let mut errors = Vec::new();
        if let Err(e) = self.gateway_control.send("TERMINATE", 0) {
            errors.push(format!("stopping the gateway: {e}"));
        }
        for (name, handle) in self.threads.drain(..) {
            match handle.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => errors.push(format!("{name}: {e}")),
                Err(_) => errors.push(format!("{name} panicked")),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

impl Drop for Demo {
    /// A demo dropped without [`Demo::stop`] (a failed test, say) still
    /// stops its threads.
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

fn unique() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The publisher: waits (a few seconds at most) until every subscriber has
/// subscribed, then sends `rate` quotes a second in 1 ms slices. XPUB never
/// blocks: a subscriber whose pipe is full just misses its copy.
fn publish(
    publisher: &zmq::Socket,
    rate: u32,
    expected_subscriptions: u64,
    stats: &Stats,
    stop: &AtomicBool,
) -> zmq::Result<()> {
    let drain_subscriptions = |flags| -> zmq::Result<()> {
        loop {
            match publisher.recv_bytes(flags) {
                Ok(m) if m.first() == Some(&1) => {
                    stats.subscriptions.fetch_add(1, Ordering::Relaxed);
                }
                Ok(_) => {}
                Err(e) if is_timeout(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
            if flags == 0 {
                return Ok(());
            }
        }
    };
    let waiting_since = Instant::now();
    while stats.subscriptions.load(Ordering::Relaxed) < expected_subscriptions
        && waiting_since.elapsed() < Duration::from_secs(5)
        && !stop.load(Ordering::Relaxed)
    {
        drain_subscriptions(0)?;
    }

    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut mids: Vec<f64> = INSTRUMENTS.iter().map(|(_, mid, _)| *mid).collect();
    let (mut base, mut base_seq) = (Instant::now(), 0u64);
    let mut seq = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let mut due = base_seq + (base.elapsed().as_secs_f64() * f64::from(rate)) as u64;
        // After a stall of more than 100 ms, start again from now rather
        // than send a burst.
        if due > seq + u64::from(rate / 10).max(1) {
            (base, base_seq, due) = (Instant::now(), seq, seq);
        }
        while seq < due {
            let k = (rng.next() % INSTRUMENTS.len() as u64) as usize;
            let (name, _, decimals) = INSTRUMENTS[k];
            mids[k] *= 1.0 + 2e-5 * rng.signed();
            let payload = quote(seq, mids[k], decimals, &mut rng);
            publisher.send_multipart([name.as_bytes(), payload.as_bytes()], 0)?;
            seq += 1;
            stats.quotes.store(seq, Ordering::Relaxed);
        }
        drain_subscriptions(zmq::DONTWAIT)?;
        thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

/// Receives one quote (`[instrument, payload]`) and counts it; a missing
/// sequence number is a quote missed.
fn take_quote(
    sub: &zmq::Socket,
    flags: i32,
    stats: &SubscriberStats,
    next_seq: &mut u64,
    gap_check: bool,
) -> zmq::Result<bool> {
    match sub.recv_multipart(flags) {
        Ok(parts) => {
            stats.received.fetch_add(1, Ordering::Relaxed);
            if let (true, Some(seq)) = (gap_check, parts.get(1).and_then(|p| sequence(p))) {
                if seq > *next_seq {
                    stats.missed.fetch_add(seq - *next_seq, Ordering::Relaxed);
                }
                *next_seq = seq + 1;
            }
            Ok(true)
        }
        Err(e) if is_timeout(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A subscriber that keeps up.
fn subscribe(
    sub: &zmq::Socket,
    stats: &SubscriberStats,
    gap_check: bool,
    stop: &AtomicBool,
) -> zmq::Result<()> {
    let mut next_seq = 0;
    while !stop.load(Ordering::Relaxed) {
        take_quote(sub, 0, stats, &mut next_seq, gap_check)?;
    }
    Ok(())
}

/// A subscriber that reads one quote every `every`: it falls behind at once.
/// (It reads from a backlog of seconds, so it would see the gaps left by
/// the drops only much later; the publisher's pipe counts them.)
fn slow_subscriber(
    sub: &zmq::Socket,
    stats: &SubscriberStats,
    every: Duration,
    stop: &AtomicBool,
) -> zmq::Result<()> {
    let mut next_seq = 0;
    while !stop.load(Ordering::Relaxed) {
        thread::sleep(every);
        take_quote(sub, zmq::DONTWAIT, stats, &mut next_seq, false)?;
    }
    Ok(())
}

/// A matching engine: fills every order it is given.
fn match_orders(engine: &zmq::Socket, stop: &AtomicBool) -> zmq::Result<()> {
    let mut fill_id = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let order = match engine.recv_bytes(0) {
            Ok(order) => order,
            Err(e) if is_timeout(&e) => continue,
            Err(e) => return Err(e),
        };
        fill_id += 1;
        let mut fill = format!("FILLED #{fill_id} ").into_bytes();
        fill.extend_from_slice(&order);
        loop {
            match engine.send(fill.as_slice(), 0) {
                Ok(()) => break,
                Err(e) if is_timeout(&e) && !stop.load(Ordering::Relaxed) => {}
                Err(e) if is_timeout(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// A trader: one order every `interval`, each waiting for its fill.
fn trade(
    trader: &zmq::Socket,
    index: usize,
    interval: Duration,
    stats: &Stats,
    stop: &AtomicBool,
) -> zmq::Result<()> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1));
    let mut next = Instant::now();
    let mut n = 0u64;
    'orders: while !stop.load(Ordering::Relaxed) {
        let (name, mid, decimals) = INSTRUMENTS[(rng.next() % INSTRUMENTS.len() as u64) as usize];
        let side = if rng.next() % 2 == 0 { "BUY" } else { "SELL" };
        let qty = (1 + rng.next() % 10) * 100_000;
        n += 1;
        let order = format!("{side} {name} {qty} @ {mid:.decimals$} id=trader-{index}-{n}");
        let sent = Instant::now();
        loop {
            match trader.send(order.as_str(), 0) {
                Ok(()) => break,
                Err(e) if is_timeout(&e) && !stop.load(Ordering::Relaxed) => {}
                Err(e) if is_timeout(&e) => break 'orders,
                Err(e) => return Err(e),
            }
        }
        stats.orders_sent.fetch_add(1, Ordering::Relaxed);
        loop {
            match trader.recv_bytes(0) {
                Ok(_fill) => break,
                Err(e) if is_timeout(&e) && !stop.load(Ordering::Relaxed) => {}
                Err(e) if is_timeout(&e) => break 'orders,
                Err(e) => return Err(e),
            }
        }
        stats.record_round_trip(sent.elapsed());
        stats.orders_filled.fetch_add(1, Ordering::Relaxed);
        next += interval;
        let now = Instant::now();
        if next > now {
            thread::sleep(next - now);
        } else {
            next = now;
        }
    }
    Ok(())
}

/// `12.3k`, `4.56M`: three significant digits.
fn si(v: f64) -> String {
    let (x, suffix) = match v.abs() {
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let decimals = match x.abs() {
        a if a >= 100.0 || suffix.is_empty() => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    };
    format!("{x:.decimals$}{suffix}")
}

/// `850 µs`, `4.53 ms`.
fn micros(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else {
        format!("{:.2} ms", us as f64 / 1000.0)
    }
}

/// The 99th percentile of `round_trips` (µs), if there are any.
pub fn p99(round_trips: &Histogram<u64>) -> Option<u64> {
    (!round_trips.is_empty()).then(|| round_trips.value_at_quantile(0.99))
}

/// The summary line: rates over `dt` between two readings, what the slow
/// subscriber read and lost, and the orders filled with their p99 round
/// trip. About 110 columns.
pub fn summary(prev: &Totals, now: &Totals, dt: Duration, p99_us: Option<u64>) -> String {
    let secs = dt.as_secs_f64().max(1e-3);
    let rate = |a: u64, b: u64| si(b.saturating_sub(a) as f64 / secs);
    let subs: Vec<String> = SUBSCRIBERS
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{name} {}", rate(prev.received[i], now.received[i])))
        .collect();
    let p99 = p99_us.map_or("–".to_string(), micros);
    format!(
        "pub {}/s → {} | slow read {}, dropped {} | filled {}, p99 {p99}",
        rate(prev.quotes, now.quotes),
        subs.join(" "),
        si(now.slow_received as f64),
        si(now.slow_dropped as f64),
        si(now.orders_filled as f64),
    )
}

const USAGE: &str = "usage: market_demo [--inspect ADDR] [--duration SECS] [--rate QUOTES_PER_SEC] [--orders ORDERS_PER_SEC]

  --inspect ADDR   where the inspector serves the dashboard (default 127.0.0.1:9870,
                   or only RINGMQ_INSPECT's address when that is set; port 0
                   picks a free one)
  --duration SECS  stop after SECS seconds (default: run until Ctrl-C)
  --rate N         quotes published per second (default 20000)
  --orders N       orders sent per second by all traders (default 1000)";

struct Args {
    /// `None`: 127.0.0.1:9870, unless `RINGMQ_INSPECT` already serves it.
    inspect: Option<String>,
    duration: Option<Duration>,
    config: Config,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        inspect: None,
        duration: None,
        config: Config::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| {
            v.parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag} takes a positive number, not {v:?}"))
        };
        match flag.as_str() {
            "--inspect" => args.inspect = Some(value),
            "--duration" => {
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| format!("--duration takes seconds, not {value:?}"))?;
                args.duration = Some(Duration::from_secs_f64(secs));
            }
            "--rate" => args.config.quote_rate = number(&value)?,
            "--orders" => args.config.order_rate = number(&value)?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(args)
}

fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    let args = match parse_args() {
        Ok(args) => args,
        Err(why) if why.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("market_demo: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        if let Err(e) = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed)) {
            eprintln!("market_demo: cannot handle Ctrl-C ({e})");
            return ExitCode::FAILURE;
        }
    }

    // With RINGMQ_INSPECT set the context serves the inspector itself (and
    // says where); --inspect adds another address.
    let ctx = zmq::Context::new();
    let from_env = std::env::var("RINGMQ_INSPECT").is_ok_and(|v| !v.trim().is_empty());
    let served = match (&args.inspect, from_env) {
        (None, true) => None,
        (addr, _) => {
            let addr = addr.as_deref().unwrap_or("127.0.0.1:9870");
            match ctx.serve_inspector(addr) {
                Ok(bound) => Some(bound),
                Err(e) => {
                    eprintln!(
                        "market_demo: the inspector cannot serve on {addr}: {e} \
                         (is another demo running? try --inspect 127.0.0.1:0)"
                    );
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let demo = match Demo::start(&ctx, &args.config) {
        Ok(demo) => demo,
        Err(e) => {
            eprintln!("market_demo: cannot start the topology: {e}");
            if let Some(why) = ctx.engine_error() {
                eprintln!("  the I/O engine: {why}");
            }
            return ExitCode::FAILURE;
        }
    };
    let c = &args.config;
    match served {
        Some(addr) => println!("dashboard: http://{addr}/"),
        None => println!("dashboard: where RINGMQ_INSPECT serves it (see above)"),
    }
    println!(
        "quotes on {} ({} instruments, {}/s); orders on {} ({} traders, {} engines behind {})",
        demo.endpoints.quotes,
        INSTRUMENTS.len(),
        c.quote_rate,
        demo.endpoints.orders,
        c.traders,
        c.engines,
        demo.endpoints.engines,
    );
    println!(
        "subscribers: {}; slow (everything, RCVHWM {}, reads one quote every {} ms)",
        SUBSCRIBERS
            .iter()
            .map(|(name, topics)| format!("{name} {topics:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        c.slow_rcvhwm,
        c.slow_read_every.as_millis(),
    );
    match args.duration {
        Some(d) => println!("running for {:.0} s (Ctrl-C stops sooner)", d.as_secs_f64()),
        None => println!("running until Ctrl-C"),
    }
    eprintln!(
        "each second: quotes published/s → received/s by each subscriber | what the slow\n\
         subscriber read, and its copies dropped at the publisher | orders filled, p99 round trip"
    );

    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut prev = demo.totals();
    let mut prev_at = started;
    let mut all_round_trips = new_histogram();
    while !stop.load(Ordering::Relaxed) && args.duration.is_none_or(|d| started.elapsed() < d) {
        thread::sleep(Duration::from_millis(50));
        if prev_at.elapsed() < Duration::from_secs(1) {
            continue;
        }
        let now = demo.totals();
        let at = Instant::now();
        let rtts = demo.stats.take_round_trips();
        let line = summary(&prev, &now, at - prev_at, p99(&rtts));
        all_round_trips
            .add(&rtts)
            .expect("histograms of the same bounds");
        let mut err = std::io::stderr().lock();
        // On a terminal the line is rewritten in place; in a log, one a second.
        let _ = if terminal {
            write!(err, "\r{line}\x1b[K")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
        (prev, prev_at) = (now, at);
    }
    if terminal {
        eprintln!();
    }

    let t = demo.totals();
    all_round_trips
        .add(demo.stats.take_round_trips())
        .expect("histograms of the same bounds");
    let outcome = demo.stop();
    drop(ctx);
    println!(
        "stopped after {:.1} s\n  \
         quotes: {} published; received by {} (\"all\" missed {})\n  \
         slow subscriber: read {}; {} of its copies dropped at the publisher's high-water mark\n  \
         orders: {} filled of {} sent, p99 round trip {}",
        started.elapsed().as_secs_f64(),
        t.quotes,
        SUBSCRIBERS
            .iter()
            .zip(t.received)
            .map(|((name, _), n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        t.missed_by_all,
        t.slow_received,
        t.slow_dropped,
        t.orders_filled,
        t.orders_sent,
        p99(&all_round_trips).map_or("–".to_string(), micros),
    );
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("market_demo: {why}");
            ExitCode::FAILURE
        }
    }
}
