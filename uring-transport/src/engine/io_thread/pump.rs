//! Messages between a connection's link and the ring: decoded input
//! written to the pipe, the pipe's output encoded and sent. The protocol
//! (batching, backpressure, the write in flight) is `ringmq_core::link`'s;
//! this is the I/O around it.

use super::*;
use bytes::Bytes;

impl<B: Backend> IoThread<B> {
    /// Delivers what the connection's link decoded to its pipe (see
    /// [`Link::pump_in`]), attaching it when its handshake completes, then
    /// reads, writes and re-arms its timer as the link now wants.
    pub(super) fn pump_in(&mut self, k: Key) {
        loop {
            let Some(conn) = self.conns.get_mut(k) else {
                return;
            };
            let Some(link) = conn.link.as_mut() else {
                return;
            };
            let interval = sample_interval();
            let sampler = &mut conn.sampler;
            let input = link.pump_in(|m| {
                if sampler.tick(interval) {
                    // Read back by the application's recv (the receive
                    // path's latency).
                    stamp_now(m);
                }
            });
            match input {
                Input::Done => break,
                Input::Ready(meta) => {
                    if !self.attach(k, meta) {
                        return;
                    }
                }
                Input::Failed(e) => {
                    self.lose_conn(k, &e.to_string());
                    return;
                }
                Input::Drained => {
                    // Its peer left earlier; the last of what it sent is
                    // delivered.
                    self.lose_conn(k, "peer closed");
                    return;
                }
            }
        }
        self.arm_recv(k);
        self.pump_out(k);
        self.refresh_timer(k);
    }

    /// A pipe's notifier posted: input from the socket, or room towards it.
    pub(super) fn pump_target(&mut self, target: PumpTarget) {
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
        let sock_id = conn.sock.id();
        let (paused, closing) = match conn.link.as_mut() {
            Some(link) => (link.notified(), link.is_closing()),
            None => (
                false,
                self.sockets
                    .get(&sock_id)
                    .is_some_and(|e| e.closing.is_some()),
            ),
        };
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

    /// Reads what the socket queued, encodes it (see [`Link::pump_out`])
    /// and writes it. The link goes idle when the pipe is empty (the
    /// socket's next write then posts a [`Cmd::Pump`]); it stays awake when
    /// the batch is full (the send's completion comes back here).
    pub(super) fn pump_out(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if let Some(link) = conn.link.as_mut() {
            let sock = &conn.sock;
            link.pump_out(|m| {
                if let Some(sent_at) = m.stamp() {
                    // A sampled message: its send path ends here, encoded
                    // for the kernel.
                    record_send_latency(sock, sent_at);
                }
            });
        }
        self.try_send(k);
    }

    pub(super) fn try_send(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        let fd = conn.fd.as_raw_fd();
        if let Some(chunks) = conn.link.as_mut().and_then(Link::poll_transmit) {
            submit_send(&mut self.driver, fd, chunks, k);
        }
    }

    pub(super) fn refresh_timer(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        let at = conn
            .link
            .as_ref()
            .and_then(Link::poll_timeout)
            .map(|d| self.start + d);
        if at != conn.timer_at {
            conn.timer_at = at;
            if let Some(at) = at {
                self.timers.push(Reverse((at, Timer::Session(k))));
            }
        }
    }
}

/// Out of line (one message in 64 comes here), so the message loops stay
/// tight.
#[cold]
#[inline(never)]
pub(super) fn record_send_latency(sock: &SharedSocket, sent_at: u64) {
    sock.send_latency()
        .push(monotonic_ns().saturating_sub(sent_at));
}

#[cold]
#[inline(never)]
pub(super) fn stamp_now(m: &mut ringmq_core::Multipart) {
    m.set_stamp(monotonic_ns());
}

/// The most buffers one `sendmsg` gathers: Linux's `IOV_MAX` (`UIO_MAXIOV`).
const MAX_IOVECS: usize = 1024;

/// Writes a connection's pending chunks: one `send` for a single buffer, one
/// `sendmsg` gathering several (large frames travel from the application's
/// own buffers, see `ringmq_core::zmtp::session::ZERO_COPY_MIN`).
pub(super) fn submit_send<B: Backend>(driver: &mut B, fd: RawFd, chunks: &[Bytes], k: Key) {
    let user = Token::Conn(k).encode();
    match chunks {
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
