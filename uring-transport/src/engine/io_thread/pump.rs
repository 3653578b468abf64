//! Messages between a connection's session and its pipe: decoded input
//! written to the pipe, the pipe's output encoded and sent.

use super::*;

impl<B: Backend> IoThread<B> {
    /// Decodes what the session holds and writes whole messages to the pipe
    /// while it has room; publishes them with one flush per batch.
    pub(super) fn pump_in(&mut self, k: Key) {
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
                            conn.state.set_blocked(true);
                            break;
                        }
                    }
                }
                match session.poll_event() {
                    None => {
                        conn.state.set_blocked(false);
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
        if self
            .conns
            .get(k)
            .is_some_and(|c| c.state == ConnState::Draining { waiting: false })
        {
            // Its peer left earlier; the last of what it sent is delivered.
            self.lose_conn(k, "peer closed");
            return;
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
        conn.out_awake = true;
        let (paused, closing, sock_id) = (
            conn.state.is_blocked(),
            conn.state.is_closing(),
            conn.sock.id(),
        );
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

    /// Reads what the socket queued, encodes it into the session and writes
    /// it. Goes idle when the pipe is empty (the socket's next write then
    /// posts a [`Cmd::Pump`]); stays awake when the batch is full (the
    /// send's completion comes back here).
    pub(super) fn pump_out(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if conn.state.is_draining() {
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

    pub(super) fn try_send(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if !conn.sending.is_empty() || conn.state.is_draining() {
            return;
        }
        if let Some(s) = conn.session.as_mut() {
            s.take_output_vectored(&mut conn.sending);
        }
        submit_send(&mut self.driver, conn, k);
    }

    pub(super) fn refresh_timer(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        if conn.state.is_draining() {
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
pub(super) fn submit_send<B: Backend>(driver: &mut B, conn: &Conn, k: Key) {
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
