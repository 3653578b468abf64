//! The I/O thread's loop: one ring, its listeners and connections.
//!
//! Each turn: run queued commands, fire due timers, then one
//! `submit_and_wait` whose timeout is the next timer, then handle every
//! completion. Between a socket and a connection's ZMTP session, messages
//! move through the connection's lock-free pipe in batches: all that fits
//! in the session's output buffer is read and encoded, then written with one
//! send; all that a receive decoded is written to the pipe, then published
//! with one flush. The socket's lock is taken only to attach and detach.

use super::conn::{Conn, Connecter, Key, Listener, Origin, Slab, Token};
use super::{Cmd, ConnNotify, IoCountersValue, IoShared, PumpTarget, Remote, TransportOptions};
use crate::driver::{Completion, CompletionResult, Driver, DriverConfig, SetupError};
use crate::shared::{monotonic_ns, sample_interval, ConnEventKind, Sampler, SharedSocket};
use ringmq_core::pipe::{End, PeerMeta};
use ringmq_core::zmtp::{Event, Session, SessionConfig};
use ringmq_core::{Error, PipeId, SocketType};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{fence, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Encode messages into a session until this many bytes wait to be written.
/// One send then carries them all: the coalescing that saves a syscall per
/// message. (A measurement in the perf suite will tune it.)
const OUT_BATCH: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    Reconnect(Key),
    Session(Key),
    Linger(u64),
}

struct SockEntry {
    sock: Arc<SharedSocket>,
    listeners: Vec<Key>,
    conns: Vec<Key>,
    connecters: Vec<Key>,
    /// `Some(deadline)` once the application closed the socket; the inner
    /// `None` lingers without limit.
    closing: Option<Option<Instant>>,
}

/// What a completion asks for, once the driver is free to be used again.
enum Done {
    Wake,
    Accepted(Key, OwnedFd),
    AcceptEnded(Key),
    Connected(Key),
    /// With the error, for the inspector's event.
    ConnectFailed(Key, String),
    Input(Key),
    RecvEnded(Key, bool),
    Sent(Key, usize),
    /// With the error, for the inspector's event.
    Closed(Key, String),
}

