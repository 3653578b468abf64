//! One ZMTP connection as a state machine: bytes and time in; bytes,
//! events and a timer deadline out.
//!
//! # Driving a session
//!
//! ```
//! use ringmq_core::zmtp::{Event, Session, SessionConfig};
//! use ringmq_core::{Multipart, SocketType};
//! use std::time::Duration;
//!
//! let t0 = Duration::ZERO;
//! let mut a = Session::new(SessionConfig::new(SocketType::Dealer), t0);
//! let mut b = Session::new(SessionConfig::new(SocketType::Router), t0);
//! // The pump: move output across, then poll events, until both are ready.
//! for _ in 0..4 {
//!     if let Some(out) = a.take_output() { b.handle_input(&out); }
//!     if let Some(out) = b.take_output() { a.handle_input(&out); }
//!     while let Some(ev) = a.poll_event() { ev.unwrap(); }
//!     while let Some(ev) = b.poll_event() { ev.unwrap(); }
//! }
//! assert!(a.is_established() && b.is_established());
//! a.send(&Multipart::single("hello"));
//! b.handle_input(&a.take_output().unwrap());
//! match b.poll_event() {
//!     Some(Ok(Event::Message(m))) => assert_eq!(&m.first().unwrap()[..], b"hello"),
//!     other => panic!("{other:?}"),
//! }
//! ```
//!
//! A driver loops over:
//! 1. bytes read from the socket → [`Session::handle_input`] (only while
//!    [`Session::wants_input`]);
//! 2. while its queue to the socket has room: [`Session::poll_event`] until
//!    `None` (this also advances the handshake and queues PONGs);
//! 3. application messages → [`Session::send`];
//! 4. [`Session::take_output`] → write to the socket;
//! 5. [`Session::poll_timeout`] → arm its timer; when it fires,
//!    [`Session::handle_timeout`], then back to 4.
//!
//! After any error the session is dead: the driver closes the connection.

use super::command::{Command, Properties};
use super::error::{lossy, Error};
use super::frame::{
    encode_header, encode_message_frame, header_len, Decoded, Decoder, Frame, FLAG_MORE,
};
use super::greeting::{Greeting, GREETING_LEN, MAJOR_POS, SIGNATURE_LEN};
use super::mechanism::{LocalInfo, Mechanism, NullMechanism};
use crate::msg::{Msg, Multipart};
use crate::socket_type::SocketType;
use bytes::{BufMut, Bytes, BytesMut};
use core::time::Duration;
use std::collections::VecDeque;

/// Above this many buffered, undecoded input bytes, [`Session::wants_input`]
/// turns false — unless the buffer still lacks a whole frame, which only more
/// input can complete. 64 KiB holds many small messages while keeping a
/// connection whose reader is slow from buffering without bound.
pub const INPUT_HIGH_WATER: usize = 64 * 1024;

/// The most input buffer a frame's header alone makes room for (the rest
/// of a larger frame grows the buffer as it comes): enough for a 256 KiB
/// frame, little for a header that lies.
pub const LARGE_FRAME_RESERVE: usize = 256 * 1024 + 9;

/// Frames at least this large are not copied into the output buffer: the
/// buffer is cut before them and the frame's own `Bytes` becomes the next
/// output chunk, so the engine writes it with `sendmsg` from the
/// application's memory. Below it, copying into one contiguous buffer is
/// cheaper than another iovec entry. The perf suite's 1 KiB–64 KiB sweep is
/// the measurement that should tune this value.
pub const ZERO_COPY_MIN: usize = 16 * 1024;

/// libzmq's default for ZMQ_HANDSHAKE_IVL.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Subscription message prefixes, as XPUB hands them to the application.
const SUBSCRIBE_BYTE: u8 = 0x01;
const CANCEL_BYTE: u8 = 0x00;

