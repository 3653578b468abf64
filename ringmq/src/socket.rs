//! [`Socket`]: the `zmq` crate's socket over a core socket, with blocking,
//! frame-at-a-time send and receive.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::inproc::{self, Entry};
use crate::message::Message;
use crate::poll::PollEvents;
use crate::transport::{monotonic_ns, sample_interval, Endpoint, Sampler, SharedSocket, Wait};
use crate::{DONTWAIT, SNDMORE};
use ringmq_core::{Msg, Multipart, Socket as CoreSocket, SocketType as CoreType};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The socket types, with the `zmq` crate's names (`zmq::REQ`, …; they are
/// re-exported at the crate root).
///
/// `STREAM` is listed because the `zmq` crate lists it, but ringmq does not
/// implement it: `ctx.socket(STREAM)` returns `EINVAL`.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SocketType {
    /// Exclusive pair.
    PAIR,
    /// Publisher.
    PUB,
    /// Subscriber.
    SUB,
    /// Requester.
    REQ,
    /// Replier.
    REP,
    /// Dealer (asynchronous requester).
    DEALER,
    /// Router (addresses peers by identity).
    ROUTER,
    /// Pipeline consumer.
    PULL,
    /// Pipeline producer.
    PUSH,
    /// Publisher that sees subscriptions.
    XPUB,
    /// Subscriber that sends subscriptions as messages.
    XSUB,
    /// Raw TCP; not implemented by ringmq (`EINVAL`).
    STREAM,
}

impl SocketType {
    /// libzmq's `ZMQ_*` constant.
    pub fn to_raw(self) -> i32 {
        match self.to_core() {
            Some(t) => t as i32,
            None => 11, // ZMQ_STREAM
        }
    }

    fn to_core(self) -> Option<CoreType> {
        Some(match self {
            SocketType::PAIR => CoreType::Pair,
            SocketType::PUB => CoreType::Pub,
            SocketType::SUB => CoreType::Sub,
            SocketType::REQ => CoreType::Req,
            SocketType::REP => CoreType::Rep,
            SocketType::DEALER => CoreType::Dealer,
            SocketType::ROUTER => CoreType::Router,
            SocketType::PULL => CoreType::Pull,
            SocketType::PUSH => CoreType::Push,
            SocketType::XPUB => CoreType::XPub,
            SocketType::XSUB => CoreType::XSub,
            SocketType::STREAM => return None,
        })
    }
}

/// Something [`Socket::send`] accepts: every `T: Into<Message>` (`&str`,
/// `&[u8]`, `Vec<u8>`, `String`, [`Message`], …), as in the `zmq` crate.
pub trait Sendable {
    /// Sends `self` as one frame.
    ///
    /// # Errors
    /// As [`Socket::send`].
    fn send(self, socket: &Socket, flags: i32) -> Result<()>;
}

impl<T> Sendable for T
where
    T: Into<Message>,
{
    fn send(self, socket: &Socket, flags: i32) -> Result<()> {
        socket.send_frame(self.into(), flags)
    }
}

/// The frames of the message being received, after the first.
type Rest = <Multipart as IntoIterator>::IntoIter;

/// What only the owning thread touches.
pub(crate) struct Local {
    pub(crate) socket_type: SocketType,
    /// What a send must check before its first frame, by type (known at
    /// creation: one test on the send path instead of two matches).
    send_check: SendCheck,
    /// Frames sent with SNDMORE, waiting for the last one: the core takes
    /// a message whole, so the HWM counts it once and it arrives whole.
    outgoing: Multipart,
    /// The unread frames of the message being received.
    incoming: Option<Rest>,
    /// `ZMQ_RCVMORE` of the last frame received.
    pub(crate) rcvmore: bool,
    pub(crate) opts: crate::sockopt::LocalOptions,
    pub(crate) last_endpoint: String,
    /// Some tcp/ipc endpoint was used: the engine must close the socket.
    uses_engine: bool,
    /// Picks the messages stamped for the send latency.
    sampler: Sampler,
}