pub(crate) fn run(shared: Arc<IoShared>, ready: SyncSender<Result<(), SetupError>>) {
    let cfg = DriverConfig::default();
    let driver = match Driver::new(&cfg) {
        Ok(d) => d,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let mut t = IoThread {
        driver,
        shared,
        start: Instant::now(),
        listeners: Slab::default(),
        conns: Slab::default(),
        connecters: Slab::default(),
        sockets: HashMap::new(),
        timers: BinaryHeap::new(),
        cmds: Vec::new(),
        done: Vec::new(),
        deferred_close: Vec::new(),
        shutting_down: false,
        counters: IoCountersValue {
            buffers_total: u64::from(cfg.buf_count),
            ..IoCountersValue::default()
        },
    };
    t.arm_wake();
    t.run();
}

struct IoThread {
    driver: Driver,
    shared: Arc<IoShared>,
    /// The epoch of the sessions' clock.
    start: Instant,
    listeners: Slab<Listener>,
    conns: Slab<Conn>,
    connecters: Slab<Connecter>,
    sockets: HashMap<u64, SockEntry>,
    timers: BinaryHeap<Reverse<(Instant, Timer)>>,
    cmds: Vec<Cmd>,
    done: Vec<Done>,
    /// File descriptors to close after the next submit, so an SQE already
    /// queued for one can never reach a new file that reused its number.
    deferred_close: Vec<OwnedFd>,
    shutting_down: bool,
    /// This thread's counters; copied to `shared.counters` once per turn.
    counters: IoCountersValue,
}

impl IoThread {
    fn run(&mut self) {
        loop {
            self.counters.loop_turns += 1;
            self.run_commands();
            self.fire_timers();
            if self.shutting_down && self.sockets.is_empty() {
                break;
            }
            let timeout = self
                .timers
                .peek()
                .map(|Reverse((at, _))| at.saturating_duration_since(Instant::now()));
            // Before the wait, so a parked thread's counters are current
            // (the wait itself shows in the next turn's).
            self.publish_counters();
            self.shared.parked.store(true, Ordering::SeqCst);
            fence(Ordering::SeqCst);
            let (want, timeout) = if self.shared.has_cmds() {
                (0, Some(Duration::ZERO))
            } else {
                (1, timeout)
            };
            if let Err(e) = self.driver.submit_and_wait(want, timeout) {
                eprintln!("ringmq: io_uring wait failed: {e}");
            }
            self.shared.parked.store(false, Ordering::SeqCst);
            self.deferred_close.clear();
            self.reap();
        }
        self.publish_counters();
        self.finish();
    }

    /// Publishes the counters for the inspector, once per loop turn: plain
    /// relaxed stores, no lock, no read-modify-write.
    fn publish_counters(&mut self) {
        let d = self.driver.stats();
        let c = &mut self.counters;
        c.submit_calls = d.submit_calls;
        c.sqes_submitted = d.sqes_submitted;
        c.cqes_reaped = d.cqes_reaped;
        c.enobufs = d.enobufs;
        c.max_cqes_per_wake = d.max_cqes_per_drain;
        c.connections = self.conns.len() as u64;
        self.shared.counters.publish(c);
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn arm_wake(&mut self) {
        let fd = self.shared.wake.as_raw_fd();
        self.driver.read_eventfd(fd, Token::Wake.encode());
    }

    // ----- commands --------------------------------------------------------

    fn entry(&mut self, sock: &Arc<SharedSocket>) -> &mut SockEntry {
        self.sockets.entry(sock.id()).or_insert_with(|| SockEntry {
            sock: sock.clone(),
            listeners: Vec::new(),
            conns: Vec::new(),
            connecters: Vec::new(),
            closing: None,
        })
    }

    fn run_commands(&mut self) {
        let mut cmds = std::mem::take(&mut self.cmds);
        self.shared.take(&mut cmds);
        for cmd in cmds.drain(..) {
            match cmd {
                Cmd::Listen {
                    sock,
                    fd,
                    endpoint,
                    ipc_path,
                    opts,
                } => {
                    let raw = fd.as_raw_fd();
                    let k = self.listeners.insert(Listener {
                        sock_id: sock.id(),
                        fd,
                        endpoint,
                        ipc_path,
                        opts,
                        accept_op: None,
                        closing: false,
                        on_closed: None,
                    });
                    let op = self
                        .driver
                        .accept_multishot(raw, Token::Listener(k).encode());
                    self.listeners.get_mut(k).expect("inserted").accept_op = Some(op);
                    self.entry(&sock).listeners.push(k);
                }
                Cmd::Connect {
                    sock,
                    remote,
                    endpoint,
                    opts,
                } => {
                    let k = self.connecters.insert(Connecter {
                        sock_id: sock.id(),
                        remote,
                        backoff: opts.reconnect_ivl,
                        endpoint,
                        opts,
                        conn: None,
                        pipe: None,
                        end: None,
                    });
                    self.entry(&sock).connecters.push(k);
                    self.start_connect(k);
                }
                Cmd::Unbind {
                    sock,
                    endpoint,
                    reply,
                } => {
                    // Answered once the port is free (see close_listener).
                    self.unbind(&sock, &endpoint, reply);
                }
                Cmd::Disconnect {
                    sock,
                    endpoint,
                    reply,
                } => {
                    let r = self.disconnect(&sock, &endpoint);
                    let _ = reply.send(r);
                }
                Cmd::Pump(target) => self.pump_target(target),
                Cmd::Close { sock, linger } => self.close_socket(&sock, linger),
                Cmd::Shutdown => {
                    self.shutting_down = true;
                    let open: Vec<Arc<SharedSocket>> = self
                        .sockets
                        .values()
                        .filter(|e| e.closing.is_none())
                        .map(|e| e.sock.clone())
                        .collect();
                    for s in open {
                        self.close_socket(&s, Some(Duration::ZERO));
                    }
                }
            }
        }
        self.cmds = cmds;
    }

    fn unbind(
        &mut self,
        sock: &Arc<SharedSocket>,
        endpoint: &str,
        reply: SyncSender<Result<(), Error>>,
    ) {
        let listeners = &self.listeners;
        let pos = self.sockets.get(&sock.id()).and_then(|entry| {
            entry
                .listeners
                .iter()
                .position(|k| listeners.get(*k).is_some_and(|l| l.endpoint == endpoint))
        });
        let Some(pos) = pos else {
            let _ = reply.send(Err(Error::NoEntry));
            return;
        };
        let entry = self.sockets.get_mut(&sock.id()).expect("found above");
        let k = entry.listeners.swap_remove(pos);
        self.close_listener(k, Some(reply));
    }

    fn disconnect(&mut self, sock: &Arc<SharedSocket>, endpoint: &str) -> Result<(), Error> {
        let entry = self.sockets.get_mut(&sock.id()).ok_or(Error::NoEntry)?;
        let connecters = &self.connecters;
        let pos = entry
            .connecters
            .iter()
            .position(|k| connecters.get(*k).is_some_and(|c| c.endpoint == endpoint))
            .ok_or(Error::NoEntry)?;
        let ck = entry.connecters.swap_remove(pos);
        self.remove_connecter(ck);
        Ok(())
    }

    fn remove_connecter(&mut self, ck: Key) {
        let Some(c) = self.connecters.remove(ck) else {
            return;
        };
        if let Some(k) = c.conn {
            self.close_conn(k);
        }
        drop(c.end);
        if let Some(p) = c.pipe {
            if let Some(e) = self.sockets.get(&c.sock_id) {
                e.sock.lock().detach(p);
                e.sock.clear_peer_addr(p);
                e.sock.wake_waiters();
            }
        }
    }

    /// Stops listening. The armed multishot accept holds a reference to the
    /// listening socket, so closing our descriptor alone would leave the port
    /// bound (and a `bind` right after `unbind` failing with `EADDRINUSE`)
    /// until the kernel has processed the cancel: the listener is kept until
    /// the accept's final completion, then its descriptor is closed and
    /// `reply` answered.
    fn close_listener(&mut self, k: Key, reply: Option<SyncSender<Result<(), Error>>>) {
        let Some(l) = self.listeners.get_mut(k) else {
            if let Some(r) = reply {
                let _ = r.send(Ok(()));
            }
            return;
        };
        if let Some(p) = l.ipc_path.take() {
            let _ = std::fs::remove_file(p);
        }
        if let Some(e) = self.sockets.get(&l.sock_id) {
            e.sock
                .push_event(ConnEventKind::Closed, l.endpoint.clone(), "");
        }
        l.closing = true;
        l.on_closed = reply;
        match l.accept_op {
            Some(op) => self.driver.cancel(op),
            None => self.listener_closed(k),
        }
    }

    /// The listener's accept has had its final completion: no operation
    /// refers to its descriptor any more, so it is closed at once.
    fn listener_closed(&mut self, k: Key) {
        if let Some(l) = self.listeners.remove(k) {
            drop(l.fd);
            if let Some(r) = l.on_closed {
                let _ = r.send(Ok(()));
            }
        }
    }

    fn close_socket(&mut self, sock: &Arc<SharedSocket>, linger: Option<Duration>) {
        let Some(entry) = self.sockets.get_mut(&sock.id()) else {
            return;
        };
        let deadline = linger.map(|d| Instant::now() + d);
        entry.closing = Some(deadline);
        let listeners = std::mem::take(&mut entry.listeners);
        let conns = entry.conns.clone();
        for k in listeners {
            self.close_listener(k, None);
        }
        // Connecters stay while something waits to be sent through them:
        // like libzmq, a lingering socket keeps reconnecting to deliver what
        // it queued while its peer was away. `check_linger` drops each once
        // nothing is left for it (or at the deadline).
        for k in conns {
            if let Some(conn) = self.conns.get_mut(k) {
                conn.closing = true;
            }
            // Stops reading (except to finish a handshake, see arm_recv).
            self.arm_recv(k);
            self.pump_out(k);
        }
        if let Some(d) = deadline {
            self.timers.push(Reverse((d, Timer::Linger(sock.id()))));
        }
        self.check_linger(sock.id(), false);
    }

    /// Closes a closing socket's connections that have written everything
    /// and drops its connecters that have nothing left to send (or all of
    /// them when `force`), and forgets the socket once none is left.
    fn check_linger(&mut self, sock_id: u64, force: bool) {
        let Some(entry) = self.sockets.get(&sock_id) else {
            return;
        };
        if entry.closing.is_none() {
            return;
        }
        let conns = entry.conns.clone();
        let connecters = entry.connecters.clone();
        for k in conns {
            let flushed = self.conns.get(k).is_none_or(|c| {
                let established = c.session.as_ref().is_some_and(|s| s.is_established());
                if !established {
                    // Connecting, or in its handshake: nothing was sent yet.
                    // Worth waiting for only as a connecter's new connection
                    // with messages queued for it.
                    return match c.origin {
                        Origin::Connecter(ck) => !self.connecter_has_queued(ck),
                        Origin::Accepted => true,
                    };
                }
                let queued = c.end.as_ref().is_some_and(|e| e.in_len() > 0);
                let pending = c.session.as_ref().is_some_and(|s| s.output_len() > 0);
                // A connection whose peer is gone has nobody to flush to.
                c.gone || (!queued && !pending && c.sending.is_empty())
            });
            if force || flushed {
                self.close_conn(k);
            }
        }
        for ck in connecters {
            let done = self
                .connecters
                .get(ck)
                .is_none_or(|c| c.conn.is_none() && !self.connecter_has_queued(ck));
            if force || done {
                if let Some(e) = self.sockets.get_mut(&sock_id) {
                    e.connecters.retain(|c| *c != ck);
                }
                self.remove_connecter(ck);
            }
        }
        if let Some(entry) = self.sockets.get(&sock_id) {
            if entry.conns.is_empty() && entry.listeners.is_empty() && entry.connecters.is_empty() {
                self.sockets.remove(&sock_id);
            }
        }
    }

    /// Messages wait in the pipe a connecter keeps across reconnects. A
    /// SUB's or XSUB's queue holds only subscriptions, which mean nothing
    /// once the socket is closed: those never keep a closed socket waiting.
    fn connecter_has_queued(&self, ck: Key) -> bool {
        let Some(c) = self.connecters.get(ck) else {
            return false;
        };
        let Some(e) = self.sockets.get(&c.sock_id) else {
            return false;
        };
        let end = c
            .end
            .as_ref()
            .or_else(|| c.conn.and_then(|k| self.conns.get(k)?.end.as_ref()));
        !matches!(e.sock.socket_type(), SocketType::Sub | SocketType::XSub)
            && end.is_some_and(|e| e.in_len() > 0)
    }

    // ----- connections -----------------------------------------------------

    fn session_config(sock: &SharedSocket, opts: &TransportOptions) -> SessionConfig {
        let core = sock.lock();
        let mut cfg = SessionConfig::new(core.socket_type());
        cfg.identity = core.options().routing_id.clone();
        cfg.max_msg_size = core.options().max_msg_size;
        cfg.heartbeat_ivl = opts.heartbeat_ivl;
        cfg.heartbeat_ttl = opts.heartbeat_ttl;
        cfg.heartbeat_timeout = opts.heartbeat_timeout;
        cfg.handshake_timeout = opts.handshake_ivl;
        cfg
    }

    fn start_connect(&mut self, ck: Key) {
        let Some(c) = self.connecters.get(ck) else {
            return;
        };
        let Some(entry) = self.sockets.get(&c.sock_id) else {
            return;
        };
        let sock = entry.sock.clone();
        // A lingering socket's reconnection: it only flushes.
        let closing = entry.closing.is_some();
        let (domain, addr) = match &c.remote {
            Remote::Tcp(a) => (
                socket2::Domain::for_address(*a),
                socket2::SockAddr::from(*a),
            ),
            Remote::Ipc(p) => match socket2::SockAddr::unix(p) {
                Ok(a) => (socket2::Domain::UNIX, a),
                Err(e) => return self.schedule_reconnect(ck, &e.to_string()),
            },
        };
        let peer_addr = match &c.remote {
            Remote::Tcp(a) => a.to_string(),
            Remote::Ipc(p) => p.display().to_string(),
        };
        let endpoint = c.endpoint.clone();
        let s = match socket2::Socket::new(domain, socket2::Type::STREAM, None) {
            Ok(s) => s,
            Err(e) => return self.schedule_reconnect(ck, &e.to_string()),
        };
        if domain != socket2::Domain::UNIX {
            // Small messages must not wait for Nagle: ringmq coalesces itself.
            let _ = s.set_tcp_nodelay(true);
        }
        let fd = OwnedFd::from(s);
        let raw = fd.as_raw_fd();
        let k = self.conns.insert(Conn {
            sock: sock.clone(),
            fd,
            origin: Origin::Connecter(ck),
            session: None,
            pipe: None,
            end: None,
            out_awake: false,
            recv_op: None,
            recv_cancelling: false,
            sending: Vec::new(),
            paused: false,
            closing,
            gone: false,
            timer_at: None,
            endpoint,
            peer_addr,
            reported: false,
            sampler: Sampler::default(),
        });
        self.connecters.get_mut(ck).expect("checked").conn = Some(k);
        self.entry(&sock).conns.push(k);
        self.driver.connect(raw, addr, Token::Conn(k).encode());
    }

    /// `why`: what failed, for the inspector's event.
    fn schedule_reconnect(&mut self, ck: Key, why: &str) {
        let Some(c) = self.connecters.get_mut(ck) else {
            return;
        };
        c.conn = None;
        if let Some(e) = self.sockets.get(&c.sock_id) {
            e.sock.push_event(
                ConnEventKind::ConnectRetried,
                c.endpoint.clone(),
                format!("{why}, next in {} ms", c.backoff.as_millis()),
            );
        }
        let at = Instant::now() + c.backoff;
        if let Some(max) = c.opts.reconnect_ivl_max {
            if max > c.opts.reconnect_ivl {
                c.backoff = (c.backoff * 2).min(max);
            }
        }
        self.timers.push(Reverse((at, Timer::Reconnect(ck))));
    }

    fn open_session(&mut self, k: Key, opts: &TransportOptions) {
        let now = self.now();
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        let cfg = Self::session_config(&conn.sock, opts);
        conn.session = Some(Session::new(cfg, now));
        self.arm_recv(k);
        self.try_send(k);
        self.refresh_timer(k);
    }

    fn arm_recv(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        let established = conn.session.as_ref().is_some_and(Session::is_established);
        // A closing socket reads only to complete a handshake: a lingering
        // connecter's new connection must finish it before it can flush.
        let wants = conn.session.as_ref().is_some_and(|s| s.wants_input())
            && (!conn.closing || !established);
        if conn.recv_op.is_none() && !conn.paused && !conn.gone && wants {
            conn.recv_cancelling = false;
            conn.recv_op = Some(
                self.driver
                    .recv_multishot(conn.fd.as_raw_fd(), Token::Conn(k).encode()),
            );
        } else if conn.recv_op.is_some() && !wants && !conn.recv_cancelling {
            // Backpressure: the session holds as much undecoded input as it
            // may; stop the kernel from reading more until it has room. (Or
            // the socket is closing.)
            conn.recv_cancelling = true;
            self.driver.cancel(conn.recv_op.expect("checked"));
        }
    }

    /// Decodes what the session holds and writes whole messages to the pipe
    /// while it has room; publishes them with one flush per batch.
    fn pump_in(&mut self, k: Key) {
        loop {
            let Some(conn) = self.conns.get_mut(k) else {
                return;
            };
            let Some(session) = conn.session.as_mut() else {
                return;
            };
            let mut step = None;
            let mut wrote = false;
            let interval = sample_interval();
            loop {
                if let Some(end) = conn.end.as_mut() {
                    if !end.has_room() {
                        if wrote {
                            // The socket must see these to make room.
                            end.flush();
                            wrote = false;
                        }
                        if !end.wait_for_room() {
                            // The socket's release tells us (Cmd::Pump).
                            conn.paused = true;
                            break;
                        }
                    }
                }
                match session.poll_event() {
                    None => {
                        conn.paused = false;
                        break;
                    }
                    Some(Ok(Event::Message(mut m))) => match conn.end.as_mut() {
                        Some(end) => {
                            if conn.sampler.tick(interval) {
                                // Read back by the application's recv (the
                                // receive path's latency).
                                stamp_now(&mut m);
                            }
                            end.write(m);
                            wrote = true;
                        }
                        None => debug_assert!(false, "message before READY"),
                    },
                    Some(Ok(Event::Ready(peer))) => {
                        step = Some(Ok(peer));
                        break;
                    }
                    Some(Err(e)) => {
                        step = Some(Err(e));
                        break;
                    }
                }
            }
            if wrote {
                if let Some(end) = conn.end.as_ref() {
                    end.flush();
                }
            }
            match step {
                None => break,
                Some(Ok(peer)) => {
                    let meta = PeerMeta {
                        socket_type: peer.socket_type,
                        identity: peer.identity.clone(),
                    };
                    if !self.attach(k, meta) {
                        return;
                    }
                }
                Some(Err(e)) => {
                    self.lose_conn(k, &e.to_string());
                    return;
                }
            }
        }
        if self.conns.get(k).is_some_and(|c| c.gone && !c.paused) {
            // Its peer left earlier; the last of what it sent is delivered.
            self.lose_conn(k, "peer closed");
            return;
        }
        self.arm_recv(k);
        self.pump_out(k);
        self.refresh_timer(k);
    }

    /// A pipe's notifier posted: input from the socket, or room towards it.
    fn pump_target(&mut self, target: PumpTarget) {
        let k = match target {
            PumpTarget::Conn(k) => k,
            PumpTarget::Connecter(ck) => match self.connecters.get(ck).and_then(|c| c.conn) {
                Some(k) => k,
                // Between connections: the pipe keeps it for the next one.
                None => return,
            },
        };
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        conn.out_awake = true;
        let (paused, closing, sock_id) = (conn.paused, conn.closing, conn.sock.id());
        if paused {
            // pump_in also pumps out.
            self.pump_in(k);
        } else {
            self.pump_out(k);
        }
        if closing {
            self.check_linger(sock_id, false);
        }
    }

    /// Gives a connection whose handshake completed its pipe: the
    /// connecter's existing one (kept across reconnects) or a new one.
    fn attach(&mut self, k: Key, meta: PeerMeta) -> bool {
        let conn = self.conns.get(k).expect("caller checked");
        let sock = conn.sock.clone();
        let origin = conn.origin;
        let kept = match origin {
            Origin::Connecter(ck) => self
                .connecters
                .get_mut(ck)
                .and_then(|c| Some((c.pipe?, c.end.take()?))),
            Origin::Accepted => None,
        };
        let target = match origin {
            Origin::Connecter(ck) => PumpTarget::Connecter(ck),
            Origin::Accepted => PumpTarget::Conn(k),
        };
        let peer_type = meta.socket_type;
        let attached: Result<(PipeId, End), String> = {
            let mut core = sock.lock();
            let attached = match kept {
                Some((p, end)) if core.pipe(p).is_some() => {
                    core.hiccup(p);
                    Ok((p, end))
                }
                _ => core.attach(meta).map_err(|_| {
                    if core.socket_type().is_compatible(peer_type) {
                        format!(
                            "refused by {}: peer already attached or identity in use",
                            core.socket_type().name()
                        )
                    } else {
                        format!(
                            "peer socket type {} is not compatible with {}",
                            peer_type.name(),
                            core.socket_type().name()
                        )
                    }
                }),
            };
            if let Ok((p, end)) = &attached {
                // Once per end (a kept end has its notifier already).
                end.set_notify(Arc::new(ConnNotify {
                    io: self.shared.clone(),
                    target,
                }));
                sock.set_peer_addr(&core, *p, conn.peer_addr.clone());
            }
            attached
        };
        match attached {
            Ok((p, end)) => {
                let conn = self.conns.get_mut(k).expect("caller checked");
                conn.pipe = Some(p);
                conn.end = Some(end);
                // What the socket queued before (a kept pipe's backlog, the
                // subscriptions replayed at attach) is read at once.
                conn.out_awake = true;
                if let Origin::Connecter(ck) = conn.origin {
                    if let Some(c) = self.connecters.get_mut(ck) {
                        c.pipe = Some(p);
                        c.backoff = c.opts.reconnect_ivl;
                    }
                }
                sock.wake_waiters();
                true
            }
            Err(why) => {
                self.lose_conn(k, &why);
                false
            }
        }
    }

    /// Reads what the socket queued, encodes it into the session and writes
    /// it. Goes idle when the pipe is empty (the socket's next write then
    /// posts a [`Cmd::Pump`]); stays awake when the batch is full (the
    /// send's completion comes back here).
    fn pump_out(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if conn.gone {
            // Nobody to write to; a connecter's pipe keeps its messages for
            // the next connection.
            return;
        }
        if let (true, Some(end), Some(session)) =
            (conn.out_awake, conn.end.as_mut(), conn.session.as_mut())
        {
            if session.is_established() {
                let mut took = false;
                while session.output_len() < OUT_BATCH {
                    if let Some(m) = end.read() {
                        if let Some(sent_at) = m.stamp() {
                            // A sampled message: its send path ends here,
                            // encoded for the kernel.
                            record_send_latency(&conn.sock, sent_at);
                        }
                        session.send(&m);
                        took = true;
                        continue;
                    }
                    if took {
                        // Room in the pipe: a sender blocked at the HWM
                        // is told once it is down to the low-water mark.
                        end.release();
                        took = false;
                    }
                    if !end.idle() {
                        conn.out_awake = false;
                        break;
                    }
                }
                if took {
                    end.release();
                }
            }
        }
        self.try_send(k);
    }

    fn try_send(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if !conn.sending.is_empty() || conn.gone {
            return;
        }
        if let Some(s) = conn.session.as_mut() {
            s.take_output_vectored(&mut conn.sending);
        }
        submit_send(&mut self.driver, conn, k);
    }

    fn refresh_timer(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if conn.gone {
            return;
        }
        let at = conn
            .session
            .as_ref()
            .and_then(|s| s.poll_timeout())
            .map(|d| self.start + d);
        if at != conn.timer_at {
            conn.timer_at = at;
            if let Some(at) = at {
                self.timers.push(Reverse((at, Timer::Session(k))));
            }
        }
    }

    /// The peer is gone or misbehaved: close, and reconnect if we connected.
    ///
    /// A connection whose input is waiting for room in the socket's queue is
    /// kept instead, reading and writing nothing, until `pump_in` has
    /// delivered that input: the session may have read well past the queue's
    /// HWM (up to its input high-water mark) before the end of the stream,
    /// and closing now would lose messages the peer sent before leaving.
    ///
    /// `why` says what happened, for the inspector's event.
    fn lose_conn(&mut self, k: Key, why: &str) {
        self.report_loss(k, why);
        if self.keep_for_input(k) {
            return;
        }
        let origin = self.conns.get(k).map(|c| c.origin);
        self.close_conn(k);
        if let Some(Origin::Connecter(ck)) = origin {
            let Some(sock_id) = self.connecters.get(ck).map(|c| c.sock_id) else {
                return;
            };
            if self
                .sockets
                .get(&sock_id)
                .is_none_or(|e| e.closing.is_some())
            {
                // A lingering socket reconnects only while something waits
                // to be sent (check_linger drops the connecter otherwise).
                self.check_linger(sock_id, false);
            }
            if self.connecters.get(ck).is_some() && self.sockets.contains_key(&sock_id) {
                self.schedule_reconnect(ck, why);
            }
        }
    }

    /// Records the loss of a connection as an event, once: `disconnected`
    /// if it carried messages, `handshake_failed` if it never got that far.
    /// A connect that never completed is reported by `schedule_reconnect`.
    fn report_loss(&mut self, k: Key, why: &str) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if conn.reported || conn.session.is_none() {
            return;
        }
        conn.reported = true;
        let kind = if conn.pipe.is_some() {
            ConnEventKind::Disconnected
        } else {
            ConnEventKind::HandshakeFailed
        };
        let endpoint = match conn.origin {
            Origin::Accepted => conn.peer_addr.clone(),
            Origin::Connecter(_) => conn.endpoint.clone(),
        };
        conn.sock.push_event(kind, endpoint, why);
    }

    /// Marks `k` gone if it still holds input for the application (see
    /// `lose_conn`); true if it was kept.
    fn keep_for_input(&mut self, k: Key) -> bool {
        let Some(conn) = self.conns.get_mut(k) else {
            return false;
        };
        // `paused`: the last `pump_in` stopped for lack of room, so the
        // session may hold more. A closing socket's input has no reader;
        // a dead (or never established) session has nothing to give.
        let waiting = conn.paused
            && !conn.closing
            && conn.pipe.is_some()
            && conn.session.as_ref().is_some_and(Session::is_established);
        if !waiting {
            return false;
        }
        conn.gone = true;
        // No heartbeat can fail a peer that is already gone.
        conn.timer_at = None;
        if let Some(op) = conn.recv_op {
            if !conn.recv_cancelling {
                conn.recv_cancelling = true;
                self.driver.cancel(op);
            }
        }
        true
    }

    fn close_conn(&mut self, k: Key) {
        let Some(conn) = self.conns.remove(k) else {
            return;
        };
        if let Some(op) = conn.recv_op {
            self.driver.cancel(op);
        }
        if !conn.reported && conn.session.is_some() {
            // Closed by this side: disconnect, unbind or close.
            let endpoint = match conn.origin {
                Origin::Accepted => conn.peer_addr.clone(),
                Origin::Connecter(_) => conn.endpoint.clone(),
            };
            conn.sock.push_event(ConnEventKind::Closed, endpoint, "");
        }
        let sock_id = conn.sock.id();
        if let Some(e) = self.sockets.get_mut(&sock_id) {
            e.conns.retain(|c| *c != k);
        }
        let mut end = conn.end;
        let keep_pipe = match conn.origin {
            Origin::Connecter(ck) => match self.connecters.get_mut(ck) {
                Some(c) => {
                    c.conn = None;
                    if end.is_some() {
                        c.end = end.take();
                    }
                    true
                }
                None => false,
            },
            Origin::Accepted => false,
        };
        drop(end);
        if let Some(p) = conn.pipe {
            if !keep_pipe {
                conn.sock.lock().detach(p);
                conn.sock.clear_peer_addr(p);
            }
        }
        conn.sock.wake_waiters();
        self.deferred_close.push(conn.fd);
    }

    // ----- timers ----------------------------------------------------------

    fn fire_timers(&mut self) {
        let now = Instant::now();
        while let Some(Reverse((at, timer))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            match timer {
                Timer::Reconnect(ck) => {
                    if self.connecters.get(ck).is_some_and(|c| c.conn.is_none()) {
                        self.start_connect(ck);
                    }
                }
                Timer::Session(k) => {
                    let sess_now = self.now();
                    let Some(conn) = self.conns.get_mut(k) else {
                        continue;
                    };
                    if conn.timer_at != Some(at) || conn.gone {
                        continue; // superseded, or the peer left already
                    }
                    conn.timer_at = None;
                    let r = conn
                        .session
                        .as_mut()
                        .map_or(Ok(()), |s| s.handle_timeout(sess_now));
                    if let Err(e) = r {
                        self.lose_conn(k, &e.to_string());
                    } else {
                        self.try_send(k);
                        self.refresh_timer(k);
                    }
                }
                Timer::Linger(sock_id) => self.check_linger(sock_id, true),
            }
        }
    }

    // ----- completions -----------------------------------------------------

    fn reap(&mut self) {
        let mut done = std::mem::take(&mut self.done);
        {
            let conns = &mut self.conns;
            self.driver.drain(|c: Completion<'_>| {
                classify(c, conns, &mut done);
            });
        }
        for d in done.drain(..) {
            self.handle(d);
        }
        self.done = done;
    }

    fn handle(&mut self, d: Done) {
        match d {
            Done::Wake => self.arm_wake(),
            Done::Accepted(lk, fd) => {
                // A listener being closed accepts nobody (`fd` closes here).
                let Some(l) = self.listeners.get(lk).filter(|l| !l.closing) else {
                    return;
                };
                let opts = l.opts.clone();
                let Some(entry) = self.sockets.get(&l.sock_id) else {
                    return;
                };
                let sock = entry.sock.clone();
                let endpoint = l.endpoint.clone();
                let sref = socket2::SockRef::from(&fd);
                let _ = sref.set_tcp_nodelay(true);
                let peer_addr = match sref.peer_addr() {
                    Ok(a) => match (a.as_socket(), a.as_pathname()) {
                        (Some(ip), _) => ip.to_string(),
                        (None, Some(path)) => path.display().to_string(),
                        (None, None) => "ipc".to_string(),
                    },
                    Err(_) => String::new(),
                };
                sock.push_event(
                    ConnEventKind::Accepted,
                    peer_addr.clone(),
                    format!("on {endpoint}"),
                );
                let k = self.conns.insert(Conn {
                    sock: sock.clone(),
                    fd,
                    origin: Origin::Accepted,
                    session: None,
                    pipe: None,
                    end: None,
                    out_awake: false,
                    recv_op: None,
                    recv_cancelling: false,
                    sending: Vec::new(),
                    paused: false,
                    closing: false,
                    gone: false,
                    timer_at: None,
                    endpoint,
                    peer_addr,
                    reported: false,
                    sampler: Sampler::default(),
                });
                self.entry(&sock).conns.push(k);
                self.open_session(k, &opts);
            }
            Done::AcceptEnded(lk) => {
                // The multishot accept stopped (cancelled, or an error such
                // as EMFILE): re-arm while the listener lives.
                if self.listeners.get(lk).is_some_and(|l| l.closing) {
                    self.listener_closed(lk);
                } else if let Some(l) = self.listeners.get_mut(lk) {
                    let raw = l.fd.as_raw_fd();
                    l.accept_op = Some(
                        self.driver
                            .accept_multishot(raw, Token::Listener(lk).encode()),
                    );
                }
            }
            Done::Connected(k) => {
                if let Some(c) = self.conns.get(k) {
                    c.sock.push_event(
                        ConnEventKind::Connected,
                        c.endpoint.clone(),
                        c.peer_addr.clone(),
                    );
                }
                let opts = match self.conns.get(k).map(|c| c.origin) {
                    Some(Origin::Connecter(ck)) => self.connecters.get(ck).map(|c| c.opts.clone()),
                    _ => None,
                };
                if let Some(opts) = opts {
                    self.open_session(k, &opts);
                }
            }
            Done::ConnectFailed(k, why) => self.lose_conn(k, &why),
            Done::Input(k) => self.pump_in(k),
            Done::RecvEnded(k, eof) => {
                if eof {
                    // Everything the peer sent before closing is decoded and
                    // delivered first (the session already holds it).
                    self.pump_in(k);
                    self.lose_conn(k, "peer closed");
                } else {
                    self.pump_in(k);
                    self.arm_recv(k);
                }
            }
            Done::Sent(k, n) => {
                let Some(conn) = self.conns.get_mut(k) else {
                    return;
                };
                // Drop what the kernel took; a short write resends the rest.
                // (Whole chunks are removed in one drain: with thousands of
                // chunks, removing them one by one from the front is
                // quadratic.)
                let mut n = n;
                let mut whole = 0;
                for chunk in &mut conn.sending {
                    if n >= chunk.len() {
                        n -= chunk.len();
                        whole += 1;
                    } else {
                        *chunk = chunk.slice(n..);
                        break;
                    }
                }
                conn.sending.drain(..whole);
                if !conn.sending.is_empty() {
                    submit_send(&mut self.driver, conn, k);
                } else {
                    let closing = conn.closing;
                    let sock_id = conn.sock.id();
                    self.pump_out(k);
                    if closing {
                        self.check_linger(sock_id, false);
                    }
                }
            }
            Done::Closed(k, why) => self.lose_conn(k, &why),
        }
    }

    fn finish(&mut self) {
        // Dropping the driver cancels every operation still armed (accepts,
        // recvs, the eventfd read) and waits for the kernel's last
        // completions before any buffer or descriptor goes.
        self.deferred_close.clear();
    }
}