/// How one connection behaves: the socket options that reach the wire.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// Our socket type (sent in READY, checked against the peer's).
    pub socket_type: SocketType,
    /// Our routing id sent in READY (may be empty).
    pub identity: Bytes,
    /// The mechanism's as-server flag (false for NULL).
    pub as_server: bool,
    /// MAXMSGSIZE; `None` = unlimited. See [`Decoder`] for exactly what it bounds.
    pub max_msg_size: Option<u64>,
    /// ZMQ_HEARTBEAT_IVL: send a PING this often once established.
    pub heartbeat_ivl: Option<Duration>,
    /// ZMQ_HEARTBEAT_TTL: the TTL announced in our PINGs (rounded down to
    /// deciseconds, at most 6553.5 s).
    pub heartbeat_ttl: Option<Duration>,
    /// ZMQ_HEARTBEAT_TIMEOUT: give up if nothing arrives this long after one
    /// of our PINGs. Defaults to `heartbeat_ivl`, as in libzmq.
    pub heartbeat_timeout: Option<Duration>,
    /// ZMQ_HANDSHAKE_IVL: give up if not established this long after
    /// [`Session::new`]; `None` = never.
    pub handshake_timeout: Option<Duration>,
}

impl SessionConfig {
    /// libzmq's defaults: empty identity, NULL client, no size limit, no
    /// heartbeats, 30 s handshake timeout.
    pub fn new(socket_type: SocketType) -> Self {
        SessionConfig {
            socket_type,
            identity: Bytes::new(),
            as_server: false,
            max_msg_size: None,
            heartbeat_ivl: None,
            heartbeat_ttl: None,
            heartbeat_timeout: None,
            handshake_timeout: Some(DEFAULT_HANDSHAKE_TIMEOUT),
        }
    }
}

/// What the handshake learned about the peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer's `Socket-Type`.
    pub socket_type: SocketType,
    /// The peer's `Identity` property (empty if absent).
    pub identity: Bytes,
    /// The ZMTP version spoken on this connection: (3, 0) with a ZMTP 3.0
    /// peer, else (3, 1).
    pub version: (u8, u8),
    /// All metadata properties the peer sent, in order, including
    /// `Socket-Type` and `Identity`.
    pub properties: Vec<(String, Bytes)>,
}

/// What [`Session::poll_event`] hands the driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The handshake is complete; messages may flow both ways.
    Ready(PeerInfo),
    /// A whole message from the peer. For PUB/XPUB, a subscription arrives as
    /// a one-frame message `0x01`+topic (subscribe) or `0x00`+topic (cancel),
    /// whichever form the peer used on the wire.
    Message(Multipart),
}

/// Where the connection is, named after what it waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Our signature is queued; waiting for the peer's 10 signature bytes.
    ExpectGreetingSignature,
    /// Our major version is queued too; waiting for the peer's (byte 10).
    ExpectGreetingVersion,
    /// Our whole greeting is queued; waiting for the peer's bytes 11..64.
    ExpectGreetingRest,
    /// Greetings done; the mechanism exchanges commands (for NULL: waiting
    /// for the peer's READY).
    ExpectHandshake,
    /// Handshake done; messages flow.
    Established,
    /// An error was reported; nothing more happens.
    Dead,
}

/// A timer that may need arming from inside [`Session::poll_event`], which
/// is not told the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timer {
    Off,
    /// Fires this long after the next time we are told the time; reported by
    /// `poll_timeout` as already due so that the driver tells us at once.
    Pending(Duration),
    /// Fires at this time.
    At(Duration),
}

impl Timer {
    fn resolve(&mut self, now: Duration) {
        if let Timer::Pending(d) = *self {
            *self = Timer::At(now.saturating_add(d));
        }
    }

    fn due(self, now: Duration) -> bool {
        matches!(self, Timer::At(t) if t <= now)
    }

    fn deadline(self, now: Duration) -> Option<Duration> {
        match self {
            Timer::Off => None,
            Timer::Pending(_) => Some(now),
            Timer::At(t) => Some(t),
        }
    }
}