/// What [`Socket::send`] checks before a message's first frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SendCheck {
    None,
    /// SUB and PULL never send: `ENOTSUP`.
    Refuse,
    /// REQ and REP: `EFSM` while part of the received message is unread.
    Unread,
}

impl SendCheck {
    fn of(t: SocketType) -> SendCheck {
        match t {
            SocketType::SUB | SocketType::PULL => SendCheck::Refuse,
            SocketType::REQ | SocketType::REP => SendCheck::Unread,
            _ => SendCheck::None,
        }
    }
}

/// A ringmq socket: the `zmq` crate's `Socket`.
///
/// Methods take `&self`, as in the `zmq` crate. A socket is `Send` (move it
/// to the thread that uses it) but not `Sync`: one thread at a time, the
/// rule of `zmq_socket(3)`, checked by the compiler. This does not compile:
///
/// ```compile_fail,E0277
/// fn shared_between_threads<T: Sync>() {}
/// shared_between_threads::<ringmq::Socket>();
/// ```
///
/// Sends and receives block unless `DONTWAIT` is given, up to `SNDTIMEO`
/// / `RCVTIMEO` (default: forever), and return `ETERM` once the context is
/// destroyed.
pub struct Socket {
    pub(crate) entry: Arc<Entry>,
    pub(crate) ctx: Context,
    /// Also what makes `Socket` `!Sync`.
    pub(crate) local: RefCell<Local>,
}

impl Socket {
    pub(crate) fn new(ctx: Context, socket_type: SocketType) -> Result<Socket> {
        let core_type = socket_type.to_core().ok_or(Error::EINVAL)?;
        if ctx.inner.is_terminated() {
            return Err(Error::ETERM);
        }
        let shared = SharedSocket::new(CoreSocket::new(core_type));
        ctx.inner.add_socket(&shared)?;
        Ok(Socket {
            entry: Entry::new(shared),
            ctx,
            local: RefCell::new(Local {
                socket_type,
                send_check: SendCheck::of(socket_type),
                outgoing: Multipart::new(),
                incoming: None,
                rcvmore: false,
                opts: crate::sockopt::LocalOptions::default(),
                last_endpoint: String::new(),
                uses_engine: false,
                sampler: Sampler::default(),
            }),
        })
    }

    pub(crate) fn shared(&self) -> &Arc<SharedSocket> {
        &self.entry.shared
    }

    fn parse(endpoint: &str) -> Result<Endpoint> {
        Endpoint::parse(endpoint).map_err(Error::from)
    }

    /// Accepts connections on an endpoint: `tcp://host:port` (`*` for every
    /// interface, port `*` or 0 for one the system picks; see
    /// [`get_last_endpoint`](Self::get_last_endpoint)), `ipc://path`, or
    /// `inproc://name`.
    ///
    /// # Errors
    /// `EADDRINUSE`, `EINVAL` for a malformed endpoint, `EPROTONOSUPPORT`
    /// for a transport ringmq lacks (pgm, epgm, tipc, vmci, udp, ws …),
    /// `ENOENT` for an ipc path in a missing directory, `ETERM`, and
    /// `EMTHREAD` if the I/O engine cannot run (the cause is printed to
    /// stderr once; see [`Context::engine_error`]).
    pub fn bind(&self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        let ep = Self::parse(endpoint)?;
        let resolved = match &ep {
            Endpoint::Inproc(name) => {
                inproc::bind(&self.ctx.inner.inproc, &self.entry, name)?;
                endpoint.to_string()
            }
            _ => {
                let engine = self.ctx.inner.engine()?;
                let resolved = engine.bind(self.shared(), &ep)?;
                self.local.borrow_mut().uses_engine = true;
                resolved
            }
        };
        self.ctx
            .inner
            .registry
            .add_endpoint(self.shared().id(), &resolved, "bind");
        self.local.borrow_mut().last_endpoint = resolved;
        Ok(())
    }