/// Out of line (one message in 64 comes here), so the message loops stay
/// tight.
#[cold]
#[inline(never)]
fn record_send_latency(sock: &SharedSocket, sent_at: u64) {
    sock.send_latency()
        .push(monotonic_ns().saturating_sub(sent_at));
}

#[cold]
#[inline(never)]
fn stamp_now(m: &mut ringmq_core::Multipart) {
    m.set_stamp(monotonic_ns());
}

/// The most buffers one `sendmsg` gathers: Linux's `IOV_MAX` (`UIO_MAXIOV`).
const MAX_IOVECS: usize = 1024;

/// Writes a connection's pending chunks: one `send` for a single buffer, one
/// `sendmsg` gathering several (large frames travel from the application's
/// own buffers, see `ringmq_core::zmtp::session::ZERO_COPY_MIN`).
fn submit_send(driver: &mut Driver, conn: &Conn, k: Key) {
    let fd = conn.fd.as_raw_fd();
    let user = Token::Conn(k).encode();
    match conn.sending.as_slice() {
        [] => {}
        [one] => {
            driver.send(fd, one.clone(), user);
        }
        many => {
            // One sendmsg takes at most IOV_MAX iovecs (more is EMSGSIZE,
            // which would drop the connection): a message of many large
            // frames goes out in several sends; `Done::Sent` resubmits the
            // rest like the rest of a short write.
            driver.sendmsg(fd, many.iter().take(MAX_IOVECS).cloned(), user);
        }
    }
}