/// The bytes `msg` took on the wire (frame headers and bodies).
fn wire_len(msg: &Multipart) -> usize {
    msg.iter().map(|f| header_len(f.len()) + f.len()).sum()
}

/// One ZMTP 3.1 connection (see the module docs for how to drive it).
pub struct Session {
    cfg: SessionConfig,
    state: State,
    mechanism: Box<dyn Mechanism>,
    /// Our greeting, sent in three slices as the peer's arrives.
    greeting: Greeting,
    greeting_bytes: [u8; GREETING_LEN],
    /// Input not yet decoded. During the greeting stages the peer's greeting
    /// bytes stay here until all 64 have arrived.
    rx: BytesMut,
    /// Messages decoded straight from the buffer given to `handle_input`,
    /// before anything in `rx` (see there).
    ready: VecDeque<Multipart>,
    /// The wire size of `ready` (counted against [`INPUT_HIGH_WATER`], as
    /// if it were still in `rx`).
    ready_bytes: usize,
    /// Output not yet taken by the driver: finished chunks (large frames
    /// travel as their own chunk, see [`ZERO_COPY_MIN`]) then the open tail.
    chunks: VecDeque<Bytes>,
    /// Bytes in `chunks`.
    chunks_len: usize,
    tx: BytesMut,
    decoder: Decoder,
    /// The negotiated ZMTP version, known once the greetings are exchanged.
    version: (u8, u8),
    /// Set once established.
    peer: Option<PeerInfo>,
    /// Messages sent before `Ready` (a contract breach; see `send`).
    held: Vec<Multipart>,
    /// The latest time we were told.
    now: Duration,
    /// When the handshake must be done by.
    handshake_deadline: Option<Duration>,
    /// Next PING.
    ping_timer: Timer,
    /// Armed by our PING, disarmed by any input.
    timeout_timer: Timer,
    /// Armed by the peer's PING with a TTL, disarmed by any input.
    ttl_timer: Timer,
    /// TTL from the peer's latest PING, if any.
    peer_ttl: Option<Duration>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("socket_type", &self.cfg.socket_type)
            .field("state", &self.state)
            .field("mechanism", &self.mechanism)
            .field("rx_len", &self.rx.len())
            .field("ready", &self.ready.len())
            .field("output_len", &self.output_len())
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A NULL-mechanism session; queues the first 10 greeting bytes at once.
    pub fn new(cfg: SessionConfig, now: Duration) -> Self {
        let local = LocalInfo {
            socket_type: cfg.socket_type,
            identity: cfg.identity.clone(),
            as_server: cfg.as_server,
        };
        Self::with_mechanism(cfg, Box::new(NullMechanism::new(local)), now)
    }

    /// A session using `mechanism` (for PLAIN and CURVE, when they exist).
    pub fn with_mechanism(
        cfg: SessionConfig,
        mechanism: Box<dyn Mechanism>,
        now: Duration,
    ) -> Self {
        let greeting = Greeting::new(mechanism.name(), cfg.as_server);
        // libzmq's padding: identity length + 1 (see Greeting::encode).
        let greeting_bytes = greeting.encode(cfg.identity.len() as u64 + 1);
        let mut tx = BytesMut::with_capacity(GREETING_LEN);
        tx.put_slice(&greeting_bytes[..SIGNATURE_LEN]);
        let handshake_deadline = cfg.handshake_timeout.map(|t| now.saturating_add(t));
        Session {
            decoder: Decoder::new(cfg.max_msg_size),
            cfg,
            state: State::ExpectGreetingSignature,
            mechanism,
            greeting,
            greeting_bytes,
            rx: BytesMut::new(),
            ready: VecDeque::new(),
            ready_bytes: 0,
            tx,
            chunks: VecDeque::new(),
            chunks_len: 0,
            version: super::greeting::VERSION,
            peer: None,
            held: Vec::new(),
            now,
            handshake_deadline,
            ping_timer: Timer::Off,
            timeout_timer: Timer::Off,
            ttl_timer: Timer::Off,
            peer_ttl: None,
        }
    }