    /// Stops accepting connections on an endpoint (for tcp, the one
    /// [`get_last_endpoint`](Self::get_last_endpoint) returned). Existing
    /// connections stay, as in libzmq.
    ///
    /// # Errors
    /// `ENOENT` if the socket is not bound there.
    pub fn unbind(&self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        match Self::parse(endpoint)? {
            Endpoint::Inproc(name) => {
                inproc::unbind(&self.ctx.inner.inproc, &self.entry, &name)?;
            }
            _ => {
                let engine = self.ctx.inner.started_engine().ok_or(Error::ENOENT)?;
                engine.unbind(self.shared(), endpoint)?;
            }
        }
        self.ctx
            .inner
            .registry
            .remove_endpoint(self.shared().id(), endpoint, "bind");
        Ok(())
    }

    /// Connects to an endpoint. Returns at once: tcp and ipc connections
    /// (and reconnections) proceed in the background; `inproc://` to a name
    /// not bound yet completes when it is bound.
    ///
    /// An inproc connect to a socket of an incompatible type succeeds but
    /// carries nothing, as libzmq's does.
    ///
    /// # Errors
    /// As [`bind`](Self::bind), except `EADDRINUSE`.
    pub fn connect(&self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        let ep = Self::parse(endpoint)?;
        match &ep {
            Endpoint::Inproc(name) => {
                inproc::connect(&self.ctx.inner.inproc, &self.entry, name);
            }
            _ => {
                let engine = self.ctx.inner.engine()?;
                let opts = self.local.borrow().opts.transport();
                engine.connect(self.shared(), &ep, &opts)?;
                self.local.borrow_mut().uses_engine = true;
            }
        }
        let ep = ep.to_string();
        self.ctx
            .inner
            .registry
            .add_endpoint(self.shared().id(), &ep, "connect");
        self.local.borrow_mut().last_endpoint = ep;
        Ok(())
    }

    /// Drops the connection(s) made by `connect(endpoint)`.
    ///
    /// # Errors
    /// `ENOENT` if there is none.
    pub fn disconnect(&self, endpoint: &str) -> Result<()> {
        self.check_term()?;
        match Self::parse(endpoint)? {
            Endpoint::Inproc(name) => {
                inproc::disconnect(&self.ctx.inner.inproc, &self.entry, &name)?;
            }
            _ => {
                let engine = self.ctx.inner.started_engine().ok_or(Error::ENOENT)?;
                engine.disconnect(self.shared(), endpoint)?;
            }
        }
        self.ctx
            .inner
            .registry
            .remove_endpoint(self.shared().id(), endpoint, "connect");
        Ok(())
    }

    /// `zmq_socket_monitor`. Not implemented yet (monitor events are
    /// planned).
    ///
    /// # Errors
    /// Always `ENOTSUP`.
    pub fn monitor(&self, _monitor_endpoint: &str, _events: i32) -> Result<()> {
        Err(Error::ENOTSUP)
    }

    fn check_term(&self) -> Result<()> {
        if self.shared().is_terminated() {
            Err(Error::ETERM)
        } else {
            Ok(())
        }
    }

    /// Sends one frame. With `SNDMORE` the frame is kept until the last
    /// frame of the message arrives (one sent without `SNDMORE`); the whole
    /// message is then handed to the socket at once, so it is queued,
    /// counted against the high-water mark, and delivered as one.
    ///
    /// `data` is anything `Into<Message>`: `&str`, `&[u8]`, `Vec<u8>`,
    /// `String`, a [`Message`], … Owned buffers are not copied.
    ///
    /// # Errors
    /// `EAGAIN` with `DONTWAIT`, or after `SNDTIMEO`, when the message
    /// cannot be queued; `EFSM` for REQ/REP out of turn; `ENOTSUP` on SUB and
    /// PULL; `EHOSTUNREACH` for ROUTER_MANDATORY; `ETERM`. A multipart
    /// message is checked when its last frame is sent, and on any error it
    /// is discarded whole (so sending it again from its first frame is
    /// right), except that `ENOTSUP` comes at the first frame.
    pub fn send<T>(&self, data: T, flags: i32) -> Result<()>
    where
        T: Sendable,
    {
        data.send(self, flags)
    }

    /// Sends a [`Message`].
    ///
    /// # Errors
    /// As [`send`](Self::send).
    #[deprecated(since = "0.9.0", note = "Use `send` instead")]
    pub fn send_msg(&self, msg: Message, flags: i32) -> Result<()> {
        self.send(msg, flags)
    }