/// Turns one completion into work for after the drain. Received bytes are
/// handed to the session here, while the driver's buffer is still valid.
fn classify(c: Completion<'_>, conns: &mut Slab<Conn>, done: &mut Vec<Done>) {
    let Some(token) = Token::decode(c.user) else {
        return;
    };
    match token {
        Token::Wake => {
            if !c.more {
                done.push(Done::Wake);
            }
        }
        Token::Listener(lk) => match c.result {
            CompletionResult::Accepted(fd) => {
                done.push(Done::Accepted(lk, fd));
                if !c.more {
                    done.push(Done::AcceptEnded(lk));
                }
            }
            _ => {
                if !c.more {
                    done.push(Done::AcceptEnded(lk));
                }
            }
        },
        Token::Conn(k) => {
            let Some(conn) = conns.get_mut(k) else {
                return; // a completion for a connection already closed
            };
            let is_recv = conn.recv_op == Some(c.op);
            match c.result {
                CompletionResult::Connected => done.push(Done::Connected(k)),
                CompletionResult::Received(data) => {
                    if let Some(s) = conn.session.as_mut() {
                        s.handle_input(data);
                    }
                    done.push(Done::Input(k));
                    if !c.more {
                        conn.recv_op = None;
                        done.push(Done::RecvEnded(k, false));
                    }
                }
                CompletionResult::Eof => {
                    conn.recv_op = None;
                    done.push(Done::RecvEnded(k, true));
                }
                CompletionResult::NoBuffers | CompletionResult::Canceled if is_recv => {
                    conn.recv_op = None;
                    done.push(Done::RecvEnded(k, false));
                }
                CompletionResult::Sent(n) => done.push(Done::Sent(k, n)),
                CompletionResult::Error(e) if is_recv || conn.session.is_some() => {
                    if is_recv {
                        conn.recv_op = None;
                    }
                    done.push(Done::Closed(k, e.to_string()));
                }
                CompletionResult::Error(e) => done.push(Done::ConnectFailed(k, e.to_string())),
                _ => {}
            }
        }
    }
}