    /// Appends bytes read from the peer. Decoding happens in
    /// [`poll_event`](Self::poll_event).
    ///
    /// Once established, whole small messages at the front of `data` (when
    /// nothing older is buffered) are decoded from `data` itself into inline
    /// frames, so they are copied once, not into the buffer and out again.
    pub fn handle_input(&mut self, mut data: &[u8]) {
        if self.state == State::Dead || data.is_empty() {
            return;
        }
        if self.state == State::Established && self.rx.is_empty() {
            while self.ready_bytes < INPUT_HIGH_WATER {
                let (taken, msg) = self.decoder.decode_borrowed(data);
                data = &data[taken..];
                let Some(msg) = msg else { break };
                self.ready_bytes += wire_len(&msg);
                self.ready.push_back(msg);
            }
        }
        if self.state == State::Established && self.rx.is_empty() {
            // `data` starts with a frame (the loop above took every whole
            // message before it). One that this read does not finish gets
            // room for all of it now: its body is copied once, not again at
            // each growth of the buffer (bounded, as the body has not come).
            if let Some(end) = self.decoder.frame_end(data) {
                if end > data.len() as u64 {
                    self.rx
                        .reserve(end.min(LARGE_FRAME_RESERVE as u64) as usize);
                }
            }
        }
        self.rx.extend_from_slice(data);
        // The peer is alive: whatever silence the heartbeat timers watch
        // for has been broken. (libzmq disarms them per decoded frame; bytes
        // are the earlier and truer sign, and do not depend on whether the
        // application is keeping up with decoding.)
        self.timeout_timer = Timer::Off;
        self.ttl_timer = Timer::Off;
    }

    /// False when the driver should stop reading: the session is dead, or
    /// [`INPUT_HIGH_WATER`] bytes are buffered and at least one whole frame
    /// among them waits for [`poll_event`](Self::poll_event). Never false
    /// merely because one large frame is still incomplete.
    pub fn wants_input(&self) -> bool {
        match self.state {
            State::Dead => false,
            _ if self.rx.len() + self.ready_bytes < INPUT_HIGH_WATER => true,
            // Whole messages wait for poll_event.
            _ if !self.ready.is_empty() => false,
            State::ExpectHandshake | State::Established => self.decoder.needs_input(&self.rx),
            // A whole greeting is buffered: only poll_event makes progress.
            _ => false,
        }
    }

    /// Advances the handshake and decodes at most one message from the
    /// buffered input. `None` when more input is needed (or the session is
    /// dead). Call it only when the next message can be accepted; the rest
    /// stays buffered. Automatic replies (handshake commands, PONG) are queued
    /// to the output as a side effect, so call
    /// [`take_output`](Self::take_output) afterwards.
    ///
    /// After it returns `Some(Err(_))` the session is dead.
    pub fn poll_event(&mut self) -> Option<Result<Event, Error>> {
        match self.advance() {
            Ok(ev) => ev.map(Ok),
            Err(e) => {
                self.die();
                Some(Err(e))
            }
        }
    }

    /// True once the handshake is complete (and until an error).
    pub fn is_established(&self) -> bool {
        self.state == State::Established
    }

    /// The peer, once established.
    pub fn peer(&self) -> Option<&PeerInfo> {
        self.peer.as_ref()
    }

    /// The TTL the peer announced in its latest PING with a non-zero TTL;
    /// if nothing arrives within it after that PING, the session gives up.
    pub fn peer_heartbeat_ttl(&self) -> Option<Duration> {
        self.peer_ttl
    }