    /// Sends a string.
    ///
    /// # Errors
    /// As [`send`](Self::send).
    #[deprecated(since = "0.9.0", note = "Use `send` instead")]
    pub fn send_str(&self, data: &str, flags: i32) -> Result<()> {
        self.send(data, flags)
    }

    /// Sends every item of `iter` as one multipart message (`flags` apply
    /// to each frame; `SNDMORE` is added to all but the last). An empty
    /// iterator sends nothing.
    ///
    /// ```
    /// use ringmq as zmq;
    /// let ctx = zmq::Context::new();
    /// let push = ctx.socket(zmq::PUSH).unwrap();
    /// push.bind("inproc://multipart-doc").unwrap();
    /// let pull = ctx.socket(zmq::PULL).unwrap();
    /// pull.connect("inproc://multipart-doc").unwrap();
    /// push.send_multipart(["key", "value"], 0).unwrap();
    /// assert_eq!(pull.recv_multipart(0).unwrap(), vec![b"key".to_vec(), b"value".to_vec()]);
    /// ```
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub fn send_multipart<I, T>(&self, iter: I, flags: i32) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let mut last_part: Option<T> = None;
        for part in iter {
            if let Some(last) = last_part.take() {
                self.send_frame(last.into(), flags | SNDMORE)?;
            }
            last_part = Some(part);
        }
        match last_part {
            Some(last) => self.send_frame(last.into(), flags),
            None => Ok(()),
        }
    }

    pub(crate) fn send_frame(&self, mut msg: Message, flags: i32) -> Result<()> {
        // The frames of a multipart message, joined here; a one-frame
        // message is sent from `msg` itself, where it already is.
        let mut joined = None;
        let (timeout, sample) = {
            let mut local = self.local.borrow_mut();
            if self.shared().is_terminated() {
                local.outgoing = Multipart::new();
                return Err(Error::ETERM);
            }
            if local.send_check != SendCheck::None && local.outgoing.is_empty() {
                match local.send_check {
                    // Known before any frame is queued, as libzmq reports it.
                    SendCheck::Refuse => return Err(Error::ENOTSUP),
                    // libzmq's REQ/REP refuse to send while part of the
                    // received message is unread.
                    SendCheck::Unread if local.incoming.is_some() => return Err(Error::EFSM),
                    _ => {}
                }
            }
            if flags & SNDMORE != 0 {
                local.outgoing.push_back(msg.into_msg());
                return Ok(());
            }
            if !local.outgoing.is_empty() {
                local.outgoing.push_back(msg.into_msg());
                joined = Some(std::mem::take(&mut local.outgoing));
                msg = Message::new();
            }
            let timeout = if flags & DONTWAIT != 0 {
                0
            } else {
                local.opts.sndtimeo
            };
            (timeout, local.sampler.tick_with(sample_interval))
        };
        let whole = match &mut joined {
            Some(m) => m,
            None => msg.send_slot(),
        };
        if sample {
            // The send path's latency ends where the I/O thread encodes
            // the message for the kernel (or inproc hands it over).
            stamp_now(whole);
        }
        let stamped_at = whole.stamp();
        // Stays where it is until the pipe takes it (a refusal leaves it).
        self.wait(Wait::Send, timeout, |core| match core.send_from(whole) {
            Ok(()) => Some(Ok(())),
            Err(ringmq_core::Error::Again) => None,
            Err(e) => Some(Err(Error::from(e))),
        })?;
        // Inline mode: the message goes to the kernel before send returns
        // (or with the rest of its burst).
        self.shared().sent();
        if let Some(at) = stamped_at {
            self.sent_sample(at);
        }
        Ok(())
    }

    /// Runs `attempt` on the locked core socket: once if `timeout_ms` is 0,
    /// else until it gives an answer, for up to `timeout_ms` (-1: forever).
    fn wait<T>(
        &self,
        wait: Wait,
        timeout_ms: i32,
        mut attempt: impl FnMut(&mut CoreSocket) -> Option<Result<T>>,
    ) -> Result<T> {
        // The callers looked at `is_terminated` already; `block_on` looks
        // again before each wait.
        let shared = self.shared();
        // Once without a clock: most calls need no waiting.
        if let Some(r) = attempt(&mut shared.lock()) {
            return r;
        }
        // Inline mode: take in what arrived (or send what waits) first.
        if shared.progress() {
            if let Some(r) = attempt(&mut shared.lock()) {
                return r;
            }
        }
        if timeout_ms == 0 {
            return Err(Error::EAGAIN);
        }
        let deadline = u64::try_from(timeout_ms)
            .ok()
            .map(|ms| Instant::now() + Duration::from_millis(ms));
        shared.block_on(wait, deadline, attempt)?
    }

    /// A sampled message was accepted. Over tcp/ipc its send path ends
    /// where the I/O thread encodes it; over inproc it ends here, in the
    /// peer's queue (its receive latency then counts from its stamp).
    #[cold]
    #[inline(never)]
    fn sent_sample(&self, stamped_at: u64) {
        if !self.local.borrow().uses_engine && self.entry.has_links() {
            self.shared()
                .send_latency()
                .push(monotonic_ns().saturating_sub(stamped_at));
        }
    }

    fn recv_frame(&self, flags: i32) -> Result<Message> {
        let mut frame = Message::new();
        self.recv_frame_into(&mut frame, flags)?;
        Ok(frame)
    }

    /// Receives the next frame into `out`, in place: a one-frame message
    /// moves from the pipe to a local and from there into `out`.
    fn recv_frame_into(&self, out: &mut Message, flags: i32) -> Result<()> {
        self.check_term()?;
        // Held through the wait: nothing the wait runs looks at it.
        let mut local = self.local.borrow_mut();
        if let Some(rest) = &mut local.incoming {
            let frame = rest.next().expect("incoming is None once drained");
            let more = rest.len() > 0;
            if !more {
                local.incoming = None;
            }
            local.rcvmore = more;
            out.set_received(frame, more);
            return Ok(());
        }
        let timeout = if flags & DONTWAIT != 0 {
            0
        } else {
            local.opts.rcvtimeo
        };
        // Into the caller's message in place when it can take it (its old
        // content goes only once the new one is there).
        let mut spare = None;
        let slot = match out.recv_slot() {
            Some(slot) => slot,
            None => spare.insert(Multipart::new()),
        };
        self.wait(Wait::Recv, timeout, |core| match core.recv_into(slot) {
            Ok(()) => Some(Ok(())),
            Err(ringmq_core::Error::Again) => None,
            Err(e) => Some(Err(Error::from(e))),
        })?;
        if let Some(delivered_at) = slot.take_stamp() {
            // Stamped by the transport when it queued the message.
            record_latency(self.shared(), delivered_at);
        }
        if slot.len() == 1 {
            // One frame, the common case: nothing kept for later.
            local.rcvmore = false;
            match spare {
                Some(m) => out.set_received(m.into_only().unwrap_or_default(), false),
                None => out.set_more(false),
            }
            return Ok(());
        }
        let mut rest = std::mem::take(slot).into_iter();
        let frame = rest.next().unwrap_or_else(Msg::new);
        let more = rest.len() > 0;
        local.incoming = more.then_some(rest);
        local.rcvmore = more;
        out.set_received(frame, more);
        Ok(())
    }

    /// Receives one frame into `msg` (its [`get_more`](Message::get_more)
    /// tells whether more frames of the message follow).
    ///
    /// # Errors
    /// `EAGAIN` with `DONTWAIT` or after `RCVTIMEO` when nothing arrived;
    /// `EFSM` for REQ/REP out of turn; `ENOTSUP` on PUB and PUSH; `ETERM`.
    pub fn recv(&self, msg: &mut Message, flags: i32) -> Result<()> {
        self.recv_frame_into(msg, flags)
    }

    /// Receives one frame into `bytes`; returns the frame's full length,
    /// which is larger than `bytes.len()` if it was truncated.
    ///
    /// # Errors
    /// As [`recv`](Self::recv).
    pub fn recv_into(&self, bytes: &mut [u8], flags: i32) -> Result<usize> {
        let msg = self.recv_frame(flags)?;
        let n = msg.len().min(bytes.len());
        bytes[..n].copy_from_slice(&msg[..n]);
        Ok(msg.len())
    }

    /// Receives one frame as a new [`Message`].
    ///
    /// # Errors
    /// As [`recv`](Self::recv).
    pub fn recv_msg(&self, flags: i32) -> Result<Message> {
        self.recv_frame(flags)
    }

    /// Receives one frame as a byte vector.
    ///
    /// # Errors
    /// As [`recv`](Self::recv).
    pub fn recv_bytes(&self, flags: i32) -> Result<Vec<u8>> {
        self.recv_frame(flags).map(Message::into_vec)
    }

    /// Receives one frame as a `String`; a frame that is not UTF-8 comes
    /// back as `Ok(Err(bytes))`.
    ///
    /// # Errors
    /// As [`recv`](Self::recv).
    pub fn recv_string(&self, flags: i32) -> Result<std::result::Result<String, Vec<u8>>> {
        self.recv_bytes(flags)
            .map(|b| String::from_utf8(b).map_err(std::string::FromUtf8Error::into_bytes))
    }

    /// Receives all frames of a message (or the rest of one partly
    /// received).
    ///
    /// # Errors
    /// As [`recv`](Self::recv).
    pub fn recv_multipart(&self, flags: i32) -> Result<Vec<Vec<u8>>> {
        let mut parts = Vec::new();
        loop {
            let frame = self.recv_frame(flags)?;
            let more = frame.get_more();
            parts.push(frame.into_vec());
            if !more {
                return Ok(parts);
            }
        }
    }

    /// The events the socket is ready for now: `POLLIN` if a receive would
    /// not block, `POLLOUT` if a send would not.
    pub(crate) fn ready_events(&self, core: &mut CoreSocket) -> PollEvents {
        let local = self.local.borrow();
        let mut ev = PollEvents::empty();
        if local.incoming.is_some() || core.can_recv() {
            ev |= PollEvents::POLLIN;
        }
        if !local.outgoing.is_empty() || core.can_send() {
            ev |= PollEvents::POLLOUT;
        }
        ev
    }

    /// Creates a [`PollItem`](crate::PollItem) for this socket.
    pub fn as_poll_item(&self, events: PollEvents) -> crate::PollItem<'_> {
        crate::PollItem::from_socket(self, events)
    }

    /// Polls this socket alone: 1 if one of `events` is ready within
    /// `timeout_ms` (-1: wait forever), else 0.
    ///
    /// # Errors
    /// `ETERM`.
    pub fn poll(&self, events: PollEvents, timeout_ms: i64) -> Result<i32> {
        crate::poll(&mut [self.as_poll_item(events)], timeout_ms)
    }
}