    /// Encodes an application message (at least one frame) for the peer.
    ///
    /// Call only after [`Event::Ready`]. From a SUB or XSUB socket, a one-frame
    /// message `0x01`+topic / `0x00`+topic is a subscription: it goes out as a
    /// SUBSCRIBE / CANCEL command to a ZMTP 3.1 peer and unchanged, as a
    /// message, to a ZMTP 3.0 peer.
    pub fn send(&mut self, msg: &Multipart) {
        debug_assert!(!msg.is_empty(), "Session::send with no frame");
        debug_assert!(
            matches!(self.state, State::Established | State::Dead),
            "Session::send before Ready"
        );
        match self.state {
            State::Established => self.encode_app_message(msg),
            State::Dead => {}
            // Release builds keep what was sent too early rather than lose it
            // or corrupt the stream, and send it once the handshake is done.
            _ => self.held.push(msg.clone()),
        }
    }

    /// Bytes waiting for [`take_output`](Self::take_output).
    pub fn output_len(&self) -> usize {
        self.chunks_len + self.tx.len()
    }

    /// The next chunk queued for the peer (no copy); `None` if nothing is
    /// queued. Small frames share one contiguous chunk; a frame of at least
    /// [`ZERO_COPY_MIN`] bytes is a chunk of its own, so call this until it
    /// returns `None`, or use [`take_output_vectored`](Self::take_output_vectored).
    pub fn take_output(&mut self) -> Option<Bytes> {
        if let Some(c) = self.chunks.pop_front() {
            self.chunks_len -= c.len();
            return Some(c);
        }
        if self.tx.is_empty() {
            None
        } else {
            Some(self.tx.split().freeze())
        }
    }

    /// Everything queued for the peer, in order, appended to `out` as chunks
    /// for one vectored write.
    pub fn take_output_vectored(&mut self, out: &mut Vec<Bytes>) {
        out.extend(self.chunks.drain(..));
        self.chunks_len = 0;
        if !self.tx.is_empty() {
            out.push(self.tx.split().freeze());
        }
    }

    /// Tells the session the time; fires what is due: handshake timeout,
    /// heartbeat timeout, the peer's TTL, our next PING (queued to output).
    /// An error means the session is dead.
    pub fn handle_timeout(&mut self, now: Duration) -> Result<(), Error> {
        if self.state == State::Dead {
            return Ok(());
        }
        self.now = self.now.max(now);
        let now = self.now;
        self.ping_timer.resolve(now);
        self.timeout_timer.resolve(now);
        self.ttl_timer.resolve(now);

        if self.state != State::Established {
            if self.handshake_deadline.is_some_and(|d| d <= now) {
                self.die();
                return Err(Error::HandshakeTimeout);
            }
            return Ok(());
        }

        // When we stopped reading (the application is behind), silence on
        // the wire is our doing, not the peer's: wait again instead.
        let backpressured = !self.wants_input();
        if self.timeout_timer.due(now) {
            if backpressured {
                self.timeout_timer = Timer::At(now.saturating_add(self.heartbeat_timeout()));
            } else {
                self.die();
                return Err(Error::HeartbeatTimeout);
            }
        }
        if self.ttl_timer.due(now) {
            match self.peer_ttl {
                Some(ttl) if backpressured => self.ttl_timer = Timer::At(now.saturating_add(ttl)),
                _ => {
                    self.die();
                    return Err(Error::HeartbeatTimeout);
                }
            }
        }
        if self.ping_timer.due(now) {
            self.send_ping();
            if let Some(ivl) = self.cfg.heartbeat_ivl {
                self.ping_timer = Timer::At(now.saturating_add(ivl));
            }
            if self.timeout_timer == Timer::Off {
                self.timeout_timer = Timer::At(now.saturating_add(self.heartbeat_timeout()));
            }
        }
        Ok(())
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called;
    /// `None` if no timer runs. The deadline may already have passed (a timer
    /// armed inside `poll_event`, which is not told the time, reports the
    /// last time we were told): call `handle_timeout` at once then.
    pub fn poll_timeout(&self) -> Option<Duration> {
        match self.state {
            State::Dead => None,
            State::Established => [self.ping_timer, self.timeout_timer, self.ttl_timer]
                .into_iter()
                .filter_map(|t| t.deadline(self.now))
                .min(),
            _ => self.handshake_deadline,
        }
    }

    fn heartbeat_timeout(&self) -> Duration {
        self.cfg
            .heartbeat_timeout
            .or(self.cfg.heartbeat_ivl)
            .unwrap_or_default()
    }

    fn die(&mut self) {
        self.state = State::Dead;
        self.rx = BytesMut::new();
        self.ready = VecDeque::new();
        self.ready_bytes = 0;
        self.held = Vec::new();
    }

    /// One step of the state machine per loop turn, each consuming the input
    /// it waits for and moving on, until an event or a lack of input.
    fn advance(&mut self) -> Result<Option<Event>, Error> {
        // Decoded by handle_input, and older than anything in rx.
        if let Some(msg) = self.ready.pop_front() {
            self.ready_bytes -= wire_len(&msg);
            return Ok(Some(Event::Message(msg)));
        }
        loop {
            match self.state {
                State::Dead => return Ok(None),
                State::ExpectGreetingSignature => {
                    let have = self.rx.len().min(SIGNATURE_LEN);
                    Greeting::check_signature(&self.rx[..have])?;
                    if have < SIGNATURE_LEN {
                        return Ok(None);
                    }
                    self.tx
                        .put_slice(&self.greeting_bytes[SIGNATURE_LEN..=MAJOR_POS]);
                    self.state = State::ExpectGreetingVersion;
                }
                State::ExpectGreetingVersion => {
                    let Some(&major) = self.rx.get(MAJOR_POS) else {
                        return Ok(None);
                    };
                    Greeting::check_major(major)?;
                    self.tx.put_slice(&self.greeting_bytes[MAJOR_POS + 1..]);
                    self.state = State::ExpectGreetingRest;
                }
                State::ExpectGreetingRest => {
                    if self.rx.len() < GREETING_LEN {
                        return Ok(None);
                    }
                    let raw = self.rx.split_to(GREETING_LEN);
                    let peer = Greeting::decode(raw[..].try_into().expect("64 bytes"))?;
                    self.greeting.check_mechanism(&peer)?;
                    self.version = self.greeting.negotiate(&peer);
                    let mut out = Vec::new();
                    self.mechanism.start(&mut out);
                    self.queue_commands(&out);
                    self.state = State::ExpectHandshake;
                }
                State::ExpectHandshake => {
                    let Some(frame) = self.decoder.decode_frame(&mut self.rx)? else {
                        return Ok(None);
                    };
                    let Frame::Command(body) = frame else {
                        return Err(Error::MessageBeforeReady);
                    };
                    let cmd = Command::parse(body)?;
                    if let Command::Error { reason } = cmd {
                        return Err(Error::PeerError {
                            reason: lossy(&reason),
                        });
                    }
                    let mut out = Vec::new();
                    let done = self.mechanism.handle_command(cmd, &mut out)?;
                    self.queue_commands(&out);
                    if let Some(props) = done {
                        return self.establish(props).map(Some);
                    }
                }
                State::Established => {
                    let Some(decoded) = self.decoder.decode(&mut self.rx)? else {
                        return Ok(None);
                    };
                    match decoded {
                        Decoded::Message(msg) => return Ok(Some(Event::Message(msg))),
                        Decoded::Command(body) => {
                            if let Some(ev) = self.handle_command(Command::parse(body)?)? {
                                return Ok(Some(ev));
                            }
                        }
                    }
                }
            }
        }
    }

    /// The mechanism is done: check the peer's metadata and go live.
    fn establish(&mut self, props: Properties) -> Result<Event, Error> {
        let peer_type = props.get("Socket-Type").ok_or(Error::MissingSocketType)?;
        let peer_type =
            SocketType::from_name(peer_type).ok_or_else(|| Error::UnknownSocketType {
                name: lossy(peer_type),
            })?;
        let local = self.cfg.socket_type;
        if !local.is_compatible(peer_type) {
            return Err(Error::IncompatibleSocketType {
                local,
                peer: peer_type,
            });
        }
        let identity = props.get("Identity").cloned().unwrap_or_default();
        let info = PeerInfo {
            socket_type: peer_type,
            identity,
            version: self.version,
            properties: props.into_vec(),
        };
        self.peer = Some(info.clone());
        self.state = State::Established;
        self.handshake_deadline = None;
        if let Some(ivl) = self.cfg.heartbeat_ivl {
            self.ping_timer = Timer::Pending(ivl);
        }
        for msg in std::mem::take(&mut self.held) {
            self.encode_app_message(&msg);
        }
        Ok(Event::Ready(info))
    }

    /// A command after the handshake. Returns the event it becomes, if any.
    fn handle_command(&mut self, cmd: Command) -> Result<Option<Event>, Error> {
        match cmd {
            Command::Ping { ttl, context } => {
                Command::Pong { context }.encode(&mut self.tx);
                if ttl > 0 {
                    let ttl = Duration::from_millis(u64::from(ttl) * 100);
                    self.peer_ttl = Some(ttl);
                    self.ttl_timer = Timer::Pending(ttl);
                }
            }
            // Any input already disarmed the heartbeat timeout (handle_input).
            Command::Pong { .. } => {}
            Command::Subscribe(topic) => return Ok(self.subscription_event(SUBSCRIBE_BYTE, &topic)),
            Command::Cancel(topic) => return Ok(self.subscription_event(CANCEL_BYTE, &topic)),
            Command::Error { reason } => {
                return Err(Error::PeerError {
                    reason: lossy(&reason),
                })
            }
            // READY again, or commands from a newer ZMTP: ignored, as libzmq does.
            _ => {}
        }
        Ok(None)
    }

    /// SUBSCRIBE/CANCEL as the message XPUB hands the application. Only a
    /// publisher has a use for it; other socket types ignore them (their
    /// peers are never SUB/XSUB anyway, by the compatibility check).
    fn subscription_event(&self, prefix: u8, topic: &[u8]) -> Option<Event> {
        if !matches!(self.cfg.socket_type, SocketType::Pub | SocketType::XPub) {
            return None;
        }
        let mut m = Vec::with_capacity(1 + topic.len());
        m.push(prefix);
        m.extend_from_slice(topic);
        Some(Event::Message(Multipart::single(Msg::from(m))))
    }

    fn encode_app_message(&mut self, msg: &Multipart) {
        let zmtp31 = self.version >= (3, 1);
        if zmtp31
            && matches!(self.cfg.socket_type, SocketType::Sub | SocketType::XSub)
            && msg.len() == 1
        {
            let body = msg.first().expect("one frame");
            let topic = || body.to_bytes().slice(1..);
            let cmd = match body.first() {
                Some(&SUBSCRIBE_BYTE) => Some(Command::Subscribe(topic())),
                Some(&CANCEL_BYTE) => Some(Command::Cancel(topic())),
                _ => None,
            };
            if let Some(cmd) = cmd {
                cmd.encode(&mut self.tx);
                return;
            }
        }
        let n = msg.len();
        for (i, part) in msg.iter().enumerate() {
            let more = i + 1 < n;
            if part.len() >= ZERO_COPY_MIN {
                encode_header(&mut self.tx, if more { FLAG_MORE } else { 0 }, part.len());
                let head = self.tx.split().freeze();
                self.chunks_len += head.len() + part.len();
                self.chunks.push_back(head);
                self.chunks.push_back(part.to_bytes());
            } else {
                encode_message_frame(&mut self.tx, part, more);
            }
        }
    }

    fn queue_commands(&mut self, cmds: &[Command]) {
        for c in cmds {
            c.encode(&mut self.tx);
        }
    }

    fn send_ping(&mut self) {
        let ttl = self.cfg.heartbeat_ttl.map_or(0, |t| {
            u16::try_from(t.as_millis() / 100).unwrap_or(u16::MAX)
        });
        Command::Ping {
            ttl,
            context: Bytes::new(),
        }
        .encode(&mut self.tx);
    }
}