/// Out of line, so the send path carries only the sampler's countdown.
#[cold]
#[inline(never)]
fn stamp_now(msg: &mut Multipart) {
    msg.set_stamp(monotonic_ns());
}

#[cold]
#[inline(never)]
fn record_latency(shared: &SharedSocket, delivered_at: u64) {
    shared
        .recv_latency()
        .push(monotonic_ns().saturating_sub(delivered_at));
}

impl Drop for Socket {
    /// Closes the socket: inproc names are freed and inproc peers keep
    /// receiving what was queued for them (up to `LINGER`); tcp/ipc
    /// listeners stop and the I/O thread flushes queued messages for up to
    /// `LINGER`, then closes the connections. Never blocks.
    fn drop(&mut self) {
        let local = self.local.get_mut();
        let linger = u64::try_from(local.opts.linger)
            .ok()
            .map(Duration::from_millis);
        inproc::close(&self.ctx.inner.inproc, &self.entry, linger);
        if local.uses_engine {
            if let Some(engine) = self.ctx.inner.started_engine() {
                engine.close_socket(self.shared(), linger);
            }
        }
        self.ctx.inner.remove_socket(self.shared().id());
    }
}

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socket")
            .field("type", &self.local.borrow().socket_type)
            .field("id", &self.shared().id())
            .finish_non_exhaustive()
    }
}
